"""Accuracy gate, in the style of trafilatura's: PolNeAR dev scores may never drop below the
floors pinned in ``tests/accuracy_floors.json`` (raised as the extractor improves).

It runs the real extractor on the 84 dev articles (about a minute on two cores), because a
change to any rule can move these numbers and only the full split measures them.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from saidwhat.evaluate import evaluate, read_brat_corpus
from saidwhat.extraction.pipeline import extract_many

FLOORS_FILE = Path(__file__).with_name("accuracy_floors.json")
DEV_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear" / "dev"


@pytest.fixture(scope="module")
def dev_report() -> dict:
    if not DEV_DIR.is_dir():
        pytest.skip(f"PolNeAR dev not found at {DEV_DIR} (it lives in ../shared beside the repo)")
    corpus = read_brat_corpus(DEV_DIR)
    gold = {article.id: (article.text, gold) for article, gold in corpus}
    texts = [article.text for article, _ in corpus]
    predicted = dict(zip(gold, extract_many(texts), strict=True))
    return evaluate(gold, predicted).to_json()


def _f1(report: dict, metric: str) -> float:
    if metric == "attribution_lenient_f1":
        return report["attribution"]["lenient"]["f1"]
    if metric == "attribution_strict_f1":
        return report["attribution"]["strict"]["f1"]
    if metric == "token_micro_f1":
        return report["token"]["micro"]["f1"]
    raise KeyError(metric)


@pytest.mark.parametrize("metric", sorted(json.loads(FLOORS_FILE.read_text())["floors"]))
def test_dev_score_stays_above_floor(dev_report: dict, metric: str) -> None:
    floor = json.loads(FLOORS_FILE.read_text())["floors"][metric]
    score = _f1(dev_report, metric)
    assert score >= floor, f"{metric} fell to {score:.4f}, below the pinned floor {floor}"
