"""Polarity: which content words a statement negates, and when two versions contradict.

A speaker's opposite remarks share most of their words: "of course Clinton is qualified to
be president" and "Clinton is not qualified to be president", or poll answers that Wall
Street does "more to help" and "more to hurt" the economy. Word overlap and alignment see
near-copies; what tells them apart is that one version *negates* a word the other asserts,
or puts its opposite in its place (:func:`opposite_swap`). The linker reads this as a
different remark, so the rules that link on looser evidence (rewording, paraphrase, a
quoted fragment, embeddings) never link two versions whose polarity conflicts. An exact
excerpt is still linked: "qualified to be president" cut from "not qualified to be
president" is a partial quote, not a reversal.

Negation scope is deliberately narrow, because a paraphrase moves words around: a negation
("not", "never", "n't", "no") negates the *next* content word of its clause ("is not
qualified", "will not sign any budget" negates "sign", not "budget"), and a negative
pronoun after a verb ("paid nothing", "said none") also negates the content word just
before it, so "has not paid anything" and "has paid nothing" agree.

For paraphrase-level evidence (word bags, a quoted fragment, embeddings) a coarser check
applies too: one version negates its *main clause* (a negation among the first words of
its first clause: "he had never suggested the U.S. should use a database") while the other
has no negation at all ("he would certainly implement a database"). A summary can drop
the negated word itself, so the word-level check alone would not see the reversal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from saidwhat.link.text import STOPWORDS, Token, stem, word_set

__all__ = ["ANTONYMS", "NEGATIONS", "Polarity", "opposite_swap", "polarity", "polarity_conflict"]

#: Words that negate what follows them (contractions arrive expanded: "n't" is "not").
NEGATIONS = word_set("not no never nothing none nobody neither nor nowhere without")
#: Negative pronouns that, after a verb, negate that verb ("paid nothing").
_NEGATIVE_OBJECTS = word_set("nothing none nobody nowhere")
#: A comparative after a negation makes a superlative, not a denial: "nobody more qualified
#: than Hillary Clinton" says she is the most qualified, so the negation stops there.
_COMPARATIVES = word_set("more less better worse than")
#: How many words a negation may reach forward to find its content word.
_SCOPE = 3
#: A negation this early in the first clause negates the statement's main predicate.
_MAIN_CLAUSE_WORDS = 6
#: Punctuation that ends a clause, and so the reach of a negation.
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\u2013\u2014]|--|\s-\s")

#: Pairs of opposite words, each side with the inflections news copy uses; a version that
#: asserts one where the other asserts its opposite (and never the word itself) says the
#: opposite. Short on purpose: only opposites that reverse a claim, not mere contrasts.
_OPPOSITES = (
    ("help helps helped helping", "hurt hurts hurting harm harms harmed harming"),
    ("support supports supported supporting", "oppose opposes opposed opposing"),
    ("win wins won winning", "lose loses lost losing"),
    ("increase increases increased increasing", "decrease decreases decreased decreasing"),
    ("raise raises raised raising", "cut cuts cutting lower lowers lowered lowering"),
    ("legal lawful", "illegal unlawful"),
    ("qualified", "unqualified disqualified"),
    ("approve approves approved approving", "disapprove disapproves disapproved"),
    ("agree agrees agreed agreeing", "disagree disagrees disagreed disagreeing"),
    ("accept accepts accepted accepting", "reject rejects rejected rejecting"),
    ("guilty", "innocent"),
    ("strong stronger strongest", "weak weaker weakest"),
    ("good better best", "bad worse worst"),
    ("safe safer safest", "dangerous unsafe"),
    ("success successful succeed succeeded", "failure failed fail fails"),
    ("allow allows allowed allowing", "ban bans banned banning forbid forbids forbidden"),
    ("love loves loved", "hate hates hated"),
    ("positive", "negative"),
    ("fair", "unfair"),
    ("constitutional", "unconstitutional"),
)


def _build_antonyms() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for left, right in _OPPOSITES:
        lefts = {stem(word) for word in left.split()}
        rights = {stem(word) for word in right.split()}
        for word in lefts:
            table.setdefault(word, set()).update(rights - lefts)
        for word in rights:
            table.setdefault(word, set()).update(lefts - rights)
    return {word: frozenset(opposite) for word, opposite in table.items()}


#: Content stem -> the stems of its opposites.
ANTONYMS: dict[str, frozenset[str]] = _build_antonyms()

_EMPTY: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Polarity:
    """The content stems a version negates somewhere, and those it only ever negates.

    Both are empty for most statements (a shared empty set, so keeping one per statement
    costs nothing); the stems a version asserts are its bag minus ``negated_only``.
    ``negations`` counts its negation words, ``main_negated`` says whether its main
    clause is negated (see the module docstring).
    """

    negated: frozenset[str] = _EMPTY
    negated_only: frozenset[str] = _EMPTY
    negations: int = 0
    main_negated: bool = False


_PLAIN = Polarity()


def _is_content(norm: str) -> bool:
    return norm not in STOPWORDS and norm not in NEGATIONS


def polarity(text: str, statement_tokens: list[Token]) -> Polarity:
    """Which content stems of a text are negated (see the module docstring for the scope)."""
    # Most statements hold no negation at all: answer them before walking the clauses
    # (this runs for every statement linked and every cluster member labelled). The test
    # reads every token's words, a superset of the speaker's words read below, so a text
    # it passes on may still come out plain, but never the other way round.
    if NEGATIONS.isdisjoint([norm for token in statement_tokens for norm in token.norms]):
        return _PLAIN
    # the speaker's words in order, each with the number of the clause it is in
    words: list[tuple[str, int]] = []
    clause = 0
    previous_end: int | None = None
    for token in statement_tokens:
        if token.kind != "word":
            clause += 1
            previous_end = None
            continue
        if previous_end is not None and _CLAUSE_BREAK.search(text[previous_end : token.start]):
            clause += 1
        for norm in token.norms:
            words.append((norm, clause))
        previous_end = token.end
    if not any(norm in NEGATIONS for norm, _ in words):
        return _PLAIN
    negated_at: set[int] = set()
    first_clause = words[0][1]
    main_negated = any(
        norm in NEGATIONS and clause == first_clause for norm, clause in words[:_MAIN_CLAUSE_WORDS]
    )
    for position, (norm, clause) in enumerate(words):
        if norm not in NEGATIONS:
            continue
        if norm in _NEGATIVE_OBJECTS and position:
            before, before_clause = words[position - 1]
            if before_clause == clause and _is_content(before):
                # the object of the verb before it ("paid nothing"): that verb is negated
                negated_at.add(position - 1)
                continue
        for ahead in range(position + 1, min(len(words), position + 1 + _SCOPE)):
            other, other_clause = words[ahead]
            if other_clause != clause or other in _COMPARATIVES:
                break
            if _is_content(other):
                negated_at.add(ahead)
                break
    negated: set[str] = set()
    asserted: set[str] = set()
    for position, (norm, _clause) in enumerate(words):
        if _is_content(norm):
            (negated if position in negated_at else asserted).add(stem(norm))
    return Polarity(
        frozenset(negated) if negated else _EMPTY,
        frozenset(negated - asserted) if negated - asserted else _EMPTY,
        sum(norm in NEGATIONS for norm, _clause in words),
        main_negated,
    )


@lru_cache(maxsize=4096)
def _opposites(word: str) -> frozenset[str]:
    return ANTONYMS.get(word, _EMPTY)


def polarity_conflict(
    left_bag: frozenset[str],
    left: Polarity,
    right_bag: frozenset[str],
    right: Polarity,
    *,
    main_clause: bool = False,
) -> str | None:
    """Why two versions contradict each other by negation, or None when they do not.

    A content word one version only ever negates and the other only ever asserts ("is
    not qualified" / "is qualified"), the negating version holding more negations in all
    (with as many on both sides, the difference is only where the punctuation put the
    scope: "not Bill, nobody - more qualified" / "not Bill, nobody more qualified").
    With ``main_clause`` (for paraphrase-level evidence), also a negated main clause
    against a version without any negation. Opposite words need the alignment, see
    :func:`opposite_swap`.
    """
    if main_clause and (
        (left.main_negated and not right.negations) or (right.main_negated and not left.negations)
    ):
        return "main clause negated on one side only"
    for this, other, other_bag in ((left, right, right_bag), (right, left, left_bag)):
        if this.negated_only and this.negations > other.negations:
            flipped = this.negated_only & (other_bag - other.negated)
            if flipped:
                return f"negated on one side only: {', '.join(sorted(flipped))}"
    return None


def opposite_swap(
    gaps: list[tuple[tuple[str, ...], tuple[str, ...]]],
    left_bag: frozenset[str],
    right_bag: frozenset[str],
) -> str | None:
    """Where the aligned versions put a word and its opposite in the same place.

    ``gaps`` are the unaligned stretches between two versions' common runs, as pairs
    (left words, right words). "does more to *help* the economy" against "does more to
    *hurt* the economy than to help it" swaps "help" for "hurt" in place: a reversal,
    even though the second version also says "help" later. Opposites in different
    places ("you are strong and your opponent is weak" / "at your strength, and your
    opponent is at weakness") are no swap. The swapped-in word must be absent from the
    other version altogether, so a rewording that keeps both words is no reversal either.
    """
    for left_gap, right_gap in gaps:
        if not left_gap or not right_gap:
            continue
        for this_gap, other_gap, other_bag in (
            (left_gap, right_gap, right_bag),
            (right_gap, left_gap, left_bag),
        ):
            for word in this_gap:
                if word in other_bag:
                    continue
                opposite = _opposites(word).intersection(other_gap)
                if opposite:
                    return f"opposite words: {word} / {', '.join(sorted(opposite))}"
    return None
