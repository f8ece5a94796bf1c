"""A trained judge of candidate cues: which verbs the rules tried really introduce speech.

Why a model on top of the rules: the cue lexicon decides per lemma, with one precision bar,
but PolNeAR's annotators decide per use. "Know", "want", "accuse", "reject" or "back" are
cues in some sentences and narrative in others, so a per-lemma bar must either drop them all
(missing many attributions) or keep them all (adding more false ones). Here every verb the
dependency patterns can build an attribution from is a candidate, and a logistic regression
over features of that use (the lemma and how often it was a cue in PolNeAR train, the
pattern that built the content, tense, negation, auxiliaries, what the subject is, quotation
marks nearby, where the sentence sits) gives a probability. The rules still build every
span; the model only decides which candidates stay, and its probability becomes the
attribution's ``confidence``.

The model is a sparse linear model over string features, stored as JSON (see
:func:`load_cue_model`), so loading it needs nothing beyond the standard library and scoring
a candidate is a few dozen dictionary look-ups. ``saidwhat train brat`` (module
:mod:`saidwhat.training`) rebuilds it from a brat corpus.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc, Token

from saidwhat.extraction.cues import (
    CORE_SPEECH_VERBS,
    learned_cue_lemmas,
    learned_object_lemmas,
)
from saidwhat.extraction.quotes import QuoteIndex
from saidwhat.extraction.rules import Candidate
from saidwhat.extraction.syntax import coarse_pos, lemma_of

#: The shipped model's file in the package data; the number is the format version.
DEFAULT_MODEL_FILE = "cue_model_v1.json"
#: Version of the JSON layout and of the feature set. A model trained with other features
#: would score garbage, so loading refuses any other version.
FORMAT_VERSION = 1
#: Pseudo-counts that pull a rare lemma's cue rate towards the rate of all candidates of
#: its pattern: a lemma seen once as a cue is not a sure cue.
SMOOTHING = 3.0

#: Words that make a subject a person speaking for an office ("the spokesman", "Sen.").
_PERSON_TITLE_WORDS = """mr mrs ms dr gen sen rep gov president senator governor secretary
    minister chairman spokesman spokeswoman spokesperson director chief official officials"""
_PERSON_TITLES = frozenset(_PERSON_TITLE_WORDS.split())
#: Words that make a subject an institution ("the committee", "the Times").
_ORG_WORD_LIST = """house party department committee council university agency company group
    campaign administration office ministry government court commission board foundation
    institute police pentagon kremlin network news times post"""
_ORG_WORDS = frozenset(_ORG_WORD_LIST.split())
_PRONOUN_WORD_LIST = "i we you he she they it who which that this these those there what someone"
_PRONOUN_WORDS = frozenset(_PRONOUN_WORD_LIST.split())


def pattern_group(pattern: str) -> str:
    """The family a pattern belongs to for lemma statistics: object cues behave apart."""
    base = pattern.removeprefix("embedded-")
    return "object" if base in ("object", "naming", "prep") else "clause"


@dataclass(slots=True)
class LemmaStats:
    """How often candidates of each (lemma, pattern group) were cues in the training data."""

    counts: dict[str, dict[str, tuple[int, int]]] = field(default_factory=dict)
    #: Cue rate over all candidates of each group: the prior a rare lemma is pulled to.
    prior: dict[str, float] = field(default_factory=dict)

    def rate(self, lemma: str, group: str) -> tuple[float, int]:
        """Smoothed cue rate of ``lemma`` in ``group`` and how many candidates it is from."""
        seen, cues = self.counts.get(group, {}).get(lemma, (0, 0))
        prior = self.prior.get(group, 0.1)
        return (cues + SMOOTHING * prior) / (seen + SMOOTHING), seen

    @classmethod
    def build(cls, examples: list[tuple[str, str, bool]]) -> LemmaStats:
        """From ``(lemma, group, is_cue)`` triples."""
        totals: dict[str, dict[str, list[int]]] = {}
        for lemma, group, positive in examples:
            pair = totals.setdefault(group, {}).setdefault(lemma, [0, 0])
            pair[0] += 1
            pair[1] += int(positive)
        counts = {
            group: {lemma: (n, k) for lemma, (n, k) in lemmas.items()}
            for group, lemmas in totals.items()
        }
        prior = {}
        for group, lemmas in counts.items():
            seen = sum(n for n, _ in lemmas.values())
            prior[group] = sum(k for _, k in lemmas.values()) / max(seen, 1)
        return cls(counts, prior)

    def to_json(self) -> dict:
        """Only lemmas seen at least twice are kept: the rest fall back to the prior anyway."""
        return {
            "prior": self.prior,
            "counts": {
                group: {lemma: [n, k] for lemma, (n, k) in sorted(lemmas.items()) if n >= 2}
                for group, lemmas in self.counts.items()
            },
        }

    @classmethod
    def from_json(cls, data: Mapping) -> LemmaStats:
        """Inverse of :meth:`to_json`."""
        counts = {
            group: {lemma: (int(n), int(k)) for lemma, (n, k) in lemmas.items()}
            for group, lemmas in data["counts"].items()
        }
        return cls(counts, {group: float(p) for group, p in data["prior"].items()})


def _bin(value: float, edges: tuple[float, ...]) -> int:
    """Index of the first edge ``value`` is below (len(edges) when above all)."""
    for index, edge in enumerate(edges):
        if value < edge:
            return index
    return len(edges)


_RATE_EDGES = (0.02, 0.05, 0.1, 0.2, 0.3, 0.45, 0.6, 0.75, 0.9)
_COUNT_EDGES = (1, 3, 10, 30, 100)
_LENGTH_EDGES = (3, 6, 12, 25, 50)


#: Dependencies under which the governing word says something about the candidate ("wants
#: to say", "said, adding").
_GOVERNED_DEPS = frozenset({"xcomp", "conj", "advcl", "ccomp", "relcl", "pcomp"})


class DocContext:
    """Per-document facts the features share: sentence order and paragraph starts."""

    __slots__ = ("doc", "quotes", "text", "sentence_index")

    def __init__(self, doc: Doc, quotes: QuoteIndex) -> None:
        self.doc = doc
        self.quotes = quotes
        self.text = doc.text
        self.sentence_index = {sent.start: k for k, sent in enumerate(doc.sents)}


def _subject_features(subject: Token | None, verb: Token) -> list[str]:
    if subject is None:
        return ["s=none"]
    pos = coarse_pos(subject)
    words = [t for t in subject.subtree]
    lowered = {t.lower_.rstrip(".") for t in words}
    feats = [f"s={pos}", f"st={subject.tag_}", f"sd={subject.dep_}"]
    feats.append("s<v" if subject.i < verb.i else "s>v")
    if subject.lower_ in _PRONOUN_WORDS:
        feats.append(f"sw={subject.lower_}")
    elif pos == "NOUN":
        feats.append(f"sn={lemma_of(subject)}")
    names = sum(1 for t in words if t.tag_ in ("NNP", "NNPS"))
    if names >= 2:
        feats.append("s_name2")
    elif names == 1:
        feats.append("s_name1")
    if lowered & _PERSON_TITLES:
        feats.append("s_title")
    if lowered & _ORG_WORDS:
        feats.append("s_org")
    feats.append(f"sl={_bin(len(words), _LENGTH_EDGES)}")
    return feats


def candidate_features(candidate: Candidate, context: DocContext, stats: LemmaStats) -> list[str]:
    """The string features of one candidate attribution (a verb and what the rules built).

    Kept in one function used by both training and prediction, so that the two can never
    drift apart; :data:`FORMAT_VERSION` must change whenever this does.
    """
    verb = candidate.verb
    pattern = candidate.pattern or "other"
    base = pattern.removeprefix("embedded-")
    feats = ["bias", f"p={pattern}"]
    if candidate.lexical:
        feats += ["lexical", f"lexical|p={base}"]
    if pattern.startswith("embedded-"):
        feats.append("embedded")
    if verb is None:
        return feats
    lemma = "according" if pattern == "according" else lemma_of(verb)
    group = pattern_group(pattern)
    feats += [f"l={lemma}", f"l|p={lemma}|{base}"]
    if lemma in CORE_SPEECH_VERBS:
        feats.append("core")
    lexicon = (learned_object_lemmas() if group == "object" else learned_cue_lemmas()).get(lemma)
    feats.append(f"lex={'none' if lexicon is None else _bin(lexicon, _RATE_EDGES)}")
    rate, seen = stats.rate(lemma, group)
    rate_bin = _bin(rate, _RATE_EDGES)
    feats += [f"r={rate_bin}", f"r|p={rate_bin}|{base}", f"n={_bin(seen, _COUNT_EDGES)}"]
    feats += [f"t={verb.tag_}", f"t|p={verb.tag_}|{base}"]
    feats += [f"d={verb.dep_}", f"d|p={verb.dep_}|{base}"]
    if verb.dep_ in _GOVERNED_DEPS and verb.head is not verb:
        head_lemma = lemma_of(verb.head)
        feats.append(f"hl={head_lemma}")
        feats.append(f"hd={verb.dep_}|{'core' if head_lemma in CORE_SPEECH_VERBS else 'x'}")
    for child in verb.children:
        feats.append(f"cd={child.dep_}")
        if child.dep_ in ("aux", "auxpass", "neg", "prt"):
            feats.append(f"aux={child.lower_}")
        elif child.dep_ == "advmod" and child.i < verb.i:
            feats.append(f"adv={child.lower_}")
    subject_feats = _subject_features(candidate.subject, verb)
    feats += subject_feats
    feats.append(f"l|{subject_feats[0]}={lemma}")
    feats.append(f"{subject_feats[0]}|p={base}")
    feats += _content_features(candidate, context, verb)
    feats += _position_features(context, verb)
    return feats


def _content_features(candidate: Candidate, context: DocContext, verb: Token) -> list[str]:
    feats = []
    quotes = context.quotes
    inside = outside = 0
    for start, end in candidate.content:
        for start_q, end_q in _quoted_parts(quotes, start, end):
            inside += end_q - start_q
        outside += end - start
    outside -= inside
    if inside and not outside:
        feats.append("c=direct")
    elif inside:
        feats.append("c=mixed")
    else:
        feats.append("c=indirect")
    words = sum(len(context.text[s:e].split()) for s, e in candidate.content)
    feats.append(f"clen={_bin(words, _LENGTH_EDGES)}")
    if len(candidate.content) > 1:
        feats.append("c_split")
    if candidate.content and candidate.content[0][0] < verb.idx:
        feats.append("c<v")
    head = candidate.content_head
    if head is not None and head is not verb:
        feats.append(f"ch={head.tag_}")
        for child in head.children:
            if child.dep_ == "mark":
                feats.append(f"cm={child.lower_}")
            elif child.dep_ in ("nsubj", "nsubjpass") and child.lower_ in _PRONOUN_WORDS:
                feats.append(f"cs={child.lower_}")
            elif child.dep_ == "aux":
                feats.append(f"ca={child.lower_}")
    quote = quotes.at(verb.idx)
    if quote is not None and not quote.closed:
        feats.append("v_in_open_quote")
    sent = verb.sent
    if quotes.overlapping(sent.start_char, sent.end_char):
        feats.append("q_in_sent")
    end = verb.idx + len(verb.text)
    if quotes.overlapping(max(verb.idx - 4, 0), verb.idx) or quotes.overlapping(end, end + 4):
        feats.append("q_adjacent")
    if candidate.via:
        feats.append("via")
    return feats


def _quoted_parts(quotes: QuoteIndex, start: int, end: int) -> list[tuple[int, int]]:
    return [
        (max(start, quote.start), min(end, quote.end))
        for quote in quotes.overlapping(start, end)
        if quote.closed
    ]


def _position_features(context: DocContext, verb: Token) -> list[str]:
    sent = verb.sent
    index = context.sentence_index.get(sent.start, 0)
    feats = [f"si={min(index, 5)}"]
    length = sent.end - sent.start
    relative = (verb.i - sent.start) / max(length, 1)
    feats.append(f"vpos={_bin(relative, (0.2, 0.4, 0.6, 0.8))}")
    feats.append(f"slen={_bin(length, (8, 15, 25, 40))}")
    before = context.text[max(sent.start_char - 2, 0) : sent.start_char]
    if sent.start_char == 0 or "\n" in before:
        feats.append("para_start")
    return feats


@dataclass(slots=True)
class CueModel:
    """Logistic regression over :func:`candidate_features`; a :class:`rules.CueJudge`."""

    weights: dict[str, float]
    stats: LemmaStats
    threshold: float = 0.5
    #: The bar for candidates the cue lexicon finds too (see :class:`rules.CueJudge`).
    keep_threshold: float = 0.5
    meta: dict = field(default_factory=dict)

    def probability(self, features: list[str]) -> float:
        """P(cue) for one candidate's features."""
        weights = self.weights
        score = sum(weights.get(name, 0.0) for name in features)
        if score >= 0:
            return 1.0 / (1.0 + math.exp(-score))
        odds = math.exp(score)
        return odds / (1.0 + odds)

    def probabilities(self, doc: Doc, quotes: QuoteIndex, found: list[Candidate]) -> list[float]:
        """P(cue) of each candidate; the rules keep those at or above :attr:`threshold`."""
        context = DocContext(doc, quotes)
        return [self.probability(candidate_features(c, context, self.stats)) for c in found]

    def to_json(self) -> dict:
        """The whole model as plain JSON: weights rounded to 5 decimals, zeros dropped."""
        return {
            "format_version": FORMAT_VERSION,
            "kind": "cue-logistic-regression",
            "threshold": self.threshold,
            "keep_threshold": self.keep_threshold,
            "meta": self.meta,
            "stats": self.stats.to_json(),
            "weights": {k: round(v, 5) for k, v in sorted(self.weights.items()) if abs(v) >= 1e-5},
        }

    def save(self, path: Path) -> None:
        """Write the model as compact JSON (one file, loadable offline)."""
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(self.to_json(), separators=(",", ":")) + "\n", "utf-8")

    @classmethod
    def from_json(cls, data: Mapping) -> CueModel:
        """Inverse of :meth:`to_json`; refuses a model made for another feature set."""
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise ValueError(
                f"cue model format {version!r} is not {FORMAT_VERSION}: retrain it with "
                "`saidwhat train brat`"
            )
        return cls(
            weights={k: float(v) for k, v in data["weights"].items()},
            stats=LemmaStats.from_json(data["stats"]),
            threshold=float(data["threshold"]),
            keep_threshold=float(data["keep_threshold"]),
            meta=dict(data.get("meta", {})),
        )


def read_cue_model(path: Path) -> CueModel:
    """A model saved by :meth:`CueModel.save`."""
    return CueModel.from_json(json.loads(Path(path).read_text("utf-8")))


@lru_cache(maxsize=1)
def load_cue_model() -> CueModel:
    """The model shipped in the package (trained on PolNeAR train), loaded once."""
    raw = resources.files("saidwhat").joinpath(f"data/{DEFAULT_MODEL_FILE}").read_text("utf-8")
    return CueModel.from_json(json.loads(raw))
