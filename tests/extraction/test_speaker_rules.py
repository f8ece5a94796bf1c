"""Who is speaking, in sentences a reporter writes every day (all invented for these tests).

Each test pins one rule of in-article speaker resolution: counts and vague groups stay
anonymous, titles go to the role and never into the name, descriptions and pronouns find the
person the article means, and a news outlet that passed the words on is kept as ``via``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

import saidwhat
from saidwhat.model import Attribution, Span

Extract = Callable[[str], list[Attribution]]


def joined(text: str, span: Span) -> str:
    return " ".join(text[start:end] for start, end in span)


def attribution_with(text: str, attributions: list[Attribution], words: str) -> Attribution:
    """The one attribution whose content holds ``words``."""
    matches = [a for a in attributions if words in joined(text, a.content)]
    assert len(matches) == 1, [(a.speaker, joined(text, a.content)) for a in attributions]
    return matches[0]


# --- counts of people and vague groups --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "words", "role"),
    [
        pytest.param(
            "A Gallup survey of Long Island found a tight race. Twelve percent said they were "
            "not sure who would win.",
            "they were not sure",
            "twelve percent",
            id="twelve-percent",
        ),
        pytest.param(
            "Senator Jane Roe leads in Ohio. Nearly eight of 10 voters said they would watch "
            "the debate.",
            "they would watch the debate",
            "Nearly eight of 10 voters",
            id="eight-of-ten",
        ),
        pytest.param(
            "Mayor Tom Hale spoke in Long Island. A majority of voters said the race was "
            "about the economy.",
            "the race was about the economy",
            "majority of voters",
            id="majority",
        ),
        pytest.param(
            "Experts on North Korea and nuclear nonproliferation said the test could change that.",
            "the test could change that",
            "experts on North Korea and nuclear nonproliferation",
            id="experts-on-a-country",
        ),
        pytest.param(
            "Jane Roe was the top student. High school administrators decided she should "
            "share the honor.",
            "she should share the honor",
            "high school administrators",
            id="administrators",
        ),
        pytest.param(
            "The debate moderators said they would press both candidates on taxes.",
            "they would press both candidates",
            "debate moderators",
            id="moderators",
        ),
        pytest.param(
            "Mexico sued in 1998. An arbitration panel in 2001 found that the United States "
            "was in breach of the agreement.",
            "the United States was in breach",
            "arbitration panel in 2001",
            id="arbitration-panel",
        ),
    ],
)
def test_counts_and_vague_groups_are_anonymous(
    extract: Extract, text: str, words: str, role: str
) -> None:
    a = attribution_with(text, extract(text), words)

    assert a.anonymous
    assert a.resolved_speaker == a.speaker, "an unnamed source must not be given a name"
    assert a.role == role


def test_a_number_inside_a_name_is_no_count(extract: Extract) -> None:
    text = "9/11 widow Terry Strada said the bill would give families their day in court."

    a = attribution_with(text, extract(text), "the bill would give")

    assert not a.anonymous
    assert a.resolved_speaker == "Terry Strada"


def test_both_named_people_is_no_count(extract: Extract) -> None:
    text = "Both President Bill Obie and nominee Jane Roe said the vote mattered."

    a = attribution_with(text, extract(text), "the vote mattered")

    assert not a.anonymous


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("A US official, presumably a civilian, said the plan was absurd.", "US official"),
        ("Sources familiar with the talks said the plan was absurd.",
         "sources familiar with the talks"),
        ("Officials said the plan was absurd.", "officials"),
    ],
)  # fmt: skip
def test_anonymous_sources_carry_a_comparable_role(extract: Extract, text: str, role: str) -> None:
    a = attribution_with(text, extract(text), "the plan was absurd")

    assert a.anonymous
    assert a.role == role


# --- titles go to the role --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name", "role"),
    [
        ("Secretary of State Jane Q. Roe said the talks would resume.", "Jane Q. Roe",
         "Secretary of State"),
        ("German Chancellor Hilde Baumann said the talks would resume.", "Hilde Baumann",
         "German Chancellor"),
        ("Senate Majority Leader Tom Hale said the talks would resume.", "Tom Hale",
         "Senate Majority Leader"),
        ("Secretary of Homeland Security Ana Ruiz said the talks would resume.", "Ana Ruiz",
         "Secretary of Homeland Security"),
    ],
)  # fmt: skip
def test_titles_go_to_the_role_not_the_name(
    extract: Extract, text: str, name: str, role: str
) -> None:
    a = attribution_with(text, extract(text), "the talks would resume")

    assert a.resolved_speaker == name
    assert a.role == role
    assert not a.anonymous


@pytest.mark.parametrize(
    ("text", "role"),
    [
        # the reference example's wording: the rank after the comma is how he is addressed
        ("The chair of the US joint chiefs of staff, general Mark Milley, said the talks "
         "would resume.", "The chair of the US joint chiefs of staff"),
        ("Chairman of the Joint Chiefs of Staff General Mark Milley said the talks would "
         "resume.", "Chairman of the Joint Chiefs of Staff"),
        # a rank that is the head of the description is the role itself
        ("US Army General Mark Milley said the talks would resume.", "US Army General"),
    ],
)  # fmt: skip
def test_a_rank_before_the_name_is_not_part_of_the_office(
    extract: Extract, text: str, role: str
) -> None:
    a = attribution_with(text, extract(text), "the talks would resume")

    assert a.resolved_speaker == "Mark Milley"
    assert a.role == role


def test_hyphenated_given_name_is_kept_whole(extract: Extract) -> None:
    text = "Secretary General Lee Min-ho said the talks would resume."

    a = attribution_with(text, extract(text), "the talks would resume")

    assert a.resolved_speaker == "Lee Min-ho"


# --- descriptions -----------------------------------------------------------------------------


def test_abbreviated_title_introduces_the_description(extract: Extract) -> None:
    text = (
        "If Tom Hale could profit from it, Vermont Sen. Jane Roe is against it. "
        "The senator said she would introduce a bill."
    )

    a = attribution_with(text, extract(text), "she would introduce a bill")

    assert a.resolved_speaker == "Jane Roe"


def test_unexplained_title_is_the_articles_main_person(extract: Extract) -> None:
    text = (
        "Jane Roe spoke out on Tuesday about the shooting of Tom Hale. Jane Roe visited "
        "the city.\n\nOn Tuesday's episode of “The Morning Show,” the former secretary of "
        "state and current presidential nominee said she wanted to speak directly to voters."
    )

    a = attribution_with(text, extract(text), "she wanted to speak directly")

    assert a.resolved_speaker == "Jane Roe"
    assert a.role == "the former secretary of state and current presidential nominee"


def test_a_description_after_a_show_title_is_not_the_show(extract: Extract) -> None:
    text = (
        "On the “Steve Harvey Morning Show,” the former governor said he would run. "
        "Governor Tom Hale said nothing else."
    )

    a = attribution_with(text, extract(text), "he would run")

    assert a.resolved_speaker != "Steve Harvey Morning Show"


def test_delayed_identification_lead(extract: Extract) -> None:
    text = (
        "A former party chairman says the leaders should prepare a contingency plan.\n\n"
        "“Now is the time to act,” said Don Fowlerson, who led the party in the 1990s."
    )

    a = attribution_with(text, extract(text), "should prepare a contingency plan")

    assert a.resolved_speaker == "Don Fowlerson"
    assert a.role == "A former party chairman"
    assert not a.anonymous


def test_delayed_identification_needs_a_new_name(extract: Extract) -> None:
    """A name the article gave before the description is not the delayed identification."""
    text = (
        "Don Fowlerson spoke on Monday. A former party chairman says the leaders should "
        "prepare a contingency plan.\n\n“Now is the time to act,” said Don Fowlerson."
    )

    a = attribution_with(text, extract(text), "should prepare a contingency plan")

    assert a.resolved_speaker != "Don Fowlerson"


def test_definite_description_takes_the_name_given_earlier(extract: Extract) -> None:
    text = (
        "A Zenith poll shows the race tightening. Jane Roe leads by four points, according "
        "to the poll."
    )

    a = attribution_with(text, extract(text), "Jane Roe leads by four points")

    assert a.resolved_speaker == "Zenith poll"
    assert not a.anonymous


def test_short_outlet_name_is_the_full_name_given_earlier(extract: Extract) -> None:
    text = (
        "A Springfield Herald article praised the mayor in 1995. "
        "“He is the comeback kid,” the Herald wrote."
    )

    a = attribution_with(text, extract(text), "He is the comeback kid")

    assert a.resolved_speaker == "Springfield Herald"


def test_one_word_short_form_expands_only_for_outlets(extract: Extract) -> None:
    text = "The White House was silent. The House said the bill would pass."

    a = attribution_with(text, extract(text), "the bill would pass")

    assert a.resolved_speaker == "House"


# --- pronouns ---------------------------------------------------------------------------------


def test_pronoun_skips_a_country_in_the_same_sentence(extract: Extract) -> None:
    text = (
        "Secretary of State Jane Q. Roe said the United States would act, and she urged "
        "Ruritania to resume talks it abandoned in 2009."
    )

    a = attribution_with(text, extract(text), "to resume talks")

    assert a.resolved_speaker == "Jane Q. Roe"


def test_pronoun_prefers_the_subject_over_a_name_after_a_preposition(extract: Extract) -> None:
    text = (
        "Retired Gen. Norman Hamm is speaking out.\n\n"
        "In an interview with radio host Rusty Humbert, Hamm made it clear he had misgivings "
        "about the army under President Bill Obie.\n\n"
        "“Now that I am retired,” he told the host, “it was demoralizing to work for Obie.”"
    )

    a = attribution_with(text, extract(text), "it was demoralizing")

    assert a.resolved_speaker == "Norman Hamm"


def test_pronoun_skips_an_appositive_name(extract: Extract) -> None:
    text = (
        "Jane Roe said the department would act.\n\n"
        "She met Tom Hale while the department was investigating his wife, presidential "
        "nominee Ann Hale, over an email server. She said she was not aware of a backlash."
    )

    a = attribution_with(text, extract(text), "she was not aware of a backlash")

    assert a.resolved_speaker == "Jane Roe"


def test_first_person_writer_from_the_bio_line(extract: Extract) -> None:
    text = (
        "I grew up in a survivalist household.\n\n"
        "Like many voters, I believe that the American people have good sense.\n\n"
        "Jane Roe is a playwright in residence at Springfield College."
    )

    a = attribution_with(text, extract(text), "the American people have good sense")

    assert a.resolved_speaker == "Jane Roe"


def test_first_person_without_a_byline_stays_unresolved(extract: Extract) -> None:
    text = "Tom Hale ran for mayor. I believe that the city deserves better."

    a = attribution_with(text, extract(text), "the city deserves better")

    assert a.resolved_speaker == "I"


def test_group_pronoun_refers_to_a_one_word_organisation(extract: Extract) -> None:
    text = (
        "Factcheckr: Smith Is Right.\n\n"
        "On September 27 they published the results of their check by announcing that "
        "the claim was true."
    )

    a = attribution_with(text, extract(text), "the results of their check")

    assert a.resolved_speaker == "Factcheckr"


def test_relative_pronoun_without_antecedent_takes_the_name_before_it(extract: Extract) -> None:
    text = (
        "To solve this, they turned to the Springfield Police Department which reported "
        "“2,521 shooting incidents” in the city."
    )

    a = attribution_with(text, extract(text), "2,521 shooting incidents")

    assert a.resolved_speaker == "Springfield Police Department"


def test_object_relative_pronoun_is_not_the_speaker(extract: Extract) -> None:
    text = (
        "One of the many reasons that Smith refuses to make public his tax returns may be "
        "that they would reveal his debts."
    )

    (a,) = extract(text)

    assert joined(text, a.source) == "Smith"


def test_relative_clause_speaker_is_its_named_antecedent(extract: Extract) -> None:
    text = "Tom Hale, a senator who said the bill was dead, left early."

    a = attribution_with(text, extract(text), "the bill was dead")

    assert a.resolved_speaker == "Tom Hale"


# --- reported through an outlet ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "speaker", "via"),
    [
        ("The New York Times reported on Tuesday that Milley argued that Ukraine should "
         "negotiate.", "Milley", "New York Times"),
        ("According to the Springfield Herald, Smith argued that Ukraine should negotiate.",
         "Smith", "Springfield Herald"),
        ("The New York Times reported that general Mark Milley argued in private meetings for "
         "Ukraine to negotiate.", "Mark Milley", "New York Times"),
        ("US officials told the Washington Post that Ukraine should negotiate.", "US officials",
         "Washington Post"),
        ("Smith told MSNBC's Morning Joe that Ukraine should negotiate.", "Smith", "MSNBC"),
        ("Smith told Bill Host of Fox News that Ukraine should negotiate.", "Smith", "Fox News"),
    ],
)  # fmt: skip
def test_statement_reported_through_an_outlet(text: str, speaker: str, via: str) -> None:
    (a,) = saidwhat.extract(text, published="2022-11-17")

    assert a.resolved_speaker == speaker
    assert a.via == via
    assert "negotiat" in joined(text, a.content)


def test_the_outlets_date_does_not_date_the_statement() -> None:
    text = "The New York Times reported on Tuesday that Milley argued that Ukraine should talk."

    (a,) = saidwhat.extract(text, published="2022-11-17")

    assert (a.said_on, a.said_on_basis) == ("2022-11-17", "publication")


@pytest.mark.parametrize(
    "text",
    [
        "NATO said on Tuesday that Russia claimed the missile was Ukrainian.",
        "Smith told the I.R.S. that his returns were in order.",
        "The Springfield Herald reported that the talks had failed.",
    ],
)
def test_no_outlet_no_via(text: str) -> None:
    assert [a.via for a in saidwhat.extract(text, published="2022-11-17")] == [None]


def test_unnamed_sources_through_an_outlet_stay_anonymous() -> None:
    text = "Sources familiar with the talks told Reuters that a deal was close."

    (a,) = saidwhat.extract(text)

    assert a.anonymous
    assert a.via == "Reuters"
    assert a.role == "sources familiar with the talks"
