"""How often attributions at each confidence level are right, on a brat corpus (PolNeAR dev).

Prints, for each bar, how many attributions the default extractor keeps at or above it, the
share of those that match a gold attribution leniently (precision), and the share of gold
attributions they cover (recall): what a user needs to choose ``--min-confidence``.

    python scripts/confidence_table.py [CORPUS_DIR] [--bars 0 0.5 0.7 0.9]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from saidwhat.evaluate.metrics import score_article
from saidwhat.extraction.cue_model import load_cue_model
from saidwhat.training import parse_corpus, score_docs

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared/data/polnear/dev"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--bars", nargs="+", type=float, default=[0.0, 0.5, 0.7, 0.9])
    args = parser.parse_args()

    parsed = parse_corpus(args.corpus)
    _, predicted = score_docs(parsed, load_cue_model())
    scored: list[tuple[float, bool]] = []
    n_gold = 0
    for article, gold, found in zip(parsed.articles, parsed.gold, predicted, strict=True):
        matched = {p for _, p in score_article(article.text, gold, found).lenient_pairs}
        scored += [(a.confidence, i in matched) for i, a in enumerate(found)]
        n_gold += len(gold)

    print(f"{args.corpus}: {n_gold:,} gold attributions, {len(scored):,} found")
    print(f"{'confidence':>12} {'found':>7} {'precision':>10} {'recall':>8}")
    for bar in args.bars:
        kept = [right for confidence, right in scored if confidence >= bar]
        precision = sum(kept) / len(kept) if kept else 0.0
        print(
            f"{'>= ' + str(bar):>12} {len(kept):>7,} {precision:>10.3f} {sum(kept) / n_gold:>8.3f}"
        )


if __name__ == "__main__":
    main()
