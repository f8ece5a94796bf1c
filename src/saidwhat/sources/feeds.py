"""RSS and Atom feeds (``.rss``, ``.atom``, ``.xml`` that is a feed): one article per entry.

Many outlets publish full articles in their feeds (RSS ``content:encoded``, Atom
``content``), and a saved feed is the cheapest way to collect a week of an outlet's
coverage with its metadata: title, author, publication date and link per entry, and the
outlet's own name as the feed title. Parsing is feedparser's, which copes with the
malformed XML and the dozen dialects real feeds come in, and removes scripts from the
entries' HTML.

The article text of an entry is its HTML rendered as plain text: one paragraph per block
element, paragraphs separated by a blank line, ``<br>`` kept as a line break, other
whitespace collapsed. Offsets therefore index that rendering, as they index trafilatura's
rendering of a web page. The entry's full content is preferred to its summary; only when
the content renders to no text is the summary used.

An entry's ``published`` is the date (``YYYY-MM-DD``) as written in the feed, in the
publisher's own time zone: a story published at 23:30 in New York is dated that day, not
the next one in UTC, so that outlets are compared over the same days. Its ``url`` is the
entry's web link, and its id the entry's ``<guid>``/``<id>``, else its link. A problem with
one entry (no text, too large, an id already used by an earlier entry) is a
:class:`~saidwhat.sources.ReadFailure` naming the entry, and the other entries are still
read. A file that is not a feed at all is reported as such, so that an ``.xml`` file that
happens to sit in a folder of articles is not taken for an empty feed.
"""

from __future__ import annotations

import io
import re
import time
from collections.abc import Iterator
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from saidwhat.model import Article
from saidwhat.sources._checks import (
    MAX_ARTICLE_BYTES,
    InputError,
    ReadFailure,
    megabytes,
    too_large_problem,
)

#: The largest feed file read. feedparser parses the whole document in memory (it cannot
#: stream), so a mistaken input such as an XML database dump must be refused unread. Real
#: feeds are kilobytes to a few megabytes; full-text archives of a site rarely reach 50 MB.
MAX_FEED_BYTES = 100_000_000

NOT_A_FEED = "not an RSS/Atom feed"

#: Elements whose start and end separate paragraphs of text.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "caption", "dd", "details", "div",
        "dl", "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6",
        "header", "hr", "li", "main", "ol", "p", "pre", "section", "summary", "table",
        "td", "th", "tr", "ul",
    }
)  # fmt: skip
#: Elements whose content is never text to read.
_SKIPPED_TAGS = ("script", "style", "noscript", "template", "head", "iframe", "object")
_HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
#: RSS ``<author>`` is "email (Name)"; the name is what a reader knows the author by.
_RSS_AUTHOR = re.compile(r"^\s*\S+@\S+\s*\((?P<name>[^()]+)\)\s*$")


def _import_feedparser(path: str) -> Any:
    """feedparser, imported late: ``import saidwhat.sources`` stays cheap, and a missing
    install fails each feed with a readable message instead of stopping a whole batch."""
    try:
        import feedparser
    except ImportError as exc:
        raise InputError(
            path, f"cannot read feeds: feedparser could not be imported ({exc})"
        ) from exc
    return feedparser


def _paragraphs(text: str) -> str:
    """Blank-line-separated paragraphs with whitespace collapsed inside each line."""
    paragraphs = []
    for block in re.split(r"\n\s*\n", text):
        lines = [" ".join(line.split()) for line in block.split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def html_to_text(markup: str) -> str:
    """Render an HTML fragment as plain text, one paragraph per block element.

    A paragraph break (blank line) is made at the start and end of every block element,
    a line break at ``<br>``; all other whitespace collapses to single spaces, as a browser
    shows it. Scripts, styles and comments are dropped.
    """
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):  # e.g. a control character lxml refuses
        return ""
    etree.strip_elements(root, etree.Comment, etree.ProcessingInstruction, with_tail=False)
    etree.strip_elements(root, *_SKIPPED_TAGS, with_tail=False)
    parts: list[str] = []
    for event, element in etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if tag in _BLOCK_TAGS:
                parts.append("\n\n")
            elif tag == "br":
                parts.append("\n")
            if element.text:
                parts.append(" ".join(element.text.split("\n")))
        else:
            if tag in _BLOCK_TAGS:
                parts.append("\n\n")
            if element.tail and element is not root:
                parts.append(" ".join(element.tail.split("\n")))
    return _paragraphs("".join(parts))


def _render(value: str | None, media_type: str | None) -> str:
    """An entry field's text: HTML rendered, plain text with its paragraphs tidied."""
    if not value:
        return ""
    if (media_type or "text/html").lower() in _HTML_TYPES:
        return html_to_text(value)
    return _paragraphs(value)


def _one_line(value: str | None, detail: Any = None) -> str | None:
    """A title or name as one line of plain text, or None if it has none."""
    media_type = detail.get("type") if detail else "text/plain"
    text = " ".join(_render(value, media_type).split())
    return text or None


def _entry_text(entry: Any) -> str:
    """The entry's content rendered as text, else its summary's; empty if neither has any."""
    candidates = [(c.get("value"), c.get("type")) for c in entry.get("content") or []]
    summary_detail = entry.get("summary_detail") or {}
    candidates.append((entry.get("summary"), summary_detail.get("type")))
    for value, media_type in candidates:
        text = _render(value, media_type)
        if text:
            return text
    return ""


def _local_date(raw: str | None, parsed: time.struct_time | None) -> str | None:
    """``YYYY-MM-DD`` in the time zone the feed wrote, else feedparser's UTC date."""
    if raw:
        raw = raw.strip()
        for parse in (datetime.fromisoformat, parsedate_to_datetime):
            try:
                return parse(raw).date().isoformat()
            except (TypeError, ValueError, IndexError, OverflowError):
                continue
    if parsed is not None:
        return time.strftime("%Y-%m-%d", parsed)
    return None


def _published(entry: Any) -> str | None:
    for key in ("published", "updated", "created"):
        date = _local_date(entry.get(key), entry.get(f"{key}_parsed"))
        if date:
            return date
    return None


def _author(entry: Any) -> str | None:
    author = _one_line(entry.get("author"))
    if author is None:
        return None
    match = _RSS_AUTHOR.match(author)
    return match["name"].strip() if match else author


def _web_link(value: str | None) -> str | None:
    """The link if it is a web address (feedparser falls back to an Atom ``urn:`` id)."""
    if value and value.strip().lower().startswith(("http://", "https://")):
        return value.strip()
    return None


def _hostname(url: str | None) -> str | None:
    try:
        host = urlsplit(url).hostname if url else None
    except ValueError:
        return None
    return host.removeprefix("www.") if host else None


def _describe(number: int, entry: Any) -> str:
    """How a failure names an entry: its position, and its title or id or link."""
    label = _one_line(entry.get("title"), entry.get("title_detail")) or entry.get("id")
    label = label or entry.get("link")
    return f"entry {number} ({label})" if label else f"entry {number}"


def _parse_feed(path: Path) -> Any:
    """The parsed feed, or :class:`InputError` if the file is empty, too large or no feed."""
    path_str = str(path)
    size = path.stat().st_size
    limit = megabytes(MAX_FEED_BYTES)
    if size > MAX_FEED_BYTES:
        raise InputError(
            path_str, f"file too large ({megabytes(size)}; the limit for a feed is {limit})"
        )
    if size == 0:
        raise InputError(path_str, "empty file")
    with open(path, "rb") as handle:
        data = handle.read(MAX_FEED_BYTES + 1)
    if len(data) > MAX_FEED_BYTES:
        raise InputError(
            path_str, f"file too large (over {limit}; the limit for a feed is {limit})"
        )
    feedparser = _import_feedparser(path_str)
    # A file object, never bytes or a str: feedparser takes a string (and tries bytes) as a
    # URL or file name to open, so a feed file holding "/etc/passwd" would read that file.
    parsed = feedparser.parse(io.BytesIO(data))
    if not parsed.get("version"):
        raise InputError(path_str, NOT_A_FEED)
    return parsed


def iter_feed(path: str | Path) -> Iterator[Article | ReadFailure]:
    """Yield one article per feed entry, or a :class:`ReadFailure` per unusable entry.

    Raises :class:`InputError` for problems of the whole file (empty, too large, not a
    feed, no entries) before yielding anything. ``OSError`` propagates.
    """
    path = Path(path)
    path_str = str(path)
    parsed = _parse_feed(path)
    feed = parsed.get("feed") or {}
    outlet = _one_line(feed.get("title"), feed.get("title_detail"))
    outlet = outlet or _hostname(_web_link(feed.get("link")))
    entries = parsed.get("entries") or []
    if not entries:
        raise InputError(path_str, "feed has no entries")

    first_entry_for_id: dict[str, int] = {}
    for number, entry in enumerate(entries, start=1):
        name = _describe(number, entry)
        text = _entry_text(entry)
        if not text:
            yield ReadFailure(path_str, f"{name}: entry has no text")
            continue
        size = len(text.encode("utf-8", "surrogatepass"))
        if size > MAX_ARTICLE_BYTES:
            yield ReadFailure(path_str, f"{name}: {too_large_problem(size, 'entry')}")
            continue
        url = _web_link(entry.get("link"))
        entry_id = (entry.get("id") or "").strip() or url or f"{path.stem}-{number}"
        first = first_entry_for_id.get(entry_id)
        if first is not None:
            yield ReadFailure(
                path_str, f"{name}: duplicate id '{entry_id}' (first used by entry {first})"
            )
            continue
        first_entry_for_id[entry_id] = number
        yield Article(
            id=entry_id,
            text=text,
            outlet=outlet or _hostname(url),
            published=_published(entry),
            title=_one_line(entry.get("title"), entry.get("title_detail")),
            author=_author(entry),
            source_path=path_str,
            url=url,
        )
