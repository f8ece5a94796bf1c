"""Score predicted attributions against gold ones, with the project's fixed metric definitions.

Three views, because each hides what the others show:

* **token** P/R/F1 per role (and micro over roles): how much of each role's text was found,
  forgiving boundary disagreements;
* **span exact** P/R/F1 per role: whether role boundaries are right, after normalising away
  the whitespace, punctuation and quotation marks that annotators place inconsistently;
* **attribution** P/R/F1 with one-to-one greedy matching, *lenient* (content token F1 >= 0.5
  and overlapping sources) and *strict* (all three roles exact): whether whole
  who-said-what triples were recovered.

The definitions are part of the project's published numbers: change them only together with
the design document.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from rich.table import Table

from saidwhat.model import Attribution, Span

__all__ = [
    "ROLES",
    "ArticleScore",
    "EvalReport",
    "Score",
    "Tokens",
    "evaluate",
    "format_table",
    "normalise_span",
    "score_article",
]

#: The three attribution roles, in reporting order.
ROLES: tuple[str, str, str] = ("source", "cue", "content")

_TOKEN = re.compile(r"\w+|[^\w\s]")
#: Quotation marks stripped from span ends. Most are Unicode punctuation anyway; the
#: explicit set also covers the backtick and acute accent that stand in for quotes.
_QUOTE_CHARS = frozenset("\"'“”‘’«»„‹›‚‟‛`´")
_LENIENT_CONTENT_F1 = 0.5

NormalisedSpan = tuple[tuple[int, int], ...]


@dataclass(slots=True)
class Score:
    """True positive, false positive and false negative counts, with the usual ratios.

    Ratios are 0.0 when undefined (no predictions, or no gold) so reports never carry NaN.
    """

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        """Share of predicted units that are correct."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        """Share of gold units that were found."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        """Harmonic mean of precision and recall."""
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def __add__(self, other: Score) -> Score:
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def add(self, other: Score) -> None:
        """Accumulate ``other`` in place, to sum per-article counts over a corpus."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_json(self) -> dict[str, float | int]:
        """Counts and ratios (rounded to 4 digits) for machine-readable reports."""
        return {
            "p": round(self.precision, 4),
            "r": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


def _set_score(gold: set[int], pred: set[int]) -> Score:
    """Counts for two sets of units."""
    tp = len(gold & pred)
    return Score(tp, len(pred) - tp, len(gold) - tp)


class Tokens:
    """The tokens of one article, with fast lookup of the tokens a span touches.

    Token boundaries come from a fixed regex rather than a tokenizer model so that scores
    do not change when a model is upgraded, and gold and prediction are cut identically.
    """

    __slots__ = ("text", "starts", "ends")

    def __init__(self, text: str) -> None:
        self.text = text
        matches = list(_TOKEN.finditer(text))
        self.starts = [m.start() for m in matches]
        self.ends = [m.end() for m in matches]

    def __len__(self) -> int:
        return len(self.starts)

    def covered(self, span: Span) -> set[int]:
        """Indices of tokens whose character range overlaps any fragment of ``span``."""
        indices: set[int] = set()
        for start, end in span:
            if end <= start:
                continue
            first = bisect_right(self.ends, start)  # first token ending after ``start``
            stop = bisect_left(self.starts, end)  # tokens starting before ``end``
            indices.update(range(first, stop))
        return indices


def _strippable(char: str) -> bool:
    """Whether a character is boundary noise: whitespace, punctuation or a quotation mark."""
    return char.isspace() or char in _QUOTE_CHARS or unicodedata.category(char).startswith("P")


def normalise_span(text: str, span: Span) -> NormalisedSpan:
    """Canonical form of a span for exact comparison.

    Each fragment is shrunk past whitespace, punctuation and quotation marks at both ends
    (annotators disagree on whether the closing period or the quote marks belong to the
    content); fragments left empty are dropped, the rest sorted.
    """
    fragments: list[tuple[int, int]] = []
    limit = len(text)
    for raw_start, raw_end in span:
        start, end = max(0, raw_start), min(limit, raw_end)
        while start < end and _strippable(text[start]):
            start += 1
        while end > start and _strippable(text[end - 1]):
            end -= 1
        if start < end:
            fragments.append((start, end))
    return tuple(sorted(set(fragments)))


def _role(attribution: Attribution, role: str) -> Span:
    """One role's span of an attribution."""
    span: Span = getattr(attribution, role)
    return span


def _token_f1(gold: set[int], pred: set[int]) -> float:
    """Token-overlap F1 of two token sets; two empty sets agree perfectly."""
    if not gold and not pred:
        return 1.0
    return 2 * len(gold & pred) / (len(gold) + len(pred))


@dataclass(slots=True)
class _Prepared:
    """Per-attribution token sets and normalised spans, computed once per article."""

    tokens: dict[str, set[int]]
    spans: dict[str, NormalisedSpan]


def _prepare(tokens: Tokens, attributions: Sequence[Attribution]) -> list[_Prepared]:
    return [
        _Prepared(
            tokens={role: tokens.covered(_role(a, role)) for role in ROLES},
            spans={role: normalise_span(tokens.text, _role(a, role)) for role in ROLES},
        )
        for a in attributions
    ]


def _greedy_match(
    gold: list[_Prepared],
    pred: list[_Prepared],
    accept: Callable[[_Prepared, _Prepared], bool],
) -> list[tuple[int, int]]:
    """One-to-one greedy matching of accepted pairs, best content token F1 first.

    Ties on content F1 are broken by source, then cue token F1, then document order, so
    that scoring gold against itself pairs every attribution with its own copy.
    """
    candidates: list[tuple[float, float, float, int, int]] = []
    for gi, g in enumerate(gold):
        for pi, p in enumerate(pred):
            if accept(g, p):
                candidates.append(
                    (
                        _token_f1(g.tokens["content"], p.tokens["content"]),
                        _token_f1(g.tokens["source"], p.tokens["source"]),
                        _token_f1(g.tokens["cue"], p.tokens["cue"]),
                        -gi,
                        -pi,
                    )
                )
    candidates.sort(reverse=True)
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs: list[tuple[int, int]] = []
    for *_, neg_gi, neg_pi in candidates:
        gi, pi = -neg_gi, -neg_pi
        if gi not in used_gold and pi not in used_pred:
            used_gold.add(gi)
            used_pred.add(pi)
            pairs.append((gi, pi))
    return sorted(pairs)


def _lenient(g: _Prepared, p: _Prepared) -> bool:
    """Content token F1 >= 0.5 and sources share a token (or both have none)."""
    if _token_f1(g.tokens["content"], p.tokens["content"]) < _LENIENT_CONTENT_F1:
        return False
    gs, ps = g.tokens["source"], p.tokens["source"]
    return bool(gs & ps) or (not gs and not ps)


def _strict(g: _Prepared, p: _Prepared) -> bool:
    """All three roles equal after normalisation (empty equals empty)."""
    return all(g.spans[role] == p.spans[role] for role in ROLES)


def _pair_score(pairs: list[tuple[int, int]], n_gold: int, n_pred: int) -> Score:
    return Score(len(pairs), n_pred - len(pairs), n_gold - len(pairs))


@dataclass(slots=True)
class ArticleScore:
    """Counts for one article, plus the matched pairs for error analysis.

    ``lenient_pairs`` and ``strict_pairs`` hold ``(gold_index, predicted_index)`` pairs into
    the lists given to :func:`score_article`; unmatched indices are the errors.
    """

    token: dict[str, Score]
    span_exact: dict[str, Score]
    lenient: Score
    strict: Score
    lenient_pairs: list[tuple[int, int]]
    strict_pairs: list[tuple[int, int]]
    n_gold: int
    n_predicted: int

    @property
    def unmatched_gold(self) -> list[int]:
        """Gold attributions with no lenient match: the misses."""
        matched = {g for g, _ in self.lenient_pairs}
        return [i for i in range(self.n_gold) if i not in matched]

    @property
    def unmatched_predicted(self) -> list[int]:
        """Predicted attributions with no lenient match: the false alarms."""
        matched = {p for _, p in self.lenient_pairs}
        return [i for i in range(self.n_predicted) if i not in matched]


def score_article(
    text: str,
    gold: Sequence[Attribution],
    pred: Sequence[Attribution],
    tokens: Tokens | None = None,
) -> ArticleScore:
    """Score one article's predicted attributions against its gold ones.

    ``tokens`` may be passed when the caller already tokenised ``text``.
    """
    tokens = tokens if tokens is not None else Tokens(text)
    gold_prep = _prepare(tokens, gold)
    pred_prep = _prepare(tokens, pred)

    token_scores: dict[str, Score] = {}
    span_scores: dict[str, Score] = {}
    for role in ROLES:
        gold_tokens = set().union(*(g.tokens[role] for g in gold_prep))
        pred_tokens = set().union(*(p.tokens[role] for p in pred_prep))
        token_scores[role] = _set_score(gold_tokens, pred_tokens)

        gold_spans = Counter(g.spans[role] for g in gold_prep if g.spans[role])
        pred_spans = Counter(p.spans[role] for p in pred_prep if p.spans[role])
        tp = sum((gold_spans & pred_spans).values())
        span_scores[role] = Score(tp, pred_spans.total() - tp, gold_spans.total() - tp)

    lenient_pairs = _greedy_match(gold_prep, pred_prep, _lenient)
    strict_pairs = _greedy_match(gold_prep, pred_prep, _strict)
    return ArticleScore(
        token=token_scores,
        span_exact=span_scores,
        lenient=_pair_score(lenient_pairs, len(gold), len(pred)),
        strict=_pair_score(strict_pairs, len(gold), len(pred)),
        lenient_pairs=lenient_pairs,
        strict_pairs=strict_pairs,
        n_gold=len(gold),
        n_predicted=len(pred),
    )


def _role_scores() -> dict[str, Score]:
    return {role: Score() for role in ROLES}


@dataclass(slots=True)
class EvalReport:
    """Corpus-level scores: counts summed over articles, then ratios (micro-averaged).

    ``extra_predicted_articles`` counts predicted article ids absent from the gold set;
    they are not scored (there is no text to score them against) but are reported, since a
    large number usually means the ids do not line up.
    """

    token: dict[str, Score] = field(default_factory=_role_scores)
    token_micro: Score = field(default_factory=Score)
    span_exact: dict[str, Score] = field(default_factory=_role_scores)
    attribution_lenient: Score = field(default_factory=Score)
    attribution_strict: Score = field(default_factory=Score)
    n_articles: int = 0
    n_gold: int = 0
    n_predicted: int = 0
    extra_predicted_articles: int = 0

    def add(self, article: ArticleScore) -> None:
        """Fold one article's counts into the corpus totals."""
        for role in ROLES:
            self.token[role].add(article.token[role])
            self.token_micro.add(article.token[role])
            self.span_exact[role].add(article.span_exact[role])
        self.attribution_lenient.add(article.lenient)
        self.attribution_strict.add(article.strict)
        self.n_articles += 1
        self.n_gold += article.n_gold
        self.n_predicted += article.n_predicted

    def rows(self) -> list[tuple[str, Score]]:
        """Every metric as ``(label, score)``, in reporting order."""
        rows = [(f"token {role}", self.token[role]) for role in ROLES]
        rows.append(("token micro", self.token_micro))
        rows += [(f"span exact {role}", self.span_exact[role]) for role in ROLES]
        rows.append(("attribution lenient", self.attribution_lenient))
        rows.append(("attribution strict", self.attribution_strict))
        return rows

    def to_json(self) -> dict:
        """Nested plain-data form of the report, for files and comparisons across runs."""
        return {
            "articles": self.n_articles,
            "gold_attributions": self.n_gold,
            "predicted_attributions": self.n_predicted,
            "extra_predicted_articles": self.extra_predicted_articles,
            "token": {
                **{role: self.token[role].to_json() for role in ROLES},
                "micro": self.token_micro.to_json(),
            },
            "span_exact": {role: self.span_exact[role].to_json() for role in ROLES},
            "attribution": {
                "lenient": self.attribution_lenient.to_json(),
                "strict": self.attribution_strict.to_json(),
            },
        }


def evaluate(
    gold: Mapping[str, tuple[str, Sequence[Attribution]]],
    predicted: Mapping[str, Sequence[Attribution]],
) -> EvalReport:
    """Score predictions for a corpus; ``gold`` maps article id to ``(text, attributions)``.

    Every gold article is scored; one with no entry in ``predicted`` counts as predicting
    nothing, so skipped articles cost recall instead of silently vanishing.
    """
    report = EvalReport()
    for article_id in sorted(gold):
        text, gold_attributions = gold[article_id]
        report.add(score_article(text, gold_attributions, predicted.get(article_id, ())))
    report.extra_predicted_articles = sum(1 for article_id in predicted if article_id not in gold)
    return report


def format_table(report: EvalReport, title: str | None = None) -> Table:
    """A Rich table of every metric with P, R and F1, for terminals."""
    table = Table(
        title=title,
        caption=(
            f"{report.n_articles} articles, {report.n_gold} gold and "
            f"{report.n_predicted} predicted attributions"
        ),
    )
    table.add_column("Metric")
    for column in ("P", "R", "F1"):
        table.add_column(column, justify="right")
    for label, score in report.rows():
        table.add_row(label, f"{score.precision:.4f}", f"{score.recall:.4f}", f"{score.f1:.4f}")
    return table
