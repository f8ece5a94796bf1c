"""Canonical speakers across a corpus: one id per person, organisation or unnamed source.

Inside an article the extractor already turns "he", "Milley" and "the top US general" into
"Mark Milley". Across articles the names themselves must be reconciled: "Gen. Mark
Milley" in one outlet, "Mark Milley" in another, "Milley" in a third that never gives his
first name. This module does that from names alone, so it runs on the store (or on one
extract run) in time proportional to the number of *distinct* names, which is why 100,000
attributions resolve in well under a second.

The rules, in order:

1. Each name is read by :func:`saidwhat.resolve.names.name_key`: titles dropped, person vs
   organisation vs unnamed source, generational suffix kept ("Donald Trump Jr." is not
   "Donald Trump"). Equal keys are one speaker.
2. A surname alone ("Milley") joins the full name with that surname when that person is
   the only one, or makes up at least :data:`DOMINANCE` of the statements by people of
   that surname; otherwise ("Clinton" in a corpus about both) it stays a speaker of its
   own rather than be guessed. A short outlet name ("the Post") joins a longer one
   ending in the same words ("Washington Post") on the same terms.
3. The user's alias file is applied last: merges, splits, renames.

Ids are slugs of the key ("mark-milley", "washington-post", "anon-us-official"), not of
the displayed name, so they stay the same as the corpus grows and the preferred spelling
of a name changes; a rename changes what is shown, never the id.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from saidwhat.resolve.aliases import AliasRules
from saidwhat.resolve.names import (
    ORGANISATION_WORDS,
    NameKey,
    SpeakerKind,
    fold,
    name_key,
    slug,
)

if TYPE_CHECKING:
    from saidwhat.model import Attribution

#: Share of a surname's statements one full name must hold for a bare surname to join it.
DOMINANCE = 0.8

#: A speaker mention as stored: the name (resolved inside its article) and whether the
#: source is unnamed. Counting mentions by this pair is all the resolver reads.
Mention = tuple[str, bool]


@dataclass(slots=True)
class Speaker:
    """One canonical speaker and the names it was given."""

    id: str
    name: str
    kind: SpeakerKind
    #: Names as stored (resolved in their article) -> statements under that name.
    aliases: Counter[str] = field(default_factory=Counter)

    @property
    def statements(self) -> int:
        """Statements attributed to this speaker in the mentions it was built from."""
        return sum(self.aliases.values())

    @property
    def anonymous(self) -> bool:
        """An unnamed source ("US official"): a description, not an identified speaker."""
        return self.kind == "anonymous"


def _key_id(key: NameKey) -> str:
    if key.kind == "anonymous":
        return "anon-" + slug(" ".join(key.parts))
    return slug(" ".join(part for part in key.parts if part)) or slug(key.display)


class SpeakerDirectory:
    """The corpus's speakers and which one each mention belongs to.

    Build it with :meth:`build` from mention counts; look mentions up with :meth:`id_for`.
    """

    def __init__(self) -> None:
        self.speakers: dict[str, Speaker] = {}
        self._by_mention: dict[Mention, str] = {}
        #: Alias-file entries that matched no speaker (a typo, or a name not in the corpus).
        self.unmatched_rules: list[str] = []

    def id_for(self, name: str | None, anonymous: bool = False) -> str | None:
        """The speaker id of a stored name, or None for a source that names nobody."""
        if name is None:
            return None
        return self._by_mention.get((name, anonymous))

    def find(self, query: str) -> Speaker | None:
        """The speaker a user means: an id, a canonical name or any alias, in any case."""
        if query in self.speakers:
            return self.speakers[query]
        folded = fold(query.strip())
        for speaker in self.speakers.values():
            if fold(speaker.name) == folded or any(fold(a) == folded for a in speaker.aliases):
                return speaker
        key = name_key(query if not query.islower() else query.title())
        if key is None:
            return None
        speaker = self.speakers.get(_key_id(key))
        if speaker is None and key.surname_only:  # "General Milley": the one Milley, if one
            namesakes = [
                s
                for s in self.speakers.values()
                if s.kind == "person"
                and (other := name_key(s.name)) is not None
                and other.parts[1:] == key.parts[1:]
            ]
            speaker = namesakes[0] if len(namesakes) == 1 else None
        return speaker

    @classmethod
    def build(
        cls, mentions: Mapping[Mention, int], rules: AliasRules | None = None
    ) -> SpeakerDirectory:
        """Resolve every mention; ``mentions`` counts statements per (name, anonymous)."""
        directory = cls()
        rules = rules or AliasRules()
        split_forms = {fold(name) for name in rules.splits}
        keys: dict[Mention, NameKey] = {}
        for mention in mentions:
            name, anonymous = mention
            key = name_key(name, anonymous=anonymous)
            if key is None:
                continue
            if fold(name) in split_forms:
                key = NameKey(key.kind, ("=", fold(name)), key.display)
            keys[mention] = key

        weight: Counter[NameKey] = Counter()
        for mention, key in keys.items():
            weight[key] += mentions[mention]
        target = _attach_short_forms(weight)

        members: dict[NameKey, list[Mention]] = defaultdict(list)
        for mention, key in keys.items():
            members[target.get(key, key)].append(mention)
        for key, group in members.items():
            speaker_id = _key_id(key)
            if speaker_id in directory.speakers:  # a person and an outlet both "post"
                speaker_id = f"{speaker_id}-{key.kind}"
            speaker = Speaker(speaker_id, _preferred_name(group, keys, mentions), key.kind)
            for mention in group:
                speaker.aliases[mention[0]] += mentions[mention]
                directory._by_mention[mention] = speaker_id
            directory.speakers[speaker_id] = speaker
        directory._apply_merges(rules.merges)
        directory._apply_renames(rules.renames)
        return directory

    @classmethod
    def from_names(
        cls, names: Iterable[Mention], rules: AliasRules | None = None
    ) -> SpeakerDirectory:
        """Build from a stream of mentions, one per statement (an extract run)."""
        return cls.build(Counter(names), rules)

    # --- the user's corrections

    def _apply_merges(self, merges: list[list[str]]) -> None:
        for group in merges:
            found = [self.find(name) for name in group]
            for name, speaker in zip(group, found, strict=True):
                if speaker is None:
                    self.unmatched_rules.append(f"merge: {name}")
            present = [s for s in found if s is not None]
            if not present:
                continue
            keeper = found[0] or present[0]
            keeper.name = group[0]
            # The merged speaker's id comes from the first name, whichever of the group a
            # corpus happens to contain, so every article and every run agrees on it.
            first_key = name_key(group[0])
            wanted = _key_id(first_key) if first_key else slug(group[0])
            if found[0] is not None:
                wanted = found[0].id
            if wanted != keeper.id and wanted not in self.speakers:
                self._rekey(keeper, wanted)
            for other in present:
                if other.id == keeper.id:
                    continue
                keeper.aliases.update(other.aliases)
                if other.kind == "person":
                    keeper.kind = "person"
                for mention, speaker_id in self._by_mention.items():
                    if speaker_id == other.id:
                        self._by_mention[mention] = keeper.id
                del self.speakers[other.id]

    def _rekey(self, speaker: Speaker, new_id: str) -> None:
        del self.speakers[speaker.id]
        for mention, speaker_id in self._by_mention.items():
            if speaker_id == speaker.id:
                self._by_mention[mention] = new_id
        speaker.id = new_id
        self.speakers[new_id] = speaker

    def _apply_renames(self, renames: dict[str, str]) -> None:
        for old, new in renames.items():
            speaker = self.find(old)
            if speaker is None:
                self.unmatched_rules.append(f"rename: {old}")
            else:
                speaker.name = new


def _attach_short_forms(weight: Counter[NameKey]) -> dict[NameKey, NameKey]:
    """Map each bare surname and short outlet name to the full key it stands for, if clear."""
    people: dict[tuple[str, str], list[NameKey]] = defaultdict(list)
    organisations: list[NameKey] = []
    for key in weight:
        if key.kind == "person" and key.parts[0] and key.parts[0] != "=":
            people[(key.parts[1], key.parts[2])].append(key)
        elif key.kind == "organisation" and len(key.parts) > 1:
            organisations.append(key)
    target: dict[NameKey, NameKey] = {}
    for key in weight:
        candidates: list[NameKey] = []
        if key.surname_only:
            candidates = people.get((key.parts[1], key.parts[2]), [])
        elif (
            key.kind == "organisation"
            and len(key.parts) == 1
            and key.parts[0] in ORGANISATION_WORDS
        ):
            candidates = [o for o in organisations if o.parts[-1] == key.parts[0]]
        best = _dominant(candidates, weight)
        if best is not None:
            target[key] = best
    return target


def _dominant(candidates: list[NameKey], weight: Counter[NameKey]) -> NameKey | None:
    if not candidates:
        return None
    total = sum(weight[c] for c in candidates)
    best = max(candidates, key=lambda c: (weight[c], c.display))
    return best if weight[best] >= DOMINANCE * total else None


def _preferred_name(
    group: list[Mention], keys: Mapping[Mention, NameKey], mentions: Mapping[Mention, int]
) -> str:
    """The most used full display form of a speaker's names (ties: the longer one)."""
    shown: Counter[tuple[bool, str]] = Counter()
    for mention in group:
        key = keys[mention]
        short = key.surname_only or (key.kind == "organisation" and len(key.parts) == 1)
        shown[(not short, key.display)] += mentions[mention]
    (_, display), _ = max(shown.items(), key=lambda item: (item[0][0], item[1], len(item[0][1])))
    return display


def assign_speaker_ids(
    attributions: Iterable[Attribution], rules: AliasRules | None = None
) -> SpeakerDirectory:
    """Set ``speaker_id`` on one article's (or one run's) attributions; returns the directory.

    Ids depend on names alone, so an article resolved on its own gets the ids the corpus
    gives the same names; only a bare surname whose full name is in *another* article is
    left at its surname id until the store resolves it against the corpus.
    """
    attributions = list(attributions)
    directory = SpeakerDirectory.from_names(
        (
            (name, a.anonymous)
            for a in attributions
            if (name := a.resolved_speaker or a.speaker) is not None
        ),
        rules,
    )
    for attribution in attributions:
        attribution.speaker_id = directory.id_for(
            attribution.resolved_speaker or attribution.speaker, attribution.anonymous
        )
    return directory
