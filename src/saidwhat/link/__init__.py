"""Cross-outlet linking: the same statement across articles, and how its wording drifts.

Owns what "the same utterance" means (:class:`StatementLinker`: candidates from an n-gram
index, confirmed by word alignment, one best cluster per statement), how two versions are
aligned (:func:`align_words`), how a version's difference from the reference is labelled
(:func:`drift`, :data:`DRIFT_LABELS`), and the two-article comparison behind
``saidwhat compare`` (:func:`compare_articles` with its JSON and HTML renderings).

Pure Python plus numpy; sentence embeddings are an optional extra
(:func:`load_minilm_embedder`), never needed for linking to work.
"""

from __future__ import annotations

from saidwhat.link.align import DiffOp, align_words
from saidwhat.link.compare import (
    ArticleComparison,
    compare_articles,
    comparison_to_json,
    render_comparison_html,
)
from saidwhat.link.drift import DRIFT_LABELS, Drift, drift
from saidwhat.link.linker import (
    Embedder,
    StatementLinker,
    choose_reference,
    load_minilm_embedder,
)
from saidwhat.link.statements import ClusterMember, Statement, StatementCluster
from saidwhat.link.text import Token, tokens, words

__all__ = [
    "DRIFT_LABELS",
    "ArticleComparison",
    "ClusterMember",
    "DiffOp",
    "Drift",
    "Embedder",
    "Statement",
    "StatementCluster",
    "StatementLinker",
    "Token",
    "align_words",
    "choose_reference",
    "compare_articles",
    "comparison_to_json",
    "drift",
    "load_minilm_embedder",
    "render_comparison_html",
    "tokens",
    "words",
]
