"""The trained cue model: its features, its optimiser, the shipped artifact, and training.

Feature tests run on invented sentences, so a change to the parse-reading code shows up
here rather than as a drift in dev scores. The training test fits a tiny model on a few
PolNeAR train articles (well under a minute) through the same code path as
``saidwhat train brat``, and checks that what it writes loads and finds attributions.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from saidwhat.extraction import roles
from saidwhat.extraction.cue_model import (
    DEFAULT_MODEL_FILE,
    FORMAT_VERSION,
    CueModel,
    LemmaStats,
    candidate_features,
    load_cue_model,
    pattern_group,
    read_cue_model,
    role_file_name,
)
from saidwhat.extraction.pipeline import cue_judge, extract_many, load_nlp, pipeline_fingerprint
from saidwhat.extraction.rules import Candidate, find_attributions
from saidwhat.training import (
    BOUND_THRESHOLDS,
    Example,
    _Recorder,
    bound_examples,
    fit_logistic,
    parse_corpus,
    train_cue_model,
)

POLNEAR = Path(__file__).resolve().parents[2] / "shared" / "data" / "polnear"
needs_polnear = pytest.mark.skipif(
    not (POLNEAR / "train").is_dir() or not (POLNEAR / "dev").is_dir(),
    reason=f"PolNeAR not found at {POLNEAR} (it lives in ../shared beside the repo)",
)

Featurise = Callable[[str], list[tuple[Candidate, list[str]]]]


@pytest.fixture(scope="module")
def featurise() -> Featurise:
    """Every candidate of a text (lexical and open passes) with its features."""
    nlp = load_nlp()
    stats = LemmaStats.build([("say", "clause", True), ("say", "clause", True)])

    def run(text: str) -> list[tuple[Candidate, list[str]]]:
        recorder = _Recorder()
        find_attributions(nlp(text), judge=recorder)
        return [
            (candidate, candidate_features(candidate, context, stats))
            for context, found in recorder.seen
            for candidate, _ in found
        ]

    return run


def _one(featurise: Featurise, text: str, cue: str) -> tuple[Candidate, list[str]]:
    """The single candidate whose cue starts from the word ``cue``."""
    found = [(c, f) for c, f in featurise(text) if c.verb is not None and c.verb.text == cue]
    assert len(found) == 1, [(c.verb, c.pattern) for c, _ in featurise(text)]
    return found[0]


def test_reported_clause_features(featurise: Featurise) -> None:
    candidate, features = _one(featurise, "Smith said that the plan had failed.", "said")

    assert candidate.pattern == "clause" and candidate.lexical
    for expected in ("l=say", "p=clause", "lexical", "core", "t=VBD", "s=PROPN", "cm=that"):
        assert expected in features
    assert "c=indirect" in features
    assert "aux=not" not in features


def test_negation_and_tense_are_features(featurise: Featurise) -> None:
    _, features = _one(featurise, "Smith did not say that the plan had failed.", "say")

    assert "aux=not" in features and "aux=did" in features and "t=VB" in features


def test_direct_quote_features(featurise: Featurise) -> None:
    _, features = _one(featurise, '"We will win," Smith said.', "said")

    assert "c=direct" in features and "c<v" in features and "cs=we" in features


def test_pronoun_and_title_subjects(featurise: Featurise) -> None:
    _, pronoun = _one(featurise, "She said the plan had failed.", "said")
    _, title = _one(featurise, "The senator said the plan had failed.", "said")

    assert "sw=she" in pronoun and "s=PRON" in pronoun
    assert "sn=senator" in title and "s_title" in title


def test_open_pass_tries_verbs_the_lexicon_rejects(featurise: Featurise) -> None:
    """ "complained about": a preposition pattern only the open pass builds."""
    candidate, features = _one(featurise, "Smith complained about the deal.", "complained")

    assert candidate.pattern == "prep" and not candidate.lexical
    assert "lexical" not in features and "l=complain" in features
    assert find_attributions(load_nlp()("Smith complained about the deal.")) == []


def test_noun_cue_is_an_open_pass_candidate(featurise: Featurise) -> None:
    """ "Trump's claim that ...": a noun pattern only the open pass builds, judged apart."""
    text = "Donald Trump’s claim that crime is rising is false."
    (candidate, features), *_ = [(c, f) for c, f in featurise(text) if c.pattern == "noun-clause"]

    assert candidate.verb is not None and candidate.verb.text == "claim"
    assert not candidate.lexical and "p=noun-clause" in features
    assert [text[s:e] for s, e in candidate.source] == ["Donald Trump’s"]
    assert [text[s:e] for s, e in candidate.content] == ["that crime is rising"]
    assert pattern_group("noun-clause") == "noun" and pattern_group("embedded-prep") == "object"


def test_boundary_examples_are_labelled_by_the_gold_content() -> None:
    """A separator where the gold content ends is a positive cut; one inside it a negative."""
    text = "Smith said the plan failed, which surprised everyone, and left."
    recorder = _Recorder()
    find_attributions(load_nlp()(text), judge=recorder)
    ((context, pairs),) = recorder.seen
    (said,) = [c for c, _ in pairs if c.verb is not None and c.verb.text == "said"]
    start = text.index("the plan")

    def labelled(gold_end: int) -> list[bool]:
        gold = ((start, gold_end),)
        example = Example(0, context, said, "say", "clause", True, True, gold)
        rows, labels = bound_examples([example])
        assert all("m=," in row for row in rows)
        return labels

    assert labelled(text.index(", which")) == [True]
    assert labelled(text.index(", and")) == [False, True]


def test_lemma_rates_are_smoothed_towards_the_prior() -> None:
    stats = LemmaStats.build(
        [("say", "clause", True)] * 9 + [("say", "clause", False)] + [("win", "clause", False)]
    )
    rate, seen = stats.rate("say", "clause")
    unseen_rate, unseen = stats.rate("whisper", "clause")

    assert seen == 10 and 0.8 < rate < 0.9
    assert unseen == 0 and unseen_rate == pytest.approx(stats.prior["clause"])
    assert LemmaStats.from_json(json.loads(json.dumps(stats.to_json()))).prior == stats.prior


def test_logistic_regression_learns_which_feature_signals_the_label() -> None:
    rows = [["bias", "good"]] * 20 + [["bias", "bad"]] * 20 + [["bias", "good", "bad"]] * 4
    labels = [True] * 20 + [False] * 20 + [True, False, True, False]
    fit = fit_logistic(rows, labels, l2=0.1, iterations=300)

    assert fit.weights["good"] > 1 > -1 > fit.weights["bad"]
    assert fit.history[-1] < fit.history[0]


def test_model_json_round_trip_and_version_check(tmp_path: Path) -> None:
    model = CueModel({"bias": -1.0, "l=say": 3.0}, LemmaStats.build([]), 0.4, 0.1)
    path = tmp_path / "m.json"
    model.save(path)
    again = read_cue_model(path)

    assert again.probability(["bias", "l=say"]) == pytest.approx(
        model.probability(["bias", "l=say"])
    )
    assert (again.threshold, again.keep_threshold) == (0.4, 0.1)
    data = json.loads(path.read_text())
    data["format_version"] = FORMAT_VERSION + 1
    with pytest.raises(ValueError, match="retrain"):
        CueModel.from_json(data)


def test_shipped_model_loads_and_is_small() -> None:
    model = load_cue_model()
    path = Path(__file__).resolve().parents[1] / "src" / "saidwhat" / "data" / DEFAULT_MODEL_FILE

    roles = path.with_name(role_file_name(path))

    assert path.stat().st_size < 5_000_000 and roles.stat().st_size < 25_000_000
    assert model.roles is not None
    assert 0.0 <= model.keep_threshold <= model.threshold <= 1.0
    assert model.meta["trained_on_articles"] > 100


def test_methods_pick_the_judge() -> None:
    assert cue_judge("rules") is None
    assert isinstance(cue_judge("model"), CueModel)
    with pytest.raises(ValueError, match="unknown extraction method"):
        cue_judge("magic")  # type: ignore[arg-type]


def test_model_confidence_is_the_probability() -> None:
    text = "Smith said that the plan had failed."
    (by_model,) = next(extract_many([text], method="model"))
    (by_rules,) = next(extract_many([text], method="rules"))

    assert by_model.content == by_rules.content and by_model.source == by_rules.source
    assert by_rules.confidence == 0.8  # the rules' fixed confidence for a reported clause
    assert by_model.confidence != 0.8 and 0.5 < by_model.confidence < 1.0


@needs_polnear
def test_tiny_model_trains_loads_and_extracts(tmp_path: Path) -> None:
    train = parse_corpus(POLNEAR / "train", limit=8)
    dev = parse_corpus(POLNEAR / "dev", limit=3)
    model = train_cue_model(train, dev, iterations=100, role_epochs=2)
    path = tmp_path / "tiny.json"
    model.save(path)
    tiny = read_cue_model(path)

    assert tiny.meta["trained_on_articles"] == 8
    # The role tagger is saved beside the JSON file and its probabilities are features.
    assert (tmp_path / "tiny.roles.bin").is_file() and tiny.roles is not None
    assert any(name.startswith("rt=") for name in tiny.weights)
    assert set(tiny.meta["dev_scores"]) == {
        "attribution_lenient_f1",
        "attribution_strict_f1",
        "token_micro_f1",
    }
    assert tiny.bound_weights and tiny.bound_threshold in (*BOUND_THRESHOLDS, 2.0)
    doc = load_nlp()("Senator Jane Roe said on Tuesday that the bill would pass.")
    found = find_attributions(doc, judge=tiny)
    assert [doc.text[s:e] for s, e in found[0].source] == ["Senator Jane Roe"]
    assert 0.0 < found[0].confidence < 1.0


def test_tied_thresholds_choose_the_higher_bar(monkeypatch: pytest.MonkeyPatch) -> None:
    from saidwhat import training

    # A flat score surface, as on PolNeAR dev: 0.35 is best by less than the tie margin.
    means = {0.3: 0.680, 0.35: 0.6865, 0.4: 0.6858, 0.45: 0.6862, 0.5: 0.683}

    def fake_scores(model: CueModel, dev: object, setting: str, log: object) -> tuple:
        return means[model.threshold], {"attribution_lenient_f1": means[model.threshold]}

    monkeypatch.setattr(training, "_dev_scores", fake_scores)
    model = CueModel(weights={}, stats=LemmaStats())
    threshold, keep, _ = training.choose_thresholds(
        model,
        None,
        thresholds=tuple(means),
        keep_thresholds=(0.1,),  # type: ignore[arg-type]
    )
    assert (threshold, keep) == (0.45, 0.1) == (model.threshold, model.keep_threshold)


@needs_polnear
def test_parse_cache_is_reused_only_by_the_same_pipeline(tmp_path: Path) -> None:
    cache = tmp_path / "dev.spacy"
    first = parse_corpus(POLNEAR / "dev", cache=cache, limit=2)
    (written,) = tmp_path.glob("*.spacy")
    # The file is named after the pipeline, so a parse made before a component changed
    # (another model, a new sentence-boundary rule) is never taken for a current one.
    assert written.name == f"dev-{pipeline_fingerprint(load_nlp())}.spacy"
    again = parse_corpus(POLNEAR / "dev", cache=cache, limit=2)
    assert [d.to_json() for d in again.docs] == [d.to_json() for d in first.docs]


@needs_polnear
def test_train_command_writes_a_model(tmp_path: Path) -> None:
    from saidwhat import cli_train  # noqa: F401  (registers `train` on the app)
    from saidwhat.cli import app

    dev = _small_copy(POLNEAR / "dev", tmp_path / "dev", 3)
    out = tmp_path / "model.json"
    args = ["train", "brat", str(POLNEAR / "train"), "--out", str(out), "--limit", "4"]
    args += ["--dev", str(dev), "--iterations", "50", "--json"]
    result = CliRunner().invoke(app, args)

    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert set(report["dev"]) == {"rules", "model"}
    meta = read_cue_model(out).meta
    assert meta["trained_on_articles"] == 4
    assert meta["role_epochs"] == roles.EPOCHS  # no --role-epochs: the tagger's own default
    assert (tmp_path / "model.roles.bin").is_file()


@needs_polnear
def test_train_command_refuses_one_article_clearly(tmp_path: Path) -> None:
    from saidwhat import cli_train  # noqa: F401  (registers `train` on the app)
    from saidwhat.cli import app

    out = tmp_path / "model.json"
    args = ["train", "brat", str(POLNEAR / "train"), "--out", str(out), "--limit", "1"]
    result = CliRunner().invoke(app, args)

    assert result.exit_code == 2
    assert "cannot make 2 folds" in result.output and not out.exists()


def _small_copy(corpus: Path, target: Path, articles: int) -> Path:
    """The first ``articles`` articles of a brat corpus, copied with their annotations."""
    for folder in ("text", "attributions"):
        (target / folder).mkdir(parents=True)
    for text in sorted((corpus / "text").glob("*.txt"))[:articles]:
        (target / "text" / text.name).write_bytes(text.read_bytes())
        for ann in (corpus / "attributions").glob(f"{text.stem}_*.ann"):
            (target / "attributions" / ann.name).write_bytes(ann.read_bytes())
    return target
