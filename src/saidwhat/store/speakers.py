"""Canonical speakers in the store: resolving, correcting and listing them.

The resolver (:mod:`saidwhat.resolve.speakers`) decides from names alone; this module feeds
it the store's names and writes its decisions back: ``attributions.speaker_id`` and the
``speakers`` table. It runs after every ingest and after every change to the alias rules,
over the whole corpus, because a new article can change an old decision (the first "Bill
Clinton" makes a bare "Clinton" ambiguous). It reads one row per distinct name and updates
only the names whose speaker changed, so a re-run on a settled corpus writes almost nothing.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update

from saidwhat.resolve.aliases import AliasRules
from saidwhat.resolve.names import name_key
from saidwhat.resolve.speakers import SpeakerDirectory
from saidwhat.store.database import Store
from saidwhat.store.schema import (
    Outlet,
    SpeakerRecord,
    SpeakerRule,
    StoredArticle,
    StoredAttribution,
)

#: Sources that are not names, left out of a speaker's names as written.
_PRONOUNS = frozenset({"he", "she", "it", "they", "we", "i", "you", "who", "which", "that"})
#: Roles shown per speaker in listings: the most frequent ones.
TOP_ROLES = 3


def stored_rules(store: Store) -> AliasRules:
    """The alias rules saved in the store, in the order they were added."""
    with store.begin_read() as connection:
        rows = connection.execute(
            select(SpeakerRule.action, SpeakerRule.name, SpeakerRule.target).order_by(
                SpeakerRule.id
            )
        ).all()
    return AliasRules.from_rows([(row.action, row.name, row.target) for row in rows])


def add_rules(store: Store, rules: AliasRules, source: str | None = None) -> int:
    """Save ``rules`` so every later command applies them; returns how many were added.

    Rules already saved are not added twice, so loading the same file again is harmless.
    """
    have = set(stored_rules(store).as_rows())
    new = [row for row in rules.as_rows() if row not in have]
    if new:
        now = datetime.now(UTC)
        with store.begin_write() as connection:
            connection.execute(
                insert(SpeakerRule),
                [
                    {"action": a, "name": n, "target": t, "source": source, "added_at": now}
                    for a, n, t in new
                ],
            )
    return len(new)


def clear_rules(store: Store) -> None:
    """Forget every saved alias rule (the next refresh goes back to automatic resolution)."""
    with store.begin_write() as connection:
        connection.execute(delete(SpeakerRule))


def refresh_speakers(store: Store, extra_rules: AliasRules | None = None) -> SpeakerDirectory:
    """Resolve every stored speaker name and write the result; returns the directory.

    ``extra_rules`` apply after the stored ones, for this refresh only.
    """
    rules = stored_rules(store)
    if extra_rules:
        rules = rules.extend(extra_rules)
    attributions = StoredAttribution.__table__
    with store.begin_write() as connection:
        groups = connection.execute(
            select(
                attributions.c.speaker,
                attributions.c.anonymous,
                attributions.c.speaker_id,
                func.count().label("statements"),
            )
            .where(attributions.c.speaker.is_not(None))
            .group_by(attributions.c.speaker, attributions.c.anonymous, attributions.c.speaker_id)
        ).all()
        counts: Counter[tuple[str, bool]] = Counter()
        current: dict[tuple[str, bool], set[str | None]] = defaultdict(set)
        for row in groups:
            mention = (row.speaker, bool(row.anonymous))
            counts[mention] += row.statements
            current[mention].add(row.speaker_id)
        directory = SpeakerDirectory.build(counts, rules)
        changed = [
            {"new_id": directory.id_for(*mention), "name": mention[0], "anon": mention[1]}
            for mention, ids in current.items()
            if ids != {directory.id_for(*mention)}
        ]
        if changed:
            connection.execute(
                update(attributions)
                .where(
                    attributions.c.speaker == bindparam("name"),
                    attributions.c.anonymous == bindparam("anon"),
                )
                .values(speaker_id=bindparam("new_id")),
                changed,
            )
        connection.execute(delete(SpeakerRecord))
        if directory.speakers:
            connection.execute(
                insert(SpeakerRecord),
                [
                    {"id": s.id, "name": s.name, "kind": s.kind, "aliases": dict(s.aliases)}
                    for s in directory.speakers.values()
                ],
            )
    return directory


def ensure_speakers(store: Store) -> bool:
    """Resolve speakers if the store has named attributions but no speakers; True if it did.

    That is a store upgraded from before canonical speakers (schema 4), whose rows have no
    speaker ids yet: commands that read speaker ids call this first, so such a store gives
    right answers without a re-ingest. (Rows stored since always carry their article's
    ids, and every ingest ends with a full refresh.)
    """
    attributions = StoredAttribution.__table__
    with store.begin_read() as connection:
        if connection.execute(select(SpeakerRecord.id).limit(1)).first() is not None:
            return False
        named = connection.execute(
            select(attributions.c.id).where(attributions.c.speaker.is_not(None)).limit(1)
        ).first()
    if named is None:
        return False
    refresh_speakers(store)
    return True


def stored_directory(store: Store) -> SpeakerDirectory:
    """The directory as last written by :func:`refresh_speakers`, for looking names up."""
    from saidwhat.resolve.speakers import Speaker

    directory = SpeakerDirectory()
    with store.begin_read() as connection:
        for row in connection.execute(select(SpeakerRecord.__table__)):
            directory.speakers[row.id] = Speaker(row.id, row.name, row.kind, Counter(row.aliases))
    return directory


@dataclass(slots=True)
class SpeakerSummary:
    """One line of ``saidwhat speakers``: who, under which names, how often, where, when."""

    id: str
    name: str
    kind: str
    aliases: list[str]
    roles: list[str]
    statements: int
    outlets: list[str]
    first_said: str | None
    last_said: str | None
    #: Statements per outlet, for comparing outlets (how much each leans on a source).
    by_outlet: dict[str, int] = field(default_factory=dict)

    @property
    def anonymous(self) -> bool:
        """An unnamed source: a description, not an identified speaker."""
        return self.kind == "anonymous"

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape of one speaker."""
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "anonymous": self.anonymous,
            "aliases": self.aliases,
            "roles": self.roles,
            "statements": self.statements,
            "outlets": self.outlets,
            "statements_by_outlet": self.by_outlet,
            "first_said": self.first_said,
            "last_said": self.last_said,
        }


def statement_rows() -> Any:
    """Attributions joined with their articles and (outer) outlets: what listings read."""
    attributions, articles = StoredAttribution.__table__, StoredArticle.__table__
    outlets = Outlet.__table__
    return attributions.join(articles, articles.c.id == attributions.c.article_id).outerjoin(
        outlets, outlets.c.id == articles.c.outlet_id
    )


def list_speakers(
    store: Store,
    *,
    kind: str | None = None,
    min_statements: int = 1,
    limit: int | None = None,
) -> list[SpeakerSummary]:
    """Every canonical speaker with statistics, most statements first."""
    attributions, articles = StoredAttribution.__table__, StoredArticle.__table__
    outlets = Outlet.__table__
    when = func.coalesce(attributions.c.said_on, articles.c.published)
    with store.begin_read() as connection:
        records = {row.id: row for row in connection.execute(select(SpeakerRecord.__table__))}
        per_outlet = connection.execute(
            select(
                attributions.c.speaker_id,
                outlets.c.name,
                func.count().label("n"),
                func.min(when).label("first"),
                func.max(when).label("last"),
            )
            .select_from(statement_rows())
            .where(attributions.c.speaker_id.is_not(None))
            .group_by(attributions.c.speaker_id, outlets.c.name)
        ).all()
        written = connection.execute(
            select(attributions.c.speaker_id, attributions.c.speaker_as_written, func.count())
            .where(
                attributions.c.speaker_id.is_not(None),
                attributions.c.speaker_as_written.is_not(None),
            )
            .group_by(attributions.c.speaker_id, attributions.c.speaker_as_written)
        ).all()
        roles = connection.execute(
            select(attributions.c.speaker_id, attributions.c.role, func.count().label("n"))
            .where(attributions.c.speaker_id.is_not(None), attributions.c.role.is_not(None))
            .group_by(attributions.c.speaker_id, attributions.c.role)
        ).all()
    # The names as written; pronouns and descriptions are left out: they say nothing
    # about who the speaker is. Resolved names come first, then the written forms.
    names: dict[str, Counter[str]] = defaultdict(Counter)
    for speaker_id, as_written, count in written:
        if as_written.casefold() not in _PRONOUNS and name_key(as_written) is not None:
            names[speaker_id][as_written] += count
    role_counts: dict[str, Counter[str]] = defaultdict(Counter)
    for row in roles:
        role_counts[row.speaker_id][row.role] += row.n
    summaries: dict[str, SpeakerSummary] = {}
    for row in per_outlet:
        record = records.get(row.speaker_id)
        if record is None or (kind is not None and record.kind != kind):
            continue
        summary = summaries.get(row.speaker_id)
        if summary is None:
            summary = summaries[row.speaker_id] = SpeakerSummary(
                id=record.id,
                name=record.name,
                kind=record.kind,
                aliases=list(
                    dict.fromkeys(
                        [a for a, _ in Counter(record.aliases).most_common()]
                        + [a for a, _ in names[record.id].most_common()]
                    )
                ),
                roles=_top_roles(role_counts[record.id]),
                statements=0,
                outlets=[],
                first_said=None,
                last_said=None,
            )
        summary.statements += row.n
        outlet = row.name or "(no outlet)"
        summary.by_outlet[outlet] = summary.by_outlet.get(outlet, 0) + row.n
        if row.first is not None:
            summary.first_said = min(filter(None, (summary.first_said, row.first)))
            summary.last_said = max(filter(None, (summary.last_said, row.last)))
    result = [s for s in summaries.values() if s.statements >= min_statements]
    for summary in result:
        summary.outlets = sorted(summary.by_outlet, key=lambda o: (-summary.by_outlet[o], o))
    result.sort(key=lambda s: (-s.statements, s.name.casefold(), s.id))
    return result[:limit] if limit is not None else result


def _top_roles(counts: Counter[str]) -> list[str]:
    """The most frequent roles; among equals the shorter (a title beats a long description)."""
    ranked = sorted(counts.items(), key=lambda item: (-item[1], len(item[0]), item[0]))
    return [role for role, _ in ranked[:TOP_ROLES]]


@dataclass(slots=True)
class TimelineEntry:
    """One statement in a speaker's timeline."""

    said_on: str | None
    said_on_precision: str | None
    said_on_basis: str | None
    published: str | None
    outlet: str | None
    article_key: str
    title: str | None
    kind: str
    speaker_as_written: str | None
    role: str | None
    via: str | None
    content: str
    attribution_id: int

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape of one statement."""
        return {name: getattr(self, name) for name in self.__slots__}


def speaker_timeline(
    store: Store, speaker_id: str, *, since: str | None = None, until: str | None = None
) -> list[TimelineEntry]:
    """A speaker's statements in every outlet, oldest first (by the date they were said)."""
    from saidwhat.store.search import date_overlap_filters

    attributions, articles = StoredAttribution.__table__, StoredArticle.__table__
    outlets = Outlet.__table__
    when = func.coalesce(attributions.c.said_on, articles.c.published)
    query = (
        select(
            attributions.c.said_on,
            attributions.c.said_on_precision,
            attributions.c.said_on_basis,
            articles.c.published,
            outlets.c.name.label("outlet"),
            articles.c.key,
            articles.c.title,
            attributions.c.kind,
            attributions.c.speaker_as_written,
            attributions.c.role,
            attributions.c.via,
            attributions.c.content_text,
            attributions.c.id,
        )
        .select_from(statement_rows())
        .where(attributions.c.speaker_id == speaker_id, *date_overlap_filters(when, since, until))
        .order_by(when.nulls_last(), articles.c.key, attributions.c.position)
    )
    with store.begin_read() as connection:
        rows = connection.execute(query).all()
    return [
        TimelineEntry(
            said_on=row.said_on,
            said_on_precision=row.said_on_precision,
            said_on_basis=row.said_on_basis,
            published=row.published,
            outlet=row.outlet,
            article_key=row.key,
            title=row.title,
            kind=row.kind,
            speaker_as_written=row.speaker_as_written,
            role=row.role,
            via=row.via,
            content=row.content_text,
            attribution_id=row.id,
        )
        for row in rows
    ]


@dataclass(slots=True)
class OutletSourcing:
    """How one outlet sources its statements: named vs unnamed, and which unnamed kinds."""

    outlet: str
    articles: int
    statements: int
    anonymous: int
    #: Unnamed-source descriptions ("US official") -> statements, most used first.
    unnamed: dict[str, int] = field(default_factory=dict)

    @property
    def anonymous_share(self) -> float:
        """The share of the outlet's statements credited to unnamed sources."""
        return self.anonymous / self.statements if self.statements else 0.0

    def to_json(self) -> dict[str, Any]:
        """The ``--json`` shape of one outlet."""
        return {
            "outlet": self.outlet,
            "articles": self.articles,
            "statements": self.statements,
            "anonymous": self.anonymous,
            "anonymous_share": round(self.anonymous_share, 4),
            "unnamed_sources": self.unnamed,
        }


def outlet_sourcing(store: Store) -> list[OutletSourcing]:
    """Per outlet: statements, how many from unnamed sources, and which kinds, most first."""
    attributions, articles = StoredAttribution.__table__, StoredArticle.__table__
    outlets, speakers = Outlet.__table__, SpeakerRecord.__table__
    outlet_name = func.coalesce(outlets.c.name, "(no outlet)")
    with store.begin_read() as connection:
        totals = connection.execute(
            select(
                outlet_name.label("outlet"),
                func.count(func.distinct(articles.c.id)).label("articles"),
                func.count(attributions.c.id).label("statements"),
            )
            .select_from(
                articles.outerjoin(
                    attributions, attributions.c.article_id == articles.c.id
                ).outerjoin(outlets, outlets.c.id == articles.c.outlet_id)
            )
            .group_by(outlet_name)
        ).all()
        unnamed = connection.execute(
            select(outlet_name.label("outlet"), speakers.c.name, func.count().label("n"))
            .select_from(
                statement_rows().outerjoin(speakers, speakers.c.id == attributions.c.speaker_id)
            )
            .where(attributions.c.anonymous.is_(True))
            .group_by(outlet_name, speakers.c.name)
        ).all()
    result = {
        row.outlet: OutletSourcing(row.outlet, row.articles, row.statements, 0) for row in totals
    }
    for row in sorted(unnamed, key=lambda r: (-r.n, r.name or "")):
        summary = result[row.outlet]
        summary.anonymous += row.n
        description = row.name or "(undescribed)"
        summary.unnamed[description] = summary.unnamed.get(description, 0) + row.n
    return sorted(result.values(), key=lambda s: (-s.anonymous_share, s.outlet))
