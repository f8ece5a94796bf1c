"""Word tokens for comparing versions of one statement.

Two outlets print the same utterance with different quote glyphs (“ ” vs ‘ ’ vs "),
contractions ("there's" / "there is"), spelled or written numbers ("nine" / "9"), cuts
marked with "..." or "…", and editorial insertions in square brackets ("[the Ukrainians]").
None of that is a difference in *what was said*, so everything downstream (candidate
keys, link confirmation, drift labels) compares the normalised tokens made here, while each
token keeps its place in the original text so a diff can be shown with the outlet's own
words and punctuation.

Three token kinds:

* ``word``: a word the speaker said (as far as the outlet tells us);
* ``elision``: an ellipsis mark ("...", "…", "[...]"), where the outlet cut words;
* ``inserted``: a word inside square brackets, written by the outlet, not the speaker.

:func:`words` returns only the speaker's words, because those are what two versions of a
statement should share; elisions and insertions matter to the drift labels, which read
:func:`tokens`.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

__all__ = [
    "ELISION",
    "HONORIFICS",
    "STOPWORDS",
    "Token",
    "content_stems",
    "quoted_fragments",
    "quoted_spans",
    "stem",
    "tokens",
    "words",
]

#: The normalised form of every ellipsis mark.
ELISION = "…"

_APOSTROPHES = str.maketrans({"’": "'", "ʼ": "'", "‘": "'", "`": "'", "´": "'", "′": "'"})

#: One pass over the text, alternatives in priority order: elisions (including "[...]"),
#: bracketed insertions, numbers (with thousands separators and decimals), acronyms with
#: dots ("U.S.", "U.S"), and words with internal apostrophes or hyphens ("there's",
#: "Russia-Ukraine").
_TOKEN = re.compile(
    r"""
    (?P<elision>[\[(]\s*(?:\.\s*){3,}[\])]|[\[(]\s*…\s*[\])]|(?:\.\s?){2,}\.|…)
  | (?P<bracket>\[[^\[\]]*\])
  | (?P<number>\d+(?:[.,]\d+)*%?)
  | (?P<acronym>[^\W\d_](?:\.[^\W\d_])+\.?(?![^\W_]))
  | (?P<word>[^\W_]+(?:['’ʼ\-‐‑][^\W_]+)*)
    """,
    re.VERBOSE,
)
_BRACKET_WORD = re.compile(r"\d+(?:[.,]\d+)*%?|[^\W_]+(?:['’ʼ\-‐‑][^\W_]+)*")
_HYPHENS = re.compile(r"[\-‐‑]")

_NUMBER_WORDS = {
    "zero": "0",
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "thirteen": "13",
    "fourteen": "14",
    "fifteen": "15",
    "sixteen": "16",
    "seventeen": "17",
    "eighteen": "18",
    "nineteen": "19",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "sixty": "60",
    "seventy": "70",
    "eighty": "80",
    "ninety": "90",
    "hundred": "100",
    "thousand": "1000",
    "million": "1000000",
    "billion": "1000000000",
}


#: Contractions whose expansion is unambiguous; "'s" is only expanded after the pronouns
#: and adverbs in :data:`_IS_CONTRACTIONS` (elsewhere it is a possessive: "Ukraine's").
def word_set(text: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easier to read and edit)."""
    return frozenset(text.split())


_IRREGULAR = {
    "won't": ("will", "not"),
    "can't": ("can", "not"),
    "cannot": ("can", "not"),
    "shan't": ("shall", "not"),
    "ain't": ("is", "not"),
    "let's": ("let", "us"),
}
_SUFFIXES = {"'re": "are", "'ve": "have", "'ll": "will", "'m": "am", "'d": "would"}
_IS_CONTRACTIONS = word_set(
    """
    it he she that there here what who where when how why this everything nothing
    """
)

#: Function words: they say little about which statement a text is, so they are left out of
#: the bags of content stems used for candidate keys and paraphrase evidence.
STOPWORDS = word_set(
    """
    a an the and or but if then so as of at by for with about against between into through
    during before after above below to from up down in out on off over under again further
    once here there when where why how all any both each few more most other some such
    only own same than too very s t just also i me my myself we our ours ourselves you
    your yours yourself yourselves he him his himself she her hers herself it its itself
    they them their theirs themselves what which who whom this that these those am is are
    was were be been being have has had having do does did doing would should could ought
    will shall may might must can not no nor never none nothing us said say says saying
    told tell that's because while until whether though although yet even still really
    well like just get got going go one thing things lot way mr mrs ms dr
    anything something everything anyone someone everyone anybody somebody everybody nobody
    """
)

#: Courtesy titles: house style ("Mrs. Clinton" in one paper, "Clinton" in another), not a
#: word that tells statements or people apart.
HONORIFICS = word_set("Mr Mrs Ms Dr Mr. Mrs. Ms. Dr.")

_STEM_SUFFIXES = (
    "ibilities",
    "abilities",
    "ications",
    "ibility",
    "ability",
    "ication",
    "ational",
    "ations",
    "ements",
    "ation",
    "ement",
    "ments",
    "ating",
    "ities",
    "ians",
    "ness",
    "ings",
    "ment",
    "ible",
    "able",
    "ated",
    "ates",
    "ally",
    "ives",
    "ized",
    "ised",
    "izes",
    "ises",
    "ian",
    "ing",
    "ity",
    "ate",
    "ive",
    "ize",
    "ise",
    "ily",
    "ies",
    "ied",
    "ers",
    "ful",
    "ly",
    "ed",
    "es",
    "er",
    "al",
    "ia",
    "s",
    "e",
    "y",
)


@dataclass(frozen=True, slots=True)
class Token:
    """One token of a statement's text.

    ``norms`` holds the normalised word(s) the token stands for: usually one, two for a
    contraction ("there's" -> "there", "is") or a hyphenated compound, and ``("…",)`` for an
    elision. ``start``/``end`` index the text the token came from, so a diff can show the
    outlet's own spelling and punctuation. ``sentence_start`` marks the first word of a
    sentence (capitalised for grammar, not because it is a name).
    """

    kind: str  # "word" | "elision" | "inserted"
    surface: str
    norms: tuple[str, ...]
    start: int
    end: int
    sentence_start: bool = False

    @property
    def is_name(self) -> bool:
        """A capitalised word inside a sentence: a proper name ("Putin", "NATO", "Kherson")."""
        return (
            self.kind == "word"
            and not self.sentence_start
            and self.surface[:1].isupper()
            and self.surface not in ("I", "I'm", "I’m", "I've", "I’ve", "I'll", "I’ll", "I'd")
            and self.surface not in HONORIFICS
        )


def _intern(value: str) -> str:
    return sys.intern(value)


@lru_cache(maxsize=200_000)
def _normalise_word(surface: str) -> tuple[str, ...]:
    """The normalised word(s) of one surface word (cached: news reuses a small vocabulary)."""
    lowered = unicodedata.normalize("NFKC", surface).translate(_APOSTROPHES).lower()
    if surface in ("US", "U.S", "U.S."):
        return ("u.s.",)
    if lowered in _IRREGULAR:
        return _IRREGULAR[lowered]
    parts: list[str] = []
    for piece in _HYPHENS.split(lowered):
        if not piece:
            continue
        if piece.endswith("n't"):
            parts.extend((piece[:-3] or "not", "not"))
            continue
        head, apostrophe, tail = piece.rpartition("'")
        if apostrophe and head:
            suffix = "'" + tail
            if suffix in _SUFFIXES:
                parts.extend((head, _SUFFIXES[suffix]))
                continue
            if suffix == "'s":
                parts.extend((head, "is") if head in _IS_CONTRACTIONS else (head,))
                continue
        parts.append(_NUMBER_WORDS.get(piece, piece))
    return tuple(_intern(part) for part in parts) or (lowered,)


def _normalise_number(surface: str) -> str:
    """Numbers compare by value as written: "1,000" and "1000" are the same number."""
    return surface.replace(",", "") if re.fullmatch(r"\d{1,3}(?:,\d{3})+", surface) else surface


_SENTENCE_BREAK = re.compile(r"[.!?:;]")


def _abbreviated(previous: Token, between: str) -> bool:
    """Whether the only break after ``previous`` is the full stop of an abbreviation."""
    return between.strip() == "." and (
        previous.surface in HONORIFICS
        or (len(previous.surface) == 1 and previous.surface.isupper())
    )


#: Setters of :class:`Token`'s slots, in field order, for :func:`_token`.
_TOKEN_SLOTS = tuple(
    Token.__dict__[name].__set__
    for name in ("kind", "surface", "norms", "start", "end", "sentence_start")
)


def _token(
    kind: str, surface: str, norms: tuple[str, ...], start: int, end: int, sentence_start: bool
) -> Token:
    """A :class:`Token`, built without the frozen dataclass ``__init__``.

    Every statement linked and every cluster member labelled is tokenised, millions of
    tokens for a large store, and a frozen dataclass's ``__init__`` sets each field through
    ``object.__setattr__``, which is several times slower than the slot setters used here.
    The result is the same immutable, equal-comparing, hashable token.
    """
    token = _new_object(Token)
    set_kind, set_surface, set_norms, set_start, set_end, set_sentence_start = _TOKEN_SLOTS
    set_kind(token, kind)
    set_surface(token, surface)
    set_norms(token, norms)
    set_start(token, start)
    set_end(token, end)
    set_sentence_start(token, sentence_start)
    return token


_new_object = object.__new__


def tokens(text: str) -> list[Token]:
    """Tokenise a statement's text (see the module docstring for the token kinds)."""
    result: list[Token] = []
    append = result.append
    previous: Token | None = None
    previous_end = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "word"
        start, end = match.span()
        # after a full stop (or a colon, or a cut) a capital letter is grammar, not a name;
        # but the full stop of "Mrs." or of an initial ("John F. Kennedy") ends no sentence
        if previous is None or previous.kind == "elision":
            sentence_start = True
        elif start - previous_end == 1 and text[previous_end] == " ":
            sentence_start = False  # a single space, by far the commonest gap: no break
        else:
            between = text[previous_end:start]
            sentence_start = _SENTENCE_BREAK.search(between) is not None and not _abbreviated(
                previous, between
            )
        surface = match.group()
        if kind == "word":
            previous = _token("word", surface, _normalise_word(surface), start, end, sentence_start)
            append(previous)
        elif kind == "elision":
            previous = _token("elision", surface, (ELISION,), start, end, False)
            append(previous)
        elif kind == "bracket":
            inner_start = start + 1
            inner = surface[1:-1]
            found = list(_BRACKET_WORD.finditer(inner))
            for index, word in enumerate(found):
                w_start, w_end = inner_start + word.start(), inner_start + word.end()
                # the brackets belong to the insertion's first and last words, for display
                first = start if index == 0 else w_start
                last = end if index == len(found) - 1 else w_end
                previous = _token(
                    "inserted",
                    text[first:last],
                    _normalise_word(word.group()),
                    first,
                    last,
                    sentence_start and index == 0,
                )
                append(previous)
        elif kind == "number":
            norm = _intern(_normalise_number(surface))
            previous = _token("word", surface, (norm,), start, end, sentence_start)
            append(previous)
        else:
            # "U.S." and "U.S" (a dropped full stop) are one name; "US" is normalised alike
            letters = surface.replace(".", "").lower()
            norm = _intern("u.s." if letters == "us" else letters)
            previous = _token("word", surface, (norm,), start, end, sentence_start)
            append(previous)
        previous_end = end
    return result


def words(text: str) -> list[str]:
    """The speaker's words, normalised: the unit every comparison in ``saidwhat.link`` uses.

    Lowercased; quote marks and punctuation dropped; curly apostrophes straightened;
    contractions expanded ("there's" -> "there is", "won't" -> "will not"); number words
    written as digits ("nine" -> "9"); hyphenated compounds split. Elision marks and
    [bracketed insertions] are recognised and left out, because they are the outlet's,
    not the speaker's.
    """
    return [norm for token in tokens(text) if token.kind == "word" for norm in token.norms]


@lru_cache(maxsize=200_000)
def stem(word: str) -> str:
    """A crude suffix-stripping stem, enough to match "negotiate"/"negotiations",
    "Ukraine"/"Ukrainian", "withdraw"/"withdrawal" when scoring rewordings.

    Deliberately cheap and aggressive: stems are only compared with each other to find and
    confirm candidate links; nothing shows them to people.
    """
    if len(word) <= 4 or not word.isalpha():
        return word
    for suffix in _STEM_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return _intern(word[: -len(suffix)])
    return word


def content_stems(norms: list[str]) -> set[str]:
    """Stems of the content words (stopwords left out): a statement's bag of topics."""
    return {stem(word) for word in norms if word not in STOPWORDS}


_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"|''(.+?)''|«([^»]+)»|‘(.+?)’(?![^\W_])")


def quoted_fragments(text: str) -> list[str]:
    """The parts of a text inside quotation marks: in a mixed or indirect attribution, the
    words the outlet presents as the speaker's own ("... “are not high, militarily,” he said").

    Doubled apostrophes count as quotation marks: some archives (the NYT's among them)
    print ''these'' for “these”, and their partial quotes matter as much as anyone's.
    """
    return [text[start:end] for start, end in quoted_spans(text)]


def quoted_spans(text: str) -> list[tuple[int, int]]:
    """Where :func:`quoted_fragments` lie in ``text`` (start, end; inside the marks), so a
    caller holding the text's tokens can pick the quoted ones without tokenising again."""
    spans = []
    for match in _QUOTED.finditer(text):
        group = next(number for number, value in enumerate(match.groups(), 1) if value)
        spans.append(match.span(group))
    return spans
