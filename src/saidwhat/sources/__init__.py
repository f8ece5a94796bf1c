"""Input readers: turn the files a journalist has collected into :class:`Article` values.

This package owns everything between a path on disk and an :class:`~saidwhat.model.Article`:
finding the files (folders are searched recursively), choosing a reader by extension,
and deciding, with a message a person can act on, when a file cannot be used. One module
per format keeps each format's rules in one place:

* :mod:`~saidwhat.sources.text` - ``.txt``/``.text``, one article per file, text verbatim;
* :mod:`~saidwhat.sources.html` - ``.html``/``.htm`` saved pages, main text and metadata;
* :mod:`~saidwhat.sources.jsonl` - ``.jsonl``/``.ndjson``, one article per line;
* :mod:`~saidwhat.sources.warc` - ``.warc``/``.warc.gz`` web archives, one article per HTML
  page, streamed (a crawl of gigabytes is never held in memory);
* :mod:`~saidwhat.sources.feeds` - ``.rss``/``.atom`` feeds, and ``.xml`` files that are
  feeds, one article per entry;
* :mod:`~saidwhat.sources._checks` - size, emptiness, binary and UTF-8 checks shared by all.

The article size limit applies to each article: a JSONL, WARC or feed file holds many
and may be much larger than one article. ``.warc.gz`` is the one two-part extension; other
compressed files (``.txt.gz``) are not read.

Two entry points, for two needs. :func:`read_file` is all-or-nothing for one file and
raises :class:`InputError`. :func:`iter_articles` is for batches: a bad file, or a bad
line of a JSONL file, becomes a :class:`ReadFailure` value in the stream and reading goes
on, so that one broken file among hundreds never costs the user the rest of the run. The
same holds inside a WARC or feed file: a bad page or entry is a failure naming its URL or
entry, and a file damaged part-way yields its articles up to the damage and then one
failure.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from saidwhat.model import Article
from saidwhat.sources._checks import MAX_ARTICLE_BYTES, InputError, ReadFailure
from saidwhat.sources.feeds import iter_feed
from saidwhat.sources.html import read_html_article
from saidwhat.sources.jsonl import iter_jsonl
from saidwhat.sources.text import read_text_article
from saidwhat.sources.warc import iter_warc

__all__ = [
    "MAX_ARTICLE_BYTES",
    "SUPPORTED_EXTENSIONS",
    "InputError",
    "ReadFailure",
    "iter_articles",
    "read_file",
]

_Reader = Callable[[Path], Iterator[Article | ReadFailure]]


def _single(read: Callable[[Path], Article]) -> _Reader:
    def reader(path: Path) -> Iterator[Article | ReadFailure]:
        yield read(path)

    return reader


_READERS: dict[str, _Reader] = {
    ".txt": _single(read_text_article),
    ".text": _single(read_text_article),
    ".html": _single(read_html_article),
    ".htm": _single(read_html_article),
    ".jsonl": iter_jsonl,
    ".ndjson": iter_jsonl,
    ".warc": iter_warc,
    ".warc.gz": iter_warc,
    ".rss": iter_feed,
    ".atom": iter_feed,
    # .xml is also sitemaps, configs and exports: the reader says when one is not a feed.
    ".xml": iter_feed,
}

#: File extensions read, lower case; matching ignores case (``.TXT`` is read too).
SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(_READERS)

_EXPECTED = "expected .txt, .html, .jsonl, .warc(.gz), .rss, .atom, .xml"

#: Extensions of two parts, matched on the end of the name (``Path.suffix`` is the last only).
_DOUBLE_EXTENSIONS = tuple(ext for ext in _READERS if ext.count(".") > 1)


def _extension(path: Path) -> str:
    """The file's extension as a key of ``_READERS``: lower case, ``.warc.gz`` whole."""
    name = path.name.lower()
    for double in _DOUBLE_EXTENSIONS:
        if name.endswith(double) and len(name) > len(double):
            return double
    return path.suffix.lower()


def _reader_for(path: Path) -> _Reader:
    """The reader for a file by its extension, or :class:`InputError` naming the problem."""
    suffix = path.suffix
    if not suffix:
        raise InputError(path, f"file has no extension ({_EXPECTED})")
    reader = _READERS.get(_extension(path))
    if reader is None:
        raise InputError(path, f"unsupported file type '{suffix}' ({_EXPECTED})")
    return reader


def _os_problem(exc: OSError) -> str:
    if isinstance(exc, FileNotFoundError):
        return "no such file or directory"
    if isinstance(exc, PermissionError):
        return "permission denied"
    if isinstance(exc, IsADirectoryError):
        return "is a directory"
    return f"could not read the file ({exc.strerror or exc})"


def _check_file(path: Path) -> _Reader:
    """The reader for an explicitly named path, after checking it is a readable file."""
    if not path.exists():
        # exists() is False for a dangling symlink too; the message fits both.
        raise InputError(path, "no such file or directory")
    if path.is_dir():
        raise InputError(path, "is a directory (folders are read by iter_articles)")
    if not path.is_file():
        # A FIFO or device would block or never end; none is an article.
        raise InputError(path, "not a regular file")
    return _reader_for(path)


def read_file(path: str | Path) -> list[Article]:
    """All articles of one file (one for text and HTML, one per line for JSONL, one per page
    of a WARC and per entry of a feed).

    All or nothing: raises :class:`InputError` for any problem, including the first bad
    line of a JSONL file. Use :func:`iter_articles` to keep the good lines of such a file.
    """
    path = Path(path)
    reader = _check_file(path)
    articles: list[Article] = []
    try:
        for item in reader(path):
            if isinstance(item, ReadFailure):
                raise item.to_error()
            articles.append(item)
    except OSError as exc:
        raise InputError(path, _os_problem(exc)) from exc
    return articles


def _walk(folder: Path, seen_dirs: set[Path]) -> Iterator[Path | ReadFailure]:
    """Supported files under ``folder``, sorted by name at each level, depth first.

    Hidden entries (name starting with ".") are skipped: they are editor backups, version
    control and macOS "._name.txt" resource files, never articles. A folder reached twice
    through symbolic links is read once, which also stops symlink loops.
    """
    try:
        real = folder.resolve()
    except OSError as exc:
        yield ReadFailure(str(folder), _os_problem(exc))
        return
    if real in seen_dirs:
        return
    seen_dirs.add(real)
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as exc:
        yield ReadFailure(str(folder), _os_problem(exc))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = folder / entry.name
        try:
            is_dir = entry.is_dir()
            is_file = entry.is_file()
        except OSError:
            continue
        if is_dir:
            yield from _walk(path, seen_dirs)
        elif is_file and _extension(path) in SUPPORTED_EXTENSIONS:
            yield path


def _expand(paths: Iterable[str | Path]) -> Iterator[Path | ReadFailure]:
    """Every file to read, in order; a failure for each named path that is not usable."""
    seen_dirs: set[Path] = set()
    for given in paths:
        path = Path(given)
        if path.is_dir():
            yield from _walk(path, seen_dirs)
            continue
        try:
            _check_file(path)
        except InputError as exc:
            yield exc.to_failure()
            continue
        yield path


def iter_articles(paths: Iterable[str | Path]) -> Iterator[Article | ReadFailure]:
    """Every article in the given files and folders, with a :class:`ReadFailure` per problem.

    Folders are searched recursively for the supported extensions; other files in them are
    skipped silently, but a file named explicitly with another extension is a failure.
    Never raises for bad input: each unreadable file, and each bad line of a JSONL file,
    yields a :class:`ReadFailure` and reading continues. The same file reached twice (named
    and also inside a named folder, or through a link) is read once, so that its quotes
    are not counted twice. A single path given as a string or :class:`Path` is accepted
    (rather than being iterated character by character).
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    seen_files: set[Path] = set()
    for item in _expand(paths):
        if isinstance(item, ReadFailure):
            yield item
            continue
        try:
            key = item.resolve()
        except OSError:
            key = item.absolute()
        if key in seen_files:
            continue
        seen_files.add(key)
        try:
            yield from _READERS[_extension(item)](item)
        except InputError as exc:
            yield exc.to_failure()
        except OSError as exc:
            yield ReadFailure(str(item), _os_problem(exc))
