"""Canonical speakers in the store: ids written after ingest, corrections kept, listings."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from saidwhat.resolve import AliasRules
from saidwhat.store import Store, ingest, open_store
from saidwhat.store.schema import SpeakerRecord, SpeakerRule, StoredArticle, StoredAttribution
from saidwhat.store.search import search
from saidwhat.store.speakers import (
    add_rules,
    ensure_speakers,
    list_speakers,
    refresh_speakers,
    speaker_timeline,
    stored_directory,
    stored_rules,
)

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "examples"


def _rows(store: Store) -> list:
    with store.begin_read() as connection:
        return connection.execute(
            select(
                StoredArticle.key,
                StoredAttribution.speaker,
                StoredAttribution.speaker_as_written,
                StoredAttribution.speaker_id,
                StoredAttribution.role,
                StoredAttribution.anonymous,
                StoredAttribution.content_text,
            ).join(StoredArticle, StoredArticle.id == StoredAttribution.article_id)
        ).all()


def test_every_milley_statement_in_both_outlets_has_one_id(examples: Store) -> None:
    rows = _rows(examples)
    milley = [row for row in rows if row.speaker == "Mark Milley"]
    assert {row.key for row in milley} == {
        "peace-news-2022-12-milley",
        "milley-press-conference-2022-11-17",
    }
    assert {row.speaker_id for row in milley} == {"mark-milley"}
    # Whatever the article called him.
    written = {row.speaker_as_written for row in milley}
    assert {"Milley", "he"} <= written


def test_roles_and_unnamed_sources(examples: Store) -> None:
    rows = _rows(examples)
    austin = [row for row in rows if row.speaker_id == "lloyd-austin"]
    assert austin and {row.role for row in austin} == {"Defense Secretary"}
    officials = [row for row in rows if row.speaker_id == "anon-us-official"]
    assert {row.speaker_as_written.split(",")[0] for row in officials} == {
        "A US official",
        "US officials",
    }
    assert all(row.anonymous for row in officials)


def test_speaker_listing(examples: Store) -> None:
    speakers = {speaker.id: speaker for speaker in list_speakers(examples)}
    milley = speakers["mark-milley"]
    assert list_speakers(examples)[0].id == "mark-milley"  # the most statements first
    assert milley.name == "Mark Milley"
    assert set(milley.outlets) == {"Peace News", "unknown"}
    assert milley.first_said == "2022-11-09"
    assert "Milley" in milley.aliases
    assert "he" not in milley.aliases
    assert 1 <= len(milley.roles) <= 3
    assert speakers["lloyd-austin"].roles == ["Defense Secretary"]
    assert speakers["anon-us-official"].anonymous
    assert speakers["anon-us-official"].to_json()["anonymous"] is True
    people = list_speakers(examples, kind="person")
    assert people and all(speaker.kind == "person" for speaker in people)


def test_timeline_is_in_the_order_things_were_said(examples: Store) -> None:
    entries = speaker_timeline(examples, "mark-milley")
    dates = [entry.said_on or entry.published for entry in entries]
    assert dates == sorted(dates)
    assert {entry.outlet for entry in entries} == {"Peace News", "unknown"}
    november_16 = speaker_timeline(examples, "mark-milley", since="2022-11-16", until="2022-11-16")
    assert november_16 and all(e.said_on == "2022-11-16" for e in november_16)
    assert any("political solution" in e.content for e in november_16)


def test_search_by_canonical_speaker_and_unnamed_sources(examples: Store) -> None:
    by_name = search(examples, "negotiat*", speaker="Mark Milley", limit=100)
    by_id = search(examples, "negotiat*", speaker="mark-milley", limit=100)
    assert by_name and [h.attribution_id for h in by_name] == [h.attribution_id for h in by_id]
    assert {hit.speaker_id for hit in by_name} == {"mark-milley"}
    unnamed = search(examples, "ukrain*", anonymous=True, limit=100)
    assert unnamed and all(hit.anonymous for hit in unnamed)
    named = search(examples, "ukrain*", anonymous=False, limit=100)
    assert named and not any(hit.anonymous for hit in named)
    dated = search(examples, "negotiat*", precision="day", limit=100)
    assert dated and {hit.said_on_precision for hit in dated} == {"day"}
    secretary = search(examples, "contradicted", role="Secretary", limit=100)
    assert secretary and {hit.speaker_id for hit in secretary} == {"lloyd-austin"}


def test_alias_rules_are_kept_and_applied_by_later_refreshes(store_url: str) -> None:
    with open_store(store_url) as store:
        ingest(store, [EXAMPLES / "articles.jsonl"])
        rules = AliasRules(
            merges=[["Vladimir Putin", "Russia"]],
            renames={"mark-milley": "Gen. Mark A. Milley"},
        )
        assert add_rules(store, rules, source="aliases.yaml") == 2
        assert add_rules(store, rules, source="aliases.yaml") == 0  # loading twice is harmless
        refresh_speakers(store)
        assert stored_rules(store) == rules
        directory = stored_directory(store)
        assert directory.speakers["mark-milley"].name == "Gen. Mark A. Milley"
        assert directory.find("Russia").id == "vladimir-putin"
        with store.begin_read() as connection:
            sources = connection.execute(select(SpeakerRule.source)).scalars().all()
            ids = set(
                connection.execute(
                    select(StoredAttribution.speaker_id).where(
                        StoredAttribution.speaker.in_(["Russia", "Vladimir Putin"])
                    )
                ).scalars()
            )
        assert set(sources) == {"aliases.yaml"}
        assert ids == {"vladimir-putin"}
        # A later ingest re-resolves the corpus and still applies the saved rules.
        ingest(store, [EXAMPLES / "peace-news-2022-12-milley.txt"])
        assert stored_directory(store).speakers["mark-milley"].name == "Gen. Mark A. Milley"


# --- the commands ------------------------------------------------------------------------


def test_cli_speakers_json_and_table(examples_url: str) -> None:
    from typer.testing import CliRunner

    from saidwhat.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["speakers", "--db", examples_url, "--json", "--limit", "0"])
    assert result.exit_code == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    milley = records[0]
    assert (milley["id"], milley["name"], milley["kind"]) == (
        "mark-milley",
        "Mark Milley",
        "person",
    )
    assert set(milley["statements_by_outlet"]) == {"Peace News", "unknown"}
    assert any(r["id"] == "anon-us-official" and r["anonymous"] for r in records)
    table = runner.invoke(app, ["speakers", "--db", examples_url])
    assert table.exit_code == 0 and "Mark Milley" in table.stdout and "speakers" in table.stderr


def test_cli_speaker_timeline_by_any_name(examples_url: str) -> None:
    from typer.testing import CliRunner

    from saidwhat.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["speaker", "General Milley", "--db", examples_url, "--json"])
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert record["id"] == "mark-milley"
    said = [s["said_on"] for s in record["statements"]]
    assert "2022-11-16" in said and said == sorted(said)
    november = runner.invoke(
        app, ["speaker", "mark-milley", "--db", examples_url, "--since", "2022-11-16"]
    )
    assert november.exit_code == 0 and "political solution" in november.stdout
    missing = runner.invoke(app, ["speaker", "Mark Miley", "--db", examples_url])
    assert missing.exit_code == 1
    assert "no speaker named 'Mark Miley'" in missing.stderr and "Mark Milley" in missing.stderr


def test_cli_alias_file_is_saved_and_applied(store_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from saidwhat.cli import app

    runner = CliRunner()
    aliases = tmp_path / "aliases.csv"
    aliases.write_text(
        "action,name,target\nrename,mark-milley,Gen. Mark A. Milley\nmerge,Russia,Vladimir Putin\n",
        encoding="utf-8",
    )
    ingested = runner.invoke(
        app,
        ["ingest", "--db", store_url, "--aliases", str(aliases), str(EXAMPLES / "articles.jsonl")],
    )
    assert ingested.exit_code == 0, ingested.stderr
    listed = runner.invoke(app, ["speakers", "--db", store_url, "--json"])
    names = {r["id"]: r["name"] for r in map(json.loads, listed.stdout.splitlines())}
    assert names["mark-milley"] == "Gen. Mark A. Milley"
    assert "russia" not in names and "vladimir-putin" in names
    found = runner.invoke(
        app,
        ["search", "negotiat*", "--db", store_url, "--speaker", "Gen. Mark A. Milley", "--json"],
    )
    assert found.exit_code == 0 and found.stdout
    assert {json.loads(line)["speaker_id"] for line in found.stdout.splitlines()} == {"mark-milley"}
    exported = runner.invoke(app, ["export", "--db", store_url, "--format", "jsonl"])
    rows = [json.loads(line) for line in exported.stdout.splitlines()]
    assert {r["speaker_name"] for r in rows if r["speaker_id"] == "mark-milley"} == {
        "Gen. Mark A. Milley"
    }


def test_cli_bad_alias_file_names_the_problem(store_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from saidwhat.cli import app

    with open_store(store_url):
        pass
    bad = tmp_path / "aliases.yaml"
    bad.write_text("merge: [unclosed\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["speakers", "--db", store_url, "--aliases", str(bad)])
    assert result.exit_code == 2
    assert f"{bad}:" in result.stderr and "not valid YAML" in result.stderr


def test_outlets_compared_on_unnamed_sources(examples_url: str) -> None:
    from typer.testing import CliRunner

    from saidwhat.cli import app

    result = CliRunner().invoke(app, ["outlets", "--db", examples_url, "--json"])
    assert result.exit_code == 0, result.stderr
    outlets = {r["outlet"]: r for r in map(json.loads, result.stdout.splitlines())}
    assert set(outlets) == {"Peace News", "unknown"}
    peace = outlets["Peace News"]
    assert peace["articles"] == 1 and peace["statements"] > peace["anonymous"] > 0
    assert peace["unnamed_sources"]["US official"] == 2
    assert peace["anonymous_share"] == round(peace["anonymous"] / peace["statements"], 4)


def test_a_store_from_before_speaker_ids_gets_them_on_first_use(store_url: str) -> None:
    from typer.testing import CliRunner

    from saidwhat.cli import app

    with open_store(store_url) as store:
        ingest(store, [EXAMPLES / "articles.jsonl"])
        # As a store upgraded from schema 3 looks: names stored, no ids, no speakers.
        with store.begin_write() as connection:
            connection.execute(StoredAttribution.__table__.update().values(speaker_id=None))
            connection.execute(SpeakerRecord.__table__.delete())
    result = CliRunner().invoke(
        app, ["search", "negotiat*", "--db", store_url, "--speaker", "mark-milley", "--json"]
    )
    assert result.exit_code == 0, result.stderr
    hits = [json.loads(line) for line in result.stdout.splitlines()]
    assert hits and {hit["speaker_id"] for hit in hits} == {"mark-milley"}
    with open_store(store_url) as store:
        assert not ensure_speakers(store)  # done once, not on every command
