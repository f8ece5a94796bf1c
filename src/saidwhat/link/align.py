"""Word-level alignment of two versions of one statement.

The alignment runs on normalised words (:mod:`saidwhat.link.text`), so quote glyphs,
contractions and number spelling never show up as differences; what people see is each
outlet's own words with their punctuation. That needs two levels:

* key level: one key per normalised word ("there's" gives "there", "is"), aligned with
  :class:`difflib.SequenceMatcher` (no autojunk: in a 40-word quote, "the" is not noise);
* display level: each token with the punctuation around it ("politically,”"). When one
  token holds several keys ("there's") that fall into different key-level operations,
  those operations are merged, so no word is ever shown twice or split.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import lru_cache
from typing import Literal

from saidwhat.link.text import ELISION, Token, tokens

__all__ = ["Alignment", "DiffOp", "align", "align_words"]

DiffKind = Literal["equal", "insert", "delete", "replace"]


@dataclass(slots=True)
class DiffOp:
    """One step of a word-level diff, with the words as each outlet printed them.

    ``reference_words`` are empty for an insertion, ``variant_words`` for a deletion.
    """

    op: DiffKind
    reference_words: list[str]
    variant_words: list[str]

    def to_json(self) -> dict:
        """Plain JSON for APIs and exports."""
        return {
            "op": self.op,
            "reference_words": list(self.reference_words),
            "variant_words": list(self.variant_words),
        }


@dataclass(slots=True)
class _Side:
    """One version: its tokens, their keys, and which token and display chunk own each key."""

    text: str
    tokens: list[Token]
    keys: list[str] = field(default_factory=list)
    owners: list[int] = field(default_factory=list)
    chunk_of_token: list[int] = field(default_factory=list)
    chunks: list[str] = field(default_factory=list)
    #: What other modules derive from this side once and reuse (drift's signal words).
    memo: dict[object, object] = field(default_factory=dict)

    @classmethod
    def of(cls, text: str) -> _Side:
        side = cls(text, tokens(text))
        for index, token in enumerate(side.tokens):
            for norm in token.norms:
                # an outlet's bracketed word never equals a word the speaker said
                side.keys.append(f"[{norm}]" if token.kind == "inserted" else norm)
                side.owners.append(index)
        side._chunk()
        return side

    def _chunk(self) -> None:
        """One display chunk per token: the token with the punctuation around it.

        The text is cut before each token, after the whitespace that precedes it, so
        leading quote marks stay with their word ("“You"), trailing ones and lone dashes
        with the word before ("politically,”", "possibly —"), and a mark glued to a word
        becomes its own chunk ("window" + "...").
        """
        cuts = [0]
        for previous, token in zip(self.tokens, self.tokens[1:], strict=False):
            gap = self.text[previous.end : token.start]
            stripped = gap.rstrip()
            space = max(gap.rfind(" "), gap.rfind("\n"), gap.rfind("\t"), gap.rfind("\u00a0"))
            cuts.append(previous.end + (space + 1 if space >= 0 and stripped else len(gap)))
        cuts.append(len(self.text))
        self.chunks = [self.text[a:b].strip() for a, b in zip(cuts, cuts[1:], strict=False)]
        self.chunk_of_token = list(range(len(self.tokens)))

    def chunk_range(self, key_start: int, key_end: int) -> list[int]:
        """The display chunks holding keys ``key_start:key_end``, in order."""
        seen: list[int] = []
        for key in range(key_start, key_end):
            chunk = self.chunk_of_token[self.owners[key]]
            if not seen or seen[-1] != chunk:
                seen.append(chunk)
        return seen


@dataclass(slots=True)
class Alignment:
    """Two versions aligned key by key; :meth:`diff` turns it into display operations."""

    reference: _Side
    variant: _Side
    opcodes: list[tuple[str, int, int, int, int]]

    def diff(self) -> list[DiffOp]:
        """Display operations over whole chunks of the original texts."""
        groups: list[tuple[set[str], list[int], list[int]]] = []
        for tag, i1, i2, j1, j2 in self.opcodes:
            ref_chunks = self.reference.chunk_range(i1, i2)
            var_chunks = self.variant.chunk_range(j1, j2)
            if groups:
                tags, last_ref, last_var = groups[-1]
                shares = (ref_chunks and last_ref and ref_chunks[0] == last_ref[-1]) or (
                    var_chunks and last_var and var_chunks[0] == last_var[-1]
                )
                if shares:
                    tags.add(tag)
                    last_ref.extend(c for c in ref_chunks if not last_ref or c != last_ref[-1])
                    last_var.extend(c for c in var_chunks if not last_var or c != last_var[-1])
                    continue
            groups.append(({tag}, list(ref_chunks), list(var_chunks)))
        result: list[DiffOp] = []
        for tags, ref_chunks, var_chunks in groups:
            op: DiffKind
            if tags == {"equal"}:
                op = "equal"
            elif not ref_chunks:
                op = "insert"
            elif not var_chunks:
                op = "delete"
            else:
                op = "replace"
            result.append(
                DiffOp(
                    op,
                    [self.reference.chunks[c] for c in ref_chunks],
                    [self.variant.chunks[c] for c in var_chunks],
                )
            )
        return result

    def key_tokens(self, side: str, start: int, end: int) -> list[Token]:
        """The distinct tokens behind keys ``start:end`` of one side ("reference"/"variant")."""
        this = self.reference if side == "reference" else self.variant
        seen: list[int] = []
        for key in range(start, end):
            owner = this.owners[key]
            if not seen or seen[-1] != owner:
                seen.append(owner)
        return [this.tokens[index] for index in seen]


@lru_cache(maxsize=256)
def _side(text: str) -> _Side:
    """:meth:`_Side.of`, cached: a cluster's reference is aligned with every other member.
    Sides are never changed after they are built, so sharing one is safe."""
    return _Side.of(text)


def align(reference: str, variant: str) -> Alignment:
    """Align two versions on their normalised keys (words, elision marks, [insertions])."""
    ref, var = _side(reference), _side(variant)
    if ref.keys == var.keys:
        # reprints are common: the same words need no search (difflib would say the same)
        opcodes = [("equal", 0, len(ref.keys), 0, len(var.keys))] if ref.keys else []
        return Alignment(ref, var, opcodes)
    matcher = SequenceMatcher(None, ref.keys, var.keys, autojunk=False)
    return Alignment(ref, var, matcher.get_opcodes())


def align_words(reference: str, variant: str) -> list[DiffOp]:
    """Word-level diff of two versions of a statement, for display.

    Differences only in quote marks, case, contractions or number spelling are "equal";
    each operation carries the original words (with their punctuation) of both versions.
    """
    return align(reference, variant).diff()


def is_elision(key: str) -> bool:
    """Whether a key is an ellipsis mark."""
    return key == ELISION
