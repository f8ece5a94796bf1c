"""Word normalisation, alignment and drift labels: what a reader comparing versions checks.

Every label of :data:`DRIFT_LABELS` and every meaning-change reason is exercised, along with
the differences that must *not* count (quote glyphs, contractions, number spelling, trims,
back-shifted modals in reported speech).
"""

from __future__ import annotations

import pytest

from saidwhat.link import DRIFT_LABELS, align_words, drift, tokens, words

QUOTE = (
    "“When there is an opportunity for negotiation, when peace can be achieved, take it. "
    "We will not walk away from the table.”"
)


def codes(reasons: list[str]) -> set[str]:
    """The stable part of each reason (before the colon)."""
    return {reason.partition(":")[0] for reason in reasons}


# ----------------------------------------------------------------------------- words


def test_words_ignore_quote_glyphs_case_and_contractions() -> None:
    assert words("‘There’s a possibility,’") == words('"there is a possibility."')
    assert words("We won't, they can't") == ["we", "will", "not", "they", "can", "not"]
    assert words("nine months, 1,000 troops") == ["9", "months", "1000", "troops"]


def test_elisions_and_bracketed_insertions_are_recognised_not_counted_as_words() -> None:
    text = "restoration of [Ukraine’s] territorial integrity... compensation … [...] for damage"
    kinds = [(t.kind, t.surface) for t in tokens(text)]
    assert ("inserted", "[Ukraine’s]") in kinds
    assert [k for k, _ in kinds].count("elision") == 3
    assert words(text) == [
        "restoration",
        "of",
        "territorial",
        "integrity",
        "compensation",
        "for",
        "damage",
    ]


def test_multiword_brackets_keep_their_brackets_for_display() -> None:
    inserted = [t.surface for t in tokens("a monster who [the West says] will do anything")]
    assert "[the" in inserted and "says]" in inserted


# ----------------------------------------------------------------------------- alignment


def test_align_words_shows_each_outlets_own_words() -> None:
    diff = align_words("“take it,” he", "‘seize it.’ he")
    assert [(op.op, op.reference_words, op.variant_words) for op in diff] == [
        ("replace", ["“take"], ["‘seize"]),
        ("equal", ["it,”", "he"], ["it.’", "he"]),
    ]


def test_alignment_never_splits_or_repeats_a_word() -> None:
    reference = "There’s a window, possibly — it might not — for a solution"
    variant = "there is a window... for a political solution"
    diff = align_words(reference, variant)

    def squeezed(text: str) -> str:
        return "".join(text.split())

    assert squeezed("".join(w for op in diff for w in op.reference_words)) == squeezed(reference)
    assert squeezed("".join(w for op in diff for w in op.variant_words)) == squeezed(variant)
    assert diff[0].op == "equal"  # "There’s" == "there is"
    assert ("replace", ["possibly —", "it", "might", "not —"], ["..."]) in [
        (op.op, op.reference_words, op.variant_words) for op in diff
    ]


# ----------------------------------------------------------------------------- labels


def test_label_set_is_documented() -> None:
    assert list(DRIFT_LABELS) == [
        "verbatim",
        "punctuation-only",
        "trimmed",
        "extended",
        "elided",
        "reworded",
        "paraphrased",
        "meaning-changed",
    ]
    assert all(meaning.endswith(")") or meaning.endswith(".") for meaning in DRIFT_LABELS.values())


def test_verbatim_ignores_quote_style_and_closing_punctuation() -> None:
    result = drift(QUOTE, "‘" + QUOTE[1:-2] + ",’")
    assert result.label == "verbatim"
    assert result.similarity == 1.0
    assert all(op.op == "equal" for op in result.diff)


def test_punctuation_only() -> None:
    variant = QUOTE.replace("There is", "There’s").replace("negotiation,", "negotiation")
    variant = variant.replace("We will not", "we won’t")
    assert drift(QUOTE, variant).label == "punctuation-only"
    assert drift("It took nine months.", "It took 9 months").label == "punctuation-only"


def test_trimmed_even_when_the_cut_part_had_a_negation() -> None:
    result = drift(QUOTE, "when peace can be achieved, take it")
    assert result.label == "trimmed"
    assert any(r.startswith("cut at the start") for r in result.reasons)
    assert any(r.startswith("cut at the end") and "not" in r for r in result.reasons)


def test_extended() -> None:
    result = drift("when peace can be achieved, take it", QUOTE)
    assert result.label == "extended"
    restored = drift("take it … walk away from the table", "take it. We will not walk away")
    assert restored.label != "extended"  # it is cut at the end too: no longer a superset


def test_elided_with_mark_and_with_bracketed_insertion() -> None:
    marked = drift(QUOTE, "“When there is an opportunity … take it. We will not walk away”")
    assert marked.label == "elided"
    assert any(r.startswith("elided:") for r in marked.reasons)
    bracket = drift(
        "We want restoration of our territorial integrity",
        "We want restoration of [Ukraine’s] territorial integrity",
    )
    assert bracket.label == "elided"
    assert any(
        r.startswith("bracketed insertion: “[Ukraine’s]” for “our”") for r in bracket.reasons
    )


def test_reworded() -> None:
    result = drift(
        "When there is an opportunity for negotiation, when peace can be achieved, take it",
        "When there’s an opportunity to negotiate, when peace can be achieved, seize it.",
    )
    assert result.label == "reworded"
    assert "replaced: “take” → “seize”" in result.reasons
    assert 0.5 < result.similarity < 1.0


def test_paraphrased_indirect_speech_and_low_overlap() -> None:
    reported = drift(
        "We will not send troops to Ukraine.",
        "the US would not send troops to Ukraine",
        reference_kind="direct",
        variant_kind="indirect",
    )
    # "will" -> "would" is back-shift in reported speech, not a changed modal
    assert reported.label == "paraphrased"
    loose = drift(
        "The probability of a Ukrainian military victory is not high, militarily.",
        "The chances of Ukraine pushing Russia out are not high, militarily",
    )
    assert loose.label == "paraphrased"


def test_same_kind_of_modal_is_not_a_change() -> None:
    assert drift("that might become a window", "that may become a window").label == "reworded"


@pytest.mark.parametrize(
    ("reference", "variant", "code"),
    [
        ("We will send more troops.", "We will not send more troops.", "negation added"),
        ("We will not send more troops.", "We will send more troops.", "negation dropped"),
        ("There may be a political solution.", "There can be a political solution.", "modal"),
        ("That might happen next year.", "That will happen next year.", "modal changed"),
        ("It is possibly the end of the war.", "It is the end of the war.", "hedge dropped"),
        ("It is the end of the war.", "It is probably the end of the war.", "hedge added"),
        ("We sent 10 tanks last week.", "We sent 12 tanks last week.", "number changed"),
        ("We sent ten tanks last week.", "We sent several tanks last week.", "number changed"),
        ("I spoke with Putin yesterday.", "I spoke with Zelensky yesterday.", "name changed"),
    ],
)
def test_meaning_change_reasons(reference: str, variant: str, code: str) -> None:
    result = drift(reference, variant)
    assert result.label == "meaning-changed"
    assert any(reason.startswith(code) for reason in result.reasons), result.reasons


def test_an_elision_that_drops_a_hedge_changes_the_meaning() -> None:
    result = drift(
        "that might become a window, possibly — it might not — for a political solution",
        "that may become a window... for a political solution",
    )
    assert result.label == "meaning-changed"
    assert {"hedge dropped", "negation dropped"} <= codes(result.reasons)


def test_a_different_speaker_changes_the_meaning_whatever_the_words() -> None:
    result = drift(QUOTE, QUOTE, same_speaker=False)
    assert result.label == "meaning-changed"
    assert result.reasons[0].startswith("attributed to a different speaker")


def test_name_spelling_variants_are_not_a_changed_name() -> None:
    result = drift("Zelensky met Biden in Kyiv", "Zelenskyy met Biden in Kyiv")
    assert "name changed" not in codes(result.reasons)


def test_drift_json_is_plain() -> None:
    data = drift("We sent 10 tanks.", "We sent 12 tanks.").to_json()
    assert data["label"] == "meaning-changed"
    assert data["meaning"] == DRIFT_LABELS["meaning-changed"]
    assert {"op": "replace", "reference_words": ["10"], "variant_words": ["12"]} in data["diff"]


def test_a_leading_that_of_reported_speech_is_not_a_word_of_the_statement() -> None:
    result = drift("he found the mayor “very charming”", 'that he found the mayor "very charming."')
    assert result.label == "punctuation-only"
    # inside quotation marks "That" is the speaker's word, and cutting it is a trim
    assert drift("“That was a mistake.”", "“was a mistake.”").label == "trimmed"


def test_a_negation_that_brings_its_own_words_does_not_flip_the_claim() -> None:
    """An aside like "not me, not Tom, nobody" negates its own words; the shared claim
    ("there has never been a coach more respected") keeps its polarity."""
    result = drift(
        "there has never been a coach more respected than Maria",
        "there has never been a coach - not me, not Tom, nobody - more respected than Maria",
    )
    assert result.label != "meaning-changed", result.reasons
    assert "negation added" not in codes(result.reasons)
    # a bare "not" added to the shared words still flips them
    flipped = drift(
        "we will send the coach to the final", "we will not send the coach to the final"
    )
    assert "negation added" in codes(flipped.reasons)


def test_a_modal_in_a_clause_said_in_other_words_is_the_reporters_framing() -> None:
    result = drift(
        "If my brother were still on that ship and I tell all the sailors who are there, "
        "the danger to them has gone up",
        "if his brother were still on that ship, he would warn him that the danger to them "
        "has gone up",
    )
    assert "modal added" not in codes(result.reasons), result.reasons
    assert result.label != "meaning-changed"
    # a short swap of one modal for another still counts
    swapped = drift("the talks can resume next month", "the talks must resume next month")
    assert swapped.label == "meaning-changed"


def test_a_modal_that_moves_is_not_dropped() -> None:
    """ "could" leaves one clause and turns up in another: not a modal that went missing
    (the change that does happen, "will" -> "could", is still reported)."""
    result = drift(
        "we could lower taxes and then the economy will grow",
        "we plan to lower taxes and then the economy could grow",
    )
    assert not any(r.startswith("modal dropped") for r in result.reasons), result.reasons
    assert any(r.startswith("modal changed: “will” → “could”") for r in result.reasons)


def test_back_shift_is_grammar_when_the_text_shows_reported_speech() -> None:
    """Kinds may be missing or wrong; an opening "that" is the outlet reporting speech,
    so "will" -> "would" there is back-shift, while two quotes still differ."""
    quote = "“I will fight for every family in this state,”"
    reported = drift(quote, "that he would fight for every family in the state")
    assert not any(r.startswith("modal") for r in reported.reasons), reported.reasons
    quoted = drift(quote, "“I would fight for every family in this state,”")
    assert any(r.startswith("modal changed") for r in quoted.reasons)


def test_a_negation_said_in_other_words_is_not_a_changed_meaning() -> None:
    """ "has not paid anything" and "paid nothing" both deny the paying; a long clause said
    in other words brings its own "not". Only a word both versions say, negated in one
    of them alone, is a reversal."""
    same = drift(
        "that the mayor has not paid anything in city taxes",
        "that the mayor has paid nothing in city taxes",
    )
    assert "negation added" not in codes(same.reasons), same.reasons
    assert same.label != "meaning-changed"
    reversed_ = drift(
        "that the mayor has paid his city taxes", "that the mayor has not paid his city taxes"
    )
    assert "negation added" in codes(reversed_.reasons)
    reworded = drift(
        "she wanted to speak directly to parents and let them know that this is not who we are",
        "she wanted to speak directly to parents about the new school budget and the teachers",
    )
    assert "negation dropped" not in codes(reworded.reasons), reworded.reasons


def test_an_acronym_and_its_spelled_out_name_are_one_name() -> None:
    result = drift(
        "to fight BLM violence against law enforcement officers",
        "to fight Black Lives Matter violence against law enforcement officers",
    )
    assert "name changed" not in codes(result.reasons)
    assert result.label != "meaning-changed"
    # a different organisation is still a changed name
    other = drift(
        "to fight BLM violence against law enforcement officers",
        "to fight Antifa violence against law enforcement officers",
    )
    assert "name changed" in codes(other.reasons)


def test_in_a_paraphrase_only_polarity_and_figures_signal_a_change() -> None:
    quote = "“I want to speak directly to voters in the cities,”"
    # indirect speech in other words: the reporter's "could" is framing, not a new modality
    framed = "that she could speak directly to voters in the cities"
    result = drift(quote, framed, reference_kind="direct", variant_kind="indirect")
    assert result.label == "paraphrased", result.reasons
    # in the same kind of speech, the same swap is a changed modality
    same_kind = drift("I want to speak directly to voters", "I could speak directly to voters")
    assert same_kind.label == "meaning-changed"
    # and a negation the quote does not have still flags the paraphrase
    denied = "that she would not speak directly to voters in the cities"
    flipped = drift(quote, denied, reference_kind="direct", variant_kind="indirect")
    assert flipped.label == "meaning-changed"
    assert "negation added" in codes(flipped.reasons)


def test_a_quote_cut_at_the_start_behind_a_reporters_that_is_trimmed() -> None:
    full = "“He is becoming their best recruiter,” … “They are showing videos of him to recruit.”"
    excerpt = "that “they are showing videos of him to recruit.”"
    assert drift(full, excerpt, variant_kind="mixed").label == "trimmed"
    # and the other way round the full quote adds words, it does not change punctuation
    assert drift(excerpt, full, reference_kind="mixed").label == "extended"
