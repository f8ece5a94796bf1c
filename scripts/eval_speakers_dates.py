"""Score speaker identity, anonymity and statement dates on the hand-labelled dev set.

Reads ``tests/data/speakers_dates_dev.jsonl`` (170 PolNeAR dev attributions labelled by
reading the articles; see tests/data/README.md), runs the extractor on each article with its
publication date, pairs every labelled attribution with the predicted one whose content
overlaps it most (and whose cue overlaps, when both have one), and prints accuracy over the
pairs found, plus how many labelled attributions the extractor missed altogether.

Names are compared tolerantly, as the set's README asks: case, punctuation, a leading "the",
titles and middle initials are ignored, a surname-only label matches the full name, and a
joint label ("A and B") is matched by either name.

Usage: python scripts/eval_speakers_dates.py [--show-errors]
"""

from __future__ import annotations

import argparse
import json
import re
from collections import defaultdict
from pathlib import Path

from saidwhat.evaluate.brat import read_brat_corpus
from saidwhat.extraction.pipeline import extract_many

REPO = Path(__file__).resolve().parents[1]
LABELS = REPO / "tests" / "data" / "speakers_dates_dev.jsonl"
DEV = REPO.parent / "shared" / "data" / "polnear" / "dev"
_TITLES = re.compile(
    r"\b(?:mr|mrs|ms|dr|gen|sen|rep|gov|president|senator|governor|the|secretary)\b\.?"
)


def _name_words(name: str) -> list[str]:
    name = _TITLES.sub(" ", name.lower())
    return [w for w in re.findall(r"[a-z0-9’'-]+", name) if len(w) > 1 or w.isdigit()]


def names_match(label: str, predicted: str | None) -> bool:
    """Tolerant comparison of a labelled speaker and a predicted one."""
    if predicted is None:
        return False
    for part in re.split(r"\s+and\s+", label):
        gold, pred = _name_words(part), _name_words(predicted)
        if not gold or not pred:
            continue
        if gold == pred or (gold[-1] == pred[-1] and (len(gold) == 1 or len(pred) == 1)):
            return True
        if gold[0] == pred[0] and gold[-1] == pred[-1]:  # middle initials
            return True
        if " ".join(gold) in " ".join(pred) or " ".join(pred) in " ".join(gold):
            return True
    return False


def _overlap(a: list, b: list) -> int:
    return sum(max(0, min(e1, e2) - max(s1, s2)) for s1, e1 in a for s2, e2 in b)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args()

    rows = [json.loads(line) for line in LABELS.read_text(encoding="utf-8").splitlines() if line]
    by_article: dict[str, list[dict]] = defaultdict(list)
    for row in rows:
        by_article[row["article"]].append(row)
    articles = {a.id: a for a, _ in read_brat_corpus(DEV) if a.id in by_article}
    ids = sorted(by_article)
    published = [by_article[i][0]["published"] for i in ids]
    predictions = dict(
        zip(ids, extract_many([articles[i].text for i in ids], published=published), strict=True)
    )

    found = speaker_ok = anonymous_ok = date_ok = 0
    errors: list[str] = []
    for article_id in ids:
        text = articles[article_id].text
        for row in by_article[article_id]:
            gold_content = [tuple(x) for x in row["content"]]
            gold_cue = [tuple(x) for x in row["cue"]]
            candidates = [
                p
                for p in predictions[article_id]
                if _overlap(p.content, gold_content) > 0
                and (not p.cue or not gold_cue or _overlap(p.cue, gold_cue) > 0)
            ]
            if not candidates:
                continue
            best = max(candidates, key=lambda p: _overlap(p.content, gold_content))
            found += 1
            if row["speaker"] is None:
                speaker_right = best.anonymous
            else:
                speaker_right = names_match(row["speaker"], best.resolved_speaker)
            speaker_ok += speaker_right
            anonymous_ok += best.anonymous == row["anonymous"]
            precision_length = {"day": 10, "month": 7, "year": 4}[row["said_on_precision"]]
            date_right = (best.said_on or "")[:precision_length] == row["said_on"]
            date_ok += date_right
            if args.show_errors and not (speaker_right and date_right):
                errors.append(
                    f"{article_id}: {row['source_text']!r} -> label {row['speaker']!r} "
                    f"{row['said_on']} | predicted {best.resolved_speaker!r} {best.said_on} "
                    f"({best.said_on_basis}) | {text[best.content[0][0] :][:60]!r}"
                )

    print(f"labelled attributions: {len(rows)} in {len(ids)} articles")
    print(f"found by the extractor (content and cue overlap): {found} ({found / len(rows):.1%})")
    for name, ok in (("speaker identity", speaker_ok), ("anonymity", anonymous_ok),
                     ("statement date within precision", date_ok)):  # fmt: skip
        print(f"{name}: {ok}/{found} = {ok / max(found, 1):.1%}")
    for line in errors:
        print("  " + line)


if __name__ == "__main__":
    main()
