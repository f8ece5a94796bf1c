"""Compare two articles: which statements both report, and how each words them.

The comparison is the linker run on the two articles' statements, read pair by pair: a
statement of the left article linked to one of the right article is *shared* (with the
right version's drift from the left one, so the left article is the reference on screen);
the rest is *left only* or *right only*. The same words credited to two different known
speakers are never linked, but a reader comparing two reports wants to see them, so they
are listed apart as *different speakers* (drift label ``meaning-changed``, reason
``attributed to a different speaker``). Two articles hold a few hundred statements at
most, so that last check may compare the unlinked ones pairwise.

The HTML page is standalone (inline CSS, no script, no external resource) so it can be
mailed or archived; every text in it is escaped.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from saidwhat.link.drift import DRIFT_LABELS, Drift, drift
from saidwhat.link.linker import StatementLinker
from saidwhat.link.statements import Statement

__all__ = [
    "ArticleComparison",
    "compare_articles",
    "comparison_to_json",
    "render_comparison_html",
]

Pair = tuple[Statement, Statement, Drift]


@dataclass(slots=True)
class ArticleComparison:
    """Shared statements (left, right, drift of right from left) and the unshared rest."""

    shared: list[Pair] = field(default_factory=list)
    left_only: list[Statement] = field(default_factory=list)
    right_only: list[Statement] = field(default_factory=list)
    different_speakers: list[Pair] = field(default_factory=list)

    def label_counts(self) -> dict[str, int]:
        """How many shared pairs got each drift label, in the labels' documented order."""
        counts = Counter(pair[2].label for pair in self.shared)
        return {label: counts[label] for label in DRIFT_LABELS if counts[label]}


def _pair_drift(left: Statement, right: Statement, *, same_speaker: bool = True) -> Drift:
    return drift(
        left.text,
        right.text,
        same_speaker=same_speaker,
        reference_kind=left.kind,
        variant_kind=right.kind,
    )


def compare_articles(
    left: Sequence[Statement], right: Sequence[Statement], **linker_options: Any
) -> ArticleComparison:
    """Link two articles' statements and pair the shared ones (see the module docstring).

    ``linker_options`` go to :class:`StatementLinker` (thresholds, ``embedder``). Statement
    ids must be unique across both articles. Within a cluster each statement is paired
    with its most similar counterpart on the other side, so a quote repeated in one
    article shows once per repetition rather than disappearing.
    """
    ids = [s.id for s in left] + [s.id for s in right]
    if len(set(ids)) != len(ids):
        raise ValueError("statement ids must be unique across the two articles")
    linker = StatementLinker(**linker_options)
    linker.add([*left, *right])
    side = {s.id: "left" for s in left} | {s.id: "right" for s in right}
    by_cluster: dict[str, tuple[list[Statement], list[Statement]]] = {}
    for statement in [*left, *right]:
        cluster = linker.cluster_of(statement.id) or statement.id
        lefts, rights = by_cluster.setdefault(cluster, ([], []))
        (lefts if side[statement.id] == "left" else rights).append(statement)

    comparison = ArticleComparison()
    position = {s.id: n for n, s in enumerate(left)}
    for lefts, rights in by_cluster.values():
        if not lefts or not rights:
            comparison.left_only.extend(lefts)
            comparison.right_only.extend(rights)
            continue
        drifts = {(a.id, b.id): _pair_drift(a, b) for a in lefts for b in rights}
        paired_right: set[str] = set()
        for a in lefts:
            b = max(rights, key=lambda r, a=a: drifts[(a.id, r.id)].similarity)
            comparison.shared.append((a, b, drifts[(a.id, b.id)]))
            paired_right.add(b.id)
        for b in rights:
            if b.id not in paired_right:
                a = max(lefts, key=lambda candidate, b=b: drifts[(candidate.id, b.id)].similarity)
                comparison.shared.append((a, b, drifts[(a.id, b.id)]))
    comparison.shared.sort(key=lambda pair: position[pair[0].id])
    left_order = {s.id: n for n, s in enumerate(left)}
    right_order = {s.id: n for n, s in enumerate(right)}
    comparison.left_only.sort(key=lambda s: left_order[s.id])
    comparison.right_only.sort(key=lambda s: right_order[s.id])

    for a in comparison.left_only:
        for b in comparison.right_only:
            different = bool(a.speaker_id and b.speaker_id and a.speaker_id != b.speaker_id)
            if different and linker.matches(a, b):
                comparison.different_speakers.append((a, b, _pair_drift(a, b, same_speaker=False)))
    return comparison


def _statement_json(statement: Statement) -> dict:
    return statement.to_json()


def comparison_to_json(comparison: ArticleComparison) -> dict:
    """The comparison as plain JSON (the ``--json`` twin of the HTML page)."""

    def pair(item: Pair) -> dict:
        left, right, change = item
        return {
            "left": _statement_json(left),
            "right": _statement_json(right),
            "drift": change.to_json(),
        }

    return {
        "counts": {
            "shared": len(comparison.shared),
            "left_only": len(comparison.left_only),
            "right_only": len(comparison.right_only),
            "different_speakers": len(comparison.different_speakers),
            "labels": comparison.label_counts(),
        },
        "labels": dict(DRIFT_LABELS),
        "shared": [pair(item) for item in comparison.shared],
        "left_only": [_statement_json(s) for s in comparison.left_only],
        "right_only": [_statement_json(s) for s in comparison.right_only],
        "different_speakers": [pair(item) for item in comparison.different_speakers],
    }


_CSS = """
:root { color-scheme: light; --ink: #1d232a; --muted: #5b6570; --line: #d9dee3;
  --del: #fbe0e0; --del-ink: #8a1c1c; --ins: #dff3e4; --ins-ink: #135c2b; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 72rem; padding: 1.5rem; color: var(--ink);
  font: 16px/1.5 Georgia, "Times New Roman", serif; background: #fff; }
h1, h2, .meta, .label, table th, .summary { font-family: system-ui, -apple-system,
  "Segoe UI", Roboto, Arial, sans-serif; }
h1 { font-size: 1.5rem; margin: 0 0 .25rem; }
h2 { font-size: 1.15rem; margin: 2rem 0 .5rem; border-bottom: 1px solid var(--line); }
.summary { color: var(--muted); margin: 0 0 1rem; }
table { width: 100%; border-collapse: collapse; table-layout: fixed; }
th { text-align: left; font-size: .9rem; color: var(--muted); padding: .4rem .6rem;
  border-bottom: 2px solid var(--line); }
td { vertical-align: top; padding: .6rem; border-bottom: 1px solid var(--line); }
tr.head td { border-bottom: none; padding-bottom: 0; }
.meta { font-size: .85rem; color: var(--muted); }
.label { display: inline-block; font-size: .8rem; padding: 0 .45rem; border-radius: .6rem;
  background: #eef1f4; color: var(--ink); margin-right: .4rem; }
.label.meaning-changed { background: #8a1c1c; color: #fff; }
.label.paraphrased, .label.reworded { background: #fff1c2; }
.label.verbatim, .label.punctuation-only { background: #dff3e4; }
ul.reasons { margin: .25rem 0 0 1.2rem; padding: 0; font-size: .9rem; }
del { background: var(--del); color: var(--del-ink); text-decoration: line-through; }
ins { background: var(--ins); color: var(--ins-ink); text-decoration: none;
  border-bottom: 1px solid var(--ins-ink); }
ul.only li { margin-bottom: .5rem; }
dl.legend dt { font-weight: bold; font-family: system-ui, Arial, sans-serif; }
dl.legend dd { margin: 0 0 .4rem 1rem; color: var(--muted); }
"""


def _escape(text: str | None) -> str:
    return html.escape(text or "", quote=True)


def _meta(statement: Statement) -> str:
    parts = [statement.speaker or statement.speaker_id or "unknown speaker", statement.kind]
    if statement.outlet:
        parts.append(statement.outlet)
    if statement.published:
        parts.append(statement.published)
    if statement.said_on:
        parts.append(f"said {statement.said_on}")
    return f'<div class="meta">{" · ".join(_escape(p) for p in parts)}</div>'


def _diff_cells(change: Drift) -> tuple[str, str]:
    """The two sides of a word diff: deletions marked on the left, insertions on the right."""
    left: list[str] = []
    right: list[str] = []
    for op in change.diff:
        ref = _escape(" ".join(op.reference_words))
        var = _escape(" ".join(op.variant_words))
        if op.op == "equal":
            left.append(ref)
            right.append(var)
            continue
        if op.reference_words:
            left.append(f"<del>{ref}</del>")
        if op.variant_words:
            right.append(f"<ins>{var}</ins>")
    return " ".join(left), " ".join(right)


def _pair_rows(item: Pair) -> str:
    left, right, change = item
    reasons = "".join(f"<li>{_escape(reason)}</li>" for reason in change.reasons)
    label = _escape(change.label)
    head = (
        f'<tr class="head"><td colspan="2"><span class="label {label}" '
        f'title="{_escape(DRIFT_LABELS[change.label])}">{label}</span>'
        f'<span class="meta">similarity {change.similarity:.2f}</span>'
        + (f'<ul class="reasons">{reasons}</ul>' if reasons else "")
        + "</td></tr>"
    )
    left_html, right_html = _diff_cells(change)
    body = (
        f"<tr><td>{_meta(left)}<div>{left_html}</div></td>"
        f"<td>{_meta(right)}<div>{right_html}</div></td></tr>"
    )
    return head + body


def _only_list(statements: list[Statement]) -> str:
    if not statements:
        return "<p class='summary'>None.</p>"
    items = "".join(
        f"<li>{_meta(statement)}<div>{_escape(statement.text)}</div></li>"
        for statement in statements
    )
    return f'<ul class="only">{items}</ul>'


def render_comparison_html(
    comparison: ArticleComparison, *, left_title: str, right_title: str
) -> str:
    """A standalone HTML page showing the comparison side by side (see the module docstring)."""
    left_t, right_t = _escape(left_title), _escape(right_title)
    counts = comparison.label_counts()
    summary = ", ".join(f"{n} {_escape(label)}" for label, n in counts.items())
    table_head = f"<thead><tr><th>{left_t}</th><th>{right_t}</th></tr></thead>"
    shared_rows = "".join(_pair_rows(item) for item in comparison.shared)
    shared = (
        f"<table>{table_head}<tbody>{shared_rows}</tbody></table>"
        if comparison.shared
        else "<p class='summary'>No statement appears in both.</p>"
    )
    different = ""
    if comparison.different_speakers:
        rows = "".join(_pair_rows(item) for item in comparison.different_speakers)
        different = (
            "<h2>Same words, different speakers</h2>"
            f"<table>{table_head}<tbody>{rows}</tbody></table>"
        )
    legend = "".join(
        f"<dt>{_escape(label)}</dt><dd>{_escape(meaning)}</dd>"
        for label, meaning in DRIFT_LABELS.items()
    )
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Compare: {left_t} / {right_t}</title><style>{_CSS}</style></head><body>"
        f"<h1>How two reports word the same statements</h1>"
        f'<p class="summary"><b>{left_t}</b> (left, the reference) and <b>{right_t}</b> '
        f"(right): {len(comparison.shared)} shared"
        + (f" ({summary})" if summary else "")
        + f", {len(comparison.left_only)} only on the left, "
        f"{len(comparison.right_only)} only on the right. "
        "Struck-through words are the left version's, underlined ones the right's.</p>"
        f"<h2>In both</h2>{shared}{different}"
        f"<h2>Only in {left_t}</h2>{_only_list(comparison.left_only)}"
        f"<h2>Only in {right_t}</h2>{_only_list(comparison.right_only)}"
        f'<h2>Labels</h2><dl class="legend">{legend}</dl>'
        "</body></html>\n"
    )
