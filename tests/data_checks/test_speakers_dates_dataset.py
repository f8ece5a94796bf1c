"""Self-checks for the hand-labelled speaker/anonymity/date set in ``tests/data``.

The set (``speakers_dates_dev.jsonl``, described in ``tests/data/README.md``) measures the
extractor, so its shape must stay sound: every row parses, carries the labelled fields, points
at real text in its PolNeAR dev article, and dates each statement in the ISO form its
precision says.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "speakers_dates_dev.jsonl"
DEV_DIR = Path(__file__).resolve().parents[3] / "shared" / "data" / "polnear" / "dev"

REQUIRED_KEYS = {
    "article": str,
    "source": list,
    "cue": list,
    "content": list,
    "source_text": str,
    "cue_text": str,
    "content_preview": str,
    "anonymous": bool,
    "said_on": str,
    "said_on_precision": str,
    "said_on_basis": str,
}
PRECISION_FORMATS = {
    "day": re.compile(r"^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"),
    "month": re.compile(r"^\d{4}-(0[1-9]|1[0-2])$"),
    "year": re.compile(r"^\d{4}$"),
}
BASES = {"explicit", "relative", "publication", "context"}


def load_rows(path: Path = DATA_FILE) -> list[dict]:
    """Read the set: one JSON object per non-empty line."""
    rows = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as error:
                    raise AssertionError(f"{path.name}:{number}: not JSON ({error})") from error
    return rows


def _text_at(text: str, span: list) -> str:
    return " ".join(text[start:end] for start, end in span)


def _numbered(rows: list[dict]) -> Iterator[tuple[str, dict]]:
    for number, row in enumerate(rows, start=1):
        yield f"row {number} ({row.get('article')})", row


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return load_rows()


def test_every_row_has_the_required_keys(rows: list[dict]) -> None:
    for where, row in _numbered(rows):
        for key, kind in REQUIRED_KEYS.items():
            assert key in row, f"{where}: missing {key}"
            assert isinstance(row[key], kind), f"{where}: {key} is not {kind.__name__}"
        assert "speaker" in row, f"{where}: missing speaker"
        assert row["speaker"] is None or (
            isinstance(row["speaker"], str) and row["speaker"].strip()
        ), f"{where}: speaker must be a non-empty string or null"
        assert "said_on_evidence" in row, f"{where}: missing said_on_evidence"
        assert row["source"], f"{where}: every row needs a source span"


def test_spans_are_well_formed(rows: list[dict]) -> None:
    for where, row in _numbered(rows):
        for role in ("source", "cue", "content"):
            for fragment in row[role]:
                assert isinstance(fragment, list) and len(fragment) == 2, f"{where}: {role}"
                start, end = fragment
                assert isinstance(start, int) and isinstance(end, int), f"{where}: {role}"
                assert 0 <= start < end, f"{where}: {role} fragment {fragment}"


def test_dates_match_their_precision(rows: list[dict]) -> None:
    for where, row in _numbered(rows):
        precision = row["said_on_precision"]
        assert precision in PRECISION_FORMATS, f"{where}: precision {precision!r}"
        assert PRECISION_FORMATS[precision].match(row["said_on"]), (
            f"{where}: said_on {row['said_on']!r} is not a {precision} date"
        )
        assert row["said_on_basis"] in BASES, f"{where}: basis {row['said_on_basis']!r}"
        if row["said_on_basis"] == "publication":
            assert row["said_on_evidence"] is None, f"{where}: publication basis has evidence"
        else:
            assert row["said_on_evidence"], f"{where}: {row['said_on_basis']} needs evidence"


def test_anonymous_sources_are_unnamed(rows: list[dict]) -> None:
    for where, row in _numbered(rows):
        if row["anonymous"]:
            assert row["speaker"] is None, f"{where}: anonymous but named {row['speaker']!r}"


def test_size_and_mix(rows: list[dict]) -> None:
    assert len(rows) >= 150
    assert len({row["article"] for row in rows}) >= 12
    assert any(row["anonymous"] for row in rows)
    assert any(not row["anonymous"] and row["speaker"] for row in rows)
    keys = [
        (row["article"], tuple(map(tuple, row["source"])), tuple(map(tuple, row["cue"])))
        for row in rows
    ]
    assert len(keys) == len(set(keys)), "an attribution appears twice"


def test_offsets_match_the_article_text(rows: list[dict]) -> None:
    if not DEV_DIR.is_dir():
        pytest.skip(f"PolNeAR dev not found at {DEV_DIR} (it lives in ../shared beside the repo)")
    texts: dict[str, str] = {}
    for where, row in _numbered(rows):
        article = row["article"]
        if article not in texts:
            path = DEV_DIR / "text" / f"{article}.txt"
            assert path.is_file(), f"{where}: no article text {path.name}"
            with open(path, encoding="utf-8", newline="") as handle:
                texts[article] = handle.read()
        text = texts[article]
        for role in ("source", "cue", "content"):
            for _start, end in row[role]:
                assert end <= len(text), f"{where}: {role} runs past the text"
        assert row["source_text"] == _text_at(text, row["source"]), f"{where}: source_text"
        assert row["cue_text"] == _text_at(text, row["cue"]), f"{where}: cue_text"
        assert _text_at(text, row["content"]).startswith(row["content_preview"]), (
            f"{where}: content_preview"
        )
