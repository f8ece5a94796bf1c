"""Opening a corpus store: from a URL to a ready, up-to-date database.

This module owns connection settings and transaction semantics for both supported
databases, so that nothing above it needs to know which one it is talking to:

* **SQLite** (the default, ``./saidwhat.db``, zero set-up): WAL journal, so readers (the
  web app, an export) never block the writer and a killed writer loses only its open
  transaction; ``synchronous=NORMAL``, which is durable against process crashes in WAL
  mode and much faster than ``FULL``; foreign keys on (SQLite leaves them off); a busy
  timeout so a second process waits for the lock instead of failing at once. Write
  transactions start with ``BEGIN IMMEDIATE``: taking the write lock up front means a
  writer never has to upgrade a read lock, which SQLite cannot wait for (it would fail
  with "database is locked" whatever the timeout).
* **PostgreSQL** via psycopg 3: ``postgresql://`` URLs are accepted as they are usually
  written and mapped to SQLAlchemy's ``postgresql+psycopg://``.

:func:`open_store` also brings the schema up to date (:mod:`saidwhat.store.migrations`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, make_url
from sqlalchemy.orm import Session

from saidwhat.store.migrations import LATEST_VERSION, current_version, migrate

__all__ = ["DEFAULT_URL", "ENV_VAR", "Store", "StoreError", "open_store", "resolve_url"]

#: The store used when no ``--db`` is given: a file in the current directory.
DEFAULT_URL = "sqlite:///saidwhat.db"
#: Environment variable naming the store, so a team can point every command at one server.
ENV_VAR = "SAIDWHAT_DB"
#: Seconds a SQLite connection waits for another process's write lock before failing.
SQLITE_BUSY_TIMEOUT_S = 30
#: Execution option that marks a connection's transactions as writes (see module doc).
_WRITE_OPTION = "saidwhat_write"


class StoreError(RuntimeError):
    """The store cannot be opened; the message says why and what to do."""


def resolve_url(url: str | os.PathLike[str] | None = None) -> str:
    """The SQLAlchemy URL for what a user typed.

    ``None`` means ``$SAIDWHAT_DB`` or else :data:`DEFAULT_URL`; a plain path
    (``corpus.db``) means a SQLite file; ``postgresql://`` and ``postgres://`` get the
    psycopg driver.
    """
    if url is None:
        url = os.environ.get(ENV_VAR) or DEFAULT_URL
    url = os.fspath(url)
    if "://" not in url:
        return f"sqlite:///{url}"
    scheme, rest = url.split("://", 1)
    if scheme in ("postgresql", "postgres"):
        return f"postgresql+psycopg://{rest}"
    return url


def _configure_sqlite(engine: Engine, in_memory: bool) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy's "begin" event issue BEGIN (below) instead of the sqlite3
        # module, which would not wrap DDL in the transaction (migrations need that).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_S * 1000}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        write = connection.get_execution_options().get(_WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _create_engine(url: str) -> Engine:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database or ""
        in_memory = database in ("", ":memory:") or database.startswith("file::memory:")
        if not in_memory:
            folder = Path(database).expanduser().resolve().parent
            if not folder.is_dir():
                raise StoreError(f"E102: cannot create the database {database}: no folder {folder}")
        engine = create_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S})
        _configure_sqlite(engine, in_memory)
        return engine
    return create_engine(url, pool_pre_ping=True)


@dataclass(slots=True)
class Store:
    """An open corpus database. Use as a context manager, or call :meth:`close`."""

    engine: Engine

    @property
    def dialect(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self.engine.dialect.name

    @property
    def display_url(self) -> str:
        """The URL with any password hidden, for messages."""
        return self.engine.url.render_as_string(hide_password=True)

    @contextmanager
    def begin_write(self) -> Iterator[Connection]:
        """A connection in a write transaction, committed on success, rolled back on error."""
        with (
            self.engine.connect().execution_options(**{_WRITE_OPTION: True}) as connection,
            connection.begin(),
        ):
            yield connection

    @contextmanager
    def begin_read(self) -> Iterator[Connection]:
        """A connection in a read transaction (one consistent snapshot)."""
        with self.engine.connect() as connection, connection.begin():
            yield connection

    def session(self) -> Session:
        """An ORM session over the typed models of :mod:`saidwhat.store.schema`."""
        return Session(self.engine)

    def schema_version(self) -> int:
        """The database's schema version (see :mod:`saidwhat.store.migrations`)."""
        with self.begin_read() as connection:
            return current_version(connection)

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()


def open_store(
    url: str | os.PathLike[str] | None = None, *, upgrade: bool = True, create: bool = True
) -> Store:
    """Open (creating if need be) the store at ``url`` and bring its schema up to date.

    ``upgrade=False`` opens it as it is (tests use this to build old-version databases).
    ``create=False`` is for commands that only read a corpus (search, export): a mistyped
    path must be reported, not answered with an empty store left behind in its place.
    Raises :class:`StoreError` when the database cannot be reached or, with
    ``create=False``, holds no store; :class:`~saidwhat.store.migrations.SchemaTooNewError`
    when it is newer than this code.
    """
    from sqlalchemy.exc import SQLAlchemyError

    resolved = resolve_url(url)
    if not create:
        _require_sqlite_file(resolved)
    try:
        store = Store(_create_engine(resolved))
    except SQLAlchemyError as exc:  # a malformed URL or a missing driver
        raise StoreError(f"E103: cannot open the database {resolved}: {exc}") from exc
    if not upgrade:
        return store
    try:
        # Check first in a read transaction, so that opening an up-to-date store never
        # waits for another process's write lock.
        version = store.schema_version()
        if not create and version == 0:
            raise StoreError(
                f"E105: no saidwhat corpus in the database {store.display_url}: "
                "store articles in it with `saidwhat ingest PATH --db URL` first"
            )
        if version != LATEST_VERSION:
            with store.begin_write() as connection:
                migrate(connection)
    except SQLAlchemyError as exc:
        store.close()
        raise StoreError(
            f"E104: cannot open the database {store.display_url}: {_first_line(exc)}"
        ) from exc
    except BaseException:
        store.close()
        raise
    return store


def _require_sqlite_file(url: str) -> None:
    """Raise :class:`StoreError` (E105) when ``url`` names a SQLite file that does not exist."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return
    database = parsed.database or ""
    if database in ("", ":memory:") or database.startswith("file:"):
        return
    if not Path(database).expanduser().is_file():
        raise StoreError(
            f"E105: no database file {database}: store articles in it with "
            f"`saidwhat ingest PATH --db {database}` first, or give --db the right path"
        )


def _first_line(exc: BaseException) -> str:
    """The driver's own message, without SQLAlchemy's multi-line background link."""
    message = str(getattr(exc, "orig", None) or exc)
    return message.strip().splitlines()[0] if message.strip() else type(exc).__name__
