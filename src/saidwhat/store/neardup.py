"""Near-duplicate detection: the same wire story republished by several outlets.

This module owns what "nearly the same article" means and how it is found without
comparing every pair: MinHash signatures of word 5-shingles, indexed with datasketch's
``MinHashLSH`` at a Jaccard threshold of 0.8. LSH only proposes candidates; each is then
checked against the threshold with the signatures' estimated similarity, so a chance
collision in one band never links two different stories.

Signatures are persisted (``minhash_signatures``) so the index is rebuilt from the store
when an ingest starts, without re-reading texts. A signature depends on the hash scheme,
the number of permutations and the shingle size; :data:`SCHEME` names them all, and a
stored signature with another scheme is recomputed from the article's text.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH
from sqlalchemy import Connection, insert, select, update

from saidwhat.store.schema import MinHashSignature, StoredArticle

#: Jaccard similarity of word 5-shingles above which two articles are near-duplicates:
#: wire copy with a changed headline, byline or a few edited words scores 0.85-0.99, two
#: different reports of one event rarely pass 0.3.
THRESHOLD = 0.8
SHINGLE_WORDS = 5
NUM_PERM = 128
SEED = 1
_HASH_SCHEME = "affine32"
#: Everything a stored signature depends on; signatures with another scheme are recomputed.
SCHEME = f"{_HASH_SCHEME}-p{NUM_PERM}-s{SEED}-w{SHINGLE_WORDS}-crc32poly"

_WORD = re.compile(r"\w+")
_DTYPE = np.dtype("<u4")
_MULTIPLIER = np.uint64(0x9E3779B97F4A7C15)  # odd: the polynomial hash loses no bits
_LOW_32_BITS = np.uint64(0xFFFFFFFF)


def shingle_hashes(text: str, size: int = SHINGLE_WORDS) -> list[int]:
    """32-bit hashes of the text's distinct word ``size``-shingles (case and punctuation
    ignored). A text shorter than ``size`` words is one shingle.

    Each word is hashed once (CRC-32) and shingles are combined with a polynomial hash in
    numpy, which costs a tenth of hashing every shingle's string with SHA-1 (datasketch's
    default); datasketch's affine scheme re-mixes the values before permuting them.
    """
    words = _WORD.findall(text.lower()) or [""]
    hashes = np.fromiter(
        (zlib.crc32(word.encode("utf-8")) for word in words), dtype=np.uint64, count=len(words)
    )
    width = min(size, len(words))
    count = len(words) - width + 1
    combined = np.zeros(count, dtype=np.uint64)
    for offset in range(width):  # wraps modulo 2**64, as intended
        combined = combined * _MULTIPLIER + hashes[offset : offset + count]
    return np.unique(combined & _LOW_32_BITS).tolist()


def _identity(value: int) -> int:
    return value


@dataclass(frozen=True, slots=True)
class Match:
    """The stored article a new one nearly duplicates (the first copy of the story)."""

    article_id: int
    similarity: float


class NearDuplicateIndex:
    """An in-memory LSH index over the stored articles' signatures.

    Only article ids and band hashes live in memory; the signatures needed to check a
    candidate are read from the store on demand (candidates are few).
    """

    def __init__(self, threshold: float = THRESHOLD) -> None:
        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=NUM_PERM)
        # Permutations are derived from the seed; computing them once saves ~0.4 ms per text.
        self._template = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=_HASH_SCHEME)

        self._size = 0

    def __len__(self) -> int:
        """How many articles are indexed."""
        return self._size

    def signature(self, text: str) -> np.ndarray:
        """The MinHash signature of a text (``NUM_PERM`` unsigned 32-bit values)."""
        minhash = MinHash(
            num_perm=NUM_PERM,
            seed=SEED,
            scheme=_HASH_SCHEME,
            permutations=self._template.permutations,
            hashfunc=_identity,  # the values are hashes already
        )
        minhash.update_batch(shingle_hashes(text))
        return minhash.hashvalues

    @staticmethod
    def to_bytes(signature: np.ndarray) -> bytes:
        """A signature as stored: little-endian 32-bit values, portable across machines."""
        return signature.astype(_DTYPE).tobytes()

    @staticmethod
    def from_bytes(data: bytes) -> np.ndarray:
        """A stored signature back as an array."""
        return np.frombuffer(data, dtype=_DTYPE).astype(np.uint32)

    def add(self, article_id: int, signature: np.ndarray) -> None:
        """Index a stored article (call after its transaction commits)."""
        self._lsh.insert(article_id, self._lean(signature), check_duplication=False)
        self._size += 1

    def load(self, connection: Connection) -> int:
        """Index every stored article; return how many are indexed.

        Signatures of another scheme are recomputed from the text and rewritten, and
        articles without one (stored by a version before signatures existed) get one, so
        ``connection`` must be in a write transaction.
        """
        current = (
            select(MinHashSignature.article_id, MinHashSignature.signature)
            .where(MinHashSignature.scheme == SCHEME)
            .execution_options(yield_per=2000)  # a server-side cursor on PostgreSQL
        )
        with self._lsh.insertion_session() as session:
            for article_id, data in connection.execute(current):
                lean = self._lean(self.from_bytes(data))
                session.insert(article_id, lean, check_duplication=False)
                self._size += 1
        stale = select(MinHashSignature.article_id).where(MinHashSignature.scheme != SCHEME)
        for article_id in connection.execute(stale).scalars().all():
            signature = self._signature_of_stored(connection, article_id)
            connection.execute(
                update(MinHashSignature)
                .where(MinHashSignature.article_id == article_id)
                .values(scheme=SCHEME, signature=self.to_bytes(signature))
            )
            self.add(article_id, signature)
        missing = (
            select(StoredArticle.id)
            .outerjoin(MinHashSignature, MinHashSignature.article_id == StoredArticle.id)
            .where(MinHashSignature.article_id.is_(None))
        )
        for article_id in connection.execute(missing).scalars().all():
            signature = self._signature_of_stored(connection, article_id)
            connection.execute(
                insert(MinHashSignature).values(
                    article_id=article_id, scheme=SCHEME, signature=self.to_bytes(signature)
                )
            )
            self.add(article_id, signature)
        return self._size

    def _signature_of_stored(self, connection: Connection, article_id: int) -> np.ndarray:
        query = select(StoredArticle.text).where(StoredArticle.id == article_id)
        return self.signature(connection.execute(query).scalar_one())

    def best_match(self, connection: Connection, signature: np.ndarray) -> Match | None:
        """The stored story this signature nearly duplicates, or None.

        Among candidates over the threshold the most similar wins; if that one is itself a
        near-duplicate, the link goes to the first copy it points at, so every copy of a
        story points at the same article. The similarity is to the closest copy.
        """
        candidates = self._lsh.query(self._lean(signature))
        if not candidates:
            return None
        rows = connection.execute(
            select(
                MinHashSignature.article_id,
                MinHashSignature.signature,
                StoredArticle.near_duplicate_of,
            )
            .join(StoredArticle, StoredArticle.id == MinHashSignature.article_id)
            .where(MinHashSignature.article_id.in_(candidates))
        ).all()
        best: Match | None = None
        best_root: int | None = None
        for article_id, data, root in rows:
            similarity = float(np.mean(self.from_bytes(data) == signature))
            if similarity >= self.threshold and (best is None or similarity > best.similarity):
                best = Match(article_id, similarity)
                best_root = root
        if best is None:
            return None
        return Match(best_root if best_root is not None else best.article_id, best.similarity)

    @staticmethod
    def _lean(signature: np.ndarray) -> LeanMinHash:
        return LeanMinHash(seed=SEED, hashvalues=signature, scheme=_HASH_SCHEME)
