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

import json
import os
import sys
import time
from collections.abc import Iterator, Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

import saidwhat
from saidwhat.batching import Deduplicator, batches, extract_batch
from saidwhat.model import Article, Attribution, span_text

if TYPE_CHECKING:
    from rich.progress import ProgressColumn, Task

    from saidwhat.resolve import AliasRules
    from saidwhat.store import Store
    from saidwhat.store.ingest import IngestSummary
    from saidwhat.store.search import SearchHit

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


def _silence_broken_pipe() -> None:
    """After ``| head`` closes stdout, stop writing quietly instead of printing a traceback."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


_ALIASES_HELP = (
    "Alias file correcting speaker resolution (YAML or CSV: merge, split, rename; see "
    "'saidwhat speakers --help')."
)


def _load_aliases(path: Path | None) -> AliasRules | None:
    """The rules in ``path``; exit 2 naming the file and the problem if it cannot be used."""
    if path is None:
        return None
    from saidwhat.resolve import AliasFileError, load_alias_file

    try:
        return load_alias_file(path)
    except AliasFileError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None


_EXTRACT_HELP = (
    "Find who said what in news articles.\n\n"
    "Exit status: 0 when every input was read; 1 when some file or line could not be (the "
    "rest is still processed and the problems are listed on stderr) or nothing was found; "
    "2 when the language model is missing.\n\n"
    "An article seen twice with the same id and text is analysed once; a repeated id with "
    "different text is kept as <id>@<file name>."
)


#: ``--min-confidence``, shared by extract, search and export.
MinConfidence = Annotated[
    float,
    typer.Option(
        "--min-confidence",
        min=0.0,
        max=1.0,
        metavar="P",
        help="Keep only attributions the extractor gave at least this confidence (0 to 1): "
        "higher keeps fewer, more often right (the README gives the precision measured at "
        "each level on PolNeAR dev).",
    ),
]


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
    aliases: Annotated[
        Path | None,
        typer.Option("--aliases", metavar="FILE", help=_ALIASES_HELP, show_default=False),
    ] = None,
    min_confidence: MinConfidence = 0.0,
) -> None:
    """Find who said what in news articles (user-facing help: ``_EXTRACT_HELP``)."""
    from saidwhat.extraction.pipeline import ModelNotInstalledError, load_nlp
    from saidwhat.resolve.speakers import assign_speaker_ids
    from saidwhat.sources import iter_articles

    rules = _load_aliases(aliases)

    try:
        load_nlp()  # fail before reading anything, not after the first batch
    except ModelNotInstalledError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None

    failures: list[str] = []
    failed_paths: set[str] = set()
    dedup = Deduplicator()
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
        for batch in batches(articles()):
            for article, result in extract_batch(batch):
                if isinstance(result, Exception):
                    problem = f"{article.id}: extraction failed ({type(result).__name__}: {result})"
                    failures.append(problem)
                    failed_paths.add(article.source_path or article.id)
                    _err(f"error: {problem}")
                    continue
                if rules:
                    assign_speaker_ids(result, rules)
                if min_confidence > 0.0:
                    result = [a for a in result if a.confidence >= min_confidence]
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
    """Extraction methods that can be scored; an enum so --help lists the choices.

    ``model``: the rules with the trained cue model judging candidates (the default);
    ``rules``: the cue lexicon alone, the faster fallback.
    """

    model = "model"
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
        typer.Option(
            "--method",
            help="Extraction method to score: model (rules + trained cue model) or rules.",
        ),
    ] = Method.model,
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
    predictions = list(extract_many(texts, method=method.value))
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


# --- ingest ----------------------------------------------------------------------------

_INGEST_HELP = (
    "Store articles and the attributions found in them in a corpus database.\n\n"
    "Reads the same inputs as extract, finds attributions, and stores articles, attributions "
    "(all spans and fields), outlets and provenance (source file, time, extractor version). "
    "Safe to run again: an article already stored (same text, ignoring case and spacing, or "
    "same URL) is skipped, so an interrupted ingest is finished by running it again. Wire "
    "copy republished by another outlet is stored and linked to the first copy "
    "(near_duplicate_of), so it is not counted twice.\n\n"
    "Exit status: 0 when every input was stored or already there; 1 when some file, line or "
    "article could not be (the rest is still stored; the reasons are listed on stderr and "
    "kept in the ingest_failures table) or nothing was found; 2 when the database or the "
    "language model cannot be used."
)


def _ingest_progress_columns() -> list[ProgressColumn]:
    """Progress columns: what has happened so far and the rate, for a run of unknown size."""
    from rich.progress import ProgressColumn, SpinnerColumn, TextColumn, TimeElapsedColumn

    class ArticlesPerSecond(ProgressColumn):
        """Mean rate since the start: steadier than Rich's smoothed speed on uneven batches."""

        def render(self, task: Task) -> Text:
            elapsed = task.elapsed or 0.0
            rate = task.completed / elapsed if elapsed > 0 else 0.0
            return Text(f"{rate:,.1f} articles/s", style="progress.data.speed")

    return [
        SpinnerColumn(),
        TextColumn("{task.description}"),
        ArticlesPerSecond(),
        TimeElapsedColumn(),
    ]


def _ingest_summary_table(summary: IngestSummary, where: str) -> Table:
    """The end-of-run counts for people."""
    table = Table(title=Text(f"ingested into {where}", style="bold"), title_justify="left")
    table.add_column("", no_wrap=True)
    table.add_column("count", justify="right", no_wrap=True)
    table.add_row("articles stored", f"{summary.ingested:,}")
    table.add_row("  linked as near-duplicates", f"{summary.near_duplicates:,}")
    table.add_row("attributions stored", f"{summary.attributions:,}")
    table.add_row("skipped as duplicates", f"{summary.duplicates:,}")
    table.add_row("failed", f"{summary.failed:,}", style="red" if summary.failed else "")
    return table


def _ingest_speed(summary: IngestSummary) -> str:
    """One line of throughput: articles dealt with (stored, skipped or failed) and words stored."""
    seconds = max(summary.seconds, 1e-9)
    return (
        f"{summary.seconds:.1f} s: {summary.processed / seconds:,.1f} articles/s, "
        f"{summary.words / seconds:,.0f} words/s stored"
    )


@app.command("ingest", help=_INGEST_HELP)
def ingest_command(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Files (.txt, .html, .jsonl, WARC, feeds) or folders to read; folders are "
            "searched recursively.",
            show_default=False,
        ),
    ],
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            envvar="SAIDWHAT_DB",
            help="Database to store into: a SQLite file path or sqlite:///FILE, or "
            "postgresql://USER:PASSWORD@HOST/DBNAME; created and upgraded as needed. "
            "Default: saidwhat.db in the current folder.",
            show_default=False,
        ),
    ] = None,
    aliases: Annotated[
        Path | None,
        typer.Option(
            "--aliases",
            metavar="FILE",
            help=_ALIASES_HELP + " Saved in the database: every later command applies it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Store articles and their attributions (user-facing help: ``_INGEST_HELP``)."""
    from rich.progress import Progress
    from sqlalchemy.exc import SQLAlchemyError

    from saidwhat.extraction.pipeline import ModelNotInstalledError, load_nlp
    from saidwhat.sources import ReadFailure
    from saidwhat.store import SchemaTooNewError, StoreError, open_store
    from saidwhat.store.ingest import ingest

    rules = _load_aliases(aliases)
    try:
        load_nlp()  # fail before touching the database, not after the first batch
    except ModelNotInstalledError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None
    try:
        store = open_store(db)
    except (StoreError, SchemaTooNewError) as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None
    if rules:
        from saidwhat.store.speakers import add_rules

        add_rules(store, rules, source=str(aliases))

    stderr = Console(stderr=True, highlight=False, soft_wrap=True)
    with store, Progress(*_ingest_progress_columns(), console=stderr, transient=True) as bar:
        task = bar.add_task("reading…", total=None)

        def show(progress: IngestSummary, failure: ReadFailure | None) -> None:
            if failure is not None:
                bar.console.print(f"error: {failure}", markup=False)
            bar.update(
                task,
                completed=progress.processed,
                description=f"{progress.ingested:,} stored · {progress.duplicates:,} "
                f"duplicates · {progress.failed:,} failed",
            )

        try:
            summary = ingest(store, paths, progress=show)
        except KeyboardInterrupt:
            bar.stop()
            _err(
                "interrupted: every article stored so far is complete; run the same command "
                "again to finish"
            )
            raise typer.Exit(130) from None
        except SQLAlchemyError as exc:
            bar.stop()
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
            _err(f"error: database {store.display_url}: {reason}")
            raise typer.Exit(EXIT_CANNOT_RUN) from None
        where = store.display_url

    stdout = Console(highlight=False)
    stdout.print(_ingest_summary_table(summary, where))
    stdout.print(_ingest_speed(summary), soft_wrap=True)
    if summary.failures:
        failed_paths = {failure.path for failure in summary.failures}
        problems = _plural(summary.failed, "problem")
        _err(f"{problems} in {_plural(len(failed_paths), 'file')}:")
        for failure in summary.failures:
            _err(f"  {failure}")
        raise typer.Exit(EXIT_INPUT_FAILED)
    if summary.processed == 0:
        _err("error: no articles found (expected .txt, .html, .jsonl, WARC or feed files)")
        raise typer.Exit(EXIT_INPUT_FAILED)


# --- search ----------------------------------------------------------------------------

_DB_HELP_READ = (
    "Database to read: a SQLite file path or sqlite:///FILE, or "
    "postgresql://USER:PASSWORD@HOST/DBNAME. Default: $SAIDWHAT_DB, else saidwhat.db in the "
    "current folder. It must exist: search and export never create one."
)

_SEARCH_HELP = (
    "Search what was said (or, with --articles, the articles) in a corpus database.\n\n"
    'Query syntax: words are all required (Milley negotiate); "a phrase" in double quotes; '
    "a prefix ends in * (negotiat* finds negotiate, negotiations); OR between alternatives; "
    "NOT word or -word excludes. Case and accents are ignored. Words match the content of "
    "an attribution and its speaker's name.\n\n"
    "Results are ranked by relevance, then newest first. The table highlights each match; "
    "--json writes JSON lines instead: one object per result with the snippet (matches "
    "between « and ») and the highlights' [start, end) offsets into it.\n\n"
    "Exit status: 0 (also when nothing matches: the count is on stderr); 2 when the query "
    "or a filter is invalid or the database cannot be read."
)


#: The --db option of every command that reads an existing store.
ReadDb = Annotated[
    str | None,
    typer.Option("--db", metavar="URL", envvar="SAIDWHAT_DB", help=_DB_HELP_READ),
]


class Kind(StrEnum):
    """Attribution kinds; an enum so --help lists the choices."""

    direct = "direct"
    indirect = "indirect"
    mixed = "mixed"


class Precision(StrEnum):
    """Statement-date precisions; an enum so --help lists the choices."""

    day = "day"
    week = "week"
    month = "month"
    year = "year"


def _open_existing_store(db: str | None) -> Store:
    """The store at ``db``, which must exist; exit 2 with the reason otherwise."""
    from sqlalchemy.exc import SQLAlchemyError

    from saidwhat.store import SchemaTooNewError, StoreError, open_store
    from saidwhat.store.speakers import ensure_speakers

    try:
        store = open_store(db, create=False)
    except (StoreError, SchemaTooNewError) as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None
    try:
        ensure_speakers(store)  # a store upgraded from before canonical speakers
    except SQLAlchemyError as exc:
        raise _database_failed(store, exc) from None
    return store


def _database_failed(store: Store, exc: Exception) -> typer.Exit:
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
    _err(f"error: database {store.display_url}: {reason}")
    return typer.Exit(EXIT_CANNOT_RUN)


def _highlighted(snippet: str, highlights: Sequence[tuple[int, int]], markers: bool) -> Text:
    """The snippet with its matches styled; the « » markers kept only where styles are lost
    (output to a file or pipe, NO_COLOR), so a match is still visible there."""
    from saidwhat.store.search import MARK_END, MARK_START

    text = Text()
    cursor = 0
    for start, end in highlights:
        before = snippet[cursor:start]
        if not markers:
            before = before.removesuffix(MARK_START)
        text.append(before)
        text.append(snippet[start:end], style="bold black on yellow")
        cursor = end if markers else end + len(MARK_END)
    text.append(snippet[cursor:])
    return text


def _search_table(
    hits: Sequence[SearchHit], articles: bool, markers: bool, width: int = 80
) -> Table:
    """Search results for people: when and where, who, and the match in context."""
    table = Table(show_lines=True)
    table.add_column("#", justify="right", no_wrap=True, width=3)
    table.add_column("date, outlet", width=12, overflow="fold")
    if not articles:
        table.add_column("speaker", width=min(max((width - 40) // 4, 12), 24), overflow="fold")
    table.add_column("article" if articles else "what was said", overflow="fold")
    for number, hit in enumerate(hits, start=1):
        when = Text(hit.date or "no date", style="" if hit.date else "dim")
        when.append(f"\n{hit.outlet or 'no outlet'}", style="dim")
        snippet = _highlighted(hit.snippet, hit.highlights, markers)
        source = hit.article_key
        if articles and hit.title:
            source += f" · {_preview(hit.title, 80)}"
        snippet.append(f"\n{source}", style="dim")
        row: list[str | Text] = [str(number), when]
        if not articles:
            speaker = Text(hit.speaker or "unknown", style="" if hit.speaker else "dim")
            if hit.speaker_as_written and hit.speaker_as_written != hit.speaker:
                speaker.append(f"\n{_preview(hit.speaker_as_written, 40)}", style="dim")
            speaker.append(f"\n{hit.kind}", style="dim italic")
            row.append(speaker)
        row.append(snippet)
        table.add_row(*row)
    return table


@app.command("search", help=_SEARCH_HELP)
def search_command(
    query: Annotated[
        str,
        typer.Argument(
            help='What to find: words, "a phrase", prefix*, OR, NOT (see above).',
            show_default=False,
        ),
    ],
    db: ReadDb = None,
    speaker: Annotated[
        str | None,
        typer.Option(
            "--speaker",
            help="Only statements by this speaker: a canonical speaker's id or name "
            '("mark-milley", "Mark Milley": every statement resolved to them, under any '
            "name), else statements whose speaker's name contains this, ignoring case "
            '("Milley"). With --articles: articles quoting such a speaker.',
            show_default=False,
        ),
    ] = None,
    anonymous: Annotated[
        bool | None,
        typer.Option(
            "--anonymous/--named",
            help="Only unnamed sources (a US official, critics), or only named ones.",
            show_default=False,
        ),
    ] = None,
    role: Annotated[
        str | None,
        typer.Option(
            "--role",
            help='Only speakers whose role in the article contains this ("Secretary").',
            show_default=False,
        ),
    ] = None,
    via: Annotated[
        str | None,
        typer.Option(
            "--via",
            help="Only statements reported through an intermediary whose name contains this "
            '("New York Times reported that Milley said ...").',
            show_default=False,
        ),
    ] = None,
    outlet: Annotated[
        str | None,
        typer.Option(
            "--outlet",
            help="Only articles from outlets whose name contains this, ignoring case.",
            show_default=False,
        ),
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="Only statements made on or after this ISO date or month or year "
            "(2022-11-16, 2022-11, 2022): when it was said, else the article's date. A "
            "statement dated only to a month counts as the whole month.",
            show_default=False,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="DATE",
            help="Only statements made on or before this ISO date or month or year (same "
            "rules as --since; --until 2022-11 includes 30 November).",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        Kind | None,
        typer.Option(
            "--kind",
            help="Only direct quotes, indirect (reported) speech, or mixed quotes.",
            show_default=False,
        ),
    ] = None,
    precision: Annotated[
        Precision | None,
        typer.Option(
            "--precision",
            help="Only statements whose date is known at least this precisely (day: the "
            "day it was said is known; week: 'this week', 'last week'; month; year).",
            show_default=False,
        ),
    ] = None,
    min_confidence: MinConfidence = 0.0,
    limit: Annotated[
        int,
        typer.Option("--limit", min=1, max=1000, help="Show at most this many results."),
    ] = 20,
    articles: Annotated[
        bool,
        typer.Option(
            "--articles",
            help="Search article titles and texts instead of attributions; --since and "
            "--until then compare the publication date.",
        ),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Write JSON lines to stdout: one object per result, nothing else there.",
        ),
    ] = False,
) -> None:
    """Search the corpus store (user-facing help: ``_SEARCH_HELP``)."""
    from sqlalchemy.exc import SQLAlchemyError

    from saidwhat.store.search import SearchError, search

    store = _open_existing_store(db)
    with store:
        try:
            hits = search(
                store,
                query,
                speaker=speaker,
                outlet=outlet,
                since=since,
                until=until,
                kind=kind.value if kind else None,
                anonymous=anonymous,
                role=role,
                via=via,
                precision=precision.value if precision else None,
                min_confidence=min_confidence or None,
                limit=limit,
                scope="articles" if articles else "attributions",
            )
        except SearchError as exc:
            _err(f"error: {exc}")
            raise typer.Exit(EXIT_CANNOT_RUN) from None
        except SQLAlchemyError as exc:
            raise _database_failed(store, exc) from None

    noun = "article" if articles else "attribution"
    more = " (there may be more: raise --limit)" if len(hits) == limit else ""
    try:
        if as_json:
            for hit in hits:
                typer.echo(json.dumps(hit.to_json(), ensure_ascii=False))
        elif hits:
            console = Console(highlight=False)
            markers = console.color_system is None
            console.print(_search_table(hits, articles, markers, console.width))
    except BrokenPipeError:
        _silence_broken_pipe()
        raise typer.Exit(0) from None
    _err(f"{_plural(len(hits), noun)} matching {query!r}{more}")


# --- export ----------------------------------------------------------------------------


class ExportFormat(StrEnum):
    """Export formats; an enum so --help lists the choices."""

    csv = "csv"
    jsonl = "jsonl"
    parquet = "parquet"


_EXPORT_HELP = (
    "Export every attribution in a corpus database, one row each, with all its fields.\n\n"
    "Columns: the article's key, url, title, outlet, published date and author; the "
    "attribution's position, kind, speaker (resolved and as written), role, anonymous, "
    "via, said_on (with precision and basis), confidence, speaker_id and speaker_name (the "
    "canonical speaker), cluster_id and drift_label (after 'saidwhat link'), "
    "source/cue/content words and "
    "their spans ([start, end) character offsets into the article text; JSON strings in "
    "CSV, lists in JSONL and Parquet); near_duplicate_of, and provenance (source_path, "
    "ingested_at, extractor_version).\n\n"
    "CSV and JSON lines go to stdout unless --out is given; Parquet needs --out. A file "
    "given with --out appears only once complete. Exit status: 0 on success; 2 when the "
    "database cannot be read or the file cannot be written."
)


@app.command("export", help=_EXPORT_HELP)
def export_command(
    export_format: Annotated[
        ExportFormat,
        typer.Option(
            "--format",
            help="csv (UTF-8, header row), jsonl (one JSON object per line) or parquet.",
            show_default=False,
        ),
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            metavar="FILE",
            help="Write to this file (replaced if it exists) instead of stdout; required "
            "for parquet.",
            show_default=False,
        ),
    ] = None,
    db: ReadDb = None,
    min_confidence: MinConfidence = 0.0,
) -> None:
    """Export attributions (user-facing help: ``_EXPORT_HELP``)."""
    import io

    from sqlalchemy.exc import SQLAlchemyError

    from saidwhat.store.export import write_csv, write_jsonl, write_parquet

    write_text = write_csv if export_format is ExportFormat.csv else write_jsonl
    if export_format is ExportFormat.parquet and out is None:
        _err("error: parquet is a binary format: give a file with --out FILE.parquet")
        raise typer.Exit(EXIT_CANNOT_RUN)
    if out is not None and not out.parent.is_dir():
        _err(f"error: cannot write {out}: no folder {out.parent}")
        raise typer.Exit(EXIT_CANNOT_RUN)

    store = _open_existing_store(db)
    partial = out.with_name(f".{out.name}.partial") if out is not None else None
    with store:
        try:
            if partial is not None and export_format is ExportFormat.parquet:
                count = write_parquet(store, partial, min_confidence=min_confidence)
            elif partial is not None:
                with open(partial, "w", encoding="utf-8", newline="") as handle:
                    count = write_text(store, handle, min_confidence)
            else:
                stdout = io.TextIOWrapper(
                    typer.get_binary_stream("stdout"), encoding="utf-8", newline=""
                )
                try:
                    count = write_text(store, stdout, min_confidence)
                    stdout.flush()
                finally:
                    stdout.detach()  # leave the process's stdout open
            if partial is not None and out is not None:
                partial.replace(out)
        except BrokenPipeError:
            _silence_broken_pipe()
            raise typer.Exit(0) from None
        except SQLAlchemyError as exc:
            raise _database_failed(store, exc) from None
        except OSError as exc:
            _err(f"error: cannot write {out or 'to stdout'}: {exc.strerror or exc}")
            raise typer.Exit(EXIT_CANNOT_RUN) from None
        finally:
            if partial is not None:
                partial.unlink(missing_ok=True)
    where = f" to {out}" if out is not None else ""
    _err(f"exported {_plural(count, 'attribution')} as {export_format.value}{where}")


# --- version ---------------------------------------------------------------------------


@app.command()
def version() -> None:
    """Print the installed saidwhat version."""
    typer.echo(saidwhat.__version__)


if __name__ == "__main__":  # pragma: no cover - `python -m saidwhat.cli`
    app()


# Commands that live in their own modules register themselves on ``app``.
from saidwhat import cli_link, cli_speakers, cli_train  # noqa: E402, F401
