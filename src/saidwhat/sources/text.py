"""Plain-text articles (``.txt``, ``.text``): one file, one article.

The simplest and most faithful format: the article text is the file's text exactly as on
disk (see :mod:`saidwhat.sources._checks` for the one exception, a leading BOM), so
attribution offsets can be checked against the file with any editor. A plain-text file
carries no metadata, so only the id (the file name without its extension) is known;
outlet and date can come from a JSONL file instead when they matter.
"""

from __future__ import annotations

from pathlib import Path

from saidwhat.model import Article
from saidwhat.sources._checks import read_text_checked


def read_text_article(path: str | Path) -> Article:
    """Read one plain-text article; raises :class:`~saidwhat.sources.InputError`."""
    path = Path(path)
    return Article(
        id=path.stem,
        text=read_text_checked(path),
        title=None,
        source_path=str(path),
    )
