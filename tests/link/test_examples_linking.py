"""Acceptance targets for linking on the bundled example articles (``../shared/data/examples``).

Two outlets report Mark Milley's remarks of November 2022 with different wording. A reader
comparing them expects each Milley utterance that both report to be one linked statement
(the "seize it" / "take it" quote, the "political solution" quote, the "window ... for a
political solution" quote and the partial quote "not high, militarily"), nothing that other
people said (Austin, Chomsky, Zelenskyy, Putin, US officials) pulled into them, and the
wording differences labelled honestly. The real extractor runs on the real files; quotes are
found by a phrase in them, as a reader would point at them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import saidwhat
from saidwhat.link import Statement, StatementLinker, compare_articles
from saidwhat.model import span_text

EXAMPLES = Path(__file__).resolve().parents[3] / "shared" / "data" / "examples"
PRESS = "milley-press-conference-2022-11-17"
PEACE = "peace-news-2022-12-milley"
MILLEY = "mark-milley"

#: Each Milley utterance both outlets report: (phrase in the press-conference version,
#: phrase in the Peace News version).
SAME_UTTERANCES = {
    "seize it": ("take it", "seize it"),
    "political solution": (
        "There can be a political solution",
        "There may be a political solution",
    ),
    "window": ("might become a window", "may become a window"),
    "not high, militarily": ("are not high, militarily", "is not high, militarily"),
}
OTHER_SPEAKERS = ("lloyd-austin", "noam-chomsky", "volodymyr-zelenskyy", "vladimir-putin")


def slug(name: str | None) -> str | None:
    """A canonical speaker id from a name (a stand-in for cross-article speaker resolution)."""
    if not name:
        return None
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-") or None


@pytest.fixture(scope="module")
def statements() -> dict[str, list[Statement]]:
    """Each example article's attributions as statements (each file extracted once)."""
    metadata = {}
    for line in (EXAMPLES / "articles.jsonl").read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        metadata[record["id"]] = record
    result: dict[str, list[Statement]] = {}
    for article_id in (PRESS, PEACE):
        with open(EXAMPLES / f"{article_id}.txt", encoding="utf-8", newline="") as handle:
            text = handle.read()
        published = metadata[article_id]["published"]
        outlet = metadata[article_id]["outlet"]
        attributions = saidwhat.extract(text, published=published, outlet=outlet)
        result[article_id] = [
            Statement(
                id=f"{article_id}#{position}",
                text=span_text(text, a.content),
                article_id=article_id,
                speaker_id=slug(a.resolved_speaker or a.speaker),
                speaker=a.resolved_speaker or a.speaker,
                outlet=outlet,
                published=published,
                said_on=a.said_on,
                kind=a.kind,
            )
            for position, a in enumerate(attributions)
        ]
    return result


@pytest.fixture(scope="module")
def linker(statements: dict[str, list[Statement]]) -> StatementLinker:
    linker = StatementLinker()
    linker.add([*statements[PRESS], *statements[PEACE]])
    return linker


def find(statements: list[Statement], phrase: str) -> Statement:
    """The one Mark Milley statement whose text holds ``phrase``."""
    found = [s for s in statements if phrase in s.text and s.speaker_id == MILLEY]
    assert len(found) == 1, f"{len(found)} Milley statements hold {phrase!r}"
    return found[0]


@pytest.mark.parametrize("utterance", sorted(SAME_UTTERANCES))
def test_each_milley_utterance_in_both_outlets_is_linked(
    statements: dict[str, list[Statement]], linker: StatementLinker, utterance: str
) -> None:
    press_phrase, peace_phrase = SAME_UTTERANCES[utterance]
    press = find(statements[PRESS], press_phrase)
    peace = find(statements[PEACE], peace_phrase)
    assert linker.cluster_of(press.id) is not None
    assert linker.cluster_of(press.id) == linker.cluster_of(peace.id)


def test_the_four_utterances_stay_four_statements(
    statements: dict[str, list[Statement]], linker: StatementLinker
) -> None:
    clusters = {
        linker.cluster_of(find(statements[PRESS], press).id)
        for press, _ in SAME_UTTERANCES.values()
    }
    assert len(clusters) == len(SAME_UTTERANCES)


def test_no_other_speaker_is_linked_to_milley(
    statements: dict[str, list[Statement]], linker: StatementLinker
) -> None:
    everything = [*statements[PRESS], *statements[PEACE]]
    others = [
        s
        for s in everything
        if s.speaker_id in OTHER_SPEAKERS or "official" in (s.speaker_id or "")
    ]
    # the extractor must have found these people, or this test proves nothing
    assert {s.speaker_id for s in others} >= {"lloyd-austin", "noam-chomsky", "vladimir-putin"}
    milley_clusters = {linker.cluster_of(s.id) for s in everything if s.speaker_id == MILLEY}
    for statement in others:
        assert linker.cluster_of(statement.id) not in milley_clusters, statement.text
    for cluster in linker.clusters(min_members=2):
        known = {m.statement.speaker_id for m in cluster.members} - {None}
        assert len(known) <= 1, [m.statement.text for m in cluster.members]


def test_seize_it_versus_take_it_is_reworded_not_verbatim(
    statements: dict[str, list[Statement]], linker: StatementLinker
) -> None:
    """ "take it" (the press-conference report, a translation) vs "seize it. Seize the
    moment." (Peace News): the imperative is the same, so no meaning signal applies, but
    the words differ, so the later version is reworded against the earlier one."""
    press = find(statements[PRESS], "take it")
    cluster = next(c for c in linker.clusters() if c.id == linker.cluster_of(press.id))
    assert cluster.reference.id == press.id
    assert cluster.reference_reason.startswith("earliest published (2022-11-17)")
    peace = next(m for m in cluster.members if m.statement.article_id == PEACE)
    assert peace.drift.label == "reworded"
    assert any("“take” → “seize”" in reason for reason in peace.drift.reasons)
    assert any(
        op.op == "replace" and op.reference_words == ["take"] and op.variant_words == ["seize"]
        for op in peace.drift.diff
    )


def test_changed_modal_and_elided_hedge_are_flagged(
    statements: dict[str, list[Statement]],
) -> None:
    comparison = compare_articles(statements[PRESS], statements[PEACE])
    by_left = {left.id: change for left, _, change in comparison.shared}
    political = by_left[find(statements[PRESS], "There can be a political solution").id]
    assert political.label == "meaning-changed"
    assert any(r.startswith("modal changed: “can” → “may”") for r in political.reasons)
    window = by_left[find(statements[PRESS], "might become a window").id]
    assert window.label == "meaning-changed"
    assert any(r.startswith("hedge dropped:") and "possibly" in r for r in window.reasons)
