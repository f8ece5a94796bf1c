"""Quotation scanning on raw text, independent of any parser.

Why a scanner of our own instead of the tokenizer's quote tags: news text mixes every mark
style (" “ ” ‘ ’ « » „ and straight single quotes), uses the open-quote-per-paragraph
convention for quotes running over several paragraphs, and is often unbalanced. A parser sees
one sentence at a time; quotes must be found over the whole article first so that the
attribution rules can ask "is this token inside a quotation, and which one?".
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass

#: Opening mark -> the marks that may close it. Messy text closes “ with a straight ", so
#: each opener accepts its typographic partner and the straight form.
_CLOSERS: dict[str, str] = {
    "“": '”"“',
    '"': '"”',
    "«": "»",
    "„": '“”"',
    "‘": "’'",
    "'": "'’",
    "‹": "›",
}
QUOTE_CHARS = frozenset("\"'“”‘’«»„‹›")
_SINGLE_OPENERS = frozenset("‘'")
#: Characters besides whitespace (any, see :func:`_can_open`) after which a mark can open
#: a quotation.
_OPEN_CONTEXT = frozenset("([{—–-:;,/")


@dataclass(frozen=True, slots=True)
class Quote:
    """A quotation: ``start``/``end`` include the marks; ``end`` is exclusive."""

    start: int
    end: int
    closed: bool = True


def _can_open(text: str, i: int) -> bool:
    prev = text[i - 1] if i > 0 else " "
    nxt = text[i + 1] if i + 1 < len(text) else " "
    if nxt.isspace() and text[i] not in "«‹":  # French style puts a space inside « »
        return False
    if text[i] in "'’‘" and nxt.isdigit():  # '90s, ’08
        return False
    # Any whitespace, the no-break space some outlets put after a full stop included
    # ('he said. \xa0“They’re ...': 105 openings in PolNeAR were missed without it).
    return prev.isspace() or prev in _OPEN_CONTEXT or prev in QUOTE_CHARS


def _can_close_single(text: str, i: int) -> bool:
    """A single mark closes a quotation only when it is not an apostrophe (don’t, Clinton’s)."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return not nxt.isalnum()


def _plural_possessive(text: str, i: int, closers: str) -> bool:
    """ "the players’ union": a mark after -s, before a lower-case word, with another
    possible closing mark later in the paragraph, is an apostrophe, not the quote's end."""
    if i == 0 or text[i - 1] not in "sS" or not text[i + 1 : i + 3].startswith(" "):
        return False
    if not text[i + 2 : i + 3].islower():
        return False
    end = text.find("\n", i)
    rest = text[i + 1 : end if end >= 0 else len(text)]
    return any(c in closers and _can_close_single(text, i + 1 + k) for k, c in enumerate(rest))


def find_quotes(text: str) -> list[Quote]:
    """Return the outermost quotations of ``text`` in order.

    A quotation left open at the end of a paragraph continues when the next paragraph opens
    with the same mark (the convention for long quotes); otherwise it is closed at the
    paragraph end and marked ``closed=False``, so unbalanced marks never swallow the article.
    """
    # Typewriter-style doubled apostrophes (''like this'', common in NYT archives) act as one
    # double mark. Mapping them to '"' plus a filler keeps every offset where it was.
    if "''" in text:
        text = text.replace("''", '"\x01')
    quotes: list[Quote] = []
    n = len(text)
    i = 0
    open_at = -1
    opener = ""
    while i < n:
        ch = text[i]
        if open_at < 0:
            if (
                ch in _CLOSERS
                and _can_open(text, i)
                and (ch not in _SINGLE_OPENERS or _has_single_close(text, i, ch))
            ):
                open_at, opener = i, ch
            elif ch == "”" and (i == 0 or text[i - 1] == "\n") and _can_open(text, i):
                # A closing mark typed as the opener at a paragraph start (”Mr. Trump ...”).
                open_at, opener = i, "“"
        elif ch == "\n":
            j = i
            while j < n and text[j] in "\r\n \t":
                j += 1
            if j < n and text[j] == opener and text[j - 1] == "\n":
                # Open-quote-per-paragraph: the quote goes on; skip the re-opening mark.
                i = j + 1
                continue
            end = i
            while end > open_at + 1 and text[end - 1] in "\r ":
                end -= 1
            quotes.append(Quote(open_at, end, closed=False))
            open_at = -1
        elif (
            ch in _CLOSERS[opener]
            and (
                ch not in "’'"
                or (
                    _can_close_single(text, i)
                    and not (opener in "‘'" and _plural_possessive(text, i, _CLOSERS[opener]))
                )
            )
            and i > open_at + 1
        ):
            end = i + 2 if i + 1 < n and text[i + 1] == "\x01" else i + 1
            quotes.append(Quote(open_at, end))
            open_at = -1
        i += 1
    if open_at >= 0:
        end = n
        while end > open_at + 1 and text[end - 1].isspace():
            end -= 1
        quotes.append(Quote(open_at, end, closed=False))
    return quotes


def _has_single_close(text: str, i: int, opener: str) -> bool:
    """Single marks open a quote only if a closing mark follows in the same paragraph.

    Without this check every apostrophe-like ‘ (’90s, ‘em) would open a quotation.
    """
    closers = _CLOSERS[opener]
    j = i + 1
    n = len(text)
    while j < n:
        if text[j] == "\n":
            # The quote may go on in the next paragraph if that one opens with the same mark.
            k = j
            while k < n and text[k] in "\r\n \t":
                k += 1
            if k < n and text[k] == opener and "\n\n\n\n" not in text[j:k]:
                j = k + 1
                continue
            return False
        if text[j] in closers and j > i + 1 and _can_close_single(text, j):
            return True
        j += 1
    return False


class QuoteIndex:
    """Answers "which quotation covers this character?" in O(log n)."""

    def __init__(self, quotes: list[Quote]) -> None:
        self.quotes = quotes
        self._starts = [q.start for q in quotes]

    def at(self, char: int) -> Quote | None:
        k = bisect_right(self._starts, char) - 1
        if k >= 0 and self.quotes[k].start <= char < self.quotes[k].end:
            return self.quotes[k]
        return None

    def overlapping(self, start: int, end: int) -> list[Quote]:
        k = max(bisect_right(self._starts, start) - 1, 0)
        out = []
        while k < len(self.quotes) and self.quotes[k].start < end:
            if self.quotes[k].end > start:
                out.append(self.quotes[k])
            k += 1
        return out
