"""A token tagger for attribution roles (source, cue, content) whose probabilities the cue
model reads as evidence.

Why a tagger beside the rules: the cue model sees a candidate through hand-written features
of its verb, subject and content head. It cannot see what the words at a candidate's edges
usually are in PolNeAR's attributions, nor how similar wording elsewhere was annotated. A
small convolutional tagger (spaCy's hashed embeddings of the word, its affixes and shape,
its part-of-speech tag and dependency label, then four window layers, so each token sees
eight on each side) learns that directly from the annotations. On its own it tags
worse than the rules (PolNeAR dev token F1 about 0.71 / 0.63 / 0.80 for source, cue and
content, against the rules' 0.79 / 0.63 / 0.86; with a window of four words on each side it
scored 0.67 / 0.62 / 0.78, and the cue model reading it 0.714 / 0.525 / 0.836 lenient,
strict and token F1 against 0.715 / 0.526 / 0.836 with eight), so it does not build spans; its mean
probabilities over a candidate's verb, source and content, and at the tokens just outside
the content, become features of the cue model (:func:`role_features`).

The tagger reads the extractor's own parse, so it runs after the pipeline and costs one
extra forward pass per document. Training it is part of ``saidwhat train brat``; the cue
model is fitted on probabilities the tagger gave to articles it was not trained on
(:func:`out_of_fold_roles`), since a tagger's guesses on its own training articles are
better than it will ever be on new text, and the cue model would learn to trust them too
much.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokens import Doc
from spacy.training import Example
from thinc.api import Config

from saidwhat.model import Attribution

#: One letter per role, in the order a tag spells them: "s-t" is a source word inside
#: another attribution's content, "---" a word in none.
ROLE_LETTERS = {"source": "s", "cue": "c", "content": "t"}
#: The tagger component's name inside its own small pipeline.
COMPONENT = "roles"
#: Epochs over the training articles. Chosen on dev token F1: later epochs overfit (content
#: F1 fell from 0.78 after four epochs to 0.69 after eight without dropout).
EPOCHS = 4
#: Dropout while training, and articles per update.
DROPOUT = 0.2
BATCH_SIZE = 8

_CONFIG = """
[model]
@architectures = "spacy.Tagger.v2"
normalize = true

[model.tok2vec]
@architectures = "spacy.Tok2Vec.v2"

[model.tok2vec.embed]
@architectures = "spacy.MultiHashEmbed.v2"
width = 96
attrs = ["NORM", "PREFIX", "SUFFIX", "SHAPE", "TAG", "DEP"]
rows = [5000, 1000, 2500, 2500, 200, 200]
include_static_vectors = false

[model.tok2vec.encode]
@architectures = "spacy.MaxoutWindowEncoder.v2"
width = 96
depth = 4
window_size = 2
maxout_pieces = 3
"""


def blank_role_pipeline() -> Language:
    """A pipeline holding only the untrained role tagger (its own vocabulary and weights)."""
    nlp = spacy.blank("en")
    nlp.add_pipe("tagger", name=COMPONENT, config={"model": Config().from_str(_CONFIG)["model"]})
    return nlp


def role_tags(doc: Doc, gold: Sequence[Attribution]) -> list[str]:
    """Each token's roles in the gold attributions, as a tag such as ``"--t"`` or ``"s--"``.

    A token takes a role when any of its characters lies inside a span of that role; a
    token can hold several (a source inside a quoted attribution is also content).
    """
    token_at = np.full(len(doc.text) + 1, -1, dtype=np.int64)
    for token in doc:
        token_at[token.idx : token.idx + len(token.text)] = token.i
    marks: list[set[str]] = [set() for _ in range(len(doc))]
    for attribution in gold:
        for role, letter in ROLE_LETTERS.items():
            for start, end in getattr(attribution, role):
                for index in set(token_at[start:end].tolist()) - {-1}:
                    marks[index].add(letter)
    letters = ROLE_LETTERS.values()
    return ["".join(x if x in held else "-" for x in letters) for held in marks]


def train_role_tagger(
    docs: Sequence[Doc],
    golds: Sequence[Sequence[Attribution]],
    epochs: int = EPOCHS,
    seed: int = 0,
    log: Callable[[str], None] = lambda _: None,
) -> RoleTagger:
    """Fit the tagger on parsed articles and their gold attributions."""
    spacy.util.fix_random_seed(seed)
    nlp = blank_role_pipeline()
    examples = []
    for doc, gold in zip(docs, golds, strict=True):
        reference = Doc(
            doc.vocab,
            words=[token.text for token in doc],
            spaces=[bool(token.whitespace_) for token in doc],
            tags=role_tags(doc, gold),
        )
        examples.append(Example(doc, reference))
    nlp.initialize(lambda: examples)
    optimizer = nlp.create_optimizer()
    order = random.Random(seed)
    for epoch in range(epochs):
        order.shuffle(examples)
        losses: dict[str, float] = {}
        for batch in spacy.util.minibatch(examples, size=BATCH_SIZE):
            nlp.update(batch, sgd=optimizer, losses=losses, drop=DROPOUT)
        log(f"  role tagger epoch {epoch + 1}/{epochs}: loss {losses.get(COMPONENT, 0.0):,.0f}")
    return RoleTagger(nlp)


@dataclass(slots=True)
class RoleProbabilities:
    """Per token of one document: the probability that it is part of a source, a cue, a
    content (of any attribution)."""

    source: np.ndarray
    cue: np.ndarray
    content: np.ndarray


class RoleTagger:
    """The trained tagger, reading documents parsed by the extractor's pipeline."""

    def __init__(self, nlp: Language) -> None:
        self.nlp = nlp
        tagger = nlp.get_pipe(COMPONENT)
        labels = tagger.labels
        self._model = tagger.model
        self._columns = {
            letter: np.asarray([letter in label for label in labels], dtype=np.float32)
            for letter in ROLE_LETTERS.values()
        }

    def probabilities(self, doc: Doc) -> RoleProbabilities:
        """Role probabilities of every token in ``doc`` (which must carry the parse)."""
        if len(doc) == 0:
            empty = np.zeros(0, dtype=np.float32)
            return RoleProbabilities(empty, empty, empty)
        scores = self._model.predict([doc])[0]
        columns = self._columns
        return RoleProbabilities(
            scores @ columns["s"], scores @ columns["c"], scores @ columns["t"]
        )

    def to_bytes(self) -> bytes:
        """The weights and labels; the architecture is :data:`_CONFIG`, fixed in code."""
        return self.nlp.to_bytes(exclude=["vocab"])

    @classmethod
    def from_bytes(cls, data: bytes) -> RoleTagger:
        """Inverse of :meth:`to_bytes`."""
        return cls(blank_role_pipeline().from_bytes(data, exclude=["vocab"]))


def out_of_fold_roles(
    docs: Sequence[Doc],
    golds: Sequence[Sequence[Attribution]],
    folds: int = 2,
    epochs: int = EPOCHS,
    log: Callable[[str], None] = lambda _: None,
) -> list[RoleProbabilities]:
    """Each training article's role probabilities from a tagger that never saw it.

    Article ``k`` belongs to fold ``k % folds``; the tagger of a fold is trained on the
    other folds. These are what the cue model is fitted on (see the module docstring).
    """
    if len(docs) < folds:
        raise ValueError(f"{len(docs)} articles cannot make {folds} folds")
    by_article: dict[int, RoleProbabilities] = {}
    for fold in range(folds):
        rest = [k for k in range(len(docs)) if k % folds != fold]
        log(f"role tagger for fold {fold + 1}/{folds} ({len(rest)} articles)")
        tagger = train_role_tagger(
            [docs[k] for k in rest], [golds[k] for k in rest], epochs, seed=fold, log=log
        )
        for k in range(fold, len(docs), folds):
            by_article[k] = tagger.probabilities(docs[k])
    return [by_article[k] for k in range(len(docs))]
