"""Statement clusters in the store: link, list, compare, and incremental runs."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from typer.testing import CliRunner

from saidwhat.cli import app
from saidwhat.store import ingest, open_store
from saidwhat.store.linking import link_store, reported_statements
from saidwhat.store.schema import StatementClusterRecord, StoredAttribution

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "examples"
PRESS = EXAMPLES / "milley-press-conference-2022-11-17.txt"
PEACE = EXAMPLES / "peace-news-2022-12-milley.txt"


def _versions_containing(statements: list, words: str) -> list:
    return [s for s in statements if any(words in v.content for v in s.versions)]


def test_milley_quotes_are_linked_across_the_two_outlets(store_url: str) -> None:
    with open_store(store_url) as store:
        ingest(store, [EXAMPLES / "articles.jsonl"])
        summary = link_store(store)
        assert summary.statements == summary.new_statements > 0
        statements = reported_statements(store, min_outlets=2)
        assert {s.speaker_id for s in statements} == {"mark-milley"}
        for words in ("take it", "political solution", "not high, militarily", "window"):
            found = _versions_containing(statements, words)
            assert found, words
            assert {v.outlet for v in found[0].versions} == {"Peace News", "unknown"}
        seize = _versions_containing(statements, "take it")[0]
        labels = {v.drift_label for v in seize.versions if not v.reference}
        assert labels and "verbatim" not in labels
        assert sum(v.reference for v in seize.versions) == 1


def test_linking_again_compares_only_new_statements(store_url: str) -> None:
    with open_store(store_url) as store:
        ingest(store, [PRESS])
        first = link_store(store)
        with store.begin_read() as connection:
            before = {
                row.id: row.cluster_id
                for row in connection.execute(
                    select(StoredAttribution.id, StoredAttribution.cluster_id)
                )
            }
        ingest(store, [PEACE])
        second = link_store(store)
        assert second.new_statements == second.statements - first.statements > 0
        with store.begin_read() as connection:
            after = {
                row.id: row.cluster_id
                for row in connection.execute(
                    select(StoredAttribution.id, StoredAttribution.cluster_id)
                )
            }
            clusters = connection.execute(
                select(func.count()).select_from(StatementClusterRecord)
            ).scalar()
        # Statements linked before keep their clusters; the new ones joined them.
        assert all(after[key] == value for key, value in before.items())
        assert clusters == second.clusters
        assert len(set(after.values()) & set(before.values())) == len(set(before.values()))
        # Plain .txt files name no outlet: the versions are what counts here.
        statements = reported_statements(store, min_outlets=1, min_versions=2)
        assert _versions_containing(statements, "take it")
        rebuilt = link_store(store, rebuild=True)
        assert rebuilt.new_statements == rebuilt.statements


def test_cli_link_and_statements(examples_url: str) -> None:
    runner = CliRunner()
    linked = runner.invoke(app, ["link", "--db", examples_url, "--json"])
    assert linked.exit_code == 0, linked.stderr
    assert json.loads(linked.stdout)["across_outlets"] >= 4
    listed = runner.invoke(app, ["statements", "--db", examples_url, "--json"])
    assert listed.exit_code == 0, listed.stderr
    records = [json.loads(line) for line in listed.stdout.splitlines()]
    assert records and all(r["outlets"] >= 2 for r in records)
    assert all(r["versions"][0]["reference"] for r in records)
    by_speaker = runner.invoke(
        app, ["statements", "--db", examples_url, "--speaker", "General Milley"]
    )
    assert by_speaker.exit_code == 0 and "Mark Milley" in by_speaker.stdout
    nobody = runner.invoke(app, ["statements", "--db", examples_url, "--speaker", "Nobody"])
    assert nobody.exit_code == 1 and "no speaker named 'Nobody'" in nobody.stderr


def test_cli_compare_files_json_and_html(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(app, ["compare", str(PRESS), str(PEACE), "--json"])
    assert result.exit_code == 0, result.stderr
    record = json.loads(result.stdout)
    assert len(record["shared"]) >= 4
    take = [p for p in record["shared"] if "take it" in p["left"]["text"]]
    assert take and "seize" in take[0]["right"]["text"]
    assert take[0]["drift"]["label"] != "verbatim"
    assert {p["left"]["speaker_id"] for p in record["shared"]} == {"mark-milley"}
    assert record["left_only"] and record["right_only"]
    page = runner.invoke(app, ["compare", str(PRESS), str(PEACE), "--html"])
    assert page.exit_code == 0
    assert page.stdout.lstrip().lower().startswith("<!doctype html")
    assert "<del>" in page.stdout and "<ins>" in page.stdout
    assert "http://" not in page.stdout and "https://" not in page.stdout


def test_cli_compare_picks_articles_and_reports_bad_input(examples_url: str) -> None:
    runner = CliRunner()
    jsonl = EXAMPLES / "articles.jsonl"
    picked = runner.invoke(
        app,
        [
            "compare",
            f"{jsonl}#milley-press-conference-2022-11-17",
            f"{jsonl}#peace-news-2022-12-milley",
            "--json",
        ],
    )
    assert picked.exit_code == 0, picked.stderr
    assert len(json.loads(picked.stdout)["shared"]) >= 4
    both = runner.invoke(app, ["compare", str(jsonl), str(PEACE)])
    assert both.exit_code == 1 and "2 articles" in both.stderr
    stored = runner.invoke(
        app,
        [
            "compare",
            "milley-press-conference-2022-11-17",
            "peace-news-2022-12-milley",
            "--db",
            examples_url,
            "--json",
        ],
    )
    assert stored.exit_code == 0, stored.stderr
    assert len(json.loads(stored.stdout)["shared"]) >= 4
    missing = runner.invoke(
        app, ["compare", "nope", "peace-news-2022-12-milley", "--db", examples_url]
    )
    assert missing.exit_code == 1 and "no article 'nope'" in missing.stderr


def test_a_stump_line_said_on_two_dated_days_is_two_statements(
    store_url: str, tmp_path: Path
) -> None:
    line = "“We have come a long way in the last nine months,”"
    articles = [
        # dated by the articles to Wednesday 3 and Monday 8 February: two speeches
        ("town-hall", "2016-02-04", f"{line} Sanders told a town hall on Wednesday."),
        ("nashua", "2016-02-09", f"{line} Sanders told supporters in Nashua on Monday."),
        # no date of its own: a report of the Nashua speech, or any other
        ("recap", "2016-02-10", f"{line} Sanders said."),
    ]
    path = tmp_path / "stump.jsonl"
    path.write_text(
        "".join(
            json.dumps({"id": key, "outlet": key, "published": day, "text": text}) + "\n"
            for key, day, text in articles
        ),
        encoding="utf-8",
    )
    with open_store(store_url) as store:
        ingest(store, [path])
        link_store(store)
        with store.begin_read() as connection:
            rows = connection.execute(
                select(StoredAttribution.said_on, StoredAttribution.cluster_id)
            ).all()
    clusters = {said_on: cluster for said_on, cluster in rows}
    assert set(clusters) == {"2016-02-03", "2016-02-08", "2016-02-10"}
    assert clusters["2016-02-03"] != clusters["2016-02-08"]
    assert clusters["2016-02-10"] in (clusters["2016-02-03"], clusters["2016-02-08"])
