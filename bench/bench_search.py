"""Search benchmark: how long does ``saidwhat search`` take on a store of 100,000 attributions?

Usage::

    python bench/bench_search.py [--attributions N] [--queries N] [--db URL] [--seed N]

The store is built without the extractor: synthetic articles made of real sentences from
PolNeAR train (``../shared/data/polnear/train/text/*.txt`` next to the repository), each with
attributions whose spans point at real quotes in its text ("“…,” Maria Lopez said." and
"Lopez said that …"), random speakers, roles, outlets, kinds and dates (2015-2023), bulk
inserted through the store's tables, so that the full-text indexes are filled by the same
triggers (SQLite) or generated columns (PostgreSQL) as an ingest.

Queries (default 200, fixed by ``--seed``) mix what people type: single words (half from
the 500 most frequent content words, half rarer), prefixes (``negotiat*``), quoted phrases
taken from the corpus, two words, ``OR``, and words with each filter (speaker, outlet, a
date range, kind). Every query runs once to warm the caches, then once timed, through
:func:`saidwhat.store.search.search` with its default ``limit=50``, snippets included.

The project's target is p95 under 50 ms at 100,000 attributions.

Default store: a new SQLite file in a temporary folder, deleted afterwards. ``--db`` builds
into the given database instead (a SQLite path or a PostgreSQL URL) and keeps it; run again
with the same ``--db``, ``--attributions`` and ``--seed`` to reuse it without rebuilding.
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text

import saidwhat
from saidwhat.store import Store, open_store
from saidwhat.store.ingest import text_hash
from saidwhat.store.schema import IngestRun, Outlet, StoredArticle, StoredAttribution
from saidwhat.store.search import search

REPO_ROOT = Path(__file__).resolve().parents[1]
POLNEAR_TRAIN = REPO_ROOT.parent / "shared" / "data" / "polnear" / "train" / "text"
DEFAULT_ATTRIBUTIONS = 100_000
DEFAULT_QUERIES = 200
TARGET_P95_MS = 50.0
#: Articles are written in transactions of this many.
WRITE_BATCH = 500


def _words(listed: str) -> tuple[str, ...]:
    return tuple(listed.split())


FIRST = _words(
    "Maria James Li Ahmed Olga Pedro Aisha John Mei Carlos Fatima David Anna Yusuf Sofia "
    "Michael Elena Kwame Laura Hiroshi Nadia Peter Grace Ivan Amara Thomas Lucia Omar Sarah "
    "Daniel Priya Jorge Emma Samuel Ingrid Chen Rosa Viktor Hannah Ali Claire Tomas Zanele"
)
LAST = _words(
    "Lopez Smith Wang Khan Petrova Silva Bello Brown Zhang Mendes Haddad Miller Kowalski "
    "Demir Rossi Johnson Ivanova Mensah Schmidt Tanaka Karimi Novak Okafor Sokolov Diallo "
    "Weber Garcia Hassan Cohen Nguyen Sharma Torres Moreau Adeyemi Berg Chen Alvarez Kim "
    "Popescu Larsen Osei Fischer Horvat Dlamini Park Ruiz Jansen Ortiz Nakamura Abbas"
)
ROLES = (
    "the senator",
    "the governor",
    "a spokeswoman",
    "the minister",
    "the mayor",
    "an official",
    "the chairman",
    "the analyst",
    "the ambassador",
    "the candidate",
    "the professor",
    "the general",
)
OUTLETS = (
    "Peace News",
    "The Daily Ledger",
    "Harbour Times",
    "Breitbart",
    "The Washington Post",
    "The New York Times",
    "Reuters",
    "Associated Press",
    "The Guardian",
    "Al Jazeera",
    "Le Monde",
    "The Hindu",
    "Daily Nation",
    "Mail & Guardian",
    "The Globe and Mail",
    "Sydney Morning Herald",
    "El País",
    "Der Spiegel",
    "Politico",
    "The Atlantic",
    "Fox News",
    "BBC News",
    "The Independent",
    "South China Morning Post",
)
VERBS = ("said", "told reporters", "argued", "warned", "insisted", "claimed", "added")
KINDS = ("indirect",) * 11 + ("direct",) * 6 + ("mixed",) * 3
STOPWORDS = set(
    _words(
        "that this with from have been were they their there which would about what when will "
        "said more than also into could other some them only over such after most very just "
        "those these being where while because should before even many much make like does "
        "said says your then here well still both each made between through"
    )
)
_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[“\"A-Z])")
_WORD = re.compile(r"[^\W\d_]{4,}")


# --- the synthetic store -----------------------------------------------------------------


def read_sentences() -> list[str]:
    """Sentences of PolNeAR train, 40 to 300 characters, in file order."""
    paths = sorted(POLNEAR_TRAIN.glob("*.txt"))
    if not paths:
        sys.exit(f"error: no PolNeAR texts under {POLNEAR_TRAIN}")
    sentences: list[str] = []
    for path in paths:
        for paragraph in path.read_text(encoding="utf-8-sig").split("\n"):
            for sentence in _SENTENCE.split(paragraph.strip()):
                sentence = " ".join(sentence.split())
                if 40 <= len(sentence) <= 300:
                    sentences.append(sentence)
    return sentences


@dataclass
class _Builder:
    """Builds one article's text piece by piece, keeping the spans of what it adds."""

    parts: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, piece: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(piece)
        self.length += len(piece)
        return start, self.length

    @property
    def text(self) -> str:
        return "".join(self.parts)


def _speakers(rng: random.Random, count: int) -> list[str]:
    names = {f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(count * 2)}
    return sorted(names)[:count]


def _article(
    rng: random.Random,
    number: int,
    sentences: list[str],
    speakers: list[str],
    attributions: int,
    published: date,
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One article row and its attribution rows (without ids)."""
    body = _Builder()
    rows: list[dict[str, Any]] = []
    title = rng.choice(sentences)[:90]
    body.add(f"{title}\n\n")
    for position in range(attributions):
        for _ in range(rng.randint(0, 2)):  # narration between statements
            body.add(rng.choice(sentences) + "\n\n")
        speaker = rng.choice(speakers)
        surname = speaker.split()[-1]
        kind = rng.choice(KINDS)
        quote = rng.choice(sentences).rstrip(".")
        written = rng.choice((speaker, surname, surname, "he", "she", rng.choice(ROLES)))
        anonymous = written.startswith(("an ", "a "))
        verb = rng.choice(VERBS)
        if kind == "direct":
            body.add("“")
            content = body.add(quote)
            body.add(",” ")
            source = body.add(written.capitalize() if written[0].islower() else written)
            body.add(" ")
            cue = body.add(verb)
            body.add(".\n\n")
        else:
            source = body.add(written.capitalize() if written[0].islower() else written)
            body.add(" ")
            cue = body.add(verb)
            body.add(" that ")
            if kind == "mixed":
                words = quote.split()
                cut = len(words) // 2
                quote = " ".join(words[:cut]) + " “" + " ".join(words[cut:]) + "”"
            content = body.add(quote)
            body.add(".\n\n")
        roll = rng.random()
        if roll < 0.7:
            said_on = (published - timedelta(days=rng.randint(0, 3))).isoformat()
            precision, basis = "day", rng.choice(("explicit", "relative", "publication"))
        elif roll < 0.8:
            said_on = published.isoformat()[:7]
            precision, basis = "month", "explicit"
        else:
            said_on = precision = basis = None
        text_of = body.text
        rows.append(
            {
                "position": position,
                "kind": kind,
                "speaker_as_written": written,
                "speaker": None if anonymous else speaker,
                "confidence": round(rng.uniform(0.4, 0.95), 2),
                "source_spans": [list(source)],
                "cue_spans": [list(cue)],
                "content_spans": [list(content)],
                "speaker_spans": [list(source)],
                "frame_spans": [[source[0], content[1]]],
                "role": rng.choice(ROLES)[4:] if rng.random() < 0.3 else None,
                "anonymous": anonymous,
                "via": None,
                "said_on": said_on,
                "said_on_precision": precision,
                "said_on_basis": basis,
                "source_text": text_of[source[0] : source[1]],
                "cue_text": text_of[cue[0] : cue[1]],
                "content_text": text_of[content[0] : content[1]],
            }
        )
    for _ in range(rng.randint(1, 3)):
        body.add(rng.choice(sentences) + "\n\n")
    article_text = body.text
    article = {
        "key": f"bench-{number:06d}",
        "url": f"https://news.example/{number}",
        "text_hash": text_hash(article_text + str(number)),
        "title": title,
        "author": rng.choice(speakers) if rng.random() < 0.6 else None,
        "published": published.isoformat(),
        "text": article_text,
        "word_count": len(article_text.split()),
        "source_path": f"synthetic/bench-{number:06d}.txt",
        "extractor_version": saidwhat.__version__,
    }
    return article, rows


def _marker(attributions: int, seed: int) -> str:
    return f"bench_search: {attributions} attributions, seed {seed}"


def _count(store: Store) -> int:
    with store.begin_read() as connection:
        return connection.execute(select(func.count()).select_from(StoredAttribution)).scalar()


def build_store(store: Store, sentences: list[str], attributions: int, seed: int) -> float:
    """Fill an empty store with ``attributions`` synthetic attributions; return seconds."""
    rng = random.Random(seed)
    speakers = _speakers(rng, 2_000)
    started = time.perf_counter()
    now = datetime.now(UTC)
    with store.begin_write() as connection:
        run_id = connection.execute(
            IngestRun.__table__.insert()
            .values(
                started_at=now,
                finished_at=now,
                extractor_version=saidwhat.__version__,
                inputs=[_marker(attributions, seed)],
                ingested=0,
                duplicates=0,
                near_duplicates=0,
                failed=0,
            )
            .returning(IngestRun.id)
        ).scalar_one()
        outlet_ids = connection.execute(
            Outlet.__table__.insert().returning(Outlet.id, sort_by_parameter_order=True),
            [{"name": name} for name in OUTLETS],
        ).scalars()
        outlet_ids = list(outlet_ids)
    insert_article = StoredArticle.__table__.insert().returning(
        StoredArticle.id, sort_by_parameter_order=True
    )
    insert_attribution = StoredAttribution.__table__.insert()
    made = number = 0
    first_day, days = date(2015, 1, 1), (date(2023, 12, 31) - date(2015, 1, 1)).days
    while made < attributions:
        articles: list[dict[str, Any]] = []
        pending: list[list[dict[str, Any]]] = []
        while made < attributions and len(articles) < WRITE_BATCH:
            count = min(rng.randint(3, 13), attributions - made)
            published = first_day + timedelta(days=rng.randint(0, days))
            article, rows = _article(rng, number, sentences, speakers, count, published)
            article.update(outlet_id=rng.choice(outlet_ids), ingested_at=now, ingest_run_id=run_id)
            articles.append(article)
            pending.append(rows)
            made += count
            number += 1
        with store.begin_write() as connection:
            ids = connection.execute(insert_article, articles).scalars().all()
            rows = [
                {**row, "article_id": article_id}
                for article_id, group in zip(ids, pending, strict=True)
                for row in group
            ]
            connection.execute(insert_attribution, rows)
        print(f"\r  {made:,} / {attributions:,} attributions", end="", file=sys.stderr)
    print(file=sys.stderr)
    with store.begin_write() as connection:
        connection.execute(
            IngestRun.__table__.update().where(IngestRun.id == run_id).values(ingested=number)
        )
    if store.dialect == "postgresql":
        with store.engine.connect() as connection:  # fresh planner statistics, as autovacuum would
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
    return time.perf_counter() - started


def store_size(store: Store) -> int:
    """Bytes on disk: the SQLite file (after a WAL checkpoint), or the PostgreSQL tables
    of the store's schema with their indexes and TOAST."""
    if store.dialect == "sqlite":
        with store.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(store.engine.url.database or "")
        return sum(p.stat().st_size for p in path.parent.glob(path.name + "*"))
    with store.begin_read() as connection:
        size = connection.execute(
            text(
                "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r'"
            )
        ).scalar()
    return int(size or 0)


# --- the queries -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Query:
    """One benchmark query: its class, the query text and the filters."""

    kind: str
    text: str
    filters: tuple[tuple[str, str], ...] = ()

    def describe(self) -> str:
        shown = " ".join(f"--{name} {value!r}" for name, value in self.filters)
        return f"{self.text} {shown}".strip()


def make_queries(store: Store, count: int, seed: int) -> list[Query]:
    """``count`` queries drawn from the store's own content, speakers and outlets."""
    rng = random.Random(seed + 1)
    with store.begin_read() as connection:
        sample = connection.execute(
            select(StoredAttribution.content_text, StoredAttribution.speaker)
            .order_by(StoredAttribution.id)
            .limit(20_000)
        ).all()
    contents = [content for content, _ in sample]
    speakers = sorted({speaker for _, speaker in sample if speaker})
    counts = Counter(
        word.lower()
        for content in contents
        for word in _WORD.findall(content)
        if word.lower() not in STOPWORDS
    )
    ranked = [word for word, _ in counts.most_common(5_000)]
    common, rare = ranked[:500], ranked[500:]

    def word() -> str:
        return rng.choice(common if rng.random() < 0.5 else rare)

    def phrase() -> str:
        words = re.findall(r"[^\W_]+", rng.choice(contents))
        while len(words) < 3:
            words = re.findall(r"[^\W_]+", rng.choice(contents))
        size = rng.choice((2, 2, 3))
        start = rng.randrange(len(words) - size + 1)
        return '"' + " ".join(words[start : start + size]) + '"'

    def prefix() -> str:
        long = [w for w in ranked[:2000] if len(w) >= 7]
        chosen = rng.choice(long)
        return chosen[: rng.randint(4, 7)] + "*"

    def two_words() -> str:
        while True:
            words = [w.lower() for w in _WORD.findall(rng.choice(contents))]
            words = [w for w in words if w not in STOPWORDS]
            if len(words) >= 2:
                return " ".join(rng.sample(words, 2))

    def year_range() -> tuple[tuple[str, str], ...]:
        year = rng.randint(2015, 2023)
        if rng.random() < 0.5:
            return (("since", str(year)), ("until", str(year)))
        month = rng.randint(1, 12)
        return (("since", f"{year}-{month:02d}"),)

    makers = [
        (0.20, lambda: Query("word", word())),
        (0.15, lambda: Query("prefix", prefix())),
        (0.15, lambda: Query("phrase", phrase())),
        (0.15, lambda: Query("two words", two_words())),
        (0.05, lambda: Query("or", f"{word()} OR {word()}")),
        (
            0.08,
            lambda: Query("+speaker", word(), (("speaker", rng.choice(speakers).split()[-1]),)),
        ),
        (0.07, lambda: Query("+outlet", word(), (("outlet", rng.choice(OUTLETS)),))),
        (0.08, lambda: Query("+dates", word(), year_range())),
        (0.07, lambda: Query("+kind", word(), (("kind", rng.choice(("direct", "mixed"))),))),
    ]
    weights = [weight for weight, _ in makers]
    return [rng.choices(makers, weights)[0][1]() for _ in range(count)]


def time_queries(store: Store, queries: list[Query]) -> list[tuple[float, Query, int]]:
    """(milliseconds, query, results) for each query, after one untimed warm-up pass."""
    for query in queries:
        search(store, query.text, **dict(query.filters))
    timings = []
    for query in queries:
        started = time.perf_counter()
        hits = search(store, query.text, **dict(query.filters))
        timings.append(((time.perf_counter() - started) * 1000, query, len(hits)))
    return timings


def _percentile(values: list[float], percent: float) -> float:
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(percent / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _open(url: str | None, folder: Path) -> Store:
    return open_store(url if url else f"sqlite:///{folder / 'bench-search.db'}")


def report(store: Store, timings: list[tuple[float, Query, int]]) -> None:
    """Print the store's size and the latency distribution."""
    with store.begin_read() as connection:
        n_articles = connection.execute(select(func.count()).select_from(StoredArticle)).scalar()
    size = store_size(store)
    milliseconds = [ms for ms, _, _ in timings]
    print(
        f"store: {store.dialect}, {_count(store):,} attributions in {n_articles:,} articles, "
        f"{size / 1e6:,.1f} MB"
    )
    print(
        f"queries: {len(timings)}, limit 50 with snippets; "
        f"{sum(hits for _, _, hits in timings) / len(timings):.1f} results on average, "
        f"{sum(hits == 0 for _, _, hits in timings)} with none"
    )
    p50, p95, p99 = (_percentile(milliseconds, p) for p in (50, 95, 99))
    print(
        f"latency: p50 {p50:.1f} ms, p95 {p95:.1f} ms, p99 {p99:.1f} ms, "
        f"max {max(milliseconds):.1f} ms, mean {statistics.fmean(milliseconds):.1f} ms"
    )
    by_kind: dict[str, list[float]] = {}
    for ms, query, _ in timings:
        by_kind.setdefault(query.kind, []).append(ms)
    print(
        "p95 by query type: "
        + ", ".join(
            f"{kind} {_percentile(values, 95):.1f} ms ({len(values)})"
            for kind, values in by_kind.items()
        )
    )
    print("slowest:")
    for ms, query, hits in sorted(timings, key=lambda item: item[0], reverse=True)[:5]:
        print(f"  {ms:7.1f} ms  {hits:3d} results  {query.describe()}")
    verdict = "met" if p95 < TARGET_P95_MS else "NOT met"
    print(f"target p95 < {TARGET_P95_MS:.0f} ms: {verdict}")


def prepare(store: Store, attributions: int, seed: int) -> None:
    """Build the synthetic store, or check that it is the one these settings build."""
    existing = _count(store)
    with store.begin_read() as connection:
        runs = connection.execute(select(IngestRun.inputs)).scalars().all()
    if existing and runs != [[_marker(attributions, seed)]]:
        sys.exit(
            f"error: {store.display_url} already holds {existing:,} attributions that this "
            "benchmark did not make with these settings; give an empty database"
        )
    if existing:
        print(f"reusing {store.display_url}: {existing:,} attributions")
        return
    print(f"building {store.display_url} ({store.dialect}) …", file=sys.stderr)
    sentences = read_sentences()
    seconds = build_store(store, sentences, attributions, seed)
    print(f"built in {seconds:.1f} s from {len(sentences):,} PolNeAR train sentences")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--attributions",
        type=int,
        default=DEFAULT_ATTRIBUTIONS,
        help=f"attributions in the store (default {DEFAULT_ATTRIBUTIONS:,})",
    )
    parser.add_argument(
        "--queries", type=int, default=DEFAULT_QUERIES, help="queries to time (default 200)"
    )
    parser.add_argument(
        "--db",
        metavar="URL",
        help="build into (or reuse) this database, a SQLite path or a PostgreSQL URL; "
        "default: a temporary SQLite file",
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    args = parser.parse_args(argv)

    with (
        tempfile.TemporaryDirectory(prefix="bench-search-") as folder,
        open_store(args.db or f"sqlite:///{Path(folder) / 'bench-search.db'}") as store,
    ):
        prepare(store, args.attributions, args.seed)
        queries = make_queries(store, args.queries, args.seed)
        report(store, time_queries(store, queries))


if __name__ == "__main__":
    main()
