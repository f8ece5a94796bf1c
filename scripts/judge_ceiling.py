"""What the extractor could score with a perfect judge: the ceiling of rules + cue model.

The trained model (``--method model``) never builds a span: the rules propose every candidate
attribution with its source, cue and content, the cue model keeps some, and the boundary
model moves a few content edges. So no judge, however good, can score above what the best
choice among the rules' candidates scores. This script measures that choice: an oracle judge
keeps exactly the candidates whose verb lies in a gold cue and whose spans match that gold
attribution leniently (the labels the cue model is trained on), and the shipped boundary model
then adjusts their contents as usual. What stays out of reach is what a better span builder,
not a better judge, has to win.

    python scripts/judge_ceiling.py [CORPUS_DIR] [--cache FILE.spacy]
"""

from __future__ import annotations

import argparse
from pathlib import Path

from spacy.tokens import Doc

from saidwhat.extraction.cue_model import CueModel, load_cue_model
from saidwhat.extraction.quotes import QuoteIndex
from saidwhat.extraction.rules import Candidate
from saidwhat.training import GoldMatcher, ParsedCorpus, parse_corpus, score_docs

DEFAULT_CORPUS = Path(__file__).resolve().parents[1].parent / "shared/data/polnear/dev"


class OracleJudge:
    """A cue judge that knows the gold attributions of every document it will see."""

    threshold = 0.5
    keep_threshold = 0.5

    def __init__(self, parsed: ParsedCorpus, boundaries: CueModel | None) -> None:
        self._gold = {
            doc.text: GoldMatcher(doc.text, gold)
            for doc, gold in zip(parsed.docs, parsed.gold, strict=True)
        }
        self._boundaries = boundaries

    def probabilities(self, doc: Doc, quotes: QuoteIndex, found: list[Candidate]) -> list[float]:
        """1 for a candidate the cue model's training would label positive, else 0."""
        gold = self._gold[doc.text]
        return [
            float(c.verb is not None and c.verb.idx in gold.cue_chars and gold.match(c) is not None)
            for c in found
        ]

    def adjust_contents(self, doc: Doc, quotes: QuoteIndex, kept: list[Candidate]) -> None:
        """The shipped boundary model's moves, so the ceiling is of the whole method."""
        if self._boundaries is not None:
            self._boundaries.adjust_contents(doc, quotes, kept)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--cache", type=Path, help="a DocBin file to keep the parse in")
    args = parser.parse_args()

    parsed = parse_corpus(args.corpus, args.cache)
    model = load_cue_model()
    rows = [
        ("rules", None),
        ("model (shipped)", model),
        ("perfect judge", OracleJudge(parsed, model)),
    ]
    print(f"{args.corpus}: {sum(len(g) for g in parsed.gold):,} gold attributions")
    print(
        f"{'judge':>16} {'lenient':>8} {'P':>6} {'R':>6} {'strict':>7} {'token':>6}"
        f" {'source':>7} {'cue':>6} {'content':>8}"
    )
    for name, judge in rows:
        report = score_docs(parsed, judge)[0].to_json()
        lenient = report["attribution"]["lenient"]
        exact = report["span_exact"]
        print(
            f"{name:>16} {lenient['f1']:8.3f} {lenient['p']:6.3f} {lenient['r']:6.3f}"
            f" {report['attribution']['strict']['f1']:7.3f} {report['token']['micro']['f1']:6.3f}"
            f" {exact['source']['f1']:7.3f} {exact['cue']['f1']:6.3f}"
            f" {exact['content']['f1']:8.3f}"
        )
    print("source, cue and content: span exact F1")


if __name__ == "__main__":
    main()
