"""Batch plumbing shared by every command that runs the extractor over many articles.

``saidwhat extract`` (print results) and ``saidwhat ingest`` (store them) read a stream of
articles of unknown length and must behave the same way on it: analyse in small batches so
memory is bounded by the batch and results start at once, lose only the article that
crashes the extractor, and treat an article met twice in one run the same way. This module
owns those three rules, so the two commands cannot drift apart.

It imports nothing heavy: the extractor is imported when a batch is first analysed.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from saidwhat.model import Article, Attribution

#: Articles analysed together. Large enough for spaCy's ``pipe`` to batch efficiently,
#: small enough that the first results appear quickly and memory stays bounded.
BATCH_SIZE = 16

T = TypeVar("T")


def batches(items: Iterable[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    """Group items so each ``extract_many`` call gets a batch, never the whole corpus."""
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def extract_batch(
    articles: list[Article],
) -> Iterator[tuple[Article, list[Attribution] | Exception]]:
    """Attributions per article; an article the extractor crashes on yields its exception.

    The batch goes through ``extract_many`` in one call for throughput. Should the extractor
    fail (a bug, not bad input), the articles not yet delivered are retried one by one, so
    that only the article that triggers the failure is lost and reported.
    """
    # Looked up at call time (not imported at module level) so that importing this module
    # stays cheap and tests can substitute the extractor.
    from saidwhat.extraction import pipeline

    done = 0
    texts = [article.text for article in articles]
    # Publication dates anchor relative statement dates ("on Wednesday").
    published = [article.published for article in articles]
    try:
        for attributions in pipeline.extract_many(texts, published=published):
            yield articles[done], attributions
            done += 1
        return
    except Exception:  # retried below, one article at a time
        pass
    for article in articles[done:]:
        try:
            yield (
                article,
                next(pipeline.extract_many([article.text], published=[article.published])),
            )
        except Exception as exc:  # reported per article; the run goes on
            yield article, exc


def renamed_id(article_id: str, source_path: str | None, taken: Callable[[str], bool]) -> str:
    """A new id for an article whose id is already used by a *different* article.

    ``<id>@<source file name>``, then ``<id>@<source file name>#2`` and so on until
    ``taken`` says the id is free. Deterministic, so the same input gets the same id on
    every run (which is what lets an interrupted ingest be resumed without duplicates).
    """
    source = Path(source_path).name if source_path else "input"
    new_id = f"{article_id}@{source}"
    number = 2
    while taken(new_id):
        new_id = f"{article_id}@{source}#{number}"
        number += 1
    return new_id


@dataclass(slots=True)
class Deduplicator:
    """Decides what to do with an article whose id was already seen in this run.

    The same article often arrives twice (a JSONL export next to the .txt files it was made
    from, or a folder named along with a file inside it under another path): analysing it
    again would double-count every quote, so an exact repeat (same id, same text) is
    skipped. A repeated id with *different* text is a different article that happens to
    share a name (two ``article.txt`` in two folders): it is kept, under the id
    ``<id>@<source file name>`` so that results stay keyed uniquely. Only a digest of each
    text is kept, so memory does not grow with the size of the corpus's texts.
    """

    digests: dict[str, set[bytes]] = field(default_factory=dict)
    skipped: int = 0

    def admit(self, article: Article) -> Article | None:
        """The article to analyse (possibly with a new id), or None for an exact repeat."""
        digest = hashlib.blake2b(article.text.encode("utf-8"), digest_size=16).digest()
        seen = self.digests.get(article.id)
        if seen is None:
            self.digests[article.id] = {digest}
            return article
        if digest in seen:
            self.skipped += 1
            return None
        seen.add(digest)
        new_id = renamed_id(article.id, article.source_path, self.digests.__contains__)
        self.digests[new_id] = {digest}
        article.id = new_id
        return article
