"""Secrets of the `http` source stay with their origin across redirects (issue 17, D3).

Two real HTTP servers on 127.0.0.1 (different ports, so different origins), and an HTTPS one
with a certificate from a throwaway CA (trustme): a redirect to another origin must not carry
the API key, the token or the password; a redirect from https to http is refused.
"""

from __future__ import annotations

import base64
import ssl
from collections.abc import Iterator
from pathlib import Path

import pytest
import trustme
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from korwatch.errors import SourceError
from tests.daemon.test_http_source import SECRET, pull, source_from

CSV = "Datum;Bedrag\n"


class _Seen:
    """Answers with the export and keeps the headers of every request it got."""

    def __init__(self) -> None:
        self.headers: list[dict[str, str]] = []

    def __call__(self, request: Request) -> Response:
        self.headers.append(dict(request.headers))
        return Response(CSV, content_type="text/csv")


@pytest.fixture
def elsewhere() -> Iterator[HTTPServer]:
    """A second server: same host, another port, so another origin."""
    server = HTTPServer(host="127.0.0.1")
    server.start()
    yield server
    server.clear()
    server.stop()


def _secret_source(url: str, **extra: object) -> object:
    return source_from(
        {
            "url": url,
            "headers": {"X-Api-Key": "${KEY}"},
            "username": "wout",
            "password": "${KEY}",
            **extra,
        },
        {"KEY": SECRET},
    )


def _leaks(headers: dict[str, str]) -> list[str]:
    basic = base64.b64encode(f"wout:{SECRET}".encode()).decode()
    return [name for name, value in headers.items() if SECRET in value or basic in value]


def test_a_secret_header_does_not_follow_a_redirect_to_another_origin(
    http_server: HTTPServer, elsewhere: HTTPServer, tmp_path: Path
) -> None:
    seen, there = _Seen(), _Seen()
    target = elsewhere.url_for("/export.csv")
    http_server.expect_request("/export.csv").respond_with_handler(
        lambda request: (seen(request), Response(status=302, headers={"Location": target}))[1]
    )
    elsewhere.expect_request("/export.csv").respond_with_handler(there)
    source = _secret_source(http_server.url_for("/export.csv"))
    documents = pull(source, tmp_path)  # type: ignore[arg-type]
    assert [d.path.read_text() for d in documents] == [CSV]
    assert sorted(_leaks(seen.headers[0])) == ["Authorization", "X-Api-Key"]  # the origin has them
    assert len(there.headers) == 1 and _leaks(there.headers[0]) == []


def test_a_secret_header_still_follows_a_redirect_on_the_same_origin(
    http_server: HTTPServer, tmp_path: Path
) -> None:
    seen = _Seen()
    http_server.expect_request("/old.csv").respond_with_response(
        Response(status=301, headers={"Location": "/export.csv"})
    )
    http_server.expect_request("/export.csv").respond_with_handler(seen)
    source = _secret_source(http_server.url_for("/old.csv"))
    assert len(pull(source, tmp_path)) == 1  # type: ignore[arg-type]
    assert seen.headers[0]["X-Api-Key"] == SECRET


def test_a_redirect_from_https_to_plain_http_is_refused(
    elsewhere: HTTPServer, tmp_path: Path
) -> None:
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    secure = HTTPServer(host="127.0.0.1", ssl_context=context)
    secure.start()
    try:
        secure.expect_request("/export.csv").respond_with_response(
            Response(status=302, headers={"Location": elsewhere.url_for("/export.csv")})
        )
        there = _Seen()
        elsewhere.expect_request("/export.csv").respond_with_handler(there)
        source = _secret_source(secure.url_for("/export.csv"), ca_file=str(ca_file))
        with pytest.raises(SourceError) as refused:
            pull(source, tmp_path / "state")  # type: ignore[arg-type]
    finally:
        secure.clear()
        secure.stop()
    assert "redirected to plain http://127.0.0.1" in str(refused.value)
    assert "does not leave https" in str(refused.value)
    assert SECRET not in str(refused.value)
    assert there.headers == []
