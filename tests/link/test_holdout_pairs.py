"""Shape checks for the blind holdout set of statement pairs in ``tests/data``.

``statement_pairs_holdout.jsonl`` (described in ``tests/data/README.md``) was labelled by
reading before the linker ever ran on it, to measure the linker on pairs it was never tuned
on. These tests keep it sound: the row schema of ``statement_pairs.jsonl``, spans inside
their PolNeAR train/dev article with ``content_text`` and ``source_text`` exactly the text
there, drift labels from the documented set on linked pairs only, and no pair repeated from
``statement_pairs.jsonl`` (nor within the file).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[1] / "data"
HOLDOUT = DATA / "statement_pairs_holdout.jsonl"
TUNED = DATA / "statement_pairs.jsonl"
POLNEAR = Path(__file__).resolve().parents[3] / "shared" / "data" / "polnear"

#: Drift labels for linked pairs (b's wording relative to a); see the README.
DRIFT_LABELS = {
    "verbatim",
    "punctuation-only",
    "trimmed",
    "elided",
    "reworded",
    "paraphrased",
    "meaning-changed",
}
DRIFT_REASONS = {"negation", "modal", "number", "name", "speaker", "quantifier", "detail"}
ROW_KEYS = {"pair_id", "a", "b", "linked", "drift", "drift_reasons", "candidate_reason", "notes"}
SIDE_KEYS = {
    "article": str,
    "split": str,
    "publisher": str,
    "published": str,
    "source": list,
    "cue": list,
    "content": list,
    "source_text": str,
    "content_text": str,
    "speaker": str,
}


def load(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def key(side: dict) -> tuple[str, int]:
    """One attribution: its article and where its content starts (the scorer's id)."""
    return side["article"], side["content"][0][0]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return load(HOLDOUT)


def test_rows_follow_the_schema(rows: list[dict]) -> None:
    assert len(rows) >= 100
    assert sum(row["linked"] for row in rows) >= 25
    for number, row in enumerate(rows, start=1):
        assert set(row) == ROW_KEYS, row.get("pair_id")
        assert row["pair_id"] == f"hp{number:03d}"
        assert isinstance(row["linked"], bool)
        assert isinstance(row["candidate_reason"], str) and row["candidate_reason"]
        assert isinstance(row["notes"], str) and row["notes"]
        assert row["a"]["article"] != row["b"]["article"]
        for name in ("a", "b"):
            side = row[name]
            assert set(side) == set(SIDE_KEYS), f"{row['pair_id']}: {name} keys"
            for field, kind in SIDE_KEYS.items():
                assert isinstance(side[field], kind), f"{row['pair_id']}: {name}.{field}"
            assert side["speaker"].strip()
            assert side["split"] in {"train", "dev"}, "never the test split"
            assert side["source"] and side["content"]
            assert side["article"].startswith(f"{side['publisher']}_{side['published']}_")
            for role in ("source", "cue", "content"):
                for fragment in side[role]:
                    assert len(fragment) == 2 and 0 <= fragment[0] < fragment[1]


def test_drift_labels_are_documented(rows: list[dict]) -> None:
    for row in rows:
        if row["linked"]:
            assert row["drift"] in DRIFT_LABELS, row["pair_id"]
            assert set(row["drift_reasons"]) <= DRIFT_REASONS
            assert bool(row["drift_reasons"]) == (row["drift"] == "meaning-changed")
        else:
            assert row["drift"] is None and row["drift_reasons"] == [], row["pair_id"]


def test_no_pair_repeats(rows: list[dict]) -> None:
    tuned = {frozenset((key(row["a"]), key(row["b"]))) for row in load(TUNED)}
    seen: set[frozenset] = set()
    for row in rows:
        pair = frozenset((key(row["a"]), key(row["b"])))
        assert pair not in tuned, f"{row['pair_id']} is already in statement_pairs.jsonl"
        assert pair not in seen, f"{row['pair_id']} repeats a pair of the holdout"
        seen.add(pair)


def test_one_speaker_label_per_attribution(rows: list[dict]) -> None:
    speakers: dict[tuple[str, int], str] = {}
    for row in rows:
        for name in ("a", "b"):
            label = speakers.setdefault(key(row[name]), row[name]["speaker"])
            assert label == row[name]["speaker"], f"{row['pair_id']}: {name} speaker"


def test_spans_match_the_article_text(rows: list[dict]) -> None:
    if not POLNEAR.is_dir():
        pytest.skip(f"PolNeAR not found at {POLNEAR} (it lives in ../shared beside the repo)")
    texts: dict[str, str] = {}
    for row in rows:
        for name in ("a", "b"):
            side = row[name]
            if side["article"] not in texts:
                path = POLNEAR / side["split"] / "text" / f"{side['article']}.txt"
                assert path.is_file(), f"{row['pair_id']}: no article text {path}"
                with open(path, encoding="utf-8", newline="") as handle:
                    texts[side["article"]] = handle.read()
            text = texts[side["article"]]
            for role in ("source", "cue", "content"):
                assert all(end <= len(text) for _, end in side[role]), row["pair_id"]
            content = " … ".join(text[s:e] for s, e in side["content"])
            assert side["content_text"] == content, f"{row['pair_id']}: {name}.content_text"
            source = " ".join(text[s:e] for s, e in side["source"])
            assert side["source_text"] == source, f"{row['pair_id']}: {name}.source_text"
