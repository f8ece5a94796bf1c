"""The spaCy component: ``nlp.add_pipe("saidwhat")`` puts attributions on ``Doc._.attributions``.

Registered through the ``spacy_factories`` entry point, so a user's own pipeline can use the
extractor without importing saidwhat first. spaCy imports this module whenever it builds any
pipeline, so it must stay light: the rules are imported only when the component is created.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc

if not Doc.has_extension("attributions"):
    Doc.set_extension("attributions", default=None)


class SaidwhatComponent:
    """Runs the rule extractor on a parsed Doc and stores the result on the Doc."""

    def __init__(self, nlp: Language, name: str) -> None:
        from saidwhat.extraction.rules import find_attributions

        self._find = find_attributions
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        doc._.attributions = self._find(doc)
        return doc


@Language.factory("saidwhat", requires=["token.dep", "token.pos", "token.lemma"])
def make_saidwhat(nlp: Language, name: str) -> SaidwhatComponent:
    """Factory spaCy calls for ``nlp.add_pipe("saidwhat")``."""
    return SaidwhatComponent(nlp, name)
