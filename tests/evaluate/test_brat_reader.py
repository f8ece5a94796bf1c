"""Tests for the brat corpus reader: PolNeAR's layout, its quirks, and its failure modes."""

from __future__ import annotations

from pathlib import Path

import pytest

from saidwhat.evaluate import CorpusError, evaluate, read_brat_corpus
from saidwhat.evaluate.brat import guess_kind, parse_ann
from saidwhat.model import span_text

DEV_CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "data" / "polnear" / "dev"

TEXT = (
    "Washington Post backs Hillary Clinton for president.\n"
    '"We are ready," the senator said, "and we will win."\n'
    "Officials said taxes would rise and warned of cuts.\n"
    "It was reported that rain fell."
)


def _off(phrase: str, occurrence: int = 1) -> tuple[int, int]:
    """Offsets of the n-th occurrence of ``phrase`` in TEXT, so fixtures stay readable."""
    start = -1
    for _ in range(occurrence):
        start = TEXT.index(phrase, start + 1)
    return start, start + len(phrase)


def _t(tid: str, label: str, *phrases: str | tuple[str, int]) -> str:
    """A brat text-bound line for one or more (discontinuous) phrases."""
    spans = [_off(*p) if isinstance(p, tuple) else _off(p) for p in phrases]
    offsets = ";".join(f"{s} {e}" for s, e in spans)
    covered = " ".join(TEXT[s:e] for s, e in spans)
    return f"{tid}\t{label} {offsets}\t{covered}"


FIRST_ANN = "\n".join(
    [
        _t("T1", "Source", "Washington Post"),
        _t("T2", "Cue", "backs"),
        _t("T3", "Content", "Hillary Clinton for president"),
        _t("T4", "Attribution", "backs"),
        "E1\tAttribution:T4 Content:T3 Cue:T2 Source:T1",
        # Discontinuous content around the source and cue.
        _t("T5", "Content", '"We are ready,"', '"and we will win."'),
        _t("T6", "Source", "the senator"),
        _t("T7", "Cue", ("said", 1)),
        _t("T8", "Attribution", ("said", 1)),
        "E2\tAttribution:T8 Source:T6 Cue:T7 Content:T5",
        # One source shared by two events.
        _t("T9", "Source", "Officials"),
        _t("T10", "Cue", ("said", 2)),
        _t("T11", "Content", "taxes would rise"),
        _t("T12", "Attribution", ("said", 2)),
        "E3\tAttribution:T12 Source:T9 Cue:T10 Content:T11",
        # An event may refer to annotations defined after it.
        "E4\tAttribution:T16 Source:T9 Cue:T14 Content:T15",
        _t("T14", "Cue", "warned"),
        _t("T15", "Content", "of cuts"),
        # A text field spanning a line break continues on the next physical line.
        _t("T13", "Discuss", 'president.\n"We'),
        _t("T16", "Attribution", "warned"),
        # No source.
        _t("T17", "Cue", "was reported"),
        _t("T18", "Content", "that rain fell"),
        _t("T19", "Attribution-no-source", "was reported"),
        "E5\tAttribution-no-source:T19 Cue:T17 Content:T18",
        # Junk that must be tolerated.
        "#1\tAnnotatorNotes T3\tIs the title part of it?",
        _t("T20", "Discard", "It"),
        "E6\tAttribution:T4 Cue:T99 Content:T3",
        "",
    ]
)

SECOND_ANN = "\n".join(
    [
        _t("T1", "Source", "Washington Post"),
        _t("T2", "Cue", "backs"),
        "E1\tAttribution:T2 Cue:T2 Source:T1",
        "",
    ]
)


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """A two-annotator article, an unannotated article, and an id that prefixes another."""
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "wash-post_2016-09-12_backs.txt").write_text(
        TEXT, encoding="utf-8", newline=""
    )
    (tmp_path / "text" / "lonely.txt").write_text("Nothing here.", encoding="utf-8")
    (tmp_path / "text" / "wash-post_2016-09-12_backs_extra.txt").write_text(
        TEXT, encoding="utf-8", newline=""
    )
    ann = tmp_path / "attributions"
    # Written out of order: the reader must still choose the lexicographically first.
    (ann / "wash-post_2016-09-12_backs_zz.ann").write_text(SECOND_ANN, encoding="utf-8")
    (ann / "wash-post_2016-09-12_backs_aa.ann").write_text(FIRST_ANN, encoding="utf-8")
    (ann / "wash-post_2016-09-12_backs_extra_zz.ann").write_text(SECOND_ANN, encoding="utf-8")
    return tmp_path


def _by_id(corpus_dir: Path, warnings: list[str] | None = None) -> dict:
    return {article.id: (article, atts) for article, atts in read_brat_corpus(corpus_dir, warnings)}


def test_reads_every_article_including_unannotated(corpus: Path) -> None:
    articles = _by_id(corpus)
    assert sorted(articles) == [
        "lonely",
        "wash-post_2016-09-12_backs",
        "wash-post_2016-09-12_backs_extra",
    ]
    assert articles["lonely"][1] == []
    article = articles["wash-post_2016-09-12_backs"][0]
    assert article.text == TEXT
    assert article.outlet == "wash-post"
    assert article.published == "2016-09-12"
    assert article.source_path is not None and article.source_path.endswith("backs.txt")


def test_first_annotator_wins_and_prefix_ids_keep_their_own_file(corpus: Path) -> None:
    articles = _by_id(corpus)
    # The _aa file has five usable events; the _zz file has one.
    assert len(articles["wash-post_2016-09-12_backs"][1]) == 5
    # "..._backs_extra_zz.ann" belongs to "..._backs_extra", not to "..._backs".
    assert len(articles["wash-post_2016-09-12_backs_extra"][1]) == 1


def test_roles_offsets_and_kinds(corpus: Path) -> None:
    atts = _by_id(corpus)["wash-post_2016-09-12_backs"][1]
    rendered = [
        (
            span_text(TEXT, a.source, " | "),
            span_text(TEXT, a.cue, " | "),
            span_text(TEXT, a.content, " | "),
            a.kind,
            a.speaker,
        )
        for a in atts
    ]
    assert rendered == [
        (
            "Washington Post",
            "backs",
            "Hillary Clinton for president",
            "indirect",
            "Washington Post",
        ),
        (
            "the senator",
            "said",
            '"We are ready," | "and we will win."',
            "direct",
            "the senator",
        ),
        ("Officials", "said", "taxes would rise", "indirect", "Officials"),
        ("Officials", "warned", "of cuts", "indirect", "Officials"),
        ("", "was reported", "that rain fell", "indirect", None),
    ]
    assert atts[1].content == [_off('"We are ready,"'), _off('"and we will win."')]
    assert atts[4].source == []


def test_skippable_problems_are_collected_as_warnings(corpus: Path) -> None:
    warnings: list[str] = []
    _by_id(corpus, warnings)
    assert any("E6" in w and "T99" in w and "skipped" in w for w in warnings)
    assert all("_aa.ann" in w for w in warnings)
    # The multi-line text field, the note and the Discard span are silently tolerated.
    assert len(warnings) == 1


def test_multi_line_text_field_is_one_annotation() -> None:
    # The fixture really does put the second half of T13's text on its own line.
    assert '\tpresident.\n"We\n' in FIRST_ANN
    doc = parse_ann(FIRST_ANN, TEXT)
    assert not any("T13" in w for w in doc.warnings)


def test_stray_line_before_any_annotation_is_skipped_with_warning() -> None:
    doc = parse_ann("junk before everything\nT1\tCue 0 3\tabc\nE1\tAttribution:T1 Cue:T1\n", "abc")
    assert len(doc.attributions) == 1
    assert doc.warnings == ["<ann>:1: skipped stray line 'junk before everything'"]


def test_discontinuous_fragments_in_written_order_are_sorted() -> None:
    text = "abc def ghi"
    doc = parse_ann("T1\tContent 8 11;0 3\tghi abc\nE1\tAttribution:T1 Content:T1\n", text)
    assert doc.warnings == []
    assert doc.attributions[0].content == [(0, 3), (8, 11)]


def test_numbered_roles_merge_into_their_role() -> None:
    text = "abc def ghi"
    ann = "T1\tContent 0 3\tabc\nT2\tContent 8 11\tghi\nE1\tAttribution:T1 Content:T1 Content2:T2\n"
    assert parse_ann(ann, text).attributions[0].content == [(0, 3), (8, 11)]


def test_text_mismatch_is_reported() -> None:
    doc = parse_ann("T1\tCue 0 3\txyz\nE1\tAttribution:T1 Cue:T1\n", "abc def", "x.ann")
    assert len(doc.attributions) == 1
    assert doc.warnings == ["x.ann:1: text of T1 differs from the article at its offsets"]


def test_missing_text_folder_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "attributions").mkdir()
    with pytest.raises(CorpusError, match="no text/ folder") as info:
        read_brat_corpus(tmp_path)
    assert info.value.path == tmp_path


def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(CorpusError, match="does not exist"):
        read_brat_corpus(tmp_path / "nowhere")


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("T1\tCue 3 x\tabc", "malformed offsets"),
        ("T1\tCue 5 2\tabc", "ends before it starts"),
        ("T1\tCue 0 500\tabc", "runs past the end of the text"),
        ("T1\tCue\tabc", "has no offsets"),
        ("E1\tAttribution:T1 Cue", "malformed argument"),
    ],
)
def test_unskippable_lines_raise_with_file_and_line(
    tmp_path: Path, line: str, problem: str
) -> None:
    (tmp_path / "text").mkdir()
    (tmp_path / "attributions").mkdir()
    (tmp_path / "text" / "doc.txt").write_text("abc def ghi", encoding="utf-8")
    ann = tmp_path / "attributions" / "doc_a.ann"
    ann.write_text(f"#1\tAnnotatorNotes T1\tnote\n{line}\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=problem) as info:
        read_brat_corpus(tmp_path)
    assert info.value.path == ann
    assert info.value.line == 2
    assert str(info.value).startswith(f"{ann}:2: ")


def test_guess_kind() -> None:
    text = 'He said "yes." She said it was "fine" today. They said no.'
    assert guess_kind(text, [(8, 14)]) == "direct"
    assert guess_kind(text, [(24, 44)]) == "mixed"
    assert guess_kind(text, [(55, 57)]) == "indirect"
    assert guess_kind(text, []) == "indirect"


@pytest.mark.skipif(not DEV_CORPUS.is_dir(), reason="PolNeAR dev split not available")
def test_real_dev_corpus_reads_and_scores_perfectly_against_itself() -> None:
    warnings: list[str] = []
    corpus = read_brat_corpus(DEV_CORPUS, warnings)
    assert len(corpus) == 84
    assert sum(len(atts) for _, atts in corpus) > 2000
    # Only trigger-only duplicate events may be dropped; offsets all agree with the text.
    assert all("has no roles" in w for w in warnings)

    gold = {article.id: (article.text, atts) for article, atts in corpus}
    report = evaluate(gold, {article_id: atts for article_id, (_, atts) in gold.items()})
    assert report.n_articles == 84
    for label, score in report.rows():
        assert score.f1 == 1.0, label
        assert score.fp == score.fn == 0, label
