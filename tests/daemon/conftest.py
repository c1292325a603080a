"""Fixtures for the daemon tests: a real HTTP server on 127.0.0.1 serving a changeable export."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from tests.daemon.support import Export


@pytest.fixture
def http_server() -> Iterator[HTTPServer]:
    server = HTTPServer(host="127.0.0.1", threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def export(http_server: HTTPServer) -> Export:
    """An export at /export.csv whose content a test can change; it answers ETag requests."""
    served = Export()
    http_server.expect_request("/export.csv").respond_with_handler(served.handle)
    served.url = http_server.url_for("/export.csv")
    return served
