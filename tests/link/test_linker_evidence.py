"""What counts as evidence that two reports carry one remark, beyond shared words.

Opposite remarks of one speaker share most of their words; stock phrases recur in many of
their remarks; the reporter's own description of a position recurs for months. These
tests pin what the linker makes of each, with invented statements, as a reader would judge
them: the same remark is linked, a different remark is not.
"""

from __future__ import annotations

from saidwhat.link import Statement, StatementLinker
from saidwhat.link.polarity import opposite_swap, polarity
from saidwhat.link.text import tokens


def statement(
    sid: str,
    text: str,
    *,
    speaker: str | None = "the-mayor",
    published: str = "2016-03-01",
    kind: str = "direct",
    said_on: str | None = None,
    basis: str = "relative",
    precision: str = "day",
) -> Statement:
    """An invented statement; ``said_on`` is a date its article gives for the remark."""
    return Statement(
        id=sid,
        text=text,
        article_id=f"article-{sid}",
        speaker_id=speaker,
        outlet=f"outlet-{sid}",
        published=published,
        kind=kind,
        said_on=said_on or published,
        said_on_basis=basis if said_on else "publication",
        said_on_precision=precision,
    )


def linked(*statements: Statement) -> bool:
    """Whether the first two statements end in one cluster when all are linked together."""
    linker = StatementLinker()
    linker.add(list(statements))
    return linker.cluster_of(statements[0].id) == linker.cluster_of(statements[1].id)


# ------------------------------------------------------------------ polarity


def test_a_negated_claim_is_a_different_remark_but_an_excerpt_is_not() -> None:
    qualified = statement("yes", "“Of course the mayor is qualified to run the port authority,”")
    plain = statement(
        "plain", "that the mayor is qualified to run the port authority", kind="indirect"
    )
    negated = statement(
        "no", "that the mayor is not qualified to run the port authority", kind="indirect"
    )
    assert linked(qualified, plain)
    assert not linked(qualified, negated)
    # a partial quote that happens to stop after the "not" is still a quote of it
    excerpt = statement("excerpt", "“qualified to run the port authority”")
    assert linked(excerpt, negated)


def test_negation_scope_reads_paraphrases_alike() -> None:
    """ "has not paid anything" and "paid nothing" negate the same verb; "will not sign any
    budget" negates the signing, not the budget; "nobody more qualified" is a superlative."""

    def negated(text: str) -> set[str]:
        return set(polarity(text, tokens(text)).negated)

    assert negated("that he has not paid anything in city taxes") == {"paid"}
    assert negated("he has paid nothing in city taxes") == {"paid"}
    assert negated("I will not sign any budget that cuts the money") == {"sign"}
    assert negated("there is nobody more qualified than her") == set()
    assert polarity("we will fix the roads", tokens("we will fix the roads")).negations == 0


def test_a_word_swapped_for_its_opposite_is_a_different_remark() -> None:
    help_ = statement("help", "the new tariff does more to help the farmers", kind="indirect")
    hurt = statement(
        "hurt",
        "that the new tariff does more to hurt the farmers than to help them",
        kind="indirect",
    )
    same = statement(
        "same",
        "that the new tariff does more to help the farmers than anything else",
        kind="indirect",
    )
    assert not linked(help_, hurt)
    assert linked(help_, same)


def test_opposites_in_different_places_are_no_swap() -> None:
    assert opposite_swap([(("help",), ("hurt",))], frozenset({"help"}), frozenset({"hurt"}))
    # "strong" against "strength" and "weak" against "weakness", each in its own place
    assert (
        opposite_swap(
            [(("strong",), ("strength",)), (("weak",), ("at", "weak"))],
            frozenset({"strong", "weak"}),
            frozenset({"strength", "weak"}),
        )
        is None
    )


def test_a_denial_does_not_link_to_the_claim_it_denies() -> None:
    """The summary drops the negated verb itself, so only the main clause shows it."""
    denial = statement(
        "denial",
        "he had never suggested the city should build a stadium with public money",
        kind="indirect",
    )
    claim = statement(
        "claim",
        "that he ''would certainly build'' a stadium for the city with public money",
        kind="indirect",
    )
    suggestion = statement(
        "suggestion",
        "he had suggested the city should build a stadium with public money",
        kind="indirect",
    )
    assert not linked(denial, claim)
    assert linked(suggestion, claim)


# ------------------------------------------------------------------ quoted fragments


def test_a_stock_phrase_of_the_speaker_is_no_evidence() -> None:
    """A quoted phrase the speaker uses in three different remarks does not tie two of them
    together; while it is known from two remarks only, it still counts."""
    thanks = statement(
        "thanks", "“Thanks for the kind words about being right on the rigged tax code.”"
    )
    resign = statement(
        "resign",
        "the governor to resign for defending the “rigged tax code” in the budget debate",
        kind="indirect",
    )
    lobbyists = statement(
        "lobbyists",
        "“Nobody in Washington will touch the rigged tax code because the lobbyists wrote it,”",
    )
    assert linked(thanks, resign)
    assert not linked(thanks, resign, lobbyists)


def test_a_long_quoted_fragment_links_at_any_date() -> None:
    speech = statement(
        "speech",
        "the architect said the design was finished after years of arguments with the planning "
        "board and the neighbours, and “it will be the tallest building ever built in the "
        "northern hemisphere,” with a public garden on the roof",
        speaker="the-architect",
        published="2016-03-01",
    )
    months_later = statement(
        "later",
        "that the tower would be “the tallest building ever built in the northern hemisphere.”",
        speaker="the-architect",
        published="2016-07-20",
        kind="indirect",
    )
    short_fragment = statement(
        "short",
        "that the tower would be “the tallest building ever”",
        speaker="the-architect",
        published="2016-07-20",
        kind="indirect",
    )
    assert linked(speech, months_later)
    assert not linked(speech, short_fragment)


# ------------------------------------------------------------------ word bags


def test_many_shared_words_with_a_figure_link_a_two_claim_summary() -> None:
    """A report that joins two claims shares under 60% of its words with either one; five
    shared words with the same figure (and name) in them still point to one remark."""
    consider = statement(
        "consider",
        "that she would consider sending up to 4,500 National Guard soldiers to the southern "
        "border",
        kind="indirect",
    )
    summary = statement(
        "summary",
        "she would deploy up to 4,500 National Guard troops along the southern border, and that "
        "she will not rule out raising the gasoline tax next year",
        published="2016-03-02",
        kind="indirect",
    )
    no_figure = statement(
        "no-figure",
        "she would deploy many National Guard troops along the southern border, and that she "
        "will not rule out raising the gasoline tax next year",
        published="2016-03-02",
        kind="indirect",
    )
    assert linked(consider, summary)
    assert not linked(consider, no_figure)


def test_a_reporters_stock_description_months_later_is_another_remark() -> None:
    proposal = statement(
        "proposal", "to build new prisons in every county", published="2016-03-01", kind="indirect"
    )
    report = (
        "that the judge was biased against him because of his proposals on crime, including "
        "his promises to hire more police and build new prisons in every county"
    )
    months_later = statement("later", report, published="2016-06-01", kind="indirect")
    same_week = statement("week", report, published="2016-03-04", kind="indirect")
    quoted = statement("quoted", "“build new prisons in every county”", published="2016-03-01")
    assert not linked(proposal, months_later)
    assert linked(proposal, same_week)
    # the speaker's own quoted words are recognised at any distance
    assert linked(quoted, months_later)


def test_house_style_spellings_of_the_united_states_are_one_name() -> None:
    full = statement(
        "full", "to ban foreign students from entering the United States next year", kind="indirect"
    )
    short = statement(
        "short",
        "banning foreign students from entering the U.S. next year",
        published="2016-09-01",
        kind="indirect",
    )
    assert linked(full, short)


# ------------------------------------------------------------------ occasions


STUMP_LINE = "“We have come a long way in the last nine months,”"


def test_the_same_words_on_two_dated_occasions_are_two_remarks() -> None:
    # a stump line, dated by both articles to different days ("on Monday", "on Wednesday")
    nashua = statement("nashua", STUMP_LINE, published="2016-02-08", said_on="2016-02-08")
    town_hall = statement("hall", STUMP_LINE, published="2016-02-04", said_on="2016-02-03")
    assert not linked(nashua, town_hall)
    # a day apart is one remark: a late-night speech is reported under either day
    late = statement("late", STUMP_LINE, published="2016-02-09", said_on="2016-02-09")
    assert linked(nashua, late)


def test_a_report_published_before_a_remark_was_made_is_not_of_that_remark() -> None:
    dated = statement("dated", STUMP_LINE, published="2016-02-08", said_on="2016-02-08")
    earlier_report = statement("earlier", STUMP_LINE, published="2016-02-04")
    later_report = statement("later", STUMP_LINE, published="2016-02-12")
    assert not linked(dated, earlier_report)
    assert linked(dated, later_report)


def test_dates_that_do_not_give_the_day_separate_nothing() -> None:
    dated = statement("dated", STUMP_LINE, published="2016-02-10", said_on="2016-02-03")
    # "this week" in a Thursday paper: the week of Monday 1 February, no day claimed
    this_week = statement(
        "week", STUMP_LINE, published="2016-02-04", said_on="2016-02-01", precision="week"
    )
    assert linked(dated, this_week)
    # (while a day-dated remark of 3 February is not the remark a paper of the 2nd quoted)
    assert not linked(dated, statement("before", STUMP_LINE, published="2016-02-02"))
    # publication dates alone: an article may report an older remark
    undated = statement("undated", STUMP_LINE, published="2016-02-08")
    reprint = statement("reprint", STUMP_LINE, published="2016-01-20")
    assert linked(undated, reprint)


def test_reporters_rewordings_months_apart_describe_a_position() -> None:
    april = statement(
        "april",
        "Clinton of being too reliant on Wall Street money",
        published="2016-04-15",
        kind="indirect",
    )
    january = statement(
        "january",
        "Clinton of being too cozy with Wall Street and beholden to the banks",
        published="2016-01-18",
        kind="indirect",
    )
    same_week = statement(
        "week",
        "Clinton of being too cozy with Wall Street and beholden to the banks",
        published="2016-04-16",
        kind="indirect",
    )
    assert not linked(april, january)
    assert linked(april, same_week)


def test_sharing_only_a_name_is_no_paraphrase() -> None:
    admires = statement(
        "admires", "Russian President Vladimir Putin as a “strong leader,”", kind="indirect"
    )
    praise = statement(
        "praise",
        "praise from Russian President Vladimir Putin would not affect his policy",
        kind="indirect",
    )
    assert not linked(admires, praise)
