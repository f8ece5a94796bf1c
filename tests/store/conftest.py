"""Store fixtures: every store test runs on SQLite, and on PostgreSQL when one is reachable.

PostgreSQL is found through ``SAIDWHAT_TEST_POSTGRES_URL`` (``.ci/run`` installs a server
and sets it). Unset, the PostgreSQL cases skip with that reason; set but unreachable, they
fail, because someone asked for them. Each PostgreSQL test gets a schema of its own,
selected through the connection's ``search_path`` and dropped afterwards, so tests never
see each other's tables and need no clean-up between runs.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

POSTGRES_ENV = "SAIDWHAT_TEST_POSTGRES_URL"
SKIP_REASON = "PostgreSQL not reachable: set SAIDWHAT_TEST_POSTGRES_URL"


def _postgres_base_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if not url:
        pytest.skip(SKIP_REASON)
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@contextmanager
def _postgres_schemas() -> Iterator[Callable[[], str]]:
    """A factory of URLs, each to a fresh PostgreSQL schema dropped on exit."""
    base = _postgres_base_url()
    admin = create_engine(base)
    try:
        with admin.connect():
            pass
    except Exception as exc:  # the variable is set: an unreachable server is a failure
        admin.dispose()
        pytest.fail(f"{POSTGRES_ENV} is set but PostgreSQL is not reachable: {exc}")
    schemas: list[str] = []

    def new_schema() -> str:
        schema = f"saidwhat_test_{uuid.uuid4().hex[:12]}"
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        schemas.append(schema)
        url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
        return url.render_as_string(hide_password=False)

    try:
        yield new_schema
    finally:
        with admin.begin() as connection:
            for schema in schemas:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def postgres_schema_url() -> Iterator[Callable[[], str]]:
    """A factory of URLs, each to a fresh PostgreSQL schema dropped after the test."""
    with _postgres_schemas() as new_schema:
        yield new_schema


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_store_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Callable[[], str]]:
    """Like ``new_store_url``, but shared by a module's tests: for stores that are costly to
    fill (extraction) and that the tests only read."""
    if request.param == "sqlite":
        folder = tmp_path_factory.mktemp("stores")
        counter = iter(range(1_000_000))
        yield lambda: f"sqlite:///{folder / f'corpus{next(counter)}.db'}"
        return
    with _postgres_schemas() as new_schema:
        yield new_schema


@pytest.fixture(params=["sqlite", "postgresql"])
def new_store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Callable[[], str]:
    """A factory of URLs to new, empty databases of the parametrised kind."""
    if request.param == "sqlite":
        counter = iter(range(1_000_000))
        return lambda: f"sqlite:///{tmp_path / f'corpus{next(counter)}.db'}"
    return request.getfixturevalue("postgres_schema_url")


@pytest.fixture
def store_url(new_store_url: Callable[[], str]) -> str:
    """The URL of one new, empty database (SQLite file or PostgreSQL schema)."""
    return new_store_url()


EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "examples"


@pytest.fixture(scope="module")
def examples_url(module_store_url: Callable[[], str]) -> str:
    """A store holding the two example articles (ingested once per database and module)."""
    from saidwhat.store import ingest, open_store

    if not (EXAMPLES / "articles.jsonl").is_file():
        pytest.skip("shared example articles not present")
    url = module_store_url()
    with open_store(url) as store:
        summary = ingest(store, [EXAMPLES / "articles.jsonl"])
    assert (summary.ingested, summary.failed) == (2, 0)
    return url


@pytest.fixture
def examples(examples_url: str) -> Iterator[object]:
    """An open store on the example articles."""
    from saidwhat.store import open_store

    with open_store(examples_url) as store:
        yield store
