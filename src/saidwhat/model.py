"""The shared data model: small, typed, and free of heavy imports.

Every layer (readers, extractor, evaluation, CLI) speaks in these types, so that a
reader never needs spaCy and the evaluation never needs the extractor. Offsets always
index the article's original text, exactly as read from disk with ``newline=''``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

#: A span is a list of half-open ``(start, end)`` character ranges. Spans can be
#: discontinuous ("X," he said, "Y."), hence a list rather than a single pair.
Span = list[tuple[int, int]]

AttributionKind = Literal["direct", "indirect", "mixed"]


@dataclass(slots=True)
class Article:
    """One news article as read from a source file, before any analysis."""

    id: str
    text: str
    outlet: str | None = None
    published: str | None = None
    title: str | None = None
    author: str | None = None
    source_path: str | None = None
    #: Where the article was published on the web (WARC target URI, feed entry link,
    #: canonical link of a saved page); None when the input does not say.
    url: str | None = None


@dataclass(slots=True)
class Attribution:
    """One attribution: who (source) said (cue) what (content).

    ``speaker`` is the source as written; ``resolved_speaker`` is the named person or
    organisation it refers to inside the same article ("he" -> "Mark Milley"), or the
    written form when nothing better is known.
    """

    source: Span
    cue: Span
    content: Span
    kind: AttributionKind
    speaker: str | None = None
    resolved_speaker: str | None = None
    confidence: float = 1.0
    #: Where the speaker is named: the source itself, or the antecedent when the source is a
    #: relative pronoun ("Trump, who said ..." -> "Trump"). Used to resolve the speaker.
    speaker_span: Span = field(default_factory=list)
    #: The sentence(s) holding the source and the cue, where the statement is framed
    #: ("Milley told a news conference on Wednesday"); dates are looked for there.
    frame: Span = field(default_factory=list)
    #: The speaker's role or description as this article gives it ("Defense Secretary").
    role: str | None = None
    #: True for unnamed sources ("a US official", "sources familiar with the talks").
    anonymous: bool = False
    #: The intermediary that reported the statement ("The New York Times reported that ...").
    via: str | None = None
    #: When it was said: ISO date truncated to its precision ("2022-11-16", "2022-08").
    said_on: str | None = None
    said_on_precision: str | None = None
    #: How ``said_on`` was found: "explicit", "relative", "event" or "publication" (fallback).
    said_on_basis: str | None = None
    #: The canonical speaker across articles ("mark-milley"), set by
    #: :mod:`saidwhat.resolve.speakers`; None for a source that names nobody ("he" unresolved).
    speaker_id: str | None = None

    def to_json(self) -> dict:
        """The public JSONL shape (other tools score it: keep keys and types stable)."""
        return {
            "source": [[s, e] for s, e in self.source],
            "cue": [[s, e] for s, e in self.cue],
            "content": [[s, e] for s, e in self.content],
            "kind": self.kind,
            "speaker": self.resolved_speaker or self.speaker,
            "speaker_id": self.speaker_id,
            "speaker_as_written": self.speaker,
            "confidence": round(self.confidence, 3),
            "role": self.role,
            "anonymous": self.anonymous,
            "via": self.via,
            "said_on": self.said_on,
            "said_on_precision": self.said_on_precision,
            "said_on_basis": self.said_on_basis,
        }


def span_text(text: str, span: Span, joiner: str = " … ") -> str:
    """Render a possibly discontinuous span for people to read."""
    return joiner.join(text[s:e] for s, e in span)
