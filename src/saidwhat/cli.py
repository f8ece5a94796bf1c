"""The ``saidwhat`` command line: thin commands over the library, for people and for scripts.

Everything here is plumbing between files, the library and a terminal; what counts as an
attribution is decided in :mod:`saidwhat.extraction` and nowhere else, so the command line
and the Python API can never disagree.

Two audiences shape the output rules:

* a journalist at a terminal gets a readable table per article, and errors that name the
  file and the problem instead of a traceback;
* a script gets ``--jsonl``: exactly one JSON object per article on stdout and nothing else
  there, with progress, warnings and the summary on stderr, and an exit status it can test
  (0 all good, 1 some input could not be used, 2 the tool cannot run at all).

Input is read and analysed in small batches, so that results for a large corpus start
appearing at once and memory stays bounded by the batch, not the corpus. One broken file
(or JSONL line) is reported and skipped; it never costs the user the rest of the run.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

import saidwhat
from saidwhat.model import Article, Attribution, span_text

app = typer.Typer(
    name="saidwhat",
    help="Who said what: find attributions (speaker, cue, quoted or reported content) in news.",
    no_args_is_help=True,
    add_completion=False,
)
eval_app = typer.Typer(
    help="Score the extractor against a gold-annotated corpus.",
    no_args_is_help=True,
)
app.add_typer(eval_app, name="eval")

#: Articles analysed together. Large enough for spaCy's ``pipe`` to batch efficiently,
#: small enough that the first results appear quickly and memory stays bounded.
BATCH_SIZE = 16
#: Characters of content shown per attribution in the table; the full span is in --jsonl.
CONTENT_PREVIEW_CHARS = 200

#: Exit statuses, part of the command line's contract with scripts.
EXIT_INPUT_FAILED = 1
EXIT_CANNOT_RUN = 2


def _err(message: str) -> None:
    """One plain line on stderr: never wrapped or styled, so scripts can parse it."""
    typer.echo(message, err=True)


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _word_count(texts: Sequence[str]) -> int:
    """Whitespace-separated words: the unit throughput is usually quoted in."""
    return sum(len(text.split()) for text in texts)


# --- extract ---------------------------------------------------------------------------


@dataclass(slots=True)
class _Deduplicator:
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
        source = Path(article.source_path).name if article.source_path else "input"
        new_id = f"{article.id}@{source}"
        number = 2
        while new_id in self.digests:
            new_id = f"{article.id}@{source}#{number}"
            number += 1
        self.digests[new_id] = {digest}
        article.id = new_id
        return article


def _one_line(text: str) -> str:
    """Collapse whitespace (newlines included) so a table cell stays readable."""
    return " ".join(text.split())


def _preview(text: str, limit: int = CONTENT_PREVIEW_CHARS) -> str:
    text = _one_line(text)
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _column_widths(total: int) -> tuple[int, int, int]:
    """Widths of the speaker, cue and content columns for a terminal ``total`` columns wide.

    Computed rather than left to Rich's auto-sizing, which on a narrow terminal squeezes
    short columns until a cue ("believes") is cut, while content is what deserves the room.
    """
    # 16 = six borders plus one space of padding each side of five columns; 3 + 8 = # and kind.
    room = max(total - 16 - 3 - 8, 45)
    speaker = min(max(room // 4, 12), 28)
    cue = min(max(room // 7, 9), 16)
    return speaker, cue, room - speaker - cue


def _article_table(article: Article, attributions: list[Attribution], width: int = 80) -> Table:
    """One article's attributions for people: who, how, and what, in document order."""
    heading = " · ".join(
        part for part in (article.id, article.outlet, article.published) if part is not None
    )
    table = Table(
        title=Text(heading, style="bold"),
        title_justify="left",
        caption=None if attributions else "no attributions found",
        caption_justify="left",
    )
    speaker_width, cue_width, content_width = _column_widths(width)
    table.add_column("#", justify="right", no_wrap=True, width=3)
    table.add_column("kind", no_wrap=True, width=8)
    table.add_column("speaker", width=speaker_width, overflow="fold")
    table.add_column("cue", width=cue_width, overflow="fold")
    table.add_column("content", width=content_width, overflow="fold")
    for number, attribution in enumerate(attributions, start=1):
        shown = attribution.resolved_speaker or attribution.speaker
        speaker = Text(shown or "—", style="" if shown else "dim")
        if attribution.speaker and attribution.speaker != shown:
            # Show the words the article used when they differ ("he" -> "Mark Milley"), so
            # the reader can judge the resolution rather than take it on trust.
            speaker.append(f"\n{_preview(attribution.speaker, 40)}", style="dim")
        table.add_row(
            str(number),
            attribution.kind,
            speaker,
            Text(_one_line(span_text(article.text, attribution.cue))),
            Text(_preview(span_text(article.text, attribution.content))),
        )
    return table


def _batches(items: Iterator[Article], size: int = BATCH_SIZE) -> Iterator[list[Article]]:
    """Group articles so each ``extract_many`` call gets a batch, never the whole corpus."""
    batch: list[Article] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _extract_batch(
    articles: list[Article],
) -> Iterator[tuple[Article, list[Attribution] | Exception]]:
    """Attributions per article; an article the extractor crashes on yields its exception.

    The batch goes through ``extract_many`` in one call for throughput. Should the extractor
    fail (a bug, not bad input), the articles not yet delivered are retried one by one, so
    that only the article that triggers the failure is lost and reported.
    """
    from saidwhat.extraction.pipeline import extract_many

    done = 0
    try:
        for attributions in extract_many([article.text for article in articles]):
            yield articles[done], attributions
            done += 1
        return
    except Exception:  # retried below, one article at a time
        pass
    for article in articles[done:]:
        try:
            yield article, next(extract_many([article.text]))
        except Exception as exc:  # reported per article; the run goes on
            yield article, exc


def _silence_broken_pipe() -> None:
    """After ``| head`` closes stdout, stop writing quietly instead of printing a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


_EXTRACT_HELP = (
    "Find who said what in news articles.\n\n"
    "Exit status: 0 when every input was read; 1 when some file or line could not be (the "
    "rest is still processed and the problems are listed on stderr) or nothing was found; "
    "2 when the language model is missing.\n\n"
    "An article seen twice with the same id and text is analysed once; a repeated id with "
    "different text is kept as <id>@<file name>."
)


@app.command(help=_EXTRACT_HELP)
def extract(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files (.txt, .html, .jsonl) or folders to read; folders are searched "
            "recursively.",
            show_default=False,
        ),
    ],
    jsonl: Annotated[
        bool,
        typer.Option(
            "--jsonl",
            help="Write one JSON object per article to stdout ({'id', 'attributions'}), "
            "with character offsets into the article text; everything else goes to stderr.",
        ),
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            min=1,
            help="Stop after this many articles (to try settings on a large corpus).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Find who said what in news articles (user-facing help: ``_EXTRACT_HELP``)."""
    from saidwhat.extraction.pipeline import ModelNotInstalledError, load_nlp
    from saidwhat.sources import iter_articles

    try:
        load_nlp()  # fail before reading anything, not after the first batch
    except ModelNotInstalledError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None

    failures: list[str] = []
    failed_paths: set[str] = set()
    dedup = _Deduplicator()
    n_articles = n_attributions = 0
    console = Console(highlight=False, soft_wrap=False)

    def articles() -> Iterator[Article]:
        """Readable, de-duplicated articles; failures are reported the moment they occur."""
        taken = 0
        for item in iter_articles(paths):
            if not isinstance(item, Article):
                failures.append(str(item))
                failed_paths.add(item.path)
                _err(f"error: {item}")
                continue
            article = dedup.admit(item)
            if article is None:
                continue
            yield article
            taken += 1
            if limit is not None and taken >= limit:
                return

    try:
        for batch in _batches(articles()):
            for article, result in _extract_batch(batch):
                if isinstance(result, Exception):
                    problem = f"{article.id}: extraction failed ({type(result).__name__}: {result})"
                    failures.append(problem)
                    failed_paths.add(article.source_path or article.id)
                    _err(f"error: {problem}")
                    continue
                n_articles += 1
                n_attributions += len(result)
                if jsonl:
                    record = {"id": article.id, "attributions": [a.to_json() for a in result]}
                    typer.echo(json.dumps(record, ensure_ascii=False))
                else:
                    console.print(_article_table(article, result, console.width))
                    console.print()
    except BrokenPipeError:
        _silence_broken_pipe()
        raise typer.Exit(0) from None

    summary = f"{_plural(n_articles, 'article')}, {_plural(n_attributions, 'attribution')}"
    if dedup.skipped:
        summary += f", {_plural(dedup.skipped, 'duplicate')} skipped"
    if failures:
        problems = _plural(len(failures), "problem")
        _err(f"{summary}; {problems} in {_plural(len(failed_paths), 'file')}:")
        for failure in failures:
            _err(f"  {failure}")
        raise typer.Exit(EXIT_INPUT_FAILED)
    _err(summary)
    if n_articles == 0:
        # Nothing failed, but nothing was read either (an empty folder, or only files of
        # other types): almost always a wrong path, which a script should notice.
        _err("error: no articles found (expected .txt, .html or .jsonl files)")
        raise typer.Exit(EXIT_INPUT_FAILED)


# --- eval ------------------------------------------------------------------------------


class Method(StrEnum):
    """Extraction methods that can be scored; an enum so --help lists the choices."""

    rules = "rules"


_EVAL_BRAT_HELP = (
    "Score extracted attributions against a brat-annotated gold corpus.\n\n"
    "Reports token, exact-span and whole-attribution (lenient and strict) precision, recall "
    "and F1, and the extraction speed. Exit status 2 when the corpus cannot be read or the "
    "language model is missing."
)


@eval_app.command("brat", help=_EVAL_BRAT_HELP)
def eval_brat(
    directory: Annotated[
        Path,
        typer.Argument(
            help="Corpus folder in PolNeAR's brat layout: text/<id>.txt and "
            "attributions/<id>_<annotator>.ann.",
            show_default=False,
        ),
    ],
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Write the full report as JSON to stdout instead of a table."),
    ] = False,
    method: Annotated[
        Method,
        typer.Option("--method", help="Extraction method to score."),
    ] = Method.rules,
) -> None:
    """Score extraction against gold brat annotations (user-facing help: ``_EVAL_BRAT_HELP``)."""
    from saidwhat.evaluate import CorpusError, evaluate, format_table, read_brat_corpus
    from saidwhat.extraction.pipeline import ModelNotInstalledError, extract_many, load_nlp

    warnings: list[str] = []
    try:
        corpus = read_brat_corpus(directory, warnings)
    except CorpusError as exc:
        _err(f"error: cannot read corpus: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None
    if warnings:
        _err(f"note: {_plural(len(warnings), 'annotation problem')} skipped while reading:")
        for warning in warnings[:10]:
            _err(f"  {warning}")
        if len(warnings) > 10:
            _err(f"  … and {len(warnings) - 10:,} more")

    try:
        load_nlp()  # load outside the timed part: words/s measures extraction only
    except ModelNotInstalledError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None

    texts = [article.text for article, _ in corpus]
    started = time.perf_counter()
    predictions = list(extract_many(texts))
    seconds = time.perf_counter() - started

    gold = {article.id: (article.text, attributions) for article, attributions in corpus}
    predicted = {article.id: pred for (article, _), pred in zip(corpus, predictions, strict=True)}
    report = evaluate(gold, predicted)

    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2))
        return
    words = _word_count(texts)
    table = format_table(report, title=f"{directory} ({method.value})")
    speed = f"{words:,} words in {seconds:.1f} s = {words / max(seconds, 1e-9):,.0f} words/s"
    table.caption = f"{table.caption}\n{speed}"
    Console(highlight=False).print(table)


# --- version ---------------------------------------------------------------------------


@app.command()
def version() -> None:
    """Print the installed saidwhat version."""
    typer.echo(saidwhat.__version__)


if __name__ == "__main__":  # pragma: no cover - `python -m saidwhat.cli`
    app()
