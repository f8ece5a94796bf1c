"""The spaCy component: ``nlp.add_pipe("saidwhat")`` puts attributions on ``Doc._.attributions``.

Registered through the ``spacy_factories`` entry point, so a user's own pipeline can use the
extractor without importing saidwhat first. spaCy imports this module whenever it builds any
pipeline, so it must stay light: the rules are imported only when the component is created.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language
from spacy.tokens import Doc

if not Doc.has_extension("attributions"):
    Doc.set_extension("attributions", default=None)


class SaidwhatComponent:
    """Runs the extractor on a parsed Doc and stores the result on the Doc.

    ``method`` is ``"model"`` (the rules with the trained cue model, the default) or
    ``"rules"`` (the cue lexicon alone), as for ``saidwhat.extract``.
    """

    def __init__(self, nlp: Language, name: str, method: str = "model") -> None:
        from saidwhat.extraction.pipeline import cue_judge
        from saidwhat.extraction.rules import find_attributions

        self._find = find_attributions
        self._judge = cue_judge(method)  # type: ignore[arg-type]
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.attributions = self._find(doc, judge=self._judge)
        return doc


@Language.factory(
    "saidwhat",
    default_config={"method": "model"},
    requires=["token.dep", "token.pos", "token.lemma"],
)
def make_saidwhat(nlp: Language, name: str, method: str) -> SaidwhatComponent:
    """Factory spaCy calls for ``nlp.add_pipe("saidwhat")`` (``config={"method": "rules"}``
    for the lexicon-only extractor)."""
    return SaidwhatComponent(nlp, name, method)


#: Name of the component that starts a sentence at every paragraph break. Add it before the
#: parser of your own pipeline to get the sentences ``saidwhat.extract`` works on:
#: ``nlp.add_pipe("saidwhat_paragraph_breaks", before="parser")``.
PARAGRAPH_BREAKS = "saidwhat_paragraph_breaks"


def paragraph_breaks(doc: Doc) -> Doc:
    """Start a sentence after every line break, before the parser runs.

    Why: the small English parser often runs one sentence across a paragraph break
    ("...or not say.\n\n''I have never been edited,'' Mr. King told me."), 9% of PolNeAR's
    dev sentences, and then the cue of the second paragraph takes the first as its content
    or source. News text does not continue a sentence over a line break; the parser
    respects boundaries set before it.
    """
    for tok in doc[1:]:
        previous = doc[tok.i - 1]
        if previous.is_space and "\n" in previous.text and not tok.is_space:
            tok.is_sent_start = True
            # An opening quotation mark starts the sentence with the words it opens.
            if tok.is_quote and tok.i + 1 < len(doc) and not doc[tok.i + 1].is_space:
                doc[tok.i + 1].is_sent_start = False
    return doc


@Language.factory(PARAGRAPH_BREAKS)
def make_paragraph_breaks(nlp: Language, name: str) -> Callable[[Doc], Doc]:
    """Factory spaCy calls for ``nlp.add_pipe("saidwhat_paragraph_breaks", before="parser")``."""
    return paragraph_breaks
