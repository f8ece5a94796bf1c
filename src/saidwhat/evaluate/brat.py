"""Read a brat-annotated attribution corpus (PolNeAR's layout) into the shared data model.

The evaluation scores predictions against human annotations, so the reader must turn brat
standoff into exactly the offsets people marked: nothing is re-tokenised or re-aligned here.
Real annotation files carry debris (multi-line text fields, annotator notes, ``Discard``
marks, events pointing at deleted ids), so the reader skips what is harmless, records a
warning for what loses data, and raises :class:`CorpusError` only for damage it cannot work
around, naming the file and line so the corpus can be fixed rather than guessed at.

Layout::

    DIR/text/<id>.txt                        raw article text
    DIR/attributions/<id>_<annotator>.ann    brat standoff; the lexicographically first wins
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from saidwhat.model import Article, Attribution, AttributionKind, Span, span_text

__all__ = [
    "CorpusError",
    "BratDocument",
    "guess_kind",
    "parse_ann",
    "read_brat_article",
    "read_brat_corpus",
]

logger = logging.getLogger(__name__)

#: Annotation lines start with an id and a tab; anything else is the continuation of a
#: multi-line text field (brat writes the covered text verbatim, newlines included).
_ANNOTATION_LINE = re.compile(r"^(?:[TERAMN]\d+|#\d*|\*)\t")
_FRAGMENT = re.compile(r"^\s*(\d+)\s+(\d+)\s*$")
#: Numbered role suffixes (``Content2``) are brat's way of giving one event several
#: arguments of the same role; they all belong to that role.
_ROLE = re.compile(r"^(Source|Cue|Content)\d*$")
_ROLES = ("source", "cue", "content")
#: Text-bound types that never carry attribution roles: annotators' scratch marks.
_IGNORED_TEXT_TYPES = frozenset({"Discard"})
#: Double quotation marks decide the kind; single ones double as apostrophes ("Clinton’s").
_QUOTES = frozenset('"“”«»„‟‹›')
_OPENING_SINGLE_QUOTES = frozenset("‘'")
#: PolNeAR ids look like ``breitbart_2016-09-12_stealth-over-health``.
_POLNEAR_ID = re.compile(r"^(?P<outlet>[a-z][a-z-]*)_(?P<date>\d{4}-\d{2}-\d{2})_")


class CorpusError(ValueError):
    """A corpus cannot be read as asked; the message names the file and the problem."""

    def __init__(self, path: Path | str, problem: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.problem = problem
        self.line = line
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {problem}")


@dataclass(slots=True)
class _TextBound:
    """One ``T`` line: its type, fragments, and the text brat recorded for it."""

    type: str
    fragments: Span
    recorded_text: str
    line: int


@dataclass(slots=True)
class BratDocument:
    """The attributions of one ``.ann`` file plus what was skipped while reading it."""

    attributions: list[Attribution] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def guess_kind(text: str, content: Span) -> AttributionKind:
    """Classify an attribution by its quotation marks, since brat does not record the kind.

    Content that opens or closes with a quotation mark is a direct quote; content with a
    quotation mark only inside it quotes part of the words (mixed); the rest is reported
    speech. It is a heuristic for reporting, not a gold label: the metrics never use it.
    """
    if not content:
        return "indirect"
    pieces = [text[s:e] for s, e in sorted(content)]
    joined = " ".join(pieces).strip()
    if not joined:
        return "indirect"
    if joined[0] in _QUOTES or joined[0] in _OPENING_SINGLE_QUOTES or joined[-1] in _QUOTES:
        return "direct"
    if any(ch in _QUOTES for ch in joined):
        return "mixed"
    return "indirect"


def _parse_fragments(spec: str, path: Path, line_no: int, text_len: int) -> Span:
    """Parse ``"752 760;769 800"``; bad offsets mean the file and text disagree: fail loudly.

    Fragments keep the order written (brat's recorded text follows it); roles sort them.
    """
    fragments: Span = []
    for piece in spec.split(";"):
        match = _FRAGMENT.match(piece)
        if match is None:
            raise CorpusError(path, f"malformed offsets {spec!r} in text-bound annotation", line_no)
        start, end = int(match.group(1)), int(match.group(2))
        if start > end:
            raise CorpusError(path, f"fragment {start}-{end} ends before it starts", line_no)
        if end > text_len:
            raise CorpusError(
                path,
                f"fragment {start}-{end} runs past the end of the text ({text_len} characters);"
                " is the .txt file the one this .ann was made for?",
                line_no,
            )
        fragments.append((start, end))
    return fragments


def _logical_lines(ann_text: str) -> Iterable[tuple[int, str]]:
    """Yield ``(line_number, line)`` with continuation lines folded into their annotation.

    brat writes a text field that spans a newline verbatim, so the covered text of one
    ``T`` line can continue on the following physical lines; those belong to it.
    """
    current: tuple[int, str] | None = None
    for number, raw in enumerate(ann_text.split("\n"), start=1):
        line = raw.rstrip("\r")
        if _ANNOTATION_LINE.match(line):
            if current is not None:
                yield current
            current = (number, line)
        elif current is not None:
            current = (current[0], current[1] + "\n" + line)
        elif line.strip():
            # Text before any annotation cannot belong to a text field: it is junk, but
            # harmless; parse_ann skips it with a warning.
            yield number, line
    if current is not None:
        yield current


def _squash(text: str) -> str:
    """Collapse whitespace, since brat stores newlines inside spans inconsistently."""
    return " ".join(text.split())


def parse_ann(ann_text: str, text: str, path: Path | str = "<ann>") -> BratDocument:
    """Turn the contents of one ``.ann`` file into attributions over ``text``.

    Every ``E`` line becomes one attribution; its roles come from the ``T`` lines it names
    (an event may refer to ids defined after it, so text-bound lines are collected first).
    A role named more than once (``Content`` and ``Content2``) is the union of its spans.
    """
    path = Path(path)
    doc = BratDocument()
    text_bounds: dict[str, _TextBound] = {}
    events: list[tuple[int, str, list[str]]] = []

    for line_no, line in _logical_lines(ann_text):
        if not _ANNOTATION_LINE.match(line):
            doc.warnings.append(f"{path}:{line_no}: skipped stray line {line[:40]!r}")
            continue
        ann_id, _, rest = line.partition("\t")
        kind = ann_id[0]
        if kind == "T":
            fields = rest.split("\t", 1)
            type_and_offsets = fields[0]
            recorded = fields[1] if len(fields) > 1 else ""
            type_name, _, offsets = type_and_offsets.partition(" ")
            if not type_name or not offsets:
                raise CorpusError(path, f"text-bound annotation {ann_id} has no offsets", line_no)
            if type_name in _IGNORED_TEXT_TYPES:
                continue
            fragments = _parse_fragments(offsets, path, line_no, len(text))
            if ann_id in text_bounds:
                doc.warnings.append(f"{path}:{line_no}: duplicate id {ann_id}; the later one wins")
            text_bounds[ann_id] = _TextBound(type_name, fragments, recorded, line_no)
        elif kind == "E":
            arguments = rest.split("\t", 1)[0].split()
            if not arguments:
                raise CorpusError(path, f"event {ann_id} has no arguments", line_no)
            for argument in arguments:
                role, sep, ref = argument.partition(":")
                if not sep or not role or not ref:
                    raise CorpusError(
                        path, f"event {ann_id} has malformed argument {argument!r}", line_no
                    )
            events.append((line_no, ann_id, arguments))
        # Notes (#), relations (R), attributes (A/M), normalisations (N) and equivalences
        # (*) say nothing about attribution spans.

    for tb_id, tb in text_bounds.items():
        if _squash(" ".join(text[s:e] for s, e in tb.fragments)) != _squash(tb.recorded_text):
            doc.warnings.append(
                f"{path}:{tb.line}: text of {tb_id} differs from the article at its offsets"
            )

    for line_no, event_id, arguments in events:
        attribution = _build_attribution(event_id, arguments, text_bounds, text, doc, path, line_no)
        if attribution is not None:
            doc.attributions.append(attribution)
    return doc


def _build_attribution(
    event_id: str,
    arguments: list[str],
    text_bounds: dict[str, _TextBound],
    text: str,
    doc: BratDocument,
    path: Path,
    line_no: int,
) -> Attribution | None:
    """Assemble one event's roles, or return ``None`` (with a warning) when it is unusable."""
    # The first argument is the event type and its trigger (Attribution:T4); the trigger
    # duplicates the cue and is not a role.
    roles: dict[str, Span] = {role: [] for role in _ROLES}
    for argument in arguments[1:]:
        role_name, _, ref = argument.partition(":")
        if ref not in text_bounds:
            doc.warnings.append(
                f"{path}:{line_no}: event {event_id} refers to missing annotation {ref};"
                " event skipped"
            )
            return None
        match = _ROLE.match(role_name)
        if match is None:
            doc.warnings.append(
                f"{path}:{line_no}: event {event_id} has unknown role {role_name!r}; ignored"
            )
            continue
        roles[match.group(1).lower()].extend(text_bounds[ref].fragments)
    if not any(roles.values()):
        doc.warnings.append(f"{path}:{line_no}: event {event_id} has no roles; event skipped")
        return None
    source, cue, content = (sorted(set(roles[role])) for role in _ROLES)
    speaker = span_text(text, source, joiner=" ") if source else None
    return Attribution(
        source=source,
        cue=cue,
        content=content,
        kind=guess_kind(text, content),
        speaker=speaker,
    )


def _read_text(path: Path) -> str:
    """Read exactly the characters offsets index (no newline translation)."""
    try:
        with open(path, encoding="utf-8", newline="") as handle:
            return handle.read()
    except UnicodeDecodeError as error:
        raise CorpusError(
            path, f"not valid UTF-8 ({error.reason} at byte {error.start})"
        ) from error


def _article_for(article_id: str, text: str, text_path: Path) -> Article:
    """Build the article, reading outlet and date from PolNeAR-style ids when present."""
    match = _POLNEAR_ID.match(article_id)
    return Article(
        id=article_id,
        text=text,
        outlet=match.group("outlet") if match else None,
        published=match.group("date") if match else None,
        source_path=str(text_path),
    )


def read_brat_article(
    text_path: Path, ann_path: Path | None, warnings: list[str] | None = None
) -> tuple[Article, list[Attribution]]:
    """Read one article and its annotations; a missing ``ann_path`` means none were made."""
    text = _read_text(text_path)
    article = _article_for(text_path.stem, text, text_path)
    if ann_path is None:
        return article, []
    doc = parse_ann(_read_text(ann_path), text, ann_path)
    for message in doc.warnings:
        logger.debug(message)
    if warnings is not None:
        warnings.extend(doc.warnings)
    return article, doc.attributions


def _first_ann_files(ann_dir: Path, article_ids: Iterable[str]) -> dict[str, Path]:
    """Map each article id to its lexicographically first ``<id>_<annotator>.ann`` file.

    Matching on the longest known id keeps ``a_b_x.ann`` with article ``a_b`` rather than
    article ``a`` when both exist.
    """
    ids = set(article_ids)
    chosen: dict[str, Path] = {}
    if not ann_dir.is_dir():
        return chosen
    for ann_path in sorted(ann_dir.glob("*.ann"), key=lambda p: p.name):
        stem = ann_path.name[: -len(".ann")]
        # Candidate ids are the prefixes ending just before an underscore, longest first.
        cuts = [i for i, char in enumerate(stem) if char == "_"]
        owner = next((stem[:cut] for cut in reversed(cuts) if stem[:cut] in ids), None)
        if owner is not None and owner not in chosen:
            chosen[owner] = ann_path
    return chosen


def read_brat_corpus(
    directory: Path, warnings: list[str] | None = None
) -> list[tuple[Article, list[Attribution]]]:
    """Read every article of a brat corpus directory, sorted by article id.

    Articles with text but no annotation file are kept with no attributions, because an
    article where nobody attributed anything is still evidence against false positives.
    Problems that lose data without invalidating the file are appended to ``warnings``
    (and logged at debug level); damage that would make scores meaningless raises
    :class:`CorpusError`.
    """
    directory = Path(directory)
    text_dir = directory / "text"
    if not directory.is_dir():
        raise CorpusError(directory, "corpus directory does not exist")
    if not text_dir.is_dir():
        raise CorpusError(directory, "no text/ folder; expected text/<id>.txt files")
    text_paths = sorted(text_dir.glob("*.txt"), key=lambda p: p.name)
    if not text_paths:
        raise CorpusError(text_dir, "no .txt files")
    ann_dir = directory / "attributions"
    if not ann_dir.is_dir():
        message = f"{directory}: no attributions/ folder; every article has zero attributions"
        logger.debug(message)
        if warnings is not None:
            warnings.append(message)
    ann_files = _first_ann_files(ann_dir, (p.stem for p in text_paths))
    return [
        read_brat_article(text_path, ann_files.get(text_path.stem), warnings)
        for text_path in text_paths
    ]
