"""Full-text search over the store: what was said, by whom, where and when.

This module owns the search language and how it maps onto each database's full-text index
(created by migration step 3, see :data:`saidwhat.store.schema.FULLTEXT_DDL`):

* **One query language on both databases.** Users write words (``ceasefire``), phrases in
  double quotes (``"peace talks"``), prefixes (``negotiat*``), ``OR``, and ``NOT`` / a
  leading ``-`` to exclude; words are ANDed by default, as in a web search. The query is
  parsed here and *rendered* for the database: an FTS5 ``MATCH`` expression on SQLite, a
  ``to_tsquery`` expression on PostgreSQL. Every word is split into letters-and-digits
  tokens the way the indexes split text and written out quoted, so no user text is ever
  read as FTS5 or tsquery syntax, and the rendered query is always a bound parameter, never
  part of the SQL. Malformed queries (an unclosed quote, ``OR`` with nothing after it)
  raise :class:`QueryError` with a message for the user.
* **Ranked, then newest first.** Relevance is FTS5's ``bm25`` (content weighted above the
  speaker's name) or PostgreSQL's ``ts_rank`` (content weight A, speaker B, normalised by
  length); ties (wire copy repeats the same words) go to the latest statement.
* **Two phases, so snippets cost nothing per match.** The first query finds and ranks the
  matching ids (only ids, scores and dates pass through the sort); the second fetches the
  ``limit`` winners' fields and cuts their snippets (FTS5 ``snippet()``, PostgreSQL
  ``ts_headline``). Snippet work is then bounded by ``limit``, not by how common a word is.
* **Snippets carry their highlights twice:** the matched words are wrapped in
  :data:`MARK_START` / :data:`MARK_END` (« »), and :attr:`SearchHit.highlights` gives their
  offsets into the snippet. The offsets are authoritative: the article may itself contain
  « », which the markers alone could not tell apart.

Filters: ``speaker`` matches the resolved speaker or the words as written, ``outlet`` the
outlet's name (both case-insensitive substrings); ``since`` / ``until`` take ISO dates or
prefixes (``2022``, ``2022-11``, ``2022-11-16``) and compare them with when the statement
was made (``said_on``), or the article's ``published`` date when that is unknown. A date
known only to the month or year counts as that whole period, so ``since="2022-11-16"``
keeps a statement dated ``2022-11``: it may have been made on that day.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Connection,
    bindparam,
    exists,
    func,
    literal_column,
    or_,
    select,
    table,
)
from sqlalchemy import column as sql_column
from sqlalchemy.exc import DBAPIError

from saidwhat.store.database import Store
from saidwhat.store.schema import (
    ARTICLES_FTS,
    ATTRIBUTIONS_FTS,
    PG_TEXT_SEARCH_CONFIG,
    SEARCH_VECTOR,
    Outlet,
    SpeakerRecord,
    StoredArticle,
    StoredAttribution,
)

__all__ = [
    "KINDS",
    "MARK_END",
    "MARK_START",
    "MAX_LIMIT",
    "Atom",
    "ParsedQuery",
    "QueryError",
    "Scope",
    "SearchError",
    "SearchHit",
    "parse_query",
    "search",
    "to_fts5",
    "to_tsquery",
    "validate_date",
]

#: Markers around each highlighted match in :attr:`SearchHit.snippet`.
MARK_START = "«"
MARK_END = "»"
#: Attribution kinds a search can be restricted to.
KINDS = ("direct", "indirect", "mixed")
#: Most results one search returns: a search is for reading; exports are for everything.
MAX_LIMIT = 1000
#: Longest query accepted, in characters, and most words and phrases in one query: enough
#: for any question a person types, small enough that no query can make the index crawl.
MAX_QUERY_CHARS = 1000
MAX_QUERY_ATOMS = 32

Scope = Literal["attributions", "articles"]

#: Private-use characters the databases put around matches; translated to « » afterwards.
_START = "\ue000"
_END = "\ue001"
#: Tokens per snippet (FTS5 allows at most 64).
_SNIPPET_TOKENS = {"attributions": 32, "articles": 40}
#: bm25 weights of the FTS5 columns (see ``schema.ATTRIBUTIONS_FTS_COLUMNS`` / ``ARTICLES_``):
#: what was said counts above who said it; an article's title above its body.
_BM25_WEIGHTS = {"attributions": (4.0, 1.0, 1.0), "articles": (1.0, 3.0)}
#: Rows fetched past ``limit`` when ranking without filters, to see where a tie ends.
_TIE_MARGIN = 20
#: ts_rank normalisation 1: divide by 1 + log(length), so a long text does not win by size.
_TS_RANK_NORMALISATION = 1
_OPERATORS = ("AND", "OR", "NOT")
_TOKEN = re.compile(r"[^\W_]+")
_ISO_PREFIX = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")
_WHITESPACE = re.compile(r"\s+")
_ATTACHED_BEFORE = re.compile(r"[^\w\s]*$")
_ATTACHED_AFTER = re.compile(r"[^\w\s]*")


class SearchError(ValueError):
    """A search that cannot run as asked (bad filter or limit); the message says why."""


class QueryError(SearchError):
    """A query that does not parse; the message says what is wrong and where."""


# --- the query language -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Atom:
    """A word or a phrase: its tokens in order; ``prefix`` makes the last one a prefix.

    ``written`` is what the user typed for it, for PostgreSQL, whose parser keeps some
    punctuated words whole ("U.S." is the one word ``u.s``, "cease-fire" is ``cease-fire``
    as well as ``cease`` and ``fire``).
    """

    tokens: tuple[str, ...]
    prefix: bool = False
    written: str = field(default="", compare=False)


@dataclass(frozen=True, slots=True)
class _Group:
    """Atoms that must all be present (``include``) and none of ``exclude``."""

    include: tuple[Atom, ...]
    exclude: tuple[Atom, ...] = ()


@dataclass(frozen=True, slots=True)
class ParsedQuery:
    """A query as alternatives (``OR``) of groups of ANDed atoms, each with exclusions.

    No parentheses: ``OR`` binds loosest, as people read ``a b OR c`` ("a and b, or c").
    """

    groups: tuple[_Group, ...]


def _tokens(words: str, shown: str) -> tuple[str, ...]:
    """Letters-and-digits runs, lower-cased: how both indexes split text into words."""
    tokens = tuple(_TOKEN.findall(words.lower()))
    if not tokens:
        raise QueryError(f"{shown} has no letters or digits to search for")
    return tokens


def _lex(query: str) -> tuple[list[Atom | str], list[str]]:
    """Atoms and operator names, in order, and the words skipped as mere punctuation.

    A word with no letters or digits ("&", "–", "|") is skipped, as the indexes skip such
    characters in the text; an explicit phrase of them, or a query of nothing else, is an
    error.
    """
    items: list[Atom | str] = []
    skipped: list[str] = []
    position, length = 0, len(query)
    while position < length:
        char = query[position]
        if char.isspace():
            position += 1
            continue
        if char == '"':
            end = query.find('"', position + 1)
            if end < 0:
                raise QueryError(
                    f'unbalanced quote: the " at character {position + 1} is never closed'
                )
            body = query[position + 1 : end]
            position = end + 1
            prefix = position < length and query[position] == "*"
            position += prefix
            if not body.strip():
                raise QueryError('empty phrase: "" has nothing to search for')
            items.append(Atom(_tokens(body, f'"{body}"'), prefix, body))
            continue
        end = position
        while end < length and not query[end].isspace() and query[end] != '"':
            end += 1
        word = query[position:end]
        position = end
        if word in _OPERATORS:
            items.append(word)
            continue
        negated = word.startswith("-")
        if negated and word == "-":
            raise QueryError("'-' must be followed by the word to exclude, as in -ukraine")
        stem = word[1:] if negated else word
        prefix = stem.endswith("*")
        stem = stem.rstrip("*")
        if not stem:
            raise QueryError("'*' must follow the start of a word, as in negotiat*")
        if "*" in stem:
            raise QueryError(f"'*' can only end a word (negotiat*), not stand inside {word!r}")
        if not _TOKEN.search(stem):
            skipped.append(word)
            continue
        if negated:
            items.append("NOT")
        items.append(Atom(_tokens(stem, repr(stem)), prefix, stem))
    return items, skipped


def parse_query(query: str) -> ParsedQuery:
    """Parse what a user typed; raise :class:`QueryError` with a helpful message if invalid.

    Words are ANDed; ``OR`` separates alternatives; ``NOT word`` or ``-word`` excludes.
    Lower-case ``and``/``or``/``not`` are ordinary words, as in SQLite's FTS5.
    """
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(f"query too long: {len(query):,} characters (most: {MAX_QUERY_CHARS:,})")
    items, skipped = _lex(query)
    if not items and skipped:
        raise QueryError(f"nothing to search for: {' '.join(skipped)!r} has no letters or digits")
    if not items:
        raise QueryError('empty query: give a word, a prefix (negotiat*) or a "phrase"')
    if sum(isinstance(item, Atom) for item in items) > MAX_QUERY_ATOMS:
        raise QueryError(f"too many words and phrases (most: {MAX_QUERY_ATOMS})")

    groups: list[_Group] = []
    include: list[Atom] = []
    exclude: list[Atom] = []
    negate = False
    previous: Atom | str | None = None

    def close_group() -> None:
        if not include:
            raise QueryError(
                "a query cannot only exclude: give a word to find before NOT "
                "(as in: talks NOT ukraine)"
            )
        groups.append(_Group(tuple(include), tuple(exclude)))
        include.clear()
        exclude.clear()

    for item in items:
        if isinstance(item, Atom):
            (exclude if negate else include).append(item)
            negate = False
        elif item == "NOT":
            if negate:
                raise QueryError("NOT NOT: give the word to exclude after NOT")
            negate = True
        else:  # AND, OR: binary, need something on each side
            if previous is None or isinstance(previous, str):
                where = "at the start" if previous is None else f"after {previous}"
                raise QueryError(f"{item} {where}: {item} needs a word or phrase on each side")
            if item == "OR":
                close_group()
        previous = item
    if isinstance(previous, str):
        raise QueryError(
            f"{previous} at the end: {previous} needs a word or phrase after it"
            if previous != "NOT"
            else "NOT at the end: give the word to exclude after NOT"
        )
    close_group()
    return ParsedQuery(tuple(groups))


def to_fts5(parsed: ParsedQuery) -> str:
    """The query as an SQLite FTS5 ``MATCH`` expression.

    Every atom is a double-quoted FTS5 string (a phrase; ``*`` after it makes its last token
    a prefix), so nothing the user typed can act as FTS5 syntax (column filters, NEAR).
    """

    def atom(item: Atom) -> str:
        return '"' + " ".join(item.tokens) + '"' + (" *" if item.prefix else "")

    rendered = []
    for group in parsed.groups:
        expression = "(" + " AND ".join(atom(item) for item in group.include) + ")"
        for item in group.exclude:
            expression = f"({expression} NOT {atom(item)})"
        rendered.append(expression)
    return " OR ".join(rendered)


def to_tsquery(parsed: ParsedQuery) -> str:
    """The query as PostgreSQL ``to_tsquery`` input: quoted lexemes, ``<->`` for phrases,
    ``:*`` for prefixes, ``&``, ``|`` and ``!``.

    A word with punctuation inside is also looked for as PostgreSQL's parser reads it (the
    quoted text, which ``to_tsquery`` parses as it parsed the articles): "U.S." finds
    ``u.s`` in PostgreSQL's index, where FTS5 has ``u`` and ``s``.
    """

    def quoted(text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"

    def atom(item: Atom) -> str:
        suffix = ":*" if item.prefix else ""
        words = [quoted(token) for token in item.tokens]
        words[-1] += suffix
        rendered = words[0] if len(words) == 1 else "(" + " <-> ".join(words) + ")"
        if " ".join(item.written.lower().split()) not in ("", " ".join(item.tokens)):
            rendered = f"({rendered} | {quoted(item.written)}{suffix})"
        return rendered

    rendered = []
    for group in parsed.groups:
        parts = [atom(item) for item in group.include]
        parts += [f"!{atom(item)}" for item in group.exclude]
        rendered.append("(" + " & ".join(parts) + ")")
    return " | ".join(rendered)


# --- filters ----------------------------------------------------------------------------


def validate_date(value: str, name: str) -> str:
    """``value`` if it is an ISO date or prefix of one (``2022``, ``2022-11``, ``2022-11-16``)."""
    value = value.strip()
    if not _ISO_PREFIX.fullmatch(value):
        raise SearchError(
            f"{name} must be an ISO date or its start: YYYY, YYYY-MM or YYYY-MM-DD, not {value!r}"
        )
    parts = [int(part) for part in value.split("-")]
    try:
        date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)
    except ValueError as exc:
        raise SearchError(f"{name} {value!r} is not a real date ({exc})") from None
    return value


def date_overlap_filters(
    when: ColumnElement[Any], since: str | None, until: str | None
) -> list[Any]:
    """Keep rows whose date, a period at its precision, overlaps [since, until].

    ISO dates sort as strings, and comparing on the shorter of the two lengths treats
    ``2022-11`` as all of November: it is not before ``2022-11-16``, nor after it.
    """
    conditions: list[Any] = []
    if since is not None:
        conditions.append(when >= func.substr(bindparam("since", since), 1, func.length(when)))
    if until is not None:
        conditions.append(func.substr(when, 1, len(until)) <= bindparam("until", until))
    return conditions


# --- results ----------------------------------------------------------------------------


#: The hit fields that describe a statement, absent from article hits.
_STATEMENT_FIELDS = (
    "attribution_id",
    "said_on",
    "said_on_precision",
    "speaker",
    "speaker_id",
    "speaker_as_written",
    "role",
    "anonymous",
    "via",
    "kind",
    "confidence",
)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One result: an attribution (``scope == "attributions"``) or an article.

    ``snippet`` is a short excerpt of the content (or of the article) with each match
    between :data:`MARK_START` and :data:`MARK_END`; ``highlights`` are the matches'
    ``[start, end)`` offsets into ``snippet``, markers excluded. ``score`` is the relevance,
    higher first; its scale depends on the database (bm25 or ts_rank).
    """

    scope: Scope
    article_key: str
    title: str | None
    outlet: str | None
    published: str | None
    snippet: str
    highlights: tuple[tuple[int, int], ...]
    score: float
    attribution_id: int | None = None
    said_on: str | None = None
    speaker: str | None = None
    speaker_as_written: str | None = None
    kind: str | None = None
    speaker_id: str | None = None
    role: str | None = None
    anonymous: bool | None = None
    via: str | None = None
    said_on_precision: str | None = None
    #: The extractor's confidence in the attribution, 0 to 1 (see ``--min-confidence``).
    confidence: float | None = None

    @property
    def date(self) -> str | None:
        """When it was said, else when the article was published (what filters compare)."""
        return self.said_on or self.published

    def to_json(self) -> dict[str, Any]:
        """A plain dict for ``--json``: every field, highlights as ``[start, end]`` lists."""
        record: dict[str, Any] = {
            "scope": self.scope,
            "attribution_id": self.attribution_id,
            "article_key": self.article_key,
            "title": self.title,
            "outlet": self.outlet,
            "published": self.published,
            "said_on": self.said_on,
            "said_on_precision": self.said_on_precision,
            "speaker": self.speaker,
            "speaker_id": self.speaker_id,
            "speaker_as_written": self.speaker_as_written,
            "role": self.role,
            "anonymous": self.anonymous,
            "via": self.via,
            "kind": self.kind,
            "confidence": None if self.confidence is None else round(self.confidence, 3),
            "snippet": self.snippet,
            "highlights": [[start, end] for start, end in self.highlights],
            "score": round(self.score, 6),
        }
        if self.scope == "articles":
            for name in _STATEMENT_FIELDS:
                del record[name]
        return record


def _marked(raw: str, whole: str | None = None) -> tuple[str, tuple[tuple[int, int], ...]]:
    """The database's snippet with « » markers, whitespace collapsed, and highlight offsets.

    Matches separated only by spaces are merged ("«peace talks»", as FTS5 marks a phrase;
    ``ts_headline`` marks each word). ``whole`` is the full text the snippet was cut from,
    given when the database (PostgreSQL's ``ts_headline``) neither marks a cut with "…" nor
    keeps the punctuation around its first and last words: both are restored from it.
    """
    raw = re.sub(f"{_END}(\\s+){_START}", r"\1", raw)
    if whole is not None:
        raw = _restore_edges(raw, whole)
    parts: list[str] = []
    highlights: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for piece in re.split(f"({_START}|{_END})", raw):
        if piece == _START:
            parts.append(MARK_START)
            length += len(MARK_START)
            start = length
        elif piece == _END:
            if start is None:  # a stray marker character in the text itself
                continue
            highlights.append((start, length))
            start = None
            parts.append(MARK_END)
            length += len(MARK_END)
        else:
            text = _WHITESPACE.sub(" ", piece)
            if not parts:
                text = text.lstrip()
            parts.append(text)
            length += len(text)
    return "".join(parts).rstrip(), tuple(highlights)


def _restore_edges(raw: str, whole: str) -> str:
    """``raw`` with what ``whole`` has before and after it: punctuation kept, words as "…"."""
    plain = raw.replace(_START, "").replace(_END, "").strip()
    at = whole.find(plain) if plain else -1
    if at < 0:  # not a verbatim excerpt (should not happen): leave it as it is
        return raw
    before, after = whole[:at], whole[at + len(plain) :]
    if _TOKEN.search(before):  # words left out: "…", then any punctuation touching the start
        before = "…" + _ATTACHED_BEFORE.search(before).group()
    if _TOKEN.search(after):
        after = _ATTACHED_AFTER.match(after).group() + "…"
    return before + raw.strip() + after


# --- running a search -------------------------------------------------------------------


def _check_arguments(
    scope: str, kind: str | None, limit: int, since: str | None, until: str | None
) -> tuple[str | None, str | None]:
    if scope not in ("attributions", "articles"):
        raise SearchError(f"scope must be 'attributions' or 'articles', not {scope!r}")
    if kind is not None and kind not in KINDS:
        raise SearchError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if not 1 <= limit <= MAX_LIMIT:
        raise SearchError(f"limit must be between 1 and {MAX_LIMIT:,}, not {limit}")
    since = validate_date(since, "since") if since is not None else None
    until = validate_date(until, "until") if until is not None else None
    if since is not None and until is not None and since[: len(until)] > until:
        raise SearchError(f"since ({since}) is after until ({until})")
    return since, until


#: Statement-date precisions, finest first.
PRECISIONS = ("day", "week", "month", "year")


@dataclass(frozen=True, slots=True)
class StatementFilters:
    """Filters on who said it and how it reached the article, beyond the basic ones."""

    #: The canonical speaker (set when ``speaker`` names one exactly; see :func:`search`).
    speaker_id: str | None = None
    #: True: unnamed sources only; False: named ones only.
    anonymous: bool | None = None
    #: Words in the speaker's role as the article gives it ("Defense Secretary").
    role: str | None = None
    #: Words in the intermediary's name ("Washington Post").
    via: str | None = None
    #: Only statements dated at least this precisely ("day", "week", "month" or "year").
    precision: str | None = None
    #: Only attributions the extractor gave at least this confidence (0 to 1).
    min_confidence: float | None = None


def canonical_speaker_id(connection: Connection, speaker: str) -> str | None:
    """The id of the canonical speaker ``speaker`` names exactly: an id or a canonical name.

    Searching "Donald Trump" then finds his statements under every name ("Trump", "he")
    and not Donald Trump Jr.'s; a partial name ("Milley") falls back to matching names.
    """
    wanted = speaker.strip()
    return connection.execute(
        select(SpeakerRecord.id)
        .where(or_(SpeakerRecord.id == wanted, func.lower(SpeakerRecord.name) == wanted.lower()))
        .order_by(SpeakerRecord.id != wanted)
        .limit(1)
    ).scalar()


def search(
    store: Store,
    query: str,
    *,
    speaker: str | None = None,
    outlet: str | None = None,
    since: str | None = None,
    until: str | None = None,
    kind: str | None = None,
    anonymous: bool | None = None,
    role: str | None = None,
    via: str | None = None,
    precision: str | None = None,
    min_confidence: float | None = None,
    limit: int = 50,
    scope: Scope = "attributions",
) -> list[SearchHit]:
    """Attributions (or articles, ``scope="articles"``) matching ``query``, best first.

    With ``scope="articles"`` the query runs over article titles and texts; ``since`` and
    ``until`` then compare the publication date, and ``speaker`` / ``kind`` keep articles
    holding at least one attribution by that speaker / of that kind. ``speaker`` is a
    canonical speaker's id or name (every statement resolved to them, under any alias),
    else words of the speaker's name as stored.

    Raises :class:`QueryError` for a malformed query and :class:`SearchError` for a bad
    filter, both with a message meant for the user.
    """
    since, until = _check_arguments(scope, kind, limit, since, until)
    if precision is not None and precision not in PRECISIONS:
        raise SearchError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
    if min_confidence is not None and not 0.0 <= min_confidence <= 1.0:
        raise SearchError(f"min_confidence must be between 0 and 1, not {min_confidence}")
    parsed = parse_query(query)
    speaker = speaker.strip() if speaker and speaker.strip() else None
    outlet = outlet.strip() if outlet and outlet.strip() else None
    postgres = store.dialect == "postgresql"
    if not postgres and store.dialect != "sqlite":
        raise SearchError(f"full-text search needs SQLite or PostgreSQL, not {store.dialect}")
    plan = _Plan(scope, postgres, to_tsquery(parsed) if postgres else to_fts5(parsed))
    role = role.strip() if role and role.strip() else None
    via = via.strip() if via and via.strip() else None
    try:
        with store.begin_read() as connection:
            speaker_id = canonical_speaker_id(connection, speaker) if speaker else None
            details = StatementFilters(speaker_id, anonymous, role, via, precision, min_confidence)
            conditions = plan.filters(speaker, outlet, since, until, kind, details)
            if conditions:
                ranking = plan.ranking(conditions, limit, outlet is not None)
                ranked = connection.execute(ranking).all()
            else:
                ranked = plan.rank_unfiltered(connection, limit)
            if not ranked:
                return []
            details = {
                row.id: row
                for row in connection.execute(plan.details([row.id for row in ranked])).all()
            }
    except DBAPIError as exc:
        # The rendered query is meant to be always valid, so this is a bug if it happens;
        # still, the user gets the query and the reason rather than a traceback. Anything
        # else (a locked or unreachable database) is the caller's to report.
        reason = str(exc.orig or exc).strip().splitlines()[0]
        if "fts5" not in reason and "tsquery" not in reason:
            raise
        raise QueryError(f"the database could not run the query {query!r}: {reason}") from exc
    return [plan.hit(details[row.id], row.score) for row in ranked if row.id in details]


class _Plan:
    """The two statements of one search (rank ids, then fetch and cut snippets)."""

    def __init__(self, scope: Scope, postgres: bool, rendered: str) -> None:
        self.scope = scope
        self.postgres = postgres
        self.query = bindparam("query", rendered)
        self.attributions = StoredAttribution.__table__
        self.articles = StoredArticle.__table__
        self.outlets = Outlet.__table__
        on_attributions = scope == "attributions"
        self.indexed = self.attributions if on_attributions else self.articles
        self.fts = table(ATTRIBUTIONS_FTS if on_attributions else ARTICLES_FTS, sql_column("rowid"))
        articles, attributions = self.articles, self.attributions
        self.when: ColumnElement[Any] = (
            func.coalesce(attributions.c.said_on, articles.c.published)
            if on_attributions
            else articles.c.published
        )

    # --- the index, per database

    def _tsquery(self) -> ColumnElement[Any]:
        return func.to_tsquery(literal_column(f"'{PG_TEXT_SEARCH_CONFIG}'::regconfig"), self.query)

    def _match(self) -> ColumnElement[bool]:
        if self.postgres:
            vector = literal_column(f"{self.indexed.name}.{SEARCH_VECTOR}")
            return vector.op("@@")(self._tsquery())
        return literal_column(self.fts.name).op("MATCH")(self.query)

    def _score(self) -> ColumnElement[float]:
        """Relevance, higher is better (bm25 is lower-is-better, hence negated)."""
        if self.postgres:
            vector = literal_column(f"{self.indexed.name}.{SEARCH_VECTOR}")
            return func.ts_rank(vector, self._tsquery(), _TS_RANK_NORMALISATION)
        return -func.bm25(literal_column(self.fts.name), *_BM25_WEIGHTS[self.scope])

    def _tables(self) -> Any:
        """The indexed table, with its articles for attributions (dates, filters)."""
        articles, attributions = self.articles, self.attributions
        if self.scope == "attributions":
            return attributions.join(articles, articles.c.id == attributions.c.article_id)
        return articles

    def _from(self, with_outlets: bool) -> Any:
        source = self._tables()
        if not self.postgres:
            source = self.fts.join(source, self.indexed.c.id == self.fts.c.rowid)
        if with_outlets:
            source = source.outerjoin(self.outlets, self.outlets.c.id == self.articles.c.outlet_id)
        return source

    # --- statements

    def filters(
        self,
        speaker: str | None,
        outlet: str | None,
        since: str | None,
        until: str | None,
        kind: str | None,
        details: StatementFilters,
    ) -> list[Any]:
        attributions = self.attributions
        conditions: list[Any] = []
        by_attribution: list[Any] = []
        if details.speaker_id is not None:
            by_attribution.append(attributions.c.speaker_id == details.speaker_id)
        elif speaker is not None:
            by_attribution.append(
                or_(
                    attributions.c.speaker.icontains(speaker, autoescape=True),
                    attributions.c.speaker_as_written.icontains(speaker, autoescape=True),
                )
            )
        if kind is not None:
            by_attribution.append(attributions.c.kind == kind)
        if details.anonymous is not None:
            by_attribution.append(attributions.c.anonymous.is_(details.anonymous))
        if details.role is not None:
            by_attribution.append(attributions.c.role.icontains(details.role, autoescape=True))
        if details.via is not None:
            by_attribution.append(attributions.c.via.icontains(details.via, autoescape=True))
        if details.precision is not None:
            finer = PRECISIONS[: PRECISIONS.index(details.precision) + 1]
            by_attribution.append(attributions.c.said_on_precision.in_(finer))
        if details.min_confidence:
            by_attribution.append(attributions.c.confidence >= details.min_confidence)
        if by_attribution and self.scope == "articles":
            conditions.append(
                exists().where(attributions.c.article_id == self.articles.c.id, *by_attribution)
            )
        else:
            conditions += by_attribution
        if outlet is not None:
            conditions.append(self.outlets.c.name.icontains(outlet, autoescape=True))
        conditions += date_overlap_filters(self.when, since, until)
        return conditions

    def ranking(self, conditions: list[Any], limit: int, with_outlets: bool) -> Any:
        """Ids of the best ``limit`` matches with their score: all the sort has to carry.

        ``with_outlets`` joins the outlets, which only an outlet filter needs.
        """
        score = self._score().label("score")
        return (
            select(self.indexed.c.id.label("id"), score)
            .select_from(self._from(with_outlets))
            .where(self._match(), *conditions)
            .order_by(score.desc(), self.when.desc().nulls_last(), self.indexed.c.id)
            .limit(limit)
        )

    def rank_unfiltered(self, connection: Connection, limit: int) -> list[Any]:
        """What :meth:`ranking` gives with no filter, without its joins for every match.

        Ranking by score alone reads only the index (SQLite) or the indexed table
        (PostgreSQL), which is most of the time a common word takes. Dates only break ties,
        so they are fetched for the best ``limit`` and the rows tied with the last of them;
        should that tie run past the rows fetched, the full ranking query decides.
        """
        score = self._score().label("score")
        ids = self.indexed.c.id if self.postgres else self.fts.c.rowid
        source = self.indexed if self.postgres else self.fts
        fetched = connection.execute(
            select(ids.label("id"), score)
            .select_from(source)
            .where(self._match())
            .order_by(score.desc(), ids)
            .limit(limit + _TIE_MARGIN)
        ).all()
        if len(fetched) > limit:
            cutoff = fetched[limit - 1].score
            if fetched[-1].score == cutoff:
                return connection.execute(self.ranking([], limit, False)).all()
            fetched = [row for row in fetched if row.score >= cutoff]
        dates = dict(
            connection.execute(
                select(self.indexed.c.id, self.when)
                .select_from(self._tables())
                .where(self.indexed.c.id.in_([row.id for row in fetched]))
            ).all()
        )
        # Stable sorts, last key first: id, then date (newest first, none last), then score.
        fetched.sort(key=lambda row: row.id)
        fetched.sort(key=lambda row: dates.get(row.id) or "", reverse=True)
        fetched.sort(key=lambda row: row.score, reverse=True)
        return fetched[:limit]

    def details(self, ids: list[int]) -> Any:
        """The winners' fields and snippets."""
        articles, attributions = self.articles, self.attributions
        on_attributions = self.scope == "attributions"
        snippet_of = attributions.c.content_text if on_attributions else articles.c.text
        tokens = _SNIPPET_TOKENS[self.scope]
        if self.postgres:
            options = (
                f"StartSel={_START}, StopSel={_END}, MaxWords={tokens}, "
                f"MinWords={tokens // 2}, ShortWord=0, MaxFragments=1"
            )
            snippet = func.ts_headline(
                literal_column(f"'{PG_TEXT_SEARCH_CONFIG}'::regconfig"),
                snippet_of,
                self._tsquery(),
                bindparam("headline_options", options),
            )
        else:
            snippet = func.snippet(literal_column(self.fts.name), 0, _START, _END, "…", tokens)
        columns: list[Any] = [
            self.indexed.c.id.label("id"),
            snippet.label("snippet"),
            articles.c.key,
            articles.c.title,
            articles.c.published,
            self.outlets.c.name.label("outlet"),
        ]
        if on_attributions:
            columns += [
                attributions.c.said_on,
                attributions.c.speaker,
                attributions.c.speaker_as_written,
                attributions.c.kind,
                attributions.c.speaker_id,
                attributions.c.role,
                attributions.c.anonymous,
                attributions.c.via,
                attributions.c.said_on_precision,
                attributions.c.confidence,
            ]
        if self.postgres:
            # ts_headline does not mark where it cut: compare with the text (see _marked).
            columns.append(snippet_of.label("whole") if on_attributions else snippet_of)
        statement = select(*columns).select_from(self._from(True))
        if self.postgres:
            return statement.where(self.indexed.c.id.in_(ids))
        # snippet() needs the MATCH; the rowid list keeps it to the winners. "+ 0" keeps
        # the list away from FTS5, which would redo the whole MATCH once per id (a prefix
        # such as "repu*" 50 times over); filtering its stream of rowids costs far less.
        return statement.where(self._match(), (self.fts.c.rowid + 0).in_(ids))

    def hit(self, row: Any, score: float) -> SearchHit:
        whole = None
        if self.postgres:
            whole = row.whole if self.scope == "attributions" else row.text
        snippet, highlights = _marked(row.snippet or "", whole)
        common = {
            "scope": self.scope,
            "article_key": row.key,
            "title": row.title,
            "outlet": row.outlet,
            "published": row.published,
            "snippet": snippet,
            "highlights": highlights,
            "score": float(score),
        }
        if self.scope == "articles":
            return SearchHit(**common)
        return SearchHit(
            **common,
            attribution_id=row.id,
            said_on=row.said_on,
            speaker=row.speaker,
            speaker_as_written=row.speaker_as_written,
            kind=row.kind,
            speaker_id=row.speaker_id,
            role=row.role,
            anonymous=row.anonymous,
            via=row.via,
            said_on_precision=row.said_on_precision,
            confidence=row.confidence,
        )
