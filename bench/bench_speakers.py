"""Speaker-merging benchmark: resolve canonical speakers over 100,000 stored attributions.

Usage::

    python bench/bench_speakers.py [--attributions N] [--people N] [--seed N]

Builds a SQLite store (in a temporary folder) whose attributions name speakers the way news
does: a person's full name, the name behind a title ("Gen. Mark Milley", "Secretary of
State John F. Kerry"), a middle initial, the bare surname, an outlet or institution with
and without its leading "the", and unnamed sources ("a US official", "US officials").
People are drawn so that surnames are shared (the Clintons), and some have a "Jr." son, so
the resolver's hard cases are in the data at scale. Rows are bulk inserted through the
store's tables; no extraction runs.

Then it times :func:`saidwhat.store.speakers.refresh_speakers` (read every name, resolve,
write ``speaker_id`` and the ``speakers`` table) twice: on the fresh corpus, where every
row gets an id, and again on the settled corpus, where almost nothing changes. It checks
the result against the truth it generated: every full-name form of a person must get that
person's id, and no two people may share one.

The project's target: speaker merging over 100,000 attributions in under a minute.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import select

from saidwhat.store import open_store
from saidwhat.store.schema import StoredArticle, StoredAttribution
from saidwhat.store.speakers import refresh_speakers


def _words(text: str) -> list[str]:
    return text.split()


FIRST = _words(
    "Mark Lloyd Hillary Bill Donald Noam Vladimir Volodymyr Angela John Maria Ana Luis Chen "
    "Fatima Omar Priya Rahul Sofia Elena Ivan Olga Pierre Marie Hans Karl Kenji Yuki Amara "
    "Kwame Grace Peter Paul Susan Karen Laura James Robert Linda Carlos Diego Lucia Marta"
)
SURNAMES = _words(
    "Milley Austin Clinton Trump Chomsky Putin Zelenskyy Merkel Kerry Lopez Sato Rubio Wei "
    "Haddad Khan Sharma Gupta Rossi Petrova Ivanov Dubois Martin Schmidt Weber Tanaka Suzuki "
    "Mensah Owusu Osei Walker Harris Young King Wright Scott Green Baker Adams Nelson Hill "
    "Campbell Mitchell Roberts Carter Phillips Evans Turner Torres Parker Collins Edwards "
    "Stewart Flores Morris Nguyen Murphy Rivera Cook Rogers Morgan Peterson Cooper Reed Bailey"
)
TITLES = (
    "Gen.",
    "Sen.",
    "President",
    "Defense Secretary",
    "Secretary of State",
    "Chairman of the Joint Chiefs of Staff General",
    "Rep.",
    "Gov.",
    "Prime Minister",
)
OUTLETS = (
    "Washington Post",
    "New York Times",
    "White House",
    "Kremlin",
    "Pentagon",
    "Reuters",
    "Defense Ministry",
    "Justice Department",
    "Trump campaign",
    "European Commission",
)
UNNAMED = (
    "a US official",
    "US officials",
    "sources familiar with the talks",
    "a source familiar with the talks",
    "critics",
    "analysts",
    "a senior administration official",
    "senior administration officials",
    "diplomats",
    "a diplomat",
)


def _people(count: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(first, middle initial or "", surname[+ " Jr."]) triples, all distinct."""
    people: set[tuple[str, str, str]] = set()
    while len(people) < count:
        first, last = rng.choice(FIRST), rng.choice(SURNAMES)
        if rng.random() < 0.03:
            last += " Jr."
        people.add(
            (first, rng.choice("ABCDEFGHJKLMNPRSTW") + "." if rng.random() < 0.2 else "", last)
        )
    return sorted(people)


def _mentions(
    total: int, people: list[tuple[str, str, str]], rng: random.Random
) -> list[tuple[str, bool, str | None]]:
    """(name as stored, anonymous, true identity or None) per attribution."""
    weights = [1 / (rank + 1) for rank in range(len(people))]  # a few people say most
    rows: list[tuple[str, bool, str | None]] = []
    chosen = rng.choices(people, weights=weights, k=total)
    for person in chosen:
        first, middle, last = person
        truth = f"{first} {last}"
        draw = rng.random()
        if draw < 0.08:
            rows.append((rng.choice(UNNAMED), True, None))
        elif draw < 0.16:
            outlet = rng.choice(OUTLETS)
            rows.append((f"the {outlet}" if rng.random() < 0.5 else outlet, False, outlet))
        elif draw < 0.50:
            rows.append((f"{first} {last}", False, truth))
        elif draw < 0.65:
            rows.append((f"{rng.choice(TITLES)} {first} {last}", False, truth))
        elif draw < 0.72 and middle:
            rows.append((f"{first} {middle} {last}", False, truth))
        else:
            rows.append((last, False, None))  # a bare surname: no single truth to check
    return rows


def _build(url: str, mentions: list[tuple[str, bool, str | None]]) -> None:
    per_article = 20
    now = datetime.now(UTC)
    with open_store(url) as store, store.begin_write() as connection:
        for start in range(0, len(mentions), per_article * 500):
            articles = [
                {
                    "key": f"a{number}",
                    "text_hash": f"{number:064d}",
                    "text": "x",
                    "word_count": 1,
                    "published": "2022-11-17",
                    "ingested_at": now,
                    "extractor_version": "bench",
                }
                for number in range(
                    start // per_article, (start + per_article * 500) // per_article
                )
                if number * per_article < len(mentions)
            ]
            ids = (
                connection.execute(
                    StoredArticle.__table__.insert().returning(StoredArticle.id), articles
                )
                .scalars()
                .all()
            )
            rows = []
            for article_id, offset in zip(
                ids, range(start, len(mentions), per_article), strict=False
            ):
                for position, (name, anonymous, _) in enumerate(
                    mentions[offset : offset + per_article]
                ):
                    rows.append(
                        {
                            "article_id": article_id,
                            "position": position,
                            "kind": "direct",
                            "speaker": name,
                            "speaker_as_written": name,
                            "confidence": 1.0,
                            "source_spans": [],
                            "cue_spans": [],
                            "content_spans": [],
                            "speaker_spans": [],
                            "frame_spans": [],
                            "anonymous": anonymous,
                            "source_text": name,
                            "cue_text": "said",
                            "content_text": "words",
                        }
                    )
            connection.execute(StoredAttribution.__table__.insert(), rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--attributions", type=int, default=100_000)
    parser.add_argument("--people", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=20221116)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    mentions = _mentions(args.attributions, _people(args.people, rng), rng)

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{Path(folder) / 'speakers.db'}"
        started = time.perf_counter()
        _build(url, mentions)
        print(f"built {len(mentions):,} attributions in {time.perf_counter() - started:.1f} s")
        with open_store(url) as store:
            started = time.perf_counter()
            directory = refresh_speakers(store)
            first = time.perf_counter() - started
            started = time.perf_counter()
            refresh_speakers(store)
            settled = time.perf_counter() - started
            with store.begin_read() as connection:
                stored = connection.execute(
                    select(StoredAttribution.speaker, StoredAttribution.speaker_id).order_by(
                        StoredAttribution.article_id, StoredAttribution.position
                    )
                ).all()

    distinct = len({(name, anonymous) for name, anonymous, _ in mentions})
    print(f"distinct names: {distinct:,}; speakers: {len(directory.speakers):,}")
    print(f"merge, fresh corpus: {first:.2f} s   (target: < 60 s at 100,000 attributions)")
    print(f"merge, settled corpus: {settled:.2f} s")
    by_truth: dict[str, set[str | None]] = defaultdict(set)
    for (_, _, truth), row in zip(mentions, stored, strict=True):
        if truth is not None:
            by_truth[truth].add(row.speaker_id)
    split = sum(1 for ids in by_truth.values() if len(ids) > 1)
    owners: dict[str | None, set[str]] = defaultdict(set)
    for truth, ids in by_truth.items():
        for speaker_id in ids:
            owners[speaker_id].add(truth)
    shared = sum(1 for truths in owners.values() if len(truths) > 1)
    print(
        f"check: {len(by_truth):,} true speakers; split over several ids: {split}; "
        f"ids shared by different true speakers: {shared}"
    )
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS: {peak_mb:,.0f} MB")
    if split:
        examples = [(t, ids) for t, ids in by_truth.items() if len(ids) > 1][:5]
        print("split examples:", examples)
    return 0 if split == 0 and shared == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
