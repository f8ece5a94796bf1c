"""Who exactly, and when, on the reference example articles (``../shared/data/examples``).

A journalist comparing the two outlets needs every Milley statement under one name, the
Defense Secretary's title, unnamed US officials marked as such, the New York Times kept as the
intermediary of a statement it reported, and the press conference dated to the Wednesday it
was held. The articles are read from ``articles.jsonl`` with their publication dates.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import saidwhat
from saidwhat.model import Attribution
from saidwhat.sources import read_file

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "examples"
PRESS = "milley-press-conference-2022-11-17"
PEACE = "peace-news-2022-12-milley"


def _article(article_id: str) -> tuple[str, list[Attribution]]:
    """Read as ``saidwhat extract`` reads it: Peace News is filed as 2022-12-01 with month
    precision, which the reader turns into "2022-12"."""
    path = EXAMPLES / "articles.jsonl"
    if not path.is_file():
        pytest.skip(f"example articles {path} are not present")
    for article in read_file(path):
        if article.id == article_id:
            return article.text, saidwhat.extract(article.text, published=article.published)
    pytest.skip(f"{article_id} is not in {path}")


@pytest.fixture(scope="module")
def press() -> tuple[str, list[Attribution]]:
    return _article(PRESS)


@pytest.fixture(scope="module")
def peace() -> tuple[str, list[Attribution]]:
    return _article(PEACE)


def _written(text: str, attribution: Attribution) -> str:
    return " ".join(text[s:e] for s, e in attribution.source)


def test_austin_is_the_defense_secretary(press: tuple[str, list[Attribution]]) -> None:
    _, attributions = press
    austin = [a for a in attributions if a.resolved_speaker == "Lloyd Austin"]
    assert austin
    assert {a.role for a in austin} == {"Defense Secretary"}


@pytest.mark.parametrize("which", ["press", "peace"])
def test_milley_is_one_speaker(request: pytest.FixtureRequest, which: str) -> None:
    text, attributions = request.getfixturevalue(which)
    milley = [a for a in attributions if "milley" in _written(text, a).lower()]
    assert milley
    assert {a.resolved_speaker for a in milley} == {"Mark Milley"}


def test_unnamed_us_officials_are_anonymous(peace: tuple[str, list[Attribution]]) -> None:
    text, attributions = peace
    officials = [a for a in attributions if "US official" in _written(text, a)]
    assert len(officials) == 2
    assert all(a.anonymous for a in officials)
    assert sorted(a.role or "" for a in officials) == ["US official", "US officials"]


def test_the_new_york_times_is_the_intermediary(peace: tuple[str, list[Attribution]]) -> None:
    _, attributions = peace
    reported = [a for a in attributions if a.via == "New York Times"]
    assert [a.resolved_speaker for a in reported] == ["Mark Milley"]
    assert not [a for a in attributions if a.resolved_speaker == "New York Times"]


def test_the_press_conference_is_dated_to_wednesday(press: tuple[str, list[Attribution]]) -> None:
    text, attributions = press
    at_the_conference = [
        a
        for a in attributions
        if "news conference" in text[a.cue[0][0] : a.cue[0][0] + 40]
        or "press conference" in _written(text, a)
    ]
    assert len(at_the_conference) == 2  # Milley's "told a news conference", Austin's
    assert {a.said_on for a in at_the_conference} == {"2022-11-16"}


def test_peace_news_dates_milleys_press_conference(peace: tuple[str, list[Attribution]]) -> None:
    """ "On 16 November, Milley again argued publicly for diplomacy, saying at a press
    conference that ..."."""
    text, attributions = peace
    saying = [
        a
        for a in attributions
        if a.resolved_speaker == "Mark Milley"
        and text[a.cue[0][0] :].startswith("saying at a press conference")
    ]
    assert [a.said_on for a in saying] == ["2022-11-16"]


def test_peace_news_undated_statements_keep_the_issues_month(
    peace: tuple[str, list[Attribution]],
) -> None:
    """A monthly issue says nothing of the day: a statement the text does not date is dated
    to the month, never to the 1st that the file gives as a stand-in."""
    _, attributions = peace
    undated = [a for a in attributions if a.said_on_basis == "publication"]
    assert undated
    assert {(a.said_on, a.said_on_precision) for a in undated} == {("2022-12", "month")}


@pytest.mark.parametrize(
    ("which", "office", "with_rank"),
    [("peace", "the chair of the US joint chiefs of staff",
      "the chair of the US joint chiefs of staff, general"),
     ("press", "Chairman of the Joint Chiefs of Staff",
      "Chairman of the Joint Chiefs of Staff General")],
)  # fmt: skip
def test_milleys_role_is_his_office(
    request: pytest.FixtureRequest, which: str, office: str, with_rank: str
) -> None:
    """ "the chair of the US joint chiefs of staff, general Mark Milley": "general" is his
    rank, written before his name, not part of the office."""
    _, attributions = request.getfixturevalue(which)
    roles = {a.role for a in attributions if a.resolved_speaker == "Mark Milley"}
    assert office in roles
    assert with_rank not in roles
