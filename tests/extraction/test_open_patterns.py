"""The candidate patterns of a judge's open pass that only the trained model decides on.

Why test candidates rather than final attributions: these patterns ("critical of", "is
expected to", "was backed by", ...) propose attributions the lexicon-only rules never would,
and whether one is kept is the model's call. What the rules owe the model is a candidate with
the right source, cue and content, so that is what these invented sentences check, through a
judge that accepts everything (the recorder training uses).
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from spacy.language import Language

from saidwhat.extraction.pipeline import load_nlp
from saidwhat.extraction.rules import find_attributions
from saidwhat.training import _Recorder

#: (pattern, source, cue, content) of each candidate, as text.
Row = tuple[str, str, str, str]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


@pytest.fixture(scope="module")
def candidates(nlp: Language) -> Callable[[str], list[Row]]:
    """Every candidate the open pass proposes for a text, as text."""

    def run(text: str) -> list[Row]:
        doc = nlp(text)
        recorder = _Recorder()
        find_attributions(doc, judge=recorder)
        rows = []
        for _, pairs in recorder.seen:
            for candidate, _final in pairs:
                rows.append(
                    (
                        candidate.pattern,
                        " ".join(text[s:e] for s, e in candidate.source),
                        " ".join(t.text for t in candidate.cue_tokens),
                        " ".join(text[s:e] for s, e in candidate.content),
                    )
                )
        return rows

    return run


def test_adjective_with_preposition(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("Republicans have been highly critical of the mayor's new budget.")
    assert (
        "adj-prep",
        "Republicans",
        "have been highly critical of",
        "the mayor's new budget",
    ) in rows


def test_adjective_with_that_clause(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("Some Democrats are worried that the plan could fail.")
    assert ("adj-clause", "Some Democrats", "are worried", "that the plan could fail") in rows


def test_raising_passive_has_no_source(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("The senator is expected to announce her candidacy on Monday.")
    assert ("raising", "", "is expected", "The senator to announce her candidacy on Monday") in rows


def test_raising_seem(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("The two men seemed to agree on almost everything.")
    assert ("raising", "", "seemed", "The two men to agree on almost everything") in rows


def test_core_reporting_verb_is_no_raising(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("Milley was said to believe that the war could not be won.")
    assert not any(pattern == "raising" for pattern, *_ in rows)


def test_passive_agent_is_the_source(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("The bill was backed by the state's largest union.")
    assert ("agent", "the state's largest union", "was backed", "The bill") in rows


@pytest.mark.parametrize(
    ("text", "row"),
    [
        pytest.param(
            "An outside group backing the mayor spent two million dollars.",
            ("object", "An outside group", "backing", "the mayor"),
            id="participle-on-a-noun",
        ),
        pytest.param(
            "The law gives the head of the agency the authority to issue waivers.",
            ("object", "the authority", "to issue", "waivers"),
            id="infinitive-on-a-noun",
        ),
        pytest.param(
            "Republicans were in the lead in advocating NATO enlargement.",
            ("object", "Republicans", "advocating", "NATO enlargement"),
            id="gerund-after-prepositions",
        ),
    ],
)
def test_verb_without_a_subject_of_its_own_finds_its_speaker(
    candidates: Callable[[str], list[Row]], text: str, row: Row
) -> None:
    """The noun a participle or infinitive hangs on, or the subject of the verb a gerund's
    prepositional phrases hang on, is the source."""
    assert row in candidates(text)


def test_subject_hung_on_the_auxiliary(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates(
        "Trump has pooh-poohed the U.S. intelligence community consensus that Russia hacked "
        "into the emails."
    )
    assert any(r[0] == "object" and r[1] == "Trump" and r[2].endswith("poohed") for r in rows), rows


def test_open_preposition(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("The campaign pointed to a recent poll showing a tight race.")
    assert (
        "prep-open",
        "The campaign",
        "pointed to",
        "a recent poll showing a tight race",
    ) in rows


def test_noun_cue_without_a_speaker(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("There were growing concerns about the safety of the bridge.")
    assert ("noun-prep-nosrc", "", "concerns about", "the safety of the bridge") in rows


def test_light_verb_noun_with_preposition(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("Trump made no mention of Jeb Bush.")
    assert ("noun-prep-open", "Trump", "made no mention of", "Jeb Bush") in rows


def test_predicate_noun_takes_the_auxiliaries(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("Clinton has been a dogged defender of the health law.")
    assert (
        "noun-prep-open",
        "Clinton",
        "has been a dogged defender of",
        "the health law",
    ) in rows


def test_fronted_frame_preposition(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("For many Republicans, the email scandal is a smoking gun.")
    assert (
        "frame-prep",
        "many Republicans",
        "For",
        "the email scandal is a smoking gun",
    ) in rows


def test_frame_preposition_needs_the_comma(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("In 2012 the mayor won easily.")
    assert not any(pattern == "frame-prep" for pattern, *_ in rows)


def test_passive_without_agent_has_no_source(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("The price of the resort was not disclosed.")
    assert ("passive-nosrc", "", "was not disclosed", "The price of the resort") in rows


def test_relative_clause_object_gap(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("It is an approach several candidates have embraced.")
    assert ("relcl-object", "several candidates", "have embraced", "an approach") in rows


def test_relative_pronoun_object(candidates: Callable[[str], list[Row]]) -> None:
    rows = candidates("The plan, which Cruz proposed, failed.")
    assert ("relcl-object", "Cruz", "proposed", "which") in rows


def test_adjective_without_content_is_no_candidate(
    candidates: Callable[[str], list[Row]],
) -> None:
    rows = candidates("The mayor was very tired.")
    assert not any(pattern.startswith("adj-") for pattern, *_ in rows)


def test_lexicon_only_rules_never_try_open_patterns(nlp: Language) -> None:
    found = find_attributions(nlp("Republicans have been highly critical of the new budget."))
    assert not found
