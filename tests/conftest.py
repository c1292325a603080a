"""Shared test helpers and hooks: the real samples' skip (or CI error), and small builders."""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from korwatch.cli import main
from tests import samples
from tests.helpers import SmtpServer, config_text


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "needs_samples: reads the real bank samples (see tests/samples.py)"
    )
    if samples.ci_requires_samples() and not samples.available():
        raise pytest.UsageError(f"{samples.MISSING} (CI=true: the sample tests must run)")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if samples.available():
        return
    skip = pytest.mark.skip(reason=samples.MISSING)
    for item in items:
        if item.get_closest_marker("needs_samples") is not None:
            item.add_marker(skip)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_terminal_summary(terminalreporter: Any) -> Iterator[None]:
    """One line saying how many tests the missing samples skipped, after pytest's own summary
    (outside its wrapper, so below the list of skips that -ra prints)."""
    yield
    skipped = terminalreporter.stats.get("skipped", [])
    count = sum(samples.MISSING in str(report.longrepr) for report in skipped)
    if count:
        terminalreporter.write_line(f"{count} tests skipped: {samples.MISSING}", yellow=True)


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    yield server
    server.stop()


@dataclass
class Workspace:
    """A folder with an inbox, a config and a state dir, and a way to run the CLI in-process."""

    root: Path
    inbox: Path
    config: Path

    def drop(self, name: str, content: str | bytes) -> Path:
        path = self.inbox / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
        return path

    def run(self, *args: str, now: str = "2026-11-26T12:00:00+01:00") -> tuple[int, str, str]:
        """Run `korwatch ARGS -c CONFIG` with the clock at `now`; return (code, out, err)."""
        old = os.environ.get("KORWATCH_NOW")
        os.environ["KORWATCH_NOW"] = now
        out, err = io.StringIO(), io.StringIO()
        try:
            with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                code = main([*args, "-c", str(self.config)])
        finally:
            if old is None:
                os.environ.pop("KORWATCH_NOW", None)
            else:
                os.environ["KORWATCH_NOW"] = old
        return code, out.getvalue(), err.getvalue()

    def status(self, year: int = 2026) -> dict[str, Any]:
        code, out, _ = self.run("status", "--json", "--year", str(year))
        assert code == 0
        return dict(json.loads(out)["businesses"][0])


@pytest.fixture
def workspace(tmp_path: Path, smtp_server: SmtpServer) -> Workspace:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = tmp_path / "korwatch.toml"
    config.write_text(config_text(inbox, smtp_port=smtp_server.port), encoding="utf-8")
    return Workspace(tmp_path, inbox, config)
