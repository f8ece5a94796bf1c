"""Tests for the metric definitions, with expectations computed by hand."""

from __future__ import annotations

import pytest
from rich.table import Table

from saidwhat.evaluate import Score, evaluate, format_table, normalise_span, score_article
from saidwhat.evaluate.metrics import Tokens
from saidwhat.model import Attribution, Span

TEXT = 'Officials said taxes would rise. "We will win," the senator said.'
# Tokens: Officials said taxes would rise . " We will win , " the senator said .
#         0         1    2     3     4    5 6 7  8    9   10 11 12  13      14   15


def sp(phrase: str, occurrence: int = 1) -> Span:
    """A one-fragment span over the n-th occurrence of ``phrase`` in TEXT."""
    start = -1
    for _ in range(occurrence):
        start = TEXT.index(phrase, start + 1)
    return [(start, start + len(phrase))]


def att(source: Span, cue: Span, content: Span) -> Attribution:
    return Attribution(source=source, cue=cue, content=content, kind="indirect")


G1 = att(sp("Officials"), sp("said"), sp("taxes would rise"))
G2 = att(sp("the senator"), sp("said", 2), sp('"We will win,"'))
GOLD = [G1, G2]


def test_tokens_overlap_any_character() -> None:
    tokens = Tokens(TEXT)
    assert len(tokens) == 16
    assert tokens.covered([(1, 3)]) == {0}
    assert tokens.covered([(8, 11)]) == {0, 1}  # "s s" straddles the space
    assert tokens.covered([(9, 10)]) == set()  # only the space
    assert tokens.covered(sp('"We will win,"')) == {6, 7, 8, 9, 10, 11}
    assert tokens.covered([(5, 5)]) == set()


def test_perfect_prediction_scores_one_everywhere() -> None:
    result = score_article(TEXT, GOLD, list(GOLD))
    for role in ("source", "cue", "content"):
        assert result.token[role].f1 == 1.0
        assert result.span_exact[role] == Score(2, 0, 0)
    assert result.lenient == Score(2, 0, 0)
    assert result.strict == Score(2, 0, 0)
    assert result.lenient_pairs == [(0, 0), (1, 1)]
    assert result.unmatched_gold == [] and result.unmatched_predicted == []


def test_empty_prediction_has_zero_recall() -> None:
    report = evaluate({"a": (TEXT, GOLD)}, {"a": []})
    assert report.token["source"] == Score(0, 0, 3)  # Officials, the, senator
    assert report.token["cue"] == Score(0, 0, 2)
    assert report.token["content"] == Score(0, 0, 9)  # 3 + 6 tokens
    assert report.token_micro == Score(0, 0, 14)
    assert report.span_exact["content"] == Score(0, 0, 2)
    assert report.attribution_lenient == Score(0, 0, 2)
    assert report.attribution_strict.recall == 0.0
    assert report.attribution_strict.precision == 0.0
    assert report.n_gold == 2 and report.n_predicted == 0


def test_boundary_punctuation_and_quotes_do_not_break_exact_match() -> None:
    pred = [
        att(sp("Officials"), sp("said"), sp("taxes would rise.")),
        att(sp("the senator"), sp("said", 2), sp("We will win")),
    ]
    result = score_article(TEXT, GOLD, pred)
    assert result.span_exact["content"] == Score(2, 0, 0)
    assert result.strict == Score(2, 0, 0)
    # Tokens still see the period as extra and the quote marks and comma as missing.
    assert result.token["content"] == Score(6, 1, 3)


def test_wrong_cue_is_lenient_but_not_strict() -> None:
    pred = [att(sp("Officials"), sp("would"), sp("taxes would rise"))]
    result = score_article(TEXT, [G1], pred)
    assert result.lenient == Score(1, 0, 0)
    assert result.strict == Score(0, 1, 1)
    assert result.span_exact["cue"] == Score(0, 1, 1)
    assert result.strict_pairs == []


def test_two_predictions_for_one_gold_count_one_hit_and_one_false_alarm() -> None:
    result = score_article(TEXT, [G1], [G1, G1])
    assert result.lenient == Score(1, 1, 0)
    assert result.strict == Score(1, 1, 0)
    assert result.lenient_pairs == [(0, 0)]
    assert result.unmatched_predicted == [1]
    # Span exact compares multisets; token scores compare covered sets.
    assert result.span_exact["source"] == Score(1, 1, 0)
    assert result.token["source"] == Score(1, 0, 0)


def test_shared_source_counts_once_per_attribution_in_span_exact() -> None:
    gold = [G1, att(sp("Officials"), sp("rise"), sp("would"))]
    result = score_article(TEXT, gold, [G1])
    assert result.span_exact["source"] == Score(1, 0, 1)
    assert result.token["source"] == Score(1, 0, 0)


def test_partial_content_above_and_below_the_lenient_threshold() -> None:
    # "would rise." vs "taxes would rise": 2 shared of 3 and 3 tokens, F1 = 4/6.
    above = score_article(TEXT, [G1], [att(sp("Officials"), sp("said"), sp("would rise."))])
    assert above.token["content"] == Score(2, 1, 1)
    assert above.lenient == Score(1, 0, 0)
    assert above.strict == Score(0, 1, 1)
    # "rise." vs "taxes would rise": 1 shared of 2 and 3 tokens, F1 = 2/5.
    below = score_article(TEXT, [G1], [att(sp("Officials"), sp("said"), sp("rise."))])
    assert below.lenient == Score(0, 1, 1)


def test_lenient_match_needs_overlapping_sources_or_none_at_all() -> None:
    wrong_source = att(sp("the senator"), sp("said"), sp("taxes would rise"))
    assert score_article(TEXT, [G1], [wrong_source]).lenient == Score(0, 1, 1)
    partial_source = att([(0, 4)], sp("said"), sp("taxes would rise"))
    assert score_article(TEXT, [G1], [partial_source]).lenient == Score(1, 0, 0)
    sourceless = att([], sp("said"), sp("taxes would rise"))
    result = score_article(TEXT, [sourceless], [sourceless])
    assert result.lenient == Score(1, 0, 0)
    assert result.strict == Score(1, 0, 0)  # empty source equals empty source
    assert result.span_exact["source"] == Score(0, 0, 0)  # empty spans are not spans
    assert score_article(TEXT, [G1], [sourceless]).lenient == Score(0, 1, 1)


def test_greedy_matching_takes_the_best_pairs_first() -> None:
    long_gold = att(sp("Officials"), sp("said"), sp("taxes would rise"))
    short_gold = att(sp("Officials"), sp("said"), sp("taxes would"))
    short_pred = att(sp("Officials"), sp("said"), sp("taxes would"))
    long_pred = att(sp("Officials"), sp("said"), sp("taxes would rise"))
    # Every gold-pred pair is a lenient match (F1 1.0 or 0.8); greedy pairs the 1.0s.
    result = score_article(TEXT, [long_gold, short_gold], [short_pred, long_pred])
    assert result.lenient_pairs == [(0, 1), (1, 0)]
    assert result.strict_pairs == [(0, 1), (1, 0)]


def test_evaluate_sums_over_articles_and_flags_unknown_predictions() -> None:
    gold = {"a": (TEXT, [G1]), "b": (TEXT, [G2])}
    report = evaluate(gold, {"a": [G1], "zzz": [G2]})
    assert report.n_articles == 2
    assert report.n_gold == 2 and report.n_predicted == 1
    assert report.attribution_lenient == Score(1, 0, 1)
    assert report.extra_predicted_articles == 1
    assert report.attribution_lenient.precision == 1.0
    assert report.attribution_lenient.recall == 0.5
    assert report.attribution_lenient.f1 == pytest.approx(2 / 3)


def test_report_json_is_nested_and_rounded() -> None:
    report = evaluate({"a": (TEXT, [G1])}, {"a": [G1, G2, G2]})
    data = report.to_json()
    assert data["articles"] == 1
    assert data["gold_attributions"] == 1
    assert data["predicted_attributions"] == 3
    assert set(data["token"]) == {"source", "cue", "content", "micro"}
    assert set(data["span_exact"]) == {"source", "cue", "content"}
    assert data["attribution"]["lenient"] == {
        "p": 0.3333,
        "r": 1.0,
        "f1": 0.5,
        "tp": 1,
        "fp": 2,
        "fn": 0,
    }


def test_score_ratios_are_zero_when_undefined() -> None:
    empty = Score()
    assert (empty.precision, empty.recall, empty.f1) == (0.0, 0.0, 0.0)
    assert Score(0, 3, 0).f1 == 0.0
    assert Score(1, 1, 1) + Score(2, 0, 1) == Score(3, 1, 2)


def test_normalise_span_strips_noise_and_drops_empty_fragments() -> None:
    text = "  “Hello, world.” -- «Oui» ’s"
    hello = text.index("Hello")
    assert normalise_span(text, [(0, len(text))]) == ((hello, text.index("’s") + 2),)
    assert normalise_span(text, [(0, text.index("world") + 7)]) == (
        (hello, text.index("world") + 5),
    )
    dashes = text.index("--")
    assert normalise_span(text, [(dashes, dashes + 2)]) == ()
    oui = text.index("Oui")
    assert normalise_span(text, [(oui - 1, oui + 4), (0, hello + 5)]) == (
        (hello, hello + 5),
        (oui, oui + 3),
    )


def test_format_table_has_every_metric() -> None:
    table = format_table(evaluate({"a": (TEXT, GOLD)}, {"a": GOLD}), title="dev")
    assert isinstance(table, Table)
    assert [column.header for column in table.columns] == ["Metric", "P", "R", "F1"]
    assert table.row_count == 9
    assert list(table.columns[0].cells)[-1] == "attribution strict"
    assert set(table.columns[3].cells) == {"1.0000"}
