"""Attribution rules, through the public ``saidwhat.extract``.

Each test is a sentence shape a journalist meets daily, and checks what they would check by
eye: who is the source, which words are the cue, what exactly is the content, and whether it
is direct, indirect or mixed speech.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from saidwhat.model import Attribution, Span

Extract = Callable[[str], list[Attribution]]


def texts(text: str, span: Span) -> list[str]:
    """The fragments of a span as strings."""
    return [text[start:end] for start, end in span]


def joined(text: str, span: Span) -> str:
    return " ".join(texts(text, span))


def only(attributions: list[Attribution]) -> Attribution:
    assert len(attributions) == 1, attributions
    return attributions[0]


SPLIT_QUOTE = '"We will win," Smith said. "They will lose."'
INVERSION = '"It is over," said Senator Jane Doe.'
COLON = 'Smith said: "We are ready."'
INDIRECT = "Milley said both Russia and Ukraine should realize that victory is impossible."
THAT_CLAUSE = "The minister argued that the plan would fail."
MIXED = 'Austin said the US had not seen anything that "contradicted" Poland\'s view.'
ACCORDING_TO = "The explosion happened at 8 p.m., according to police officials."
ORGANISATION = "US officials told the Washington Post that talks were possible."
PASSIVE_BELIEF = "Milley was said to believe that the Ukrainians had achieved much."
CONTINUATION = '"First part," she said.\n\n"Second paragraph of the quote."'
DASH_SIGNATURE = "“We need change.” ― Maria Lopez"
TRANSCRIPT = "WALLACE: Will she be there?\n\nPENCE: She will not."
CUE_INSIDE_QUOTE = '"I think we will win," Smith said.'
NOTHING = "The sky was blue over Kyiv."
CRLF = (
    'Smith said: "We are ready."\r\n\r\n'
    '"It is over," said Senator Jane Doe.\r\n'
    "The minister argued that the plan would fail.\r\n"
)

ALL_TEXTS = [
    SPLIT_QUOTE,
    INVERSION,
    COLON,
    INDIRECT,
    THAT_CLAUSE,
    MIXED,
    ACCORDING_TO,
    ORGANISATION,
    PASSIVE_BELIEF,
    CONTINUATION,
    DASH_SIGNATURE,
    TRANSCRIPT,
    CUE_INSIDE_QUOTE,
    NOTHING,
    CRLF,
]


def test_split_quote_is_one_direct_attribution_in_two_fragments(extract: Extract) -> None:
    a = only(extract(SPLIT_QUOTE))

    assert a.kind == "direct"
    assert texts(SPLIT_QUOTE, a.source) == ["Smith"]
    assert texts(SPLIT_QUOTE, a.cue) == ["said"]
    content = texts(SPLIT_QUOTE, a.content)
    assert len(content) == 2
    assert "We will win" in content[0]
    assert "They will lose" in content[1]
    assert a.speaker == "Smith"


def test_speaker_after_quote_with_inversion(extract: Extract) -> None:
    a = only(extract(INVERSION))

    assert a.kind == "direct"
    assert "Jane Doe" in joined(INVERSION, a.source)
    assert texts(INVERSION, a.cue) == ["said"]
    assert "It is over" in joined(INVERSION, a.content)
    assert "said" not in joined(INVERSION, a.content)


def test_speaker_before_quote_with_colon(extract: Extract) -> None:
    a = only(extract(COLON))

    assert a.kind == "direct"
    assert texts(COLON, a.source) == ["Smith"]
    assert "said" in joined(COLON, a.cue)
    assert "We are ready" in joined(COLON, a.content)
    assert "Smith" not in joined(COLON, a.content)


def test_indirect_speech_without_that(extract: Extract) -> None:
    a = only(extract(INDIRECT))

    assert a.kind == "indirect"
    assert texts(INDIRECT, a.source) == ["Milley"]
    assert texts(INDIRECT, a.cue) == ["said"]
    content = joined(INDIRECT, a.content)
    assert content.startswith("both Russia")
    assert content.rstrip(".").endswith("victory is impossible")


def test_indirect_speech_with_that_clause(extract: Extract) -> None:
    a = only(extract(THAT_CLAUSE))

    assert a.kind == "indirect"
    assert texts(THAT_CLAUSE, a.source) == ["The minister"]
    assert texts(THAT_CLAUSE, a.cue) == ["argued"]
    content = joined(THAT_CLAUSE, a.content)
    assert content.startswith("that the plan")
    assert content.rstrip(".").endswith("would fail")


def test_mixed_quote(extract: Extract) -> None:
    a = only(extract(MIXED))

    assert a.kind == "mixed"
    assert texts(MIXED, a.source) == ["Austin"]
    assert texts(MIXED, a.cue) == ["said"]
    content = joined(MIXED, a.content)
    assert content.startswith("the US had not seen")
    assert '"contradicted"' in content
    assert "view" in content


def test_according_to(extract: Extract) -> None:
    a = only(extract(ACCORDING_TO))

    assert texts(ACCORDING_TO, a.cue) == ["according to"]
    assert texts(ACCORDING_TO, a.source) == ["police officials"]
    assert a.kind == "indirect"
    content = joined(ACCORDING_TO, a.content)
    assert content.startswith("The explosion happened at 8 p.m")
    assert "according" not in content and "police" not in content


@pytest.mark.parametrize(
    ("text", "source", "content"),
    [
        # The parser makes "According" the root and the claim an apposition of the source.
        (
            "According to conservative talk radio host Rush Limbaugh, the move reeks of "
            "“fear” and desperation.",
            "conservative talk radio host Rush Limbaugh",
            "the move reeks of “fear” and desperation",
        ),
        # ... or reads "show" as a verb, leaving "to" without an object.
        (
            "As a reality TV boss, Donald Trump repeatedly demeaned women with sexist "
            "language, according to show insiders.",
            "show insiders",
            "As a reality TV boss, Donald Trump repeatedly demeaned women with sexist language",
        ),
    ],
)
def test_according_to_survives_a_wrong_parse(
    extract: Extract, text: str, source: str, content: str
) -> None:
    (a,) = [a for a in extract(text) if joined(text, a.cue).lower() == "according to"]
    assert joined(text, a.source) == source
    assert joined(text, a.content) == content


def test_quote_after_said_goes_on_with_that_speaker(extract: Extract) -> None:
    # The cue of the next sentence used to take the second quotation as its own.
    text = (
        "“Hillary is my next choice. Donald Trump lost me a long time ago,” Shays said. "
        "“He does and says everything my mom and dad taught me not to say.” Another former "
        "lawmaker, Sen. Joe Lieberman, also stated his support."
    )
    found = extract(text)
    shays = next(a for a in found if joined(text, a.source) == "Shays")
    assert texts(text, shays.content)[-1].startswith("“He does and says everything")
    lieberman = next(a for a in found if "Lieberman" in joined(text, a.source))
    assert joined(text, lieberman.content) == "his support"


@pytest.mark.parametrize(
    ("text", "cue", "content"),
    [
        # A cue with an object of its own says that object, not the quotation before it.
        (
            "“I don’t know what she was thinking.” Trump further described the incident as "
            "a “terrible situation.”",
            "further described",
            "the incident as a “terrible situation.”",
        ),
        (
            "“It is a disgrace.” The Republican National Committee noted Bill Clinton’s "
            "comments on its website.",
            "noted",
            "Bill Clinton’s comments on its website",
        ),
        # ... but the person told is not what is said.
        ("“We are ready.” Milley told reporters on Wednesday.", "told", "“We are ready.”"),
    ],
)
def test_object_or_quotation_beside_the_cue(
    extract: Extract, text: str, cue: str, content: str
) -> None:
    (a,) = [a for a in extract(text) if joined(text, a.cue) == cue]
    assert joined(text, a.content) == content


def test_organisation_source_with_told(extract: Extract) -> None:
    a = only(extract(ORGANISATION))

    assert texts(ORGANISATION, a.source) == ["US officials"]
    assert "told" in joined(ORGANISATION, a.cue)
    assert "Washington Post" not in joined(ORGANISATION, a.source)
    assert joined(ORGANISATION, a.content).startswith("that talks were possible")
    assert a.kind == "indirect"


def test_passive_belief_report(extract: Extract) -> None:
    a = only(extract(PASSIVE_BELIEF))

    cue = joined(PASSIVE_BELIEF, a.cue)
    assert "said" in cue and "believe" in cue
    assert texts(PASSIVE_BELIEF, a.source) == ["Milley"]
    assert joined(PASSIVE_BELIEF, a.content).startswith("that the Ukrainians")
    assert a.kind == "indirect"


def test_quote_continues_into_next_paragraph(extract: Extract) -> None:
    a = only(extract(CONTINUATION))

    assert a.kind == "direct"
    assert texts(CONTINUATION, a.source) == ["she"]
    content = texts(CONTINUATION, a.content)
    assert any("First part" in fragment for fragment in content)
    assert any("Second paragraph of the quote" in fragment for fragment in content)


def test_dash_signature(extract: Extract) -> None:
    a = only(extract(DASH_SIGNATURE))

    assert texts(DASH_SIGNATURE, a.source) == ["Maria Lopez"]
    assert texts(DASH_SIGNATURE, a.cue) == ["―"]
    assert texts(DASH_SIGNATURE, a.content) == ["“We need change.”"]
    assert a.kind == "direct"


def test_transcript_labels(extract: Extract) -> None:
    attributions = extract(TRANSCRIPT)

    assert [joined(TRANSCRIPT, a.source) for a in attributions] == ["WALLACE", "PENCE"]
    assert [joined(TRANSCRIPT, a.content) for a in attributions] == [
        "Will she be there?",
        "She will not.",
    ]


def test_cue_verb_inside_quotation_is_not_an_attribution(extract: Extract) -> None:
    a = only(extract(CUE_INSIDE_QUOTE))

    assert texts(CUE_INSIDE_QUOTE, a.source) == ["Smith"]
    assert texts(CUE_INSIDE_QUOTE, a.cue) == ["said"]
    assert "I think we will win" in joined(CUE_INSIDE_QUOTE, a.content)


def test_no_quotes_and_no_cue_give_nothing(extract: Extract) -> None:
    assert extract(NOTHING) == []


@pytest.mark.parametrize("text", ALL_TEXTS)
def test_every_span_indexes_the_text(extract: Extract, text: str) -> None:
    for a in extract(text):
        assert a.content, a
        for span in (a.source, a.cue, a.content):
            for start, end in span:
                assert 0 <= start < end <= len(text), (start, end, a)
                assert text[start:end].strip(), (start, end, a)
            assert span == sorted(span)
            for (_, left_end), (right_start, _) in zip(span, span[1:], strict=False):
                assert left_end <= right_start, span
        assert a.speaker is None or a.speaker == joined(text, a.source)


def test_crlf_text_keeps_offsets(extract: Extract) -> None:
    attributions = extract(CRLF)

    found = [
        (joined(CRLF, a.source), joined(CRLF, a.cue), joined(CRLF, a.content)) for a in attributions
    ]
    assert found == [
        ("Smith", "said", '"We are ready."'),
        ("Senator Jane Doe", "said", '"It is over,"'),
        ("The minister", "argued", "that the plan would fail"),
    ]


def _long_text() -> tuple[str, list[str]]:
    """> 100,000 characters of paragraphs, each holding '"Point N is settled," Smith said.'

    Long filler words keep the token count (and the parse time) low.
    """
    paragraphs, tokens = [], []
    n = 0
    while sum(map(len, paragraphs)) <= 101_000:
        token = f"P{n:05d}"
        tokens.append(token)
        filler = f"Filler{n:05d}" + "z" * 400
        paragraphs.append(f'{filler}.\n\n"Point {token} is settled," Smith said.\n\n')
        n += 1
    return "".join(paragraphs), tokens


def test_long_text_offsets_index_the_original(extract: Extract) -> None:
    text, tokens = _long_text()
    assert len(text) > 100_000

    attributions = extract(text)

    by_token: dict[str, Attribution] = {}
    for a in attributions:
        content = joined(text, a.content)
        match = re.fullmatch(r'"Point (P\d{5}) is settled,"', content)
        assert match is not None, content
        assert joined(text, a.source) == "Smith"
        assert joined(text, a.cue) == "said"
        assert match.group(1) not in by_token
        by_token[match.group(1)] = a
    assert sorted(by_token) == tokens
    # The last quotation lies past the first 100,000 characters, so in a later chunk.
    last = by_token[tokens[-1]]
    assert last.content[0][0] > 100_000
