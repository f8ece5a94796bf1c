"""Word classes, lemmas and names from a slim parse: tagger and parser only.

Why: in en_core_web_sm the named-entity recogniser, the attribute ruler and the lemmatizer
cost more than twice the tagger and parser together (PolNeAR dev: about 2,500 words/s with
all of them, 8,100 without). The rules need only a little of what they give: the coarse
class of a few tokens, the lemma of candidate cue verbs, and which capitalised words are
names. This module derives those from the fine-grained tags, lazily and memoised, and uses
the real components' output whenever a user's own pipeline has run them (``nlp.add_pipe``).
"""

from __future__ import annotations

from functools import lru_cache

from spacy.tokens import Doc, Token

#: Penn Treebank tag -> Universal POS, as the English attribute ruler maps them.
_TAG_TO_POS = {
    "VB": "VERB", "VBD": "VERB", "VBG": "VERB", "VBN": "VERB", "VBP": "VERB", "VBZ": "VERB",
    "MD": "AUX", "NN": "NOUN", "NNS": "NOUN", "NNP": "PROPN", "NNPS": "PROPN",
    "PRP": "PRON", "PRP$": "PRON", "WP": "PRON", "WP$": "PRON", "EX": "PRON",
    "DT": "DET", "PDT": "DET", "WDT": "DET", "IN": "ADP", "RP": "ADP", "CC": "CCONJ",
    "CD": "NUM", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "AFX": "ADJ", "RB": "ADV",
    "RBR": "ADV", "RBS": "ADV", "WRB": "ADV", "TO": "PART", "POS": "PART", "UH": "INTJ",
    "SYM": "SYM", "$": "SYM", "_SP": "SPACE", "FW": "X", "LS": "X", "ADD": "X", "XX": "X",
}  # fmt: skip
#: Words that make a run of proper nouns an organisation rather than a person.
_ORG_WORD_LIST = """house party department times post news committee council university association
    agency bank inc corp company group press network union court senate congress army navy
    ministry office administration campaign foundation institute center centre service
    commission board fund journal tribune herald guardian reuters bureau police kremlin
    pentagon government parliament assembly federation league club church school college
    coalition alliance organization organisation council corporation chiefs staff forces
    command"""
_ORG_WORDS = frozenset(_ORG_WORD_LIST.split())
_PERSON_TITLE_LIST = """mr mrs ms dr gen sen rep gov lt col maj adm sgt capt prof president general
    senator
    governor secretary minister chairman chair mayor judge justice representative speaker
    director professor chief commissioner ambassador admiral sheriff pope king queen prince
    spokesman spokeswoman"""
_PERSON_TITLES = frozenset(_PERSON_TITLE_LIST.split())


def coarse_pos(tok: Token) -> str:
    """The universal POS, from the attribute ruler when it ran, else from the tag."""
    if tok.pos_:
        return tok.pos_
    pos = _TAG_TO_POS.get(tok.tag_)
    if pos is None:
        return "PUNCT" if tok.is_punct else "X"
    if pos == "VERB" and tok.dep_ in ("aux", "auxpass"):
        return "AUX"
    return pos


def is_verb(tok: Token) -> bool:
    """Verbs and auxiliaries: what can be a cue."""
    return coarse_pos(tok) in ("VERB", "AUX")


@lru_cache(maxsize=1)
def _rule_lemmatizer() -> object | None:
    """The model's own rule lemmatizer, loaded once but never run over whole documents."""
    from saidwhat.extraction.pipeline import load_lemmatizer

    return load_lemmatizer()


@lru_cache(maxsize=1)
def _lemma_tables() -> dict[str, tuple[set[str], dict[str, list[str]], list[list[str]]]]:
    """The English rule lemmatizer's tables (index, exceptions, suffix rules) per word class."""
    lemmatizer = _rule_lemmatizer()
    if lemmatizer is None:
        return {}
    lookups = lemmatizer.lookups  # type: ignore[attr-defined]
    index, exceptions, rules = (
        lookups.get_table(name) for name in ("lemma_index", "lemma_exc", "lemma_rules")
    )
    return {
        pos: (set(index.get(pos, [])), dict(exceptions.get(pos, {})), list(rules.get(pos, [])))
        for pos in ("verb", "noun")
    }


@lru_cache(maxsize=65536)
def _lemma(lower: str, pos: str, tag: str) -> str:
    """spaCy's rule lemmatization for one word, straight from its tables.

    Same tables and order as ``Lemmatizer.rule_lemmatize``, without building a Doc per word
    (which cost more than the rules themselves).
    """
    if pos not in ("VERB", "AUX", "NOUN") or tag in ("VB", "VBP", "NN", "NNP"):
        return lower  # base forms
    tables = _lemma_tables().get("noun" if pos == "NOUN" else "verb")
    if tables is None:
        return lower
    index, exceptions, rules = tables
    if lower in exceptions:
        return exceptions[lower][0]
    forms, unknown = [], []
    for old, new in rules:
        if lower.endswith(old):
            form = lower[: len(lower) - len(old)] + new
            if not form:
                continue
            if form in index or not form.isalpha():
                forms.append(form)
            else:
                unknown.append(form)
    return (forms or unknown or [lower])[0]


def lemma_of(tok: Token) -> str:
    """The lowercase lemma: the lemmatizer's if it ran, else computed for this word alone."""
    if tok.lemma_:
        return tok.lemma_.lower()
    return _lemma(tok.lower_, coarse_pos(tok), tok.tag_)


def name_mentions(doc: Doc) -> list[tuple[int, int, str, str]]:
    """Named people and organisations as ``(start_char, end_char, label, text)``.

    With the NER component (a user's full pipeline) its PERSON/ORG/GPE/NORP entities are
    used. Otherwise runs of proper nouns are taken as names: PERSON when they have two or
    more words or follow a title ("Gen. Mark Milley", "Mr. Trump"), ORG when they contain an
    institution word or are an acronym ("the White House", "NATO"). (Running the model's
    entity recogniser on multi-word sources only was tried: it cost 8% of extraction time
    and did not change speaker accuracy on the hand-labelled set.)
    """
    if doc.has_annotation("ENT_IOB"):
        return [
            (e.start_char, e.end_char, e.label_, e.text)
            for e in doc.ents
            if e.label_ in ("PERSON", "ORG", "GPE", "NORP")
        ]
    return _proper_noun_runs(doc)


def _proper_noun_runs(doc: Doc) -> list[tuple[int, int, str, str]]:
    text = doc.text  # Doc.text is rebuilt on every access: read it once
    mentions = []
    run: list[Token] = []
    for tok in [*doc, None]:
        if tok is not None and tok.tag_ in ("NNP", "NNPS") and tok.text[:1].isupper():
            run.append(tok)
            continue
        if run:
            mentions.append(_classify_run(run, text))
            run = []
    return [m for m in mentions if m is not None]


def _classify_run(run: list[Token], text: str) -> tuple[int, int, str, str] | None:
    words = [t.lower_.rstrip(".") for t in run]
    titles = [k for k, w in enumerate(words) if w in _PERSON_TITLES]
    titled = bool(titles)
    if titles:
        # "Staff General Mark Milley" -> "Mark Milley": the name follows the last title.
        cut = titles[-1] + 1
        run, words = run[cut:], words[cut:]
    if not run:
        return None
    start, end = run[0].idx, run[-1].idx + len(run[-1].text)
    name = text[start:end]
    previous = run[0].doc[run[0].i - 1] if run[0].i > 0 else None
    titled = titled or (previous is not None and previous.lower_.rstrip(".") in _PERSON_TITLES)
    if any(w in _ORG_WORDS for w in words) or (len(run) == 1 and name.isupper() and len(name) > 1):
        return (start, end, "ORG", name)
    if len(run) >= 2 or titled:
        return (start, end, "PERSON", name)
    return (start, end, "PROPN", name)
