"""Corpus-level resolution: who a speaker is across articles.

* :mod:`~saidwhat.resolve.names` - reading one name: person, organisation or unnamed
  source, and the parts that identify it;
* :mod:`~saidwhat.resolve.speakers` - one canonical id per speaker across a corpus;
* :mod:`~saidwhat.resolve.aliases` - the user's corrections (merge, split, rename).

Statement dates are resolved per article, in :mod:`saidwhat.extraction.dates`, because the
words that date a statement are in its article.
"""

from __future__ import annotations

from saidwhat.resolve.aliases import AliasFileError, AliasRules, load_alias_file
from saidwhat.resolve.speakers import Speaker, SpeakerDirectory

__all__ = ["AliasFileError", "AliasRules", "Speaker", "SpeakerDirectory", "load_alias_file"]
