"""Fixtures shared across the test tree."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture
def fragile_extractor(monkeypatch: pytest.MonkeyPatch) -> str:
    """Make ``extract_many`` crash on any batch holding the returned marker word.

    Stands in for an extractor bug, so tests can check that one bad article costs only
    itself, whichever command runs it.
    """
    from saidwhat.extraction import pipeline

    marker = "BOOM"
    real_extract_many = pipeline.extract_many

    def fragile_extract_many(texts: Any, batch_size: int = 32, published: Any = None) -> Any:
        texts = list(texts)
        if any(marker in text for text in texts):
            raise RuntimeError("simulated extractor bug")
        return real_extract_many(texts, batch_size, published)

    monkeypatch.setattr(pipeline, "extract_many", fragile_extract_many)
    return marker
