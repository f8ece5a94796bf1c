"""The corpus store: articles, attributions and their provenance in SQLite or PostgreSQL.

This package owns everything persistent. One module per concern:

* :mod:`~saidwhat.store.schema` - the tables, as typed SQLAlchemy models;
* :mod:`~saidwhat.store.migrations` - versioned steps that create and upgrade them;
* :mod:`~saidwhat.store.database` - opening a store from a URL, connection settings;
* :mod:`~saidwhat.store.neardup` - MinHash LSH detection of republished wire copy;
* :mod:`~saidwhat.store.ingest` - the ingestion loop: read, dedupe, extract, write;
* :mod:`~saidwhat.store.search` - full-text search (FTS5 / ``tsvector``), its query language;
* :mod:`~saidwhat.store.export` - one row per attribution as CSV, JSON lines or Parquet.

Layers above (the command line, the web app) read the store through these models and never
write SQL by hand outside this package.
"""

from __future__ import annotations

from saidwhat.store.database import DEFAULT_URL, Store, StoreError, open_store, resolve_url
from saidwhat.store.ingest import IngestSummary, ingest, ingest_items
from saidwhat.store.migrations import LATEST_VERSION, SchemaTooNewError

__all__ = [
    "DEFAULT_URL",
    "LATEST_VERSION",
    "IngestSummary",
    "SchemaTooNewError",
    "Store",
    "StoreError",
    "ingest",
    "ingest_items",
    "open_store",
    "resolve_url",
]
