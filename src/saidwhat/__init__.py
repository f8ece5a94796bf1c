"""saidwhat: who said what, when, and how did each outlet report it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from saidwhat.model import Article, Attribution, Span

if TYPE_CHECKING:
    pass

__version__ = "0.1.0"
__all__ = ["Article", "Attribution", "Span", "extract", "__version__"]


def extract(
    text: str, published: str | None = None, outlet: str | None = None
) -> list[Attribution]:
    """Find every attribution in one article's text.

    Imported lazily so that ``import saidwhat`` stays cheap for readers and the CLI's help.
    """
    from saidwhat.extraction.pipeline import extract as _extract

    return _extract(text, published=published, outlet=outlet)
