"""Memory and throughput benchmark: reading a large gzip WARC through ``iter_articles``.

Usage::

    python bench/bench_warc.py [--size-mb N] [--out PATH] [--corpus DIR] [--seed N]

The requirement it checks: memory stays flat while a 1 GB WARC is ingested, because the
reader streams records and never holds the file. It works in two steps:

1. **generate** (streamed, record by record) a ``.warc.gz`` of about ``--size-mb``
   compressed megabytes (default 1024) in a temporary folder, or at ``--out``. Pages are
   5-20 KB of realistic HTML (navigation, article, related links, footer) whose paragraphs
   are sentences drawn at random from PolNeAR's news texts (``--corpus``, default
   ``../shared/data/polnear/train/text``), so that gzip cannot shrink the file to nothing
   and every page is a different article. Like a real crawl, every page comes with its
   request record, and images and 404 pages are mixed in; those are read and skipped.
2. **read** it with ``iter_articles([path])`` in a fresh child process, so that its peak
   memory is the reader's alone and not the generator's. At 10%, 50% and 100% of the
   pages it prints pages/s, WARC records/s, compressed MB/s, the current resident memory
   and the peak (``resource.getrusage``). Flat memory shows as a peak that does not grow
   between 10% and 100%.

The file is deleted afterwards unless it was given with ``--out``.
"""

from __future__ import annotations

import argparse
import io
import json
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"
CHECKPOINTS = (0.10, 0.50, 1.00)

OUTLETS = [
    ("The Daily Ledger", "dailyledger.example"),
    ("Capitol Report", "capitolreport.example"),
    ("Northern Herald", "northernherald.example"),
    ("The Evening Wire", "eveningwire.example"),
    ("Harbour Times", "harbourtimes.example"),
    ("Metro Observer", "metro-observer.example"),
]
SECTIONS = ["politics", "world", "us", "business", "opinion", "national"]
_SENTENCE_END = re.compile(r"(?<=[.!?\u201d\"])\s+(?=[A-Z\u201c\"])")


def load_sentences(corpus: Path) -> list[str]:
    """Every sentence of the corpus's .txt files (rough split, good enough for filler)."""
    paths = sorted(corpus.glob("*.txt"))
    if not paths:
        sys.exit(f"error: no .txt files in {corpus} (give a folder of texts with --corpus)")
    sentences: list[str] = []
    for path in paths:
        text = path.read_text(encoding="utf-8-sig")
        for paragraph in text.split("\n"):
            sentences.extend(s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip())
    return [s for s in sentences if 20 <= len(s) <= 600]


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_page(rng: random.Random, sentences: list[str], outlet: str, url: str) -> str:
    """One news page of 5-20 KB: boilerplate around paragraphs of random sentences."""
    target = rng.randint(5_000, 20_000)
    title = escape(rng.choice(sentences)[:90])
    date = f"20{rng.randint(15, 23)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    related = "".join(
        f'<li><a href="/{rng.choice(SECTIONS)}/{n}">{escape(rng.choice(sentences)[:60])}</a></li>'
        for n in range(5)
    )
    head = (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title} | "
        f"{outlet}</title><meta property='og:site_name' content='{outlet}'>"
        f"<meta name='date' content='{date}'><link rel='canonical' href='{url}'>"
        "<script>window.dataLayer=window.dataLayer||[];</script></head><body>"
        "<nav><ul><li><a href='/'>Home</a></li><li><a href='/politics'>Politics</a></li>"
        "<li><a href='/world'>World</a></li><li><a href='/subscribe'>Subscribe</a></li>"
        f"</ul></nav><article><h1>{title}</h1><p class='byline'>By Staff Reporter</p>"
    )
    tail = (
        f"</article><aside><h2>Related</h2><ul>{related}</ul></aside>"
        f"<footer><p>Copyright {date[:4]} {outlet}. All rights reserved.</p></footer>"
        "</body></html>"
    )
    parts = [head]
    size = len(head) + len(tail)
    while size < target:
        paragraph = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 5)))
        parts.append(f"<p>{escape(paragraph)}</p>\n")
        size += len(parts[-1])
    parts.append(tail)
    return "".join(parts)


def generate(path: Path, size_mb: float, corpus: Path, seed: int) -> dict[str, int]:
    """Write the WARC record by record until it reaches ``size_mb``; the counts written."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    rng = random.Random(seed)
    sentences = load_sentences(corpus)
    target = int(size_mb * 1_000_000)
    counts = {"records": 0, "pages": 0, "bytes": 0}
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=True)

        def response(url: str, body: bytes, content_type: str, status: str) -> None:
            headers = StatusAndHeaders(
                status,
                [("Content-Type", content_type), ("Content-Length", str(len(body)))],
                protocol="HTTP/1.1",
            )
            writer.write_record(
                writer.create_warc_record(
                    url, "response", payload=io.BytesIO(body), http_headers=headers
                )
            )
            counts["records"] += 1

        def request(url: str, host: str) -> None:
            path_part = url.split(host, 1)[1]
            headers = StatusAndHeaders(
                f"GET {path_part} HTTP/1.1",
                [("Host", host), ("User-Agent", "bench-crawler/1.0")],
                is_http_request=True,
            )
            writer.write_record(writer.create_warc_record(url, "request", http_headers=headers))
            counts["records"] += 1

        number = 0
        while handle.tell() < target:
            number += 1
            outlet, host = rng.choice(OUTLETS)
            url = f"https://www.{host}/{rng.choice(SECTIONS)}/{number}-story"
            request(url, f"www.{host}")
            body = make_page(rng, sentences, outlet, url).encode("utf-8")
            response(url, body, "text/html; charset=utf-8", "200 OK")
            counts["pages"] += 1
            if number % 10 == 0:  # an image: skipped, and incompressible
                image = b"\x89PNG\r\n\x1a\n" + rng.randbytes(rng.randint(1_000, 8_000))
                response(f"https://www.{host}/img/{number}.png", image, "image/png", "200 OK")
            if number % 25 == 0:  # a missing page: HTML, but not a 2xx response
                gone = b"<html><body><h1>Not found</h1><p>No such page.</p></body></html>"
                response(f"https://www.{host}/gone/{number}", gone, "text/html", "404 Not Found")
        counts["bytes"] = handle.tell()
    return counts


def rss_mb() -> tuple[float, float]:
    """(current, peak) resident memory in MB; peak from getrusage (KiB on Linux)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    peak_mb = peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
    current_mb = float("nan")
    try:
        with open("/proc/self/statm") as handle:
            pages = int(handle.read().split()[1])
        current_mb = pages * resource.getpagesize() / (1024 * 1024)
    except OSError:
        pass
    return current_mb, peak_mb


def read(path: Path, counts: dict[str, int]) -> None:
    """Iterate the whole file with ``iter_articles`` and report at the checkpoints."""
    from saidwhat.model import Article
    from saidwhat.sources import iter_articles

    expected = counts["pages"]
    checkpoints = [max(1, round(expected * fraction)) for fraction in CHECKPOINTS]
    size_mb = counts["bytes"] / 1_000_000
    current, peak = rss_mb()
    print(f"before reading: RSS {current:,.0f} MB, peak {peak:,.0f} MB", flush=True)
    articles = failures = 0
    started = time.perf_counter()
    for item in iter_articles([path]):
        if isinstance(item, Article):
            articles += 1
        else:
            failures += 1
            if failures <= 3:
                print(f"  failure: {item}", flush=True)
        done = articles + failures
        if checkpoints and done >= checkpoints[0]:
            checkpoints.pop(0)
            elapsed = time.perf_counter() - started
            fraction = done / expected
            current, peak = rss_mb()
            print(
                f"{fraction:4.0%}: {done:,} pages in {elapsed:,.1f} s | "
                f"{done / elapsed:,.0f} pages/s, "
                f"{counts['records'] * fraction / elapsed:,.0f} records/s, "
                f"{size_mb * fraction / elapsed:,.2f} MB/s (compressed) | "
                f"RSS {current:,.0f} MB, peak {peak:,.0f} MB",
                flush=True,
            )
    elapsed = time.perf_counter() - started
    print(
        f"total: {articles:,} articles, {failures:,} failures from {counts['records']:,} "
        f"records ({size_mb:,.0f} MB) in {elapsed:,.1f} s"
    )
    if articles + failures != expected:
        sys.exit(f"error: expected {expected:,} pages, read {articles + failures:,}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mb", type=float, default=1024, help="compressed size to write")
    parser.add_argument("--out", type=Path, help="write the WARC here and keep it")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS, help="folder of .txt")
    parser.add_argument("--seed", type=int, default=1, help="random seed for the pages")
    parser.add_argument("--read", type=Path, help=argparse.SUPPRESS)  # the child process
    parser.add_argument("--counts", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.read is not None:
        read(args.read, json.loads(args.counts))
        return
    if args.size_mb <= 0:
        parser.error("--size-mb must be positive")

    with tempfile.TemporaryDirectory(prefix="bench-warc-") as scratch:
        path = args.out or Path(scratch) / "bench.warc.gz"
        started = time.perf_counter()
        counts = generate(path, args.size_mb, args.corpus, args.seed)
        elapsed = time.perf_counter() - started
        _, peak = rss_mb()
        print(
            f"generated {path}: {counts['bytes'] / 1_000_000:,.0f} MB, {counts['records']:,} "
            f"records, {counts['pages']:,} HTML pages in {elapsed:,.0f} s "
            f"(generator peak RSS {peak:,.0f} MB)",
            flush=True,
        )
        # A fresh process, so that the peak RSS measured is the reader's own.
        command = [sys.executable, __file__, "--read", str(path), "--counts", json.dumps(counts)]
        subprocess.run(command, check=True)


if __name__ == "__main__":
    main()
