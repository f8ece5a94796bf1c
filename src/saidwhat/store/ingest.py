"""Ingestion: read articles, extract their attributions, and store both, once.

This module owns the rules for putting a corpus into the store:

* **Stored once.** An article whose normalised text (whitespace collapsed, lower-cased) or
  URL is already stored is a duplicate: it is not extracted again, only counted (and any
  metadata the stored copy lacks, such as the outlet given by a JSONL export of a ``.txt``
  file already stored, is filled in). Checking before extraction is what makes re-running
  an interrupted ingest cheap: finished articles cost a hash and an index lookup.
* **Near-duplicates linked, not double counted.** Wire copy republished by another outlet
  is stored (each outlet's framing matters) with ``near_duplicate_of`` pointing at the
  first copy (:mod:`saidwhat.store.neardup`).
* **Crash-safe.** Each article is written with its attributions and signature in one
  transaction, so a killed run leaves whole articles or nothing; the next run skips what
  is there and finishes the rest. Failures are written as they happen.
* **Bad input never stops the batch.** Unreadable files and articles the extractor crashes
  on are recorded in ``ingest_failures`` with the reason, and reading goes on.

Reading and extraction are shared with ``saidwhat extract`` (:mod:`saidwhat.batching`);
nothing here knows about terminals: the command line draws progress from the callback.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urldefrag

import numpy as np
from sqlalchemy import insert, or_, select, update
from sqlalchemy.exc import DataError, IntegrityError

import saidwhat
from saidwhat.batching import BATCH_SIZE, batches, extract_batch, renamed_id
from saidwhat.model import Article, Attribution, Span, span_text
from saidwhat.sources import ReadFailure, iter_articles
from saidwhat.store.database import Store
from saidwhat.store.neardup import SCHEME, NearDuplicateIndex
from saidwhat.store.schema import (
    IngestFailure,
    IngestRun,
    MinHashSignature,
    Outlet,
    StoredArticle,
    StoredAttribution,
)
from saidwhat.store.speakers import refresh_speakers

__all__ = [
    "STORED_ATTRIBUTION_FIELDS",
    "IngestSummary",
    "ProgressCallback",
    "canonical_url",
    "ingest",
    "ingest_items",
    "normalise_text",
    "text_hash",
]


def normalise_text(text: str) -> str:
    """The text as compared for exact duplicates: whitespace collapsed, lower-cased.

    Re-exports of one article differ in line endings, wrapping and trailing blanks, and
    sometimes in title-casing; none of that makes it another article.
    """
    return " ".join(text.split()).lower()


def text_hash(text: str) -> str:
    """SHA-256 (hex) of :func:`normalise_text`: the article's identity in the store."""
    return hashlib.sha256(normalise_text(text).encode("utf-8")).hexdigest()


def canonical_url(url: str | None) -> str | None:
    """The URL as compared for duplicates: trimmed, without a ``#fragment``; None if empty."""
    if url is None:
        return None
    url = urldefrag(url.strip())[0]
    return url or None


def _clean_name(name: str | None) -> str | None:
    """An outlet name with its whitespace tidied; None if nothing is left."""
    if name is None:
        return None
    return " ".join(name.split()) or None


@dataclass(slots=True)
class IngestSummary:
    """What one ingest did. ``ingested`` counts every article stored, near-duplicates
    included; ``near_duplicates`` says how many of those were linked to an earlier copy."""

    run_id: int
    ingested: int = 0
    duplicates: int = 0
    near_duplicates: int = 0
    attributions: int = 0
    words: int = 0
    failures: list[ReadFailure] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def failed(self) -> int:
        """Inputs (files, JSONL lines or articles) that could not be stored."""
        return len(self.failures)

    @property
    def processed(self) -> int:
        """Everything dealt with so far: stored, skipped as duplicate, or failed."""
        return self.ingested + self.duplicates + self.failed


#: Called after each article or failure, with the running summary and the failure if any.
ProgressCallback = Callable[[IngestSummary, ReadFailure | None], None]

#: The per-article statements, built once: Core statements on the tables, with values
#: passed at execution, skip the ORM's per-call coercion and reuse one compiled form.
_INSERT_ARTICLE = StoredArticle.__table__.insert().returning(StoredArticle.__table__.c.id)
_INSERT_ATTRIBUTION = StoredAttribution.__table__.insert()
_INSERT_SIGNATURE = MinHashSignature.__table__.insert()

#: Article metadata that a duplicate may supply when the stored copy lacks it.
_FILLABLE = ("title", "author", "published")


@dataclass(slots=True)
class _Pending:
    """An article admitted for extraction, with what was computed to admit it."""

    article: Article
    key: str
    text_hash: str
    url: str | None
    signature: np.ndarray


class _Ingester:
    """One ingest run's state: the store, the near-duplicate index and the summary."""

    def __init__(
        self,
        store: Store,
        inputs: list[str],
        batch_size: int,
        progress: ProgressCallback | None,
    ) -> None:
        self.store = store
        self.batch_size = batch_size
        self.progress = progress
        self.index = NearDuplicateIndex()
        self.outlet_ids: dict[str, int] = {}
        self.version = saidwhat.__version__
        self.summary = IngestSummary(run_id=self._start_run(inputs))

    # --- the run ---------------------------------------------------------------------

    def run(self, items: Iterable[Article | ReadFailure]) -> IngestSummary:
        started = time.perf_counter()
        # A write transaction: signatures of an older scheme are rewritten while loading.
        with self.store.begin_write() as connection:
            self.index.load(connection)
        for batch in batches(self._readable(items), self.batch_size):
            pending = self._admit(batch)
            by_object = {id(entry.article): entry for entry in pending}
            for article, result in extract_batch([entry.article for entry in pending]):
                entry = by_object[id(article)]
                if isinstance(result, Exception):
                    problem = (
                        f"article {entry.key}: extraction failed "
                        f"({type(result).__name__}: {result})"
                    )
                    self._fail(ReadFailure(article.source_path or entry.key, problem))
                else:
                    self._store(entry, result)
        self._finish_run()
        # Corpus-level: the new names can change who older mentions resolve to.
        refresh_speakers(self.store)
        self.summary.seconds = time.perf_counter() - started
        return self.summary

    def _readable(self, items: Iterable[Article | ReadFailure]) -> Iterator[Article]:
        """The articles, with each read failure recorded the moment it is met."""
        for item in items:
            if isinstance(item, ReadFailure):
                self._fail(item)
            else:
                yield item

    def _report(self, failure: ReadFailure | None = None) -> None:
        if self.progress is not None:
            self.progress(self.summary, failure)

    # --- duplicates ------------------------------------------------------------------

    def _admit(self, batch: list[Article]) -> list[_Pending]:
        """The batch's articles that are new, in order; duplicates are counted and merged.

        One query finds the batch's articles already stored (by hash or URL) and the ids
        already used; duplicates inside the batch are merged into their first copy.
        """
        hashes = [text_hash(article.text) for article in batch]
        urls = [canonical_url(article.url) for article in batch]
        with self.store.begin_read() as connection:
            found = connection.execute(
                select(
                    StoredArticle.id,
                    StoredArticle.text_hash,
                    StoredArticle.url,
                    StoredArticle.outlet_id,
                    StoredArticle.title,
                    StoredArticle.author,
                    StoredArticle.published,
                ).where(
                    or_(
                        StoredArticle.text_hash.in_(set(hashes)),
                        StoredArticle.url.in_({url for url in urls if url}),
                    )
                )
            ).all()
            taken = set(
                connection.execute(
                    select(StoredArticle.key).where(
                        StoredArticle.key.in_({article.id for article in batch})
                    )
                ).scalars()
            )
        stored = [row._asdict() for row in found]
        stored_by_hash = {row["text_hash"]: row for row in stored}
        stored_by_url = {row["url"]: row for row in stored if row["url"]}
        pending: list[_Pending] = []
        pending_by_hash: dict[str, _Pending] = {}
        pending_by_url: dict[str, _Pending] = {}
        batch_keys: set[str] = set()

        for article, digest, url in zip(batch, hashes, urls, strict=True):
            row = stored_by_hash.get(digest) or (stored_by_url.get(url) if url else None)
            if row is not None:
                self._fill_stored(row, article, url, stored_by_url)
                self.summary.duplicates += 1
                self._report()
                continue
            earlier = pending_by_hash.get(digest) or (pending_by_url.get(url) if url else None)
            if earlier is not None:
                self._fill_pending(earlier, article, url, pending_by_url, stored_by_url)
                self.summary.duplicates += 1
                self._report()
                continue
            key = article.id
            if key in taken or key in batch_keys:
                key = renamed_id(
                    key,
                    article.source_path,
                    lambda candidate: candidate in batch_keys or self._key_stored(candidate),
                )
            batch_keys.add(key)
            entry = _Pending(article, key, digest, url, self.index.signature(article.text))
            pending.append(entry)
            pending_by_hash[digest] = entry
            if url:
                pending_by_url[url] = entry
        return pending

    def _key_stored(self, key: str) -> bool:
        with self.store.begin_read() as connection:
            query = select(StoredArticle.id).where(StoredArticle.key == key)
            return connection.execute(query).first() is not None

    def _fill_stored(
        self,
        row: dict[str, Any],
        article: Article,
        url: str | None,
        stored_by_url: dict[str, dict[str, Any]],
    ) -> None:
        """Give a stored article the metadata a duplicate has and it lacks."""
        values: dict[str, Any] = {
            name: getattr(article, name)
            for name in _FILLABLE
            if row[name] is None and getattr(article, name)
        }
        outlet = _clean_name(article.outlet)
        if row["outlet_id"] is None and outlet:
            values["outlet_id"] = self._outlet_id(outlet)
        if row["url"] is None and url and url not in stored_by_url:
            values["url"] = url
        if not values:
            return
        try:
            with self.store.begin_write() as connection:
                connection.execute(
                    update(StoredArticle).where(StoredArticle.id == row["id"]).values(**values)
                )
        except (IntegrityError, DataError):  # URL stored meanwhile; a value PostgreSQL refuses
            return
        row.update(values)
        if values.get("url"):
            stored_by_url[values["url"]] = row

    @staticmethod
    def _fill_pending(
        earlier: _Pending,
        article: Article,
        url: str | None,
        pending_by_url: dict[str, _Pending],
        stored_by_url: dict[str, dict[str, Any]],
    ) -> None:
        """Give an article waiting in this batch the metadata its duplicate has."""
        for name in (*_FILLABLE, "outlet"):
            if getattr(earlier.article, name) is None and getattr(article, name):
                setattr(earlier.article, name, getattr(article, name))
        if earlier.url is None and url and url not in pending_by_url and url not in stored_by_url:
            earlier.url = url
            pending_by_url[url] = earlier

    # --- writing ---------------------------------------------------------------------

    def _outlet_id(self, name: str) -> int:
        """The outlet's id, creating the row (in its own transaction) the first time."""
        cached = self.outlet_ids.get(name)
        if cached is not None:
            return cached
        query = select(Outlet.id).where(Outlet.name == name)
        try:
            with self.store.begin_write() as connection:
                outlet_id = connection.execute(query).scalar()
                if outlet_id is None:
                    outlet_id = connection.execute(
                        insert(Outlet).values(name=name).returning(Outlet.id)
                    ).scalar_one()
        except IntegrityError:  # another process created it since our SELECT
            with self.store.begin_read() as connection:
                outlet_id = connection.execute(query).scalar_one()
        self.outlet_ids[name] = outlet_id
        return outlet_id

    def _store(self, entry: _Pending, attributions: list[Attribution]) -> None:
        """Write one article, its attributions and its signature in one transaction."""
        article = entry.article
        outlet = _clean_name(article.outlet)
        outlet_id = self._outlet_id(outlet) if outlet else None
        try:
            with self.store.begin_write() as connection:
                match = self.index.best_match(connection, entry.signature)
                article_id = connection.execute(
                    _INSERT_ARTICLE,
                    {
                        "key": entry.key,
                        "url": entry.url,
                        "text_hash": entry.text_hash,
                        "title": article.title,
                        "author": article.author,
                        "published": article.published,
                        "outlet_id": outlet_id,
                        "text": article.text,
                        "word_count": len(article.text.split()),
                        "source_path": article.source_path,
                        "ingested_at": datetime.now(UTC),
                        "extractor_version": self.version,
                        "ingest_run_id": self.summary.run_id,
                        "near_duplicate_of": match.article_id if match else None,
                        "near_duplicate_similarity": match.similarity if match else None,
                    },
                ).scalar_one()
                if attributions:
                    connection.execute(
                        _INSERT_ATTRIBUTION,
                        _attribution_rows(article_id, article.text, attributions),
                    )
                connection.execute(
                    _INSERT_SIGNATURE,
                    {
                        "article_id": article_id,
                        "scheme": SCHEME,
                        "signature": self.index.to_bytes(entry.signature),
                    },
                )
        except (IntegrityError, DataError) as exc:
            # Another process stored the same article between our check and our write, or
            # the database refuses a value (PostgreSQL: a NUL character in the text).
            if isinstance(exc, IntegrityError) and self._already_stored(entry):
                self.summary.duplicates += 1
                self._report()
                return
            problem = f"article {entry.key}: could not be stored ({_first_line(exc)})"
            self._fail(ReadFailure(article.source_path or entry.key, problem))
            return
        self.index.add(article_id, entry.signature)
        self.summary.ingested += 1
        self.summary.near_duplicates += match is not None
        self.summary.attributions += len(attributions)
        self.summary.words += len(article.text.split())
        self._report()

    def _already_stored(self, entry: _Pending) -> bool:
        condition = StoredArticle.text_hash == entry.text_hash
        if entry.url:
            condition = or_(condition, StoredArticle.url == entry.url)
        with self.store.begin_read() as connection:
            return connection.execute(select(StoredArticle.id).where(condition)).first() is not None

    def _fail(self, failure: ReadFailure) -> None:
        """Record a failure at once, so it survives a crash later in the run."""
        with self.store.begin_write() as connection:
            connection.execute(
                insert(IngestFailure).values(
                    ingest_run_id=self.summary.run_id,
                    path=failure.path,
                    line=failure.line,
                    problem=failure.problem,
                    at=datetime.now(UTC),
                )
            )
        self.summary.failures.append(failure)
        self._report(failure)

    def _start_run(self, inputs: list[str]) -> int:
        with self.store.begin_write() as connection:
            return connection.execute(
                insert(IngestRun)
                .values(
                    started_at=datetime.now(UTC),
                    extractor_version=self.version,
                    inputs=inputs,
                    ingested=0,
                    duplicates=0,
                    near_duplicates=0,
                    failed=0,
                )
                .returning(IngestRun.id)
            ).scalar_one()

    def _finish_run(self) -> None:
        summary = self.summary
        with self.store.begin_write() as connection:
            connection.execute(
                update(IngestRun)
                .where(IngestRun.id == summary.run_id)
                .values(
                    finished_at=datetime.now(UTC),
                    ingested=summary.ingested,
                    duplicates=summary.duplicates,
                    near_duplicates=summary.near_duplicates,
                    failed=summary.failed,
                )
            )


#: Every field of :class:`~saidwhat.model.Attribution` and the column(s) that keep it; a
#: test fails when the model gains a field that is not stored.
STORED_ATTRIBUTION_FIELDS: dict[str, tuple[str, ...]] = {
    "source": ("source_spans", "source_text"),
    "cue": ("cue_spans", "cue_text"),
    "content": ("content_spans", "content_text"),
    "kind": ("kind",),
    "speaker": ("speaker_as_written",),
    "resolved_speaker": ("speaker",),
    "confidence": ("confidence",),
    "speaker_span": ("speaker_spans",),
    "frame": ("frame_spans",),
    "role": ("role",),
    "anonymous": ("anonymous",),
    "via": ("via",),
    "said_on": ("said_on",),
    "said_on_precision": ("said_on_precision",),
    "said_on_basis": ("said_on_basis",),
    "speaker_id": ("speaker_id",),
}


def _spans(span: Span) -> list[list[int]]:
    return [[start, end] for start, end in span]


def _attribution_rows(
    article_id: int, text: str, attributions: list[Attribution]
) -> list[dict[str, Any]]:
    """One row per attribution, with the spans' words repeated for search and export."""
    return [
        {
            "article_id": article_id,
            "position": position,
            "kind": attribution.kind,
            "speaker_as_written": attribution.speaker,
            # As in the JSONL output: the resolved speaker, else the words as written.
            "speaker": attribution.resolved_speaker or attribution.speaker,
            "confidence": float(attribution.confidence),
            "source_spans": _spans(attribution.source),
            "cue_spans": _spans(attribution.cue),
            "content_spans": _spans(attribution.content),
            "speaker_spans": _spans(attribution.speaker_span),
            "frame_spans": _spans(attribution.frame),
            "role": attribution.role,
            "anonymous": bool(attribution.anonymous),
            "via": attribution.via,
            "said_on": attribution.said_on,
            "said_on_precision": attribution.said_on_precision,
            "said_on_basis": attribution.said_on_basis,
            "speaker_id": attribution.speaker_id,
            "source_text": span_text(text, attribution.source),
            "cue_text": span_text(text, attribution.cue),
            "content_text": span_text(text, attribution.content),
        }
        for position, attribution in enumerate(attributions)
    ]


def _first_line(exc: BaseException) -> str:
    message = str(getattr(exc, "orig", None) or exc).strip()
    return message.splitlines()[0] if message else type(exc).__name__


def ingest_items(
    store: Store,
    items: Iterable[Article | ReadFailure],
    *,
    inputs: Iterable[str] = (),
    batch_size: int = BATCH_SIZE,
    progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Store articles (and record failures) from any stream, e.g. a custom reader.

    ``inputs`` is what the run was given, kept in ``ingest_runs`` for provenance.
    """
    ingester = _Ingester(store, [str(item) for item in inputs], batch_size, progress)
    return ingester.run(items)


def ingest(
    store: Store,
    paths: str | Path | Iterable[str | Path],
    *,
    batch_size: int = BATCH_SIZE,
    progress: ProgressCallback | None = None,
) -> IngestSummary:
    """Read every article under ``paths`` (files or folders) into ``store``.

    Safe to run again on the same paths, or after a crash: stored articles are skipped.
    """
    given = [paths] if isinstance(paths, str | Path) else list(paths)
    return ingest_items(
        store,
        iter_articles(given),
        inputs=[str(path) for path in given],
        batch_size=batch_size,
        progress=progress,
    )
