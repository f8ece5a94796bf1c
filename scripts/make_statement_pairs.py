"""Candidate statement pairs for the linking sets in ``tests/data`` (see its README).

The pool-building code is the procedure documented for ``statement_pairs.jsonl``
(rare word 3-grams, a rough speaker guess, eight pools), unchanged. ``holdout`` draws the
fresh candidates of ``statement_pairs_holdout.jsonl`` from the same pools with another seed
(20261121), never repeating a pair of ``statement_pairs.jsonl`` and preferring attributions
it does not use, with the quotas in ``HOLDOUT_QUOTAS`` (see ``holdout``).

Usage (from the repository root, about 30 s):
    python scripts/make_statement_pairs.py > candidates.jsonl

Each output line is one unlabelled candidate in the order taken: ``pool``, the pair's
``candidate_reason`` and the two sides (article, split, publisher, published, spans and
texts), ready to be labelled by reading; labels never come from this script.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import Counter, defaultdict
from datetime import date
from itertools import combinations
from pathlib import Path
from types import SimpleNamespace

from saidwhat.evaluate.brat import read_brat_corpus
from saidwhat.model import span_text

WORD = re.compile(r"[a-z0-9]+(?:['’][a-z]+)?")
STOP = set(
    "the a an of to and in on for is are was were be been it that this with as at by from "  # noqa: SIM905
    "or but not he she they we i you his her their our my your its have has had will "
    "would can could do did does said says say".split()
)
NAMES = dict(
    trump="m",
    clinton="f",
    pence="m",
    kaine="m",
    obama="m",
    sanders="m",
    cruz="m",
    rubio="m",
    kasich="m",
    carson="m",
    bush="m",
    christie="m",
    giuliani="m",
    conway="f",
    ryan="m",
    biden="m",
    comey="m",
    johnson="m",
    stein="f",
    manafort="m",
    lewandowski="m",
    fiorina="f",
    warren="f",
    mook="m",
    podesta="m",
    priebus="m",
    mcconnell="m",
    reid="m",
    palin="f",
)
PRONOUN = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
NAME_RE = re.compile(r"\b(" + "|".join(n.capitalize() for n in NAMES) + r")\b")
OTHER_FIRST = {"bill", "chelsea", "eric", "ivanka", "melania", "michelle", "jeb", "paul"}
NUMBER_WORDS = set(
    "one two three four five six seven eight nine ten hundred thousand million "  # noqa: SIM905
    "billion trillion half".split()
)
NEGATIONS = {"not", "no", "never", "nothing", "nobody", "none", "neither", "nor"}


def words(text):
    return [w.replace("’", "'") for w in WORD.findall(text.lower())]


def grams(ws):
    return {tuple(ws[i : i + 3]) for i in range(len(ws) - 2)}


def guess_speaker(text, source):
    """Rough surname, for candidate generation only (labels come from reading)."""
    src = text[source[0][0] : source[0][1]].lower().replace("mr. ", "").replace("mrs. ", "").strip()
    found = [n for n in NAMES if re.search(rf"\b{n}\b", src)]
    if found:
        first = src.split()[0]
        return f"{first} {found[0]}" if first in OTHER_FIRST else found[0]
    gender = PRONOUN.get(src) or ("any" if src == "who" else None)
    if gender is None:
        return None
    start = source[0][0]
    for m in reversed(list(NAME_RE.finditer(text, max(0, start - 600), start))):
        if gender == "any" or NAMES[m.group(1).lower()] == gender:
            return m.group(1).lower()
    return None


REPO = Path(__file__).resolve().parents[1]
POLNEAR = REPO.parent / "shared" / "data" / "polnear"
EXISTING = REPO / "tests" / "data" / "statement_pairs.jsonl"
HOLDOUT_SEED = 20261121


def build_pools(polnear: Path = POLNEAR) -> SimpleNamespace:
    """The candidate pools of the README's procedure (train and dev only), unchanged."""
    arts, atts = {}, []
    for split in ("train", "dev"):
        for article, gold in read_brat_corpus(polnear / split):
            arts[article.id] = article
            for x in sorted(gold, key=lambda x: sorted(x.content)[0] if x.content else (0, 0)):
                if x.content and x.source:
                    text = span_text(article.text, sorted(x.content))
                    atts.append(
                        dict(
                            article=article.id,
                            x=x,
                            text=text,
                            words=words(text),
                            guess=guess_speaker(article.text, sorted(x.source)),
                        )
                    )

    df = Counter()
    for a in arts.values():
        df.update(grams(words(a.text)))
    rare = defaultdict(list)
    for i, x in enumerate(atts):
        for g in grams(x["words"]):
            if df[g] <= 8 and sum(w not in STOP for w in g) >= 2:
                rare[g].append(i)
    shared = Counter()
    for ids in rare.values():
        for i, j in combinations(sorted(set(ids)), 2):
            if atts[i]["article"] != atts[j]["article"]:
                shared[(i, j)] += 1

    def cw(i):
        return set(atts[i]["words"]) - STOP

    def cont(i, j):
        return len(cw(i) & cw(j)) / min(len(cw(i)), len(cw(j))) if cw(i) and cw(j) else 0.0

    def jacc(i, j):
        return len(cw(i) & cw(j)) / len(cw(i) | cw(j)) if cw(i) and cw(j) else 0.0

    def days(i, j):
        pa, pb = (date.fromisoformat(arts[atts[k]["article"]].published) for k in (i, j))
        return abs((pa - pb).days)

    def diffpub(i, j):
        return arts[atts[i]["article"]].outlet != arts[atts[j]["article"]].outlet

    def cue_mismatch(i, j):
        def cues(k):
            ws = atts[k]["words"]
            nums = {w for w in ws if w.isdigit() or w in NUMBER_WORDS}
            return nums, any(w in NEGATIONS or w.endswith("n't") for w in ws)

        (na, ga), (nb, gb) = cues(i), cues(j)
        return bool(na and nb and na != nb) or ga != gb

    pools, extra = defaultdict(list), defaultdict(list)
    for (i, j), n in shared.items():
        if len(cw(i)) < 4 or len(cw(j)) < 4:
            continue
        if n >= 2 and cont(i, j) >= 0.5 and diffpub(i, j) and cue_mismatch(i, j):
            extra["drift-cue"].append((i, j))
        gi, gj = atts[i]["guess"], atts[j]["guess"]
        strong = n >= 3 or (n >= 2 and cont(i, j) >= 0.7)
        if not (gi or gj):
            if strong and diffpub(i, j):
                extra["rare3gram-unnamed"].append((i, j))
            continue
        if (n >= 2 and cont(i, j) >= 0.4) or cont(i, j) >= 0.7:
            if gi and gj and gi != gj:
                pools["rare3gram-other-speaker"].append((i, j))
            elif strong:
                pools["rare3gram-strong"].append((i, j))
                if not diffpub(i, j):
                    extra["rare3gram-strong-same-publisher"].append((i, j))
            else:
                pools["rare3gram"].append((i, j))
    by_guess = defaultdict(list)
    for i, x in enumerate(atts):
        if x["guess"] and len(cw(i)) >= 4:
            by_guess[x["guess"]].append(i)
    for ids in by_guess.values():
        for i, j in combinations(ids, 2):
            if atts[i]["article"] == atts[j]["article"] or days(i, j) > 7:
                continue
            if (i, j) not in shared and jacc(i, j) >= 0.2:
                pools["same-speaker-overlap"].append((i, j))
            elif jacc(i, j) < 0.15 and days(i, j) <= 2 and cw(i) & cw(j) and diffpub(i, j):
                pools["same-speaker-low-overlap"].append((i, j))
    return SimpleNamespace(**{k: v for k, v in locals().items() if not k.startswith("_")})


#: Holdout quotas as (pool, cumulative quota) steps, taken in this order. Round 1 (the first
#: 121 candidates) favours the pools that yield links; round 2 was added after labelling
#: round 1 left too few kept pairs, and continues two pools where they stopped.
HOLDOUT_QUOTAS = [
    ("rare3gram-strong", 999),
    ("same-speaker-overlap", 30),
    ("rare3gram-unnamed", 999),
    ("rare3gram-strong-same-publisher", 15),
    ("drift-cue", 999),
    ("rare3gram-other-speaker", 12),
    ("rare3gram", 12),
    ("same-speaker-low-overlap", 4),
    # round 2
    ("rare3gram-strong-same-publisher", 45),
    ("same-speaker-overlap", 50),
]


def existing_pairs(path: Path = EXISTING) -> list[tuple[tuple[str, int], tuple[str, int]]]:
    """The (article, content start) of both attributions of each pair in a pairs file."""
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            pairs.append(tuple((row[s]["article"], row[s]["content"][0][0]) for s in "ab"))
    return pairs


def holdout(p: SimpleNamespace, seed: int = HOLDOUT_SEED, quotas=HOLDOUT_QUOTAS) -> list:
    """(pool, i, j) candidates for the holdout set, in the order they were taken.

    Ordering as in the README (round-1 pools shuffled in name order with one generator,
    different-publisher pairs only where a pool has any; round-2/3 pools one generator
    each), with ``seed``. A pair whose two attributions are already paired in
    ``statement_pairs.jsonl`` is never taken; within each pool, pairs with no attribution
    used there come first, then those with one, then those with two (a stable sort of the
    shuffled pool). The caps are the README's: an attribution in at most 2 chosen pairs, an
    article pair at most 2 times. Pools are filled in ``quotas`` order.
    """
    known = existing_pairs()
    taken_before = {frozenset(pair) for pair in known}
    used = {key for pair in known for key in pair}

    def key(i):
        x = p.atts[i]
        return x["article"], sorted(x["x"].content)[0][0]

    def n_used(pair):
        return (key(pair[0]) in used) + (key(pair[1]) in used)

    rng, shuffled = random.Random(seed), {}
    for name in sorted(p.pools):
        pool = sorted(p.pools[name])
        pool = [q for q in pool if p.diffpub(*q)] or pool
        rng.shuffle(pool)
        shuffled[name] = pool
    for name in ("rare3gram-strong-same-publisher", "rare3gram-unnamed", "drift-cue"):
        pool = sorted(p.extra[name])
        random.Random(f"{seed}:{name}").shuffle(pool)
        shuffled[name] = pool

    use_att, use_art, taken, picked = Counter(), Counter(), Counter(), []
    done = set()
    for name, quota in quotas:
        pool = [q for q in shuffled[name] if frozenset(map(key, q)) not in taken_before]
        for i, j in sorted(pool, key=n_used):
            if taken[name] >= quota or (i, j) in done:
                continue
            arts_ = tuple(sorted((p.atts[i]["article"], p.atts[j]["article"])))
            if use_att[i] >= 2 or use_att[j] >= 2 or use_art[arts_] >= 2:
                continue
            use_att[i] += 1
            use_att[j] += 1
            use_art[arts_] += 1
            taken[name] += 1
            done.add((i, j))
            picked.append((name, i, j))
    return picked


def side(p: SimpleNamespace, i: int) -> dict:
    """One attribution in the pairs files' row format (without its labelled speaker)."""
    x, art = p.atts[i]["x"], p.arts[p.atts[i]["article"]]
    split = "train" if (POLNEAR / "train" / "text" / f"{art.id}.txt").is_file() else "dev"
    with open(POLNEAR / split / "text" / f"{art.id}.txt", encoding="utf-8", newline="") as fh:
        text = fh.read()
    spans = {role: sorted([s, e] for s, e in getattr(x, role)) for role in ("source", "content")}
    cue = sorted([s, e] for s, e in x.cue) if x.cue else []
    return {
        "article": art.id,
        "split": split,
        "publisher": art.outlet,
        "published": art.published,
        "source": spans["source"],
        "cue": cue,
        "content": spans["content"],
        "source_text": " ".join(text[s:e] for s, e in spans["source"]),
        "content_text": " … ".join(text[s:e] for s, e in spans["content"]),
    }


def reason(p: SimpleNamespace, name: str, i: int, j: int) -> str:
    n = p.shared.get((i, j), 0)
    return (
        f"{name}: {n} shared rare 3-grams, content-word containment {p.cont(i, j):.2f}, "
        f"Jaccard {p.jacc(i, j):.2f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=HOLDOUT_SEED)
    args = parser.parse_args()
    p = build_pools()
    for name, i, j in holdout(p, args.seed):
        row = {"pool": name, "candidate_reason": reason(p, name, i, j)}
        row.update(a=side(p, i), b=side(p, j))
        sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
