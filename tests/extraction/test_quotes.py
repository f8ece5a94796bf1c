"""Quotation scanning on raw text (``find_quotes``): pure and fast, no spaCy.

What a journalist checks: every quotation in the article is found once, with its marks, in
whatever typographic style the outlet uses; apostrophes are never mistaken for quotation marks;
a quote running over several paragraphs is one quote; a stray opening mark never swallows the
rest of the article.
"""

from __future__ import annotations

import pytest

from saidwhat.extraction.quotes import Quote, find_quotes


def texts(text: str, quotes: list[Quote]) -> list[str]:
    """The quotations as strings, marks included."""
    return [text[q.start : q.end] for q in quotes]


def quoted(text: str) -> list[str]:
    return texts(text, find_quotes(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('He said "yes" today.', '"yes"'),
        ("He said “yes” today.", "“yes”"),
        ("He said ‘yes’ today.", "‘yes’"),
        ("Il a dit «oui» hier.", "«oui»"),
        ("Er sagte „ja“ heute.", "„ja“"),
        ("Er sagte „ja” heute.", "„ja”"),
        ("He said ‹oui› today.", "‹oui›"),
        ("He said 'yes' today.", "'yes'"),
        # Messy text closes a curly opener with a straight mark.
        ('He said “yes" today.', '“yes"'),
    ],
    ids=[
        "straight-double",
        "curly-double",
        "curly-single",
        "guillemets",
        "low-high-german",
        "low-high-english",
        "single-guillemets",
        "straight-single",
        "mixed-curly-straight",
    ],
)
def test_every_mark_style_gives_one_closed_quote(text: str, expected: str) -> None:
    quotes = find_quotes(text)

    assert texts(text, quotes) == [expected]
    assert quotes[0].closed


def test_several_styles_in_one_text_each_found() -> None:
    text = 'A „quote“ and «another» and ‹third› and ‘fourth’ and "fifth".'

    assert quoted(text) == ["„quote“", "«another»", "‹third›", "‘fourth’", '"fifth"']


def test_quote_opened_after_a_no_break_space() -> None:
    # Some outlets put a no-break space after the full stop before the next quotation.
    text = "“It is a disgrace,” Bolton charged. \xa0“They’re performing honorably.”"
    assert quoted(text) == ["“It is a disgrace,”", "“They’re performing honorably.”"]


def test_spaced_guillemets() -> None:
    text = "Le ministre a dit « nous sommes prêts » hier."

    assert quoted(text) == ["« nous sommes prêts »"]


def test_offsets_include_the_marks() -> None:
    text = "Smith said “we will win” on Monday."
    (quote,) = find_quotes(text)

    assert (quote.start, quote.end) == (11, 24)
    assert text[quote.start] == "“" and text[quote.end - 1] == "”"


@pytest.mark.parametrize(
    "text",
    [
        "Clinton’s aides don’t talk about the ’90s anymore.",
        "Clinton's aides don't talk about the '90s anymore.",
        "The players’ union and the Joneses’ car.",
        "It’s 5 o’clock and rock ’n’ roll won’t stop.",
    ],
    ids=["curly", "straight", "plural-possessive", "contractions"],
)
def test_apostrophes_alone_are_not_quotes(text: str) -> None:
    assert find_quotes(text) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "In the ’90s, Clinton’s aides said ‘we don’t know’ often.",
            "‘we don’t know’",
        ),
        (
            "She said, “We’re ready, it’s Smith’s call,” and left.",
            "“We’re ready, it’s Smith’s call,”",
        ),
        ("‘Don’t go,’ she said.", "‘Don’t go,’"),
        ("'Nobody's coming,' she said.", "'Nobody's coming,'"),
        ("The Jones’ dog said ‘woof’ today.", "‘woof’"),
        pytest.param(
            "In the '90s, Clinton's aides said 'we don't know' often.",
            "'we don't know'",
            id="straight-90s-before-quote",
        ),
        pytest.param(
            "‘The players’ union said no,’ he said.",
            "‘The players’ union said no,’",
            id="plural-possessive-inside-single-quote",
        ),
    ],
)
def test_apostrophes_do_not_open_or_close_quotes(text: str, expected: str) -> None:
    assert quoted(text) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“She told me ‘never again’ and left,” he said.", "“She told me ‘never again’ and left,”"),
        ("“He told me ‘no.’” She left.", "“He told me ‘no.’”"),
        ("“They called it ‘absurd’” he said.", "“They called it ‘absurd’”"),
        ("\"She said 'never' to me,\" he said.", "\"She said 'never' to me,\""),
    ],
    ids=["curly-middle", "curly-inner-at-end", "curly-inner-touching", "straight"],
)
def test_nested_quotes_give_one_outer_quote(text: str, expected: str) -> None:
    assert quoted(text) == [expected]


@pytest.mark.parametrize(
    ("text", "last"),
    [
        pytest.param("“Para one goes on\n\n“Para two ends here.” he said.", "”", id="curly-double"),
        pytest.param('"Para one goes on\n\n"Para two ends here." he said.', '"', id="straight"),
        pytest.param('"Para one goes on\r\n\r\n"Para two ends here." he said.', '"', id="crlf"),
        pytest.param(
            "‘Para one goes on\n\n‘Para two ends here.’ he said.",
            "’",
            id="curly-single",
        ),
    ],
)
def test_open_quote_per_paragraph_is_one_quote(text: str, last: str) -> None:
    quotes = find_quotes(text)

    assert len(quotes) == 1
    (quote,) = quotes
    assert quote.closed
    assert quote.start == 0
    assert quote.end == text.index("ends here.") + len("ends here.") + 1
    assert text[quote.end - 1] == last


def test_quote_paragraph_followed_by_narration_is_not_continued() -> None:
    text = "“Para one goes on\n\nNext paragraph is narration.\n\n“Another,” she said."

    quotes = find_quotes(text)

    assert texts(text, quotes) == ["“Para one goes on", "“Another,”"]
    assert [q.closed for q in quotes] == [False, True]


def test_unbalanced_opener_closes_at_paragraph_end() -> None:
    text = "He said “we will never\n\nThe next paragraph has “its own” quote.\n\n“And more.”"

    quotes = find_quotes(text)

    assert texts(text, quotes) == ["“we will never", "“its own”", "“And more.”"]
    assert [q.closed for q in quotes] == [False, True, True]
    # The unclosed quote stops before the paragraph break.
    assert "\n" not in text[quotes[0].start : quotes[0].end]


def test_unbalanced_opener_at_end_of_text() -> None:
    text = "Intro.\n\nTail “open at end  \n"

    (quote,) = find_quotes(text)

    assert text[quote.start : quote.end] == "“open at end"
    assert not quote.closed


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("He said ''never again'' today.", ["''never again''"]),
        (
            "''We will win,'' he said. ''They will not.''",
            ["''We will win,''", "''They will not.''"],
        ),
        ("''I don't know,'' Smith's aide said.", ["''I don't know,''"]),
    ],
)
def test_nyt_doubled_apostrophes(text: str, expected: list[str]) -> None:
    quotes = find_quotes(text)

    assert texts(text, quotes) == expected
    assert all(q.closed for q in quotes)


@pytest.mark.parametrize(
    "text",
    ["”Text here.” said he.", "Intro line.\n\n”Text here.” said he."],
    ids=["text-start", "paragraph-start"],
)
def test_closing_mark_used_as_opener_at_paragraph_start(text: str) -> None:
    quotes = find_quotes(text)

    assert texts(text, quotes) == ["”Text here.”"]
    assert quotes[0].closed


def test_quotes_are_in_order_and_disjoint() -> None:
    text = '“One,” he said. ‘Two,’ she said. «Three» and "four".\n\n“Five.”'

    quotes = find_quotes(text)

    assert len(quotes) == 5
    for left, right in zip(quotes, quotes[1:], strict=False):
        assert left.end <= right.start
