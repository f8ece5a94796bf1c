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

Every reason is a string ``"<code>: <detail>"``: the code before the colon is stable (for
programs), the detail quotes the words involved (for people).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from saidwhat.link.align import Alignment, DiffOp, align
from saidwhat.link.text import ELISION, Token, stem, word_set

__all__ = ["DRIFT_LABELS", "Drift", "drift"]

#: The label set, from least to most change; the meaning of each in one line.
DRIFT_LABELS: dict[str, str] = {
    "verbatim": "The same text; only quotation marks, spacing or a closing comma/full stop differ.",
    "punctuation-only": (
        "The same words in the same order; punctuation, capitalisation, contractions "
        "or the spelling of numbers differ."
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


class _Reader:
    """Walks an alignment once, sorting operations into kinds and collecting signals."""

    def __init__(self, alignment: Alignment, reported: bool) -> None:
        self.alignment = alignment
        self.reported = reported
        ref, var = alignment.reference, alignment.variant
        self.ref_words = _spoken(ref.keys)
        self.var_words = _spoken(var.keys)
        self.kinds: set[str] = set()
        self.notes: list[str] = []
        self.signals: list[str] = []
        self.equal_words = 0
        self._ref_negations = sum(w in NEGATIONS for w in self.ref_words)
        self._var_negations = sum(w in NEGATIONS for w in self.var_words)
        self._ref_modals = _modal_kinds(self.ref_words, reported)
        self._var_modals = _modal_kinds(self.var_words, reported)
        self._ref_hedges = Counter(w for w in self.ref_words if w in HEDGES)
        self._var_hedges = Counter(w for w in self.var_words if w in HEDGES)
        self._ref_numbers = _numbers(self.ref_words)
        self._var_numbers = _numbers(self.var_words)
        self._ref_names = [t.surface for t in ref.tokens if t.is_name]
        self._var_names = [t.surface for t in var.tokens if t.is_name]

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
        if not ref_spoken and not var_spoken:
            if not inserted:
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
                    self._signals(ref_spoken, [], ref_tokens, [])
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
                    self._signals([], var_spoken, [], var_tokens)
            return
        self.kinds.add("replace")
        ref_words = [t for t in ref_tokens if t.kind == "word"]
        var_words = [t for t in var_tokens if t.kind == "word"]
        self.notes.append(f"replaced: {_quote(ref_words)} → {_quote(var_words)}")
        self._signals(ref_spoken, var_spoken, ref_tokens, var_tokens)

    def _signals(
        self,
        ref_words: list[str],
        var_words: list[str],
        ref_tokens: list[Token],
        var_tokens: list[Token],
    ) -> None:
        """Meaning signals of one operation, kept only when the whole texts agree."""
        ref_text, var_text = _quote(ref_tokens), _quote(var_tokens)
        ref_neg = sum(w in NEGATIONS for w in ref_words)
        var_neg = sum(w in NEGATIONS for w in var_words)
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
        ref_modals = set(_modal_kinds(ref_words, self.reported))
        var_modals = set(_modal_kinds(var_words, self.reported))
        # kinds of modality the whole version lost or gained ("might" -> "may" is neither)
        text_lost = ref_modals - var_modals & (set(self._ref_modals) - set(self._var_modals))
        text_gained = var_modals - ref_modals & (set(self._var_modals) - set(self._ref_modals))
        if (text_lost and var_modals - ref_modals) or (text_gained and ref_modals - var_modals):
            self.signals.append(f"modal changed: {ref_text} → {var_text}")
        elif text_lost:
            self.signals.append(f"modal dropped: {ref_text}")
        elif text_gained:
            self.signals.append(f"modal added: {var_text}")
        ref_hedges = Counter(w for w in ref_words if w in HEDGES)
        var_hedges = Counter(w for w in var_words if w in HEDGES)
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
            if gone and new:
                self.signals.append(
                    f"name changed: {'“' + ' '.join(gone) + '”'} → {'“' + ' '.join(new) + '”'}"
                )


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
    """
    alignment = align(reference, variant)
    reported = "indirect" in (reference_kind, variant_kind) or "mixed" in (
        reference_kind,
        variant_kind,
    )
    reader = _Reader(alignment, reported)
    reader.read()
    similarity = round(
        SequenceMatcher(None, reader.ref_words, reader.var_words, autojunk=False).ratio(), 3
    )
    signals = list(dict.fromkeys(reader.signals))
    if not same_speaker:
        signals.insert(0, "attributed to a different speaker: the versions credit different people")
    kinds = reader.kinds
    if signals:
        label = "meaning-changed"
    elif _canonical(reference) == _canonical(variant):
        label = "verbatim"
    elif kinds <= {"punctuation"}:
        label = "punctuation-only"
    elif kinds <= {"trim", "punctuation"}:
        label = "trimmed"
    elif kinds <= {"extension", "punctuation"}:
        label = "extended"
    elif kinds <= {"trim", "extension", "punctuation"}:
        label = "trimmed"
    elif kinds <= {"trim", "elision", "extension", "punctuation"}:
        label = "elided"
    else:
        shorter = min(len(reader.ref_words), len(reader.var_words)) or 1
        overlap = reader.equal_words / shorter
        kinds_differ = {reference_kind, variant_kind} == {"direct", "indirect"}
        label = "paraphrased" if kinds_differ or overlap < PARAPHRASE_OVERLAP else "reworded"
    notes = reader.notes if label not in ("verbatim", "punctuation-only") else []
    if label == "paraphrased" and reference_kind != variant_kind:
        notes = [f"reported as {variant_kind} speech; the reference is {reference_kind}", *notes]
    # a note that repeats a signal's words ("replaced: “can” → “may”") adds nothing
    details = {signal.partition(": ")[2] for signal in signals}
    notes = [note for note in notes if note.partition(": ")[2] not in details]
    reasons = (signals + notes)[:_MAX_REASONS]
    return Drift(label, reasons, alignment.diff(), similarity)
