"""Statement details beyond the spans: when it was said, the role, anonymity and via."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import saidwhat
from saidwhat.extraction.dates import parse_published
from saidwhat.model import Attribution

Extract = Callable[[str], list[Attribution]]


def only(text: str, published: str | None) -> Attribution:
    (attribution,) = saidwhat.extract(text, published=published)
    return attribution


@pytest.mark.parametrize(
    ("text", "published", "said_on", "precision", "basis"),
    [
        # A weekday is this week's, counted back from a Thursday paper.
        ('"Take it," Milley told a news conference on Wednesday.', "2022-11-17",
         "2022-11-16", "day", "relative"),
        # "last Wednesday" in a Thursday paper is the previous week's Wednesday.
        ("Speaking in New York last Wednesday, Milley said talks were possible.", "2022-11-17",
         "2022-11-09", "day", "relative"),
        ("On 9 November, Milley said talks were possible.", "2022-12-01",
         "2022-11-09", "day", "explicit"),
        ("Putin said at a press conference on 31 October that talks were off.", "2022-12",
         "2022-10-31", "day", "explicit"),
        ("Chomsky pointed out in August that talks are the only way.", "2022-12-01",
         "2022-08", "month", "explicit"),
        ("Smith said yesterday that the plan would fail.", "2022-11-17",
         "2022-11-16", "day", "relative"),
        ("Smith said that the plan would fail.", "2022-11-17",
         "2022-11-17", "day", "publication"),
    ],
)  # fmt: skip
def test_statement_dates(
    text: str, published: str, said_on: str, precision: str, basis: str
) -> None:
    attribution = only(text, published)
    assert (attribution.said_on, attribution.said_on_precision, attribution.said_on_basis) == (
        said_on,
        precision,
        basis,
    )


def test_a_date_inside_the_content_does_not_date_the_statement() -> None:
    attribution = only("NATO said the missile hit Poland on Tuesday.", "2022-11-17")
    assert attribution.said_on_basis == "publication"
    assert attribution.said_on == "2022-11-17"


def test_weekday_is_not_guessed_for_a_month_precision_issue() -> None:
    attribution = only("Smith said on Wednesday that the plan would fail.", "2022-12")
    assert attribution.said_on == "2022-12"
    assert attribution.said_on_precision == "month"


def test_at_the_time_takes_the_date_of_the_speakers_earlier_dated_statement() -> None:
    text = (
        "Speaking in New York last Wednesday, Milley said victory was impossible.\n\n"
        "Austin spoke about Poland.\n\n"
        '"When peace can be achieved, take it," Milley said at the time.'
    )
    milley = [
        a
        for a in saidwhat.extract(text, published="2022-11-17")
        if "take it" in text[a.content[0][0] : a.content[-1][1]]
    ]
    assert [(a.said_on, a.said_on_basis) for a in milley] == [("2022-11-09", "event")]


def test_no_publication_date_and_no_date_in_text_leaves_the_date_empty() -> None:
    attribution = only("Smith said the plan would fail.", None)
    assert attribution.said_on is None


@pytest.mark.parametrize(
    ("published", "expected"),
    [("2022-11-17", "day"), ("2022-11", "month"), ("2022", "year"), ("not a date", None)],
)
def test_parse_published_keeps_precision(published: str, expected: str | None) -> None:
    parsed = parse_published(published)
    assert (parsed[1] if parsed else None) == expected


def test_roles_and_anonymous_sources() -> None:
    text = (
        "Defense Secretary Lloyd Austin said the US had seen nothing new. "
        "A US official, presumably a civilian, said the position was absurd. "
        "Austin said talks were for Ukraine to decide."
    )
    attributions = saidwhat.extract(text)
    by_speaker = {a.resolved_speaker: a for a in attributions}
    assert by_speaker["Lloyd Austin"].role == "Defense Secretary"
    anonymous = [a for a in attributions if a.anonymous]
    assert len(anonymous) == 1
    assert "US official" in (anonymous[0].resolved_speaker or "")
    assert all(
        a.role == "Defense Secretary" for a in attributions if a.resolved_speaker == "Lloyd Austin"
    )


def test_via_keeps_the_outlet_the_words_went_through() -> None:
    text = (
        "US officials told the Washington Post that the general had argued for talks. "
        "Milley told CNN that talks were possible. "
        "He told Trump that talks were possible."
    )
    vias = [(a.speaker, a.via) for a in saidwhat.extract(text)]
    assert vias == [("US officials", "Washington Post"), ("Milley", "CNN"), ("He", None)]
