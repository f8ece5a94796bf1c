"""Shared fixtures for the extraction tests: one cached ``saidwhat.extract`` per module."""

from __future__ import annotations

from collections.abc import Callable

import pytest

import saidwhat
from saidwhat.model import Attribution


@pytest.fixture(scope="module")
def extract() -> Callable[[str], list[Attribution]]:
    """``saidwhat.extract`` with a per-module cache, so each text is parsed once."""
    cache: dict[str, list[Attribution]] = {}

    def run(text: str) -> list[Attribution]:
        if text not in cache:
            cache[text] = saidwhat.extract(text)
        return cache[text]

    return run
