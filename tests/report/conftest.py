"""Charts drawn in-process here (fast); the child-process path has its own test."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def chart_in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KORWATCH_CHART_IN_PROCESS", "1")
