"""The corpus schema as typed SQLAlchemy models: what a stored corpus looks like *now*.

This module owns the shape of the tables that every later layer reads (search, export, the
web app, cross-article speaker resolution). It does not create them: databases are built
and upgraded only by the ordered steps in :mod:`saidwhat.store.migrations`, and a test
checks that those steps produce exactly these models, so the two cannot drift apart.

Choices that later layers rely on:

* **One row per attribution, denormalised.** ``source_text``, ``cue_text`` and
  ``content_text`` repeat the words the spans point at, so full-text search (SQLite FTS5,
  PostgreSQL ``tsvector``) and CSV/JSONL/Parquet export read one table without
  re-slicing article texts. Spans stay authoritative: ``[[start, end], ...]`` JSON lists of
  character offsets into ``articles.text``, exactly the shape of ``saidwhat extract
  --jsonl``.
* **Articles are stored once.** ``text_hash`` (SHA-256 of the whitespace-collapsed,
  lower-cased text) and ``url`` are unique; ``key`` (the source's own id, e.g. the file
  name) is unique too, so it can name an article in URLs and exports.
* **Near-duplicates are kept, but linked.** Wire copy republished by several outlets is
  stored for each outlet (how each outlet framed it is the point of the tool), with
  ``near_duplicate_of`` pointing at the first copy stored; counting ``WHERE
  near_duplicate_of IS NULL`` counts each story once.
* **Provenance on every article:** source file, ingest time, extractor version and the
  ingest run, so results can be traced and re-extracted when the extractor improves.
* Times are stored in UTC; ``published`` stays the ISO date string the source gave
  (``2022-12-01``), because sources differ in precision and a date is not an instant.
* **Full-text indexes are part of the schema** (:data:`FULLTEXT_DDL`), though the models
  cannot express them: SQLite FTS5 tables kept in step by triggers, PostgreSQL ``tsvector``
  columns computed by the database. They are attached to :data:`Base.metadata`, so
  ``create_all`` builds them like the migrations do, and the same test compares them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

#: JSON columns: JSONB on PostgreSQL (indexable, compact), JSON text elsewhere.
JsonType = JSON().with_variant(JSONB(), "postgresql")

#: Lengths of the values saidwhat itself writes. Values that come from the input (ids,
#: dates, names) are TEXT: a long one must not make PostgreSQL refuse the article.
HASH_LENGTH = 64
KIND_LENGTH = 16
LABEL_LENGTH = 16
VERSION_LENGTH = 40
SCHEME_LENGTH = 64


class Base(DeclarativeBase):
    """Declarative base of the corpus tables."""


class Outlet(Base):
    """A publisher, by the name the sources give ("Peace News")."""

    __tablename__ = "outlets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text, unique=True)


class IngestRun(Base):
    """One ``saidwhat ingest`` invocation: what it was given and what came of it.

    ``finished_at`` stays NULL for a run that was killed; its articles are complete all
    the same (each is committed whole), and the next run picks up where it stopped.
    """

    __tablename__ = "ingest_runs"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    extractor_version: Mapped[str] = mapped_column(String(VERSION_LENGTH))
    inputs: Mapped[list[str]] = mapped_column(JsonType)
    ingested: Mapped[int] = mapped_column(Integer, default=0)
    duplicates: Mapped[int] = mapped_column(Integer, default=0)
    near_duplicates: Mapped[int] = mapped_column(Integer, default=0)
    failed: Mapped[int] = mapped_column(Integer, default=0)


class StoredArticle(Base):
    """One article, its text as read (offsets index it) and its provenance."""

    __tablename__ = "articles"
    __table_args__ = (
        Index("ix_articles_outlet_id", "outlet_id"),
        Index("ix_articles_published", "published"),
        Index("ix_articles_near_duplicate_of", "near_duplicate_of"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(Text, unique=True)
    url: Mapped[str | None] = mapped_column(Text, unique=True)
    text_hash: Mapped[str] = mapped_column(String(HASH_LENGTH), unique=True)
    title: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    published: Mapped[str | None] = mapped_column(Text)
    outlet_id: Mapped[int | None] = mapped_column(ForeignKey("outlets.id"))
    text: Mapped[str] = mapped_column(Text)
    word_count: Mapped[int] = mapped_column(Integer)
    source_path: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    extractor_version: Mapped[str] = mapped_column(String(VERSION_LENGTH))
    ingest_run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id"))
    near_duplicate_of: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL")
    )
    #: Estimated Jaccard similarity (word 5-shingles) to the closest stored copy.
    near_duplicate_similarity: Mapped[float | None] = mapped_column(Float)


class StoredAttribution(Base):
    """One attribution, with every field of :class:`saidwhat.model.Attribution`.

    ``position`` is the attribution's index in the extractor's output for its article; the
    unique ``(article_id, position)`` pair makes a doubly stored attribution impossible.
    """

    __tablename__ = "attributions"
    __table_args__ = (
        UniqueConstraint("article_id", "position", name="uq_attributions_article_position"),
        Index("ix_attributions_speaker", "speaker"),
        Index("ix_attributions_said_on", "said_on"),
        Index("ix_attributions_speaker_id", "speaker_id"),
        Index("ix_attributions_cluster_id", "cluster_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(KIND_LENGTH))
    #: The source's words in the article ("he", "the top US general").
    speaker_as_written: Mapped[str | None] = mapped_column(Text)
    #: Resolved inside the article ("Mark Milley"), else the words as written.
    speaker: Mapped[str | None] = mapped_column(Text)
    confidence: Mapped[float] = mapped_column(Float)
    source_spans: Mapped[list[list[int]]] = mapped_column(JsonType)
    cue_spans: Mapped[list[list[int]]] = mapped_column(JsonType)
    content_spans: Mapped[list[list[int]]] = mapped_column(JsonType)
    #: Where the speaker is named (the antecedent of "who" in "Trump, who said").
    speaker_spans: Mapped[list[list[int]]] = mapped_column(JsonType)
    #: The sentence(s) framing the statement, where its date was looked for.
    frame_spans: Mapped[list[list[int]]] = mapped_column(JsonType)
    #: The speaker's role or description in this article ("Defense Secretary").
    role: Mapped[str | None] = mapped_column(Text)
    #: True for unnamed sources ("a US official").
    anonymous: Mapped[bool] = mapped_column(Boolean)
    #: The intermediary that reported the statement ("The New York Times").
    via: Mapped[str | None] = mapped_column(Text)
    #: When it was said: an ISO date truncated to its precision ("2022-11-16", "2022-08").
    said_on: Mapped[str | None] = mapped_column(Text)
    said_on_precision: Mapped[str | None] = mapped_column(String(LABEL_LENGTH))
    #: How ``said_on`` was found: "explicit", "relative", "event" or "publication".
    said_on_basis: Mapped[str | None] = mapped_column(String(LABEL_LENGTH))
    #: The canonical speaker across the corpus (``speakers.id``), kept up to date by
    #: :func:`saidwhat.store.speakers.refresh_speakers`; NULL when the source names nobody.
    speaker_id: Mapped[str | None] = mapped_column(Text)
    #: The statement cluster (``statement_clusters.id``): the same utterance in every
    #: outlet that reported it. Set by ``saidwhat link``; NULL until it has run.
    cluster_id: Mapped[str | None] = mapped_column(Text)
    #: How this version's wording differs from its cluster's reference version
    #: (:data:`saidwhat.link.DRIFT_LABELS`: verbatim, trimmed, ..., meaning-changed).
    drift_label: Mapped[str | None] = mapped_column(String(LABEL_LENGTH))
    #: Why the meaning changed (negation, modal, number, name, speaker), a JSON list.
    drift_reasons: Mapped[list[str] | None] = mapped_column(JsonType)
    source_text: Mapped[str] = mapped_column(Text)
    cue_text: Mapped[str] = mapped_column(Text)
    content_text: Mapped[str] = mapped_column(Text)


class SpeakerRecord(Base):
    """One canonical speaker, as last resolved over the whole corpus.

    Derived data: rebuilt from the attributions' names and :class:`SpeakerRule` rows by
    :func:`saidwhat.store.speakers.refresh_speakers`, never edited by hand (edit the
    rules instead, so the correction survives the next rebuild).
    """

    __tablename__ = "speakers"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    #: "person", "organisation", "group" or "anonymous".
    kind: Mapped[str] = mapped_column(String(LABEL_LENGTH))
    #: Names as stored -> statements under that name.
    aliases: Mapped[dict[str, int]] = mapped_column(JsonType)


class StatementClusterRecord(Base):
    """One utterance as reported across articles, as last linked by ``saidwhat link``.

    Derived data, rebuilt on every link from the attributions' ``cluster_id``; the ids
    themselves persist in the attributions, so a new link run extends the clusters instead
    of starting again.
    """

    __tablename__ = "statement_clusters"

    id: Mapped[str] = mapped_column(Text, primary_key=True)
    #: The version the others are compared with (``attributions.id``).
    reference_attribution_id: Mapped[int] = mapped_column(Integer)
    #: How the reference was chosen ("earliest published", ...).
    reference_reason: Mapped[str] = mapped_column(Text)
    speaker_id: Mapped[str | None] = mapped_column(Text, index=True)
    members: Mapped[int] = mapped_column(Integer)
    outlets: Mapped[int] = mapped_column(Integer)
    first_said: Mapped[str | None] = mapped_column(Text)
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SpeakerRule(Base):
    """A user's correction from an alias file: merge, split or rename, in order added."""

    __tablename__ = "speaker_rules"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(LABEL_LENGTH))
    name: Mapped[str] = mapped_column(Text)
    target: Mapped[str | None] = mapped_column(Text)
    #: The alias file the rule came from, for the record.
    source: Mapped[str | None] = mapped_column(Text)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IngestFailure(Base):
    """An input that could not be stored, and why, as reported to the user."""

    __tablename__ = "ingest_failures"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    ingest_run_id: Mapped[int | None] = mapped_column(ForeignKey("ingest_runs.id"), index=True)
    path: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    problem: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class MinHashSignature(Base):
    """An article's MinHash signature, kept so the near-duplicate index can be rebuilt.

    ``scheme`` names everything the signature depends on (hash scheme, permutations,
    shingle size); rows with another scheme are recomputed from the text on load.
    """

    __tablename__ = "minhash_signatures"

    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    scheme: Mapped[str] = mapped_column(String(SCHEME_LENGTH))
    signature: Mapped[bytes] = mapped_column(LargeBinary)


# --- full-text search ------------------------------------------------------------------
#
# Neither database's full-text index can be declared on a SQLAlchemy model, so the objects
# are written here as DDL and attached to ``Base.metadata`` (``create_all`` runs them after
# the tables). Migration step 3 creates the same objects from its own frozen copy.

#: FTS5 tables on SQLite: "external content" tables, which index the rows of ``attributions``
#: and ``articles`` without storing a second copy of their text. Column 0 of each is the one
#: snippets are cut from. ``remove_diacritics 2`` makes "Zelenskiy" find "Zelénskiy".
ATTRIBUTIONS_FTS = "attributions_fts"
ATTRIBUTIONS_FTS_COLUMNS = ("content_text", "speaker", "speaker_as_written")
ARTICLES_FTS = "articles_fts"
ARTICLES_FTS_COLUMNS = ("text", "title")
FTS5_TOKENIZER = "unicode61 remove_diacritics 2"

#: PostgreSQL: a ``tsvector`` column computed by the database (``GENERATED ... STORED``, so no
#: trigger can be forgotten) with a GIN index, on both tables. The ``simple`` configuration
#: lower-cases and does not stem or drop stop words, so a query finds on PostgreSQL what it
#: finds in SQLite's FTS5 (prefix queries, ``negotiat*``, cover word forms on both).
SEARCH_VECTOR = "search_vector"
PG_TEXT_SEARCH_CONFIG = "simple"
#: Characters of one text PostgreSQL indexes: a ``tsvector`` is limited to 1 MB, which a
#: pathological 10 MB article of distinct words would exceed and so fail to store. Half a
#: million characters is about 80,000 words, far beyond any news article.
PG_INDEXED_CHARS = 500_000


def _fts5_ddl(fts: str, table: str, columns: tuple[str, ...]) -> list[str]:
    """An external-content FTS5 table over ``table`` and the triggers that keep it in step."""
    listed = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    delete = f"INSERT INTO {fts}({fts}, rowid, {listed}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {fts}(rowid, {listed}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE {fts} USING fts5({listed}, content='{table}', "
        f"content_rowid='id', tokenize='{FTS5_TOKENIZER}')",
        f"CREATE TRIGGER {fts}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER {fts}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER {fts}_update AFTER UPDATE OF id, {listed} ON {table} "
        f"BEGIN {delete} {insert} END",
    ]


def _tsvector_ddl(table: str, weighted: dict[str, str]) -> list[str]:
    """A generated ``tsvector`` column over ``table``'s text columns, and its GIN index.

    ``weighted`` maps each weight (A is the strongest in ``ts_rank``) to a text expression.
    """
    vector = " || ".join(
        f"setweight(to_tsvector('{PG_TEXT_SEARCH_CONFIG}'::regconfig, "
        f"left({expression}, {PG_INDEXED_CHARS})), '{weight}')"
        for weight, expression in weighted.items()
    )
    return [
        f"ALTER TABLE {table} ADD COLUMN {SEARCH_VECTOR} tsvector "
        f"GENERATED ALWAYS AS ({vector}) STORED",
        f"CREATE INDEX ix_{table}_{SEARCH_VECTOR} ON {table} USING gin ({SEARCH_VECTOR})",
    ]


#: The full-text objects of each dialect, in the order they are created.
FULLTEXT_DDL: dict[str, list[str]] = {
    "sqlite": [
        *_fts5_ddl(ATTRIBUTIONS_FTS, "attributions", ATTRIBUTIONS_FTS_COLUMNS),
        *_fts5_ddl(ARTICLES_FTS, "articles", ARTICLES_FTS_COLUMNS),
    ],
    "postgresql": [
        *_tsvector_ddl(
            "attributions",
            {
                "A": "coalesce(content_text, '')",
                "B": "coalesce(speaker, '') || ' ' || coalesce(speaker_as_written, '')",
            },
        ),
        *_tsvector_ddl("articles", {"A": "coalesce(title, '')", "B": "text"}),
    ],
}

for _dialect, _statements in FULLTEXT_DDL.items():
    for _statement in _statements:
        event.listen(Base.metadata, "after_create", DDL(_statement).execute_if(dialect=_dialect))
