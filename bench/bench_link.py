"""Linking benchmark: can ``saidwhat.link`` cluster 200,000 statements on a small machine?

Usage::

    python bench/bench_link.py [--statements N] [--seed N] [--no-drift]

The corpus is made from real quotes: the contents of the gold attributions of PolNeAR
train (``../shared/data/polnear/train`` next to the repository, about 19,800), each the
*origin* of a family of planted variants, perturbed the way outlets reprint a statement:

* ``copy``: the same words, other quotation marks and closing punctuation;
* ``trim``: words cut at the start and/or end (a partial quote);
* ``elide``: 2-6 words cut inside, marked "..." or "…";
* ``bracket``: a pronoun replaced by a bracketed name ("[Clinton]");
* ``swap``: one or two words replaced, or two neighbours swapped (rewording);
* ``contract``: contractions made or undone, case changed;
* ``unknown``: a copy or trim whose speaker is unknown (None);
* ``other-speaker``: a copy credited to a different known speaker, which must *not* land
  in its origin's cluster.

Every statement gets a random outlet and a publication date a few days after its origin's.
Origins come first in random order, variants shuffled among them, and the whole corpus is
given to one :meth:`StatementLinker.add` call (which links longest first).

Printed: corpus size, linking time and statements/s, peak RSS (``ru_maxrss``), cluster
counts, and sanity measures: the share of planted variants that ended in their origin's
cluster (per perturbation, for origins of at least 4 words: shorter ones are linked only
on the same day by design), the share of ``other-speaker`` variants that did (must be 0),
and how many statements share a cluster with another origin's family (such clusters can be
right: PolNeAR reports some quotes in several articles). Unless ``--no-drift``, the time to
build every cluster with its reference and drift labels (:meth:`StatementLinker.clusters`)
and the label counts are printed too.

The project's target: 200,000 statements linked in under 5 minutes, peak memory under
4 GB, on a 2-core machine.
"""

from __future__ import annotations

import argparse
import random
import re
import resource
import sys
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

from saidwhat.evaluate.brat import read_brat_corpus
from saidwhat.link import Statement, StatementLinker
from saidwhat.model import span_text

REPO_ROOT = Path(__file__).resolve().parents[1]
POLNEAR_TRAIN = REPO_ROOT.parent / "shared" / "data" / "polnear" / "train"
OUTLETS = [f"Outlet {n:02d}" for n in range(40)]
PRONOUNS = {"he", "she", "they", "we", "it", "him", "her", "them", "this", "that"}
SWAPS = {
    "said": "stated",
    "big": "large",
    "very": "really",
    "people": "folks",
    "think": "believe",
    "going": "planning",
    "country": "nation",
    "help": "assist",
    "get": "obtain",
    "want": "wish",
    "lot": "great deal",
    "start": "begin",
    "about": "regarding",
    "just": "only",
}
CONTRACTIONS = [
    ("do not", "don't"),
    ("does not", "doesn't"),
    ("is not", "isn't"),
    ("we are", "we're"),
    ("it is", "it's"),
    ("I am", "I'm"),
    ("will not", "won't"),
    ("can not", "can't"),
]
NAMED = re.compile(r"^[A-Z]")


def slug(text: str) -> str:
    """A speaker id from a name as written."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "unknown"


def load_origins() -> list[tuple[str, str, str]]:
    """(text, speaker id, date) of every gold attribution content in PolNeAR train."""
    if not POLNEAR_TRAIN.is_dir():
        sys.exit(f"error: PolNeAR train not found at {POLNEAR_TRAIN}")
    origins = []
    for article, attributions in read_brat_corpus(POLNEAR_TRAIN):
        for attribution in attributions:
            text = span_text(article.text, attribution.content).strip()
            if not text:
                continue
            speaker = (attribution.speaker or "").strip()
            # pronouns and descriptions only identify a speaker inside their own article
            if speaker and NAMED.match(speaker) and speaker.lower() not in PRONOUNS:
                speaker_id = slug(speaker)
            else:
                speaker_id = f"{article.id}:{slug(speaker)}"
            origins.append((text, speaker_id, article.published or "2016-01-01"))
    return origins


def perturb(text: str, kind: str, rng: random.Random) -> str:
    """One planted variant of ``text`` (see the module docstring)."""
    words = text.split()
    n = len(words)
    if kind == "trim" and n >= 8:
        cut = max(1, int(n * rng.uniform(0.1, 0.35)))
        start = rng.randint(0, cut)
        return " ".join(words[start : n - (cut - start)])
    if kind == "elide" and n >= 10:
        width = rng.randint(2, min(6, n // 3))
        start = rng.randint(2, n - width - 2)
        mark = rng.choice(["...", "…", " … "])
        return " ".join(words[:start]) + mark + " ".join(words[start + width :])
    if kind == "bracket":
        for i, word in enumerate(words):
            if word.lower() in PRONOUNS:
                bracketed = rng.choice(["[Clinton]", "[Trump]", "[the US]"])
                return " ".join([*words[:i], bracketed, *words[i + 1 :]])
    if kind == "swap" and n >= 6:
        out = list(words)
        swapped = False
        for i, word in enumerate(out):
            if word.lower() in SWAPS and rng.random() < 0.7:
                out[i] = SWAPS[word.lower()]
                swapped = True
        if not swapped:
            i = rng.randrange(1, n - 1)
            out[i], out[i + 1] = out[i + 1], out[i]
        return " ".join(out)
    if kind == "contract":
        out = text
        for full, short in CONTRACTIONS:
            old, new = (full, short) if rng.random() < 0.5 else (short, full)
            out = re.sub(rf"\b{re.escape(old)}\b", new, out)
        return out.lower() if rng.random() < 0.3 else out
    # copy: other quote marks and closing punctuation
    core = text.strip("\"'“”‘’ ,.")
    quotes = rng.choice([("“", "”"), ('"', '"'), ("‘", "’"), ("", "")])
    return f"{quotes[0]}{core}{rng.choice(['', ',', '.'])}{quotes[1]}"


def later(day: str, rng: random.Random) -> str:
    """A date up to 5 days after ``day``."""
    try:
        start = date.fromisoformat(day[:10])
    except ValueError:
        start = date(2016, 1, 1)
    return (start + timedelta(days=rng.randint(0, 5))).isoformat()


PERTURBATIONS = ["copy", "trim", "elide", "bracket", "swap", "contract", "unknown", "other"]
WEIGHTS = [2, 3, 2, 1, 2, 1, 1, 1]


def build_corpus(
    total: int, seed: int
) -> tuple[list[Statement], dict[str, tuple[int, str]], list[int]]:
    """Statements, each variant's (origin number, perturbation), and origin word counts."""
    rng = random.Random(seed)
    origins = load_origins()
    rng.shuffle(origins)
    origins = origins[: max(1, total // 10)]
    statements: list[Statement] = []
    planted: dict[str, tuple[int, str]] = {}
    for number, (text, speaker_id, day) in enumerate(origins):
        statements.append(
            Statement(
                id=f"o{number}",
                text=text,
                article_id=f"a{number}",
                speaker_id=speaker_id,
                outlet=rng.choice(OUTLETS),
                published=day,
                kind="direct",
            )
        )
    for variant in range(max(0, total - len(origins))):
        number = rng.randrange(len(origins))
        text, speaker_id, day = origins[number]
        kind = rng.choices(PERTURBATIONS, WEIGHTS)[0]
        if kind == "unknown":
            new_text, new_speaker = perturb(text, rng.choice(["copy", "trim"]), rng), None
        elif kind == "other":
            new_text, new_speaker = perturb(text, "copy", rng), f"other-{variant}"
        else:
            new_text, new_speaker = perturb(text, kind, rng), speaker_id
        sid = f"v{variant}"
        planted[sid] = (number, kind)
        statements.append(
            Statement(
                id=sid,
                text=new_text,
                article_id=f"b{variant}",
                speaker_id=new_speaker,
                outlet=rng.choice(OUTLETS),
                published=later(day, rng),
                kind="direct",
            )
        )
    rng.shuffle(statements)
    word_counts = [len(re.findall(r"\w+", text)) for text, _, _ in origins]
    return statements, planted, word_counts


def peak_rss_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--statements", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--no-drift", action="store_true", help="skip timing clusters()")
    args = parser.parse_args()

    started = time.perf_counter()
    statements, planted, word_counts = build_corpus(args.statements, args.seed)
    print(
        f"corpus: {len(statements):,} statements ({len(statements) - len(planted):,} origins, "
        f"{len(planted):,} planted variants), built in {time.perf_counter() - started:.1f} s, "
        f"peak RSS so far {peak_rss_mb():,.0f} MB"
    )

    linker = StatementLinker()
    started = time.perf_counter()
    linker.add(statements)
    elapsed = linking = time.perf_counter() - started
    print(
        f"linking: {elapsed:.1f} s, {len(statements) / elapsed:,.0f} statements/s, "
        f"peak RSS {peak_rss_mb():,.0f} MB"
    )

    assignment = linker.cluster_ids()
    sizes = Counter(assignment.values())
    print(
        f"clusters: {len(sizes):,} ({sum(1 for n in sizes.values() if n > 1):,} with 2+ "
        f"statements, largest {max(sizes.values()):,}), merges {len(linker.merged):,}"
    )

    origin_cluster = {int(sid[1:]): cid for sid, cid in assignment.items() if sid[0] == "o"}
    found: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for sid, (number, kind) in planted.items():
        if word_counts[number] < 4:
            continue
        tally = found[kind]
        tally[1] += 1
        tally[0] += assignment[sid] == origin_cluster[number]
    print("planted variants in their origin's cluster (origins of 4+ words):")
    for kind in PERTURBATIONS:
        hit, count = found[kind]
        if count:
            target = " (must be 0)" if kind == "other" else ""
            print(f"  {kind:<9} {hit:>7,} / {count:>7,} = {hit / count:6.1%}{target}")
    same = [found[k] for k in PERTURBATIONS if k != "other"]
    hits, count = sum(h for h, _ in same), sum(c for _, c in same)
    print(f"  all same-speaker variants: {hits / max(count, 1):.1%}")

    family = {sid: (int(sid[1:]) if sid[0] == "o" else planted[sid][0]) for sid in assignment}
    families_in: dict[str, set[int]] = defaultdict(set)
    for sid, cid in assignment.items():
        families_in[cid].add(family[sid])
    mixed = sum(1 for sid, cid in assignment.items() if len(families_in[cid]) > 1)
    print(
        f"statements sharing a cluster with another origin's family: {mixed:,} "
        f"({mixed / len(assignment):.2%})"
    )

    if not args.no_drift:
        started = time.perf_counter()
        clusters = linker.clusters()
        elapsed = time.perf_counter() - started
        labels = Counter(m.drift.label for c in clusters for m in c.members[1:])
        print(
            f"clusters() with references and drift: {elapsed:.1f} s, "
            f"peak RSS {peak_rss_mb():,.0f} MB"
        )
        # what a store pays per run: it links, then reads every cluster with its drift
        print(f"linking + clusters(): {linking + elapsed:.1f} s (target: about 4 minutes)")
        print("  drift labels: " + ", ".join(f"{k} {v:,}" for k, v in labels.most_common()))


if __name__ == "__main__":
    main()
