"""Full-text search: the query language, filters, snippets, and an index that stays current.

Every store test runs against SQLite (FTS5) and, when one is reachable, PostgreSQL
(``tsvector``; see ``conftest.py``): the same query must find the same attributions on
both. The example articles are ingested once per database for the read-only tests.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import delete, select, update
from typer.testing import CliRunner

from saidwhat.cli import app
from saidwhat.model import Article
from saidwhat.store import Store, ingest_items, open_store
from saidwhat.store.schema import StoredArticle, StoredAttribution
from saidwhat.store.search import (
    MARK_END,
    MARK_START,
    Atom,
    QueryError,
    SearchError,
    SearchHit,
    _marked,
    parse_query,
    search,
    to_fts5,
    to_tsquery,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "examples"
PEACE_NEWS = "peace-news-2022-12-milley"
PRESS_CONFERENCE = "milley-press-conference-2022-11-17"

needs_examples = pytest.mark.skipif(
    not (EXAMPLES / "articles.jsonl").is_file(), reason="shared example articles not present"
)


def _matched(hit: SearchHit) -> list[str]:
    """The highlighted words of a hit, checked to sit between the markers."""
    words = []
    for start, end in hit.highlights:
        assert hit.snippet[start - len(MARK_START) : start] == MARK_START, hit.snippet
        assert hit.snippet[end : end + len(MARK_END)] == MARK_END, hit.snippet
        words.append(hit.snippet[start:end])
    return words


def _ids(hits: list[SearchHit]) -> list[int | None]:
    return [hit.attribution_id for hit in hits]


def _content(store: Store, attribution_id: int | None) -> str:
    with store.session() as session:
        return session.get(StoredAttribution, attribution_id).content_text


# --- the query language -------------------------------------------------------------------


def test_words_phrases_prefixes_and_operators_are_rendered_for_both_databases() -> None:
    parsed = parse_query('Milley "peace talks" negotiat* OR ceasefire -Kyiv')

    assert parsed.groups[0].include == (
        Atom(("milley",)),
        Atom(("peace", "talks")),
        Atom(("negotiat",), prefix=True),
    )
    assert parsed.groups[1].include == (Atom(("ceasefire",)),)
    assert parsed.groups[1].exclude == (Atom(("kyiv",)),)
    assert to_fts5(parse_query('Milley "peace talks" negotiat*')) == (
        '("milley" AND "peace talks" AND "negotiat" *)'
    )
    assert to_fts5(parse_query("talks OR ceasefire -Kyiv")) == (
        '("talks") OR (("ceasefire") NOT "kyiv")'
    )
    assert to_tsquery(parse_query('Milley "peace talks" negotiat*')) == (
        "('milley' & ('peace' <-> 'talks') & 'negotiat':*)"
    )
    assert to_tsquery(parse_query("talks OR ceasefire NOT Kyiv")) == (
        "('talks') | ('ceasefire' & !'kyiv')"
    )


def test_words_are_split_as_the_indexes_split_text() -> None:
    # "U.S." and "Poland's" are two tokens each in both indexes: searched as phrases.
    assert parse_query("U.S.").groups[0].include == (Atom(("u", "s")),)
    assert to_fts5(parse_query("Poland's")) == '("poland s")'
    # PostgreSQL's parser keeps "cease-fire" whole as well: looked for both ways there.
    assert to_tsquery(parse_query("cease-fire*")) == ("((('cease' <-> 'fire':*) | 'cease-fire':*))")
    # Lower-case operators are words, as in FTS5.
    assert parse_query("war and peace").groups[0].include == (
        Atom(("war",)),
        Atom(("and",)),
        Atom(("peace",)),
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"peace talks', "unbalanced quote"),
        ('Milley "', "unbalanced quote"),
        ("", "empty query"),
        ("   ", "empty query"),
        ("OR peace", "OR at the start"),
        ("peace OR", "OR at the end"),
        ("peace AND OR talks", "OR after AND"),
        ("peace NOT", "NOT at the end"),
        ("NOT peace", "cannot only exclude"),
        ("talks OR -peace", "cannot only exclude"),
        ("peace NOT NOT war", "NOT NOT"),
        ("peace -", "'-' must be followed"),
        ("*", "'*' must follow"),
        ("ne*go", "'*' can only end a word"),
        ('""', "empty phrase"),
        ("!!! &", "nothing to search for: '!!! &' has no letters or digits"),
        ('peace "!!!"', "no letters or digits"),
        ("x" * 1001, "query too long"),
        (" ".join(["w"] * 33), "too many words"),
    ],
)
def test_invalid_queries_are_explained(query: str, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        parse_query(query)


def test_marked_snippets_give_highlight_offsets() -> None:
    raw = "said \ue000peace\ue001 \ue000talks\ue001\n\nwould \ue000end\ue001 it"
    snippet, highlights = _marked(raw)

    assert snippet == "said «peace talks» would «end» it"  # adjacent matches merged
    assert [snippet[start:end] for start, end in highlights] == ["peace talks", "end"]
    # PostgreSQL's headline keeps neither the edges' punctuation nor a mark where it cut.
    whole = "“We said peace talks would end it,” he said. More words follow."
    snippet, highlights = _marked("said \ue000peace\ue001 talks would end it", whole)
    assert snippet == "…said «peace» talks would end it,”…"
    assert [snippet[start:end] for start, end in highlights] == ["peace"]
    snippet, highlights = _marked("\ue000Peace\ue001 talks", "“Peace talks.”")
    assert (snippet, highlights) == ("“«Peace» talks.”", ((2, 7),))


# --- searching the examples --------------------------------------------------------------


@needs_examples
def test_prefix_search_finds_milley_statements_with_the_match_highlighted(
    examples: Store,
) -> None:
    hits = search(examples, "negotiat*")

    assert len(hits) >= 8
    assert {hit.article_key for hit in hits} == {PEACE_NEWS, PRESS_CONFERENCE}
    milley = [hit for hit in hits if hit.speaker == "Mark Milley"]
    assert len(milley) >= 5
    for hit in hits:
        words = _matched(hit)
        assert words, hit.snippet
        assert all(word.lower().startswith("negotiat") for word in words), words
        assert hit.kind in ("direct", "indirect", "mixed")
        assert "negotiat" in _content(examples, hit.attribution_id).lower()
    assert {"negotiate", "negotiations"} <= {w.lower() for hit in hits for w in _matched(hit)}
    # Best first.
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)
    take_it = [hit for hit in milley if "take it" in hit.snippet]
    assert take_it and take_it[0].outlet is not None and take_it[0].said_on == "2022-11-09"


@needs_examples
def test_a_whole_word_finds_fewer_than_its_prefix(examples: Store) -> None:
    word = search(examples, "negotiate", limit=1000)
    prefix = search(examples, "negotiat*", limit=1000)

    assert word and set(_ids(word)) < set(_ids(prefix))
    assert all(w.lower() == "negotiate" for hit in word for w in _matched(hit))


@needs_examples
def test_speaker_filter_matches_resolved_or_written_speaker(examples: Store) -> None:
    everything = search(examples, "negotiat*", limit=1000)
    by_milley = search(examples, "negotiat*", speaker="milley", limit=1000)

    expected = [
        hit for hit in everything if "milley" in f"{hit.speaker} {hit.speaker_as_written}".lower()
    ]
    assert by_milley and _ids(by_milley) == _ids(expected)
    assert _ids(search(examples, "negotiat*", speaker="MILLEY", limit=1000)) == _ids(by_milley)
    # "he" resolved to Mark Milley is Milley's statement too.
    assert any(hit.speaker_as_written == "he" for hit in by_milley)
    assert search(examples, "negotiat*", speaker="Chomsky%") == []  # % is not a wildcard


@needs_examples
def test_outlet_filter(examples: Store) -> None:
    hits = search(examples, "Ukraine", outlet="Peace News", limit=1000)

    assert hits and {hit.outlet for hit in hits} == {"Peace News"}
    assert {hit.article_key for hit in hits} == {PEACE_NEWS}
    assert _ids(search(examples, "Ukraine", outlet="peace", limit=1000)) == _ids(hits)
    assert search(examples, "Ukraine", outlet="The Daily Nothing") == []


@needs_examples
def test_date_filters_compare_when_it_was_said(examples: Store) -> None:
    everything = search(examples, "negotiat*", limit=1000)
    on_the_day = search(examples, "negotiat*", since="2022-11-16", until="2022-11-16", limit=1000)

    assert on_the_day
    assert {hit.said_on for hit in on_the_day} == {"2022-11-16"}
    assert _ids(on_the_day) == _ids([hit for hit in everything if hit.date == "2022-11-16"])
    # Both articles reported that day's press conference, a month or more before one of
    # them was published: the statement date counts, not the publication date.
    assert {hit.article_key for hit in on_the_day} == {PEACE_NEWS, PRESS_CONFERENCE}
    assert any(hit.published == "2022-12" for hit in on_the_day)  # the December issue

    # A month or year means all of it.
    november = search(examples, "negotiat*", since="2022-11", until="2022-11", limit=1000)
    assert _ids(november) == _ids([h for h in everything if h.date.startswith("2022-11")])
    since = search(examples, "negotiat*", since="2022-11-17", limit=1000)
    assert _ids(since) == _ids([hit for hit in everything if hit.date >= "2022-11-17"])
    until = search(examples, "negotiat*", until="2022", limit=1000)
    assert _ids(until) == _ids(everything)
    # "2022-08" (said "in August") overlaps August 2022 and nothing later.
    assert "2022-08" in [hit.said_on for hit in search(examples, "negotiat*", until="2022-08-31")]
    assert "2022-08" not in [hit.said_on for hit in search(examples, "negotiat*", since="2022-09")]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"since": "2022-13"}, "not a real date"),
        ({"until": "2022-02-30"}, "not a real date"),
        ({"since": "16/11/2022"}, "ISO date"),
        ({"since": "yesterday"}, "ISO date"),
        ({"since": "2022-11-17", "until": "2022-11-16"}, "is after until"),
        ({"kind": "quoted"}, "kind must be one of"),
        ({"limit": 0}, "limit must be"),
        ({"scope": "outlets"}, "scope must be"),
    ],
)
def test_invalid_filters_are_explained(
    examples: Store, arguments: dict[str, object], message: str
) -> None:
    with pytest.raises(SearchError, match=message):
        search(examples, "negotiat*", **arguments)


@needs_examples
def test_kind_filter(examples: Store) -> None:
    direct = search(examples, "negotiat*", kind="direct", limit=1000)
    indirect = search(examples, "negotiat*", kind="indirect", limit=1000)

    assert direct and {hit.kind for hit in direct} == {"direct"}
    assert indirect and {hit.kind for hit in indirect} == {"indirect"}
    assert not set(_ids(direct)) & set(_ids(indirect))


@needs_examples
def test_phrase_query_matches_the_words_in_order(examples: Store) -> None:
    phrase = search(examples, '"peace talks"', limit=1000)
    words = search(examples, "peace talks", limit=1000)

    assert phrase and set(_ids(phrase)) <= set(_ids(words))
    for hit in phrase:
        assert "peace talks" in " ".join(_content(examples, hit.attribution_id).lower().split())
        assert [word.lower() for word in _matched(hit)] == ["peace talks"]
    assert search(examples, '"talks peace"') == []


@needs_examples
def test_or_and_not(examples: Store) -> None:
    negotiat = set(_ids(search(examples, "negotiat*", limit=1000)))
    ceasefire = set(_ids(search(examples, "withdraw*", limit=1000)))
    either = set(_ids(search(examples, "negotiat* OR withdraw*", limit=1000)))
    without = search(examples, "negotiat* -Milley", limit=1000)

    assert ceasefire - negotiat and either == negotiat | ceasefire
    assert without and set(_ids(without)) < negotiat
    for hit in without:  # excluded everywhere the query looks: the content and the speaker
        assert "milley" not in f"{hit.speaker} {hit.speaker_as_written}".lower()
        assert "milley" not in _content(examples, hit.attribution_id).lower()


@needs_examples
def test_speaker_names_are_searched_too(examples: Store) -> None:
    hits = search(examples, "Chomsky negotiat*")

    assert hits and {hit.speaker for hit in hits} == {"Noam Chomsky"}


@needs_examples
@pytest.mark.parametrize(
    "query",
    [
        "content_text:negotiate",
        "NEAR(peace talks)",
        "speaker : Milley",
        "'; DROP TABLE attributions; --",
        "negotiat* ^peace {speaker}",
        "peace & !war | talks:*",
        "a\\'b",
    ],
)
def test_hostile_queries_are_plain_words(examples: Store, query: str) -> None:
    # Operators of either database's syntax are just words here: no error, no injection.
    search(examples, query)
    assert search(examples, "negotiat*")


@needs_examples
def test_a_query_the_database_refuses_is_a_clean_error(
    examples: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    import saidwhat.store.search as module

    # Cannot happen with the real renderers; if a bug ever made one, the user gets a message.
    monkeypatch.setattr(module, "to_fts5", lambda parsed: 'AND AND "')
    monkeypatch.setattr(module, "to_tsquery", lambda parsed: "& & '")
    with pytest.raises(QueryError, match="could not run the query 'peace'"):
        search(examples, "peace")


@needs_examples
def test_case_and_accents_are_ignored(examples: Store) -> None:
    assert _ids(search(examples, "NEGOTIAT*")) == _ids(search(examples, "negotiat*"))
    assert _ids(search(examples, "Zelenskyy")) == _ids(search(examples, "zelenskyy"))


@needs_examples
def test_limit_keeps_the_best(examples: Store) -> None:
    everything = search(examples, "negotiat*", limit=1000)

    assert _ids(search(examples, "negotiat*", limit=3)) == _ids(everything[:3])


@needs_examples
def test_article_search(examples: Store) -> None:
    hits = search(examples, "negotiat*", scope="articles")

    assert {hit.article_key for hit in hits} == {PEACE_NEWS, PRESS_CONFERENCE}
    assert all(hit.attribution_id is None and hit.speaker is None for hit in hits)
    assert all(_matched(hit) for hit in hits)
    assert "attribution_id" not in hits[0].to_json()
    peace = search(examples, "negotiat*", scope="articles", since="2022-12")
    assert [hit.article_key for hit in peace] == [PEACE_NEWS]  # published 2022-12
    chomsky = search(examples, "negotiat*", scope="articles", speaker="Chomsky")
    assert [hit.article_key for hit in chomsky] == [PEACE_NEWS]
    titled = search(examples, '"sustained public campaign"', scope="articles")
    assert [hit.article_key for hit in titled] == [PEACE_NEWS]


@needs_examples
def test_json_shape(examples: Store) -> None:
    record = search(examples, "negotiat*", speaker="Milley", limit=1)[0].to_json()

    assert set(record) == {
        "scope",
        "attribution_id",
        "article_key",
        "title",
        "outlet",
        "published",
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
        "snippet",
        "highlights",
        "score",
    }
    assert 0.0 < record["confidence"] <= 1.0
    start, end = record["highlights"][0]
    assert record["snippet"][start - 1 : end + 1].lower().startswith("«negotiat")
    json.dumps(record)


def _insert_statement(
    store: Store,
    key: str,
    content: str,
    said_on: str | None,
    published: str = "2020-06-01",
    confidence: float = 0.9,
) -> None:
    """An article holding one direct quote, written straight into the tables."""
    text = f"“{content},” Ana Sato said."
    with store.begin_write() as connection:
        article_id = connection.execute(
            StoredArticle.__table__.insert()
            .values(
                key=key,
                text_hash=key.ljust(64, "0"),
                text=text,
                published=published,
                word_count=len(text.split()),
                ingested_at=datetime.now(UTC),
                extractor_version="test",
            )
            .returning(StoredArticle.id)
        ).scalar_one()
        end = len(content) + 1
        connection.execute(
            StoredAttribution.__table__.insert().values(
                article_id=article_id,
                position=0,
                kind="direct",
                speaker="Ana Sato",
                speaker_as_written="Ana Sato",
                confidence=confidence,
                source_spans=[[end + 3, end + 11]],
                cue_spans=[[end + 12, end + 16]],
                content_spans=[[1, end]],
                speaker_spans=[[end + 3, end + 11]],
                frame_spans=[[0, len(text)]],
                anonymous=False,
                said_on=said_on,
                source_text="Ana Sato",
                cue_text="said",
                content_text=content,
            )
        )


def test_min_confidence_keeps_only_attributions_the_extractor_was_sure_of(
    store_url: str,
) -> None:
    with open_store(store_url) as store:
        _insert_statement(store, "sure", "The ferry will run all winter", None, confidence=0.95)
        _insert_statement(store, "unsure", "The ferry may stop in winter", None, confidence=0.3)
        _insert_statement(store, "edge", "The ferry runs on Sundays", None, confidence=0.7)

        everything = search(store, "ferry")
        confident = search(store, "ferry", min_confidence=0.7)
        with pytest.raises(SearchError, match="between 0 and 1"):
            search(store, "ferry", min_confidence=1.5)

    assert {hit.article_key for hit in everything} == {"sure", "unsure", "edge"}
    assert {hit.article_key for hit in confident} == {"sure", "edge"}  # at the bar counts
    assert {hit.article_key: hit.confidence for hit in confident} == {
        "sure": pytest.approx(0.95),
        "edge": pytest.approx(0.7),
    }


def test_equal_relevance_goes_to_the_latest_statement(store_url: str) -> None:
    # 30 copies of one quote: equal scores, so the date decides, newest first, undated last.
    dates = [f"2021-{month:02d}-{day:02d}" for month in (3, 1, 2) for day in range(1, 10)]
    with open_store(store_url) as store:
        for number, said_on in enumerate([*dates, None, "2021-02", None]):
            _insert_statement(store, f"copy-{number:02d}", "The bridge will open in May", said_on)
        _insert_statement(store, "other", "A bridge, a bridge, the bridge is late", "2019-01-01")

        everything = search(store, "bridge", limit=1000)
        assert everything[0].article_key == "other"  # says "bridge" three times: more relevant
        copies = [hit.said_on for hit in everything[1:]]
        # "2021-02" (known to the month) sorts after the days of February.
        assert copies == [*sorted([*dates, "2021-02"], reverse=True), None, None]

        for limit in (1, 2, 6, 28, 30, 32):
            # Without filters the ties are settled apart from the ranking query (and, with
            # more ties than it fetched, by the full query); with one, in SQL: both agree.
            fast = search(store, "bridge", limit=limit)
            full = search(store, "bridge", limit=limit, speaker="Ana")
            assert _ids(fast) == _ids(full) == _ids(everything[:limit]), limit


def test_punctuated_words_are_found_on_both_databases(store_url: str) -> None:
    with open_store(store_url) as store:
        _insert_statement(store, "a", "U.S. officials back the cease-fire", "2022-01-01")
        _insert_statement(store, "b", "The cease fire held, the officials of the US said", None)
        _insert_statement(store, "c", "Poland's view is that it's over", None)

        assert [hit.article_key for hit in search(store, "U.S.")] == ["a"]
        assert [hit.article_key for hit in search(store, '"U.S. officials"')] == ["a"]
        assert {hit.article_key for hit in search(store, "cease-fire")} == {"a", "b"}
        assert {hit.article_key for hit in search(store, "cease-f*")} == {"a", "b"}
        assert [hit.article_key for hit in search(store, "Poland's")] == ["c"]
        assert [hit.article_key for hit in search(store, "it's over")] == ["c"]


# --- the index follows the tables ---------------------------------------------------------


def _fts5_consistent(store: Store) -> None:
    """FTS5's own check that an external-content index matches its table (SQLite only)."""
    if store.dialect != "sqlite":
        return
    with store.begin_write() as connection:
        for table in ("attributions_fts", "articles_fts"):
            connection.exec_driver_sql(
                f"INSERT INTO {table}({table}, rank) VALUES ('integrity-check', 1)"
            )


def test_results_follow_inserts_updates_and_deletes(store_url: str) -> None:
    first = Article(id="harbour", text="The mayor said the harbour would reopen in spring.")
    second = Article(
        id="zanzibar",
        text="“The ferries to Zanzibar will run again,” the transport minister said on Monday.",
        outlet="Island Times",
    )
    with open_store(store_url) as store:
        ingest_items(store, [first])
        assert search(store, "Zanzibar") == []
        assert search(store, "zanzibar", scope="articles") == []

        ingest_items(store, [second])
        [hit] = search(store, "Zanzibar")
        assert hit.article_key == "zanzibar" and hit.outlet == "Island Times"
        assert _matched(hit) == ["Zanzibar"]
        assert [h.article_key for h in search(store, "zanzibar", scope="articles")] == ["zanzibar"]
        _fts5_consistent(store)

        with store.begin_write() as connection:
            connection.execute(
                update(StoredAttribution)
                .where(StoredAttribution.id == hit.attribution_id)
                .values(content_text="The ferries to Pemba will run again", speaker="Ana Sato")
            )
            connection.execute(
                update(StoredArticle)
                .where(StoredArticle.key == "harbour")
                .values(title="Lighthouse keepers")
            )
        assert search(store, "Zanzibar") == []
        assert _ids(search(store, "Pemba")) == [hit.attribution_id]
        assert _ids(search(store, "Pemba", speaker="sato")) == [hit.attribution_id]
        assert [h.article_key for h in search(store, "lighthouse", scope="articles")] == ["harbour"]
        _fts5_consistent(store)

        with store.begin_write() as connection:  # attributions go with it (ON DELETE CASCADE)
            connection.execute(delete(StoredArticle).where(StoredArticle.key == "zanzibar"))
            remaining = connection.execute(select(StoredAttribution.id)).scalars().all()
        assert hit.attribution_id not in remaining
        assert search(store, "Pemba") == []
        assert search(store, "zanzibar", scope="articles") == []
        assert search(store, "harbour")  # the other article is still found
        _fts5_consistent(store)


# --- command line -------------------------------------------------------------------------


@needs_examples
def test_cli_search_table(examples_url: str) -> None:
    result = CliRunner().invoke(
        app, ["search", "negotiat*", "--db", examples_url, "--speaker", "Milley", "--limit", "3"]
    )

    assert result.exit_code == 0, result.output
    assert "Mark Milley" in result.stdout
    assert "«negotiat" in result.stdout  # no terminal: the markers show the match
    assert "3 attributions matching 'negotiat*'" in result.stderr


@needs_examples
def test_cli_search_json_lines(examples_url: str) -> None:
    result = CliRunner().invoke(
        app,
        ["search", "negotiat*", "--db", examples_url, "--json", "--kind", "direct"],
    )

    assert result.exit_code == 0, result.output
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert records and {record["kind"] for record in records} == {"direct"}
    for record in records:
        start, end = record["highlights"][0]
        assert record["snippet"][start:end].lower().startswith("negotiat")


@needs_examples
def test_cli_search_articles_and_filters(examples_url: str) -> None:
    result = CliRunner().invoke(
        app,
        ["search", "negotiat*", "--db", examples_url, "--articles", "--outlet", "peace news"],
    )

    assert result.exit_code == 0, result.output
    assert PEACE_NEWS in result.stdout and PRESS_CONFERENCE not in result.stdout
    assert "1 article matching" in result.stderr


@needs_examples
@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (['"peace talks'], "unbalanced quote"),
        (["peace OR"], "OR at the end"),
        (["peace", "--since", "2022-13-01"], "since '2022-13-01' is not a real date"),
        (["peace", "--until", "last week"], "until must be an ISO date"),
        (["peace", "--kind", "quoted"], "Invalid value for '--kind'"),
    ],
)
def test_cli_search_errors_are_clean(examples_url: str, arguments: list[str], message: str) -> None:
    result = CliRunner().invoke(app, ["search", *arguments, "--db", examples_url])

    assert result.exit_code == 2
    assert message in result.stderr
    assert "Traceback" not in result.output


def test_terminal_highlights_replace_the_markers() -> None:
    from saidwhat.cli import _highlighted

    snippet, highlights = "said «peace talks» and «war»", ((6, 17), (24, 27))
    styled = _highlighted(snippet, highlights, markers=False)
    assert styled.plain == "said peace talks and war"
    assert [styled.plain[span.start : span.end] for span in styled.spans] == ["peace talks", "war"]
    # Where styles are lost (a pipe, NO_COLOR), the markers stay.
    plain = _highlighted(snippet, highlights, markers=True)
    assert plain.plain == snippet
    assert [plain.plain[span.start : span.end] for span in plain.spans] == ["peace talks", "war"]


def test_cli_search_needs_an_existing_database(tmp_path: Path) -> None:
    missing = tmp_path / "typo.db"
    result = CliRunner().invoke(app, ["search", "peace", "--db", str(missing)])

    assert result.exit_code == 2
    assert f"no database file {missing}" in result.stderr
    assert not missing.exists()  # not created empty


def test_cli_search_refuses_a_database_without_a_corpus(store_url: str) -> None:
    from sqlalchemy import create_engine, inspect, make_url

    url = make_url(store_url)
    if url.get_backend_name() == "sqlite":
        Path(url.database).touch()  # the file exists, but holds nothing
    result = CliRunner().invoke(app, ["export", "--format", "csv", "--db", store_url])

    assert result.exit_code == 2
    assert "E105: no saidwhat corpus in the database" in result.stderr
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            assert inspect(connection).get_table_names() == []  # nothing created
    finally:
        engine.dispose()


def test_cli_search_with_no_match_says_so(store_url: str) -> None:
    open_store(store_url).close()
    result = CliRunner().invoke(app, ["search", "zanzibar", "--db", store_url, "--json"])

    assert result.exit_code == 0
    assert result.stdout == ""
    assert "0 attributions matching 'zanzibar'" in result.stderr
