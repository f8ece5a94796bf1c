"""Build ``src/saidwhat/data/cue_lexicon.json`` from PolNeAR *train* (never dev or test).

Why learn the lexicon: PolNeAR's cues go far beyond "said" (warned, vowed, insisted, wants,
plans ...), and whether a verb is a cue depends on the verb. For every verb lemma that
governs a clause (a ccomp, an infinitive complement or a quotation) we count how often
annotators marked it as a cue; the rules then use lemmas whose precision clears a bar.

Usage: python scripts/build_cue_lexicon.py [TRAIN_DIR] [--out PATH]
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from pathlib import Path

from spacy.language import Language
from spacy.tokens import Doc, DocBin

from saidwhat.evaluate.brat import read_brat_corpus
from saidwhat.extraction.pipeline import load_nlp
from saidwhat.extraction.quotes import QuoteIndex, find_quotes

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TRAIN = REPO.parent / "shared" / "data" / "polnear" / "train"
DEFAULT_OUT = REPO / "src" / "saidwhat" / "data" / "cue_lexicon.json"
#: Dependency labels that show a verb governs reported content.
CLAUSAL = frozenset({"ccomp", "xcomp", "parataxis", "oprd"})
MIN_CUE_COUNT = 3


def _parsed(corpus: list, nlp: Language, cache: Path | None) -> list[Doc]:
    """Parse the corpus, or reload it from ``cache``: parsing train takes minutes."""
    if cache is not None and cache.exists():
        return list(DocBin().from_disk(cache).get_docs(nlp.vocab))
    docs = list(nlp.pipe((article.text for article, _ in corpus), batch_size=32))
    if cache is not None:
        DocBin(docs=docs, store_user_data=False).to_disk(cache)
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", nargs="?", type=Path, default=DEFAULT_TRAIN)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--cache", type=Path, help="a .spacy file to keep the parsed corpus in between runs"
    )
    args = parser.parse_args()

    corpus = read_brat_corpus(args.train)
    nlp = load_nlp()
    governs, governs_cue = Counter(), Counter()
    objects, objects_cue = Counter(), Counter()
    for (_article, gold), doc in zip(corpus, _parsed(corpus, nlp, args.cache), strict=True):
        cue_chars = set()
        for attribution in gold:
            for start, end in attribution.cue:
                cue_chars.update(range(start, end))
        quotes = QuoteIndex(find_quotes(doc.text))
        for tok in doc:
            if tok.pos_ not in ("VERB", "AUX"):
                continue
            # Mirror the extractor: verbs inside a quotation are the quoted speaker's words.
            inside = quotes.at(tok.idx)
            if inside is not None and inside.closed:
                continue
            lemma = tok.lemma_.lower()
            is_cue = tok.idx in cue_chars
            if any(c.dep_ in CLAUSAL for c in tok.children) or tok.dep_ == "parataxis":
                governs[lemma] += 1
                governs_cue[lemma] += is_cue
            elif any(c.dep_ == "dobj" for c in tok.children):
                objects[lemma] += 1
                objects_cue[lemma] += is_cue
    verbs = {
        lemma: {"precision": round(governs_cue[lemma] / governs[lemma], 3), "cues": n}
        for lemma, n in sorted(governs_cue.items())
        if n >= MIN_CUE_COUNT
    }
    object_verbs = {
        lemma: {"precision": round(objects_cue[lemma] / objects[lemma], 3), "cues": n}
        for lemma, n in sorted(objects_cue.items())
        if n >= MIN_CUE_COUNT
    }
    payload = {
        "version": 1,
        "built_from": "PolNeAR train",
        "articles": len(corpus),
        "min_cue_count": MIN_CUE_COUNT,
        "verbs": verbs,
        "object_verbs": object_verbs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    counts = f"{len(verbs)} clause and {len(object_verbs)} object cue lemmas"
    print(f"{counts} from {len(corpus)} articles -> {args.out}")


if __name__ == "__main__":
    main()
