"""Canonical speakers across articles, from names alone (no store, no spaCy)."""

from __future__ import annotations

from collections import Counter

import pytest

from saidwhat.model import Attribution
from saidwhat.resolve import AliasRules, SpeakerDirectory
from saidwhat.resolve.names import anonymous_key, name_key
from saidwhat.resolve.speakers import assign_speaker_ids


@pytest.mark.parametrize(
    ("written", "kind", "display"),
    [
        ("Chairman of the Joint Chiefs of Staff General Mark Milley", "person", "Mark Milley"),
        ("Gen. Mark Milley", "person", "Mark Milley"),
        ("Secretary of State John F. Kerry", "person", "John F. Kerry"),
        ("German Chancellor Angela Merkel", "person", "Angela Merkel"),
        ("Kremlin spokesman Dmitry Peskov", "person", "Dmitry Peskov"),
        ("Bob Corker, R-Tenn.", "person", "Bob Corker"),
        ("John Major", "person", "John Major"),
        ("Ursula von der Leyen", "person", "Ursula von der Leyen"),
        ("Donald Trump Jr.", "person", "Donald Trump Jr."),
        ("the Washington Post", "organisation", "Washington Post"),
        ("The White House", "organisation", "White House"),
        ("the Kremlin", "organisation", "Kremlin"),
        ("the Trump campaign", "organisation", "Trump campaign"),
        ("NATO", "organisation", "NATO"),
        ("Obama and Donald Trump", "group", "Donald Trump and Obama"),
    ],
)
def test_names_are_read_without_titles(written: str, kind: str, display: str) -> None:
    key = name_key(written)
    assert key is not None
    assert (key.kind, key.display) == (kind, display)


@pytest.mark.parametrize(
    "written", ["he", "the top US general", "The senator", "a report on 5 November"]
)
def test_descriptions_and_pronouns_name_nobody(written: str) -> None:
    assert name_key(written) is None


def test_unnamed_sources_share_a_description_key() -> None:
    assert anonymous_key("a US official") == anonymous_key("US officials")
    assert anonymous_key("US officials").display == "US official"
    assert anonymous_key("sources familiar with the talks").display == (
        "source familiar with the talks"
    )
    assert anonymous_key("critics") != anonymous_key("US officials")


CORPUS = Counter(
    {
        ("Mark Milley", False): 10,
        ("Gen. Mark Milley", False): 3,
        ("General Milley", False): 1,
        ("Chairman of the Joint Chiefs of Staff General Mark Milley", False): 1,
        ("Milley", False): 2,
        ("Hillary Clinton", False): 5,
        ("Bill Clinton", False): 5,
        ("Clinton", False): 3,
        ("Donald Trump", False): 9,
        ("Donald Trump Jr.", False): 2,
        ("Trump", False): 4,
        ("the Washington Post", False): 2,
        ("the Post", False): 1,
        ("a US official", True): 2,
        ("US officials", True): 3,
        ("he", False): 4,
    }
)


def test_one_id_per_person_across_name_forms() -> None:
    directory = SpeakerDirectory.build(CORPUS)
    ids = {
        directory.id_for(name)
        for name in (
            "Mark Milley",
            "Gen. Mark Milley",
            "General Milley",
            "Milley",
            "Chairman of the Joint Chiefs of Staff General Mark Milley",
        )
    }
    assert ids == {"mark-milley"}
    milley = directory.speakers["mark-milley"]
    assert milley.name == "Mark Milley"
    assert milley.kind == "person"
    assert milley.statements == 17


def test_people_sharing_a_surname_stay_apart() -> None:
    directory = SpeakerDirectory.build(CORPUS)
    assert directory.id_for("Hillary Clinton") != directory.id_for("Bill Clinton")
    # Neither holds 80% of the Clintons' statements: a bare "Clinton" is not guessed.
    assert directory.id_for("Clinton") not in {
        directory.id_for("Hillary Clinton"),
        directory.id_for("Bill Clinton"),
    }
    assert directory.id_for("Donald Trump") != directory.id_for("Donald Trump Jr.")
    # Donald Trump Jr.'s suffix sets him apart, so "Trump" has one candidate.
    assert directory.id_for("Trump") == directory.id_for("Donald Trump") == "donald-trump"


def test_outlets_and_unnamed_sources() -> None:
    directory = SpeakerDirectory.build(CORPUS)
    assert directory.id_for("the Post") == directory.id_for("the Washington Post")
    assert directory.speakers["washington-post"].kind == "organisation"
    official = directory.id_for("a US official", anonymous=True)
    assert official == directory.id_for("US officials", anonymous=True) == "anon-us-official"
    assert directory.speakers[official].anonymous
    assert directory.id_for("he") is None


def test_dominant_full_name_takes_the_bare_surname() -> None:
    directory = SpeakerDirectory.build(
        Counter({("Hillary Clinton", False): 40, ("Bill Clinton", False): 2, ("Clinton", False): 5})
    )
    assert directory.id_for("Clinton") == "hillary-clinton"


def test_alias_rules_merge_split_rename() -> None:
    rules = AliasRules(
        merges=[["Bill Clinton", "Clinton"]],
        renames={"mark-milley": "Gen. Mark A. Milley"},
        splits=["Trump"],
    )
    directory = SpeakerDirectory.build(CORPUS, rules)
    assert directory.id_for("Clinton") == directory.id_for("Bill Clinton") == "bill-clinton"
    assert directory.speakers["bill-clinton"].statements == 8
    assert directory.speakers["mark-milley"].name == "Gen. Mark A. Milley"
    assert directory.id_for("Milley") == "mark-milley"  # a rename keeps the id
    assert directory.id_for("Trump") != directory.id_for("Donald Trump")
    assert directory.unmatched_rules == []


def test_merge_id_does_not_depend_on_which_names_a_corpus_holds() -> None:
    rules = AliasRules(merges=[["Bill Clinton", "William Clinton"]])
    alone = SpeakerDirectory.build(Counter({("William Clinton", False): 1}), rules)
    both = SpeakerDirectory.build(
        Counter({("William Clinton", False): 1, ("Bill Clinton", False): 1}), rules
    )
    assert alone.id_for("William Clinton") == both.id_for("William Clinton") == "bill-clinton"
    assert alone.speakers["bill-clinton"].name == "Bill Clinton"


def test_unmatched_rules_are_reported() -> None:
    rules = AliasRules(renames={"Nobody Here": "X"})
    directory = SpeakerDirectory.build(CORPUS, rules)
    assert directory.unmatched_rules == ["rename: Nobody Here"]


def test_find_accepts_ids_names_and_aliases() -> None:
    directory = SpeakerDirectory.build(CORPUS)
    for query in (
        "mark-milley",
        "Mark Milley",
        "mark milley",
        "Gen. Mark Milley",
        "General Milley",
    ):
        found = directory.find(query)
        assert found is not None and found.id == "mark-milley", query
    assert directory.find("Somebody Else") is None


def test_assign_speaker_ids_on_attributions() -> None:
    def attribution(speaker: str, resolved: str | None, anonymous: bool = False) -> Attribution:
        return Attribution(
            source=[(0, 1)],
            cue=[(2, 3)],
            content=[(4, 5)],
            kind="direct",
            speaker=speaker,
            resolved_speaker=resolved,
            anonymous=anonymous,
        )

    found = [
        attribution("he", "Mark Milley"),
        attribution("Gen. Mark Milley", "Mark Milley"),
        attribution("a US official", None, anonymous=True),
        attribution("it", None),
    ]
    assign_speaker_ids(found)
    assert [a.speaker_id for a in found] == [
        "mark-milley",
        "mark-milley",
        "anon-us-official",
        None,
    ]
    assert found[0].to_json()["speaker_id"] == "mark-milley"


def test_middle_initials_do_not_split_a_person() -> None:
    directory = SpeakerDirectory.build(
        Counter({("Mark A. Milley", False): 1, ("Mark Milley", False): 3})
    )
    assert directory.id_for("Mark A. Milley") == directory.id_for("Mark Milley") == "mark-milley"
    assert directory.speakers["mark-milley"].name == "Mark Milley"  # the most used form
