"""The web pages under test: a workspace with a year that holds a flagged EUR 5,000 loan, the
Flask application on it (test client), or the real waitress server on 127.0.0.1."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient

from korwatch.config.load import load_config
from korwatch.web.app import create_app
from tests.conftest import Workspace
from tests.review.support import year_with_loan

NOW = "2026-11-26T12:00:00+01:00"
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Web:
    workspace: Workspace
    app: Flask
    client: FlaskClient
    loan: str  # the loan's record number

    def page(self, url: str, status: int = 200) -> str:
        response = self.client.get(url)
        assert response.status_code == status, (url, response.status_code)
        return response.get_data(as_text=True)

    def token(self, url: str = "/review") -> str:
        found = _CSRF.search(self.page(url))
        assert found is not None
        return found.group(1)

    def post(self, url: str, **form: str) -> tuple[int, str]:
        """POST `form` with the session's CSRF token; follow the redirect; (status, page)."""
        response = self.client.post(url, data={"csrf": self.token(), **form}, follow_redirects=True)
        return response.status_code, response.get_data(as_text=True)


def make_app(config_path: Path) -> Flask:
    """The application reading the config afresh at each request (as after a reload)."""
    return create_app(lambda: load_config(config_path))


@pytest.fixture
def web(workspace: Workspace, monkeypatch: pytest.MonkeyPatch) -> Iterator[Web]:
    monkeypatch.setenv("KORWATCH_NOW", NOW)
    loan = year_with_loan(workspace)
    app = make_app(workspace.config)
    yield Web(workspace, app, app.test_client(), loan)


def add_business(workspace: Workspace, business_id: str, name: str) -> Path:
    """A second business in the workspace's config, with an inbox of its own."""
    inbox = workspace.root / f"inbox-{business_id}"
    inbox.mkdir()
    text = workspace.config.read_text(encoding="utf-8")
    text += f"""
[[business]]
id = "{business_id}"
name = "{name}"
recipients = ["office@example.nl"]

  [[business.source]]
  type = "directory"
  path = "{inbox}"
  settle_seconds = 0
"""
    workspace.config.write_text(text, encoding="utf-8")
    return inbox


def add_users(workspace: Workspace, table: str) -> None:
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(text + "\n" + table, encoding="utf-8")
