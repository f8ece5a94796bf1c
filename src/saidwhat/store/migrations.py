"""Versioned schema changes, applied in order and automatically when a store is opened.

This module owns how a database gets from whatever version it is at to the schema in
:mod:`saidwhat.store.schema`. A corpus can take days to ingest, so a new release must
upgrade it in place rather than ask for a re-ingest; and the same steps must run on SQLite
and PostgreSQL, so they are written with SQLAlchemy Core, not dialect SQL, except where
the two databases have no common form (full-text indexes: step 3 has one list of
statements per dialect).

How it works:

* ``schema_version`` holds one row per applied step (version, description, time);
  the database's version is the highest. A new database is version 0.
* :data:`MIGRATIONS` lists the steps in order. A step is frozen once released: its table
  definitions are copies, never imports of the current models, because the models
  describe the *latest* schema and step 1 must keep creating the version-1 tables. A test
  checks that running every step yields exactly the current models.
* All pending steps run in one transaction (both databases have transactional DDL): a
  crash or an error leaves the database at its old version, never half-upgraded. The
  caller opens that transaction as a write transaction (SQLite ``BEGIN IMMEDIATE``); on
  PostgreSQL an advisory lock makes concurrent openers wait for one another.
* A database newer than this code is refused (:class:`SchemaTooNewError`) rather than
  written to by a program that does not know its tables.

To change the schema: edit the models, then append a step here that makes the same change
(``add_column`` below, ``Table(...).create``, ``Index(...).create``), and bump nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Connection,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    func,
    inspect,
    select,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.types import TypeEngine

__all__ = [
    "LATEST_VERSION",
    "MIGRATIONS",
    "Migration",
    "SchemaTooNewError",
    "current_version",
    "migrate",
]

#: Arbitrary constant key of the PostgreSQL advisory lock held while migrating.
_PG_LOCK_KEY = 0x5A1D_3A7


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer saidwhat, with a schema this one does not know."""


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: from ``version - 1`` to ``version``."""

    version: int
    description: str
    apply: Callable[[Connection], None]


_version_metadata = MetaData()
schema_version = Table(
    "schema_version",
    _version_metadata,
    Column("version", Integer, primary_key=True, autoincrement=False),
    Column("description", Text, nullable=False),
    Column("applied_at", DateTime(timezone=True), nullable=False),
)


def _json() -> TypeEngine:
    return JSON().with_variant(JSONB(), "postgresql")


def add_column(connection: Connection, table: str, column: Column) -> None:
    """``ALTER TABLE ... ADD COLUMN`` for both dialects (SQLAlchemy Core has no construct).

    Only nullable columns, optionally with one foreign key: that is what both SQLite and
    PostgreSQL can add in place without rewriting the table.
    """
    if not column.nullable:
        raise ValueError(f"{table}.{column.name}: only nullable columns can be added in place")
    dialect = connection.dialect
    preparer = dialect.identifier_preparer
    ddl = (
        f"ALTER TABLE {preparer.quote(table)} ADD COLUMN {preparer.quote(column.name)} "
        f"{column.type.compile(dialect=dialect)}"
    )
    for foreign_key in column.foreign_keys:
        target_table, target_column = foreign_key.target_fullname.split(".")
        ddl += f" REFERENCES {preparer.quote(target_table)} ({preparer.quote(target_column)})"
        if foreign_key.ondelete:
            ddl += f" ON DELETE {foreign_key.ondelete}"
    connection.exec_driver_sql(ddl)


# --- version 1: articles, attributions, outlets, runs, failures -------------------------


def _v1_core_tables(connection: Connection) -> None:
    metadata = MetaData()
    Table(
        "outlets",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("name", Text, nullable=False, unique=True),
    )
    Table(
        "ingest_runs",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("started_at", DateTime(timezone=True), nullable=False),
        Column("finished_at", DateTime(timezone=True), nullable=True),
        Column("extractor_version", String(40), nullable=False),
        Column("inputs", _json(), nullable=False),
        Column("ingested", Integer, nullable=False),
        Column("duplicates", Integer, nullable=False),
        Column("near_duplicates", Integer, nullable=False),
        Column("failed", Integer, nullable=False),
    )
    Table(
        "articles",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("key", Text, nullable=False, unique=True),
        Column("url", Text, nullable=True, unique=True),
        Column("text_hash", String(64), nullable=False, unique=True),
        Column("title", Text, nullable=True),
        Column("author", Text, nullable=True),
        Column("published", Text, nullable=True),
        Column("outlet_id", Integer, ForeignKey("outlets.id"), nullable=True),
        Column("text", Text, nullable=False),
        Column("word_count", Integer, nullable=False),
        Column("source_path", Text, nullable=True),
        Column("ingested_at", DateTime(timezone=True), nullable=False),
        Column("extractor_version", String(40), nullable=False),
        Column("ingest_run_id", Integer, ForeignKey("ingest_runs.id"), nullable=True),
        Index("ix_articles_outlet_id", "outlet_id"),
        Index("ix_articles_published", "published"),
    )
    Table(
        "attributions",
        metadata,
        Column("id", Integer, primary_key=True),
        Column(
            "article_id",
            Integer,
            ForeignKey("articles.id", ondelete="CASCADE"),
            nullable=False,
        ),
        Column("position", Integer, nullable=False),
        Column("kind", String(16), nullable=False),
        Column("speaker_as_written", Text, nullable=True),
        Column("speaker", Text, nullable=True),
        Column("confidence", Float, nullable=False),
        Column("source_spans", _json(), nullable=False),
        Column("cue_spans", _json(), nullable=False),
        Column("content_spans", _json(), nullable=False),
        Column("speaker_spans", _json(), nullable=False),
        Column("frame_spans", _json(), nullable=False),
        Column("role", Text, nullable=True),
        Column("anonymous", Boolean, nullable=False),
        Column("via", Text, nullable=True),
        Column("said_on", Text, nullable=True),
        Column("said_on_precision", String(16), nullable=True),
        Column("said_on_basis", String(16), nullable=True),
        Column("source_text", Text, nullable=False),
        Column("cue_text", Text, nullable=False),
        Column("content_text", Text, nullable=False),
        UniqueConstraint("article_id", "position", name="uq_attributions_article_position"),
        Index("ix_attributions_speaker", "speaker"),
        Index("ix_attributions_said_on", "said_on"),
    )
    Table(
        "ingest_failures",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("ingest_run_id", Integer, ForeignKey("ingest_runs.id"), nullable=True),
        Column("path", Text, nullable=False),
        Column("line", Integer, nullable=True),
        Column("problem", Text, nullable=False),
        Column("at", DateTime(timezone=True), nullable=False),
        Index("ix_ingest_failures_ingest_run_id", "ingest_run_id"),
    )
    metadata.create_all(connection)


# --- version 2: near-duplicate links and the MinHash signatures behind them --------------


def _v2_near_duplicates(connection: Connection) -> None:
    add_column(
        connection,
        "articles",
        Column(
            "near_duplicate_of",
            Integer,
            ForeignKey("articles.id", ondelete="SET NULL"),
            nullable=True,
        ),
    )
    add_column(connection, "articles", Column("near_duplicate_similarity", Float, nullable=True))
    metadata = MetaData()
    articles = Table(
        "articles",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("near_duplicate_of", Integer),
    )
    Index("ix_articles_near_duplicate_of", articles.c.near_duplicate_of).create(connection)
    Table(
        "minhash_signatures",
        metadata,
        Column(
            "article_id",
            Integer,
            ForeignKey("articles.id", ondelete="CASCADE"),
            primary_key=True,
            autoincrement=False,
        ),
        Column("scheme", String(64), nullable=False),
        Column("signature", LargeBinary, nullable=False),
    ).create(connection)


# --- version 3: full-text search indexes -----------------------------------------------

#: Frozen copy of the version-3 full-text objects (see ``schema.FULLTEXT_DDL`` for why each
#: is as it is). SQLite: external-content FTS5 tables and the triggers that keep them in
#: step with their tables; PostgreSQL: generated ``tsvector`` columns with GIN indexes.
_V3_FTS5_TOKENIZE = "tokenize='unicode61 remove_diacritics 2'"
_V3_SQLITE = (
    "CREATE VIRTUAL TABLE attributions_fts USING fts5(content_text, speaker, "
    f"speaker_as_written, content='attributions', content_rowid='id', {_V3_FTS5_TOKENIZE})",
    "CREATE TRIGGER attributions_fts_insert AFTER INSERT ON attributions BEGIN "
    "INSERT INTO attributions_fts(rowid, content_text, speaker, speaker_as_written) "
    "VALUES (new.id, new.content_text, new.speaker, new.speaker_as_written); END",
    "CREATE TRIGGER attributions_fts_delete AFTER DELETE ON attributions BEGIN "
    "INSERT INTO attributions_fts(attributions_fts, rowid, content_text, speaker, "
    "speaker_as_written) VALUES ('delete', old.id, old.content_text, old.speaker, "
    "old.speaker_as_written); END",
    "CREATE TRIGGER attributions_fts_update AFTER UPDATE OF id, content_text, speaker, "
    "speaker_as_written ON attributions BEGIN "
    "INSERT INTO attributions_fts(attributions_fts, rowid, content_text, speaker, "
    "speaker_as_written) VALUES ('delete', old.id, old.content_text, old.speaker, "
    "old.speaker_as_written); "
    "INSERT INTO attributions_fts(rowid, content_text, speaker, speaker_as_written) "
    "VALUES (new.id, new.content_text, new.speaker, new.speaker_as_written); END",
    "CREATE VIRTUAL TABLE articles_fts USING fts5(text, title, content='articles', "
    f"content_rowid='id', {_V3_FTS5_TOKENIZE})",
    "CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN "
    "INSERT INTO articles_fts(rowid, text, title) VALUES (new.id, new.text, new.title); END",
    "CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, text, title) "
    "VALUES ('delete', old.id, old.text, old.title); END",
    "CREATE TRIGGER articles_fts_update AFTER UPDATE OF id, text, title ON articles BEGIN "
    "INSERT INTO articles_fts(articles_fts, rowid, text, title) "
    "VALUES ('delete', old.id, old.text, old.title); "
    "INSERT INTO articles_fts(rowid, text, title) VALUES (new.id, new.text, new.title); END",
    # Index the rows stored before this step (read from the tables, through the triggers'
    # column lists).
    "INSERT INTO attributions_fts(attributions_fts) VALUES ('rebuild')",
    "INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')",
)
_V3_POSTGRESQL = (
    # Adding a STORED generated column computes it for every existing row.
    "ALTER TABLE attributions ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, left(coalesce(content_text, ''), 500000)), "
    "'A') || setweight(to_tsvector('simple'::regconfig, left(coalesce(speaker, '') || ' ' "
    "|| coalesce(speaker_as_written, ''), 500000)), 'B')) STORED",
    "CREATE INDEX ix_attributions_search_vector ON attributions USING gin (search_vector)",
    "ALTER TABLE articles ADD COLUMN search_vector tsvector GENERATED ALWAYS AS ("
    "setweight(to_tsvector('simple'::regconfig, left(coalesce(title, ''), 500000)), 'A') "
    "|| setweight(to_tsvector('simple'::regconfig, left(text, 500000)), 'B')) STORED",
    "CREATE INDEX ix_articles_search_vector ON articles USING gin (search_vector)",
)


def _v3_full_text(connection: Connection) -> None:
    dialect = connection.dialect.name
    if dialect == "sqlite":
        statements = _V3_SQLITE
    elif dialect == "postgresql":
        statements = _V3_POSTGRESQL
    else:  # pragma: no cover - open_store accepts other URLs, but only these two are tested
        raise NotImplementedError(f"full-text search is not available on {dialect}")
    for statement in statements:
        connection.exec_driver_sql(statement)


# --- version 4: canonical speakers ----------------------------------------------------


def _v4_speakers(connection: Connection) -> None:
    add_column(connection, "attributions", Column("speaker_id", Text, nullable=True))
    metadata = MetaData()
    attributions = Table(
        "attributions",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("speaker_id", Text),
    )
    Index("ix_attributions_speaker_id", attributions.c.speaker_id).create(connection)
    Table(
        "speakers",
        metadata,
        Column("id", Text, primary_key=True),
        Column("name", Text, nullable=False),
        Column("kind", String(16), nullable=False),
        Column("aliases", _json(), nullable=False),
    ).create(connection)
    Table(
        "speaker_rules",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("action", String(16), nullable=False),
        Column("name", Text, nullable=False),
        Column("target", Text),
        Column("source", Text),
        Column("added_at", DateTime(timezone=True), nullable=False),
    ).create(connection)


# --- version 5: statement clusters -----------------------------------------------------


def _v5_statement_clusters(connection: Connection) -> None:
    add_column(connection, "attributions", Column("cluster_id", Text, nullable=True))
    add_column(connection, "attributions", Column("drift_label", String(16), nullable=True))
    add_column(connection, "attributions", Column("drift_reasons", _json(), nullable=True))
    metadata = MetaData()
    attributions = Table(
        "attributions",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("cluster_id", Text),
    )
    Index("ix_attributions_cluster_id", attributions.c.cluster_id).create(connection)
    clusters = Table(
        "statement_clusters",
        metadata,
        Column("id", Text, primary_key=True),
        Column("reference_attribution_id", Integer, nullable=False),
        Column("reference_reason", Text, nullable=False),
        Column("speaker_id", Text),
        Column("members", Integer, nullable=False),
        Column("outlets", Integer, nullable=False),
        Column("first_said", Text),
        Column("linked_at", DateTime(timezone=True), nullable=False),
    )
    clusters.create(connection)
    Index("ix_statement_clusters_speaker_id", clusters.c.speaker_id).create(connection)


#: Every schema step, oldest first. Append only; never edit a released step.
MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "articles, attributions, outlets, ingest runs and failures", _v1_core_tables),
    Migration(2, "near-duplicate links and MinHash signatures", _v2_near_duplicates),
    Migration(3, "full-text search indexes (SQLite FTS5, PostgreSQL tsvector)", _v3_full_text),
    Migration(4, "canonical speakers, alias rules and attributions.speaker_id", _v4_speakers),
    Migration(5, "statement clusters and drift labels", _v5_statement_clusters),
)
LATEST_VERSION = MIGRATIONS[-1].version


def current_version(connection: Connection) -> int:
    """The database's schema version: 0 for a database saidwhat has never written to."""
    if not inspect(connection).has_table(schema_version.name):
        return 0
    return connection.execute(select(func.max(schema_version.c.version))).scalar() or 0


def migrate(connection: Connection, target: int | None = None) -> list[int]:
    """Bring the database to ``target`` (default: the latest); return the versions applied.

    ``connection`` must be in a write transaction, which the caller commits: all steps
    then land together or not at all. Raises :class:`SchemaTooNewError` for a database
    newer than this code.
    """
    target = LATEST_VERSION if target is None else target
    if connection.dialect.name == "postgresql":
        # Serialises concurrent first opens; released when the transaction ends.
        connection.execute(select(func.pg_advisory_xact_lock(_PG_LOCK_KEY)))
    _version_metadata.create_all(connection, checkfirst=True)
    version = current_version(connection)
    if version > LATEST_VERSION:
        raise SchemaTooNewError(
            f"E101: the database is at schema version {version}, but this saidwhat knows "
            f"versions up to {LATEST_VERSION}; upgrade saidwhat to use it."
        )
    applied: list[int] = []
    for step in MIGRATIONS:
        if version < step.version <= target:
            step.apply(connection)
            connection.execute(
                schema_version.insert().values(
                    version=step.version,
                    description=step.description,
                    applied_at=datetime.now(UTC),
                )
            )
            applied.append(step.version)
    return applied
