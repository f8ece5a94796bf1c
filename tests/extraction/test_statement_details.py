"""Statement details beyond the spans: when it was said, the role, anonymity and via."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import saidwhat
from saidwhat.extraction.dates import date_statement, parse_published
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
        # "this week" claims no day: the week, written as its Monday
        ("Smith said this week that the plan would fail.", "2022-11-17",
         "2022-11-14", "week", "relative"),
        # a date in the clause after the quotation dates that clause, not the statement
        ('As she angrily said, "The plan will fail," Jones walked out on Monday.', "2022-11-17",
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


def _with(text: str, published: str, words: str) -> Attribution:
    (attribution,) = [
        a
        for a in saidwhat.extract(text, published=published)
        if words in " ".join(text[s:e] for s, e in a.content)
    ]
    return attribution


def test_a_statement_at_a_dated_occasion_takes_its_date() -> None:
    text = (
        '"Take it," Milley told a news conference on Wednesday.\n\n'
        "Defense Secretary Lloyd Austin, speaking at the same press conference, said the US "
        "had seen nothing new."
    )
    austin = _with(text, "2022-11-17", "had seen nothing new")
    assert (austin.said_on, austin.said_on_basis) == ("2022-11-16", "event")


def test_an_occasion_dated_later_in_the_article_dates_the_statement() -> None:
    text = (
        '"We are in a critical situation," Chancellor Hilde Baumann told reporters after the '
        "day-long meeting.\n\nAhead of Friday's meeting, France unveiled a proposal."
    )
    baumann = _with(text, "2016-09-18", "critical situation")
    assert (baumann.said_on, baumann.said_on_basis) == ("2016-09-16", "event")


def test_an_undated_occasion_leaves_the_publication_date() -> None:
    text = "Smith said at the news conference that the plan would fail."
    assert only(text, "2022-11-17").said_on_basis == "publication"


def test_dates_that_bound_a_period_do_not_date_the_statement() -> None:
    text = (
        "They turned to the police department which reported “2,521 shooting incidents” in "
        "the city between January 1 and September 18."
    )
    attribution = _with(text, "2016-09-29", "2,521 shooting incidents")
    assert (attribution.said_on, attribution.said_on_basis) == ("2016-09-29", "publication")


def test_a_month_naming_an_interview_dates_the_statement() -> None:
    text = "During a May interview on CNBC, Trump said he won every single debate."
    attribution = only(text, "2016-09-23")
    assert (attribution.said_on, attribution.said_on_precision) == ("2016-05", "month")


def test_a_date_in_someone_elses_words_does_not_date_the_statement() -> None:
    text = (
        "Jane Roe said the United States would act, and she urged Ruritania to resume the "
        "talks it abandoned in 2009."
    )
    statements = saidwhat.extract(text, published="2016-09-10")
    assert [a.said_on for a in statements] == ["2016-09-10", "2016-09-10"]


def test_anonymous_sources_have_a_bare_role() -> None:
    text = (
        "A US official said the position was absurd. "
        "US officials told the Washington Post that talks were possible."
    )
    roles = [(a.anonymous, a.role, a.via) for a in saidwhat.extract(text)]
    assert roles == [(True, "US official", None), (True, "US officials", "Washington Post")]


def test_a_hand_built_attribution_is_dated_from_its_own_sentence_only() -> None:
    text = "The Times reported a loss of $915 million in 1995. Clinton says he paid no tax."
    source = text.index("Clinton")
    attribution = Attribution(
        source=[(source, source + 7)],
        cue=[(source + 8, source + 12)],
        content=[(source + 13, len(text) - 1)],
        kind="indirect",
    )
    dated = date_statement(text, attribution, "2016-10-03")
    assert dated is not None
    assert (dated.value, dated.basis) == ("2016-10-03", "publication")
