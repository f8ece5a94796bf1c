"""``saidwhat train brat DIR --dev DIR --out MODEL``: rebuild the trained cue model.

Kept apart from :mod:`saidwhat.cli` so each command family reads on its own; registered on
the main ``app`` when :mod:`saidwhat.cli` imports this module. The work is done by
:mod:`saidwhat.training`; this module only reads options, reports progress on stderr and
prints the dev scores, so that anyone with the data can reproduce the shipped model.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from saidwhat.cli import EXIT_CANNOT_RUN, _err, app

train_app = typer.Typer(
    help="Train the extractor's models from annotated corpora.",
    no_args_is_help=True,
)
app.add_typer(train_app, name="train")

_TRAIN_BRAT_HELP = (
    "Train the cue model from a brat-annotated corpus (PolNeAR's layout) and write it as "
    "one JSON file.\n\n"
    "A role tagger (spaCy) learns which words are sources, cues and contents; it is written "
    "beside the JSON file as <name>.roles.bin. Every verb the extraction patterns can build "
    "an attribution from becomes a candidate, labelled from the gold annotations; a logistic "
    "regression over its features and the tagger's probabilities learns which candidates "
    "are attributions. With --dev, the probability threshold is chosen on that corpus and the "
    "dev scores of the rules and of the model are printed. Never train or tune on a test "
    "split. Exit status 2 when a corpus cannot be read or the language model is missing."
)


@train_app.command("brat", help=_TRAIN_BRAT_HELP)
def train_brat(
    directory: Annotated[
        Path,
        typer.Argument(help="Training corpus: text/<id>.txt and attributions/*.ann."),
    ],
    out: Annotated[
        Path,
        typer.Option("--out", help="Where to write the model (a .json file)."),
    ],
    dev: Annotated[
        Path | None,
        typer.Option("--dev", help="Corpus to choose the threshold on and to report scores."),
    ] = None,
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache",
            help="Folder to keep the parsed corpora in (spaCy DocBin files) between runs.",
        ),
    ] = None,
    limit: Annotated[
        int | None,
        typer.Option("--limit", help="Use only the first N training articles.", min=1),
    ] = None,
    l2: Annotated[float, typer.Option("--l2", help="L2 penalty per weight.", min=0.0)] = 1.0,
    iterations: Annotated[
        int, typer.Option("--iterations", help="Optimiser steps (full batch).", min=1)
    ] = 400,
    role_epochs: Annotated[
        int | None,
        typer.Option(
            "--role-epochs",
            help="Epochs of the role tagger whose probabilities the cue model reads; 0 trains "
            "the cue model alone. Default: the number the tagger was tuned with.",
            min=0,
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the dev scores as JSON to stdout.")
    ] = False,
) -> None:
    """Train the cue model (user-facing help: ``_TRAIN_BRAT_HELP``)."""
    from saidwhat.evaluate import CorpusError
    from saidwhat.extraction.cue_model import role_file_name
    from saidwhat.extraction.pipeline import ModelNotInstalledError
    from saidwhat.extraction.roles import EPOCHS
    from saidwhat.training import headline, parse_corpus, score_docs, train_cue_model

    started = time.perf_counter()
    try:
        _err(f"parsing {directory} ...")
        train = parse_corpus(directory, _cache_file(cache, directory, limit), limit)
        dev_corpus = None
        if dev is not None:
            _err(f"parsing {dev} ...")
            dev_corpus = parse_corpus(dev, _cache_file(cache, dev, None))
    except CorpusError as exc:
        _err(f"error: cannot read corpus: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None
    except ModelNotInstalledError as exc:
        _err(f"error: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None
    _err(f"parsed in {time.perf_counter() - started:.1f} s")

    try:
        epochs = EPOCHS if role_epochs is None else role_epochs
        model = train_cue_model(
            train, dev_corpus, l2=l2, iterations=iterations, role_epochs=epochs, log=_err
        )
    except ValueError as exc:  # too few articles to train on
        _err(f"error: cannot train on {directory}: {exc}")
        raise typer.Exit(EXIT_CANNOT_RUN) from None
    model.save(out)
    seconds = time.perf_counter() - started
    size = out.stat().st_size
    if model.roles is not None:
        role_file = out.with_name(role_file_name(out))
        _err(f"wrote {role_file} ({role_file.stat().st_size / 1024:,.0f} KiB)")
    _err(
        f"wrote {out} ({size / 1024:,.0f} KiB, thresholds {model.threshold:.2f} for new "
        f"candidates, {model.keep_threshold:.2f} for the lexicon's)"
    )

    scores: dict[str, dict[str, float]] = {}
    if dev_corpus is not None:
        scores["rules"] = headline(score_docs(dev_corpus, None)[0])
        scores["model"] = headline(score_docs(dev_corpus, model)[0])
    if as_json:
        payload = {
            "model": str(out),
            "threshold": model.threshold,
            "keep_threshold": model.keep_threshold,
            "seconds": seconds,
        }
        typer.echo(json.dumps({**payload, "dev": scores}, indent=2))
        return
    console = Console(highlight=False)
    if scores:
        console.print(f"dev scores ({dev}):")
        console.print(f"  {'':6} {'lenient F1':>11} {'strict F1':>10} {'token F1':>9}")
        for name, row in scores.items():
            console.print(
                f"  {name:6} {row['attribution_lenient_f1']:>11.4f} "
                f"{row['attribution_strict_f1']:>10.4f} {row['token_micro_f1']:>9.4f}"
            )
    console.print(f"trained in {seconds:.1f} s")


def _cache_file(folder: Path | None, corpus: Path, limit: int | None) -> Path | None:
    """One DocBin per corpus (and limit) in the cache folder, named after the corpus path."""
    if folder is None:
        return None
    name = "-".join(corpus.resolve().parts[-3:]).replace(" ", "_")
    suffix = f"-first{limit}" if limit else ""
    return folder / f"{name}{suffix}.spacy"
