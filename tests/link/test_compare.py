"""Comparing two articles: shared statements with their drift, JSON, and the HTML page."""

from __future__ import annotations

import json
import re

import pytest

from saidwhat.link import Statement, compare_articles, comparison_to_json, render_comparison_html


def make(article: str, position: int, text: str, speaker: str | None, **fields: str) -> Statement:
    return Statement(
        id=f"{article}#{position}",
        text=text,
        article_id=article,
        speaker_id=speaker,
        speaker=speaker.replace("-", " ").title() if speaker else None,
        **fields,
    )


@pytest.fixture
def articles() -> tuple[list[Statement], list[Statement]]:
    left = [
        make(
            "wire",
            0,
            "“When there is an opportunity for negotiation, when peace can be achieved, take it,”",
            "mark-milley",
            outlet="Wire",
            published="2022-11-17",
        ),
        make("wire", 1, "“We will be there as long as it takes,”", "mark-milley", outlet="Wire"),
        make(
            "wire",
            2,
            "“The options for diplomacy have declined as the conflict escalated,”",
            "lloyd-austin",
            outlet="Wire",
        ),
        make("wire", 3, "<script>alert('x')</script> & “quotes”", "someone", outlet="Wire"),
    ]
    right = [
        make(
            "weekly",
            0,
            "‘When there’s an opportunity to negotiate, when peace can be achieved, seize it.’",
            "mark-milley",
            outlet="Weekly <b>News</b>",
            published="2022-12-01",
        ),
        make(
            "weekly",
            1,
            "‘The options for diplomacy have declined as the conflict escalated’",
            "noam-chomsky",
            outlet="Weekly",
        ),
        make("weekly", 2, "‘Nothing is lost.’", "noam-chomsky", outlet="Weekly"),
    ]
    return left, right


def test_shared_statements_and_the_rest(articles: tuple[list[Statement], list[Statement]]) -> None:
    left, right = articles
    comparison = compare_articles(left, right)
    assert [(a.id, b.id) for a, b, _ in comparison.shared] == [("wire#0", "weekly#0")]
    (_, _, change) = comparison.shared[0]
    assert change.label == "reworded"
    assert {s.id for s in comparison.left_only} == {"wire#1", "wire#2", "wire#3"}
    assert {s.id for s in comparison.right_only} == {"weekly#1", "weekly#2"}
    # the same words credited to two different people are shown, never linked
    (austin, chomsky, credited) = comparison.different_speakers[0]
    assert (austin.id, chomsky.id) == ("wire#2", "weekly#1")
    assert credited.label == "meaning-changed"
    assert credited.reasons[0].startswith("attributed to a different speaker")


def test_linker_options_reach_the_linker(
    articles: tuple[list[Statement], list[Statement]],
) -> None:
    left, right = articles
    strict = compare_articles(left, right, reworded=0.95, containment=0.99, paraphrase_overlap=1.1)
    assert strict.shared == []


def test_ids_must_be_unique_across_articles() -> None:
    one = make("a", 0, "We will win.", "x")
    with pytest.raises(ValueError, match="unique"):
        compare_articles([one], [one])


def test_json_twin(articles: tuple[list[Statement], list[Statement]]) -> None:
    data = comparison_to_json(compare_articles(*articles))
    json.dumps(data)  # plain JSON all the way down
    assert data["counts"] == {
        "shared": 1,
        "left_only": 3,
        "right_only": 2,
        "different_speakers": 1,
        "labels": {"reworded": 1},
    }
    pair = data["shared"][0]
    assert pair["left"]["id"] == "wire#0" and pair["right"]["outlet"] == "Weekly <b>News</b>"
    assert {"op": "replace", "reference_words": ["take"], "variant_words": ["seize"]} in pair[
        "drift"
    ]["diff"]
    assert "meaning-changed" in data["labels"]


def test_html_page_is_standalone_escaped_and_marks_word_differences(
    articles: tuple[list[Statement], list[Statement]],
) -> None:
    page = render_comparison_html(
        compare_articles(*articles), left_title="Wire <copy>", right_title="Weekly & co"
    )
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page and "<style>" in page
    # nothing to fetch, nothing to run
    assert "<script" not in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "<link" not in page
    # every text escaped: the statement, the outlet, the titles
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; “quotes”" in page
    assert "Weekly &lt;b&gt;News&lt;/b&gt;" in page
    assert "Wire &lt;copy&gt;" in page and "Weekly &amp; co" in page
    # side by side, the changed words marked on each side
    assert "<del>“take</del>" not in page  # quote marks stay with the word they belong to
    assert re.search(r"<del>take</del>.*?</td><td>.*?<ins>seize</ins>", page, re.S)
    assert "reworded" in page and "Only in Wire &lt;copy&gt;" in page
    assert "Same words, different speakers" in page
