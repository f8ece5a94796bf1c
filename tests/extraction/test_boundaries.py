"""Where cues, sources and contents begin and end, on invented sentences.

PolNeAR's conventions decide exact-span scores: a cue takes its auxiliaries and adverbs, a
source stops at a line break, a quotation after a possessive still continues the speaker.
The content-boundary model (:class:`saidwhat.extraction.cue_model.CueModel`'s second part)
is checked here with hand-set weights, so each of its three moves is seen on its own.
"""

from __future__ import annotations

import pytest
from spacy.language import Language

from saidwhat.extraction.cue_model import CueModel, LemmaStats
from saidwhat.extraction.pipeline import load_nlp
from saidwhat.extraction.rules import _has_quote_mark, find_attributions
from saidwhat.model import Attribution


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def _spans(text: str, found: list[Attribution]) -> list[tuple[str, str, list[str]]]:
    """(source, cue, content fragments) of each attribution, as text."""
    return [
        (
            " ".join(text[s:e] for s, e in a.source),
            " ".join(text[s:e] for s, e in a.cue),
            [text[s:e] for s, e in a.content],
        )
        for a in found
    ]


@pytest.mark.parametrize(
    ("text", "cue"),
    [
        ("Smith isn't saying that the plan failed.", "isn't saying"),
        ("The senator has steadfastly said that the plan would fail.", "has steadfastly said"),
        ("The mayor could not explain why the plan failed.", "could not explain"),
        ("Smith said sarcastically that the plan was great.", "said sarcastically"),
    ],
)
def test_cue_takes_auxiliaries_and_adverbs(nlp: Language, text: str, cue: str) -> None:
    ((_, found_cue, _),) = _spans(text, find_attributions(nlp(text)))
    assert found_cue == cue


def test_appeal_takes_the_addressee_into_the_content(nlp: Language) -> None:
    text = "Smith called on Trump to stop attacking Machado."
    assert _spans(text, find_attributions(nlp(text))) == [
        ("Smith", "called on", ["Trump to stop attacking Machado"])
    ]


def test_object_of_urging_is_not_an_embedded_speaker(nlp: Language) -> None:
    """ "urging Trump to make ...": Trump does not speak; the content is all of it."""
    text = "Democrats are urging Trump to make the debate a game-changer."
    assert _spans(text, find_attributions(nlp(text))) == [
        ("Democrats", "are urging", ["Trump to make the debate a game-changer"])
    ]


def test_source_starts_after_a_line_break(nlp: Language) -> None:
    text = "The Latest on the race:\n\nDonald Trump said the plan failed."
    ((source, _, _),) = _spans(text, find_attributions(nlp(text)))
    assert source == "Donald Trump"


def test_quotation_continues_across_a_possessive(nlp: Language) -> None:
    text = (
        '"This is in their heads," said Caddell, speaking of Clinton’s health. '
        '"It is one of the things worrying them."'
    )
    ((source, _, content),) = _spans(text, find_attributions(nlp(text)))
    assert source == "Caddell"
    assert content == ['"This is in their heads,"', '"It is one of the things worrying them."']


def test_apostrophes_inside_words_are_not_quotation_marks() -> None:
    assert not _has_quote_mark(" said Caddell, speaking of Clinton’s health. ")
    assert not _has_quote_mark(" she said, and didn't stop. ")
    assert _has_quote_mark(' she said, "no," and ')
    assert _has_quote_mark(" he said, ‘maybe’ ")


def test_dash_signature_after_a_no_break_space(nlp: Language) -> None:
    text = "“We need change.” ―\xa0Maria Lopez\n"
    assert _spans(text, find_attributions(nlp(text))) == [
        ("Maria Lopez", "―", ["“We need change.”"])
    ]


def _judge(bound_weights: dict[str, float]) -> CueModel:
    """A judge that keeps every candidate and moves boundaries by ``bound_weights`` alone:
    +5 makes a move certain, -5 rules it out (0 would sit exactly on a 0.5 bar)."""
    weights = {"L:bias": -5.0, "X:bias": -5.0, "bias": -5.0, **bound_weights}
    return CueModel({"bias": 5.0}, LemmaStats.build([]), 0.5, 0.0, bound_weights=weights)


def _with(text: str, nlp: Language, bound_weights: dict[str, float], cue: str) -> list[str]:
    """The content of the attribution with ``cue`` under a judge with ``bound_weights``."""
    judge = _judge(bound_weights)
    judge.bound_threshold = 0.6
    found = find_attributions(nlp(text), judge=judge)
    (content,) = [content for _, found_cue, content in _spans(text, found) if found_cue == cue]
    return content


def test_lead_phrase_before_the_speaker_joins_the_content(nlp: Language) -> None:
    text = "When she is hiring, she said she ensures women are in the pool."
    assert _with(text, nlp, {}, "said") == ["she ensures women are in the pool"]
    assert _with(text, nlp, {"L:bias": 5.0}, "said") == [
        "When she is hiring",
        "she ensures women are in the pool",
    ]


def test_content_ends_at_a_separator(nlp: Language) -> None:
    text = "Smith said the plan failed, which surprised everyone."
    assert _with(text, nlp, {}, "said") == ["the plan failed, which surprised everyone"]
    assert _with(text, nlp, {"bias": 5.0}, "said") == ["the plan failed"]


def test_content_extends_over_phrases_the_parser_hung_on_the_cue(nlp: Language) -> None:
    text = "She wants to triple the program, grow the corps and create a reserve."
    assert _with(text, nlp, {}, "wants") == ["to triple the program"]
    assert _with(text, nlp, {"X:bias": 5.0}, "wants") == [
        "to triple the program, grow the corps and create a reserve"
    ]


def test_boundary_model_off_above_one(nlp: Language) -> None:
    """A bar above 1 (the default) leaves contents as the patterns built them."""
    text = "Smith said the plan failed, which surprised everyone."
    judge = _judge({"bias": 5.0})
    found = find_attributions(nlp(text), judge=judge)
    assert _spans(text, found)[0][2] == ["the plan failed, which surprised everyone"]


def test_a_paragraph_break_ends_the_sentence(nlp: Language) -> None:
    # The small parser ran these two paragraphs together, and "told" took the first
    # paragraph as part of its content.
    text = (
        "Both Mr. King and Mr. Schultz say RT's management has never told them what to say."
        "\n\n''I have never -- never -- been edited,'' Mr. King, 82, told me."
    )
    doc = nlp(text)
    assert [s.text.strip() for s in doc.sents] == [
        "Both Mr. King and Mr. Schultz say RT's management has never told them what to say.",
        "''I have never -- never -- been edited,'' Mr. King, 82, told me.",
    ]
    spans = _spans(text, find_attributions(doc))
    assert ("Both Mr. King and Mr. Schultz", "say") in [(s, c) for s, c, _ in spans]
    told = next(content for _, cue, content in spans if cue == "told")
    assert "".join(told).strip("' ,") == "I have never -- never -- been edited"


def test_no_break_spaces_do_not_split_spans() -> None:
    # The parser made each no-break space a token of its own: the cue came out as
    # "acknowledged" alone, cut off from its auxiliary.
    import saidwhat

    text = "Trump has\xa0acknowledged that he hailed\xa0Pence as a hero."
    (a,) = saidwhat.extract(text)
    assert [text[s:e] for s, e in a.cue] == ["has\xa0acknowledged"]
    assert [text[s:e] for s, e in a.content] == ["that he hailed\xa0Pence as a hero"]
