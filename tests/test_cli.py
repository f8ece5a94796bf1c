"""Command-line tests: what a user running ``saidwhat`` would check first.

Each test drives the real Typer app in-process (CliRunner), so that the model is loaded
once for the whole module (``load_nlp`` is cached) and the suite stays fast. stdout and
stderr are checked separately because the contract of ``--jsonl`` is that stdout carries
nothing but JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import typer
from typer.testing import CliRunner

from saidwhat import __version__
from saidwhat.cli import app

EXAMPLES = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "examples"
PEACE_NEWS = "peace-news-2022-12-milley"
PRESS_CONFERENCE = "milley-press-conference-2022-11-17"

needs_examples = pytest.mark.skipif(
    not (EXAMPLES / "articles.jsonl").is_file(), reason="shared example articles not present"
)


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    # click >= 8.2 keeps stdout and stderr apart (result.stdout / result.stderr).
    return CliRunner()


def _json_lines(stdout: str) -> list[dict]:
    """Parse stdout as JSONL, failing if any line is not JSON (the --jsonl contract)."""
    return [json.loads(line) for line in stdout.splitlines()]


def _assert_offsets_valid(record: dict, text: str) -> None:
    for attribution in record["attributions"]:
        for role in ("source", "cue", "content"):
            for start, end in attribution[role]:
                assert 0 <= start < end <= len(text), (record["id"], role, start, end)
        assert attribution["content"], "an attribution without content says nothing"


def _texts_by_id(path: Path) -> dict[str, str]:
    with open(path, encoding="utf-8") as handle:
        return {row["id"]: row["text"] for row in map(json.loads, handle)}


@needs_examples
def test_extract_jsonl_on_example_articles(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", "--jsonl", str(EXAMPLES / "articles.jsonl")])

    assert result.exit_code == 0, result.stderr
    records = _json_lines(result.stdout)
    assert [r["id"] for r in records] == [PEACE_NEWS, PRESS_CONFERENCE]
    texts = _texts_by_id(EXAMPLES / "articles.jsonl")
    for record in records:
        assert record["attributions"], record["id"]
        _assert_offsets_valid(record, texts[record["id"]])

    press = next(r for r in records if r["id"] == PRESS_CONFERENCE)
    text = texts[PRESS_CONFERENCE]
    milley_contents = [
        " ".join(text[s:e] for s, e in a["content"])
        for a in press["attributions"]
        if a["speaker"] == "Mark Milley"
    ]
    # This outlet's wording of the 9 November remark is "take it" (Peace News: "seize it").
    assert any("take it" in content for content in milley_contents), milley_contents
    assert "2 articles" in result.stderr


@needs_examples
def test_extract_min_confidence_drops_the_less_certain(runner: CliRunner) -> None:
    articles = str(EXAMPLES / "articles.jsonl")
    everything = _json_lines(runner.invoke(app, ["extract", "--jsonl", articles]).stdout)
    confidences = sorted(a["confidence"] for r in everything for a in r["attributions"])
    # Halfway between two shown (rounded) values, so rounding cannot put one on either side.
    bar = confidences[len(confidences) // 2] - 0.0005

    result = runner.invoke(app, ["extract", "--jsonl", "--min-confidence", str(bar), articles])

    assert result.exit_code == 0, result.stderr
    kept = [a["confidence"] for r in _json_lines(result.stdout) for a in r["attributions"]]
    assert kept and all(c >= bar for c in kept)
    assert len(kept) == sum(c >= bar for c in confidences) < len(confidences)
    bad = runner.invoke(app, ["extract", "--min-confidence", "2", articles])
    assert bad.exit_code == 2 and "--min-confidence" in bad.stderr


@needs_examples
def test_extract_folder_reports_each_article_once(runner: CliRunner) -> None:
    # The folder holds articles.jsonl and the same two articles as .txt files.
    result = runner.invoke(app, ["extract", "--jsonl", str(EXAMPLES)])

    assert result.exit_code == 0, result.stderr
    ids = [r["id"] for r in _json_lines(result.stdout)]
    assert sorted(ids) == sorted([PEACE_NEWS, PRESS_CONFERENCE])
    assert "2 duplicates skipped" in result.stderr


@needs_examples
def test_extract_table_output_is_readable(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", str(EXAMPLES / "articles.jsonl")])

    assert result.exit_code == 0, result.stderr
    assert PRESS_CONFERENCE in result.stdout
    assert "Peace News" in result.stdout
    assert "Mark Milley" in result.stdout


def test_same_id_with_different_text_is_kept_under_a_suffixed_id(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "story.txt").write_text("Smith said the plan would fail.\n", "utf-8")
    (tmp_path / "b" / "story.txt").write_text("Jones said the plan would work.\n", "utf-8")

    result = runner.invoke(app, ["extract", "--jsonl", str(tmp_path)])

    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in _json_lines(result.stdout)] == ["story", "story@story.txt"]


def test_broken_files_are_reported_and_the_good_article_still_processed(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "good.txt").write_text('"We will win," Smith said.\n', encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "lines.jsonl").write_text(
        '{"id": "ok-line", "text": "Jones said the plan would work."}\n{"id": "broken", "text":\n',
        encoding="utf-8",
    )

    result = runner.invoke(app, ["extract", "--jsonl", str(tmp_path)])

    assert result.exit_code == 1
    ids = {r["id"] for r in _json_lines(result.stdout)}  # stdout is still pure JSONL
    assert ids == {"good", "ok-line"}
    stderr = result.stderr
    assert f"error: {tmp_path / 'empty.txt'}: empty file" in stderr
    assert f"error: {tmp_path / 'binary.txt'}: binary file" in stderr
    assert f"error: {tmp_path / 'lines.jsonl'}:2: " in stderr
    assert "2 articles" in stderr
    assert "3 problems in 3 files:" in stderr


def test_missing_path_fails_with_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = runner.invoke(app, ["extract", "--jsonl", str(missing)])

    assert result.exit_code == 1
    assert result.stdout == ""
    assert f"{missing}: no such file or directory" in result.stderr


def test_folder_without_articles_fails_with_exit_1(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.docx").write_bytes(b"PK")
    result = runner.invoke(app, ["extract", str(tmp_path)])

    assert result.exit_code == 1
    assert "no articles found" in result.stderr


def test_crlf_offsets_index_the_file_as_written(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "crlf.txt"
    path.write_bytes(b'Intro line.\r\n\r\n"We will win," she said.\r\nEnd.\r\n')

    result = runner.invoke(app, ["extract", "--jsonl", str(path)])

    assert result.exit_code == 0, result.stderr
    [record] = _json_lines(result.stdout)
    with open(path, encoding="utf-8", newline="") as handle:
        text = handle.read()
    contents = ["".join(text[s:e] for s, e in a["content"]) for a in record["attributions"]]
    assert any("We will win," in content for content in contents), contents


def test_limit_stops_after_n_articles(runner: CliRunner, tmp_path: Path) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / f"{name}.txt").write_text(f"{name.upper()} said it would rain.", "utf-8")
    result = runner.invoke(app, ["extract", "--jsonl", "--limit", "2", str(tmp_path)])

    assert result.exit_code == 0, result.stderr
    assert [r["id"] for r in _json_lines(result.stdout)] == ["a", "b"]


def test_missing_model_exits_2_with_install_hint(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from saidwhat.extraction import pipeline

    def no_model() -> None:
        raise pipeline.ModelNotInstalledError("E001: no spaCy English model found. Install it")

    monkeypatch.setattr(pipeline, "load_nlp", no_model)
    (tmp_path / "a.txt").write_text("Smith said it.", "utf-8")
    result = runner.invoke(app, ["extract", str(tmp_path)])

    assert result.exit_code == 2
    assert "E001" in result.stderr
    assert "Traceback" not in result.output


def test_extractor_crash_loses_only_that_article(
    runner: CliRunner, tmp_path: Path, fragile_extractor: str
) -> None:
    (tmp_path / "a.txt").write_text("Smith said it would rain.", "utf-8")
    (tmp_path / "b.txt").write_text(f"{fragile_extractor}, Jones said.", "utf-8")
    result = runner.invoke(app, ["extract", "--jsonl", str(tmp_path)])

    assert result.exit_code == 1
    assert [r["id"] for r in _json_lines(result.stdout)] == ["a"]
    assert "error: b: extraction failed (RuntimeError: simulated extractor bug)" in result.stderr


def _tiny_brat_corpus(root: Path) -> Path:
    (root / "text").mkdir(parents=True)
    (root / "attributions").mkdir()
    (root / "text" / "x.txt").write_text("Smith said the plan would fail.", encoding="utf-8")
    (root / "attributions" / "x_a.ann").write_text(
        "T1\tSource 0 5\tSmith\n"
        "T2\tCue 6 10\tsaid\n"
        "T3\tContent 11 30\tthe plan would fail\n"
        "T4\tAttribution 6 10\tsaid\n"
        "E1\tAttribution:T4 Source:T1 Cue:T2 Content:T3\n",
        encoding="utf-8",
    )
    return root


def test_eval_brat_json_on_tiny_corpus(runner: CliRunner, tmp_path: Path) -> None:
    corpus = _tiny_brat_corpus(tmp_path / "corpus")

    result = runner.invoke(app, ["eval", "brat", str(corpus), "--json"])

    assert result.exit_code == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["articles"] == 1
    assert report["gold_attributions"] == 1
    assert report["attribution"]["lenient"]["f1"] == 1.0


def test_eval_brat_table_shows_speed(runner: CliRunner, tmp_path: Path) -> None:
    corpus = _tiny_brat_corpus(tmp_path / "corpus")

    result = runner.invoke(app, ["eval", "brat", str(corpus)])

    assert result.exit_code == 0, result.stderr
    assert "attribution lenient" in result.stdout
    assert "words/s" in result.stdout


def test_eval_brat_missing_folder_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "no-such-corpus"

    result = runner.invoke(app, ["eval", "brat", str(missing)])

    assert result.exit_code == 2
    assert str(missing) in result.stderr
    assert "does not exist" in result.stderr


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["version"])

    assert result.exit_code == 0
    assert result.stdout.strip() == __version__


def _walk(command: Any, path: str) -> list[tuple[str, Any]]:
    """Every command under ``command``; duck-typed, as Typer may vendor its own click."""
    found = [(path, command)]
    for name, sub in (getattr(command, "commands", None) or {}).items():
        found += _walk(sub, f"{path} {name}")
    return found


def test_every_command_and_option_has_help() -> None:
    root = typer.main.get_command(app)
    undocumented: list[str] = []
    commands = _walk(root, "saidwhat")
    assert {
        "saidwhat extract",
        "saidwhat ingest",
        "saidwhat search",
        "saidwhat export",
        "saidwhat eval brat",
        "saidwhat version",
    } <= {path for path, _ in commands}
    for path, command in commands:
        if not (command.help or "").strip():
            undocumented.append(path)
        for param in command.params:
            if not (getattr(param, "help", None) or "").strip():
                undocumented.append(f"{path} {param.name}")
    assert undocumented == []


def test_extract_help_lists_options(runner: CliRunner) -> None:
    result = runner.invoke(app, ["extract", "--help"])

    assert result.exit_code == 0
    assert "--jsonl" in result.stdout
