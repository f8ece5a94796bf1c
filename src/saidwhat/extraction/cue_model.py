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

A second logistic model over the same kind of features moves content boundaries the
patterns get wrong by PolNeAR's conventions (:meth:`CueModel.adjust_contents`): it takes in
a phrase fronted before the speaker ("When she hires, she said, she ..."), extends a content
over phrases the parser hung on the cue verb instead of inside the clause, and ends a
content at a separator (", which ..."). On dev, with the shipped model, the three moved
exact content F1 from 0.538 to 0.547 and strict attribution F1 from 0.483 to 0.492.

The model is a sparse linear model over string features, stored as JSON (see
:func:`load_cue_model`), so scoring a candidate is a few dozen dictionary look-ups. Some of
those features are the probabilities of a small spaCy role tagger
(:mod:`saidwhat.extraction.roles`, :func:`role_features`), stored beside the JSON file; it
moved dev lenient F1 from 0.710 to 0.714, strict from 0.523 to 0.525 and token F1 from
0.834 to 0.836. ``saidwhat train brat`` (module
:mod:`saidwhat.training`) rebuilds it from a brat corpus.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Mapping
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
from saidwhat.extraction.roles import RoleProbabilities, RoleTagger
from saidwhat.extraction.rules import Candidate
from saidwhat.extraction.syntax import coarse_pos, lemma_of

#: The shipped model's file in the package data; the number is the model's version (its
#: role tagger is the same name with ``.roles.bin``).
DEFAULT_MODEL_FILE = "cue_model_v6.json"
#: Version of the JSON layout, of the feature set and of the role tagger's architecture
#: (:mod:`saidwhat.extraction.roles`, fixed in code). A model trained with other features
#: would score garbage, and another tagger would not load, so loading refuses any other
#: version.
FORMAT_VERSION = 4
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
    base = pattern.removeprefix("embedded-").removeprefix("acl-")
    if base.startswith("noun-"):
        return "noun"
    if base.startswith("adj-"):
        return "adj"  # "critical of": adjectives, a vocabulary of their own
    return "object" if base in ("object", "naming", "prep", "prep-open") else "clause"


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
    """Per-document facts the features share: sentence order and paragraph starts, and the
    role tagger's probabilities when the model has a tagger."""

    __slots__ = ("doc", "quotes", "text", "sentence_index", "roles")

    def __init__(
        self, doc: Doc, quotes: QuoteIndex, roles: RoleProbabilities | None = None
    ) -> None:
        self.doc = doc
        self.quotes = quotes
        self.text = doc.text
        self.sentence_index = {sent.start: k for k, sent in enumerate(doc.sents)}
        self.roles = roles


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
    if verb.dep_ in _GOVERNED_DEPS:  # never the root, so the head is another word
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
    if context.roles is not None:
        feats += role_features(candidate, context, context.roles)
    return feats


#: Bins of the role tagger's probabilities.
_PROBABILITY_EDGES = (0.1, 0.3, 0.5, 0.7, 0.9)


def _span_tokens(doc: Doc, spans: list[tuple[int, int]]) -> list[int]:
    indices: list[int] = []
    for start, end in spans:
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None:
            indices.extend(range(span.start, span.end))
    return indices


def role_features(candidate: Candidate, context: DocContext, roles: RoleProbabilities) -> list[str]:
    """What the role tagger (:mod:`saidwhat.extraction.roles`) thinks of the candidate.

    The mean probability of each span's role (is the verb a cue, the content content, the
    source a source) and the content probability of the words just outside the content: a
    likely content word right after it means the rules stopped too early. With no source,
    the likeliest source word of the sentence says whether one was missed.
    """

    def binned(value: float) -> int:
        return _bin(value, _PROBABILITY_EDGES)

    doc = context.doc
    verb = candidate.verb
    feats = []
    if verb is not None:
        feats.append(f"rc={binned(float(roles.cue[verb.i]))}")
    content = _span_tokens(doc, candidate.content)
    if content:
        inside = roles.content[content]
        feats.append(f"rt={binned(float(inside.mean()))}")
        feats.append(f"rtmin={binned(float(inside.min()))}")
        first, last = min(content), max(content)
        if first > 0:
            feats.append(f"rtb={binned(float(roles.content[first - 1]))}")
        if last + 1 < len(doc):
            feats.append(f"rta={binned(float(roles.content[last + 1]))}")
    source = _span_tokens(doc, candidate.source)
    if source:
        feats.append(f"rs={binned(float(roles.source[source].mean()))}")
    elif verb is not None:
        sentence = verb.sent
        likeliest = float(roles.source[sentence.start : sentence.end].max())
        feats.append(f"rsn={binned(likeliest)}")
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
    if head is not None and head.i != verb.i:
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


#: Punctuation at which a content may end early: ", which ...", "; but ...", "— a charge".
_CUT_MARKS = frozenset({",", ";", "—", "–", "--"})


def cut_points(candidate: Candidate, context: DocContext) -> list[Token]:
    """Separators inside the last fragment of a content, where it could end instead.

    Only outside quotations (a quotation is always taken whole), and only with words after
    them inside the fragment.
    """
    if not candidate.content:
        return []
    start, end = candidate.content[-1]
    doc = context.doc
    span = doc.char_span(start, end, alignment_mode="contract")
    if span is None:
        return []
    points = []
    for tok in span[:-1]:
        if tok.text in _CUT_MARKS and tok.i > span.start and not _in_closed_quote(context, tok):
            points.append(tok)
    return points


def _in_closed_quote(context: DocContext, tok: Token) -> bool:
    quote = context.quotes.at(tok.idx)
    return quote is not None and quote.closed


def cut_features(candidate: Candidate, context: DocContext, mark: Token, rank: int) -> list[str]:
    """Features of ending ``candidate``'s content just before ``mark`` (its ``rank``-th
    separator): what follows the mark and where that hangs in the parse."""
    doc = mark.doc
    after = doc[mark.i + 1]
    before = doc[mark.i - 1]
    base = (candidate.pattern or "other").removeprefix("embedded-")
    feats = ["bias", f"p={base}", f"m={mark.text}", f"k={min(rank, 3)}"]
    feats += [f"nw={after.lower_}", f"nt={after.tag_}", f"nd={after.dep_}", f"pt={before.tag_}"]
    # The root of what follows: the highest ancestor of the next word that starts after the mark.
    # Compared by index: a Token object is not always the same Python object twice.
    top = after
    while top.head.i != top.i and top.head.i > mark.i:
        top = top.head
    head = top.head
    if candidate.verb is not None and head.i == candidate.verb.i:
        attached = "verb"
    elif candidate.content_head is not None and head.i == candidate.content_head.i:
        attached = "content_head"
    else:
        attached = "other"
    feats += [f"sd={top.dep_}", f"sh={attached}", f"sd|sh={top.dep_}|{attached}"]
    feats += [f"sht={head.tag_}", f"st={top.tag_}"]
    start, end = candidate.content[-1]
    before_words = len(context.text[candidate.content[0][0] : mark.idx].split())
    after_words = len(context.text[mark.idx + 1 : end].split())
    feats += [f"wb={_bin(before_words, _LENGTH_EDGES)}", f"wa={_bin(after_words, _LENGTH_EDGES)}"]
    if context.quotes.overlapping(mark.idx, end):
        feats.append("quote_after")
    if context.quotes.overlapping(start, mark.idx):
        feats.append("quote_before")
    return feats


#: Dependencies of a phrase fronted before the speaker that may open the content ("When
#: she hires, she said, she ensures ...", "In law school, she said professors ...").
_LEAD_DEPS = frozenset({"advcl", "prep", "advmod", "npadvmod", "intj", "ccomp", "dep"})
_TIME_WORD_LIST = """monday tuesday wednesday thursday friday saturday sunday today yesterday
    tonight week month year weekend morning afternoon evening night earlier later"""
_TIME_WORDS = frozenset(_TIME_WORD_LIST.split())


def lead_phrases(candidate: Candidate, context: DocContext) -> list[Token]:
    """Phrases hung on the cue verb before its speaker, while the content follows the cue.

    The parser hangs "When she is looking to fill a position, she said she ensures ..." on
    "said", so the clause pattern leaves it out; PolNeAR's annotators put it in the content
    (a first fragment) when it belongs to what was said, and out when it frames the saying
    ("On Tuesday, she said ..."). :func:`lead_features` lets the boundary model decide.
    """
    verb = candidate.verb
    if verb is None or not candidate.content or candidate.content[0][0] < verb.idx:
        return []
    subject = candidate.subject
    limit = verb.i
    if subject is not None and subject.i < verb.i:
        limit = min(limit, subject.left_edge.i)
    return [c for c in verb.lefts if c.dep_ in _LEAD_DEPS and c.right_edge.i < limit]


def lead_span(phrase: Token) -> tuple[int, int] | None:
    """Characters of a lead phrase without the separators around it."""
    doc = phrase.doc
    first, last = phrase.left_edge.i, phrase.right_edge.i
    while first <= last and (doc[first].is_punct or doc[first].is_space):
        first += 1
    while last >= first and (doc[last].is_punct or doc[last].is_space):
        last -= 1
    if first > last:
        return None
    return doc[first].idx, doc[last].idx + len(doc[last].text)


def lead_features(candidate: Candidate, context: DocContext, phrase: Token) -> list[str]:
    """Features of taking ``phrase`` (a :func:`lead_phrases` one) into the content."""
    doc = phrase.doc
    words = [t for t in phrase.subtree if not t.is_punct]
    base = (candidate.pattern or "other").removeprefix("embedded-")
    first = words[0] if words else phrase
    feats = ["L:bias", f"L:p={base}", f"L:d={phrase.dep_}", f"L:w={phrase.lower_}"]
    feats += [f"L:fw={first.lower_}", f"L:ft={first.tag_}", f"L:d|fw={phrase.dep_}|{first.lower_}"]
    feats.append(f"L:len={_bin(len(words), _LENGTH_EDGES)}")
    if any(t.pos_ in ("VERB", "AUX") for t in words):
        feats.append("L:verb")
    if any(t.lower_ in _TIME_WORDS or t.like_num for t in words):
        feats.append("L:time")
    if phrase.left_edge.i == phrase.sent.start:
        feats.append("L:sent_start")
    after = doc[phrase.right_edge.i + 1] if phrase.right_edge.i + 1 < len(doc) else None
    feats.append(f"L:after={after.text if after is not None and after.is_punct else 'word'}")
    if context.quotes.at(phrase.idx) is not None:
        feats.append("L:quoted")
    subject = candidate.subject
    feats.append(f"L:s={'none' if subject is None else coarse_pos(subject)}")
    if subject is not None and subject.i > (candidate.verb.i if candidate.verb else 0):
        feats.append("L:inverted")
    return feats


#: Words that may stand between a content and a sibling that continues it ("..., grow the
#: Peace Corps and create ...").
_JOINERS = frozenset({",", "and", "but", "or", "nor", "so", "’s", "'s"})


def extension_points(candidate: Candidate, context: DocContext) -> list[Token]:
    """Phrases hung on the cue verb right after the content, in order, that could continue
    it: the parser often attaches the rest of a reported clause to the cue ("wants to triple
    the size of the program, grow the Peace Corps and create ...", "view Obama, Clinton,
    and Paul Ryan more favorably than Trump").

    Only outside quotations, inside the verb's sentence, and never over the source or cue.
    """
    verb = candidate.verb
    if verb is None or not candidate.content or candidate.pattern == "according":
        return []
    end = candidate.content[-1][1]
    if end <= verb.idx or context.quotes.at(max(end - 1, 0)) is not None:
        return []
    sent_end = verb.sent.end
    blocked = set()
    if candidate.subject is not None:
        blocked.update(t.i for t in candidate.subject.subtree)
    points = []
    for child in verb.rights:
        if child.left_edge.idx < end or child.dep_ in ("punct", "cc", "nsubj", "nsubjpass"):
            continue
        if child.right_edge.i >= sent_end or blocked & {t.i for t in child.subtree}:
            break
        points.append(child)
    return points


def extension_features(
    candidate: Candidate, context: DocContext, child: Token, gap: list[Token], rank: int
) -> list[str]:
    """Features of taking ``child`` (an :func:`extension_points` one) into the content,
    across the ``gap`` of joining words between the content and it."""
    words = [t for t in child.subtree if not t.is_punct]
    base = (candidate.pattern or "other").removeprefix("embedded-")
    first = words[0] if words else child
    head = candidate.content_head
    feats = ["X:bias", f"X:p={base}", f"X:d={child.dep_}", f"X:t={child.tag_}"]
    feats += [f"X:fw={first.lower_}", f"X:d|p={child.dep_}|{base}", f"X:k={min(rank, 2)}"]
    feats.append(f"X:gap={'|'.join(t.lower_ for t in gap) or 'none'}")
    feats.append(f"X:len={_bin(len(words), _LENGTH_EDGES)}")
    if head is not None:
        feats.append(f"X:ht={head.tag_}|{child.tag_}")
    if context.quotes.overlapping(child.left_edge.idx, child.right_edge.idx + 1):
        feats.append("X:quoted")
    if any(t.lower_ in _TIME_WORDS or t.like_num for t in words):
        feats.append("X:time")
    return feats


def extensions(candidate: Candidate, context: DocContext) -> list[tuple[Token, list[Token], int]]:
    """Each extension point with the joining words before it and its rank; a point whose
    gap holds anything but joiners ends the list."""
    out = []
    doc = context.doc
    end = candidate.content[-1][1] if candidate.content else 0
    previous_end = None
    for rank, child in enumerate(extension_points(candidate, context)):
        start_i = child.left_edge.i
        if previous_end is None:
            gap_start = start_i
            while gap_start > 0 and doc[gap_start - 1].idx >= end:
                gap_start -= 1
        else:
            gap_start = previous_end + 1
        gap = list(doc[gap_start:start_i])
        if any(t.lower_ not in _JOINERS and not t.is_space for t in gap):
            break
        out.append((child, gap, rank))
        previous_end = child.right_edge.i
    return out


@dataclass(slots=True)
class CueModel:
    """Logistic regression over :func:`candidate_features`; a :class:`rules.CueJudge`."""

    weights: dict[str, float]
    stats: LemmaStats
    threshold: float = 0.5
    #: The bar for candidates the cue lexicon finds too (see :class:`rules.CueJudge`).
    keep_threshold: float = 0.5
    meta: dict = field(default_factory=dict)
    #: Second model, over content boundaries: does a lead phrase belong to the content
    #: (:func:`lead_features`), does the content end at a separator (:func:`cut_features`)?
    bound_weights: dict[str, float] = field(default_factory=dict)
    #: Probability at which a boundary is moved; above 1, never.
    bound_threshold: float = 2.0
    #: The role tagger whose probabilities are features (:func:`role_features`), if any.
    roles: RoleTagger | None = None

    def context(self, doc: Doc, quotes: QuoteIndex) -> DocContext:
        """The features' view of ``doc``, with role probabilities when there is a tagger.
        The rules judge each document once (:meth:`probabilities`), so it is tagged once."""
        roles = self.roles.probabilities(doc) if self.roles is not None else None
        return DocContext(doc, quotes, roles)

    def probability(self, features: list[str]) -> float:
        """P(cue) for one candidate's features."""
        weights = self.weights
        return _sigmoid(sum(weights.get(name, 0.0) for name in features))

    def probabilities(self, doc: Doc, quotes: QuoteIndex, found: list[Candidate]) -> list[float]:
        """P(cue) of each candidate; the rules keep those at or above :attr:`threshold`."""
        context = self.context(doc, quotes)
        return [self.probability(candidate_features(c, context, self.stats)) for c in found]

    def bound_probability(self, features: list[str]) -> float:
        """P(the boundary decision is right) for one lead phrase's or separator's features."""
        return _sigmoid(sum(self.bound_weights.get(name, 0.0) for name in features))

    def adjust_contents(self, doc: Doc, quotes: QuoteIndex, kept: list[Candidate]) -> None:
        """Move accepted contents' boundaries where the boundary model is sure enough: take in
        a phrase fronted before the speaker, end the content at a separator inside it."""
        if self.bound_threshold > 1.0 or not self.bound_weights:
            return
        context = DocContext(doc, quotes)
        text = context.text
        bar = self.bound_threshold
        for candidate in kept:
            leads = []
            for phrase in lead_phrases(candidate, context):
                span = lead_span(phrase)
                features = lead_features(candidate, context, phrase)
                if span and self.bound_probability(features) >= bar:
                    leads.append(span)
            for child, gap, rank in extensions(candidate, context):
                features = extension_features(candidate, context, child, gap, rank)
                if self.bound_probability(features) < bar:
                    break
                last = child.right_edge
                while last.i > child.i and last.is_punct:
                    last = last.doc[last.i - 1]
                start = candidate.content[-1][0]
                candidate.content = [*candidate.content[:-1], (start, last.idx + len(last.text))]
            for rank, mark in enumerate(cut_points(candidate, context)):
                if self.bound_probability(cut_features(candidate, context, mark, rank)) >= bar:
                    start = candidate.content[-1][0]
                    end = mark.idx
                    while end > start and text[end - 1].isspace():
                        end -= 1
                    if end > start:
                        candidate.content = [*candidate.content[:-1], (start, end)]
                    break
            if leads:
                candidate.content = sorted([*leads, *candidate.content])

    def to_json(self, role_file: str | None = None) -> dict:
        """The whole model as plain JSON, weights rounded to 5 decimals, zeros dropped; the
        role tagger is binary and lives in ``role_file`` beside it (named here)."""
        return {
            "format_version": FORMAT_VERSION,
            "role_tagger": role_file,
            "kind": "cue-logistic-regression",
            "threshold": self.threshold,
            "keep_threshold": self.keep_threshold,
            "meta": self.meta,
            "stats": self.stats.to_json(),
            "weights": _rounded(self.weights),
            "bound_threshold": self.bound_threshold,
            "bound_weights": _rounded(self.bound_weights),
        }

    def save(self, path: Path) -> None:
        """Write the model as compact JSON, and the role tagger (if any) beside it as
        ``<name>.roles.bin``; both load offline."""
        path.parent.mkdir(parents=True, exist_ok=True)
        role_file = None
        if self.roles is not None:
            role_file = role_file_name(path)
            path.with_name(role_file).write_bytes(self.roles.to_bytes())
        data = self.to_json(role_file)
        path.write_text(json.dumps(data, separators=(",", ":")) + "\n", "utf-8")

    @classmethod
    def from_json(
        cls, data: Mapping, read_beside: Callable[[str], bytes] | None = None
    ) -> CueModel:
        """Inverse of :meth:`to_json`; refuses a model made for another feature set.
        ``read_beside`` reads a file next to the JSON one (the role tagger)."""
        version = data.get("format_version")
        if version != FORMAT_VERSION:
            raise ValueError(
                f"cue model format {version!r} is not {FORMAT_VERSION}: retrain it with "
                "`saidwhat train brat`"
            )
        roles = None
        role_file = data.get("role_tagger")
        if role_file:
            if read_beside is None:
                raise ValueError(f"the model needs its role tagger {role_file}, beside it")
            roles = RoleTagger.from_bytes(read_beside(role_file))
        return cls(
            weights={k: float(v) for k, v in data["weights"].items()},
            stats=LemmaStats.from_json(data["stats"]),
            threshold=float(data["threshold"]),
            keep_threshold=float(data["keep_threshold"]),
            bound_weights={k: float(v) for k, v in data.get("bound_weights", {}).items()},
            bound_threshold=float(data.get("bound_threshold", 2.0)),
            meta=dict(data.get("meta", {})),
            roles=roles,
        )


def _sigmoid(score: float) -> float:
    if score >= 0:
        return 1.0 / (1.0 + math.exp(-score))
    odds = math.exp(score)
    return odds / (1.0 + odds)


def _rounded(weights: dict[str, float]) -> dict[str, float]:
    """Weights rounded to 5 decimals, zeros dropped: a smaller file, the same scores."""
    return {k: round(v, 5) for k, v in sorted(weights.items()) if abs(v) >= 1e-5}


def role_file_name(path: Path) -> str:
    """The role tagger's file name beside the model's JSON file ``path``."""
    return f"{Path(path).stem}.roles.bin"


def read_cue_model(path: Path) -> CueModel:
    """A model saved by :meth:`CueModel.save`."""
    path = Path(path)
    return CueModel.from_json(
        json.loads(path.read_text("utf-8")), lambda name: path.with_name(name).read_bytes()
    )


@lru_cache(maxsize=1)
def load_cue_model() -> CueModel:
    """The model shipped in the package (trained on PolNeAR train), loaded once."""
    data = resources.files("saidwhat").joinpath("data")
    raw = data.joinpath(DEFAULT_MODEL_FILE).read_text("utf-8")
    return CueModel.from_json(json.loads(raw), lambda name: data.joinpath(name).read_bytes())
