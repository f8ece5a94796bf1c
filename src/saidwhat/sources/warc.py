"""Web archives (``.warc``, ``.warc.gz``): the HTML pages of a crawl, one article per page.

Newsrooms and researchers collect coverage with crawlers (Heritrix, Browsertrix, wget
``--warc-file``), and the result is a WARC file: every request and response of the crawl,
images and scripts included, often gigabytes of it. This module keeps only what can be an
article, a ``response`` record whose HTTP status is 2xx and whose Content-Type is
``text/html`` or ``application/xhtml+xml``, and extracts each page with exactly the rules
of a saved page (:func:`saidwhat.sources.html.article_from_html`), so that an outlet's
coverage does not depend on how it was collected.

The file is streamed record by record with :class:`warcio.ArchiveIterator` and never held
in memory: the article size limit applies to each page, not to the file, and a page over
the limit is skipped after reading at most one byte past the limit. Records that are not
kept are read through in small chunks only to find where the next one starts.

Problems of one page (no article text, not decodable, too large) become a
:class:`~saidwhat.sources.ReadFailure` naming the page's URL, and reading goes on. A file
that is cut short or damaged yields the articles before the damage and then one failure
naming the file. warcio alone cannot be trusted with this: it takes a truncated or
corrupt gzip stream, or a file that ends inside a record's headers, for a normal end of
file, and would silently drop the rest of the crawl. So gzip is decompressed here with
:mod:`gzip`, which checks every member's end marker, length and CRC (a page whose member
fails the CRC is not analysed: pages are turned into articles one record late, once their
member has been checked); a record shorter than its ``Content-Length`` shows a cut in an
uncompressed file; and where warcio stopped is compared with where the file ends.

Each article's ``url`` is the record's ``WARC-Target-URI``; its id is derived from that
URL (host and path, e.g. ``example.com-news-2022-milley-talks``) so that it is stable and
readable, with ``-2``, ``-3``... added when the same id comes up again in the file (the
same page captured twice, or two URLs that differ only in punctuation).
"""

from __future__ import annotations

import codecs
import gzip
import hashlib
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from saidwhat.model import Article
from saidwhat.sources._checks import (
    MAX_ARTICLE_BYTES,
    InputError,
    ReadFailure,
    megabytes,
    too_large_problem,
)
from saidwhat.sources.html import article_from_html

#: Media types of the pages that can be articles (HTTP Content-Type, parameters ignored).
HTML_MEDIA_TYPES = frozenset({"text/html", "application/xhtml+xml"})

_GZIP_MAGIC = b"\x1f\x8b"
#: Read size when skipping the rest of a record: small, so memory stays flat whatever the
#: record's size, and large enough that skipping is not dominated by call overhead.
_SKIP_CHUNK = 1 << 16
#: Longest id derived from a URL; longer ones are cut and end with a hash of the full URL,
#: so that they stay distinct and still show where the page came from.
_MAX_ID_CHARS = 120
#: How far into a page a ``<meta charset>`` declaration is looked for (HTML requires it in
#: the first 1024 bytes; some CMSs put it later, after long comments or scripts).
_CHARSET_SNIFF_BYTES = 4096

#: Longest quotation of a parser's complaint in a failure message (warcio quotes the
#: offending line, which in a damaged file can be kilobytes of binary).
_MAX_DETAIL_CHARS = 200
#: An uncompressed WARC starts with its version line, e.g. ``WARC/1.0``.
_WARC_START = b"WARC/"
_SNIFF_BYTES = 64

_NOT_IN_ID = re.compile(r"[^A-Za-z0-9._~]+")
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE)
_META_CHARSET = re.compile(
    rb"""<meta[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9._:-]+)""", re.IGNORECASE
)
#: Labels that browsers decode as windows-1252 (WHATWG Encoding Standard): pages that
#: declare Latin-1 almost always contain curly quotes in the 0x80-0x9F range.
_WINDOWS_1252_LABELS = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii"})


class _DamagedArchive(Exception):
    """The file is truncated or corrupt; reading it must stop here.

    Deliberately not an ``EOFError`` or ``OSError``: warcio treats ``EOFError`` as the end
    of the file, and ``OSError`` would be reported as a file-system problem.
    ``spoils_previous`` is true when the damage is in the gzip member that has just ended
    (its checksum or length is wrong), so that the record read from it is not to be trusted.
    """

    def __init__(self, detail: str, *, spoils_previous: bool = False) -> None:
        super().__init__(detail)
        self.spoils_previous = spoils_previous


def _gzip_damage(exc: Exception) -> _DamagedArchive:
    """The :class:`_DamagedArchive` for an error of :mod:`gzip` or :mod:`zlib`."""
    if isinstance(exc, EOFError):
        return _DamagedArchive("the gzip data ends before its end marker")
    if isinstance(exc, gzip.BadGzipFile):
        # gzip checks a member's CRC and length when the member ends: the data it has
        # already returned for that member is what is wrong.
        message = str(exc)
        spoils = message.startswith(("CRC check failed", "Incorrect length"))
        return _DamagedArchive(f"bad gzip data: {message}", spoils_previous=spoils)
    return _DamagedArchive(f"corrupt gzip data: {exc}")


class _CheckedGzip:
    """A gzip-decompressing reader whose damage cannot be mistaken for the end of the file.

    Only ``read`` and ``tell`` are used by :class:`warcio.ArchiveIterator`; ``peek`` serves
    the check that the file is a WARC at all.
    """

    def __init__(self, raw: IO[bytes]) -> None:
        self._gzip = gzip.GzipFile(fileobj=raw, mode="rb")

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes, fewer when the current gzip member has no more ready.

        ``read1`` rather than ``read``: ``read`` fills the whole request across members and
        so would raise at a truncation without returning the good data before it.
        """
        try:
            return self._gzip.read1(size) if size > 0 else self._gzip.read()
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise _gzip_damage(exc) from None

    def peek(self, size: int) -> bytes:
        try:
            return self._gzip.peek(size)[:size]
        except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
            raise _gzip_damage(exc) from None

    def tell(self) -> int:
        return self._gzip.tell()

    def close(self) -> None:
        self._gzip.close()


def _import_archive_iterator(path: str) -> Any:
    """:class:`warcio.ArchiveIterator`, imported late: ``import saidwhat.sources`` stays
    cheap, and a missing warcio fails each WARC file with a readable message instead of
    stopping a batch of other formats."""
    try:
        from warcio.archiveiterator import ArchiveIterator
    except ImportError as exc:
        raise InputError(path, f"cannot read WARC: warcio could not be imported ({exc})") from exc
    return ArchiveIterator


def url_id(url: str) -> str:
    """A readable, stable id for a page from its URL: host (without ``www.``) and path.

    ``https://www.example.com/news/2022/milley-talks?p=2`` -> ``example.com-news-2022-
    milley-talks-p-2``. Characters other than letters, digits and ``._~`` become ``-`` so
    that the id is safe in file names and on a command line.
    """
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:  # e.g. an unbalanced "[" in the host
        parts, host = None, ""
    host = host.removeprefix("www.")
    rest = url
    if parts is not None:
        rest = parts.path + (f"?{parts.query}" if parts.query else "")
    slug = _NOT_IN_ID.sub("-", f"{host}-{rest}").strip("-.")
    if not slug:
        slug = "page"
    if len(slug) > _MAX_ID_CHARS:
        digest = hashlib.sha1(url.encode("utf-8", "surrogatepass")).hexdigest()[:8]
        slug = f"{slug[: _MAX_ID_CHARS - 9].rstrip('-.')}-{digest}"
    return slug


def _unique(base: str, used: set[str]) -> str:
    """``base``, or ``base-2``, ``base-3``... whichever is not yet used in this file."""
    candidate, number = base, 1
    while candidate in used:
        number += 1
        candidate = f"{base}-{number}"
    used.add(candidate)
    return candidate


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def _is_html_page(record: Any) -> bool:
    """A ``response`` record with HTTP status 2xx and an HTML Content-Type."""
    if record.rec_type != "response" or record.http_headers is None:
        return False
    status = record.http_headers.get_statuscode() or ""
    if not (len(status) == 3 and status.isdigit() and status.startswith("2")):
        return False
    return _media_type(record.http_headers.get_header("Content-Type")) in HTML_MEDIA_TYPES


def _skip_rest(record: Any) -> bool:
    """Read the rest of the record in small chunks; False if it ends before its length.

    A record's ``raw_stream`` is limited to its ``Content-Length``; when the file ends
    first, the limit is not used up, which for an uncompressed WARC is the only sign that
    the file was cut (a gzip WARC raises :class:`_DamagedArchive` instead).
    """
    stream = record.raw_stream
    while stream.read(_SKIP_CHUNK):
        pass
    return getattr(stream, "limit", 0) <= 0


def _declared_charset(data: bytes, content_type: str | None) -> str | None:
    """The charset a browser would use: byte-order mark, HTTP header, then ``<meta>``."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    match = _HEADER_CHARSET.search(content_type or "")
    if match:
        return match[1]
    meta = _META_CHARSET.search(data[:_CHARSET_SNIFF_BYTES])
    if meta:
        return meta[1].decode("ascii")
    return None


def _decode_page(data: bytes, content_type: str | None) -> str:
    """The page as text, decoded by its declared charset (UTF-8 if none), or ValueError."""
    declared = _declared_charset(data, content_type)
    label = (declared or "utf-8").lower()
    codec = "cp1252" if label in _WINDOWS_1252_LABELS else label
    try:
        codecs.lookup(codec)
    except LookupError:
        raise ValueError(f"unknown charset '{declared}'") from None
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        how = f"declared charset '{declared}'" if declared else "UTF-8 (no charset declared)"
        raise ValueError(
            f"not decodable as {how} (byte 0x{data[exc.start]:02x} at offset {exc.start})"
        ) from None


def _read_page(record: Any) -> bytes | str:
    """The page's HTTP body (transfer and content encodings undone), or the problem.

    At most ``MAX_ARTICLE_BYTES + 1`` bytes are held. When the body is neither chunked nor
    compressed, its length is known from the record and an oversized page is refused
    without reading it at all.
    """
    headers = record.http_headers
    encoding = (headers.get_header("Content-Encoding") or "").strip().lower()
    transfer = (headers.get_header("Transfer-Encoding") or "").strip().lower()
    if encoding in ("", "identity") and not transfer and record.payload_length > MAX_ARTICLE_BYTES:
        return too_large_problem(record.payload_length, "page")
    if encoding not in ("", "identity", "gzip", "x-gzip", "deflate"):
        return f"unsupported Content-Encoding '{encoding}'"
    if encoding == "x-gzip":
        headers.replace_header("Content-Encoding", "gzip")
    try:
        data = record.content_stream().read(MAX_ARTICLE_BYTES + 1)
    except _DamagedArchive:
        raise
    except Exception as exc:  # warcio's chunked/gzip decoding of an untrusted body
        return f"could not decode the HTTP body ({type(exc).__name__}: {exc})"
    if len(data) > MAX_ARTICLE_BYTES:
        limit = megabytes(MAX_ARTICLE_BYTES)
        return f"page too large (over {limit}; the limit for one article is {limit})"
    return data


@dataclass(slots=True)
class _Page:
    """An HTML page read from the archive, not yet turned into an article."""

    url: str
    #: The HTTP body, or the problem that kept it from being read.
    body: bytes | str
    content_type: str | None


def _read_record(record: Any, archive: Any, stream: Any) -> _Page | None:
    """Read one record to its end: its page if it is an HTML page, else None.

    Raises :class:`_DamagedArchive` when the record shows that the file is damaged.
    """
    length = record.rec_headers.get_header("Content-Length") or ""
    if not length.strip().isdigit():
        if _at_end(archive, stream):
            raise _DamagedArchive(_CUT_IN_HEADERS)
        raise _DamagedArchive("a record has no valid Content-Length")
    url = record.rec_headers.get_header("WARC-Target-URI") or "(no WARC-Target-URI)"
    page = None
    if _is_html_page(record):
        content_type = record.http_headers.get_header("Content-Type")
        page = _Page(url, _read_page(record), content_type)
    if not _skip_rest(record):
        raise _DamagedArchive(f"the record for {url} is cut short")
    return page


def _emit(page: _Page, path: str, used_ids: set[str]) -> Article | ReadFailure:
    """The page's article, or the failure naming its URL."""
    if isinstance(page.body, str):
        return ReadFailure(path, f"page {page.url}: {page.body}")
    try:
        text = _decode_page(page.body, page.content_type)
    except ValueError as exc:
        return ReadFailure(path, f"page {page.url}: {exc}")
    try:
        article = article_from_html(text, path=path, article_id=url_id(page.url), url=page.url)
    except InputError as exc:
        return ReadFailure(path, f"page {page.url}: {exc.problem}")
    article.id = _unique(article.id, used_ids)
    return article


def _damage(path: str, detail: str, records: int) -> ReadFailure:
    return ReadFailure(
        path,
        f"WARC file is truncated or corrupt ({detail}); "
        f"reading stopped after {records} complete records",
    )


_CUT_IN_HEADERS = "the file ends inside a record's headers"


def _at_end(archive: Any, stream: Any) -> bool:
    """Whether warcio has used up the whole file: a header it could not parse was then
    cut short by the end of the file, rather than damaged in the middle of it."""
    reader = getattr(archive, "reader", None)
    try:
        return reader is not None and reader.rem_length() == 0 and not stream.read(1)
    except _DamagedArchive:
        return True


def _parser_damage(exc: Exception, archive: Any, stream: Any) -> _DamagedArchive:
    """The :class:`_DamagedArchive` for an exception raised by warcio while parsing."""
    if _at_end(archive, stream):
        return _DamagedArchive(_CUT_IN_HEADERS)
    detail = " ".join(str(exc).split())[:_MAX_DETAIL_CHARS]
    if not type(exc).__module__.startswith("warcio."):
        # warcio's own checks explain themselves; anything else is a crash inside it on
        # headers it did not expect (cut short, or missing a field).
        detail = f"unreadable record headers ({type(exc).__name__}: {detail})"
    return _DamagedArchive(detail)


def _iter_records(stream: Any, path: str) -> Iterator[Article | ReadFailure]:
    """Articles and per-page failures of a WARC stream (decompressed); see the module.

    Each page is turned into an article one record late, once the next record has been
    read: in a gzip WARC that is when the checksum of the page's gzip member is checked, so
    a page whose data is corrupt is reported with the damage instead of being analysed.
    """
    archive = _import_archive_iterator(path)(stream)
    records = iter(archive)
    complete = 0
    pages = 0
    pending: _Page | None = None
    used_ids: set[str] = set()
    while True:
        try:
            try:
                record = next(records, None)
                page = None if record is None else _read_record(record, archive, stream)
            except (_DamagedArchive, OSError):
                raise
            except Exception as exc:  # warcio parsing untrusted bytes: report, never crash
                raise _parser_damage(exc, archive, stream) from None
        except _DamagedArchive as exc:
            if exc.spoils_previous:
                pending, complete = None, complete - 1
            if pending is not None:
                yield _emit(pending, path, used_ids)
            yield _damage(path, str(exc), complete)
            return
        if pending is not None:
            yield _emit(pending, path, used_ids)
        if record is None:
            break
        complete += 1
        pending = page
        pages += page is not None
    # warcio ends quietly when the file ends inside a record's WARC headers; it then stops
    # before the end of what it read, where a complete file ends exactly at the end.
    stopped_at = getattr(archive, "offset", None)
    if isinstance(stopped_at, int) and stopped_at < stream.tell():
        yield _damage(path, _CUT_IN_HEADERS, complete)
        return
    if complete == 0:
        raise InputError(path, "empty file")
    if pages == 0:
        raise InputError(
            path, f"no HTML pages in the WARC file ({complete} records, none an HTML 2xx response)"
        )


def _check_start(start: bytes, path: str) -> None:
    """Refuse a file that is not a WARC before warcio reads it.

    warcio reads a file's first line whole to recognise the format; in a large binary file
    that line can be anything up to the whole file, so the start is checked here first.
    """
    if not start:
        raise InputError(path, "empty file")
    if start.lstrip(b"\r\n").startswith(_WARC_START):
        return
    if start.startswith(b"filedesc://"):
        raise InputError(
            path, "ARC files are not supported (convert it to WARC with 'warcio recompress')"
        )
    raise InputError(path, f"not a WARC file (it starts with {start[:16]!r})")


def iter_warc(path: str | Path) -> Iterator[Article | ReadFailure]:
    """Yield the article of each HTML page in a WARC file, or a failure per bad page.

    Compression is recognised by content, not by name (a ``.warc`` may be gzipped). Raises
    :class:`InputError` for problems of the whole file found before anything is yielded
    (empty, not a WARC, no HTML pages); damage found later is yielded as a last
    :class:`ReadFailure`. ``OSError`` from the file system propagates.
    """
    path_str = str(path)
    with open(path, "rb") as raw:
        head = raw.read(len(_GZIP_MAGIC))
        if not head:
            raise InputError(path_str, "empty file")
        raw.seek(0)
        if head != _GZIP_MAGIC:
            _check_start(raw.read(_SNIFF_BYTES), path_str)
            raw.seek(0)
            yield from _iter_records(raw, path_str)
            return
        stream = _CheckedGzip(raw)
        try:
            try:
                start = stream.peek(_SNIFF_BYTES)
            except _DamagedArchive as exc:
                raise InputError(path_str, f"WARC file is truncated or corrupt ({exc})") from None
            _check_start(start, path_str)
            yield from _iter_records(stream, path_str)
        finally:
            stream.close()
