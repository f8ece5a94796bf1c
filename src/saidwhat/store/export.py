"""Exporting the store: one row per attribution, every field, for pandas, R, DuckDB or Spark.

This module owns the export's columns (:data:`COLUMNS`, a public contract like the JSONL
shape of ``saidwhat extract``) and the three formats:

* **CSV** (RFC 4180 via the :mod:`csv` module, UTF-8, a header row): spans are JSON strings
  (``[[986, 1060]]``), booleans ``true``/``false``, missing values empty.
* **JSONL**: one object per line, spans as real lists, missing values ``null``.
* **Parquet** (pyarrow): an explicit schema (``int64`` ids, ``int32`` positions,
  ``list<list<int32>>`` spans, ``timestamp[us, UTC]`` ingest times) so every reader gets the
  same types however the first rows look, written in row groups of
  :data:`PARQUET_ROW_GROUP` rows.

Rows are streamed from the database (a server-side cursor on PostgreSQL) in batches and
written as they come, so memory stays bounded by a batch whatever the store's size; one
read transaction gives one consistent snapshot while ingests carry on. Rows come in article
order (by store id), and within an article in the extractor's order (``position``).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, Literal

from sqlalchemy import Text, cast, select
from sqlalchemy.orm import aliased

from saidwhat.store.database import Store
from saidwhat.store.schema import Outlet, SpeakerRecord, StoredArticle, StoredAttribution

if TYPE_CHECKING:
    import pyarrow as pa

__all__ = [
    "COLUMNS",
    "FORMATS",
    "PARQUET_ROW_GROUP",
    "SPAN_COLUMNS",
    "TEXT_BATCH",
    "ExportFormat",
    "iter_batches",
    "iter_rows",
    "parquet_schema",
    "write_csv",
    "write_jsonl",
    "write_parquet",
]

ExportFormat = Literal["csv", "jsonl", "parquet"]
FORMATS: tuple[ExportFormat, ...] = ("csv", "jsonl", "parquet")
#: Rows per Parquet row group (and per batch fetched for it).
PARQUET_ROW_GROUP = 10_000
#: Rows fetched at a time for CSV and JSONL, written as they come: a smaller batch keeps
#: memory lower where nothing needs a whole row group.
TEXT_BATCH = 2_000


@dataclass(frozen=True, slots=True)
class _Column:
    """One export column: its name, its Parquet type name, and what it means."""

    name: str
    type: Literal["int64", "int32", "float64", "bool", "string", "spans", "timestamp"]
    doc: str


#: The export's columns, in order. Spans are ``[start, end)`` character offsets into the
#: article's text as stored (not exported: it is long, and keyed by ``article_key``).
COLUMNS: tuple[_Column, ...] = (
    _Column("attribution_id", "int64", "the attribution's id in the store"),
    _Column("article_key", "string", "the article's id in the store (source file name or id)"),
    _Column("url", "string", "where the article was published, if known"),
    _Column("title", "string", "the article's title"),
    _Column("outlet", "string", "the publisher"),
    _Column("published", "string", "publication date as the source gave it (ISO)"),
    _Column("author", "string", "the article's author"),
    _Column("position", "int32", "the attribution's index among its article's attributions"),
    _Column("kind", "string", "direct, indirect or mixed"),
    _Column("speaker", "string", "the speaker resolved in the article, else as written"),
    _Column("speaker_id", "string", "the canonical speaker across the corpus (saidwhat speakers)"),
    _Column("speaker_name", "string", "the canonical speaker's name across the corpus"),
    _Column("speaker_as_written", "string", "the source's words in the article"),
    _Column("role", "string", "the speaker's role or description in the article"),
    _Column("anonymous", "bool", "true for unnamed sources"),
    _Column("via", "string", "the intermediary that reported the statement"),
    _Column("said_on", "string", "when it was said: ISO date truncated to its precision"),
    _Column("said_on_precision", "string", "day, week (said_on is its Monday), month or year"),
    _Column("said_on_basis", "string", "how said_on was found (explicit, relative, ...)"),
    _Column("confidence", "float64", "the extractor's confidence, 0 to 1"),
    _Column("cluster_id", "string", "the statement cluster: this utterance in every outlet"),
    _Column("drift_label", "string", "how this version differs from the cluster's reference"),
    _Column("source_text", "string", "the source's words (pieces joined by ' … ')"),
    _Column("cue_text", "string", "the cue's words"),
    _Column("content_text", "string", "what was said"),
    _Column("source_spans", "spans", "the source as [start, end) offsets"),
    _Column("cue_spans", "spans", "the cue as [start, end) offsets"),
    _Column("content_spans", "spans", "the content as [start, end) offsets"),
    _Column("speaker_spans", "spans", "where the speaker is named"),
    _Column("frame_spans", "spans", "the sentence(s) framing the statement"),
    _Column("near_duplicate_of", "string", "article_key of the first copy of a wire story"),
    _Column("source_path", "string", "the file the article was read from"),
    _Column("ingested_at", "timestamp", "when the article was stored (UTC)"),
    _Column("extractor_version", "string", "the saidwhat version that extracted it"),
)
SPAN_COLUMNS = tuple(column.name for column in COLUMNS if column.type == "spans")


def _query(spans_as_text: bool = False, min_confidence: float = 0.0) -> Any:
    """One row per attribution with its article's fields, in article then extractor order.

    ``spans_as_text`` reads the span columns as the JSON text stored, for CSV, which
    would otherwise parse every span list only to write it back as the same text.
    ``min_confidence`` leaves out attributions the extractor was less sure of.
    """
    attribution, article = StoredAttribution, StoredArticle
    original = aliased(StoredArticle, name="original")
    selected: dict[str, Any] = {
        "attribution_id": attribution.id,
        "article_key": article.key,
        "url": article.url,
        "title": article.title,
        "outlet": Outlet.name,
        "published": article.published,
        "author": article.author,
        "near_duplicate_of": original.key,
        "speaker_name": SpeakerRecord.name,
        "source_path": article.source_path,
        "ingested_at": article.ingested_at,
        "extractor_version": article.extractor_version,
    }
    if spans_as_text:
        selected.update({name: cast(getattr(attribution, name), Text) for name in SPAN_COLUMNS})
    columns = [
        (
            selected[column.name] if column.name in selected else getattr(attribution, column.name)
        ).label(column.name)
        for column in COLUMNS
    ]
    statement = (
        select(*columns)
        .join_from(attribution, article, article.id == attribution.article_id)
        .outerjoin(Outlet, Outlet.id == article.outlet_id)
        .outerjoin(original, original.id == article.near_duplicate_of)
        .outerjoin(SpeakerRecord, SpeakerRecord.id == attribution.speaker_id)
        .order_by(article.id, attribution.position)
    )
    if min_confidence > 0.0:
        statement = statement.where(attribution.confidence >= min_confidence)
    return statement


def _utc(value: datetime | None) -> datetime | None:
    """Stored times are UTC; SQLite gives them back without a zone."""
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _partitions(
    store: Store, batch_size: int, spans_as_text: bool = False, min_confidence: float = 0.0
) -> Iterator[list[Any]]:
    """The rows of :func:`_query`, ``batch_size`` at a time, from one read transaction.

    Streamed: a server-side cursor on PostgreSQL, SQLite's own stepping through the rows
    on SQLite; at most one batch is in memory.
    """
    with store.begin_read() as connection:
        result = connection.execution_options(yield_per=batch_size).execute(
            _query(spans_as_text, min_confidence)
        )
        yield from result.partitions()


_NAMES = [column.name for column in COLUMNS]
_INGESTED_AT = _NAMES.index("ingested_at")
_ANONYMOUS = _NAMES.index("anonymous")


def iter_batches(
    store: Store, batch_size: int = PARQUET_ROW_GROUP, min_confidence: float = 0.0
) -> Iterator[list[dict[str, Any]]]:
    """Every attribution (with at least ``min_confidence``) as a dict keyed by
    :data:`COLUMNS`, ``batch_size`` at a time.

    Spans are lists of ``[start, end]`` lists; ``ingested_at`` a UTC datetime.
    """
    for rows in _partitions(store, batch_size, min_confidence=min_confidence):
        batch = []
        for row in rows:
            record = dict(zip(_NAMES, row, strict=True))
            record["ingested_at"] = _utc(record["ingested_at"])
            batch.append(record)
        yield batch


def iter_rows(
    store: Store, batch_size: int = TEXT_BATCH, min_confidence: float = 0.0
) -> Iterator[dict[str, Any]]:
    """Every attribution as a dict keyed by :data:`COLUMNS` (see :func:`iter_batches`)."""
    for batch in iter_batches(store, batch_size, min_confidence):
        yield from batch


def write_csv(store: Store, handle: IO[str], min_confidence: float = 0.0) -> int:
    """Write the export as CSV to ``handle`` (opened with ``newline=""``); return the rows.

    NULL is an empty field (the csv module's way with None), booleans are ``true`` /
    ``false``, times ISO 8601 with their zone, spans the JSON text stored.
    """
    writer = csv.writer(handle)
    writer.writerow(_NAMES)
    count = 0
    for rows in _partitions(store, TEXT_BATCH, spans_as_text=True, min_confidence=min_confidence):
        out = []
        for row in rows:
            values = list(row)
            values[_ANONYMOUS] = "true" if values[_ANONYMOUS] else "false"
            ingested_at = _utc(values[_INGESTED_AT])
            values[_INGESTED_AT] = ingested_at.isoformat() if ingested_at else None
            out.append(values)
        writer.writerows(out)
        count += len(rows)
    return count


def write_jsonl(store: Store, handle: IO[str], min_confidence: float = 0.0) -> int:
    """Write the export as JSON lines to ``handle``; return the number of rows."""
    count = 0
    for batch in iter_batches(store, TEXT_BATCH, min_confidence):
        for row in batch:
            ingested_at = row["ingested_at"]
            row["ingested_at"] = ingested_at.isoformat() if ingested_at else None
        handle.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in batch)
        count += len(batch)
    return count


def parquet_schema() -> pa.Schema:
    """The Parquet schema of the export: :data:`COLUMNS` with explicit Arrow types."""
    import pyarrow as pa

    types = {
        "int64": pa.int64(),
        "int32": pa.int32(),
        "float64": pa.float64(),
        "bool": pa.bool_(),
        "string": pa.string(),
        "spans": pa.list_(pa.list_(pa.int32())),
        "timestamp": pa.timestamp("us", tz="UTC"),
    }
    return pa.schema(
        [
            pa.field(column.name, types[column.type], metadata={"description": column.doc})
            for column in COLUMNS
        ]
    )


def write_parquet(
    store: Store,
    path: str | Path,
    row_group_size: int = PARQUET_ROW_GROUP,
    min_confidence: float = 0.0,
) -> int:
    """Write the export as a Parquet file at ``path``, one row group per batch; return rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = parquet_schema()
    count = 0
    with pq.ParquetWriter(str(path), schema) as writer:
        for rows in _partitions(store, row_group_size, min_confidence=min_confidence):
            columns = [list(values) for values in zip(*rows, strict=True)]
            columns[_INGESTED_AT] = [_utc(value) for value in columns[_INGESTED_AT]]
            arrays = [
                pa.array(values, type=field.type)
                for values, field in zip(columns, schema, strict=True)
            ]
            writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
            count += len(rows)
    return count
