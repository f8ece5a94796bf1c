"""Evaluation: reading gold brat corpora and scoring predicted attributions against them."""

from saidwhat.evaluate.brat import CorpusError, parse_ann, read_brat_article, read_brat_corpus
from saidwhat.evaluate.metrics import (
    ArticleScore,
    EvalReport,
    Score,
    evaluate,
    format_table,
    normalise_span,
    score_article,
)

__all__ = [
    "ArticleScore",
    "CorpusError",
    "EvalReport",
    "Score",
    "evaluate",
    "format_table",
    "normalise_span",
    "parse_ann",
    "read_brat_article",
    "read_brat_corpus",
    "score_article",
]
