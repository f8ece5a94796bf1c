"""Schema versions: new stores are current, old ones are upgraded in place, never half-way.

Run on SQLite and, when reachable, PostgreSQL (see ``conftest.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Column, Connection, Integer, MetaData, Table, inspect, select, text

from saidwhat.model import Article
from saidwhat.store import LATEST_VERSION, SchemaTooNewError, ingest_items, migrations, open_store
from saidwhat.store.migrations import MIGRATIONS, Migration, migrate, schema_version
from saidwhat.store.schema import Base, StoredArticle
from saidwhat.store.search import search


def _foreign_keys(connection: Connection, inspector: Any, table: str) -> list[tuple[Any, ...]]:
    """(columns, referred table, referred columns, ON DELETE) of each foreign key.

    On SQLite the ON DELETE action comes from ``PRAGMA foreign_key_list``: SQLAlchemy's
    reflection reads it from the table's SQL text and misses it on a column added by
    ``ALTER TABLE ... ADD COLUMN ... REFERENCES``, though SQLite enforces it all the same.
    """
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f'PRAGMA foreign_key_list("{table}")').all()
        return sorted(
            ((row[3],), row[2], (row[4],), None if row[6] == "NO ACTION" else row[6])
            for row in rows
        )
    return sorted(
        (
            tuple(fk["constrained_columns"]),
            fk["referred_table"],
            tuple(fk["referred_columns"]),
            (fk.get("options") or {}).get("ondelete"),
        )
        for fk in inspector.get_foreign_keys(table)
    )


#: The tables SQLite's FTS5 creates to hold one virtual table's index (its "shadow" tables).
_FTS5_SHADOW_SUFFIXES = ("_data", "_idx", "_docsize", "_config", "_content")


def _sqlite_fulltext(connection: Connection) -> list[tuple[str, str, str, str]]:
    """SQLite's virtual tables and triggers, with their SQL, whitespace collapsed.

    The inspector lists a virtual table and its shadow tables as plain tables, and does not
    list triggers at all; their SQL is what defines them, so the SQL is compared.
    """
    if connection.dialect.name != "sqlite":
        return []
    rows = connection.exec_driver_sql(
        "SELECT type, name, tbl_name, sql FROM sqlite_master "
        "WHERE type = 'trigger' OR sql LIKE 'CREATE VIRTUAL TABLE%'"
    ).all()
    return sorted((row[0], row[1], row[2], " ".join(row[3].split())) for row in rows)


def _structure(connection: Connection) -> dict[str, Any]:
    """Tables as the database reports them: columns (with generated columns' expressions),
    keys, constraints, indexes (with their access method), and full-text objects."""
    inspector = inspect(connection)
    dialect = connection.dialect
    fulltext = _sqlite_fulltext(connection)
    virtual = {name for kind, name, _, _ in fulltext if kind == "table"}
    hidden = {schema_version.name} | {
        f"{name}{suffix}" for name in virtual for suffix in ("", *_FTS5_SHADOW_SUFFIXES)
    }
    tables: dict[str, Any] = {}
    for name in sorted(inspector.get_table_names()):
        if name in hidden:
            continue
        columns = [
            (
                c["name"],
                str(c["type"].compile(dialect=dialect)),
                c["nullable"],
                (c.get("computed") or {}).get("sqltext"),
            )
            for c in inspector.get_columns(name)
        ]
        foreign_keys = _foreign_keys(connection, inspector, name)
        indexes = sorted(
            (
                index["name"],
                tuple(index["column_names"]),
                bool(index["unique"]),
                (index.get("dialect_options") or {}).get("postgresql_using"),
            )
            for index in inspector.get_indexes(name)
            # PostgreSQL lists the indexes behind unique constraints too; compared below.
            if not index.get("duplicates_constraint")
        )
        uniques = sorted(
            tuple(unique["column_names"]) for unique in inspector.get_unique_constraints(name)
        )
        tables[name] = {
            "columns": sorted(columns, key=str),
            "primary_key": inspector.get_pk_constraint(name)["constrained_columns"],
            "foreign_keys": foreign_keys,
            "indexes": indexes,
            "uniques": uniques,
        }
    return {"tables": tables, "fulltext": fulltext}


def _search_objects(structure: dict[str, Any], dialect: str) -> set[str]:
    """The names of the full-text objects found, whichever form they take on ``dialect``."""
    if dialect == "sqlite":
        return {name for _, name, _, _ in structure["fulltext"]}
    found: set[str] = set()
    for table, shape in structure["tables"].items():
        found |= {f"{table}.{name}" for name, type_, _, computed in shape["columns"] if computed}
        found |= {name for name, _, _, using in shape["indexes"] if using == "gin"}
    return found


#: What step 3 must create: the search layer queries these by name.
EXPECTED_SEARCH_OBJECTS = {
    "sqlite": {
        "attributions_fts",
        "attributions_fts_insert",
        "attributions_fts_delete",
        "attributions_fts_update",
        "articles_fts",
        "articles_fts_insert",
        "articles_fts_delete",
        "articles_fts_update",
    },
    "postgresql": {
        "attributions.search_vector",
        "ix_attributions_search_vector",
        "articles.search_vector",
        "ix_articles_search_vector",
    },
}


def test_a_new_store_is_at_the_latest_version(store_url: str) -> None:
    with open_store(store_url) as store:
        assert store.schema_version() == LATEST_VERSION
        with store.begin_read() as connection:
            versions = connection.execute(select(schema_version.c.version)).scalars().all()
    assert sorted(versions) == [step.version for step in MIGRATIONS]


def test_migrations_build_exactly_the_models(new_store_url: Callable[[], str]) -> None:
    migrated, modelled = new_store_url(), new_store_url()
    with open_store(migrated) as store, store.begin_read() as connection:
        from_migrations = _structure(connection)
    with open_store(modelled, upgrade=False) as store:
        with store.begin_write() as connection:
            Base.metadata.create_all(connection)
        with store.begin_read() as connection:
            from_models = _structure(connection)

        dialect = connection.dialect.name

    tables = from_migrations["tables"]
    assert set(tables) == {table.name for table in Base.metadata.sorted_tables}
    assert _search_objects(from_migrations, dialect) == EXPECTED_SEARCH_OBJECTS[dialect]
    assert from_migrations == from_models


def test_a_version_1_database_is_upgraded_in_place(store_url: str) -> None:
    text_v1 = (
        "The harbour minister said on Monday that the new container terminal would open "
        "next spring, three years later than first promised, and that the port authority "
        "had approved the revised plan after a long public consultation in the city.\n\n"
        "Critics said the cost had doubled since the first estimate was published in 2019, "
        "and the opposition leader told reporters that the contract should be put out to "
        "tender again. A spokeswoman for the builders said the delays were caused by "
        "flooding on the site and by shortages of steel, and that work was now on schedule. "
        "Residents near the docks have complained about night-time noise for months."
    )
    with open_store(store_url, upgrade=False) as store:
        with store.begin_write() as connection:
            assert migrate(connection, target=1) == [1]
        with store.begin_write() as connection:
            # Written the way version 1 wrote: no near-duplicate columns, no signatures.
            articles = Table("articles", MetaData(), autoload_with=connection)
            assert "near_duplicate_of" not in articles.c
            connection.execute(
                articles.insert().values(
                    key="old-article",
                    text_hash="0" * 64,
                    text=text_v1,
                    word_count=len(text_v1.split()),
                    ingested_at=datetime.now(UTC),
                    extractor_version="0.0.1",
                )
            )

    with open_store(store_url) as store:
        assert store.schema_version() == LATEST_VERSION
        with store.session() as session:
            old = session.scalars(select(StoredArticle)).one()
            assert (old.key, old.near_duplicate_of, old.extractor_version) == (
                "old-article",
                None,
                "0.0.1",
            )
        # The upgraded store is fully usable: a republished copy of the old article is
        # linked to it, which needs the old article's signature (computed on first use).
        copy = Article(id="copy", text=text_v1.replace("Monday", "Tuesday"))
        summary = ingest_items(store, [copy])
        assert (summary.ingested, summary.near_duplicates) == (1, 1)
        with store.session() as session:
            stored = session.scalars(select(StoredArticle).where(StoredArticle.key == "copy"))
            assert stored.one().near_duplicate_of == old.id


def test_a_database_from_a_newer_saidwhat_is_refused(store_url: str) -> None:
    with open_store(store_url) as store, store.begin_write() as connection:
        connection.execute(
            schema_version.insert().values(
                version=LATEST_VERSION + 1,
                description="from the future",
                applied_at=datetime.now(UTC),
            )
        )

    with pytest.raises(SchemaTooNewError, match="E101"):
        open_store(store_url)


def test_a_failing_step_leaves_the_database_at_its_old_version(
    store_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_step(connection: Connection) -> None:
        Table("half_done", MetaData(), Column("id", Integer, primary_key=True)).create(connection)
        connection.execute(text("SELECT no_such_column FROM articles"))

    steps = (*MIGRATIONS, Migration(LATEST_VERSION + 1, "broken", broken_step))
    monkeypatch.setattr(migrations, "MIGRATIONS", steps)
    monkeypatch.setattr(migrations, "LATEST_VERSION", LATEST_VERSION + 1)

    with open_store(store_url, upgrade=False) as store:
        with pytest.raises(Exception, match="no_such_column"), store.begin_write() as connection:
            migrate(connection)
        # Nothing of the failed run remains: not the earlier steps, not the broken one.
        with store.begin_read() as connection:
            assert migrations.current_version(connection) == 0
            assert not inspect(connection).has_table("half_done")
            assert not inspect(connection).has_table("articles")


def test_upgrading_to_version_3_indexes_what_is_already_stored(store_url: str) -> None:
    text_v2 = "“The ferries to Zanzibar will run again,” the transport minister said."
    with open_store(store_url, upgrade=False) as store:
        with store.begin_write() as connection:
            assert migrate(connection, target=2) == [1, 2]
        with store.begin_write() as connection:
            # Rows written the way version 2 wrote them: no full-text index to maintain.
            metadata = MetaData()
            articles = Table("articles", metadata, autoload_with=connection)
            attributions = Table("attributions", metadata, autoload_with=connection)
            article_id = connection.execute(
                articles.insert()
                .values(
                    key="ferries",
                    text_hash="1" * 64,
                    title="Island ferries",
                    text=text_v2,
                    word_count=len(text_v2.split()),
                    ingested_at=datetime.now(UTC),
                    extractor_version="0.0.2",
                )
                .returning(articles.c.id)
            ).scalar_one()
            connection.execute(
                attributions.insert().values(
                    article_id=article_id,
                    position=0,
                    kind="direct",
                    speaker="the transport minister",
                    speaker_as_written="the transport minister",
                    confidence=0.9,
                    source_spans=[[45, 67]],
                    cue_spans=[[68, 72]],
                    content_spans=[[0, 43]],
                    speaker_spans=[[45, 67]],
                    frame_spans=[[0, 73]],
                    anonymous=False,
                    source_text="the transport minister",
                    cue_text="said",
                    content_text=text_v2[:43],
                )
            )

    with open_store(store_url) as store:
        assert store.schema_version() == LATEST_VERSION >= 3
        [hit] = search(store, "zanzibar")
        assert (hit.article_key, hit.speaker) == ("ferries", "the transport minister")
        assert [h.article_key for h in search(store, "island", scope="articles")] == ["ferries"]
        # New rows are indexed as they come (the triggers or generated columns are in place).
        ingest_items(store, [Article(id="pemba", text="The mayor said Pemba would wait.")])
        assert [h.article_key for h in search(store, "pemba")] == ["pemba"]
