"""Speakers resolved inside one article, through the public ``saidwhat.extract``.

A journalist wants the person behind "he", "Milley" and "the top US general", never a
different person with the same surname, and never a made-up name for an anonymous source.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from saidwhat.model import Attribution, Span

Extract = Callable[[str], list[Attribution]]


def texts(text: str, span: Span) -> list[str]:
    """The fragments of a span as strings."""
    return [text[start:end] for start, end in span]


def joined(text: str, span: Span) -> str:
    return " ".join(texts(text, span))


def attribution_with(text: str, attributions: list[Attribution], words: str) -> Attribution:
    """The one attribution whose content holds ``words``."""
    matches = [a for a in attributions if words in joined(text, a.content)]
    assert len(matches) == 1, [(a.speaker, joined(text, a.content)) for a in attributions]
    return matches[0]


def test_name_in_an_earlier_attribution_resolves_pronoun(extract: Extract) -> None:
    text = 'Mark Milley said the war was stalling. "We are ready," he said.'

    a = attribution_with(text, extract(text), "We are ready")

    assert a.speaker == "he"
    assert a.resolved_speaker == "Mark Milley"


def test_pronoun_resolves_to_person_named_before(extract: Extract) -> None:
    text = 'Mark Milley spoke on Monday. "We are ready," he said.'

    a = attribution_with(text, extract(text), "We are ready")

    assert a.speaker == "he"
    assert a.resolved_speaker == "Mark Milley"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("Gen. Mark Milley arrived. Milley said the war was stalling.", id="milley"),
        pytest.param(
            "Gen. Mark Milley arrived. Later Milley said the war was stalling.",
            id="later-milley",
        ),
    ],
)
def test_surname_resolves_to_full_name(extract: Extract, text: str) -> None:
    a = attribution_with(text, extract(text), "the war was stalling")

    assert texts(text, a.source) == ["Milley"]
    assert a.resolved_speaker == "Mark Milley"


def test_definite_description_resolves_to_named_person(extract: Extract) -> None:
    text = "General Mark Milley spoke. The top US general said talks could start."

    a = attribution_with(text, extract(text), "talks could start")

    assert a.speaker == "The top US general"
    assert a.resolved_speaker == "Mark Milley"


def test_title_is_not_part_of_resolved_name(extract: Extract) -> None:
    text = '"It is over," said Senator Jane Doe.'

    a = attribution_with(text, extract(text), "It is over")

    assert a.resolved_speaker == "Jane Doe"


def test_people_sharing_a_surname_stay_apart(extract: Extract) -> None:
    text = "Hillary Clinton said the race was close. Bill Clinton said the polls were wrong."
    attributions = extract(text)

    hillary = attribution_with(text, attributions, "the race was close")
    bill = attribution_with(text, attributions, "the polls were wrong")

    assert hillary.resolved_speaker == "Hillary Clinton"
    assert bill.resolved_speaker == "Bill Clinton"


def test_anonymous_source_stays_anonymous(extract: Extract) -> None:
    text = "Mark Milley spoke on Monday. A US official said the plan was absurd."

    a = attribution_with(text, extract(text), "the plan was absurd")

    assert a.speaker == "A US official"
    assert a.resolved_speaker == "A US official"


def test_anonymous_source_alone(extract: Extract) -> None:
    text = "A US official said the plan was absurd."

    a = attribution_with(text, extract(text), "the plan was absurd")

    assert a.resolved_speaker == a.speaker == "A US official"
    assert a.resolved_speaker not in ("US", "Mark Milley")


def test_title_of_portfolio_is_not_part_of_resolved_name(extract: Extract) -> None:
    text = "Secretary of State Jane Q. Doe said the talks would resume."

    a = attribution_with(text, extract(text), "the talks would resume")

    assert a.resolved_speaker == "Jane Q. Doe"
    assert a.role == "Secretary of State"


def test_pronoun_does_not_resolve_to_a_country(extract: Extract) -> None:
    text = 'Jane Doe said the United States would act. "We are ready," she said.'

    a = attribution_with(text, extract(text), "We are ready")

    assert a.resolved_speaker == "Jane Doe"


def test_name_inside_the_quotation_is_not_the_speaker(extract: Extract) -> None:
    text = 'Norman Hamm retired in 2014.\n\n"It was demoralizing to work for Bill Obie," he said.'

    a = attribution_with(text, extract(text), "It was demoralizing")

    assert a.resolved_speaker == "Norman Hamm"


def test_count_of_people_is_anonymous_not_a_nearby_place(extract: Extract) -> None:
    text = "Voters in Long Island were polled. A majority of voters said the race was close."

    a = attribution_with(text, extract(text), "the race was close")

    assert a.anonymous
    assert a.resolved_speaker == "A majority of voters"
