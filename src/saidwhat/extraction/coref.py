"""In-article speaker resolution: "he", "Milley" and "the top US general" -> "Mark Milley".

Why not a neural coreference model: none ships offline with a small footprint, and news
attributions follow strong conventions that cheap rules capture well. A speaker is first
introduced by full name (often with a title or an appositive), then referred to by surname,
by pronoun, or by a definite description whose head noun appeared next to the name
("general Mark Milley" ... "the top US general"). Indefinite descriptions ("a US official",
"sources"), counts of people ("73 percent", "a majority of voters") and vague groups
("experts on North Korea", "the debate moderators") are anonymous and are deliberately left
unresolved: naming them after a word inside them ("North Korea") would invent a speaker.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace
from itertools import accumulate

from saidwhat.model import Attribution, Span

_NAME_THEN_DESCRIPTION = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}), (?:a|an|the|who|whose)\b"
)
#: Head nouns that make a source an organisation even when it contains a person's name.
_GROUP_HEADS = frozenset(
    {"campaign", "administration", "foundation", "committee", "team", "camp", "office",
     "government", "party", "department", "agency", "ministry", "organization", "group"}
)  # fmt: skip
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
_FIRST_PERSON = frozenset({"i", "me"})
_GROUP_PRONOUNS = frozenset({"they", "it", "we"})
_RELATIVE_PRONOUNS = frozenset({"who", "which", "that", "whom"})
_OUTLET_NOUNS = frozenset(
    {"newspaper", "paper", "daily", "outlet", "network", "broadcaster", "magazine", "agency"}
)
#: Last words of news outlets' names: "the Times" is the "New York Times" named earlier.
_OUTLET_NAME_WORDS = frozenset(
    {"times", "post", "journal", "tribune", "herald", "globe", "guardian", "telegraph",
     "chronicle", "gazette", "observer", "independent", "examiner", "inquirer", "star",
     "sun", "mail", "express", "mirror", "news", "caller", "beast", "review", "register"}
)  # fmt: skip
_DEFINITE = re.compile(r"^(?:the|this|that)\s+", re.IGNORECASE)
_TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|dr|gen|sen|rep|gov|lt|col|maj|adm|sgt|capt|prof|pres|rev)\.?|president|"
    r"general|senator|governor|secretary|minister|chairman|chairwoman|chair|mayor|judge|"
    r"justice|representative|speaker|director|professor|chief|commissioner|ambassador|"
    r"admiral|sheriff|attorney|pope|king|queen|prince|prime|chancellor|premier)\s+",
    re.IGNORECASE,
)
#: Words of office written before a name ("German Chancellor Angela Merkel", "Senate Majority
#: Leader Mitch McConnell"): a name mention is cut after the last of them, so the title goes
#: to the role and never into the resolved name.
_TITLE_WORDS_LIST = """
    mr mrs ms dr gen sen rep gov lt col maj adm sgt capt cpl pvt prof pres rev president
    general senator governor secretary minister chairman chairwoman chairperson chair mayor
    judge justice representative speaker director professor chief commissioner ambassador
    admiral sheriff attorney pope king queen prince princess chancellor premier leader
    congressman congresswoman councilman councilwoman spokesman spokeswoman spokesperson
    nominee candidate reverend rabbi bishop cardinal sir dame lord lady detective inspector
    superintendent treasurer comptroller lieutenant colonel major captain sergeant commander
    coach ceo"""
_TITLE_WORDS = frozenset(_TITLE_WORDS_LIST.split())
#: Portfolios named between "Secretary of" and the name ("Secretary of State John F. Kerry").
_PORTFOLIO_WORDS_LIST = """
    state defense defence treasury homeland security labor labour commerce energy education
    health agriculture transportation transport interior justice housing veterans affairs
    staff foreign finance home war navy army trade environment culture"""
_PORTFOLIO_WORDS = frozenset(_PORTFOLIO_WORDS_LIST.split())
#: Capitalised only because they open a sentence: "Later Milley said" names Milley.
_SENTENCE_ADVERBS_LIST = """
    later earlier meanwhile still then now also yesterday today separately instead
    afterward afterwards however moreover indeed finally again"""
_SENTENCE_ADVERBS = frozenset(_SENTENCE_ADVERBS_LIST.split())
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
#: A preposition (with an optional article) right before a name: the name is governed by
#: it ("experts on North Korea", "under President Barack Obama") and is not who speaks.
_GOVERNING_PREPOSITION = re.compile(
    r"\b(?:of|on|for|at|from|with|in|about|by|under|against|to|into|over|toward|towards|"
    r"between|among|than|like|via)\s+(?:the\s+|a\s+|an\s+)?$",
    re.IGNORECASE,
)
_REGION_BEFORE = re.compile(
    r"\b(?:upstate|downstate|northern|southern|eastern|western|central|rural|suburban|"
    r"downtown|coastal)\s+$",
    re.IGNORECASE,
)
_TITLE_OF = re.compile(
    r"\b(?:" + "|".join(sorted(_TITLE_WORDS)) + r")\.?\s+of\s+(?:the\s+)?$", re.I
)
#: Words that keep a run of capitalised words an organisation after a title is cut off.
_ORG_WORDS_LIST = """
    house party department times post news committee council university association
    agency bank inc corp company group press network union court senate congress office
    administration campaign foundation institute center centre service commission board
    fund journal bureau police government parliament assembly league club church school
    college coalition alliance organization organisation corporation hotel"""
_ORG_WORDS = frozenset(_ORG_WORDS_LIST.split())
_TITLE_MODIFIERS = frozenset({"former", "then", "current", "late", "acting", "interim", "retired"})
_THE_BEFORE = re.compile(r"\bthe\s+$", re.IGNORECASE)
_COMPOUND_SUFFIXES = frozenset(
    {"era", "style", "led", "backed", "based", "like", "born", "linked", "allied", "esque",
     "controlled", "appointed", "owned", "run", "funded", "aligned", "friendly", "type"}
)  # fmt: skip
_NUMBER_WORDS = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|hundreds|thousand|thousands|dozens|millions"
)
#: Counts and shares of people: "73 percent", "Nearly eight of 10 voters", "a majority of
#: voters", "all", "many of whom". Never followed by a name ("Both Obama and Trump").
_QUANTITY = re.compile(
    r"^(?:(?:nearly|almost|about|around|roughly|approximately|some|over|under|just|only|"
    r"more\s+than|less\s+than|fewer\s+than|at\s+least|up\s+to)\s+)?"
    r"(?:(?:a|an)\s+(?:majority|minority|plurality|third|quarter|half|dozen|handful|number|"
    r"few|fifth)|the\s+(?:majority|minority|plurality|rest)|"
    rf"\d[\d,.]*(?![\w/])\s*(?:%|percent|per\s+cent)?|(?:{_NUMBER_WORDS})|"
    r"half|most|many|all|few|several|none|some|both|others|majorities)\b(?!\s+(?-i:[A-Z]))",
    re.IGNORECASE,
)
#: Plural names of peoples and parties: "Mexicans", "skittish Democrats", "Many Americans".
_DEMONYM_PLURAL = re.compile(r"^[A-Z][a-z]+(?:ans|ats|ists|ites|ese)$")
#: A byline ("News by Milan Rai") or a closing bio line ("Charlotte Meehan is a playwright
#: ..."): who "I" is when the writer speaks in the first person.
_BYLINE = re.compile(
    r"^\s*(?:[\w ]{0,20}\b)?[Bb]y\s+(?P<name>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3})\s*$"
)
_BIO_LINE = re.compile(
    r"^\s*(?:[—–-]\s*)?(?P<name>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){1,3})"
    r"(?: is| was|,) (?P<next>[\w-]+)"
)
#: "Smith is expected to speak Monday" closes many news stories and is no bio line.
_NOT_BIO = re.compile(r"(?:ed|ing)$|^(?:set|due|likely|not|also|still|to|now|one)$")


@dataclass(frozen=True, slots=True)
class EntityMention:
    """A named entity in the article: character offsets and spaCy label."""

    start: int
    end: int
    label: str
    text: str


def _clean_name(name: str) -> str:
    name = _POSSESSIVE.sub("", name.strip())
    while True:
        stripped = _TITLES.sub("", name)
        if stripped == name:
            return name.strip(" ,.")
        name = stripped


def _word_spans(mention: EntityMention) -> list[tuple[int, int]]:
    return [
        (mention.start + m.start(), mention.start + m.end())
        for m in re.finditer(r"\S+", mention.text)
    ]


def _cut(
    mention: EntityMention, words: list[tuple[int, int]], first: int, text: str
) -> EntityMention:
    start = words[first][0]
    return replace(mention, start=start, text=text[start : mention.end])


def _refine_entity(text: str, mention: EntityMention) -> EntityMention:
    """Titles, portfolios and sentence adverbs out of a name; places and shows out of people.

    The name finder gives runs of capitalised words: "German Chancellor Angela Merkel", "State
    John F. Kerry" (after "Secretary of"), "Senate Majority Leader Mitch McConnell", "Later
    Milley". Resolved names must be the person's name alone ("Angela Merkel"), and "the United
    States" or "upstate New York" must never be the "he" of the next clause.
    """
    if mention.label not in ("PERSON", "ORG", "PROPN"):
        return mention
    hyphenated = re.match(r"-([A-Za-z][\w'’]*)", text[mention.end : mention.end + 30])
    if hyphenated and hyphenated.group(1).lower() not in _COMPOUND_SUFFIXES:
        # "Ban Ki" + "-moon": the tokenizer split a hyphenated name ("Obama-era" is no name)
        end = mention.end + hyphenated.end()
        mention = replace(mention, end=end, text=text[mention.start : end])
    words = _word_spans(mention)
    lowered = [text[s:e].lower().rstrip(".,") for s, e in words]
    titles = [k for k, w in enumerate(lowered) if w in _TITLE_WORDS]
    if titles and titles[-1] + 1 < len(words):
        cut = titles[-1] + 1
        rest = lowered[cut:]
        if mention.label == "PERSON" or (
            len(rest) >= 2
            and all(text[s:e][:1].isupper() for s, e in words[cut:])
            and not _ORG_WORDS.intersection(rest)
        ):
            mention = replace(_cut(mention, words, cut, text), label="PERSON")
            words, lowered = words[cut:], rest
    if mention.label != "PERSON":
        return mention
    before = text[max(mention.start - 40, 0) : mention.start]
    if _TITLE_OF.search(before):
        drop = 0
        while drop < len(words) - 2 and lowered[drop] in _PORTFOLIO_WORDS:
            drop += 1
        if drop:
            mention = _cut(mention, words, drop, text)
            words, lowered = words[drop:], lowered[drop:]
    if len(words) >= 2 and lowered[0] in _SENTENCE_ADVERBS:
        mention = _cut(mention, words, 1, text)
        words, lowered = words[1:], lowered[1:]
        if len(words) == 1:
            return replace(mention, label="PROPN")
    if lowered[0] == "the" or _THE_BEFORE.search(before):
        return replace(mention, label="ORG")  # "the United States", "The Steve Harvey Show"
    if _REGION_BEFORE.search(before):
        return replace(mention, label="GPE")  # "in upstate New York"
    return mention


def refine_entities(text: str, entities: list[EntityMention]) -> list[EntityMention]:
    """The name finder's mentions with titles cut off and non-people relabelled."""
    return [_refine_entity(text, e) for e in entities]


class _NameBook:
    """Full names in the article with where they occur, looked up by surname.

    A surname resolves to the full name mentioned most recently before the reference (else
    the first one after it), so "Hillary Clinton ... Bill Clinton ... Clinton said" goes to
    Bill, and an article about both keeps them apart.
    """

    def __init__(self) -> None:
        self._by_last_word: dict[str, list[tuple[int, str]]] = {}

    def add(self, name: str, position: int) -> None:
        name = _clean_name(name)
        words = name.split()
        if len(words) >= 2:
            self._by_last_word.setdefault(words[-1].lower(), []).append((position, name))

    def first_mention(self, name: str) -> int | None:
        """Where the full name ``name`` is first mentioned, if it is in the book."""
        words = name.split()
        if not words:
            return None
        positions = [
            at for at, full in self._by_last_word.get(words[-1].lower(), []) if full == name
        ]
        return min(positions) if positions else None

    def lookup(self, name: str, position: int) -> str | None:
        """The full name ``name`` refers to at ``position`` (itself if already full)."""
        words = _clean_name(name).split()
        if not words:
            return None
        mentions = self._by_last_word.get(words[-1].lower())
        if not mentions:
            return None
        if len(words) >= 2:
            # A full name stands for itself unless it is a longer form's tail ("Milley" in
            # "Mark Milley") or a shorter form of one ("Gen. Mark Milley").
            cleaned = " ".join(words)
            for _, full in mentions:
                if full.endswith(cleaned) or cleaned.endswith(full):
                    return full if len(full) >= len(cleaned) else cleaned
            return cleaned
        before = [full for at, full in mentions if at < position]
        return before[-1] if before else mentions[0][1]


class _OrgBook:
    """Organisation names by their last words: "the Times" is the "New York Times" named
    earlier, "the Security Council" the "United Nations Security Council".

    A one-word short form is expanded only for news outlets' names ("Times", "Post"): "the
    House" must not become an earlier "White House".
    """

    def __init__(self, entities: list[EntityMention]) -> None:
        self._by_last_word: dict[str, list[tuple[int, str]]] = {}
        for entity in entities:
            name = _clean_org(entity.text)
            if entity.label in ("ORG", "PROPN") and len(name.split()) >= 2:
                key = name.split()[-1].lower()
                self._by_last_word.setdefault(key, []).append((entity.start, name))

    def expand(self, short: str, position: int) -> str | None:
        """The longer name ``short`` stands for at ``position``, if the article gave one."""
        words = _clean_org(short).split()
        if not words or (len(words) == 1 and words[0].lower() not in _OUTLET_NAME_WORDS):
            return None
        tail = " " + " ".join(words).lower()
        longer = [
            name
            for at, name in self._by_last_word.get(words[-1].lower(), [])
            if at < position
            and len(name.split()) > len(words)
            and (" " + name.lower()).endswith(tail)
        ]
        return longer[-1] if longer else None


def _clean_org(name: str) -> str:
    return re.sub(r"^(?:the|a|an)\s+", "", _POSSESSIVE.sub("", name.strip()), flags=re.I).strip(
        " ,."
    )


def _inside(entities: list[EntityMention], starts: list[int], span: Span) -> list[EntityMention]:
    """Entities lying within one fragment of ``span`` (``entities`` sorted, ``starts`` theirs)."""
    found = []
    for start, end in span:
        for entity in entities[bisect_right(starts, start - 1) : bisect_right(starts, end)]:
            if entity.end <= end:
                found.append(entity)
    return found


#: Titles as news writes them before a name ("Sen. Bernie Sanders" is "the senator").
_ABBREVIATIONS = {
    "senator": (r"sen\.",),
    "representative": (r"rep\.", "congressman", "congresswoman"),
    "governor": (r"gov\.",),
    "general": (r"gen\.",),
    "president": (r"pres\.",),
    "congressman": (r"rep\.",),
    "congresswoman": (r"rep\.",),
}


class _Descriptors:
    """The person a description's head noun stands next to ("the senator" -> "Vermont Sen.
    Bernie Sanders"): the latest before the description, else the first after.

    Catches "general Mark Milley", "Vermont Sen. Bernie Sanders", "Mark Milley, the top US
    general" and "Milley, the top military leader" style introductions; lead paragraphs often
    say "the top US general" before naming him, hence the forward look. The head noun must
    stand in title position (nothing but a few words between it and the name, no sentence
    break) or in an appositive right after the name: "Poll: ... for Hillary Clinton" does not
    make Hillary Clinton "the poll". Each head noun's people are found once per article.
    """

    def __init__(self, text: str, persons: list[EntityMention]) -> None:
        self._text = text
        self._persons = persons
        self._by_head: dict[str, tuple[list[int], list[EntityMention]]] = {}

    def _introduced(self, head_noun: str) -> tuple[list[int], list[EntityMention]]:
        key = head_noun.lower()
        if key not in self._by_head:
            forms = [re.escape(key), *_ABBREVIATIONS.get(key, ())]
            title = re.compile(
                rf"\b(?:{'|'.join(forms)})(?:s\b|(?!\w))(?P<gap>[^.,:;!?“”\"]*)$", re.IGNORECASE
            )
            appositive = re.compile(rf"\b(?:{'|'.join(forms)})(?:s\b|(?!\w))", re.IGNORECASE)
            found = []
            for person in self._persons:
                window_before = self._text[max(person.start - 60, 0) : person.start]
                window_after = self._text[person.end : person.end + 80].split(".")[0]
                match = title.search(window_before)
                in_title = match is not None and len(match.group("gap").split()) <= 4
                # "Mark Milley, the top US general": the appositive up to the next comma; a
                # comma that closes a quotation ("... Show,” the former secretary") is none.
                in_appositive = _APPOSITIVE_START.match(window_after) is not None and bool(
                    appositive.search(window_after[1:].split(",")[0])
                )
                if in_title or in_appositive:
                    found.append(person)
            self._by_head[key] = ([p.start for p in found], found)
        return self._by_head[key]

    def referent(self, head_noun: str, before: int) -> EntityMention | None:
        """The person introduced with ``head_noun`` for a description at ``before``."""
        starts, found = self._introduced(head_noun)
        index = bisect_right(starts, before - 1) - 1
        if index >= 0:
            return found[index]
        return found[0] if found else None


#: An appositive after a name opens with a determiner or possessive: "Mark Milley, the top
#: US general"; "Ground Zero, sources said" is no description of Ground Zero.
_APPOSITIVE_START = re.compile(
    r",\s+(?:the|a|an|his|her|its|their|former|then|[A-Z][\w-]*(?:'s|’s))\b", re.IGNORECASE
)
_POST_MODIFIER = re.compile(
    r"(?:\s(?:in|of|at|from|for|with|on|who|which|that|familiar|close|briefed|knowledgeable|"
    r"involved|speaking|granted|authorized|requesting|aware)\s|,\s?).*$",
    re.S,
)


def _head_noun(description: str) -> str:
    """ "the top military leader in the US" -> "leader": the last word before any modifier."""
    core = _POST_MODIFIER.sub("", description.strip())
    words = re.sub(r"[^\w-]", " ", core).split()
    return words[-1] if words else description


def _is_plural(noun: str) -> bool:
    return noun.lower().endswith("s") and not noun.lower().endswith(("ss", "us", "is"))


class _NamedThings:
    """ "the poll" -> "Bloomberg poll": the latest earlier "<Name> <head noun>" in the text.

    Each head noun's mentions are found once per article and looked up by position. A title
    before a name ("Staff General Mark Milley") is not a named thing.
    """

    def __init__(self, text: str) -> None:
        self._text = text
        self._by_head: dict[str, tuple[list[int], list[str]]] = {}

    def _mentions(self, head_noun: str) -> tuple[list[int], list[str]]:
        if head_noun not in self._by_head:
            pattern = re.compile(
                r"(?P<name>(?:[A-Z][\w.&'’/-]*\s+){1,4})"
                + re.escape(head_noun)
                + r"\b(?!\s+[A-Z])",
                re.IGNORECASE if head_noun[:1].isupper() else 0,
            )
            positions, names = [], []
            for match in pattern.finditer(self._text):
                words = match.group("name").split()
                while words and words[0].lower() in ("the", "a", "an", "this", "that"):
                    words = words[1:]
                if words and all(w[:1].isupper() for w in words):
                    head = self._text[match.end() - len(head_noun) : match.end()]
                    positions.append(match.end())
                    names.append(" ".join([*words, head]))
            self._by_head[head_noun] = (positions, names)
        return self._by_head[head_noun]

    def latest(self, head_noun: str, before: int) -> str | None:
        """The named form of ``head_noun`` last mentioned before ``before``."""
        positions, names = self._mentions(head_noun)
        index = bisect_right(positions, before) - 1
        return names[index] if index >= 0 else None


def _governed(text: str, mention: EntityMention) -> bool:
    """Whether a preposition governs the name ("under President Barack Obama")."""
    before = text[max(mention.start - 60, 0) : mention.start]
    # Titles between the preposition and the name do not count: "under President Obama".
    while True:
        match = re.search(r"\b([A-Za-z]+)\.?\s*$", before)
        if match is None or match.group(1).lower() not in _TITLE_WORDS | _TITLE_MODIFIERS:
            break
        before = before[: match.start()]
    return _GOVERNING_PREPOSITION.search(before) is not None


def _sentence_start(text: str, position: int) -> int:
    return max(
        text.rfind(". ", 0, position),
        text.rfind("\n", 0, position),
        text.rfind(".”", 0, position),
        text.rfind('."', 0, position),
    )


def _person_name(names: _NameBook, mention: EntityMention) -> str:
    return names.lookup(mention.text, mention.start) or _clean_name(mention.text)


#: Lowercase words that may precede a name at the head of its clause ("general Mark Milley",
#: "Secretary of State John F. Kerry").
_CLAUSE_OPENERS = frozenset({"of", "the", "and"}) | _TITLE_MODIFIERS


def _subject_like(text: str, mention: EntityMention) -> bool:
    """Whether a name opens its clause, where subjects stand.

    "Kerry said", "In an interview with ..., Ham made it clear": only capitalised words or
    titles between the clause boundary and the name. "his wife, Democratic presidential
    nominee Hillary Clinton" and "under President Barack Obama" are not subjects.
    """
    before = text[max(mention.start - 80, 0) : mention.start]
    boundary = max(before.rfind(mark) for mark in (".", ",", ";", ":", "\n", "“", "”", '"', "—"))
    if boundary < 0 and mention.start > 80:
        return False
    words = before[boundary + 1 :].split()
    if words and _GOVERNING_PREPOSITION.match(words[0].lower() + " "):
        return False  # "Like President Obama, I believe"
    for word in words:
        bare = word.strip("()'’").rstrip(".")
        if not (bare[:1].isupper() or bare.lower() in _CLAUSE_OPENERS | _TITLE_WORDS):
            return False
    return True


class _Antecedents:
    """Person mentions that may be what "he" or "she" refers to, with where each stands.

    Names inside what someone said are left out ("it was demoralizing to work for Obama," he
    said), not those in a no-source attribution's content; whether each name heads its
    clause is worked out once per article.
    """

    def __init__(
        self, text: str, persons: list[EntityMention], attributions: list[Attribution]
    ) -> None:
        # Only words someone is reported to have said: a no-source attribution ("Milley
        # appeared to push for ...", "X is expected to ...") is the article's own narration,
        # and its subject can still be who "he" is.
        reported = sorted(span for a in attributions if a.source for span in a.content)
        starts = [s for s, _ in reported]
        ends = list(accumulate((e for _, e in reported), max))

        def reported_at(position: int) -> bool:
            index = bisect_right(starts, position) - 1
            return index >= 0 and ends[index] > position

        self.text = text
        self.persons = [p for p in persons if not reported_at(p.start)]
        self.ends = [p.end for p in self.persons]
        self.subject = [_subject_like(text, p) for p in self.persons]


def _pronoun_antecedent(
    candidates: _Antecedents,
    position: int,
    names: _NameBook,
    last_person: str | None,
    since: int,
    content: Span,
) -> str | None:
    """Who "he" or "she" at ``position`` is.

    In order: the person heading a clause earlier in the same sentence ("Kerry said ..., and
    he urged"); else one introduced as a subject since the previous attribution ("Ham made it
    clear ... '...,' he told the host"), the first in the nearest such sentence; else the last
    speaker; else the last person named. Names inside reported words, after a preposition
    or in an appositive are not who speaks.
    """
    text = candidates.text
    count = bisect_right(candidates.ends, position)
    sentence_start = _sentence_start(text, position)
    window_start = min(sentence_start, since)
    window: list[EntityMention] = []  # subjects at or after the window start, in text order
    index = count - 1
    while index >= 0 and candidates.persons[index].start >= window_start:
        person = candidates.persons[index]
        if candidates.subject[index] and not any(s <= person.start < e for s, e in content):
            window.append(person)
        index -= 1
    window.reverse()
    same_sentence = [p for p in window if p.start > sentence_start]
    if same_sentence:
        return _person_name(names, same_sentence[0])
    recent = [p for p in window if p.start >= since]
    if recent:
        nearest_sentence = _sentence_start(text, recent[-1].start)
        first = [p for p in recent if p.start > nearest_sentence][0]
        return _person_name(names, first)
    if last_person:
        return last_person
    earlier = candidates.persons[:count]
    for flag, person in zip(reversed(candidates.subject[:count]), reversed(earlier), strict=True):
        if flag:
            return _person_name(names, person)
    for person in reversed(earlier):
        if not _governed(text, person):
            return _person_name(names, person)
    return _person_name(names, earlier[-1]) if earlier else None


class _Salience:
    """How often each person has been named so far: who an article means by an otherwise
    unexplained title ("the senator") is its main character, the person named most often
    before it (the latest of equals). Positions are asked for in text order."""

    def __init__(self, persons: list[EntityMention], names: _NameBook) -> None:
        self._persons = persons
        self._names = names
        self._counted = 0
        self._counts: dict[str, int] = {}

    def most_mentioned(self, before: int) -> str | None:
        while self._counted < len(self._persons) and self._persons[self._counted].start < before:
            name = _person_name(self._names, self._persons[self._counted])
            self._counts[name] = self._counts.pop(name, 0) + 1  # re-insert: latest last
            self._counted += 1
        if not self._counts:
            return None
        best = max(self._counts.values())
        return [name for name, count in self._counts.items() if count == best][-1]


def _same_paragraph_speaker(
    text: str, previous: Attribution | None, current: Attribution
) -> str | None:
    """The previous attribution's speaker when no paragraph break separates the two."""
    if previous is None or not previous.resolved_speaker or not current.content:
        return None
    previous_end = max(end for span in (previous.content, previous.source) for _, end in span)
    here = min(start for span in (current.content, current.cue) for start, _ in span)
    if previous_end > here or "\n" in text[previous_end:here]:
        return None
    return previous.resolved_speaker


def _writer(text: str) -> str | None:
    """The article's writer, from a byline near the top or a bio line at the bottom."""
    lines = [line for line in text.splitlines() if line.strip()]
    for line in lines[:4]:
        match = _BYLINE.match(line)
        if match:
            return match.group("name")
    for line in lines[-2:]:
        match = _BIO_LINE.match(line)
        if (
            match
            and len(line) < 400
            and match.group("name").split()[0].lower() not in ("the", "this", "it")
            and not _NOT_BIO.search(match.group("next").lower())
        ):
            return match.group("name")
    return None


def is_quantity(written: str) -> bool:
    """Whether a source counts people instead of naming them ("73 percent", "all")."""
    return _QUANTITY.match(written.strip()) is not None


def _delayed_identification(text: str, ordered: list[Attribution], names: _NameBook) -> None:
    """ "A former party chairman says ..." in the lead, named in the next paragraph ("...,"
    said Don Fowler, who ...): the news convention of the delayed-identification lead.

    Only an unresolved indefinite description of one person with a title-like head noun
    ("chairman", not "source" or "official", which stay anonymous) takes the name, only from
    the next attribution, at most one paragraph on, and only a name first mentioned there.
    """
    for here, following in zip(ordered, ordered[1:], strict=False):
        if not here.source or here.resolved_speaker != here.speaker or not following.source:
            continue
        written = (here.speaker or "").strip()
        head = _head_noun(written).lower()
        gap = text[here.source[-1][1] : following.source[0][0]].replace("\r", "")
        if (
            not re.match(r"^(?:a|an)\s", written, re.IGNORECASE)
            or head not in _TITLE_WORDS
            or head in _ANONYMOUS_HEADS
            or gap.count("\n\n") > 1
        ):
            continue
        name = following.resolved_speaker or ""
        first = names.first_mention(name)
        if len(name.split()) >= 2 and first is not None and first >= here.source[-1][1]:
            here.resolved_speaker = name


def resolve_speakers(
    text: str, attributions: list[Attribution], entities: list[EntityMention] | None = None
) -> list[Attribution]:
    """Fill ``resolved_speaker`` for each attribution, in text order, in place."""
    entities = sorted(refine_entities(text, entities or []), key=lambda e: e.start)
    entity_starts = [e.start for e in entities]
    persons = [e for e in entities if e.label == "PERSON"]
    names = _NameBook()
    for person in persons:
        names.add(person.text, person.start)
    orgs = _OrgBook(entities)
    # Lone surnames ("Milley") count as person mentions once the article has the full name.
    persons = sorted(
        persons + [e for e in entities if e.label == "PROPN" and names.lookup(e.text, e.start)],
        key=lambda e: e.start,
    )
    antecedents = _Antecedents(text, persons, attributions)
    things = _NamedThings(text)
    descriptors = _Descriptors(text, persons)
    salience = _Salience(persons, names)
    writer = _writer(text)
    last_person: str | None = None
    last_group: str | None = None
    previous: Attribution | None = None
    ordered = sorted(
        attributions, key=lambda a: a.source[0][0] if a.source else (a.cue[0][0] if a.cue else 0)
    )
    for attribution in ordered:
        if not attribution.source:
            # No source in the sentence ("... can only be solved by assuming that, '...'"):
            # within a paragraph the article is still reporting its last speaker.
            attribution.resolved_speaker = _same_paragraph_speaker(text, previous, attribution)
            previous = attribution
            continue
        named_at = attribution.speaker_span or attribution.source
        start = named_at[0][0]
        written = " ".join(text[s:e] for s, e in named_at).strip()
        first_fragment = text[named_at[0][0] : named_at[0][1]].strip()
        lowered = written.lower()
        inside = _inside(entities, entity_starts, named_at)
        # A lone surname the name finder could not classify counts when the article has
        # named that person in full ("..., Milley, the top military leader").
        inside_persons = [
            e
            for e in inside
            if e.label == "PERSON" or (e.label == "PROPN" and names.lookup(e.text, e.start))
        ]
        inside_orgs = [e for e in inside if e.label in ("ORG", "NORP", "GPE")]
        resolved: str | None = None
        head = _head_noun(written).lower()
        appositive = _NAME_THEN_DESCRIPTION.match(written)
        since = previous.source[0][0] if previous is not None and previous.source else 0
        if is_quantity(first_fragment):
            pass  # "73 percent", "Nearly eight of 10 voters": nobody in particular
        elif appositive is not None:
            # "Rendell, a Clinton surrogate,": the name before the description speaks.
            name = appositive.group("name")
            resolved = names.lookup(name, start) or _clean_name(name)
            last_person = resolved
        elif head in _GROUP_HEADS and not _POSSESSIVE.search(written.split()[0]):
            # "the Trump campaign", "the Clinton Foundation": the organisation speaks, not the
            # person its name contains; "the campaign" is the one named before.
            bare = _DEFINITE.sub("", written)
            resolved = bare
            if bare.lower() == head:
                resolved = things.latest(bare, start) or bare
            last_group = resolved
        elif lowered in _RELATIVE_PRONOUNS:
            # A relative pronoun whose antecedent the parse missed ("the Chicago Police
            # Department which reported"): the name right before it.
            index = bisect_right(entity_starts, start - 1) - 1
            antecedent = entities[index] if index >= 0 else None
            if (
                antecedent is not None
                and antecedent.end <= start
                and not text[antecedent.end : start].strip(" ,")
                and antecedent.label in ("ORG", "GPE", "NORP", "PERSON")
            ):
                resolved = _clean_org(antecedent.text)
                if antecedent.label == "PERSON":
                    resolved = _person_name(names, antecedent)
        elif inside_persons:
            # "An attorney for Pagliano, Mark MacDougall": the appositive name is the speaker,
            # which spaCy puts last; a possessor ("Pagliano's lawyer") is not the speaker, nor
            # a name governed by a preposition ("experts on North Korea").
            candidates = [
                p
                for p in inside_persons
                if not _POSSESSIVE.search(p.text)
                and not text[p.end : p.end + 2].startswith(("'s", "’s"))
                and not (p.start > start and _governed(text, p))
            ]
            # The head of a source noun phrase comes last ("Chairman of the Joint Chiefs of
            # Staff General Mark Milley"), but not inside a relative clause ("Trump, who
            # attacked Clinton,").
            relative = re.search(r",\s*(?:who|which|whose)\b", written)
            if relative is not None:
                limit = start + relative.start()
                candidates = [p for p in candidates if p.end <= limit] or candidates
            # "Mike Schmidt, an adviser at the Clinton campaign": a name standing alone before
            # the first comma is the speaker, and the appositive only describes them.
            first_part = start + len(written.split(",")[0])
            leading = [
                p
                for p in candidates
                if p.end <= first_part and (first_part - start) - len(p.text) <= 12
            ]
            if leading:
                candidates = leading
            if candidates:
                chosen = candidates[-1]
                resolved = _person_name(names, chosen)
                last_person = resolved
        elif lowered in _FIRST_PERSON:
            # "I" outside any quotation is the writer, named in a byline or bio line if at all.
            resolved = writer
        elif lowered in _PERSON_PRONOUNS:
            resolved = _pronoun_antecedent(
                antecedents, start, names, last_person, since, attribution.content
            )
            last_person = resolved or last_person
        elif lowered in _GROUP_PRONOUNS:
            resolved = last_group
        elif written[:1].isupper() and len(written.split()) <= 3 and names.lookup(written, start):
            # A surname the tagger did not label as a person ("Chomsky admitted").
            resolved = names.lookup(written, start)
            last_person = resolved
        elif inside_orgs and len(inside_orgs[-1].text) >= len(written) - 4:
            # "the Kremlin", "NATO"; but not "a US official", whose speaker is anonymous.
            # "The Times" is the "New York Times" the article named before.
            short = _clean_name(inside_orgs[-1].text)
            resolved = orgs.expand(short, start) or short
            last_group = resolved
        elif _DEFINITE.match(written):
            head_noun = _head_noun(written)
            named = (
                things.latest(head_noun, start)
                if len(_DEFINITE.sub("", written).split()) <= 3
                else None
            )
            if named is not None:
                resolved = named  # "the poll" -> "Bloomberg poll"
                last_group = resolved
            elif head_noun.lower() in _OUTLET_NOUNS:
                resolved = last_group
            elif not _is_plural(head_noun) and not head_noun[:1].isupper():
                referent = descriptors.referent(head_noun, start)
                if referent is not None:
                    resolved = _person_name(names, referent)
                elif head_noun.lower() in _TITLE_WORDS - _ANONYMOUS_HEADS:
                    # "the former secretary of state and current Democratic presidential
                    # nominee", introduced nowhere by that title: the article's main person.
                    resolved = salience.most_mentioned(start)
                last_person = resolved or last_person
        elif written[:1].isupper() and " " not in written and written.isalpha():
            # A proper name the tagger kept as one word ("Politifact"): an organisation that
            # "they" and "it" may refer back to.
            last_group = written
        attribution.resolved_speaker = resolved or written
        previous = attribution
    _delayed_identification(text, ordered, names)
    return attributions


#: Head nouns of unnamed sources, so outlets can be compared on reliance on them.
_ANONYMOUS_HEADS = frozenset(
    {
        "official", "officials", "source", "sources", "aide", "aides", "person", "people",
        "critic", "critics", "analyst", "analysts", "expert", "experts", "observer",
        "observers", "diplomat", "diplomats", "insider", "insiders", "spokesman",
        "spokeswoman", "spokesperson", "adviser", "advisers", "advisor", "advisors",
        "staffer", "staffers", "member", "members", "supporters", "opponents", "residents",
        "witnesses", "witness", "lawmakers", "investigators", "authorities", "someone",
        "one", "many", "some", "others", "leader", "leaders", "employee", "employees",
    }
)  # fmt: skip
_DETERMINERS_ONLY = re.compile(r"^(?:the|a|an)$", re.IGNORECASE)
_VAGUE_DETERMINERS = re.compile(
    r"^(?:a|an|some|several|many|one|two|three|other|another|senior|top|unnamed|"
    r"anonymous|the)\b",
    re.IGNORECASE,
)
_INDEFINITE = re.compile(r"^(?:a|an|another|some|several|other|various)\s", re.IGNORECASE)
_LEADING_ARTICLE = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)


def _is_anonymous(written: str, resolved: str) -> bool:
    """Whether an unresolved source is an unnamed person or group.

    Counts of people ("73 percent"), unnamed people with an anonymous head ("a US official",
    "sources familiar with the talks"), indefinite descriptions ("an arbitration panel"),
    plural common nouns ("high school administrators", "the debate moderators", "experts on
    North Korea") and plural names of peoples ("Mexicans", "skittish Democrats").
    """
    if resolved != written:
        return False
    lowered = written.lower()
    if lowered in _PERSON_PRONOUNS | _GROUP_PRONOUNS | _FIRST_PERSON | _RELATIVE_PRONOUNS:
        return False
    if is_quantity(written):
        return True
    core = _POST_MODIFIER.sub("", written)
    words = re.findall(r"[\w’'/-]+", core)
    if not words:
        return False
    head = words[-1]
    lowered_head = head.lower()
    capitalised_after_first = any(w[:1].isupper() for w in words[1:])
    if lowered_head in _ANONYMOUS_HEADS and (
        _VAGUE_DETERMINERS.match(written) or not capitalised_after_first
    ):
        return True
    if words[0].lower() in ("my", "our", "his", "her", "their", "your", "its"):
        return False  # "my father": someone the article knows
    if (
        head[:1].islower()
        and not capitalised_after_first
        and not words[0].endswith(("'s", "’s"))
        and (_is_plural(head) or _INDEFINITE.match(written))
    ):
        return True
    return bool(
        _DEMONYM_PLURAL.match(head)
        and lowered_head not in _OUTLET_NAME_WORDS
        and all(w[:1].islower() for w in words[:-1][1:])
    )


#: Ordinary words that open a source only because it opens the sentence ("Sources familiar
#: with the talks" is the "sources familiar with the talks" of another outlet).
_COMMON_OPENERS = frozenset(
    {"senior", "top", "former", "other", "unnamed", "anonymous", "current", "administration",
     "government", "military", "campaign", "party", "high", "state", "local", "federal",
     "white", "black", "skittish", "exit", "polling"}
)  # fmt: skip


#: Ranks and forms of address written just before a name ("general Mark Milley", "Dr."):
#: part of how the person is addressed, not of the office a description before them names.
_RANK_BEFORE_NAME = re.compile(
    r"(?P<sep>,\s*|\s+)(?:general|gen|admiral|adm|colonel|col|lieutenant|lt|major|maj|"
    r"captain|capt|sergeant|sgt|mr|mrs|ms|dr)\.?$",
    re.IGNORECASE,
)


def _office_before_name(before: str) -> str:
    """ "the chair of the US joint chiefs of staff, general" -> "the chair of the US joint
    chiefs of staff": a rank between an office and the name is dropped from the role, when
    it is set off by a comma or ends a full office description ("Chairman of the Joint
    Chiefs of Staff General"). A rank that is the office's head word stays ("US Army
    General" is what the role says).
    """
    match = _RANK_BEFORE_NAME.search(before)
    if match is None:
        return before
    office = before[: match.start()].rstrip(" ,")
    if office and ("," in match.group("sep") or " of " in office.lower()):
        return office
    return before


def _anonymous_role(written: str) -> str:
    """ "A US official, presumably a civilian" -> "US official": the description, bare, so
    that the same kind of source reads the same in every article and outlet."""
    role = _LEADING_ARTICLE.sub("", written.split(",")[0].strip()) or written
    first = role.split()[0]
    lowered = first.lower()
    if (
        first[1:].islower()
        and first[:1].isupper()
        and (lowered in _ANONYMOUS_HEADS | _COMMON_OPENERS or is_quantity(first))
    ):
        role = lowered + role[len(first) :]
    return role


def describe_speakers(text: str, attributions: list[Attribution]) -> None:
    """Fill ``role`` and ``anonymous`` from how each source is written, in place.

    A named speaker's role is the description around the name in the source ("Defense
    Secretary Lloyd Austin", "Mark Milley, the top US general") or, failing that, the role
    given earlier in the article; a description resolved to a person ("the top US general",
    "a former party chairman") is itself the role. An unnamed source ("a US official",
    "sources familiar with the talks", "73 percent") is anonymous and its bare description
    is the role ("US official"), so outlets can be compared on their unnamed sources.
    """
    known_roles: dict[str, str] = {}
    for attribution in sorted(attributions, key=lambda a: a.source[0][0] if a.source else 0):
        named_at = attribution.speaker_span or attribution.source
        if not named_at:
            continue
        written = " ".join(text[s:e] for s, e in named_at).strip()
        resolved = attribution.resolved_speaker or written
        lowered = written.lower()
        role: str | None = None
        if resolved != written and resolved in written:
            before, _, after = written.partition(resolved)
            before = _DETERMINERS_ONLY.sub("", before.strip(" ,"))
            after = after.strip(" ,")
            if before and not _TITLES.fullmatch(before + " "):
                role = _office_before_name(before)
            elif after and not after.split()[0].lower().endswith("ing"):
                role = after
        elif (
            resolved != written
            and lowered not in _PERSON_PRONOUNS | _GROUP_PRONOUNS | _FIRST_PERSON
            and lowered not in _RELATIVE_PRONOUNS
            and (_DEFINITE.match(written) or _INDEFINITE.match(written))
            and _head_noun(written).lower() not in resolved.lower()
        ):
            role = written  # "the top US general"
        anonymous = _is_anonymous(written, resolved)
        attribution.anonymous = anonymous
        if anonymous:
            role = _anonymous_role(written)
        if role and not anonymous:
            known_roles.setdefault(resolved, role)
        attribution.role = role or (None if anonymous else known_roles.get(resolved))
