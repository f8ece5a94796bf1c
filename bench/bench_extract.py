"""Throughput benchmark: how much does attribution extraction cost on top of parsing?

Usage::

    python bench/bench_extract.py [DIR] [--repeat N] [--max-words N]

DIR is a folder of ``.txt`` articles, or a brat corpus whose texts are in ``DIR/text``
(default: PolNeAR dev, ``../shared/data/polnear/dev`` next to the repository).

Both numbers come from the same process, the same loaded pipeline and the same texts, so
their ratio is meaningful even on a noisy machine where the absolute numbers are not:

* **bare parse** - ``list(nlp.pipe(texts))`` with the pipeline ``load_nlp()`` returns and the
  batch size ``extract_many`` uses, i.e. the floor set by spaCy itself;
* **extract** - ``list(extract_many(texts))``: parsing plus rules and speaker resolution,
  with the default method (the rules judged by the trained cue model);
* **extract (rules)** - the same with ``method="rules"`` (the cue lexicon alone), timed in
  the same loop so that the model's cost is read under the same load (``--method`` picks
  one of the two instead).

Each is timed best-of-N (the minimum is the run least disturbed by other processes), after
a warm-up that loads the model and fills spaCy's caches. Words are whitespace-separated
tokens, the unit Citron's published 2,600 words/s uses, so the comparison is like for like.
Single process on purpose: it measures the code, not the machine's core count.
"""

from __future__ import annotations

import argparse
import inspect
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

from saidwhat.extraction.pipeline import extract_many, load_nlp

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = REPO_ROOT.parent / "shared" / "data" / "polnear" / "dev"
#: Citron (BBC R&D's quote extractor) reports about 2,600 words/s on one CPU core.
CITRON_WORDS_PER_SECOND = 2_600
#: Default cap on words timed: with best-of-3 for two measurements, the whole PolNeAR dev set
#: (about 68k words) takes over 3 minutes on a small 2-core machine; 35k keeps it under.
DEFAULT_MAX_WORDS = 35_000


def read_texts(directory: Path, max_words: int) -> list[str]:
    """Article texts in name order, exactly as on disk, up to ``max_words`` words (0: all)."""
    folder = directory / "text" if (directory / "text").is_dir() else directory
    paths = sorted(folder.rglob("*.txt"), key=lambda p: str(p))
    if not paths:
        sys.exit(f"error: no .txt files in {folder}")
    texts: list[str] = []
    words = 0
    for path in paths:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
        texts.append(text)
        words += count_words(text)
        if max_words and words >= max_words:
            break
    return texts


def count_words(text: str) -> int:
    """Whitespace-separated words, the unit throughput is conventionally quoted in."""
    return len(text.split())


def timed(run: Callable[[], object]) -> float:
    """Wall-clock seconds of one ``run()``."""
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far (Linux reports ru_maxrss in KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def line(label: str, words: int, seconds: float) -> str:
    """One result in the plain format reports quote: words, seconds, words per second."""
    return f"{label}: {words:,} words in {seconds:.1f} s = {words / seconds:,.0f} words/s"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "directory",
        nargs="?",
        type=Path,
        default=DEFAULT_DIR,
        help=f"folder of .txt articles or a brat corpus (default: {DEFAULT_DIR})",
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="timed runs per measurement; best is kept"
    )
    parser.add_argument(
        "--max-words",
        type=int,
        default=DEFAULT_MAX_WORDS,
        help=f"time only the first articles up to this many words; 0 = all "
        f"(default: {DEFAULT_MAX_WORDS:,})",
    )
    parser.add_argument(
        "--method",
        choices=("both", "model", "rules"),
        default="both",
        help="extraction method(s) to time (default: both, interleaved)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    texts = read_texts(args.directory, args.max_words)
    words = sum(count_words(text) for text in texts)
    nlp = load_nlp()
    print(f"corpus: {args.directory} ({len(texts)} texts, {words:,} words)")
    print(f"pipeline: {nlp.meta['name']} {nlp.meta['version']} {nlp.pipe_names}")
    print(f"best of {args.repeat}, single process, batch size as extract_many's")

    # Warm-up: model weights paged in, vocab and rule caches filled, for both paths.
    warm = texts[:5]
    list(nlp.pipe(warm))
    methods = ["model", "rules"] if args.method == "both" else [args.method]
    for method in methods:
        list(extract_many(warm, method=method))

    # Same batch size as extract_many uses, so the difference is the rules, not batching.
    batch_size = inspect.signature(extract_many).parameters["batch_size"].default
    bare_times: list[float] = []
    full_times: dict[str, list[float]] = {method: [] for method in methods}
    for _ in range(args.repeat):
        # Interleaved, so that a burst of load from another process hits all alike.
        bare_times.append(timed(lambda: list(nlp.pipe(texts, batch_size=batch_size))))
        for method in methods:
            full_times[method].append(
                timed(lambda method=method: list(extract_many(texts, method=method)))
            )
    bare = min(bare_times)
    print(line("bare parse", words, bare))
    for method in methods:
        label = "extract" if method == "model" else f"extract ({method})"
        print(line(label, words, min(full_times[method])))
    full = min(full_times[methods[0]])
    print(
        f"{'extract' if methods[0] == 'model' else 'extract (rules)'} / bare parse time: "
        f"{full / bare:.2f}x"
    )
    citron_ratio = words / full / CITRON_WORDS_PER_SECOND
    print(f"vs Citron ({CITRON_WORDS_PER_SECOND:,} words/s): {citron_ratio:.2f}x")
    print(f"peak RSS: {peak_rss_mb():,.0f} MB")


if __name__ == "__main__":
    main()
