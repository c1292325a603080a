"""The `http` source against a real HTTP server on 127.0.0.1: conditional requests, auth from
secret references, retries with Retry-After, the size limit, and messages without secrets."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from korwatch.configtable import Table
from korwatch.errors import SourceError
from korwatch.sources import DocumentInput, SourceContext
from korwatch.sources.http import HttpKind, HttpSource, retry_after, safe_url
from tests.daemon.support import Export

SECRET = "s3cr3t-t0ken-value"
NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def source_from(data: Mapping[str, Any], env: Mapping[str, str] | None = None) -> HttpSource:
    problems: list[str] = []
    table = Table(data, "business[0].source[0]", problems, (env or {}).get)
    source = HttpKind().from_config(table, None)
    table.finish()
    assert problems == []
    assert source is not None
    return source


def pull(source: HttpSource, state: Path) -> list[DocumentInput]:
    """One scan's worth: every document, acknowledged as imported."""
    found = list(source.documents(SourceContext("studio", state, NOW)))
    for document in found:
        source.acknowledge(document, "imported")
    return found


def test_an_unchanged_export_is_not_downloaded_again(export: Export, tmp_path: Path) -> None:
    export.body = "Datum;Bedrag\n"
    source = source_from({"url": export.url})
    first = pull(source, tmp_path)
    assert [d.path.read_text() for d in first] == ["Datum;Bedrag\n"]
    assert first[0].name == export.url
    assert pull(source, tmp_path) == []  # 304 Not Modified
    assert export.requests[1]["If-None-Match"]
    export.body = "Datum;Bedrag\n1;2\n"
    assert [d.path.read_text() for d in pull(source, tmp_path)] == ["Datum;Bedrag\n1;2\n"]


def test_the_etag_is_kept_only_once_the_download_was_imported(
    export: Export, tmp_path: Path
) -> None:
    export.body = "a\n"
    source = source_from({"url": export.url})
    assert len(list(source.documents(SourceContext("studio", tmp_path, NOW)))) == 1
    # The scan died before acknowledging: the next request is unconditional again.
    assert len(pull(source, tmp_path)) == 1
    assert "If-None-Match" not in export.requests[1]


def test_if_modified_since_is_sent_back(http_server: HTTPServer, tmp_path: Path) -> None:
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"
    seen: list[str | None] = []

    def handle(request: Request) -> Response:
        seen.append(request.headers.get("If-Modified-Since"))
        if request.headers.get("If-Modified-Since") == stamp:
            return Response(status=304)
        return Response("x\n", headers={"Last-Modified": stamp})

    http_server.expect_request("/e.csv").respond_with_handler(handle)
    source = source_from({"url": http_server.url_for("/e.csv")})
    assert len(pull(source, tmp_path)) == 1
    assert pull(source, tmp_path) == []
    assert seen == [None, stamp]


def test_basic_auth_and_headers_come_from_secret_references(
    http_server: HTTPServer, tmp_path: Path
) -> None:
    basic = "Basic " + base64.b64encode(f"wout:{SECRET}".encode()).decode()
    http_server.expect_request(
        "/e.csv", headers={"Authorization": basic, "X-Api-Key": SECRET}
    ).respond_with_data("ok\n")
    source = source_from(
        {
            "url": http_server.url_for("/e.csv"),
            "username": "wout",
            "password": "${PASS}",
            "headers": {"X-Api-Key": "${credential:key}"},
        },
        {"PASS": SECRET, "credential:key": SECRET},
    )
    assert SECRET not in repr(source)
    assert [d.path.read_text() for d in pull(source, tmp_path)] == ["ok\n"]


def test_a_bearer_token_is_sent(http_server: HTTPServer, tmp_path: Path) -> None:
    http_server.expect_request(
        "/e.csv", headers={"Authorization": f"Bearer {SECRET}"}
    ).respond_with_data("ok\n")
    source = source_from({"url": http_server.url_for("/e.csv"), "token": "${T}"}, {"T": SECRET})
    assert len(pull(source, tmp_path)) == 1


def test_5xx_and_429_are_retried_honouring_retry_after(
    http_server: HTTPServer, tmp_path: Path
) -> None:
    answers = [
        Response(status=503),
        Response(status=429, headers={"Retry-After": "1"}),
        Response("ok\n"),
    ]
    http_server.expect_request("/e.csv").respond_with_handler(lambda _r: answers.pop(0))
    source = source_from({"url": http_server.url_for("/e.csv"), "retries": 2})
    waits: list[float] = []
    fetcher = source.fetcher()
    object.__setattr__(fetcher, "sleep", waits.append)
    object.__setattr__(source, "fetcher", lambda: fetcher)
    assert len(pull(source, tmp_path)) == 1
    assert waits == [1.0, 1.0]  # backoff 2**0, then the server's Retry-After


def test_giving_up_after_the_retries_names_the_url_without_its_secrets(
    http_server: HTTPServer, tmp_path: Path
) -> None:
    http_server.expect_request("/e.csv").respond_with_data("busy", status=502)
    url = http_server.url_for("/e.csv").replace("http://", f"http://wout:{SECRET}@")
    source = source_from({"url": url + f"?key={SECRET}", "retries": 0})
    with pytest.raises(SourceError) as raised:
        pull(source, tmp_path)
    assert "HTTP 502" in str(raised.value)
    assert SECRET not in str(raised.value)
    assert SECRET not in source.label


def test_a_refused_login_is_not_retried_and_says_to_check_the_credentials(
    http_server: HTTPServer, tmp_path: Path
) -> None:
    http_server.expect_oneshot_request("/e.csv").respond_with_data("no", status=401)
    source = source_from({"url": http_server.url_for("/e.csv"), "token": SECRET})
    with pytest.raises(SourceError, match=r"HTTP 401 \(check the credentials"):
        pull(source, tmp_path)


def test_an_export_over_the_size_limit_is_refused(http_server: HTTPServer, tmp_path: Path) -> None:
    http_server.expect_request("/e.csv").respond_with_data("x" * 5000)
    source = source_from({"url": http_server.url_for("/e.csv"), "max_bytes": 1000})
    with pytest.raises(SourceError, match="over max_bytes 1000"):
        pull(source, tmp_path)


def test_an_unreachable_server_is_a_source_error(tmp_path: Path) -> None:
    source = source_from({"url": "http://127.0.0.1:9/e.csv", "retries": 0, "timeout": 2})
    with pytest.raises(SourceError, match="cannot connect"):
        pull(source, tmp_path)


def test_tls_verification_is_on_unless_turned_off() -> None:
    assert source_from({"url": "https://127.0.0.1/e.csv"}).verify is True
    assert source_from({"url": "https://x/e", "ca_file": "/etc/ca.pem"}).verify == "/etc/ca.pem"


def test_config_problems_are_reported_with_their_key_path() -> None:
    problems: list[str] = []
    table = Table({"url": "ftp://x/e", "password": "p"}, "business[0].source[0]", problems)
    HttpKind().from_config(table, None)
    assert problems == [
        'business[0].source[0].url: "ftp://x/e" must start with https:// or http://',
        "business[0].source[0].password: is set but username is not",
    ]


def test_retry_after_reads_seconds_and_http_dates() -> None:
    assert retry_after("7", 0.0) == 7.0
    assert retry_after("Thu, 01 Jan 1970 00:01:00 GMT", 0.0) == 60.0
    assert retry_after("soon", 0.0) is None


def test_safe_url_drops_user_info_and_query() -> None:
    assert safe_url("https://u:p@h.nl:8443/a/b.csv?token=x#f") == "https://h.nl:8443/a/b.csv"
