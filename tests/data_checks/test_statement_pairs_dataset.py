"""Self-checks for the hand-labelled statement-linking pairs in ``tests/data``.

The set (``statement_pairs.jsonl``, described in ``tests/data/README.md``) is the yardstick
for cross-outlet linking and drift labelling, so its shape must stay sound: every row parses
and carries both attributions with their labels, every span points at real text in its
PolNeAR train/dev article, ``content_text`` is exactly what the spans cover, and the set keeps
enough linked pairs, hard negatives and publishers to say something about a linker.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "statement_pairs.jsonl"
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
#: Why a linked pair's meaning changed; see the README.
DRIFT_REASONS = {"negation", "modal", "number", "name", "speaker", "quantifier", "detail"}
PUBLISHERS = {
    "breitbart",
    "huff-post",
    "nyt",
    "politico",
    "usa-today",
    "wash-post",
    "west-journal",
}
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
FRAGMENT_JOINER = " … "


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


def _numbered(rows: list[dict]) -> Iterator[tuple[str, dict]]:
    for row in rows:
        yield f"pair {row.get('pair_id')}", row


def _key(side: dict) -> tuple[str, int]:
    """One attribution: its article and where its content starts (the scorer's id)."""
    return side["article"], side["content"][0][0]


@pytest.fixture(scope="module")
def rows() -> list[dict]:
    return load_rows()


def test_every_row_has_the_required_keys(rows: list[dict]) -> None:
    for where, row in _numbered(rows):
        assert isinstance(row.get("pair_id"), str) and row["pair_id"], f"{where}: pair_id"
        for name in ("a", "b"):
            side = row.get(name)
            assert isinstance(side, dict), f"{where}: missing {name}"
            for key, kind in SIDE_KEYS.items():
                assert key in side, f"{where}: {name} lacks {key}"
                assert isinstance(side[key], kind), f"{where}: {name}.{key} is not {kind.__name__}"
            assert side["speaker"].strip(), f"{where}: {name} has an empty speaker"
            assert side["publisher"] in PUBLISHERS, f"{where}: {name} publisher"
            assert side["split"] in {"train", "dev"}, f"{where}: {name} split (never test)"
            assert side["source"] and side["content"], f"{where}: {name} needs source and content"
        assert isinstance(row.get("linked"), bool), f"{where}: linked must be a bool"
        assert isinstance(row.get("candidate_reason"), str) and row["candidate_reason"], where
        assert "notes" in row, f"{where}: missing notes"
        assert isinstance(row.get("drift_reasons"), list), f"{where}: drift_reasons"


def test_drift_labels_follow_the_documented_set(rows: list[dict]) -> None:
    for where, row in _numbered(rows):
        if row["linked"]:
            assert row["drift"] in DRIFT_LABELS, f"{where}: drift {row['drift']!r}"
            if row["drift"] == "meaning-changed":
                assert row["drift_reasons"], f"{where}: meaning-changed needs reasons"
            else:
                assert not row["drift_reasons"], f"{where}: reasons only for meaning-changed"
            assert set(row["drift_reasons"]) <= DRIFT_REASONS, f"{where}: unknown reason"
        else:
            assert row["drift"] is None, f"{where}: unlinked pairs have no drift"
            assert not row["drift_reasons"], f"{where}: unlinked pairs have no reasons"


def test_spans_are_well_formed(rows: list[dict]) -> None:
    for where, row in _numbered(rows):
        for name in ("a", "b"):
            for role in ("source", "cue", "content"):
                for fragment in row[name][role]:
                    assert isinstance(fragment, list) and len(fragment) == 2, f"{where}: {role}"
                    start, end = fragment
                    assert isinstance(start, int) and isinstance(end, int), f"{where}: {role}"
                    assert 0 <= start < end, f"{where}: {name}.{role} fragment {fragment}"


def test_pairs_are_cross_article_and_unique(rows: list[dict]) -> None:
    ids = [row["pair_id"] for row in rows]
    assert len(ids) == len(set(ids)), "pair_id repeats"
    seen: set[frozenset] = set()
    for where, row in _numbered(rows):
        assert row["a"]["article"] != row["b"]["article"], f"{where}: same article"
        pair = frozenset({_key(row["a"]), _key(row["b"])})
        assert pair not in seen, f"{where}: the same two attributions appear twice"
        seen.add(pair)


def test_an_attribution_keeps_one_speaker_label(rows: list[dict]) -> None:
    """The scorer builds one statement per attribution, so its labels must agree."""
    speakers: dict[tuple[str, int], str] = {}
    for where, row in _numbered(rows):
        for name in ("a", "b"):
            key = _key(row[name])
            previous = speakers.setdefault(key, row[name]["speaker"])
            assert previous == row[name]["speaker"], f"{where}: {key} labelled twice"


def test_size_and_mix(rows: list[dict]) -> None:
    linked = [row for row in rows if row["linked"]]
    assert len(linked) >= 100
    assert len(rows) - len(linked) >= 100
    publishers = {row[name]["publisher"] for row in rows for name in ("a", "b")}
    assert len(publishers) >= 3
    assert sum(row["a"]["publisher"] != row["b"]["publisher"] for row in linked) >= 50
    hard = [r for r in rows if not r["linked"] and r["a"]["speaker"] == r["b"]["speaker"]]
    assert len(hard) >= 30, "too few same-speaker negatives"
    assert len({row["drift"] for row in linked}) >= 5


def test_offsets_match_the_article_text(rows: list[dict]) -> None:
    if not POLNEAR.is_dir():
        pytest.skip(f"PolNeAR not found at {POLNEAR} (it lives in ../shared beside the repo)")
    texts: dict[str, str] = {}
    for where, row in _numbered(rows):
        for name in ("a", "b"):
            side = row[name]
            article = side["article"]
            if article not in texts:
                path = POLNEAR / side["split"] / "text" / f"{article}.txt"
                assert path.is_file(), f"{where}: no article text {path}"
                with open(path, encoding="utf-8", newline="") as handle:
                    texts[article] = handle.read()
            text = texts[article]
            for role in ("source", "cue", "content"):
                for _start, end in side[role]:
                    assert end <= len(text), f"{where}: {name}.{role} runs past the text"
            content = FRAGMENT_JOINER.join(text[s:e] for s, e in side["content"])
            assert side["content_text"] == content, f"{where}: {name}.content_text"
            source = " ".join(text[s:e] for s, e in side["source"])
            assert side["source_text"] == source, f"{where}: {name}.source_text"
            assert article.startswith(side["publisher"] + "_"), f"{where}: {name} publisher"
            assert article[len(side["publisher"]) + 1 :].startswith(side["published"]), (
                f"{where}: {name} published date"
            )
