"""Statement clusters in the store: linking the same utterance across stored articles.

:mod:`saidwhat.link` decides what is the same utterance; this module feeds it the store's
attributions and keeps its answer: ``attributions.cluster_id`` and ``drift_label`` /
``drift_reasons`` per version, and one ``statement_clusters`` row per utterance.

Incremental by design: every attribution already linked is handed to the linker *with*
its cluster id, so it joins that cluster without being compared again, and only the
attributions stored since the last run are linked against them. A run after a small
ingest therefore compares the new statements only. ``rebuild=True`` forgets the stored
ids and links everything afresh (after an extractor or linker upgrade).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update

from saidwhat.link import Statement, StatementCluster, StatementLinker
from saidwhat.store.database import Store
from saidwhat.store.schema import (
    Outlet,
    SpeakerRecord,
    StatementClusterRecord,
    StoredArticle,
    StoredAttribution,
)
from saidwhat.store.speakers import statement_rows

#: Attributions read from the database at a time while loading statements.
_READ_BATCH = 20_000


@dataclass(slots=True)
class LinkSummary:
    """What a ``saidwhat link`` run did."""

    statements: int = 0
    new_statements: int = 0
    clusters: int = 0
    reported_more_than_once: int = 0
    across_outlets: int = 0
    seconds: float = 0.0
    labels: dict[str, int] = field(default_factory=dict)


#: What a run found stored for a statement: cluster id, drift label, drift reasons.
_Stored = tuple[str | None, str | None, list[str] | None]


def _statements(store: Store, rebuild: bool) -> Iterator[tuple[Statement, _Stored]]:
    """Every attribution as a statement, with what is stored for it (None: not linked)."""
    attributions, articles = StoredAttribution.__table__, StoredArticle.__table__
    outlets = Outlet.__table__
    query = (
        select(
            attributions.c.id,
            attributions.c.content_text,
            attributions.c.speaker_id,
            attributions.c.speaker,
            attributions.c.said_on,
            attributions.c.said_on_basis,
            attributions.c.said_on_precision,
            attributions.c.kind,
            attributions.c.cluster_id,
            attributions.c.drift_label,
            attributions.c.drift_reasons,
            articles.c.key,
            articles.c.published,
            outlets.c.name.label("outlet"),
        )
        .select_from(statement_rows())
        .order_by(attributions.c.id)
    )
    with store.begin_read() as connection:
        result = connection.execution_options(yield_per=_READ_BATCH).execute(query)
        for row in result:
            statement = Statement(
                id=str(row.id),
                text=row.content_text,
                article_id=row.key,
                speaker_id=row.speaker_id,
                speaker=row.speaker,
                outlet=row.outlet,
                published=row.published,
                said_on=row.said_on,
                said_on_basis=row.said_on_basis,
                said_on_precision=row.said_on_precision,
                kind=row.kind,
            )
            stored = (row.cluster_id, row.drift_label, row.drift_reasons)
            yield statement, (None, None, None) if rebuild else stored


def link_store(
    store: Store, *, rebuild: bool = False, linker: StatementLinker | None = None
) -> LinkSummary:
    """Link every stored attribution into statement clusters and write the result."""
    import time

    started = time.perf_counter()
    linker = linker or StatementLinker()
    statements: list[Statement] = []
    seeds: dict[str, str] = {}
    stored: dict[str, _Stored] = {}
    for statement, found in _statements(store, rebuild):
        statements.append(statement)
        if found[0] is not None:
            seeds[statement.id] = found[0]
            stored[statement.id] = found
    linker.add(statements, cluster_ids=seeds)
    fresh = [s.id for s in statements if s.id not in seeds]
    # Only clusters that new statements joined (or that absorbed others) can change; the
    # rest keep their stored rows, which is what makes a run after a small ingest quick.
    replaced: set[str] | None = None
    if seeds:
        touched = {linker.cluster_of(i) or i for i in fresh} | set(linker.merged.values())
        replaced = touched | set(linker.merged)
    clusters = linker.clusters(only=replaced)
    summary = LinkSummary(statements=len(statements), new_statements=len(fresh))
    _write(store, clusters, stored, summary, replaced)
    summary.seconds = time.perf_counter() - started
    return summary


def _write(
    store: Store,
    clusters: list[StatementCluster],
    stored: dict[str, _Stored],
    summary: LinkSummary,
    replaced: set[str] | None,
) -> None:
    """Store cluster ids and drift for the versions whose cluster or drift changed.

    ``replaced`` names the cluster rows to rewrite; None rewrites them all. The summary's
    counts are read back from the table, so they cover untouched clusters too.
    """
    now = datetime.now(UTC)
    member_rows: list[dict[str, Any]] = []
    cluster_rows: list[dict[str, Any]] = []
    labels: dict[str, int] = {}
    for cluster in clusters:
        # An article that names no outlet counts as a source of its own.
        outlets = {
            m.statement.outlet or f"article {m.statement.article_id}" for m in cluster.members
        }
        said = [m.statement.said_on or m.statement.published for m in cluster.members]
        cluster_rows.append(
            {
                "id": cluster.id,
                "reference_attribution_id": int(cluster.reference.id),
                "reference_reason": cluster.reference_reason,
                "speaker_id": cluster.speaker_id,
                "members": len(cluster),
                "outlets": len(outlets),
                "first_said": min(filter(None, said), default=None),
                "linked_at": now,
            }
        )
        for member in cluster.members:
            single = len(cluster) == 1
            label = None if single else member.drift.label
            reasons = None if single else list(member.drift.reasons)
            if label is not None and member.statement.id != cluster.reference.id:
                labels[label] = labels.get(label, 0) + 1
            if stored.get(member.statement.id) == (cluster.id, label, reasons):
                continue  # unchanged since the last run: nothing to write
            member_rows.append(
                {
                    "attribution": int(member.statement.id),
                    "cluster": cluster.id,
                    "label": label,
                    "reasons": reasons,
                }
            )
    summary.labels = dict(sorted(labels.items(), key=lambda item: -item[1]))
    attributions = StoredAttribution.__table__
    with store.begin_write() as connection:
        if member_rows:
            connection.execute(
                update(attributions)
                .where(attributions.c.id == bindparam("attribution"))
                .values(
                    cluster_id=bindparam("cluster"),
                    drift_label=bindparam("label"),
                    drift_reasons=bindparam("reasons"),
                ),
                member_rows,
            )
        table = StatementClusterRecord.__table__
        if replaced is None:
            connection.execute(delete(table))
        else:
            ids = sorted(replaced)
            for start in range(0, len(ids), _READ_BATCH):
                batch = ids[start : start + _READ_BATCH]
                connection.execute(delete(table).where(table.c.id.in_(batch)))
        if cluster_rows:
            connection.execute(insert(table), cluster_rows)
        counts = connection.execute(
            select(
                func.count(),
                func.count().filter(table.c.members > 1),
                func.count().filter(table.c.outlets > 1),
            )
        ).one()
    summary.clusters, summary.reported_more_than_once, summary.across_outlets = counts


@dataclass(slots=True)
class StatementVersion:
    """One outlet's version of a statement, as ``saidwhat statements`` shows it."""

    attribution_id: int
    article_key: str
    outlet: str | None
    published: str | None
    said_on: str | None
    kind: str
    content: str
    drift_label: str | None
    drift_reasons: list[str]
    reference: bool

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape of one version."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(slots=True)
class ReportedStatement:
    """One statement cluster with its versions, reference first."""

    id: str
    speaker_id: str | None
    speaker: str | None
    reference_reason: str
    outlets: int
    first_said: str | None
    versions: list[StatementVersion]

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape of one statement."""
        return {
            "id": self.id,
            "speaker_id": self.speaker_id,
            "speaker": self.speaker,
            "reference_reason": self.reference_reason,
            "outlets": self.outlets,
            "first_said": self.first_said,
            "versions": [version.to_json() for version in self.versions],
        }


def reported_statements(
    store: Store,
    *,
    speaker_id: str | None = None,
    min_outlets: int = 2,
    min_versions: int = 2,
    limit: int | None = 50,
) -> list[ReportedStatement]:
    """The most widely reported statements, with every version and its drift."""
    clusters_table = StatementClusterRecord.__table__
    attributions, articles = StoredAttribution.__table__, StoredArticle.__table__
    outlets = Outlet.__table__
    speakers = SpeakerRecord.__table__
    query = (
        select(clusters_table, speakers.c.name.label("speaker"))
        .select_from(
            clusters_table.outerjoin(speakers, speakers.c.id == clusters_table.c.speaker_id)
        )
        .where(
            clusters_table.c.outlets >= min_outlets,
            clusters_table.c.members >= min_versions,
        )
        .order_by(
            clusters_table.c.outlets.desc(),
            clusters_table.c.members.desc(),
            clusters_table.c.first_said.desc().nulls_last(),
            clusters_table.c.id,
        )
    )
    if speaker_id is not None:
        query = query.where(clusters_table.c.speaker_id == speaker_id)
    if limit is not None:
        query = query.limit(limit)
    with store.begin_read() as connection:
        chosen = connection.execute(query).all()
        if not chosen:
            return []
        rows = connection.execute(
            select(
                attributions.c.id,
                attributions.c.cluster_id,
                attributions.c.kind,
                attributions.c.content_text,
                attributions.c.said_on,
                attributions.c.drift_label,
                attributions.c.drift_reasons,
                articles.c.key,
                articles.c.published,
                outlets.c.name.label("outlet"),
            )
            .select_from(statement_rows())
            .where(attributions.c.cluster_id.in_([row.id for row in chosen]))
            .order_by(
                func.coalesce(attributions.c.said_on, articles.c.published), attributions.c.id
            )
        ).all()
    versions: dict[str, list[StatementVersion]] = {row.id: [] for row in chosen}
    reference_of = {row.id: row.reference_attribution_id for row in chosen}
    for row in rows:
        versions[row.cluster_id].append(
            StatementVersion(
                attribution_id=row.id,
                article_key=row.key,
                outlet=row.outlet,
                published=row.published,
                said_on=row.said_on,
                kind=row.kind,
                content=row.content_text,
                drift_label=row.drift_label,
                drift_reasons=list(row.drift_reasons or []),
                reference=row.id == reference_of[row.cluster_id],
            )
        )
    result = []
    for row in chosen:
        ordered = sorted(versions[row.id], key=lambda v: not v.reference)
        result.append(
            ReportedStatement(
                id=row.id,
                speaker_id=row.speaker_id,
                speaker=row.speaker,
                reference_reason=row.reference_reason,
                outlets=row.outlets,
                first_said=row.first_said,
                versions=ordered,
            )
        )
    return result
