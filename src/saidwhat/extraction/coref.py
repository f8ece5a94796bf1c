"""In-article speaker resolution: "he", "Milley" and "the top US general" -> "Mark Milley".

Why not a neural coreference model: none ships offline with a small footprint, and news
attributions follow strong conventions that cheap rules capture well. A speaker is first
introduced by full name (often with a title or an appositive), then referred to by surname,
by pronoun, or by a definite description whose head noun appeared next to the name
("general Mark Milley" ... "the top US general"). Indefinite descriptions ("a US official",
"sources") are anonymous and are deliberately left unresolved.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from saidwhat.model import Attribution

_NAME_THEN_DESCRIPTION = re.compile(
    r"^(?P<name>[A-Z][\w.'’-]+(?: [A-Z][\w.'’-]+){0,3}), (?:a|an|the|who|whose)\b"
)
#: Head nouns that make a source an organisation even when it contains a person's name.
_GROUP_HEADS = frozenset(
    {"campaign", "administration", "foundation", "committee", "team", "camp", "office",
     "government", "party", "department", "agency", "ministry", "organization", "group"}
)  # fmt: skip
_PERSON_PRONOUNS = frozenset({"he", "she", "him", "her", "i"})
_GROUP_PRONOUNS = frozenset({"they", "it", "we"})
_OUTLET_NOUNS = frozenset(
    {"newspaper", "paper", "daily", "outlet", "network", "broadcaster", "magazine", "agency"}
)
_DEFINITE = re.compile(r"^(?:the|this|that)\s+", re.IGNORECASE)
_TITLES = re.compile(
    r"^(?:(?:mr|mrs|ms|dr|gen|sen|rep|gov|lt|col|maj|adm|sgt|capt|prof|pres)\.?|president|"
    r"general|senator|governor|secretary|minister|chairman|chair|mayor|judge|justice|"
    r"representative|speaker|director|professor|chief|commissioner|ambassador|admiral|"
    r"sheriff|attorney|pope|king|queen|prince|prime)\s+",
    re.IGNORECASE,
)
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")


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


def _entities_inside(entities: list[EntityMention], start: int, end: int) -> list[EntityMention]:
    return [e for e in entities if e.start >= start and e.end <= end]


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


def _descriptor_referent(
    text: str, head_noun: str, before: int, persons: list[EntityMention]
) -> EntityMention | None:
    """The person named next to ``head_noun``: the latest before ``before``, else the first after.

    Catches "general Mark Milley", "Mark Milley, the top US general" and
    "Milley, the top military leader" style introductions; lead paragraphs often say
    "the top US general" before naming him, hence the forward look.
    """
    forms = [re.escape(head_noun), *_ABBREVIATIONS.get(head_noun.lower(), ())]
    pattern = re.compile(rf"\b(?:{'|'.join(forms)})s?\b", re.IGNORECASE)
    best: EntityMention | None = None
    for person in persons:
        if person.start >= before and best is not None:
            break
        window_before = text[max(person.start - 60, 0) : person.start]
        window_after = text[person.end : person.end + 80].split(".")[0]
        if pattern.search(window_before) or (
            window_after.lstrip().startswith(",") and pattern.search(window_after)
        ):
            best = person
    return best


_POST_MODIFIER = re.compile(r"(?:\s(?:in|of|at|from|for|with|on|who|which|that)\s|,\s?).*$", re.S)


def _head_noun(description: str) -> str:
    """ "the top military leader in the US" -> "leader": the last word before any modifier."""
    core = _POST_MODIFIER.sub("", description.strip())
    words = re.sub(r"[^\w-]", " ", core).split()
    return words[-1] if words else description


def _latest_person(
    persons: list[EntityMention],
    names: _NameBook,
    before: int,
    text: str,
    within_sentence: bool = True,
) -> str | None:
    """The person named last before ``before``: in the same sentence, or anywhere earlier."""
    sentence_start = -1
    if within_sentence:
        sentence_start = max(
            text.rfind(". ", 0, before), text.rfind("\n", 0, before), text.rfind(".”", 0, before)
        )
    earlier = [p for p in persons if sentence_start < p.start and p.end <= before]
    if not earlier:
        return None
    return names.lookup(earlier[-1].text, earlier[-1].start) or _clean_name(earlier[-1].text)


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


def resolve_speakers(
    text: str, attributions: list[Attribution], entities: list[EntityMention] | None = None
) -> list[Attribution]:
    """Fill ``resolved_speaker`` for each attribution, in text order, in place."""
    entities = entities or []
    persons = [e for e in entities if e.label == "PERSON"]
    names = _NameBook()
    for person in persons:
        names.add(person.text, person.start)
    # Lone surnames ("Milley") count as person mentions once the article has the full name.
    persons = sorted(
        persons + [e for e in entities if e.label == "PROPN" and names.lookup(e.text, e.start)],
        key=lambda e: e.start,
    )
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
        start, end = named_at[0][0], named_at[-1][1]
        written = " ".join(text[s:e] for s, e in named_at).strip()
        lowered = written.lower()
        inside = _entities_inside(entities, start, end)
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
        if appositive is not None:
            # "Rendell, a Clinton surrogate,": the name before the description speaks.
            name = appositive.group("name")
            resolved = names.lookup(name, start) or _clean_name(name)
            last_person = resolved
        elif head in _GROUP_HEADS and not _POSSESSIVE.search(written.split()[0]):
            # "the Trump campaign", "the Clinton Foundation": the organisation speaks, not the
            # person its name contains.
            resolved = _DEFINITE.sub("", written)
            last_group = resolved
        elif inside_persons:
            # "An attorney for Pagliano, Mark MacDougall": the appositive name is the speaker,
            # which spaCy puts last; a possessor ("Pagliano's lawyer") is not the speaker.
            candidates = [
                p
                for p in inside_persons
                if not _POSSESSIVE.search(p.text)
                and not text[p.end : p.end + 2].startswith(("'s", "’s"))
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
                resolved = names.lookup(chosen.text, chosen.start) or _clean_name(chosen.text)
                last_person = resolved
        elif lowered in _PERSON_PRONOUNS:
            # A person named just before in the same sentence ("Milley appeared ..., a week
            # after he appeared to push ...") beats the last speaker.
            # Names inside the quotation itself ("it was demoralizing to work for Obama,"
            # he said) are not who speaks.
            outside = [
                p for p in persons if not any(s <= p.start < e for s, e in attribution.content)
            ]
            resolved = (
                _latest_person(outside, names, start, text)
                or last_person
                or _latest_person(outside, names, start, text, within_sentence=False)
            )
        elif lowered in _GROUP_PRONOUNS:
            resolved = last_group
        elif written[:1].isupper() and len(written.split()) <= 3 and names.lookup(written, start):
            # A surname the tagger did not label as a person ("Chomsky admitted").
            resolved = names.lookup(written, start)
            last_person = resolved
        elif inside_orgs and len(inside_orgs[-1].text) >= len(written) - 4:
            # "the Kremlin", "NATO"; but not "a US official", whose speaker is anonymous.
            resolved = _clean_name(inside_orgs[-1].text)
            last_group = resolved
        elif _DEFINITE.match(written):
            head_noun = _head_noun(written)
            if head_noun.lower() in _OUTLET_NOUNS:
                resolved = last_group
            elif head_noun.lower() in _ANONYMOUS_HEADS:
                pass  # "the source", "the officials": still unnamed
            else:
                referent = _descriptor_referent(text, head_noun, start, persons)
                if referent is not None:
                    resolved = names.lookup(referent.text, referent.start) or _clean_name(
                        referent.text
                    )
                    last_person = resolved
        attribution.resolved_speaker = resolved or written
        previous = attribution
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


def describe_speakers(text: str, attributions: list[Attribution]) -> None:
    """Fill ``role`` and ``anonymous`` from how each source is written, in place.

    A named speaker's role is the description around the name in the source ("Defense
    Secretary Lloyd Austin", "Mark Milley, the top US general") or, failing that, the role
    given earlier in the article; a definite description resolved to a person ("the top US
    general") is itself the role. An unnamed source ("a US official", "sources familiar with
    the talks") is anonymous and its description is kept as the role.
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
                role = before
            elif after and not after.split()[0].lower().endswith("ing"):
                role = after
        elif (
            resolved != written
            and lowered not in _PERSON_PRONOUNS | _GROUP_PRONOUNS
            and _DEFINITE.match(written)
        ):
            role = written  # "the top US general"
        words = re.findall(r"[\w’'-]+", _POST_MODIFIER.sub("", written))
        head = words[-1].lower() if words else ""
        if (
            resolved == written
            and head in _ANONYMOUS_HEADS
            and (_VAGUE_DETERMINERS.match(written) or not any(w[:1].isupper() for w in words[1:]))
        ):
            attribution.anonymous = True
            role = written
        if role:
            known_roles.setdefault(resolved, role)
        attribution.role = role or known_roles.get(resolved)
