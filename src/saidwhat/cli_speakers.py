"""``saidwhat speakers`` and ``saidwhat speaker NAME``: who speaks in a corpus, and when.

Thin commands over :mod:`saidwhat.store.speakers`; kept apart from :mod:`saidwhat.cli` so
each command family reads on its own. Same output rules as every command: tables for
people, ``--json`` for scripts (stdout holds nothing else), errors that name the problem.
"""

from __future__ import annotations

import difflib
import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from saidwhat.cli import (
    _ALIASES_HELP,
    EXIT_CANNOT_RUN,
    EXIT_INPUT_FAILED,
    ReadDb,
    _database_failed,
    _err,
    _load_aliases,
    _one_line,
    _plural,
    _preview,
    _silence_broken_pipe,
    app,
)

if TYPE_CHECKING:
    from saidwhat.store.speakers import SpeakerSummary, TimelineEntry


class SpeakerKindChoice(StrEnum):
    """Kinds of speaker; an enum so --help lists the choices."""

    person = "person"
    organisation = "organisation"
    group = "group"
    anonymous = "anonymous"


_SPEAKERS_HELP = (
    "List the speakers of a corpus database: one line per canonical speaker, with the names "
    "they appear under, their roles, how many statements, in which outlets, and the first "
    "and last date a statement was made.\n\n"
    "One speaker gathers every name of one person or organisation across articles ('Gen. "
    "Mark Milley', 'Milley', 'he' resolved in its article); people who share a surname "
    "stay apart. Unnamed sources are grouped by description ('US official') and marked "
    "anonymous: compare outlets on how much they rely on them.\n\n"
    "Correct the result with --aliases FILE. YAML:\n\n"
    "  merge: [[Bill Clinton, William Jefferson Clinton]]   # first name is shown\n\n"
    "  split: [Clinton]   # never attach this form to anyone\n\n"
    "  rename: {mark-milley: Gen. Mark A. Milley}   # the id stays\n\n"
    "or CSV with the header action,name,target (merge,William Jefferson Clinton,Bill "
    "Clinton). The rules are saved in the database, so search, export and every later "
    "ingest apply them.\n\n"
    "Exit status: 0; 2 when the database or the alias file cannot be used."
)


def _speakers_table(speakers: list[SpeakerSummary]) -> Table:
    table = Table(show_lines=False)
    table.add_column("speaker", overflow="fold", ratio=3)
    table.add_column("also written", overflow="fold", ratio=3)
    table.add_column("roles", overflow="fold", ratio=3)
    table.add_column("said", justify="right", no_wrap=True)
    table.add_column("outlets", overflow="fold", ratio=2)
    table.add_column("first – last", overflow="fold", ratio=2)
    for speaker in speakers:
        name = Text(speaker.name, style="italic" if speaker.anonymous else "bold")
        name.append(f"\n{speaker.id}", style="dim")
        if speaker.kind != "person":
            name.append(f" · {speaker.kind}", style="dim")
        others = [a for a in speaker.aliases if a != speaker.name][:4]
        outlets = ", ".join(f"{o} {speaker.by_outlet[o]}" for o in speaker.outlets[:4])
        table.add_row(
            name,
            ", ".join(_preview(a, 40) for a in others),
            "; ".join(_preview(r, 50) for r in speaker.roles),
            str(speaker.statements),
            outlets + (" …" if len(speaker.outlets) > 4 else ""),
            f"{speaker.first_said or '?'}\n{speaker.last_said or '?'}",
        )
    return table


@app.command("speakers", help=_SPEAKERS_HELP)
def speakers_command(
    db: ReadDb = None,
    aliases: Annotated[
        Path | None,
        typer.Option(
            "--aliases",
            metavar="FILE",
            help=_ALIASES_HELP + " Saved in the database, then every speaker is re-resolved.",
            show_default=False,
        ),
    ] = None,
    kind: Annotated[
        SpeakerKindChoice | None,
        typer.Option("--kind", help="Only speakers of this kind.", show_default=False),
    ] = None,
    min_statements: Annotated[
        int,
        typer.Option("--min-statements", min=1, help="Only speakers with this many statements."),
    ] = 1,
    limit: Annotated[
        int,
        typer.Option("--limit", min=0, help="Show at most this many speakers (0: all)."),
    ] = 50,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Write JSON lines to stdout: one object per speaker (id, name, kind, "
            "anonymous, aliases, roles, statements, outlets, statements_by_outlet, "
            "first_said, last_said).",
        ),
    ] = False,
) -> None:
    """List canonical speakers (user-facing help: ``_SPEAKERS_HELP``)."""
    from sqlalchemy.exc import SQLAlchemyError

    from saidwhat.cli import _open_existing_store
    from saidwhat.store.speakers import add_rules, list_speakers, refresh_speakers

    rules = _load_aliases(aliases)
    store = _open_existing_store(db)
    with store:
        try:
            if rules is not None:
                added = add_rules(store, rules, source=str(aliases))
                directory = refresh_speakers(store)
                _err(f"{aliases}: {_plural(added, 'new rule')} saved; speakers re-resolved")
                for unmatched in directory.unmatched_rules:
                    _err(f"warning: {aliases}: {unmatched} matches no speaker in the corpus")
            speakers = list_speakers(
                store,
                kind=kind.value if kind else None,
                min_statements=min_statements,
                limit=limit or None,
            )
        except SQLAlchemyError as exc:
            raise _database_failed(store, exc) from None
    try:
        if as_json:
            for speaker in speakers:
                typer.echo(json.dumps(speaker.to_json(), ensure_ascii=False))
        elif speakers:
            Console(highlight=False).print(_speakers_table(speakers))
    except BrokenPipeError:
        _silence_broken_pipe()
        raise typer.Exit(0) from None
    more = " (there may be more: raise --limit)" if limit and len(speakers) == limit else ""
    _err(f"{_plural(len(speakers), 'speaker')}{more}")


_SPEAKER_HELP = (
    "Show one speaker's statements across every outlet, in the order they were made.\n\n"
    "NAME is a speaker id from 'saidwhat speakers' (mark-milley), a canonical name (Mark "
    "Milley) or any name the speaker appears under (General Milley). Each statement shows "
    "when it was said (with its precision: day, week, month or year, and '~' when only the "
    "publication date was known), the outlet, the words that named the speaker there, and "
    "what was said.\n\n"
    "Exit status: 0; 1 when no speaker has that name (close names are suggested); 2 when "
    "the database cannot be read or a date is invalid."
)


def _timeline_table(entries: list[TimelineEntry]) -> Table:
    table = Table(show_lines=True)
    table.add_column("said on", no_wrap=True)
    table.add_column("outlet", overflow="fold", ratio=1)
    table.add_column("as written", overflow="fold", ratio=1)
    table.add_column("what was said", overflow="fold", ratio=4)
    for entry in entries:
        when = entry.said_on or entry.published or "no date"
        shown = Text(("~" if entry.said_on_basis == "publication" else "") + when)
        if entry.said_on_precision and entry.said_on_precision != "day":
            shown.append(f"\n{entry.said_on_precision}", style="dim")
        written = Text(_preview(entry.speaker_as_written or "", 40))
        if entry.role:
            written.append(f"\n{_preview(entry.role, 40)}", style="dim")
        if entry.via:
            written.append(f"\nvia {_preview(entry.via, 40)}", style="dim italic")
        content = Text(_preview(_one_line(entry.content), 300))
        content.append(f"\n{entry.article_key} · {entry.kind}", style="dim")
        table.add_row(shown, entry.outlet or "no outlet", written, content)
    return table


@app.command("speaker", help=_SPEAKER_HELP)
def speaker_command(
    name: Annotated[str, typer.Argument(help="Speaker id, name or alias.", show_default=False)],
    db: ReadDb = None,
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            metavar="DATE",
            help="Only statements made on or after this ISO date, month or year.",
            show_default=False,
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            metavar="DATE",
            help="Only statements made on or before this ISO date, month or year.",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Write one JSON object to stdout: the speaker (id, name, kind, aliases) and "
            "its statements, oldest first.",
        ),
    ] = False,
) -> None:
    """One speaker's timeline (user-facing help: ``_SPEAKER_HELP``)."""
    from sqlalchemy.exc import SQLAlchemyError

    from saidwhat.cli import _open_existing_store
    from saidwhat.store.search import SearchError, validate_date
    from saidwhat.store.speakers import speaker_timeline, stored_directory

    try:
        since = validate_date(since, "since") if since else None
        until = validate_date(until, "until") if until else None
    except SearchError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None
    store = _open_existing_store(db)
    with store:
        try:
            directory = stored_directory(store)
            speaker = directory.find(name)
            entries = (
                speaker_timeline(store, speaker.id, since=since, until=until)
                if speaker is not None
                else []
            )
        except SQLAlchemyError as exc:
            raise _database_failed(store, exc) from None
    if speaker is None:
        names = {s.name: s.id for s in directory.speakers.values()}
        close = difflib.get_close_matches(name, list(names) + list(names.values()), n=5)
        hint = f"; did you mean: {', '.join(close)}?" if close else ""
        _err(f"error: no speaker named {name!r} in {store.display_url}{hint}")
        raise typer.Exit(EXIT_INPUT_FAILED)
    try:
        if as_json:
            record = {
                "id": speaker.id,
                "name": speaker.name,
                "kind": speaker.kind,
                "aliases": [a for a, _ in speaker.aliases.most_common()],
                "statements": [entry.to_json() for entry in entries],
            }
            typer.echo(json.dumps(record, ensure_ascii=False))
        else:
            console = Console(highlight=False)
            heading = Text(speaker.name, style="bold")
            heading.append(f"  {speaker.id} · {speaker.kind}", style="dim")
            others = [a for a, _ in speaker.aliases.most_common() if a != speaker.name]
            if others:
                heading.append(f"\nalso: {', '.join(_preview(a, 40) for a in others[:8])}")
            console.print(heading)
            if entries:
                console.print(_timeline_table(entries))
    except BrokenPipeError:
        _silence_broken_pipe()
        raise typer.Exit(0) from None
    outlets = {entry.outlet for entry in entries}
    _err(
        f"{_plural(len(entries), 'statement')} by {speaker.name} in "
        f"{_plural(len(outlets), 'outlet')}"
    )


_OUTLETS_HELP = (
    "Compare the outlets of a corpus database on how they source statements: articles, "
    "statements, how many come from unnamed sources ('a US official', 'critics') and "
    "which kinds, outlets leaning most on unnamed sources first.\n\n"
    "Exit status: 0; 2 when the database cannot be read."
)


@app.command("outlets", help=_OUTLETS_HELP)
def outlets_command(
    db: ReadDb = None,
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Write JSON lines to stdout: one object per outlet (outlet, articles, "
            "statements, anonymous, anonymous_share, unnamed_sources).",
        ),
    ] = False,
) -> None:
    """Outlets and their unnamed sources (user-facing help: ``_OUTLETS_HELP``)."""
    from sqlalchemy.exc import SQLAlchemyError

    from saidwhat.cli import _open_existing_store
    from saidwhat.store.speakers import outlet_sourcing

    store = _open_existing_store(db)
    with store:
        try:
            outlets = outlet_sourcing(store)
        except SQLAlchemyError as exc:
            raise _database_failed(store, exc) from None
    try:
        if as_json:
            for outlet in outlets:
                typer.echo(json.dumps(outlet.to_json(), ensure_ascii=False))
        elif outlets:
            table = Table()
            table.add_column("outlet", overflow="fold", ratio=2)
            table.add_column("articles", justify="right", no_wrap=True)
            table.add_column("statements", justify="right", no_wrap=True)
            table.add_column("unnamed", justify="right", no_wrap=True)
            table.add_column("unnamed sources", overflow="fold", ratio=4)
            for outlet in outlets:
                kinds = ", ".join(f"{name} {n}" for name, n in list(outlet.unnamed.items())[:5])
                table.add_row(
                    outlet.outlet,
                    f"{outlet.articles:,}",
                    f"{outlet.statements:,}",
                    f"{outlet.anonymous_share:.0%}",
                    kinds,
                )
            Console(highlight=False).print(table)
    except BrokenPipeError:
        _silence_broken_pipe()
        raise typer.Exit(0) from None
    _err(_plural(len(outlets), "outlet"))
