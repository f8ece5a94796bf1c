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

from saidwhat.evaluate.brat import read_brat_corpus
from saidwhat.extraction.pipeline import load_nlp

REPO = Path(__file__).resolve().parents[1]
DEFAULT_TRAIN = REPO.parent / "shared" / "data" / "polnear" / "train"
DEFAULT_OUT = REPO / "src" / "saidwhat" / "data" / "cue_lexicon.json"
#: Dependency labels that show a verb governs reported content.
CLAUSAL = frozenset({"ccomp", "xcomp", "parataxis", "oprd"})
MIN_CUE_COUNT = 3


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("train", nargs="?", type=Path, default=DEFAULT_TRAIN)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args()

    corpus = read_brat_corpus(args.train)
    nlp = load_nlp()
    governs, governs_cue = Counter(), Counter()
    texts = [article.text for article, _ in corpus]
    for (article, gold), doc in zip(corpus, nlp.pipe(texts, batch_size=32), strict=True):
        cue_chars = set()
        for attribution in gold:
            for start, end in attribution.cue:
                cue_chars.update(range(start, end))
        for tok in doc:
            if tok.pos_ not in ("VERB", "AUX"):
                continue
            clausal = any(c.dep_ in CLAUSAL for c in tok.children) or tok.dep_ == "parataxis"
            if not clausal:
                continue
            lemma = tok.lemma_.lower()
            governs[lemma] += 1
            if tok.idx in cue_chars:
                governs_cue[lemma] += 1
    verbs = {
        lemma: {"precision": round(governs_cue[lemma] / governs[lemma], 3), "cues": n}
        for lemma, n in sorted(governs_cue.items())
        if n >= MIN_CUE_COUNT
    }
    payload = {
        "version": 1,
        "built_from": "PolNeAR train",
        "articles": len(corpus),
        "min_cue_count": MIN_CUE_COUNT,
        "verbs": verbs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(verbs)} cue lemmas from {len(corpus)} articles -> {args.out}")


if __name__ == "__main__":
    main()
