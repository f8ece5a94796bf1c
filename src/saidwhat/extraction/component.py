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
