"""JSON Lines collections (``.jsonl``, ``.ndjson``): one article per line.

This is the format for real corpora: many articles in one file, each with the metadata
(outlet, publication date, title, author) that comparing outlets over time depends on.
Such files are produced by scrapers and scripts, so a few bad lines among thousands are
normal; this module therefore reports each bad line on its own, with its line number,
and goes on reading the rest. Nothing else in a file is lost because of one line.

Each line is an object with a required ``id`` (string, or integer turned into a string)
and ``text`` (string), and optional ``outlet``, ``published``, ``title`` and ``author``
(string or null), and ``published_precision`` (``"day"``, ``"month"`` or ``"year"``): a
monthly issue filed as ``"2022-12-01"`` with precision ``"month"`` becomes ``"2022-12"``,
the form the rest of the package reads a month from, so that no statement is reported as
said on a day the source never claimed. Other keys are ignored. The article text is the
JSON string's value unchanged, so offsets index exactly that string. Blank lines are
skipped. An id used twice in one file is reported on the later line (the first article is
kept), because results are keyed by id.

The file is streamed and never held in memory: the size limit applies to each line, not
to the file. Lines are split on ``"\\n"`` in binary and decoded one by one, so that a line
that is not UTF-8 fails alone instead of ending the read of the whole file (a text-mode
reader would stop at the first bad byte). A UTF-8 BOM before the first line is ignored.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from saidwhat.model import Article
from saidwhat.sources._checks import (
    BINARY_SNIFF_BYTES,
    MAX_ARTICLE_BYTES,
    InputError,
    ReadFailure,
    decode_utf8,
    sniff_problem,
    too_large_problem,
)

#: Optional string fields copied onto the :class:`~saidwhat.model.Article`.
OPTIONAL_FIELDS = ("outlet", "published", "title", "author")
#: ``published_precision`` values, with how many characters of an ISO date each keeps.
PRECISION_LENGTHS = {"day": 10, "month": 7, "year": 4}
#: An ISO date at its start ("2022", "2022-12", "2022-12-01T10:00"), not "20221201".
_ISO_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?(?!\d)")

_JSON_TYPES: dict[type, str] = {
    dict: "an object",
    list: "an array",
    str: "a string",
    int: "a number",
    float: "a number",
    bool: "a boolean",
    type(None): "null",
}


def _json_type(value: Any) -> str:
    return _JSON_TYPES.get(type(value), type(value).__name__)


def _lines(handle: IO[bytes]) -> Iterator[tuple[bytes | None, int, int]]:
    """Yield ``(line, consumed, payload)`` per line.

    ``consumed`` counts the line's bytes in the file, newline included; ``payload`` those
    without the newline. ``line`` is None when the payload is over the limit: at most
    ``MAX_ARTICLE_BYTES + 1`` bytes of a line are ever held, the rest of an oversized line
    is read in small chunks only to find where the next line starts.
    """
    while True:
        chunk = handle.readline(MAX_ARTICLE_BYTES + 1)
        if not chunk:
            return
        ends_line = chunk.endswith(b"\n")
        if len(chunk) - ends_line <= MAX_ARTICLE_BYTES:
            yield chunk, len(chunk), len(chunk) - ends_line
            continue
        consumed = len(chunk)
        while not ends_line:
            chunk = handle.readline(1 << 20)
            if not chunk:
                break
            consumed += len(chunk)
            ends_line = chunk.endswith(b"\n")
        yield None, consumed, consumed - ends_line


def _check_encodable(value: str, field: str, path: str, line: int) -> None:
    # json.loads accepts "\ud800" (an unpaired surrogate); such a string cannot be written
    # back out as UTF-8, so it would crash the output stage after all the work was done.
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InputError(
            path,
            f"field '{field}' contains an invalid \\u escape "
            f"(unpaired surrogate at character {exc.start})",
            line,
        ) from None


def article_from_record(record: Any, path: str | Path, line: int) -> Article:
    """Validate one decoded JSON line and build its article, or raise :class:`InputError`."""
    path = str(path)
    if not isinstance(record, dict):
        raise InputError(path, f"expected a JSON object, got {_json_type(record)}", line)
    for key in ("id", "text"):
        if key not in record:
            raise InputError(path, f"missing required field '{key}'", line)

    raw_id = record["id"]
    if isinstance(raw_id, bool) or not isinstance(raw_id, str | int):
        raise InputError(
            path, f"field 'id' must be a string or an integer, got {_json_type(raw_id)}", line
        )
    article_id = str(raw_id)
    if not article_id.strip():
        raise InputError(path, "field 'id' is empty", line)
    _check_encodable(article_id, "id", path, line)

    text = record["text"]
    if not isinstance(text, str):
        raise InputError(path, f"field 'text' must be a string, got {_json_type(text)}", line)
    if not text.strip():
        raise InputError(path, "field 'text' is empty", line)
    _check_encodable(text, "text", path, line)

    optional: dict[str, str | None] = {}
    for key in OPTIONAL_FIELDS:
        value = record.get(key)
        if value is not None and not isinstance(value, str):
            raise InputError(
                path, f"field '{key}' must be a string or null, got {_json_type(value)}", line
            )
        if value is not None:
            _check_encodable(value, key, path, line)
            value = value.strip() or None
        optional[key] = value

    optional["published"] = _with_precision(optional["published"], record, path, line)
    return Article(id=article_id, text=text, source_path=path, **optional)


def _with_precision(published: str | None, record: dict, path: str, line: int) -> str | None:
    """``published`` cut to the record's ``published_precision``, when it has one.

    Only an ISO date is cut, and never lengthened: "2022" stays "2022" whatever the
    precision says. Another date format is kept as written, since the precision then
    cannot be applied without guessing how the date is laid out.
    """
    precision = record.get("published_precision")
    if precision is None:
        return published
    if precision not in PRECISION_LENGTHS:
        allowed = ", ".join(f"'{name}'" for name in PRECISION_LENGTHS)
        got = f"'{precision}'" if isinstance(precision, str) else _json_type(precision)
        raise InputError(
            path, f"field 'published_precision' must be one of {allowed} or null, got {got}", line
        )
    if published is None or not _ISO_DATE.match(published):
        return published
    return published[: PRECISION_LENGTHS[precision]]


def _parse_line(raw: bytes, path: str, line: int, offset: int) -> Article:
    decoded = decode_utf8(raw, path, file_offset=offset, line=line)
    try:
        record = json.loads(decoded)
    except json.JSONDecodeError as exc:
        raise InputError(path, f"malformed JSON ({exc.msg})", line) from None
    except RecursionError:
        raise InputError(path, "malformed JSON (nested too deeply)", line) from None
    except ValueError as exc:  # e.g. an integer with too many digits
        raise InputError(path, f"malformed JSON ({exc})", line) from None
    return article_from_record(record, path, line)


def iter_jsonl(path: str | Path) -> Iterator[Article | ReadFailure]:
    """Yield each line's article, or a :class:`ReadFailure` for each bad line, in file order.

    Raises :class:`InputError` for problems of the whole file (empty, binary, UTF-16),
    before yielding anything; "empty file" for a file of blank lines is raised at its end,
    when nothing was yielded either. ``OSError`` from the file system propagates.
    """
    path_str = str(path)
    with open(path, "rb") as handle:
        head = handle.read(BINARY_SNIFF_BYTES)
        if not head:
            raise InputError(path_str, "empty file")
        problem = sniff_problem(head)
        if problem:
            raise InputError(path_str, problem)
        handle.seek(0)

        first_line_for_id: dict[str, int] = {}
        saw_content = False
        offset = 0
        for line_no, (raw, consumed, payload) in enumerate(_lines(handle), start=1):
            line_offset, offset = offset, offset + consumed
            if raw is None:
                saw_content = True
                yield ReadFailure(path_str, too_large_problem(payload, "line"), line_no)
                continue
            if line_no == 1 and raw.startswith(codecs.BOM_UTF8):
                raw, line_offset = raw[len(codecs.BOM_UTF8) :], line_offset + len(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            saw_content = True
            try:
                article = _parse_line(raw, path_str, line_no, line_offset)
            except InputError as exc:
                yield exc.to_failure()
                continue
            first = first_line_for_id.get(article.id)
            if first is not None:
                yield ReadFailure(
                    path_str, f"duplicate id '{article.id}' (first used on line {first})", line_no
                )
                continue
            first_line_for_id[article.id] = line_no
            yield article
        if not saw_content:
            raise InputError(path_str, "empty file")


def read_jsonl_articles(path: str | Path) -> list[Article]:
    """All articles of a JSONL file, or :class:`InputError` for the first bad line."""
    articles: list[Article] = []
    for item in iter_jsonl(path):
        if isinstance(item, ReadFailure):
            raise item.to_error()
        articles.append(item)
    return articles
