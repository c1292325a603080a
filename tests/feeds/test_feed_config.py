"""check-config on bank sources: the key readable and an RSA private key, the application id a
UUID, the redirect URL usable; a secret's value never in a message. And the edges of a pull:
a period the bank will not serve, a person who declines at the bank."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from tests.conftest import Workspace
from tests.feeds.conftest import bank_config
from tests.feeds.fake_enablebanking import FakeAccount, FakeEnableBanking, entry
from tests.feeds.flow import connect
from tests.feeds.server import rsa_key_pair
from tests.helpers import OWN_IBAN, SmtpServer

NOW = "2026-06-15T10:00:00+02:00"


def _check(
    tmp_path: Path, smtp: SmtpServer, key: Path, extra: str = "",
    api_url: str = "https://api.example.invalid",
) -> tuple[int, str]:  # fmt: skip
    config = tmp_path / "korwatch.toml"
    text = bank_config(tmp_path, api_url, key, smtp_port=smtp.port)
    config.write_text(text + extra, encoding="utf-8")
    workspace = Workspace(tmp_path, tmp_path / "inbox", config)
    code, out, err = workspace.run("check-config")
    return code, out + err


def test_check_config_accepts_a_readable_rsa_key(
    tmp_path: Path, smtp_server: SmtpServer, rsa_keys: tuple[str, str]
) -> None:
    key = tmp_path / "key.pem"
    key.write_text(rsa_keys[0], encoding="utf-8")
    code, out = _check(tmp_path, smtp_server, key)
    assert code == 0, out


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (None, "cannot read the key file"),
        ("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXZhbHVl\n-----END PRIVATE KEY-----\n",
         "is not a PEM private key"),
        ("ec", "is not an RSA key"),
    ],
)  # fmt: skip
def test_check_config_refuses_a_key_it_cannot_use_without_showing_it(
    tmp_path: Path, smtp_server: SmtpServer, content: str | None, problem: str
) -> None:
    key = tmp_path / "key.pem"
    if content == "ec":
        from cryptography.hazmat.primitives import serialization
        from cryptography.hazmat.primitives.asymmetric import ec

        content = (
            ec.generate_private_key(ec.SECP256R1())
            .private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                           serialization.NoEncryption())
            .decode()
        )  # fmt: skip
    if content is not None:
        key.write_text(content, encoding="utf-8")
    code, out = _check(tmp_path, smtp_server, key)
    assert code == 2
    assert f"business[0].source[1].private_key: {problem}" in out
    assert "c2VjcmV0LXZhbHVl" not in out and "BEGIN" not in out


def test_check_config_refuses_a_wrong_application_id_and_a_remote_plain_http_redirect(
    tmp_path: Path, smtp_server: SmtpServer, rsa_keys: tuple[str, str]
) -> None:
    key = tmp_path / "key.pem"
    key.write_text(rsa_keys[0], encoding="utf-8")
    config = tmp_path / "korwatch.toml"
    text = bank_config(tmp_path, "https://api.example.invalid", key, smtp_port=smtp_server.port)
    text = text.replace('application_id = "3f1c', 'application_id = "not-a-uuid-3f1c')
    text = text.replace("http://127.0.0.1:", "http://bank.example.org:")
    config.write_text(text, encoding="utf-8")
    code, _, err = Workspace(tmp_path, tmp_path / "inbox", config).run("check-config")
    assert code == 2
    assert "application_id" in err and "is not an application id" in err
    assert "redirect_url" in err and "plain http only to this machine" in err


def test_a_period_the_bank_will_not_serve_is_read_with_the_longest_strategy(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    enablebanking.history_days = 90
    items = [entry(date(2025, 3, 1), "500.00"), entry(date(2026, 5, 1), "700.00")]
    enablebanking.accounts = [FakeAccount(OWN_IBAN, entries=items)]
    done = connect(bank_workspace, NOW, fakes=[enablebanking])
    assert done.code == 0, done.err
    queries = [query for _, query in enablebanking.reads]
    assert queries[0].get("strategy") is None and queries[1]["strategy"] == "longest"
    assert bank_workspace.status(2026)["turnover"] == "700.00"


def test_declining_at_the_bank_connects_nothing(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    enablebanking.refuse = True
    enablebanking.accounts = [FakeAccount(OWN_IBAN)]
    done = connect(bank_workspace, NOW, fakes=[enablebanking])
    assert done.code == 1
    assert "the bank did not grant access: User cancelled" in done.err
    assert bank_workspace.status(2026)["bank_feeds"] == []


def test_a_key_enable_banking_does_not_know_is_named_as_the_problem_when_connecting(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    (bank_workspace.root / "enablebanking.pem").write_text(rsa_key_pair()[0], encoding="utf-8")
    enablebanking.accounts = [FakeAccount(OWN_IBAN)]
    done = connect(bank_workspace, NOW, fakes=[enablebanking], browse=False)
    assert done.code == 1
    assert "refused the application (UNAUTHORIZED_ACCESS)" in done.err
    assert "check application_id and private_key" in done.err
    assert enablebanking.rejected_tokens == 1 and not enablebanking.auths


def test_check_config_refuses_an_api_url_that_would_send_the_keys_in_plain_http(
    tmp_path: Path, smtp_server: SmtpServer, rsa_keys: tuple[str, str]
) -> None:
    """A signed token (and GoCardless's secret key) must not cross the network unencrypted."""
    key = tmp_path / "key.pem"
    key.write_text(rsa_keys[0], encoding="utf-8")
    code, out = _check(tmp_path, smtp_server, key, api_url="http://api.example.org")
    assert code == 2
    assert "business[0].source[1].api_url" in out and "plain http only to this machine" in out
