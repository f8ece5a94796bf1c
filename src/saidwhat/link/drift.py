"""Drift: how one outlet's version of a statement differs from the reference version.

A journalist comparing outlets wants one word for each version ("trimmed", "reworded") and,
when it matters, why the difference could change what the speaker is understood to have
said. The labels (:data:`DRIFT_LABELS`) are ordered by how much they change: a version gets
the first that fits, except that any *meaning signal* makes it ``meaning-changed``,
whatever else is true, because a cut that drops a "not" is worse than a reworded clause.

Meaning signals are read from the word alignment, operation by operation, and must also
show at the level of the whole text, so words that merely moved (a paraphrase that puts
the "not" elsewhere) are not reported:

* ``negation added`` / ``negation dropped``: not, no, never, "n't" ...;
* ``modal changed`` / ``modal added`` / ``modal dropped``: the kind of modality differs
  (possibility may/might/could, ability can, future will/shall, conditional would,
  obligation must/should). "might" -> "may" is the same kind, not a change; in reported
  speech the back-shifted forms (will -> would, can -> could, may -> might) are grammar;
* ``hedge added`` / ``hedge dropped``: possibly, perhaps, maybe, likely, nearly ...;
* ``number changed``: a number replaced by another (or by a word) where the other version
  has none ("9" vs "nine" is the same number);
* ``name changed``: a name replaced by another name that the other version never uses;
* ``attributed to a different speaker``: the two versions credit different people.

Cuts at either end of a quote never count as meaning signals (the quote is shorter, not
different); a short cut or addition inside it does (an elision that removes
"possibly — it might not —" makes a hedged remark sound firm).

Paraphrase must not read as a changed meaning, so some differences are not signals: a
modal or hedge inside a long replaced clause (the reporter's framing, "he would advise
him that ..."), a negation that an added or cut stretch brings with words of its own
("— not me, not Bill, nobody —" negates those words, not the shared claim), a modal that
moved to another clause, and back-shift in a version whose text shows it is reported
speech even when its kind says "direct". An opening "that" of reported speech is not a
word of the statement at all. Between versions at the paraphrase level (indirect speech
for a direct quote, or under half the words shared) only a negation or a figure counts:
there a modal, hedge or name is the reporter's framing as often as the speaker's, and
flagging every paraphrase would bury the real changes. An acronym and the name it spells
out ("BLM", "Black Lives Matter") are one name.

Every reason is a string ``"<code>: <detail>"``: the code before the colon is stable (for
programs), the detail quotes the words involved (for people).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from saidwhat.link.align import Alignment, DiffOp, _Side, align
from saidwhat.link.polarity import Polarity, polarity, polarity_conflict
from saidwhat.link.text import ELISION, STOPWORDS, Token, stem, word_set

__all__ = ["DRIFT_LABELS", "Drift", "drift"]

#: The label set, from least to most change; the meaning of each in one line.
DRIFT_LABELS: dict[str, str] = {
    "verbatim": "The same text; only quotation marks, spacing or a closing comma/full stop differ.",
    "punctuation-only": (
        "The same words in the same order; punctuation, capitalisation, contractions, "
        "the spelling of numbers or an opening reported-speech “that” differ."
    ),
    "trimmed": "A contiguous part of the reference: words cut at its start and/or end only.",
    "extended": (
        "The whole reference plus more words, around it or where the reference cut words "
        "with an ellipsis."
    ),
    "elided": (
        "The reference with words cut inside it (with or without an ellipsis mark) "
        "and/or [bracketed] editorial insertions; nothing else changed."
    ),
    "reworded": (
        "Mostly the reference's words in the same order, with some replaced, added or "
        "moved; no meaning signal."
    ),
    "paraphrased": (
        "The same statement in other words: indirect speech for a direct quote, or fewer "
        "than half of the words shared; no meaning signal."
    ),
    "meaning-changed": (
        "A difference that can change what the speaker is understood to have said: "
        "negation, modality or hedging, numbers, names, or the speaker (see reasons)."
    ),
}

NEGATIONS = word_set("not no never nothing none nobody neither nor nowhere without cannot")
HEDGES = word_set(
    """possibly perhaps maybe probably likely unlikely apparently allegedly reportedly
    seemingly presumably arguably somewhat almost nearly roughly approximately possible
    possibility probable"""
)
MODAL_KINDS = {
    "may": "possibility",
    "might": "possibility",
    "could": "possibility",
    "can": "ability",
    "will": "future",
    "shall": "future",
    "would": "conditional",
    "must": "obligation",
    "should": "obligation",
    "ought": "obligation",
}
#: Back-shift in reported speech ("I will go" -> he said he would go): grammar, not meaning.
_BACKSHIFT = {"would": "will", "could": "can", "might": "may"}
_NUMBER = re.compile(r"\d+(?:\.\d+)?%?")
#: A cut or addition inside a quote counts for meaning signals up to this many words; a
#: longer one drops or adds whole sentences, which is elision, not a changed clause.
CLAUSE_WORDS = 6
#: Below this share of words in common (of the shorter version), a version is paraphrased.
PARAPHRASE_OVERLAP = 0.5
_QUOTE_GLYPHS = re.compile(r"[“”\"«»„‟]|(?<![^\W_])['‘’]|['‘’](?![^\W_])")
_MAX_REASONS = 8


@dataclass(slots=True)
class Drift:
    """How a version differs from the reference: a label, reasons, and the word diff.

    ``similarity`` is difflib's ratio over the two versions' normalised words (1.0 for the
    same words in the same order): a number to sort or filter by, not a label.
    """

    label: str
    reasons: list[str] = field(default_factory=list)
    diff: list[DiffOp] = field(default_factory=list)
    similarity: float = 1.0

    @property
    def meaning_changed(self) -> bool:
        """Whether a reader could come away with a different statement."""
        return self.label == "meaning-changed"

    def to_json(self) -> dict:
        """Plain JSON for APIs and exports."""
        return {
            "label": self.label,
            "meaning": DRIFT_LABELS[self.label],
            "reasons": list(self.reasons),
            "similarity": self.similarity,
            "diff": [op.to_json() for op in self.diff],
        }


def _canonical(text: str) -> str:
    """The text with quote glyphs, spacing and closing punctuation normalised away."""
    text = text.replace("…", "...").replace("’", "'").replace("‘", "'")
    text = _QUOTE_GLYPHS.sub("", text)
    text = re.sub(r"[–—‐‑]", "-", text)
    text = re.sub(r"\s+", " ", text).strip(" ,.;:")
    return text[:1].lower() + text[1:]


def _spoken(keys: list[str]) -> list[str]:
    return [key for key in keys if key != ELISION and not key.startswith("[")]


def _quote(tokens: list[Token]) -> str:
    return "“" + " ".join(token.surface for token in tokens) + "”"


#: Before these, "will", "can", "might" are nouns ("the will of the voters", "his might").
_DETERMINERS = word_set("the a an his her their our my your its whose political free good ill own")
_NEUTRAL = "·"


def _signal_words(side: _Side) -> list[str]:
    """A side's keys with the look-alikes of signal words neutralised: modal-looking nouns
    after a determiner, the month "May", and "as possible"/"as likely" comparisons."""
    result: list[str] = []
    for position, key in enumerate(side.keys):
        previous = side.keys[position - 1] if position else ""
        token = side.tokens[side.owners[position]]
        if (
            (key in MODAL_KINDS and previous in _DETERMINERS)
            or (key == "may" and token.surface == "May" and not token.sentence_start)
            or (key in HEDGES and previous == "as")
        ):
            key = _NEUTRAL
        result.append(key)
    return result


def _modal_kinds(words: list[str], reported: bool) -> Counter[str]:
    return Counter(
        MODAL_KINDS[_BACKSHIFT.get(word, word) if reported else word]
        for word in words
        if word in MODAL_KINDS
    )


def _numbers(words: list[str]) -> Counter[str]:
    return Counter(word for word in words if _NUMBER.fullmatch(word))


def _same_name(name: str, others: list[str]) -> bool:
    """A name matches another spelling of itself ("Zelensky"/"Zelenskyy", "Ukraine's")."""
    key = stem(name.lower())
    return any(
        stem(other.lower()) == key
        or SequenceMatcher(None, name.lower(), other.lower()).ratio() >= 0.8
        for other in others
    )


def _without_acronyms(names: list[str], others: list[str]) -> tuple[list[str], list[str]]:
    """Both lists without an acronym in ``names`` and the run of ``others`` it abbreviates
    ("BLM" / "Black Lives Matter"): one name in two spellings, not a changed name."""
    for acronym in names:
        letters = acronym.replace(".", "")
        if len(letters) < 2 or not letters.isupper() or not letters.isalpha():
            continue
        width = len(letters)
        for start in range(len(others) - width + 1):
            run = others[start : start + width]
            if "".join(word[0] for word in run).upper() == letters:
                rest = [name for name in names if name is not acronym]
                return rest, others[:start] + others[start + width :]
    return names, others


@dataclass(slots=True)
class _Profile:
    """What the signal checks need of one whole version, computed once per text.

    A cluster's reference is compared with every other member, so this is kept on the
    (cached) aligned side rather than recomputed for each comparison.
    """

    words: list[str]
    signal_keys: list[str]
    negations: int
    modals: Counter[str]
    hedges: Counter[str]
    numbers: Counter[str]
    names: list[str]
    bag: frozenset[str]
    polarity: Polarity

    @classmethod
    def of(cls, side: _Side, reported: bool) -> _Profile:
        key = ("drift-profile", reported)
        cached = side.memo.get(key)
        if isinstance(cached, _Profile):
            return cached
        words = _spoken(side.keys)
        signal_keys = _signal_words(side)
        signal_words = _spoken(signal_keys)
        profile = cls(
            words=words,
            signal_keys=signal_keys,
            negations=sum(w in NEGATIONS for w in words),
            modals=_modal_kinds(signal_words, reported),
            hedges=Counter(w for w in signal_words if w in HEDGES),
            numbers=_numbers(words),
            names=[t.surface for t in side.tokens if t.is_name],
            bag=frozenset(stem(w) for w in words if w not in STOPWORDS),
            polarity=polarity(side.text, side.tokens),
        )
        side.memo[key] = profile
        return profile


class _Reader:
    """Walks an alignment once, sorting operations into kinds and collecting signals."""

    def __init__(self, alignment: Alignment, reported: bool) -> None:
        self.alignment = alignment
        self.reported = reported
        ref = _Profile.of(alignment.reference, reported)
        var = _Profile.of(alignment.variant, reported)
        self.ref_words = ref.words
        self.var_words = var.words
        self.kinds: set[str] = set()
        self.notes: list[str] = []
        self.signals: list[str] = []
        self.equal_words = 0
        self._ref_signal_keys = ref.signal_keys
        self._var_signal_keys = var.signal_keys
        self._ref_negations = ref.negations
        self._var_negations = var.negations
        self._ref_modals = ref.modals
        self._var_modals = var.modals
        self._ref_hedges = ref.hedges
        self._var_hedges = var.hedges
        self._ref_numbers = ref.numbers
        self._var_numbers = var.numbers
        self._ref_names = ref.names
        self._var_names = var.names
        # whether some word both versions say is negated in one only: without that, a
        # negation that differs was only moved or reworded ("not paid anything" / "paid
        # nothing"), see _signals
        self._polarity_flips = (
            polarity_conflict(ref.bag, ref.polarity, var.bag, var.polarity) is not None
        )

    def read(self) -> None:
        opcodes = self.alignment.opcodes
        equal_positions = [n for n, code in enumerate(opcodes) if code[0] == "equal"]
        first_equal = equal_positions[0] if equal_positions else len(opcodes)
        last_equal = equal_positions[-1] if equal_positions else -1
        for position, (tag, i1, i2, j1, j2) in enumerate(opcodes):
            ref_keys = self.alignment.reference.keys[i1:i2]
            var_keys = self.alignment.variant.keys[j1:j2]
            if tag == "equal":
                self.equal_words += len(_spoken(ref_keys))
                continue
            edge = position < first_equal or position > last_equal
            self._operation(ref_keys, var_keys, (i1, i2, j1, j2), edge)

    def _operation(
        self, ref_keys: list[str], var_keys: list[str], where: tuple[int, int, int, int], edge: bool
    ) -> None:
        i1, i2, j1, j2 = where
        ref_tokens = self.alignment.key_tokens("reference", i1, i2)
        var_tokens = self.alignment.key_tokens("variant", j1, j2)
        ref_spoken, var_spoken = _spoken(ref_keys), _spoken(var_keys)
        inserted = [t for t in var_tokens if t.kind == "inserted"]
        if inserted:
            self.kinds.add("elision")
            replaced = f" for {_quote([t for t in ref_tokens if t.kind == 'word'])}"
            self.notes.append(
                f"bracketed insertion: {_quote(inserted)}" + (replaced if ref_spoken else "")
            )
        if edge and i1 == 0 and j1 == 0 and ref_spoken and var_spoken:
            # words cut (or added) at the start where the other version opens with its
            # reporter's "that": "“He is ... recruiter,” … “They are ...”" vs "that “they
            # are ...”" is a trim, the "that" being grammar
            if _complementizer(self.alignment.variant, var_tokens):
                var_spoken, var_keys = [], []
            elif _complementizer(self.alignment.reference, ref_tokens):
                ref_spoken, ref_keys = [], []
        if not ref_spoken and not var_spoken:
            if not inserted:
                self.kinds.add("punctuation")
            return
        if (
            i1 == 0
            and j1 == 0
            and _complementizer(
                *(
                    (self.alignment.reference, ref_tokens)
                    if ref_spoken
                    else (self.alignment.variant, var_tokens)
                )
            )
        ):
            # "that he found Trump charming" vs "he found Trump charming": the reporter's
            # grammar for indirect speech, not a word of the statement
            self.kinds.add("punctuation")
            return
        if not var_spoken:
            words = _quote([t for t in ref_tokens if t.kind == "word"])
            if edge:
                self.kinds.add("trim")
                where_cut = "start" if j1 == 0 else "end"
                self.notes.append(f"cut at the {where_cut}: {words}")
            else:
                self.kinds.add("elision")
                marked = ELISION in var_keys or inserted
                self.notes.append(f"{'elided' if marked else 'cut without an ellipsis'}: {words}")
                if len(ref_spoken) <= CLAUSE_WORDS:
                    self._signals(_spoken(self._ref_signal_keys[i1:i2]), [], ref_tokens, [])
            return
        if not ref_spoken:
            words = _quote([t for t in var_tokens if t.kind == "word"])
            if edge or ELISION in ref_keys:
                self.kinds.add("extension")
                self.notes.append(
                    f"more at the {'start' if i1 == 0 else 'end'}: {words}"
                    if edge
                    else f"restores words the reference elided: {words}"
                )
            else:
                self.kinds.add("addition")
                self.notes.append(f"added: {words}")
                if len(var_spoken) <= CLAUSE_WORDS:
                    self._signals([], _spoken(self._var_signal_keys[j1:j2]), [], var_tokens)
            return
        self.kinds.add("replace")
        ref_words = [t for t in ref_tokens if t.kind == "word"]
        var_words = [t for t in var_tokens if t.kind == "word"]
        self.notes.append(f"replaced: {_quote(ref_words)} → {_quote(var_words)}")
        self._signals(
            _spoken(self._ref_signal_keys[i1:i2]),
            _spoken(self._var_signal_keys[j1:j2]),
            ref_tokens,
            var_tokens,
        )

    def _signals(
        self,
        ref_words: list[str],
        var_words: list[str],
        ref_tokens: list[Token],
        var_tokens: list[Token],
    ) -> None:
        """Meaning signals of one operation, kept only when the whole texts agree.

        Two kinds of difference are not read as signals, because the signal word does not
        bear on what both versions say:

        * a negation that comes with new content words of its own, in a stretch one
          version adds or cuts ("there has never been anyone — not me, not Bill, nobody —
          more qualified"): its scope is those words, so the shared claim keeps its
          polarity; a bare "not" added to shared words ("we will not send") still counts;
        * a negation in a long replaced stretch, or one that both versions have in their
          own words ("has not paid anything" / "paid nothing"), when no word both versions
          say is negated in one of them only (:func:`~saidwhat.link.polarity.polarity_conflict`);
        * a modal or hedge inside a long replaced stretch (more than ``CLAUSE_WORDS``
          words on either side): that is a clause said in other words ("and I say to all
          those who are there" -> "he would advise him that"), where the reporter's
          framing brings its own "would"; a short swap ("can" -> "may") still counts.
        """
        ref_text, var_text = _quote(ref_tokens), _quote(var_tokens)
        ref_neg = sum(w in NEGATIONS for w in ref_words)
        var_neg = sum(w in NEGATIONS for w in var_words)
        long_replacement = bool(ref_words and var_words) and (
            max(len(ref_words), len(var_words)) > CLAUSE_WORDS
        )
        if not (ref_words and var_words) and _has_own_content(ref_words or var_words):
            ref_neg = var_neg = 0
        elif not self._polarity_flips and (
            long_replacement or (self._ref_negations and self._var_negations)
        ):
            # no word the versions share changes polarity: the negation belongs to a
            # clause said in other words, or both say "not" in their own way
            ref_neg = var_neg = 0
        if var_neg > ref_neg and self._var_negations > self._ref_negations:
            self.signals.append(
                f"negation added: {ref_text} → {var_text}"
                if ref_words
                else f"negation added: {var_text}"
            )
        elif ref_neg > var_neg and self._ref_negations > self._var_negations:
            self.signals.append(
                f"negation dropped: {ref_text}" + (f" → {var_text}" if var_words else "")
            )
        if long_replacement:
            ref_words_for_modality: list[str] = []
            var_words_for_modality: list[str] = []
        else:
            ref_words_for_modality, var_words_for_modality = ref_words, var_words
        ref_modals = set(_modal_kinds(ref_words_for_modality, self.reported))
        var_modals = set(_modal_kinds(var_words_for_modality, self.reported))
        # kinds of modality the whole version lost or gained ("might" -> "may" is neither)
        # (parenthesised: "&" binds tighter than "-", and a kind the operation lost but the
        # other version says elsewhere is a modal that moved, not one that went missing)
        text_lost = (ref_modals - var_modals) & (set(self._ref_modals) - set(self._var_modals))
        text_gained = (var_modals - ref_modals) & (set(self._var_modals) - set(self._ref_modals))
        if (text_lost and var_modals - ref_modals) or (text_gained and ref_modals - var_modals):
            self.signals.append(f"modal changed: {ref_text} → {var_text}")
        elif text_lost:
            self.signals.append(f"modal dropped: {ref_text}")
        elif text_gained:
            self.signals.append(f"modal added: {var_text}")
        ref_hedges = Counter(w for w in ref_words_for_modality if w in HEDGES)
        var_hedges = Counter(w for w in var_words_for_modality if w in HEDGES)
        if ref_hedges - var_hedges and self._ref_hedges - self._var_hedges:
            self.signals.append(f"hedge dropped: {ref_text}")
        elif var_hedges - ref_hedges and self._var_hedges - self._ref_hedges:
            self.signals.append(f"hedge added: {var_text}")
        if ref_words and var_words:
            ref_numbers, var_numbers = _numbers(ref_words), _numbers(var_words)
            if ref_numbers != var_numbers and self._ref_numbers != self._var_numbers:
                self.signals.append(f"number changed: {ref_text} → {var_text}")
            ref_names = [t.surface for t in ref_tokens if t.is_name]
            var_names = [t.surface for t in var_tokens if t.is_name]
            gone = [n for n in ref_names if not _same_name(n, self._var_names)]
            new = [n for n in var_names if not _same_name(n, self._ref_names)]
            gone, new = _without_acronyms(gone, new)
            new, gone = _without_acronyms(new, gone)
            if gone and new:
                self.signals.append(
                    f"name changed: {'“' + ' '.join(gone) + '”'} → {'“' + ' '.join(new) + '”'}"
                )


#: An opening quotation mark (a closing one alone may be an apostrophe: "ISIS’ best").
_OPENING_QUOTE = re.compile(r"[“\"«„‟]|''|(?<![^\W_])‘")


def _looks_reported(side: _Side) -> bool:
    """Whether a version's own words show it is reported speech, whatever its ``kind``.

    Two cues the outlet's grammar gives away: it opens with the complementizer "that"
    ("that he would fight ...") or with words of its own before a quotation ("he found
    Trump “very charming”"). Kinds come from an extractor or a caller and may be
    missing or wrong; back-shifted modals in such a version are grammar all the same.
    """
    first = next((token for token in side.tokens if token.kind == "word"), None)
    if first is None or _OPENING_QUOTE.search(side.text[: first.start]):
        return False
    return first.surface == "that" or _OPENING_QUOTE.search(side.text, first.end) is not None


def _complementizer(side: _Side, stretch: list[Token]) -> bool:
    """A lone lowercase "that" opening a version outside quotation marks: the "that" of
    "he said that ...", which the outlet wrote, not the speaker."""
    if len(stretch) != 1 or stretch[0].kind != "word" or stretch[0].surface != "that":
        return False
    return not _QUOTE_GLYPHS.search(side.text[: stretch[0].start])


def _has_own_content(words: list[str]) -> bool:
    """Whether a stretch holds a content word besides negations, modals and hedges."""
    return any(
        word not in STOPWORDS
        and word not in NEGATIONS
        and word not in MODAL_KINDS
        and word not in HEDGES
        and word != _NEUTRAL
        for word in words
    )


#: The meaning signals that still count between versions in other words (paraphrases).
_PARAPHRASE_SIGNALS = frozenset({"negation added", "negation dropped", "number changed"})


def _paraphrase_level(reader: _Reader, reference_kind: str, variant_kind: str) -> bool:
    """Whether the versions say it in other words: indirect speech for a direct quote, or
    fewer than ``PARAPHRASE_OVERLAP`` of the shorter version's words shared in order."""
    if {reference_kind, variant_kind} == {"direct", "indirect"}:
        return True
    shorter = min(len(reader.ref_words), len(reader.var_words)) or 1
    return reader.equal_words / shorter < PARAPHRASE_OVERLAP


def drift(
    reference: str,
    variant: str,
    *,
    same_speaker: bool = True,
    reference_kind: str = "direct",
    variant_kind: str = "direct",
) -> Drift:
    """Label how ``variant`` differs from ``reference`` (see :data:`DRIFT_LABELS`).

    ``same_speaker=False`` records that the two versions credit different people, which
    is a meaning change whatever the words. The kinds ("direct", "indirect", "mixed") tell
    whether a version is reported speech: an indirect version of a direct quote is at
    best ``paraphrased``, and back-shifted modals ("would" for "will") are not a change.
    A version whose text plainly reports speech (an opening "that", or the outlet's words
    before a quotation) gets the back-shift allowance even when its kind says "direct";
    the label itself follows the kinds given.
    """
    alignment = align(reference, variant)
    reported = (
        "indirect" in (reference_kind, variant_kind)
        or "mixed" in (reference_kind, variant_kind)
        or _looks_reported(alignment.reference)
        or _looks_reported(alignment.variant)
    )
    reader = _Reader(alignment, reported)
    if alignment.reference.keys == alignment.variant.keys:
        similarity = 1.0  # the same words: nothing to read, nothing to measure
    else:
        reader.read()
        similarity = round(
            SequenceMatcher(None, reader.ref_words, reader.var_words, autojunk=False).ratio(), 3
        )
    signals = list(dict.fromkeys(reader.signals))
    paraphrase = _paraphrase_level(reader, reference_kind, variant_kind)
    if signals and paraphrase:
        # in other words, a modal, hedge or name is the reporter's framing as often as the
        # speaker's: only a flipped polarity or a changed figure still reads as a change
        signals = [s for s in signals if s.partition(":")[0] in _PARAPHRASE_SIGNALS]
    if not same_speaker:
        signals.insert(0, "attributed to a different speaker: the versions credit different people")
    kinds = reader.kinds
    if signals:
        label = "meaning-changed"
    elif kinds <= {"punctuation"}:
        # (only here can the texts be the same: any other kind means other words)
        label = "verbatim" if _canonical(reference) == _canonical(variant) else "punctuation-only"
    elif kinds <= {"trim", "punctuation"}:
        label = "trimmed"
    elif kinds <= {"extension", "punctuation"}:
        label = "extended"
    elif kinds <= {"trim", "extension", "punctuation"}:
        label = "trimmed"
    elif kinds <= {"trim", "elision", "extension", "punctuation"}:
        label = "elided"
    else:
        label = "paraphrased" if paraphrase else "reworded"
    notes = reader.notes if label not in ("verbatim", "punctuation-only") else []
    if label == "paraphrased" and reference_kind != variant_kind:
        notes = [f"reported as {variant_kind} speech; the reference is {reference_kind}", *notes]
    # a note that repeats a signal's words ("replaced: “can” → “may”") adds nothing
    details = {signal.partition(": ")[2] for signal in signals}
    notes = [note for note in notes if note.partition(": ")[2] not in details]
    reasons = (signals + notes)[:_MAX_REASONS]
    return Drift(label, reasons, alignment.diff(), similarity)
