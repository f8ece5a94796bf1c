"""Cue vocabulary: which verbs and nouns introduce what somebody said or thinks.

The lexicon has two layers. A hand-written core of reporting verbs that are cues in any
news text, and a learned layer (``data/cue_lexicon.json``) built by
``scripts/build_cue_lexicon.py`` from PolNeAR *train* only: lemmas that, when they govern a
clause, are annotated as cues at least half of the time. The learned layer is what lets the
rules find "vowed", "warned" or "insisted" without anyone listing them, and its precision
figure keeps "voted" or "found" from firing on every clause.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources

#: Reporting verbs that are cues whenever they govern a clause or a quotation. Verbs of
#: cognition (think, believe, want) are left to the learned layer: PolNeAR marks them as cues
#: in only some uses, and its train split says how often.
_CORE_SPEECH_WORDS = """
say tell add argue claim state explain note write report announce declare insist warn
suggest acknowledge admit assert contend maintain stress emphasize emphasise tweet post
reply respond answer ask recall predict promise vow pledge confirm deny allege complain
concede conclude observe remark reveal testify urge caution quip joke boast lament charge
counter retort scoff muse reiterate proclaim
"""
CORE_SPEECH_VERBS = frozenset(_CORE_SPEECH_WORDS.split())

#: Nouns that act as cues in "in a statement", "a statement from", "the claim that".
_CUE_NOUN_WORDS = """
statement interview remarks remark comment comments tweet post speech letter announcement
claim claims assertion argument testimony report memo message op-ed column
"""
CUE_NOUNS = frozenset(_CUE_NOUN_WORDS.split())

#: Verbs that never count as cues even when the learned layer is unsure.
NEVER_CUES = frozenset({"be", "have", "do", "get", "make", "go", "come", "let", "see", "’"})

#: Precision bars for learned cue lemmas, chosen on PolNeAR dev: a lemma whose precision p
#: is above about half the extractor's F1 adds more true attributions than false ones.
DEFAULT_MIN_PRECISION = 0.3
OBJECT_MIN_PRECISION = 0.3


@lru_cache(maxsize=1)
def _lexicon() -> dict:
    raw = resources.files("saidwhat").joinpath("data/cue_lexicon.json").read_text("utf-8")
    return json.loads(raw)


@lru_cache(maxsize=1)
def learned_cue_lemmas() -> dict[str, float]:
    """Lemma -> precision as a clause-governing cue in PolNeAR train."""
    return {lemma: float(stats["precision"]) for lemma, stats in _lexicon()["verbs"].items()}


@lru_cache(maxsize=1)
def learned_object_lemmas() -> dict[str, float]:
    """Lemma -> precision as a cue whose content is its direct object ("criticized Trump")."""
    verbs = _lexicon().get("object_verbs", {})
    return {lemma: float(stats["precision"]) for lemma, stats in verbs.items()}


def is_object_cue_lemma(lemma: str, min_precision: float | None = None) -> bool:
    """Is ``lemma`` a verb whose direct object is attributed content ("demands X")?"""
    bar = OBJECT_MIN_PRECISION if min_precision is None else min_precision
    return learned_object_lemmas().get(lemma.lower(), 0.0) >= bar


def is_cue_lemma(lemma: str, min_precision: float | None = None) -> bool:
    """Is ``lemma`` a verb that introduces attributed content?"""
    lemma = lemma.lower()
    if lemma in NEVER_CUES:
        return False
    if lemma in CORE_SPEECH_VERBS:
        return True
    bar = DEFAULT_MIN_PRECISION if min_precision is None else min_precision
    return learned_cue_lemmas().get(lemma, 0.0) >= bar
