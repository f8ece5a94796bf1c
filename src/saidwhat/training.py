"""Train the cue model (:mod:`saidwhat.extraction.cue_model`) from a brat corpus.

Why this lives in the package rather than in a script: the shipped model must be
reproducible by anyone with the data (``saidwhat train brat TRAIN --dev DEV --out MODEL``),
and the tests train a tiny model the same way. Only spaCy and numpy are needed; the
optimiser is a few lines of full-batch Adam on the L2-regularised log loss, which converges
in seconds on PolNeAR train's candidates.

Steps:

1. parse the corpus (or reload the parse from a DocBin cache: parsing train takes minutes),
   and train the role tagger (:mod:`saidwhat.extraction.roles`): one per half of the
   articles for the probabilities the cue model is fitted on, one on all for shipping;
2. run the rules with a recording judge, so every verb the patterns can build an attribution
   from becomes a candidate with its source and content;
3. label each candidate from the gold annotations: positive when its verb is part of a gold
   cue *and* the attribution the rules built from it matches that gold one leniently (so the
   model also learns which patterns build the wrong spans: labelling by the cue alone scored
   0.655 / 0.430 / 0.803 on dev, by both 0.678 / 0.449 / 0.798, lenient / strict / token F1);
4. compute each lemma's cue rate out of fold (a rate computed on the same articles would let
   the model trust rare lemmas it has simply memorised), turn candidates into features, fit;
5. pick the probability thresholds on the dev corpus, by the attribution scores themselves:
   one for candidates only the open pass finds, one (kept low) for those the lexicon finds;
6. fit the content-boundary model on the boundary decisions inside the candidates that
   matched a gold attribution (:func:`bound_examples`), and pick its threshold on dev
   after the cue thresholds, with contents as the patterns built them until then.
"""

from __future__ import annotations

import copy
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from spacy.tokens import Doc, DocBin

from saidwhat.evaluate.brat import read_brat_corpus
from saidwhat.evaluate.metrics import EvalReport, Tokens, evaluate, normalise_span
from saidwhat.extraction.cue_model import (
    CueModel,
    DocContext,
    LemmaStats,
    candidate_features,
    cut_features,
    cut_points,
    extension_features,
    extensions,
    lead_features,
    lead_phrases,
    lead_span,
    pattern_group,
)
from saidwhat.extraction.pipeline import load_nlp, pipeline_fingerprint, text_for_parser
from saidwhat.extraction.quotes import QuoteIndex
from saidwhat.extraction.roles import (
    EPOCHS,
    RoleProbabilities,
    out_of_fold_roles,
    train_role_tagger,
)
from saidwhat.extraction.rules import Candidate, CueJudge, find_attributions
from saidwhat.extraction.syntax import lemma_of
from saidwhat.model import Article, Attribution

#: Folds for the out-of-fold lemma rates.
FOLDS = 5
#: Thresholds tried on dev.
THRESHOLDS = tuple(round(0.3 + 0.05 * k, 2) for k in range(8))
#: Bars tried for the candidates the cue lexicon finds too. Kept at or below 0.1: the model
#: learns PolNeAR's conventions only, and the rules' attributions it disagrees with include
#: hand-checked ones (the reference examples in tests/extraction); higher bars scored about
#: the same on dev (0.668 / 0.446 / 0.798 at 0.3 against 0.667 / 0.442 / 0.803 at 0.1).
KEEP_THRESHOLDS = (0.0, 0.05, 0.1)
#: Mean headline scores this close to the best count as a tie (see :func:`choose_thresholds`).
SCORE_TIE = 0.001
#: Thresholds tried for moving a content boundary (2.0, never, is tried too).
BOUND_THRESHOLDS = (0.3, 0.35, 0.4, 0.5, 0.6, 0.7)
#: Content token F1 at which a candidate counts as matching a gold attribution, as in the
#: lenient attribution score.
LENIENT_CONTENT_F1 = 0.5


@dataclass(slots=True)
class ParsedCorpus:
    """Articles, their gold attributions and their parses, in the same order."""

    articles: list[Article]
    gold: list[list[Attribution]]
    docs: list[Doc]


def parse_corpus(
    directory: Path, cache: Path | None = None, limit: int | None = None
) -> ParsedCorpus:
    """Read a brat corpus and parse it with the extractor's pipeline.

    ``cache`` (a ``.spacy`` DocBin) keeps the parse between runs; it is used only when it
    holds as many documents as the corpus has articles, so a stale cache is not trusted. The
    file name gets the pipeline's fingerprint, so a parse made by another model or another
    set of components (a new sentence-boundary rule) is never reloaded as if it were current.
    """
    corpus = read_brat_corpus(directory)
    if limit is not None:
        corpus = corpus[:limit]
    nlp = load_nlp()
    if cache is not None:
        cache = cache.with_name(f"{cache.stem}-{pipeline_fingerprint(nlp)}{cache.suffix}")
    docs: list[Doc] | None = None
    if cache is not None and cache.exists():
        docs = list(DocBin().from_disk(cache).get_docs(nlp.vocab))
        if len(docs) != len(corpus) or any(
            doc.text != text_for_parser(article.text)
            for doc, (article, _) in zip(docs, corpus, strict=True)
        ):
            docs = None
    if docs is None:
        texts = (text_for_parser(article.text) for article, _ in corpus)
        docs = list(nlp.pipe(texts, batch_size=32))
        if cache is not None:
            cache.parent.mkdir(parents=True, exist_ok=True)
            DocBin(docs=docs, store_user_data=False).to_disk(cache)
    return ParsedCorpus([article for article, _ in corpus], [gold for _, gold in corpus], docs)


class _Recorder:
    """A judge that accepts every candidate and keeps them, to make training examples."""

    threshold = 0.0
    keep_threshold = 0.0

    def __init__(self, roles: RoleProbabilities | None = None) -> None:
        #: The role tagger's probabilities for the document, given to every context.
        self.roles = roles
        #: Per call: the context, then each candidate as the judge saw it (a copy) beside the
        #: object itself, which later passes may still extend (a continuation quotation).
        self.seen: list[tuple[DocContext, list[tuple[Candidate, Candidate]]]] = []

    def probabilities(self, doc: Doc, quotes: QuoteIndex, found: list[Candidate]) -> list[float]:
        pairs = []
        for candidate in found:
            snapshot = copy.copy(candidate)
            snapshot.content = list(candidate.content)
            pairs.append((snapshot, candidate))
        self.seen.append((DocContext(doc, quotes, self.roles), pairs))
        return [1.0] * len(found)

    def adjust_contents(self, doc: Doc, quotes: QuoteIndex, kept: list[Candidate]) -> None:
        """Contents are recorded as the patterns built them."""


@dataclass(slots=True)
class Example:
    """One candidate, with the article it came from (for folds) and its label."""

    article: int
    context: DocContext
    candidate: Candidate
    lemma: str
    group: str
    #: Its verb lies inside a gold cue: what the lemma rates count (a rate of lenient
    #: matches instead scored 0.674 / 0.446 / 0.796 on dev against 0.678 / 0.449 / 0.798).
    cue: bool
    #: The cue and a lenient match of the spans the rules built: what the model learns.
    label: bool
    #: The matched gold content (normalised), for the content-boundary model.
    gold_content: tuple[tuple[int, int], ...] | None = None


def _f1(gold: set[int], predicted: set[int]) -> float:
    if not gold and not predicted:
        return 1.0
    return 2 * len(gold & predicted) / (len(gold) + len(predicted))


class GoldMatcher:
    """Does a candidate match some gold attribution of its article leniently?"""

    def __init__(self, text: str, gold: list[Attribution]) -> None:
        #: Characters inside some gold cue: a candidate whose verb starts on one is a cue.
        self.cue_chars = {i for g in gold for start, end in g.cue for i in range(start, end)}
        self.tokens = Tokens(text)
        self.gold = [(self.tokens.covered(g.content), self.tokens.covered(g.source)) for g in gold]

    def match(self, candidate: Candidate) -> int | None:
        """The gold attribution it matches best (by content token F1), if any."""
        content = self.tokens.covered(candidate.content)
        source = self.tokens.covered(candidate.source)
        best, best_f1 = None, LENIENT_CONTENT_F1
        for index, (gold_content, gold_source) in enumerate(self.gold):
            f1 = _f1(gold_content, content)
            if f1 >= best_f1 and (bool(gold_source & source) or not (gold_source or source)):
                best, best_f1 = index, f1
        return best


def candidates(
    parsed: ParsedCorpus, roles: Sequence[RoleProbabilities] | None = None
) -> list[Example]:
    """Every candidate the rules build under an open judge, labelled from the gold.

    A candidate is positive when its verb (the word the pattern started from) lies inside a
    gold cue and its content and source match a gold attribution leniently. ``roles``, one
    per document, are the role tagger's probabilities the features will read.
    """
    examples: list[Example] = []
    for index, (doc, gold) in enumerate(zip(parsed.docs, parsed.gold, strict=True)):
        matcher = GoldMatcher(doc.text, gold)
        gold_contents = [normalise_span(doc.text, g.content) or None for g in gold]
        recorder = _Recorder(roles[index] if roles is not None else None)
        find_attributions(doc, judge=recorder)
        for context, found in recorder.seen:
            for candidate, final in found:
                verb = candidate.verb
                if verb is None:
                    continue
                lemma = "according" if candidate.pattern == "according" else lemma_of(verb)
                is_cue = verb.idx in matcher.cue_chars
                matched = matcher.match(final) if is_cue else None
                examples.append(
                    Example(
                        index,
                        context,
                        candidate,
                        lemma,
                        pattern_group(candidate.pattern),
                        is_cue,
                        matched is not None,
                        gold_contents[matched] if matched is not None else None,
                    )
                )
    return examples


def _stats(examples: Sequence[Example]) -> LemmaStats:
    return LemmaStats.build([(e.lemma, e.group, e.cue) for e in examples])


def featurise(examples: Sequence[Example], folds: int = FOLDS) -> list[list[str]]:
    """Features of each example, with lemma rates computed on the other folds' articles."""
    by_fold = [[e for e in examples if e.article % folds != k] for k in range(folds)]
    fold_stats = [_stats(rest) for rest in by_fold]
    return [
        candidate_features(e.candidate, e.context, fold_stats[e.article % folds]) for e in examples
    ]


def bound_examples(examples: Sequence[Example]) -> tuple[list[list[str]], list[bool]]:
    """Boundary decisions in matched candidates' contents, labelled from the gold content.

    A lead phrase (:func:`lead_phrases`) is positive when the gold content covers it. A
    separator inside the content is positive when the gold content ends just before it,
    negative when it goes on past it; separators after the gold end say nothing.
    """
    rows: list[list[str]] = []
    labels: list[bool] = []
    for e in examples:
        if e.gold_content is None:
            continue
        text = e.context.text
        for phrase in lead_phrases(e.candidate, e.context):
            span = lead_span(phrase)
            if span is None:
                continue
            inner = normalise_span(text, [span])
            covered = bool(inner) and any(
                s <= inner[0][0] and inner[-1][1] <= end for s, end in e.gold_content
            )
            rows.append(lead_features(e.candidate, e.context, phrase))
            labels.append(covered)
        gold_end = e.gold_content[-1][1]
        for child, gap, rank in extensions(e.candidate, e.context):
            last = child.right_edge
            while last.i > child.i and last.is_punct:
                last = last.doc[last.i - 1]
            covered = gold_end >= last.idx + len(last.text) and any(
                s <= e.candidate.content[-1][0] < end for s, end in e.gold_content
            )
            rows.append(extension_features(e.candidate, e.context, child, gap, rank))
            labels.append(covered)
            if not covered:
                break
        for rank, mark in enumerate(cut_points(e.candidate, e.context)):
            start = e.candidate.content[-1][0]
            before = normalise_span(text, [(start, mark.idx)])
            if not before:
                continue
            if gold_end == before[-1][1]:
                label = True
            elif gold_end > mark.idx:
                label = False
            else:
                break
            rows.append(cut_features(e.candidate, e.context, mark, rank))
            labels.append(label)
            if label:
                break
    return rows, labels


@dataclass(slots=True)
class FitResult:
    """Weights per feature name and the final training loss."""

    weights: dict[str, float]
    loss: float
    history: list[float] = field(default_factory=list)


def fit_logistic(
    rows: Sequence[Sequence[str]],
    labels: Sequence[bool],
    l2: float = 1.0,
    iterations: int = 400,
    learning_rate: float = 0.1,
    min_count: int = 2,
) -> FitResult:
    """L2-regularised logistic regression on binary string features, full-batch Adam.

    Features seen fewer than ``min_count`` times are dropped (they cannot be learnt and
    would only bloat the shipped file). ``l2`` is the penalty per weight relative to the
    summed log loss, the bias unpenalised.
    """
    counts: dict[str, int] = {}
    for row in rows:
        for name in set(row):
            counts[name] = counts.get(name, 0) + 1
    kept = sorted(name for name, count in counts.items() if count >= min_count)
    vocab = {name: k for k, name in enumerate(kept)}
    row_index, col_index = [], []
    for r, row in enumerate(rows):
        for name in set(row):
            col = vocab.get(name)
            if col is not None:
                row_index.append(r)
                col_index.append(col)
    rows_a = np.asarray(row_index, dtype=np.int64)
    cols_a = np.asarray(col_index, dtype=np.int64)
    y = np.asarray(labels, dtype=np.float64)
    n, d = len(rows), len(vocab)
    w = np.zeros(d)
    penalty = np.full(d, l2)
    if "bias" in vocab:
        penalty[vocab["bias"]] = 0.0
    m = np.zeros(d)
    v = np.zeros(d)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    history: list[float] = []
    loss = float("nan")
    for step in range(1, iterations + 1):
        scores = np.bincount(rows_a, weights=w[cols_a], minlength=n)
        p = 1.0 / (1.0 + np.exp(-scores))
        loss = float(
            -np.sum(y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12))
            + 0.5 * np.sum(penalty * w * w)
        )
        history.append(loss)
        residual = p - y
        grad = np.bincount(cols_a, weights=residual[rows_a], minlength=d) + penalty * w
        grad /= max(n, 1)
        m = beta1 * m + (1 - beta1) * grad
        v = beta2 * v + (1 - beta2) * grad * grad
        m_hat = m / (1 - beta1**step)
        v_hat = v / (1 - beta2**step)
        w -= learning_rate * m_hat / (np.sqrt(v_hat) + eps)
    names = sorted(vocab, key=vocab.__getitem__)
    return FitResult({name: float(w[k]) for k, name in enumerate(names)}, loss, history)


def score_docs(
    parsed: ParsedCorpus, judge: CueJudge | None
) -> tuple[EvalReport, list[list[Attribution]]]:
    """Score the rules (``judge`` None) or the rules with a judge on a parsed corpus."""
    predicted = [find_attributions(doc, judge=judge) for doc in parsed.docs]
    gold = {a.id: (a.text, g) for a, g in zip(parsed.articles, parsed.gold, strict=True)}
    report = evaluate(gold, dict(zip(gold, predicted, strict=True)))
    return report, predicted


def headline(report: EvalReport) -> dict[str, float]:
    """The three gated dev scores: attribution lenient and strict F1, token micro F1."""
    data = report.to_json()
    return {
        "attribution_lenient_f1": data["attribution"]["lenient"]["f1"],
        "attribution_strict_f1": data["attribution"]["strict"]["f1"],
        "token_micro_f1": data["token"]["micro"]["f1"],
    }


def _dev_scores(
    model: CueModel, dev: ParsedCorpus, setting: str, log: Callable[[str], None]
) -> tuple[float, dict[str, float]]:
    """The headline scores of ``model`` as set now on ``dev``, and their mean (what threshold
    choices maximise), logged under ``setting``."""
    scores = headline(score_docs(dev, model)[0])
    log(
        f"  {setting}: "
        f"lenient {scores['attribution_lenient_f1']:.4f} "
        f"strict {scores['attribution_strict_f1']:.4f} "
        f"token {scores['token_micro_f1']:.4f}"
    )
    return sum(scores.values()) / len(scores), scores


def choose_thresholds(
    model: CueModel,
    dev: ParsedCorpus,
    thresholds: Sequence[float] = THRESHOLDS,
    keep_thresholds: Sequence[float] = KEEP_THRESHOLDS,
    log: Callable[[str], None] = lambda _: None,
) -> tuple[float, float, dict[str, float]]:
    """The pair of thresholds with the best mean of the three headline scores on ``dev``.

    Pairs within :data:`SCORE_TIE` of the best count as tied, and the highest bar among them
    wins. Why: the mean is flat over a wide band of bars (0.35 to 0.45 moved it by under
    0.001 on PolNeAR dev), so without the rule noise picks the bar, and at equal F1 a user is
    better served by fewer false alarms (precision 0.80 rather than 0.78).
    """
    results: list[tuple[float, float, float, dict[str, float]]] = []
    for keep in keep_thresholds:
        for threshold in thresholds:
            model.threshold, model.keep_threshold = threshold, keep
            mean, scores = _dev_scores(model, dev, f"thresholds {threshold:.2f} / {keep:.2f}", log)
            results.append((threshold, keep, mean, scores))
    best_mean = max(mean for _, _, mean, _ in results)
    threshold, keep, _, scores = max(
        (r for r in results if r[2] >= best_mean - SCORE_TIE), key=lambda r: (r[0], r[1])
    )
    model.threshold, model.keep_threshold = threshold, keep
    return threshold, keep, scores


def choose_bound_threshold(
    model: CueModel,
    dev: ParsedCorpus,
    thresholds: Sequence[float] = BOUND_THRESHOLDS,
    log: Callable[[str], None] = lambda _: None,
) -> dict[str, float]:
    """The content-boundary threshold with the best mean headline score on ``dev`` (2.0:
    off)."""
    best: tuple[float, float, dict[str, float]] | None = None
    for threshold in (*thresholds, 2.0):
        model.bound_threshold = threshold
        mean, scores = _dev_scores(model, dev, f"content-boundary threshold {threshold:.2f}", log)
        if best is None or mean > best[1]:
            best = (threshold, mean, scores)
    assert best is not None
    model.bound_threshold = best[0]
    return best[2]


def train_cue_model(
    train: ParsedCorpus,
    dev: ParsedCorpus | None = None,
    l2: float = 1.0,
    iterations: int = 400,
    role_epochs: int = EPOCHS,
    log: Callable[[str], None] = lambda _: None,
) -> CueModel:
    """Fit the cue model on ``train``; pick its thresholds on ``dev`` when given (else 0.5
    for new candidates and 0.05 for the lexicon's).

    The role tagger is trained first: twice on half the articles, to give every training
    article probabilities from a tagger that never saw it (what the cue model is fitted
    on), then on all of them (what ships). ``role_epochs`` 0 leaves the tagger out.
    """
    started = time.perf_counter()
    roles = None
    role_tagger = None
    if role_epochs > 0:
        roles = out_of_fold_roles(train.docs, train.gold, epochs=role_epochs, log=log)
        log(f"role tagger on all {len(train.docs)} articles")
        role_tagger = train_role_tagger(train.docs, train.gold, role_epochs, seed=2, log=log)
        log(f"role taggers trained ({time.perf_counter() - started:.1f} s)")
    examples = candidates(train, roles)
    rows = featurise(examples)
    labels = [e.label for e in examples]
    log(
        f"{len(examples):,} candidates, {sum(labels):,} positive "
        f"({time.perf_counter() - started:.1f} s)"
    )
    fit = fit_logistic(rows, labels, l2=l2, iterations=iterations)
    log(
        f"fitted {len(fit.weights):,} weights, loss {fit.loss:.1f} "
        f"({time.perf_counter() - started:.1f} s)"
    )
    bound_rows, bound_labels = bound_examples(examples)
    bound_fit = fit_logistic(bound_rows, bound_labels, l2=l2, iterations=iterations)
    log(
        f"content boundaries: {len(bound_rows):,} decisions, {sum(bound_labels):,} positive, "
        f"{len(bound_fit.weights):,} weights ({time.perf_counter() - started:.1f} s)"
    )
    model = CueModel(
        weights=fit.weights,
        stats=_stats(examples),
        threshold=0.5,
        keep_threshold=0.05,
        bound_weights=bound_fit.weights,
        bound_threshold=BOUND_THRESHOLDS[1],
        meta={
            "trained_on_articles": len(train.docs),
            "candidates": len(examples),
            "l2": l2,
            "iterations": iterations,
            "role_epochs": role_epochs,
        },
        roles=role_tagger,
    )
    if dev is not None:
        model.bound_threshold = 2.0  # thresholds of the cue model first, contents as built
        choose_thresholds(model, dev, log=log)
        scores = choose_bound_threshold(model, dev, log=log)
        model.meta["threshold_chosen_on_articles"] = len(dev.docs)
        model.meta["dev_scores"] = {k: round(v, 4) for k, v in scores.items()}
    return model
