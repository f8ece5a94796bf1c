"""The role tagger: its gold tags, its training, and the features the cue model reads.

The tagger is trained here on a few invented sentences only, enough to check that it learns
(a word it saw as a cue scores higher as a cue than a word it saw as content) and that it
round-trips through bytes; its accuracy on PolNeAR is measured by ``saidwhat eval``.
"""

from __future__ import annotations

import numpy as np
import pytest
from spacy.language import Language

from saidwhat.extraction.cue_model import DocContext, role_features
from saidwhat.extraction.pipeline import load_nlp
from saidwhat.extraction.quotes import QuoteIndex, find_quotes
from saidwhat.extraction.roles import (
    RoleProbabilities,
    RoleTagger,
    out_of_fold_roles,
    role_tags,
    train_role_tagger,
)
from saidwhat.extraction.rules import Candidate
from saidwhat.model import Attribution

SENTENCE = "Smith said the plan failed."


def attribution(text: str, source: str, cue: str, content: str) -> Attribution:
    """An attribution given by its spans' texts, each found once in ``text``."""

    def span(part: str) -> list[tuple[int, int]]:
        start = text.index(part)
        return [(start, start + len(part))]

    return Attribution(source=span(source), cue=span(cue), content=span(content), kind="indirect")


@pytest.fixture(scope="module")
def nlp() -> Language:
    return load_nlp()


def test_gold_tags_mark_each_role_and_overlaps(nlp: Language) -> None:
    text = 'Smith said "Jones told me it failed."'
    doc = nlp(text)
    outer = attribution(text, "Smith", "said", '"Jones told me it failed."')
    inner = attribution(text, "Jones", "told", "it failed")

    tags = dict(zip([t.text for t in doc], role_tags(doc, [outer, inner]), strict=True))

    assert tags["Smith"] == "s--" and tags["said"] == "-c-"
    # Inside the quotation, Jones is the inner source and part of the outer content.
    assert tags["Jones"] == "s-t" and tags["told"] == "-ct" and tags["failed"] == "--t"


def test_tagger_learns_roles_and_round_trips(nlp: Language) -> None:
    texts = [f"{name} said the plan failed." for name in ("Smith", "Jones", "Brown", "Lee")]
    docs = [nlp(text) for text in texts]
    golds = [[attribution(t, t.split()[0], "said", "the plan failed")] for t in texts]

    tagger = train_role_tagger(docs, golds, epochs=30)
    probabilities = tagger.probabilities(nlp(SENTENCE))
    again = RoleTagger.from_bytes(tagger.to_bytes()).probabilities(nlp(SENTENCE))

    said, plan = 1, 3
    assert probabilities.cue[said] > 0.5 > probabilities.cue[plan]
    assert probabilities.content[plan] > 0.5 > probabilities.content[said]
    assert np.allclose(probabilities.content, again.content)


def test_out_of_fold_needs_an_article_per_fold(nlp: Language) -> None:
    doc = nlp(SENTENCE)
    with pytest.raises(ValueError, match="1 articles cannot make 2 folds"):
        out_of_fold_roles([doc], [[]])


def test_role_features_read_spans_and_the_words_outside(nlp: Language) -> None:
    doc = nlp(SENTENCE)
    quotes = QuoteIndex(find_quotes(doc.text))
    tokens = len(doc)
    content = np.zeros(tokens, dtype=np.float32)
    content[2:5] = 0.95  # "the plan failed"
    content[5] = 0.6  # the full stop just after the content
    cue = np.zeros(tokens, dtype=np.float32)
    cue[1] = 0.8
    source = np.zeros(tokens, dtype=np.float32)
    source[0] = 0.85
    roles = RoleProbabilities(source, cue, content)
    candidate = Candidate([doc[1]], [(0, 5)], [(11, 26)], 0.8, verb=doc[1], pattern="clause")

    feats = role_features(candidate, DocContext(doc, quotes, roles), roles)

    assert {"rc=4", "rt=5", "rtmin=5", "rtb=0", "rta=3", "rs=4"} <= set(feats)
    sourceless = Candidate([doc[1]], [], [(11, 26)], 0.8, verb=doc[1], pattern="clause")
    assert "rsn=4" in role_features(sourceless, DocContext(doc, quotes, roles), roles)
