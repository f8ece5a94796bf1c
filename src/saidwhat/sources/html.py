"""Saved web pages (``.html``, ``.htm``): one page, one article.

Journalists collect coverage by saving pages from the browser, and a saved page is mostly
not the article: menus, teasers, cookie banners, comments. Quotes found in that
boilerplate would be attributed to the outlet's article, so this module's job is to keep
only the main text, and to recover the metadata that the comparison of outlets needs
(outlet, publication date, title, author). Boilerplate removal and metadata come from
trafilatura (dates through htmldate), the most accurate open-source extractor for news.

The article text of an HTML page is trafilatura's plain-text rendering of the main
content, so offsets index that text, not the HTML source. A page where no article text
can be found is an error rather than an empty article, so that a login wall or a saved
index page is reported to the user instead of silently contributing nothing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from saidwhat.model import Article
from saidwhat.sources._checks import InputError, read_text_checked

#: Text in these elements never counts as article text when deciding whether a page has
#: any: a page whose only words are link labels (a menu, a list of headlines) has none.
_NON_ARTICLE_TEXT = (
    "//text()[normalize-space() and not(ancestor::a or ancestor::head or ancestor::nav"
    " or ancestor::footer or ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template or ancestor::*[@role='navigation'])]"
)

#: Navigation never holds article text; pruning it stops trafilatura's recall fallback
#: from offering a menu as the article when the real text is missing.
_PRUNE_XPATH = ["//nav", "//*[@role='navigation']"]

#: htmldate settings. ``extensive_search`` is off: it guesses from dates anywhere in the
#: page text ("on 10 November ..."), and a wrong publication date is worse than none when
#: outlets are compared over time. Structured metadata and the URL are still used.
_DATE_PARAMS: dict[str, Any] = {
    "original_date": True,
    "extensive_search": False,
    "outputformat": "%Y-%m-%d",
}

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _import_trafilatura(path: str) -> tuple[Any, Any]:
    """``(load_html, bare_extraction)``, imported late: ``import saidwhat.sources`` stays
    cheap, and a broken install fails each HTML file with a readable message instead of
    stopping a batch of text and JSONL files."""
    try:
        from trafilatura import bare_extraction
        from trafilatura.utils import load_html
    except ImportError as exc:
        raise InputError(
            path, f"cannot read HTML: trafilatura could not be imported ({exc})"
        ) from exc
    return load_html, bare_extraction


def _parse(text: str, path: str, load_html: Any) -> Any:
    """Parse the page with trafilatura's own loader (same repairs as its extraction)."""
    tree = load_html(text)
    if tree is None:
        # trafilatura rejects a bare fragment ("<p>...</p>" alone); a CMS export may be one.
        tree = load_html(f"<html><body><div>{text}</div></body></html>")
    if tree is None:
        raise InputError(path, "could not parse the file as HTML")
    return tree


def _has_text_outside_links(tree: Any) -> bool:
    return any(any(ch.isalnum() for ch in str(node)) for node in tree.xpath(_NON_ARTICLE_TEXT))


def _hostname(url: str | None) -> str | None:
    if not url:
        return None
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    return host.removeprefix("www.")


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = " ".join(value.split())
    return value or None


def article_from_html(
    source: str, *, path: str, article_id: str, url: str | None = None
) -> Article:
    """The main article of one page's HTML, or :class:`~saidwhat.sources.InputError`.

    Separate from :func:`read_html_article` because pages do not only come one per file: a
    WARC archive holds thousands of them, and they must be extracted by exactly the same
    rules as a saved page so that an outlet's coverage does not depend on how it was
    collected. ``path`` is only used in error messages; ``url`` is where the page was
    fetched from, when known (it helps date extraction and is the outlet of last resort).

    ``outlet`` is the page's site name, or else the host name of its canonical URL (or of
    ``url``), without ``www.``; ``published`` is ``YYYY-MM-DD`` when the page's metadata or
    URL states it; ``Article.url`` is ``url``, or else the page's canonical URL.
    """
    load_html, bare_extraction = _import_trafilatura(path)
    tree = _parse(source, path, load_html)
    if not _has_text_outside_links(tree):
        raise InputError(path, "HTML has no article text")
    try:
        document = bare_extraction(
            tree,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            include_formatting=False,
            prune_xpath=_PRUNE_XPATH,
            date_extraction_params=dict(_DATE_PARAMS),
        )
    except Exception as exc:  # a third-party parser on untrusted input: report, never crash
        raise InputError(
            path, f"could not extract the article ({type(exc).__name__}: {exc})"
        ) from exc
    text = getattr(document, "text", None) if document is not None else None
    if not text or not text.strip():
        raise InputError(path, "HTML has no article text")

    date = _clean(document.date)
    published = date if date and _ISO_DATE.fullmatch(date) else None
    page_url = _clean(document.url)
    return Article(
        id=article_id,
        text=text,
        outlet=_clean(document.sitename) or _hostname(page_url) or _hostname(url),
        published=published,
        title=_clean(document.title),
        author=_clean(document.author),
        source_path=path,
        url=url or page_url,
    )


def read_html_article(path: str | Path) -> Article:
    """Read the main article of one saved web page; raises :class:`~saidwhat.sources.InputError`.

    See :func:`article_from_html` for what is extracted; the id is the file name without
    its extension.
    """
    path = Path(path)
    path_str = str(path)
    return article_from_html(read_text_checked(path), path=path_str, article_id=path.stem)
