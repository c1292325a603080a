"""Logging in to the SMTP server with a password that is not ASCII (issue 17, D5).

A real aiosmtpd server on 127.0.0.1 that checks the login; `korwatch test-email` and a scan run
in-process. RFC 4616 (SASL PLAIN) carries the user name and password as UTF-8.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword, auth_mechanism

from korwatch.cli import main
from tests.helpers import config_text, free_port

PASSWORD = "pässwort"


class _Checking:
    """Accepts one login (user "kw", the UTF-8 password) and keeps the messages it is given."""

    def __init__(self) -> None:
        self.logins: list[tuple[str, bytes, bytes]] = []
        self.messages: list[email.message.Message] = []

    def __call__(self, server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        assert isinstance(data, LoginPassword)
        self.logins.append((mechanism, data.login, data.password))
        ok = data.login == b"kw" and data.password == PASSWORD.encode("utf-8")
        return AuthResult(success=ok)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"


class _CramOnly(_Checking):
    """A server that offers only CRAM-MD5, which cannot carry a non-ASCII password."""

    @auth_mechanism("CRAM-MD5")
    async def auth_CRAM_MD5(self, server: Any, args: list[str]) -> AuthResult:
        return AuthResult(success=False)  # pragma: no cover - korwatch must not try it


@contextlib.contextmanager
def _server(handler: _Checking, **options: Any) -> Iterator[int]:
    port = free_port()
    controller = Controller(
        handler, hostname="127.0.0.1", port=port, authenticator=handler,
        auth_require_tls=False, **options,
    )  # fmt: skip
    controller.start()
    try:
        yield port
    finally:
        controller.stop()


def _config(tmp_path: Path, port: int) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir(exist_ok=True)
    config = tmp_path / "korwatch.toml"
    login = f'username = "kw"\npassword = "{PASSWORD}"'
    config.write_text(config_text(inbox, smtp_port=port, extra_email=login), encoding="utf-8")
    return config


def test_a_non_ascii_smtp_password_logs_in_as_utf8(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = _Checking()
    with _server(handler) as port:
        code = main(["test-email", "-c", str(_config(tmp_path, port))])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert handler.logins == [("PLAIN", b"kw", PASSWORD.encode("utf-8"))]
    assert len(handler.messages) == 1


def test_a_server_without_a_utf8_login_gets_a_clear_error_that_shows_no_secret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    handler = _CramOnly()
    with _server(handler, auth_exclude_mechanism=["PLAIN", "LOGIN"]) as port:
        code = main(["test-email", "-c", str(_config(tmp_path, port))])
    err = capsys.readouterr().err
    assert code == 1
    assert "NOT SENT" in err and "not ASCII" in err and "CRAM-MD5" in err
    for leak in ("ä", "\\xe4", "pässwort", "Traceback", "position"):
        assert leak not in err, err
    assert handler.logins == [] and handler.messages == []
