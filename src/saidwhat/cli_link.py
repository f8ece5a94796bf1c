"""``saidwhat link``, ``statements`` and ``compare``: the same statement across outlets.

Thin commands over :mod:`saidwhat.link` (what counts as the same utterance, and how its
wording drifted) and :mod:`saidwhat.store.linking` (keeping clusters in the store). Same
output rules as every command: tables for people; ``--json`` (and ``--html`` for compare)
for scripts and reports, with nothing else on stdout; errors that name the problem.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from saidwhat.cli import (
    EXIT_CANNOT_RUN,
    EXIT_INPUT_FAILED,
    ReadDb,
    _database_failed,
    _err,
    _one_line,
    _open_existing_store,
    _plural,
    _preview,
    _silence_broken_pipe,
    app,
)

if TYPE_CHECKING:
    from saidwhat.link import ArticleComparison, Drift, Statement  # noqa: F401
    from saidwhat.store import Store
    from saidwhat.store.linking import ReportedStatement

_LINK_HELP = (
    "Link the same statement across the articles of a corpus database.\n\n"
    "Every attribution is compared with the others by the same speaker (or an unknown "
    "one): exact copies, trimmed or partial quotes, quotes with elisions or [insertions], "
    "reworded versions and indirect paraphrases of a quote become one statement cluster. "
    "Each version gets a drift label against the cluster's reference version (the earliest "
    "published): verbatim, punctuation-only, trimmed, elided, reworded, paraphrased or "
    "meaning-changed (with the reason: negation, modal or hedge, number, name).\n\n"
    "Incremental: statements linked before keep their clusters and only new ones are "
    "compared, so run it after each ingest. --rebuild links everything afresh.\n\n"
    "Exit status: 0; 2 when the database cannot be used."
)


@app.command("link", help=_LINK_HELP)
def link_command(
    db: ReadDb = None,
    rebuild: Annotated[
        bool,
        typer.Option("--rebuild", help="Forget the stored clusters and link everything again."),
    ] = False,
    as_json: Annotated[
        bool,
        typer.Option("--json", help="Write the run's summary as one JSON object to stdout."),
    ] = False,
) -> None:
    """Link statements across outlets (user-facing help: ``_LINK_HELP``)."""
    from sqlalchemy.exc import SQLAlchemyError

    from saidwhat.store.linking import link_store

    store = _open_existing_store(db)
    with store:
        try:
            summary = link_store(store, rebuild=rebuild)
        except SQLAlchemyError as exc:
            raise _database_failed(store, exc) from None
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "statements": summary.statements,
                    "new_statements": summary.new_statements,
                    "clusters": summary.clusters,
                    "reported_more_than_once": summary.reported_more_than_once,
                    "across_outlets": summary.across_outlets,
                    "drift_labels": summary.labels,
                    "seconds": round(summary.seconds, 3),
                }
            )
        )
        return
    labels = ", ".join(f"{count} {label}" for label, count in summary.labels.items())
    typer.echo(
        f"{_plural(summary.statements, 'statement')} ({summary.new_statements:,} new) in "
        f"{_plural(summary.clusters, 'cluster')}; "
        f"{summary.reported_more_than_once:,} reported more than once, "
        f"{summary.across_outlets:,} by several outlets; {summary.seconds:.1f} s"
    )
    if labels:
        typer.echo(f"versions against their reference: {labels}")


_STATEMENTS_HELP = (
    "List the most widely reported statements of a corpus database, with every outlet's "
    "version and how its wording differs from the reference version.\n\n"
    "Run 'saidwhat link' first (and after each ingest). Statements are ordered by the "
    "number of outlets that reported them, then the number of versions.\n\n"
    "Exit status: 0; 1 when --speaker names nobody in the corpus; 2 when the database "
    "cannot be used."
)


def _statements_table(statements: list[ReportedStatement]) -> Table:
    table = Table(show_lines=True)
    table.add_column("statement", overflow="fold", ratio=1)
    table.add_column("versions (reference first)", overflow="fold", ratio=4)
    for statement in statements:
        head = Text(statement.speaker or statement.speaker_id or "unknown speaker", style="bold")
        head.append(
            f"\n{_plural(statement.outlets, 'outlet')}, "
            f"{_plural(len(statement.versions), 'version')}",
            style="dim",
        )
        if statement.first_said:
            head.append(f"\nfirst {statement.first_said}", style="dim")
        versions = Text()
        for number, version in enumerate(statement.versions):
            if number:
                versions.append("\n")
            label = "reference" if version.reference else (version.drift_label or "?")
            style = "bold red" if label == "meaning-changed" else "bold"
            versions.append(f"[{label}] ", style=style)
            versions.append(f"{version.outlet or 'no outlet'}, {version.said_on or '?'}: ")
            versions.append(_preview(_one_line(version.content), 240))
            reasons = [r for r in version.drift_reasons if not version.reference]
            if label == "meaning-changed" and reasons:
                versions.append(f"\n    why: {'; '.join(reasons[:3])}", style="red")
        table.add_row(head, versions)
    return table


@app.command("statements", help=_STATEMENTS_HELP)
def statements_command(
    db: ReadDb = None,
    speaker: Annotated[
        str | None,
        typer.Option(
            "--speaker",
            help="Only this speaker's statements: an id, a name or any alias "
            "(see 'saidwhat speakers').",
            show_default=False,
        ),
    ] = None,
    min_outlets: Annotated[
        int,
        typer.Option("--min-outlets", min=1, help="Only statements reported by this many outlets."),
    ] = 2,
    limit: Annotated[
        int,
        typer.Option("--limit", min=0, help="Show at most this many statements (0: all)."),
    ] = 20,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Write JSON lines to stdout: one object per statement with its versions "
            "(outlet, dates, content, drift_label, drift_reasons, reference).",
        ),
    ] = False,
) -> None:
    """List widely reported statements (user-facing help: ``_STATEMENTS_HELP``)."""
    from sqlalchemy.exc import SQLAlchemyError

    from saidwhat.store.linking import reported_statements
    from saidwhat.store.speakers import stored_directory

    store = _open_existing_store(db)
    with store:
        try:
            speaker_id = None
            if speaker:
                found = stored_directory(store).find(speaker)
                if found is None:
                    _err(f"error: no speaker named {speaker!r} in {store.display_url}")
                    raise typer.Exit(EXIT_INPUT_FAILED)
                speaker_id = found.id
            statements = reported_statements(
                store,
                speaker_id=speaker_id,
                min_outlets=min_outlets,
                min_versions=2 if min_outlets > 1 else 1,
                limit=limit or None,
            )
        except SQLAlchemyError as exc:
            raise _database_failed(store, exc) from None
    try:
        if as_json:
            for statement in statements:
                typer.echo(json.dumps(statement.to_json(), ensure_ascii=False))
        elif statements:
            Console(highlight=False).print(_statements_table(statements))
    except BrokenPipeError:
        _silence_broken_pipe()
        raise typer.Exit(0) from None
    hint = "" if statements else " (has 'saidwhat link' been run?)"
    _err(f"{_plural(len(statements), 'statement')}{hint}")


_COMPARE_HELP = (
    "Compare how two articles report the same statements.\n\n"
    "A and B are each an article file (.txt, .html, or a .jsonl or feed holding one "
    "article; FILE#ID picks one article of a multi-article file) or an article key in the "
    "database given by --db. Prints the statements both report, how each worded them "
    "(word-level differences and a drift label: verbatim, punctuation-only, trimmed, "
    "elided, reworded, paraphrased, meaning-changed, with the reason), what each reports "
    "that the other omits, and the same words credited to different speakers.\n\n"
    "--json writes the comparison as one JSON object; --html writes a standalone, "
    "side-by-side page with the differences highlighted (no network needed to view it).\n\n"
    "Exit status: 0; 1 when an article cannot be read or found; 2 when the database or "
    "the language model cannot be used."
)


def _statements_of_files(
    specs: list[str],
) -> tuple[list[list[Statement]], list[str]]:
    """Extract each file's one article, resolving speakers over both articles together."""
    from saidwhat.extraction.pipeline import ModelNotInstalledError, extract_many
    from saidwhat.link import Statement
    from saidwhat.model import Article, span_text
    from saidwhat.resolve.speakers import assign_speaker_ids
    from saidwhat.sources import iter_articles

    chosen: list[Article] = []
    for spec in specs:
        path_text, _, wanted = spec.partition("#") if not Path(spec).exists() else (spec, "", "")
        articles = []
        for item in iter_articles([Path(path_text)]):
            if not isinstance(item, Article):
                _err(f"error: {item}")
                raise typer.Exit(EXIT_INPUT_FAILED)
            if not wanted or item.id == wanted:
                articles.append(item)
        if len(articles) != 1:
            what = f"no article with id {wanted!r}" if wanted else f"{len(articles)} articles"
            _err(
                f"error: {path_text}: {what}; compare takes one article per side "
                "(name one with FILE#ID)"
            )
            raise typer.Exit(EXIT_INPUT_FAILED)
        chosen.extend(articles)
    try:
        found = list(
            extract_many([a.text for a in chosen], published=[a.published for a in chosen])
        )
    except ModelNotInstalledError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None
    assign_speaker_ids([a for attributions in found for a in attributions])
    sides: list[list[Statement]] = []
    for side, (article, attributions) in enumerate(zip(chosen, found, strict=True)):
        sides.append(
            [
                Statement(
                    id=f"{'AB'[side]}{position}",
                    text=span_text(article.text, a.content),
                    article_id=article.id,
                    speaker_id=a.speaker_id,
                    speaker=a.resolved_speaker or a.speaker,
                    outlet=article.outlet,
                    published=article.published,
                    said_on=a.said_on,
                    said_on_basis=a.said_on_basis,
                    said_on_precision=a.said_on_precision,
                    kind=a.kind,
                )
                for position, a in enumerate(attributions)
            ]
        )
    return sides, [a.title or a.id for a in chosen]


def _statements_of_keys(store: Store, keys: list[str]) -> tuple[list[list[Statement]], list[str]]:
    """The stored attributions of two articles, by article key."""
    from sqlalchemy import select

    from saidwhat.link import Statement
    from saidwhat.store.schema import Outlet, StoredArticle, StoredAttribution

    sides: list[list[Statement]] = []
    titles: list[str] = []
    with store.begin_read() as connection:
        for side, key in enumerate(keys):
            article = connection.execute(
                select(StoredArticle.id, StoredArticle.title, StoredArticle.published, Outlet.name)
                .outerjoin(Outlet, Outlet.id == StoredArticle.outlet_id)
                .where(StoredArticle.key == key)
            ).first()
            if article is None:
                _err(f"error: no article {key!r} in {store.display_url} (and no such file)")
                raise typer.Exit(EXIT_INPUT_FAILED)
            attributions = StoredAttribution.__table__
            rows = connection.execute(
                select(attributions)
                .where(attributions.c.article_id == article.id)
                .order_by(attributions.c.position)
            )
            sides.append(
                [
                    Statement(
                        id=f"{'AB'[side]}{row.position}",
                        text=row.content_text,
                        article_id=key,
                        speaker_id=row.speaker_id,
                        speaker=row.speaker,
                        outlet=article.name,
                        published=article.published,
                        said_on=row.said_on,
                        said_on_basis=row.said_on_basis,
                        said_on_precision=row.said_on_precision,
                        kind=row.kind,
                    )
                    for row in rows
                ]
            )
            titles.append(article.title or key)
    return sides, titles


def _diff_text(change: Drift) -> tuple[Text, Text]:
    left, right = Text(), Text()
    for op in change.diff:
        ref, var = " ".join(op.reference_words), " ".join(op.variant_words)
        if op.op == "equal":
            left.append(ref + " ")
            right.append(var + " ")
            continue
        if ref:
            left.append(ref, style="red strike")
            left.append(" ")
        if var:
            right.append(var, style="green underline")
            right.append(" ")
    return left, right


def _comparison_table(comparison: ArticleComparison, titles: list[str]) -> Table:
    table = Table(show_lines=True, title="Statements both report")
    table.add_column(_preview(titles[0], 60), overflow="fold", ratio=2)
    table.add_column(_preview(titles[1], 60), overflow="fold", ratio=2)
    table.add_column("how B differs", overflow="fold", ratio=1)
    for left, right, change in comparison.shared:
        left_text, right_text = _diff_text(change)
        left_text.append(f"\n{left.speaker or '?'}", style="dim")
        right_text.append(f"\n{right.speaker or '?'}", style="dim")
        label = Text(change.label, style="bold red" if change.meaning_changed else "bold")
        for reason in change.reasons[:4]:
            label.append(f"\n{reason}", style="dim")
        table.add_row(left_text, right_text, label)
    return table


def _only_table(statements: list[Statement], title: str) -> Table:
    table = Table(show_lines=False, title=title)
    table.add_column("speaker", overflow="fold", ratio=1)
    table.add_column("what was said", overflow="fold", ratio=4)
    for statement in statements:
        table.add_row(statement.speaker or "?", _preview(_one_line(statement.text), 200))
    return table


@app.command("compare", help=_COMPARE_HELP)
def compare_command(
    first: Annotated[str, typer.Argument(metavar="A", help="Article file or stored key.")],
    second: Annotated[str, typer.Argument(metavar="B", help="Article file or stored key.")],
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            metavar="URL",
            envvar="SAIDWHAT_DB",
            help="Database holding A and B when they are article keys, not files.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Write the comparison as one JSON object.")
    ] = False,
    as_html: Annotated[
        bool,
        typer.Option("--html", help="Write a standalone side-by-side HTML page to stdout."),
    ] = False,
) -> None:
    """Compare two articles' statements (user-facing help: ``_COMPARE_HELP``)."""
    from saidwhat.link import compare_articles, comparison_to_json, render_comparison_html

    if as_json and as_html:
        _err("error: choose one of --json and --html")
        raise typer.Exit(EXIT_CANNOT_RUN)
    specs = [first, second]
    is_file = [Path(s).exists() or Path(s.partition("#")[0]).is_file() for s in specs]
    if all(is_file):
        (left, right), titles = _statements_of_files(specs)
    elif not any(is_file):
        store = _open_existing_store(db)
        with store:
            (left, right), titles = _statements_of_keys(store, specs)
    else:
        missing = specs[is_file.index(False)]
        _err(f"error: {missing}: no such file (give two files, or two article keys with --db)")
        raise typer.Exit(EXIT_INPUT_FAILED)
    comparison = compare_articles(left, right)
    try:
        if as_json:
            record = comparison_to_json(comparison)
            record["articles"] = {"A": titles[0], "B": titles[1]}
            typer.echo(json.dumps(record, ensure_ascii=False))
        elif as_html:
            typer.echo(
                render_comparison_html(comparison, left_title=titles[0], right_title=titles[1])
            )
        else:
            console = Console(highlight=False)
            console.print(_comparison_table(comparison, titles))
            if comparison.left_only:
                console.print(_only_table(comparison.left_only, f"Only in A: {titles[0]}"))
            if comparison.right_only:
                console.print(_only_table(comparison.right_only, f"Only in B: {titles[1]}"))
    except BrokenPipeError:
        _silence_broken_pipe()
        raise typer.Exit(0) from None
    counts = ", ".join(f"{n} {label}" for label, n in comparison.label_counts().items())
    _err(
        f"{_plural(len(comparison.shared), 'shared statement')} ({counts or 'none'}); "
        f"{len(comparison.left_only)} only in A, {len(comparison.right_only)} only in B"
    )
