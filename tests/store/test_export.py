"""Export: every attribution, every field, read back by the tools people will use on it.

Each format is written and then read back with what a data team would use (the csv and json
modules, pyarrow) and compared with the rows in the store. Runs on SQLite and, when one is
reachable, PostgreSQL (see ``conftest.py``).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from saidwhat.cli import app
from saidwhat.model import Article
from saidwhat.store import Store, ingest_items, open_store
from saidwhat.store.export import (
    COLUMNS,
    SPAN_COLUMNS,
    iter_batches,
    write_csv,
    write_jsonl,
    write_parquet,
)
from saidwhat.store.schema import Outlet, StoredArticle, StoredAttribution

NAMES = [column.name for column in COLUMNS]


def _stored(store: Store) -> dict[int, dict[str, Any]]:
    """What the store holds for each attribution, by id, in the export's terms."""
    query = (
        select(StoredAttribution, StoredArticle, Outlet.name)
        .join(StoredArticle, StoredArticle.id == StoredAttribution.article_id)
        .outerjoin(Outlet, Outlet.id == StoredArticle.outlet_id)
    )
    stored: dict[int, dict[str, Any]] = {}
    with store.session() as session:
        for attribution, article, outlet in session.execute(query):
            stored[attribution.id] = {
                "article_key": article.key,
                "title": article.title,
                "outlet": outlet,
                "published": article.published,
                "author": article.author,
                "source_path": article.source_path,
                "extractor_version": article.extractor_version,
                **{
                    name: getattr(attribution, name)
                    for name in NAMES
                    if name != "attribution_id" and hasattr(StoredAttribution, name)
                },
            }
    assert stored, "nothing stored"
    return stored


def _check_rows(
    rows: list[dict[str, Any]], stored: dict[int, dict[str, Any]], missing: Any = None
) -> None:
    """One row per stored attribution, each with the stored values (spans as lists).

    ``missing`` is how the format writes NULL: None, or "" in CSV.
    """
    assert sorted(int(row["attribution_id"]) for row in rows) == sorted(stored)
    assert len(rows) == len(stored)
    for row in rows:
        expected = stored[int(row["attribution_id"])]
        for name, value in expected.items():
            got = row[name]
            if name == "confidence":
                assert float(got) == pytest.approx(value), name
            elif name == "position":
                assert int(got) == value
            else:
                assert got == (missing if value is None else value), (name, got, value)


# --- the three formats ------------------------------------------------------------------


def test_csv_round_trip(examples: Store) -> None:
    buffer = io.StringIO(newline="")
    count = write_csv(examples, buffer)

    reader = csv.DictReader(io.StringIO(buffer.getvalue(), newline=""))
    assert reader.fieldnames == NAMES
    rows: list[dict[str, Any]] = []
    for raw in reader:
        row: dict[str, Any] = dict(raw)
        for name in SPAN_COLUMNS:
            row[name] = json.loads(raw[name])
        assert raw["anonymous"] in ("true", "false")
        row["anonymous"] = raw["anonymous"] == "true"
        assert datetime.fromisoformat(raw["ingested_at"]).utcoffset() is not None
        rows.append(row)
    stored = _stored(examples)
    assert count == len(rows) == len(stored)
    _check_rows(rows, stored, missing="")
    assert any(row["role"] == "" for row in rows)  # NULL is an empty field
    # Text with commas, quotes and line breaks survives.
    assert any("," in row["content_text"] for row in rows)


def test_jsonl_round_trip(examples: Store) -> None:
    buffer = io.StringIO()
    count = write_jsonl(examples, buffer)

    rows = [json.loads(line) for line in buffer.getvalue().splitlines()]
    assert count == len(rows)
    assert all(list(row) == NAMES for row in rows)
    assert all(isinstance(row["content_spans"][0], list) for row in rows)
    assert all(isinstance(row["anonymous"], bool) for row in rows)
    _check_rows(rows, _stored(examples))


def test_parquet_round_trip(examples: Store, tmp_path: Path) -> None:
    path = tmp_path / "attributions.parquet"
    count = write_parquet(examples, path, row_group_size=10)

    parquet = pq.ParquetFile(path)
    table = parquet.read()
    assert table.column_names == NAMES
    assert count == table.num_rows
    # Written in row groups as it streams, never all at once.
    assert parquet.metadata.num_row_groups == -(-count // 10) > 1
    types = dict(zip(table.schema.names, table.schema.types, strict=True))
    assert types["attribution_id"] == pa.int64()
    assert types["position"] == pa.int32()
    assert types["anonymous"] == pa.bool_()
    assert types["confidence"] == pa.float64()
    assert types["content_spans"] == pa.list_(pa.list_(pa.int32()))
    assert types["ingested_at"] == pa.timestamp("us", tz="UTC")
    _check_rows(table.to_pylist(), _stored(examples))


def test_rows_stream_in_batches_in_article_order(examples: Store) -> None:
    batches = list(iter_batches(examples, batch_size=7))

    assert all(len(batch) <= 7 for batch in batches) and len(batches) > 1
    rows = [row for batch in batches for row in batch]
    assert len(rows) == len(_stored(examples))
    order = [(row["article_key"], row["position"]) for row in rows]
    keys = list(dict.fromkeys(key for key, _ in order))
    assert order == sorted(order, key=lambda pair: (keys.index(pair[0]), pair[1]))


def test_min_confidence_exports_only_the_confident_rows(examples: Store, tmp_path: Path) -> None:
    stored = _stored(examples)
    levels = sorted(row["confidence"] for row in stored.values())
    bar = levels[len(levels) // 2]  # the median: some rows fall below it, some do not
    expected = {key for key, row in stored.items() if row["confidence"] >= bar}
    assert 0 < len(expected) < len(stored)

    buffer = io.StringIO(newline="")
    assert write_csv(examples, buffer, min_confidence=bar) == len(expected)
    csv_ids = {int(row["attribution_id"]) for row in csv.DictReader(io.StringIO(buffer.getvalue()))}
    buffer = io.StringIO()
    write_jsonl(examples, buffer, min_confidence=bar)
    json_ids = {json.loads(line)["attribution_id"] for line in buffer.getvalue().splitlines()}
    path = tmp_path / "confident.parquet"
    write_parquet(examples, path, min_confidence=bar)
    parquet_ids = set(pq.read_table(path).column("attribution_id").to_pylist())

    assert csv_ids == json_ids == parquet_ids == expected


def test_an_empty_store_exports_headers_and_schemas(store_url: str, tmp_path: Path) -> None:
    with open_store(store_url) as store:
        buffer = io.StringIO(newline="")
        assert write_csv(store, buffer) == 0
        assert buffer.getvalue().strip() == ",".join(NAMES)
        assert write_jsonl(store, io.StringIO()) == 0
        assert write_parquet(store, tmp_path / "empty.parquet") == 0
    assert pq.read_table(tmp_path / "empty.parquet").column_names == NAMES


def test_near_duplicates_name_their_first_copy(store_url: str) -> None:
    story = (
        "The harbour minister said on Monday that the new container terminal would open next "
        "spring, three years later than first promised, and that the port authority had "
        "approved the revised plan after a long public consultation in the city. Critics said "
        "the cost had doubled since the first estimate was published, and the opposition "
        "leader told reporters that the contract should be put out to tender again."
    )
    first = Article(id="first", text=story, outlet="Port Daily")
    copy = Article(id="copy", text=story.replace("Monday", "Tuesday"), outlet="Wire Weekly")
    with open_store(store_url) as store:
        summary = ingest_items(store, [first, copy])
        assert summary.near_duplicates == 1
        rows = list(row for batch in iter_batches(store) for row in batch)
    assert {row["near_duplicate_of"] for row in rows if row["article_key"] == "copy"} == {"first"}
    assert {row["near_duplicate_of"] for row in rows if row["article_key"] == "first"} == {None}
    assert {row["outlet"] for row in rows} == {"Port Daily", "Wire Weekly"}


# --- command line -----------------------------------------------------------------------


@pytest.mark.parametrize("export_format", ["csv", "jsonl"])
def test_cli_exports_text_formats_to_stdout(examples_url: str, export_format: str) -> None:
    result = CliRunner().invoke(app, ["export", "--format", export_format, "--db", examples_url])

    assert result.exit_code == 0, result.output
    with open_store(examples_url) as store:
        expected = len(_stored(store))
    if export_format == "csv":
        rows = list(csv.DictReader(io.StringIO(result.stdout, newline="")))
    else:
        rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == expected
    assert list(rows[0]) == NAMES
    assert f"exported {expected} attributions as {export_format}" in result.stderr


def test_cli_exports_parquet_to_a_file(examples_url: str, tmp_path: Path) -> None:
    out = tmp_path / "corpus.parquet"
    result = CliRunner().invoke(
        app, ["export", "--format", "parquet", "--out", str(out), "--db", examples_url]
    )

    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    with open_store(examples_url) as store:
        assert pq.read_table(out).num_rows == len(_stored(store))
    assert [path.name for path in tmp_path.iterdir()] == ["corpus.parquet"]  # no leftovers


def test_cli_export_csv_to_a_file(examples_url: str, tmp_path: Path) -> None:
    out = tmp_path / "corpus.csv"
    out.write_text("old content", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["export", "--format", "csv", "--out", str(out), "--db", examples_url]
    )

    assert result.exit_code == 0, result.output
    with open(out, encoding="utf-8", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == NAMES


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--format", "parquet"], "parquet is a binary format: give a file with --out"),
        (["--format", "xlsx"], "Invalid value for '--format'"),
        (["--format", "csv", "--out", "no-such-folder/x.csv"], "no folder"),
    ],
)
def test_cli_export_errors_are_clean(
    examples_url: str, tmp_path: Path, arguments: list[str], message: str
) -> None:
    arguments = [str(tmp_path / a) if a.startswith("no-such") else a for a in arguments]
    result = CliRunner().invoke(app, ["export", *arguments, "--db", examples_url])

    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_cli_export_needs_an_existing_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--db", str(missing)])

    assert result.exit_code == 2
    assert f"no database file {missing}" in result.stderr
    assert not missing.exists()
