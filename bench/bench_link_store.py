"""Store-level linking benchmark: ``saidwhat link`` over 200,000 stored attributions.

Usage::

    python bench/bench_link_store.py [--statements N] [--new N] [--seed N]

``bench_link.py`` times the linker alone; this times what a user runs: read every stored
attribution, link, compute each version's drift against its cluster's reference, and write
cluster ids, drift labels and the ``statement_clusters`` table back. The corpus is the one
``bench_link.py`` builds (real PolNeAR train quotes, replicated and perturbed: copies,
trims, elisions, [insertions], word swaps, contractions, unknown and other speakers), bulk
inserted into a SQLite store, one statement per attribution, ten per article.

Then ``--new`` more statements (default 2,000) are stored and linked again, which is the
incremental case after a daily ingest: only the new ones should be compared.

The project's target: linking 200,000 attributions in under 5 minutes, under 4 GB.
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_link import build_corpus  # noqa: E402

from saidwhat.link import Statement  # noqa: E402
from saidwhat.store import open_store  # noqa: E402
from saidwhat.store.database import Store  # noqa: E402
from saidwhat.store.linking import link_store  # noqa: E402
from saidwhat.store.schema import Outlet, StoredArticle, StoredAttribution  # noqa: E402

PER_ARTICLE = 10


def _store(store: Store, statements: list[Statement], first_article: int) -> None:
    """Bulk insert statements as attributions, ten per article."""
    now = datetime.now(UTC)
    with store.begin_write() as connection:
        outlet_ids: dict[str, int] = {
            row.name: row.id for row in connection.execute(Outlet.__table__.select())
        }
        for statement in statements:
            name = statement.outlet or "unknown"
            if name not in outlet_ids:
                outlet_ids[name] = connection.execute(
                    Outlet.__table__.insert().values(name=name).returning(Outlet.id)
                ).scalar_one()
        for start in range(0, len(statements), PER_ARTICLE * 1000):
            chunk = statements[start : start + PER_ARTICLE * 1000]
            groups = [chunk[i : i + PER_ARTICLE] for i in range(0, len(chunk), PER_ARTICLE)]
            numbers = range(
                first_article + start // PER_ARTICLE,
                first_article + start // PER_ARTICLE + len(groups),
            )
            ids = (
                connection.execute(
                    StoredArticle.__table__.insert().returning(StoredArticle.id),
                    [
                        {
                            "key": f"a{number}",
                            "text_hash": f"{number:064d}",
                            "text": "x",
                            "word_count": 1,
                            "published": group[0].published,
                            "outlet_id": outlet_ids[group[0].outlet or "unknown"],
                            "ingested_at": now,
                            "extractor_version": "bench",
                        }
                        for number, group in zip(numbers, groups, strict=True)
                    ],
                )
                .scalars()
                .all()
            )
            rows = [
                {
                    "article_id": article_id,
                    "position": position,
                    "kind": statement.kind,
                    "speaker": statement.speaker_id,
                    "speaker_as_written": statement.speaker_id,
                    "speaker_id": statement.speaker_id,
                    "confidence": 1.0,
                    "source_spans": [],
                    "cue_spans": [],
                    "content_spans": [],
                    "speaker_spans": [],
                    "frame_spans": [],
                    "anonymous": False,
                    "said_on": statement.published,
                    "source_text": statement.speaker_id or "",
                    "cue_text": "said",
                    "content_text": statement.text,
                }
                for article_id, group in zip(ids, groups, strict=True)
                for position, statement in enumerate(group)
            ]
            connection.execute(StoredAttribution.__table__.insert(), rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--statements", type=int, default=200_000)
    parser.add_argument("--new", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    statements, _, _ = build_corpus(args.statements + args.new, args.seed)
    old, new = statements[: args.statements], statements[args.statements :]
    folder = tempfile.TemporaryDirectory()
    with folder, open_store(f"sqlite:///{Path(folder.name) / 'link.db'}") as store:
        started = time.perf_counter()
        _store(store, old, 0)
        print(f"stored {len(old):,} attributions in {time.perf_counter() - started:.1f} s")
        summary = link_store(store)
        print(
            f"link (all new): {summary.statements:,} statements in {summary.seconds:.1f} s "
            f"= {summary.statements / summary.seconds:,.0f}/s; {summary.clusters:,} clusters, "
            f"{summary.reported_more_than_once:,} reported more than once   "
            "(target: 200,000 in < 300 s)"
        )
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(f"peak RSS after the full link: {peak:,.0f} MB   (target: < 4,096 MB)")
        _store(store, new, len(old) // PER_ARTICLE + 1)
        again = link_store(store)
        print(
            f"link again after storing {len(new):,} more: {again.new_statements:,} new of "
            f"{again.statements:,} in {again.seconds:.1f} s"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak:,.0f} MB")


if __name__ == "__main__":
    main()
