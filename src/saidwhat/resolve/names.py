"""Reading a speaker's name: the person or organisation behind the words as written.

Cross-article resolution compares *names*, never article text, so everything it needs to
know about a name is decided here: whether it is a person, an organisation or an unnamed
source, and which parts identify it. "Chairman of the Joint Chiefs of Staff General Mark
Milley", "Gen. Mark Milley" and "Mark Milley" must come out as the same person (titles and
roles are not part of a name), while "Donald Trump" and "Donald Trump Jr." must not (a
generational suffix is). Everything is plain string work on short names, cached by the
caller, so resolving a corpus costs time per distinct name, not per attribution.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Literal

SpeakerKind = Literal["person", "organisation", "group", "anonymous"]


def _wordset(words: str) -> frozenset[str]:
    """A set from a whitespace-separated list: long word lists stay readable."""
    return frozenset(words.split())


#: Words that are titles, ranks or offices when they precede a name. Lower-case, without
#: the final full stop. A name is the run of capitalised words after the last of these.
TITLE_WORDS = _wordset(
    """
    mr mrs ms miss dr gen general sen senator rep representative gov governor lt col colonel
    maj major adm admiral sgt sergeant capt captain cmdr commander prof professor pres
    president vice secretary minister premier chancellor chairman chairwoman chair
    chairperson mayor judge justice speaker director chief commissioner ambassador sheriff
    attorney pope king queen prince princess sir dame lord lady rev reverend father bishop
    cardinal rabbi imam sheikh officer deputy assistant acting former late undersecretary
    spokesman spokeswoman spokesperson leader head ceo founder candidate nominee
    congressman congresswoman councilman councilwoman councillor state defense defence
    foreign interior treasury justice homeland health energy labor commerce education
    agriculture joint chiefs staff us u.s. uk u.k. german french russian ukrainian chinese
    american british israeli iranian republican democratic democrat national security
    adviser advisor press white house gop first lady secretary-general
    """
)
#: Generational suffixes: part of a name, and what tells a father from his son.
NAME_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
#: Lower-case words allowed inside a name ("Ursula von der Leyen", "Mohammed bin Salman").
NAME_PARTICLES = frozenset({"von", "van", "der", "den", "de", "la", "le", "du", "da", "di",
                            "bin", "al", "el", "ibn", "dos", "del", "st"})  # fmt: skip
#: Words that make a name an organisation: newsrooms, institutions, bodies, polls.
ORGANISATION_WORDS = _wordset(
    """
    post times journal news tribune herald guardian telegraph independent observer gazette
    chronicle economist magazine reuters ap afp bloomberg cnn bbc nbc cbs abc fox msnbc npr
    pbs politico axios breitbart huffpost press agency network channel radio television tv
    house kremlin pentagon
    ministry department agency office committee commission council party campaign court
    congress senate parliament administration government institute university college
    school foundation association union bank corp corporation inc ltd company group
    organization organisation authority service police army navy force forces command
    poll polls survey center centre bureau board fund federation league coalition movement
    alliance embassy consulate cabinet assembly regime military intelligence team
    nato un eu fbi cia nsa imf opec gop dnc rnc
    """
)
#: Calendar words are capitalised but never a speaker ("a report on 5 November").
_CALENDAR = _wordset(
    """
    january february march april may june july august september october november december
    jan feb mar apr jun jul aug sep sept oct nov dec monday tuesday wednesday thursday
    friday saturday sunday
    """
)
#: Determiners and quantifiers dropped from unnamed sources' descriptions.
_DETERMINERS = frozenset({"a", "an", "the", "some", "several", "many", "two", "three",
                          "four", "other", "few", "one", "most", "various", "numerous",
                          "senior", "unnamed", "anonymous"})  # fmt: skip

#: Words after which an unnamed source's description modifies its head ("sources *familiar
#: with* the talks", "officials *who* spoke"): the head is put in the singular, not these.
_MODIFIER_STARTS = frozenset({"with", "of", "in", "on", "at", "from", "familiar", "close",
                              "who", "that", "to", "for", "briefed", "involved", "knowledgeable",
                              "speaking", "granted"})  # fmt: skip
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_WORD = re.compile(r"[^\W_][\w.'’-]*|&", re.UNICODE)
_JOINT = re.compile(r"\s+and\s+")
_SLUG_JUNK = re.compile(r"[^a-z0-9]+")
#: Everything after a comma or a parenthesis is a description, not the name ("Bob Corker,
#: R-Tenn."; "Milley (pictured)").
_TRAILER = re.compile(r"\s*[,(;].*$", re.DOTALL)


@dataclass(frozen=True, slots=True)
class NameKey:
    """What identifies a speaker across articles.

    ``parts`` for a person is ``(first, last, suffix)`` in lower case, ``first`` empty when
    only the surname is known; for an organisation or an unnamed source it is its
    normalised words. Two mentions with equal keys are the same speaker; a surname-only key
    is resolved against full keys by the corpus resolver.
    """

    kind: SpeakerKind
    parts: tuple[str, ...]
    #: The name as it should be shown: titles removed ("Mark Milley", "Washington Post").
    #: Not part of the identity: "Mark A. Milley" and "Mark Milley" are one key.
    display: str = field(compare=False)

    @property
    def surname_only(self) -> bool:
        """A person known only by surname ("Milley"): ambiguous until the corpus decides."""
        return self.kind == "person" and not self.parts[0]


def fold(text: str) -> str:
    """Lower case without accents, so "Zelenskyy" and "ZELENSKYY" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def slug(text: str) -> str:
    """A stable, readable identifier: ``"Mark Milley"`` -> ``"mark-milley"``."""
    return _SLUG_JUNK.sub("-", fold(text).replace("’", "").replace("'", "")).strip("-")


def _bare(word: str) -> str:
    return fold(word).strip(".").replace("’", "'")


def _is_title(bare: str) -> bool:
    """ "general", "gen." and "president-elect" are titles."""
    return bare in TITLE_WORDS or bare.split("-", 1)[0] in TITLE_WORDS


def _name_run(words: list[str]) -> list[str]:
    """The trailing run of name words: capitalised, not titles, particles allowed inside.

    The last capitalised word always counts, so a surname that is also a title word ("John
    Major") is not lost.
    """
    run: list[str] = []
    for word in reversed(words):
        bare = _bare(word)
        if bare in NAME_SUFFIXES and not run:
            run.append(word)
            continue
        surname_missing = not [w for w in run if _bare(w) not in NAME_SUFFIXES]
        if word[:1].isupper() and (surname_missing or not _is_title(bare)):
            run.append(word)
            continue
        if bare in NAME_PARTICLES and run:
            run.append(word)
            continue
        break
    while run and _bare(run[-1]) in NAME_PARTICLES:  # a particle cannot start a name
        run.pop()
    return list(reversed(run))


def _person_key(words: list[str]) -> NameKey | None:
    run = _name_run(words)
    if not run:
        return None
    suffix = ""
    if _bare(run[-1]) in NAME_SUFFIXES:
        suffix = _bare(run[-1])
        run = run[:-1]
    if not run:
        return None
    last = _bare(run[-1])
    first = _bare(run[0]) if len(run) > 1 else ""
    display = " ".join(run + ([words[-1]] if suffix else []))
    return NameKey("person", (first, last, suffix), display)


def _organisation_key(words: list[str]) -> NameKey:
    if words and _bare(words[0]) == "the":
        words = words[1:]
    display = " ".join(words)
    parts = tuple(_bare(w).replace("u.s.", "us").replace(".", "") for w in words)
    return NameKey("organisation", parts, display)


def _singular(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def anonymous_key(description: str) -> NameKey:
    """The key of an unnamed source: its description without determiners, in the singular.

    "a US official" and "US officials" share a key, so outlets can be compared on how often
    they lean on the same kind of unnamed source; it is a description, not a person. Only
    the head phrase is put in the singular: "sources familiar with the talks" becomes
    "source familiar with the talks".
    """
    words = [w for w in _WORD.findall(_TRAILER.sub("", description)) if w]
    while words and _bare(words[0]) in _DETERMINERS:
        words = words[1:]
    shown: list[str] = []
    in_head = True
    for word in words:
        in_head = in_head and _bare(word) not in _MODIFIER_STARTS
        shown.append(_singular(word) if in_head else word)
    display = " ".join(shown) if shown else description.strip()
    parts = tuple(_bare(w).replace("u.s.", "us").replace(".", "") for w in shown)
    return NameKey("anonymous", parts or (fold(display),), display)


def name_key(name: str, *, anonymous: bool = False) -> NameKey | None:
    """Classify and normalise one speaker name; None when it names nobody (a pronoun).

    An organisation is recognised by its words ("Post", "Kremlin", "campaign", an acronym),
    a person by a run of capitalised words after any titles. Lower-case descriptions that
    reached this point unresolved ("the top US general") name nobody across articles.
    """
    name = _POSSESSIVE.sub("", name.strip().strip("\"“”'‘’ "))
    if anonymous:
        return anonymous_key(name)
    name = _TRAILER.sub("", name)
    joint = _JOINT.split(name)
    if len(joint) > 1:
        members = [name_key(part) for part in joint]
        if all(m is not None and m.kind == "person" for m in members):
            displays = sorted(m.display for m in members if m is not None)
            return NameKey("group", tuple(fold(d) for d in displays), " and ".join(displays))
    words = _WORD.findall(name)
    bare = [_bare(w) for w in words]
    if bare[0] in ("a", "an") or bare[-1] in _CALENDAR:
        return None  # "a report on 5 November": an indefinite description names nobody
    named = [w for w, b in zip(words, bare, strict=True) if w[:1].isupper() and b != "the"]
    if not named or (words[-1][:1].islower() and bare[-1] not in ORGANISATION_WORDS):
        return None  # a description ("the top US general"), which only the article resolves
    acronym = len(words) == 1 and words[0].isupper() and len(words[0]) > 1
    run = _name_run(words)
    titled_person = 0 < len(run) < len(words) and not any(
        _bare(w) in ORGANISATION_WORDS for w in run
    )  # "Kremlin spokesman Dmitry Peskov" is Peskov, not the Kremlin
    if not titled_person and (
        acronym or any(b in ORGANISATION_WORDS for b in bare) or bare[0] == "the"
    ):
        return _organisation_key(words)
    return _person_key(words)
