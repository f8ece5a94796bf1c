"""Ingest benchmark: does storing a corpus cost noticeably more than extracting it?

Usage::

    python bench/bench_ingest.py [--max-articles N] [--repeat N] [--batch-size N]

Texts: PolNeAR train + dev (``../shared/data/polnear/{train,dev}/text/*.txt`` next to the
repository, 924 articles, about 740k words). ``--max-articles`` (default 200, 0 for all)
takes that many spread evenly over the sorted list, so every publisher is represented.
All 924 take about 4 minutes per measurement on a 2-core machine.

Two measurements, same process, same loaded pipeline, same texts:

* **bare extraction** - ``list(extract_many(texts))`` on texts already in memory: the
  floor, with nothing read, hashed or written;
* **ingest** - ``ingest(store, paths)`` into a new SQLite file (WAL): reading the files,
  duplicate and near-duplicate checks, extraction in batches, and one transaction per
  article with its attributions and MinHash signature.

The project's target is ingest time <= 1.15 x bare extraction time: the store must not be
the bottleneck. Each is timed best-of-``--repeat`` after a warm-up that loads the model.

On a shared or small machine the difference of two long timings is noisy, so a third
measurement isolates the store: **ingest, extraction replayed** runs the same ingest with
``extract_many`` replaced by a lookup of the results the bare run computed, i.e. everything
ingest adds (reading, hashing, MinHash, LSH, SQL) and nothing else.
"""

from __future__ import annotations

import argparse
import contextlib
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

from saidwhat.batching import BATCH_SIZE
from saidwhat.extraction import pipeline
from saidwhat.extraction.pipeline import extract_many, load_nlp
from saidwhat.model import Attribution
from saidwhat.store import ingest, open_store

REPO_ROOT = Path(__file__).resolve().parents[1]
POLNEAR = REPO_ROOT.parent / "shared" / "data" / "polnear"
SPLITS = ("train", "dev")
DEFAULT_MAX_ARTICLES = 200
#: Ingest may take at most this multiple of bare extraction time.
TARGET_RATIO = 1.15


def select_paths(max_articles: int) -> list[Path]:
    """PolNeAR train+dev texts, ``max_articles`` of them spread evenly (0: all)."""
    paths = sorted(
        (path for split in SPLITS for path in (POLNEAR / split / "text").glob("*.txt")),
        key=str,
    )
    if not paths:
        sys.exit(f"error: no PolNeAR texts under {POLNEAR}/{{train,dev}}/text")
    if max_articles and max_articles < len(paths):
        paths = [paths[i * len(paths) // max_articles] for i in range(max_articles)]
    return paths


def read_text(path: Path) -> str:
    """The text exactly as the ``.txt`` reader gives it (BOM dropped, newlines kept)."""
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return handle.read()


def time_bare(texts: list[str]) -> tuple[float, list[list[Attribution]]]:
    started = time.perf_counter()
    results = list(extract_many(texts))
    return time.perf_counter() - started, results


@contextlib.contextmanager
def replayed_extraction(texts: list[str], results: list[list[Attribution]]) -> Iterator[None]:
    """Make ``extract_many`` return the given results instead of parsing (store-only timing)."""
    by_text = dict(zip(texts, results, strict=True))

    def replay(
        batch: Iterable[str], batch_size: int = 32, published: object = None
    ) -> Iterator[list[Attribution]]:
        for text in batch:
            yield by_text[text]

    real = pipeline.extract_many
    pipeline.extract_many = replay  # type: ignore[assignment]
    try:
        yield
    finally:
        pipeline.extract_many = real  # type: ignore[assignment]


def time_ingest(paths: list[Path], batch_size: int) -> tuple[float, int, int]:
    """Seconds to ingest into a new SQLite store, articles stored, database size in bytes."""
    with tempfile.TemporaryDirectory(prefix="bench-ingest-") as folder:
        database = Path(folder) / "bench.db"
        started = time.perf_counter()
        with open_store(f"sqlite:///{database}") as store:
            summary = ingest(store, paths, batch_size=batch_size)
        seconds = time.perf_counter() - started
        size = sum(f.stat().st_size for f in Path(folder).iterdir())
    if summary.failures:
        sys.exit(f"error: {summary.failed} inputs failed, first: {summary.failures[0]}")
    return seconds, summary.ingested, size


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--max-articles",
        type=int,
        default=DEFAULT_MAX_ARTICLES,
        help=f"articles to use, spread over train+dev (default {DEFAULT_MAX_ARTICLES}; 0: all)",
    )
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs (default 1)")
    parser.add_argument(
        "--batch-size",
        type=int,
        default=BATCH_SIZE,
        help=f"articles per ingest batch (default {BATCH_SIZE}, as `saidwhat ingest`)",
    )
    args = parser.parse_args(argv)

    paths = select_paths(args.max_articles)
    texts = [read_text(path) for path in paths]
    words = sum(len(text.split()) for text in texts)
    load_nlp()
    list(extract_many(texts[:4]))  # warm-up: model loaded, caches filled
    time_ingest(paths[:4], args.batch_size)  # warm-up: store modules imported

    bare_runs = [time_bare(texts) for _ in range(args.repeat)]
    bare = min(seconds for seconds, _ in bare_runs)
    runs = [time_ingest(paths, args.batch_size) for _ in range(args.repeat)]
    stored_seconds, stored, size = min(runs)
    with replayed_extraction(texts, bare_runs[0][1]):
        store_only = min(time_ingest(paths, args.batch_size)[0] for _ in range(args.repeat))

    ratio = stored_seconds / bare
    print(f"articles: {len(texts):,} (PolNeAR {'+'.join(SPLITS)}), {words:,} words")
    print(f"bare extraction: {bare:.1f} s = {words / bare:,.0f} words/s")
    print(
        f"ingest (SQLite): {stored_seconds:.1f} s = {words / stored_seconds:,.0f} words/s "
        f"({stored:,} articles stored, {size / 1e6:.1f} MB)"
    )
    print(
        f"ingest / bare extraction time: {ratio:.3f}x "
        f"(store overhead {(stored_seconds - bare) / len(texts) * 1000:.1f} ms per article)"
    )
    print(
        f"ingest, extraction replayed (the store alone): {store_only:.1f} s = "
        f"{store_only / len(texts) * 1000:.1f} ms per article, "
        f"{store_only / bare:.1%} of bare extraction time"
    )
    verdict = "met" if ratio <= TARGET_RATIO else "NOT met"
    print(f"target <= {TARGET_RATIO:.2f}x: {verdict}")


if __name__ == "__main__":
    main()
