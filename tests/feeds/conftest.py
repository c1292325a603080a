"""Fixtures for the bank-feed tests: a test RSA key, the fake providers on 127.0.0.1, and a
workspace whose business reads an Enable Banking feed (and a folder, to show it goes on)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import Workspace
from tests.feeds.fake_enablebanking import FakeEnableBanking
from tests.feeds.fake_enablebanking_checks import APP_ID
from tests.feeds.fake_gocardless import SECRET_ID, SECRET_KEY, FakeGoCardless
from tests.feeds.server import rsa_key_pair
from tests.helpers import OWN_IBAN, SmtpServer, free_port


@pytest.fixture(scope="session")
def rsa_keys() -> tuple[str, str]:
    return rsa_key_pair()


@pytest.fixture
def enablebanking(rsa_keys: tuple[str, str]) -> Iterator[FakeEnableBanking]:
    fake = FakeEnableBanking(rsa_keys[1])
    fake.server.start()
    yield fake
    fake.stop()


def config_with(root: Path, smtp_port: int, source: str, top: str = "") -> str:
    """A config for one business reading `root/inbox` and the bank source `source`."""
    return f"""
state_dir = "state"
{top}
[email]
backend = "smtp"
host = "127.0.0.1"
port = {smtp_port}
timeout = 5
sender = "korwatch@example.nl"

[[business]]
id = "studio"
name = "Fotostudio Wout"
recipients = ["selina@example.nl"]
own_ibans = ["{OWN_IBAN}"]

  [[business.source]]
  type = "directory"
  path = "{root / "inbox"}"
  settle_seconds = 0

  [[business.source]]
{source}  redirect_url = "http://127.0.0.1:{free_port()}/callback"
  bank = "ING"
  retries = 1
  timeout = 5
"""


def bank_config(root: Path, fake_url: str, key_path: Path, *, smtp_port: int, top: str = "") -> str:
    source = f"""  type = "enablebanking"
  application_id = "{APP_ID}"
  private_key = "{key_path}"
  api_url = "{fake_url}"\n"""
    return config_with(root, smtp_port, source, top)


@pytest.fixture
def bank_workspace(
    tmp_path: Path,
    smtp_server: SmtpServer,
    enablebanking: FakeEnableBanking,
    rsa_keys: tuple[str, str],
) -> Workspace:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    key = tmp_path / "enablebanking.pem"
    key.write_text(rsa_keys[0], encoding="utf-8")
    config = tmp_path / "korwatch.toml"
    text = bank_config(tmp_path, enablebanking.url, key, smtp_port=smtp_server.port)
    config.write_text(text, encoding="utf-8")
    return Workspace(tmp_path, inbox, config)


@pytest.fixture
def gocardless() -> Iterator[FakeGoCardless]:
    fake = FakeGoCardless()
    fake.server.start()
    yield fake
    fake.server.stop()


@pytest.fixture
def gc_workspace(tmp_path: Path, smtp_server: SmtpServer, gocardless: FakeGoCardless) -> Workspace:
    """A business reading GoCardless with keys held in the environment (${VAR})."""
    (tmp_path / "inbox").mkdir()
    config = tmp_path / "korwatch.toml"
    source = f"""  type = "gocardless"
  secret_id = "${{GC_SECRET_ID}}"
  secret_key = "${{GC_SECRET_KEY}}"
  api_url = "{gocardless.url}"\n"""
    config.write_text(config_with(tmp_path, smtp_server.port, source), encoding="utf-8")
    return Workspace(tmp_path, tmp_path / "inbox", config)


@pytest.fixture
def gc_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GC_SECRET_ID", SECRET_ID)
    monkeypatch.setenv("GC_SECRET_KEY", SECRET_KEY)
