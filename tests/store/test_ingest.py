"""Ingestion into the store: stored once, complete, linked, and safe to kill and resume.

Every test runs against SQLite and, when one is reachable, a real PostgreSQL server (see
``conftest.py``): the two must behave the same. Articles are kept small so the suite stays
fast; the model is loaded once per process.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, func, select, text
from typer.testing import CliRunner

import saidwhat
from saidwhat.cli import app
from saidwhat.extraction.pipeline import extract_many
from saidwhat.model import Article, Attribution, span_text
from saidwhat.store import IngestSummary, Store, ingest, ingest_items, open_store
from saidwhat.store.ingest import STORED_ATTRIBUTION_FIELDS
from saidwhat.store.schema import (
    IngestFailure,
    IngestRun,
    MinHashSignature,
    Outlet,
    StoredArticle,
    StoredAttribution,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "examples"
PEACE_NEWS = "peace-news-2022-12-milley"
PRESS_CONFERENCE = "milley-press-conference-2022-11-17"

needs_examples = pytest.mark.skipif(
    not (EXAMPLES / "articles.jsonl").is_file(), reason="shared example articles not present"
)


def _examples() -> dict[str, dict[str, Any]]:
    with open(EXAMPLES / "articles.jsonl", encoding="utf-8") as handle:
        return {row["id"]: row for row in map(json.loads, handle)}


def _ingest(url: str, *paths: Path) -> IngestSummary:
    with open_store(url) as store:
        return ingest(store, list(paths))


def _articles(store: Store) -> dict[str, StoredArticle]:
    with store.session() as session:
        return {row.key: row for row in session.scalars(select(StoredArticle))}


def _count(store: Store, model: type) -> int:
    with store.session() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def _attributions_by_key(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    """Each article's attributions as comparable tuples, in order."""
    query = (
        select(StoredArticle.key, StoredAttribution)
        .join(StoredAttribution, StoredAttribution.article_id == StoredArticle.id)
        .order_by(StoredArticle.key, StoredAttribution.position)
    )
    result: dict[str, list[tuple[Any, ...]]] = {}
    with store.session() as session:
        for key, row in session.execute(query):
            result.setdefault(key, []).append(
                (row.position, row.kind, row.source_spans, row.cue_spans, row.content_spans)
            )
    return result


# --- the example articles ---------------------------------------------------------------


@needs_examples
def test_examples_are_stored_once_with_every_field(store_url: str) -> None:
    # The folder holds articles.jsonl and the same two articles as .txt files.
    summary = _ingest(store_url, EXAMPLES)

    assert (summary.ingested, summary.duplicates, summary.failed) == (2, 2, 0)
    examples = _examples()
    with open_store(store_url) as store:
        articles = _articles(store)
        assert sorted(articles) == sorted([PEACE_NEWS, PRESS_CONFERENCE])
        peace = articles[PEACE_NEWS]
        assert peace.text == examples[PEACE_NEWS]["text"]
        assert peace.published == "2022-12"  # filed as 2022-12-01, precision month
        assert peace.author == "Milan Rai"
        assert peace.title and peace.title.startswith("Top US general")
        assert peace.extractor_version == saidwhat.__version__
        assert peace.source_path and peace.source_path.endswith("articles.jsonl")
        assert peace.ingested_at is not None
        assert peace.ingest_run_id == summary.run_id
        assert peace.near_duplicate_of is None
        with store.session() as session:
            assert session.get(Outlet, peace.outlet_id).name == "Peace News"
            rows = session.scalars(
                select(StoredAttribution).order_by(
                    StoredAttribution.article_id, StoredAttribution.position
                )
            ).all()
            run = session.get(IngestRun, summary.run_id)
            assert run.finished_at is not None and run.ingested == 2 and run.duplicates == 2

    # Every field of every attribution is what the extractor returns for that text.
    by_article: dict[int, list[StoredAttribution]] = {}
    for row in rows:
        by_article.setdefault(row.article_id, []).append(row)
    assert summary.attributions == len(rows)
    for key, article in articles.items():
        stored = by_article[article.id]
        expected = next(extract_many([article.text], published=[article.published]))
        assert [row.position for row in stored] == list(range(len(expected)))
        for row, attribution in zip(stored, expected, strict=True):
            as_stored = {
                "source": row.source_spans,
                "cue": row.cue_spans,
                "content": row.content_spans,
                "kind": row.kind,
                "speaker": row.speaker,
                "speaker_as_written": row.speaker_as_written,
                "confidence": round(row.confidence, 3),
                "role": row.role,
                "anonymous": row.anonymous,
                "via": row.via,
                "said_on": row.said_on,
                "said_on_precision": row.said_on_precision,
                "said_on_basis": row.said_on_basis,
                "speaker_id": row.speaker_id,
            }
            assert as_stored == attribution.to_json(), key
            assert row.speaker_spans == [list(pair) for pair in attribution.speaker_span]
            assert row.frame_spans == [list(pair) for pair in attribution.frame]
            assert row.confidence == pytest.approx(attribution.confidence)
            assert row.content_text == span_text(article.text, attribution.content)
            assert row.source_text == span_text(article.text, attribution.source)
            assert row.cue_text == span_text(article.text, attribution.cue)
    press = by_article[articles[PRESS_CONFERENCE].id]
    milley = [row.content_text for row in press if row.speaker == "Mark Milley"]
    assert any("take it" in content for content in milley), milley
    # The publication date reached the extractor: "on Wednesday" is 16 November 2022.
    assert "2022-11-16" in {row.said_on for row in press}


def test_every_attribution_field_has_a_column() -> None:
    # Fails when the model gains a field the store would silently drop.
    assert set(STORED_ATTRIBUTION_FIELDS) == {field.name for field in fields(Attribution)}
    columns = set(StoredAttribution.__table__.columns.keys())
    stored = {column for names in STORED_ATTRIBUTION_FIELDS.values() for column in names}
    assert stored <= columns


@needs_examples
def test_ingesting_again_changes_nothing(store_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from saidwhat.extraction import pipeline

    first = _ingest(store_url, EXAMPLES)
    with open_store(store_url) as store:
        before = {key: row.id for key, row in _articles(store).items()}
        attributions = _count(store, StoredAttribution)
    extracted: list[str] = []
    real_extract_many = pipeline.extract_many

    def counting_extract_many(texts: Any, *args: Any, **kwargs: Any) -> Any:
        texts = list(texts)
        extracted.extend(texts)
        return real_extract_many(texts, *args, **kwargs)

    monkeypatch.setattr(pipeline, "extract_many", counting_extract_many)

    again = _ingest(store_url, EXAMPLES)

    assert (again.ingested, again.duplicates, again.failed) == (0, 4, 0)
    assert extracted == []  # stored articles are recognised before extraction, not after
    assert again.run_id != first.run_id
    with open_store(store_url) as store:
        assert {key: row.id for key, row in _articles(store).items()} == before
        assert _count(store, StoredAttribution) == attributions
        assert _count(store, MinHashSignature) == 2
        assert _count(store, Outlet) == 2


@needs_examples
def test_a_duplicate_supplies_metadata_the_stored_copy_lacks(store_url: str) -> None:
    # The bare .txt first (no outlet, title or date), then the JSONL export with them.
    _ingest(store_url, EXAMPLES / f"{PEACE_NEWS}.txt")
    summary = _ingest(store_url, EXAMPLES / "articles.jsonl")

    assert (summary.ingested, summary.duplicates) == (1, 1)
    with open_store(store_url) as store:
        peace = _articles(store)[PEACE_NEWS]
        assert peace.source_path and peace.source_path.endswith(".txt")  # first copy kept
        assert peace.published == "2022-12"  # filed as 2022-12-01, precision month
        assert peace.author == "Milan Rai"
        with store.session() as session:
            assert session.get(Outlet, peace.outlet_id).name == "Peace News"


# --- near-duplicates ------------------------------------------------------------------


def _edited(source: str, replacements: dict[str, str]) -> str:
    for old, new in replacements.items():
        assert old in source, old
        source = source.replace(old, new, 1)
    return source


@needs_examples
def test_republished_wire_copy_is_linked_not_double_counted(store_url: str, tmp_path: Path) -> None:
    original = _examples()[PRESS_CONFERENCE]["text"]
    copy = _edited(original, {"catalog": "list", "comprehensive": "detailed", "Kyiv": "Kiev"})
    second_copy = _edited(copy, {"suggested": "argued", "strength": "force"})
    (tmp_path / "original.txt").write_text(original, encoding="utf-8")
    (tmp_path / "copies.jsonl").write_text(
        json.dumps({"id": "wire-copy", "text": copy, "outlet": "Daily Wire Copy"}) + "\n",
        encoding="utf-8",
    )
    (tmp_path / "later.jsonl").write_text(
        json.dumps({"id": "second-copy", "text": second_copy, "outlet": "Another Daily"}) + "\n",
        encoding="utf-8",
    )

    # Three separate runs: the near-duplicate index is rebuilt from the store each time.
    first = _ingest(store_url, tmp_path / "original.txt", EXAMPLES / f"{PEACE_NEWS}.txt")
    linked = _ingest(store_url, tmp_path / "copies.jsonl")
    chained = _ingest(store_url, tmp_path / "later.jsonl")

    assert (first.ingested, first.near_duplicates) == (2, 0)
    assert (linked.ingested, linked.near_duplicates, linked.duplicates) == (1, 1, 0)
    assert (chained.ingested, chained.near_duplicates) == (1, 1)
    with open_store(store_url) as store:
        articles = _articles(store)
        root = articles["original"]
        assert root.near_duplicate_of is None
        assert articles[PEACE_NEWS].near_duplicate_of is None
        assert articles["wire-copy"].near_duplicate_of == root.id
        assert 0.8 <= articles["wire-copy"].near_duplicate_similarity < 1.0
        # The second copy is closest to the first copy, but links to the story's first copy.
        assert articles["second-copy"].near_duplicate_of == root.id
        # Near-duplicates keep their own attributions (each outlet's framing counts) ...
        assert _attributions_by_key(store)["wire-copy"]
        # ... and counting distinct stories counts this one once.
        with store.session() as session:
            stories = session.scalar(
                select(func.count())
                .select_from(StoredArticle)
                .where(StoredArticle.near_duplicate_of.is_(None))
            )
        assert stories == 2


def test_same_url_is_the_same_article(store_url: str) -> None:
    first = Article(id="a", text="Smith said the plan would fail.", url="https://x.test/a")
    updated = Article(
        id="a-v2", text="Smith said the plan would fail badly.", url="https://x.test/a#comments"
    )
    other = Article(id="b", text="Jones said it would work.", url="https://x.test/b")

    with open_store(store_url) as store:
        summary = ingest_items(store, [first, updated, other])
        again = ingest_items(store, [updated])
        articles = _articles(store)

    assert (summary.ingested, summary.duplicates) == (2, 1)
    assert (again.ingested, again.duplicates) == (0, 1)
    assert sorted(articles) == ["a", "b"]
    assert articles["a"].url == "https://x.test/a"


def test_same_id_with_different_text_gets_a_distinct_key(store_url: str, tmp_path: Path) -> None:
    for folder, sentence in (("a", "Smith said rain"), ("b", "Jones said snow")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "story.txt").write_text(f"{sentence} would fall.", "utf-8")
    (tmp_path / "c").mkdir()
    (tmp_path / "c" / "story.txt").write_text("Brown said hail would fall.", "utf-8")

    _ingest(store_url, tmp_path / "a", tmp_path / "b")
    _ingest(store_url, tmp_path / "c")

    with open_store(store_url) as store:
        assert sorted(_articles(store)) == ["story", "story@story.txt", "story@story.txt#2"]


# --- bad input ------------------------------------------------------------------------


def test_bad_files_are_recorded_and_the_rest_is_stored(store_url: str, tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text('"We will win," Smith said.\n', encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "lines.jsonl").write_text(
        '{"id": "ok-line", "text": "Jones said the plan would work."}\n{"id": "broken", "text":\n',
        encoding="utf-8",
    )

    summary = _ingest(store_url, tmp_path)

    assert (summary.ingested, summary.failed) == (2, 3)
    with open_store(store_url) as store:
        assert sorted(_articles(store)) == ["good", "ok-line"]
        with store.session() as session:
            failures = session.scalars(select(IngestFailure).order_by(IngestFailure.path)).all()
    recorded = [(Path(f.path).name, f.line, f.ingest_run_id) for f in failures]
    assert recorded == [
        ("binary.txt", None, summary.run_id),
        ("empty.txt", None, summary.run_id),
        ("lines.jsonl", 2, summary.run_id),
    ]
    assert "binary file" in failures[0].problem
    assert failures[1].problem == "empty file"
    assert all(failure.at is not None for failure in failures)


def test_an_article_the_extractor_crashes_on_is_recorded(
    store_url: str, tmp_path: Path, fragile_extractor: str
) -> None:
    (tmp_path / "a.txt").write_text("Smith said it would rain.", "utf-8")
    (tmp_path / "b.txt").write_text(f"{fragile_extractor}, Jones said.", "utf-8")

    summary = _ingest(store_url, tmp_path)

    assert (summary.ingested, summary.failed) == (1, 1)
    with open_store(store_url) as store:
        assert list(_articles(store)) == ["a"]
        with store.session() as session:
            [failure] = session.scalars(select(IngestFailure)).all()
    assert failure.path == str(tmp_path / "b.txt")
    assert "extraction failed (RuntimeError: simulated extractor bug)" in failure.problem


# --- command line ---------------------------------------------------------------------


@needs_examples
def test_cli_ingest_prints_a_summary(store_url: str) -> None:
    result = CliRunner().invoke(app, ["ingest", str(EXAMPLES), "--db", store_url])

    assert result.exit_code == 0, result.output
    assert "articles stored" in result.stdout
    assert "skipped as duplicates" in result.stdout
    assert "articles/s" in result.stdout


def test_cli_ingest_exits_1_on_bad_input_and_stores_the_rest(
    store_url: str, tmp_path: Path
) -> None:
    (tmp_path / "good.txt").write_text("Smith said it would rain.", "utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")

    result = CliRunner().invoke(app, ["ingest", str(tmp_path), "--db", store_url])

    assert result.exit_code == 1
    assert f"error: {tmp_path / 'empty.txt'}: empty file" in result.stderr
    assert "1 problem in 1 file:" in result.stderr
    with open_store(store_url) as store:
        assert list(_articles(store)) == ["good"]


def test_cli_ingest_exits_2_when_the_database_cannot_be_opened(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'no-such-folder' / 'corpus.db'}"
    (tmp_path / "a.txt").write_text("Smith said it would rain.", "utf-8")

    result = CliRunner().invoke(app, ["ingest", str(tmp_path / "a.txt"), "--db", url])

    assert result.exit_code == 2
    assert "no-such-folder" in result.stderr
    assert "Traceback" not in result.output


# --- killed and resumed ---------------------------------------------------------------

_FIRST = [
    "Ana",
    "Ben",
    "Carla",
    "Dev",
    "Elif",
    "Femi",
    "Gus",
    "Hana",
    "Ivo",
    "Jun",
    "Kemal",
    "Lea",
    "Mika",
    "Nora",
    "Omar",
    "Pia",
]
_LAST = [
    "Ortiz",
    "Quinn",
    "Rossi",
    "Sato",
    "Tanaka",
    "Umar",
    "Varga",
    "Weber",
    "Xu",
    "Yilmaz",
    "Zorn",
    "Abe",
    "Bauer",
    "Costa",
]
_ROLES = [
    "mayor",
    "minister",
    "spokeswoman",
    "director",
    "chair",
    "governor",
    "senator",
    "envoy",
    "adviser",
]
_PLACES = [
    "Lagos",
    "Lima",
    "Oslo",
    "Perth",
    "Quito",
    "Riga",
    "Sofia",
    "Tunis",
    "Vienna",
    "Warsaw",
    "Yerevan",
    "Zagreb",
]
_TOPICS = [
    "housing",
    "water",
    "transit",
    "budget",
    "tariff",
    "school",
    "clinic",
    "harbour",
    "pension",
    "grid",
]
_VERBS = ["collapse", "succeed", "stall", "expand", "shrink", "recover", "falter", "improve"]
_NOUNS = ["bridges", "farms", "clinics", "ferries", "depots", "markets", "shelters", "libraries"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _small_article(number: int) -> str:
    """About 100 words of news in three paragraphs, different from every other number's."""
    pick = random.Random(number).choice
    last = pick(_LAST)
    return (
        f"{pick(_FIRST)} {last}, the {pick(_ROLES)} of {pick(_PLACES)}, said on {pick(_DAYS)} "
        f"that the {pick(_TOPICS)} plan would {pick(_VERBS)} before {number + 1900}.\n\n"
        f"“We will rebuild {number * 7 + 3} {pick(_NOUNS)} in {pick(_PLACES)} and "
        f"{pick(_PLACES)},” {last} told reporters. “Nobody in {pick(_PLACES)} should wait "
        f"for {pick(_NOUNS)} any longer.”\n\n"
        f"According to {pick(_FIRST)} {pick(_LAST)}, a {pick(_ROLES)}, the {pick(_TOPICS)} "
        f"costs rose {number % 9 + 2} percent while {pick(_NOUNS)} in {pick(_PLACES)} "
        f"closed. {last} added that {number * 3 + 11} {pick(_NOUNS)} had reopened since "
        f"{pick(_DAYS)}.\n"
    )


def _wait_for_articles(url: str, at_least: int, process: subprocess.Popen, timeout: float) -> int:
    """Poll the database until ``at_least`` articles are committed; return the count seen."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and process.poll() is None:
            try:
                with engine.connect() as connection:
                    count = connection.execute(text("SELECT count(*) FROM articles")).scalar()
            except Exception:  # the schema is not created yet
                count = 0
            if count and count >= at_least:
                return count
            time.sleep(0.01)
    finally:
        engine.dispose()
    pytest.fail(f"ingest never committed {at_least} articles (exit status {process.poll()})")


def test_killed_ingest_resumes_with_nothing_lost_or_duplicated(
    new_store_url: Callable[[], str], tmp_path: Path
) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for number in range(60):
        (corpus / f"article-{number:02d}.txt").write_text(_small_article(number), "utf-8")
    killed_url, clean_url = new_store_url(), new_store_url()

    process = subprocess.Popen(
        [sys.executable, "-m", "saidwhat.cli", "ingest", str(corpus), "--db", killed_url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        _wait_for_articles(killed_url, 3, process, timeout=120)
        assert process.poll() is None, "ingest finished before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == -signal.SIGKILL

    with open_store(killed_url) as store:
        committed = _count(store, StoredArticle)
        # Nothing half-written: every committed article has its signature (written last).
        assert _count(store, MinHashSignature) == committed
    assert 3 <= committed < 60

    resumed = CliRunner().invoke(app, ["ingest", str(corpus), "--db", killed_url])
    assert resumed.exit_code == 0, resumed.output

    with open_store(clean_url) as store:
        clean = ingest(store, corpus)
        expected = _attributions_by_key(store)
    assert (clean.ingested, clean.failed) == (60, 0)
    with open_store(killed_url) as store:
        assert _count(store, StoredArticle) == 60
        assert _count(store, MinHashSignature) == 60
        assert _attributions_by_key(store) == expected
        assert _count(store, StoredAttribution) == clean.attributions > 60
        with store.session() as session:
            runs = session.scalars(select(IngestRun).order_by(IngestRun.id)).all()
    assert [run.finished_at is None for run in runs] == [True, False]
    assert (runs[1].ingested, runs[1].duplicates) == (60 - committed, committed)
