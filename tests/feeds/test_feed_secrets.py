"""The provider's ids for a consent and its accounts are secrets of the ledger: an unreachable
or failing API must not put them in an error, `status`, `status --json` or `connect --check`
(the request's path holds them)."""

from __future__ import annotations

import sqlite3
from datetime import date

from tests.conftest import Workspace
from tests.feeds.fake_enablebanking import FakeAccount, FakeEnableBanking, entry
from tests.feeds.flow import connect
from tests.helpers import OWN_IBAN

NOW = "2026-06-15T10:00:00+02:00"


def _stored_ids(workspace: Workspace) -> list[str]:
    with sqlite3.connect(workspace.root / "state" / "ledger.sqlite3") as ledger:
        sessions = [row[0] for row in ledger.execute("SELECT session FROM feed_consents")]
        accounts = [row[0] for row in ledger.execute("SELECT remote_id FROM feed_accounts")]
    return sessions + accounts


def test_an_unreachable_api_names_no_session_or_account_id(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    enablebanking.accounts = [FakeAccount(OWN_IBAN, entries=[entry(date(2026, 6, 1), "10.00")])]
    assert connect(bank_workspace, NOW, fakes=[enablebanking]).code == 0
    secrets = _stored_ids(bank_workspace)
    assert len(secrets) == 2
    enablebanking.server.stop()  # every request now fails to connect
    later = "2026-06-15T18:00:00+02:00"
    shown = ""
    for args in (("scan", "--source", "enablebanking"), ("connect", "--check"),
                 ("status",), ("status", "--json")):  # fmt: skip
        _, out, err = bank_workspace.run(*args, now=later)
        shown += out + err
    assert "cannot reach" in shown  # the failure is still told
    for secret in secrets:
        assert secret not in shown
