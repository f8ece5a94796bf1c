"""Error types and the byte-level checks every input file goes through.

This module owns the rules that decide whether a file's bytes are usable article text at
all (size, emptiness, binary content, encoding), and the two ways of reporting that they
are not: :class:`InputError` (raised by single-file readers) and :class:`ReadFailure` (a
plain value that batch reading yields so that one bad file never stops the others).

The checks live here, once, so that every format fails the same way with the same words:
a journalist who feeds in a Word document, a Latin-1 export or a 2 GB dump should be told
which file is wrong and what to do about it, not shown a traceback.

Text is decoded exactly as ``open(path, encoding="utf-8-sig", newline="")`` would read
it: line endings are kept as they are on disk (``"\\r\\n"`` stays two characters), so that
character offsets produced downstream index the file's own text. The only change is that
a UTF-8 byte-order mark at the very start of the file is dropped (it is an encoding marker,
not text); anyone re-reading a file to check offsets must drop it too, which ``utf-8-sig``
does. Byte offsets in error messages count from the start of the file, BOM included.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from pathlib import Path

#: The largest article accepted, in bytes of UTF-8 (so also an upper bound on characters).
#: Far beyond any real article; it exists so that a mistaken input (a database dump, a
#: video renamed .txt) fails quickly instead of exhausting memory in the NLP pipeline.
MAX_ARTICLE_BYTES = 10_000_000

#: How much of a file's start is scanned for NUL bytes to recognise binary files.
BINARY_SNIFF_BYTES = 8192

_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_UTF32_BOMS = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _location(path: str, line: int | None) -> str:
    return f"{path}:{line}" if line is not None else path


class InputError(Exception):
    """A file (or one line of it) cannot be read as an article.

    ``str(error)`` reads ``"path:line: problem"`` (or ``"path: problem"`` when the problem
    concerns the whole file), ready to show to a person as is.
    """

    def __init__(self, path: str | Path, problem: str, line: int | None = None) -> None:
        # Passing every field to Exception keeps the error picklable (multiprocessing).
        super().__init__(str(path), problem, line)
        self.path: str = str(path)
        self.problem: str = problem
        self.line: int | None = line

    def __str__(self) -> str:
        return f"{_location(self.path, self.line)}: {self.problem}"

    def to_failure(self) -> ReadFailure:
        """The same problem as a value, for batch reading."""
        return ReadFailure(self.path, self.problem, self.line)


@dataclass(slots=True)
class ReadFailure:
    """A file (or one line of a JSONL file) that could not be read; yielded, not raised."""

    path: str
    problem: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{_location(self.path, self.line)}: {self.problem}"

    def to_error(self) -> InputError:
        """The same problem as an exception, for callers that want all-or-nothing reading."""
        return InputError(self.path, self.problem, self.line)


def megabytes(size: int) -> str:
    """A size for people: decimal megabytes, one decimal, never equal to the limit if over it."""
    text = f"{size / 1_000_000:.1f} MB"
    if size > MAX_ARTICLE_BYTES and text == megabytes(MAX_ARTICLE_BYTES):
        return f"{size:,} bytes"
    return text


def too_large_problem(size: int, what: str = "file") -> str:
    """The message for an input over :data:`MAX_ARTICLE_BYTES`."""
    return (
        f"{what} too large ({megabytes(size)}; "
        f"the limit for one article is {megabytes(MAX_ARTICLE_BYTES)})"
    )


def sniff_problem(head: bytes) -> str | None:
    """What is wrong with a file judging by its first bytes, or None if nothing obvious.

    UTF-16/32 text is recognised by its byte-order mark before the NUL check, because such
    files are full of NUL bytes and "binary file" would send the user the wrong way.
    """
    if head.startswith(_UTF32_BOMS):
        return "not valid UTF-8 (the file is UTF-32 text); convert it to UTF-8"
    if head.startswith(_UTF16_BOMS):
        return "not valid UTF-8 (the file is UTF-16 text); convert it to UTF-8"
    if b"\x00" in head[:BINARY_SNIFF_BYTES]:
        return "binary file, not text"
    return None


def decode_utf8(
    data: bytes, path: str | Path, *, file_offset: int = 0, line: int | None = None
) -> str:
    """Decode UTF-8 bytes unchanged (no newline translation), or raise :class:`InputError`.

    ``file_offset`` is where ``data`` starts in the file, so that the reported offset is a
    byte position in the file, whatever slice of it is being decoded. When ``line`` is
    None the line of the bad byte is computed from ``data`` (which then must be the file
    from its start).
    """
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start]
        if line is None:
            line = data.count(b"\n", 0, exc.start) + 1
        raise InputError(
            path,
            f"not valid UTF-8 (byte 0x{bad:02x} at offset {file_offset + exc.start}); "
            "convert it to UTF-8",
            line,
        ) from None


def read_text_checked(path: str | Path) -> str:
    """Read a whole file as article text, or raise :class:`InputError` saying why not.

    The size is checked with ``stat()`` before anything is read, so an enormous file costs
    nothing. The result equals ``open(path, encoding="utf-8-sig", newline="").read()``:
    line endings untouched, a leading UTF-8 BOM (and only a leading one) removed.
    """
    path_str = str(path)
    size = Path(path).stat().st_size
    if size > MAX_ARTICLE_BYTES:
        raise InputError(path_str, too_large_problem(size))
    if size == 0:
        raise InputError(path_str, "empty file")
    with open(path, "rb") as handle:
        # Read at most one byte past the limit: the file may have grown since stat().
        data = handle.read(MAX_ARTICLE_BYTES + 1)
    if len(data) > MAX_ARTICLE_BYTES:
        raise InputError(path_str, too_large_problem(len(data)))
    problem = sniff_problem(data)
    if problem:
        raise InputError(path_str, problem)
    text = decode_utf8(data, path_str)
    if text.startswith("\ufeff"):
        text = text[1:]
    if not text.strip():
        raise InputError(path_str, "empty file")
    return text
