"""GoCardless Bank Account Data for existing keys, through the same `korwatch connect`: tokens
from the secret id and key (refreshed, kept in the ledger), the requisition flow with the
redirect's `ref`, booked entries counted and pending ones shown, an expired agreement needing
consent, and the per-account limit's reset header honoured."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest

from tests.conftest import Workspace
from tests.feeds.fake_gocardless import SECRET_KEY, FakeGoCardless, GcAccount, gc_entry
from tests.feeds.flow import connect
from tests.helpers import OWN_IBAN, SmtpServer

NOW = "2026-06-15T10:00:00+02:00"
pytestmark = pytest.mark.usefixtures("gc_keys")


def _connected(workspace: Workspace, fake: FakeGoCardless) -> GcAccount:
    account = GcAccount(
        OWN_IBAN,
        booked=[gc_entry(date(2026, 2, 3), "4000.00"), gc_entry(date(2026, 3, 3), "-25.47"),
                gc_entry(date(2025, 12, 30), "900.00")],
        pending=[gc_entry(date(2026, 6, 14), "150.00", booked=False)],
    )  # fmt: skip
    fake.accounts = [account]
    done = connect(workspace, NOW, fakes=[fake])
    assert done.code == 0, done.err
    return account


def test_gocardless_connect_links_by_requisition_and_counts_only_booked_entries(
    gc_workspace: Workspace, gocardless: FakeGoCardless
) -> None:
    _connected(gc_workspace, gocardless)
    status = gc_workspace.status(2026)
    assert status["turnover"] == "4000.00"
    assert gc_workspace.status(2025)["turnover"] == "900.00"
    feed = status["bank_feeds"][0]
    # 180 days of access from 15 June; status runs at the workspace's clock, 26 November.
    assert feed["provider"] == "gocardless" and feed["valid_until"].startswith("2026-12-12")
    assert feed["days_left"] == 16
    assert feed["accounts"][0]["pending"] == {"count": 1, "amount": "150.00", "currency": "EUR"}
    assert gocardless.reads[0][1]["date_from"] == "2025-01-01"
    assert gocardless.new_tokens == 1
    with sqlite3.connect(gc_workspace.root / "state" / "ledger.sqlite3") as ledger:
        (stored,) = ledger.execute("SELECT access, refresh FROM feed_tokens").fetchall()
    _, out, err = gc_workspace.run("status", "--json", now=NOW)
    for secret in (*stored, SECRET_KEY, next(iter(gocardless.requisitions))):
        assert secret not in out + err


def test_an_access_token_the_api_calls_invalid_is_refreshed_not_made_anew(
    gc_workspace: Workspace, gocardless: FakeGoCardless
) -> None:
    account = _connected(gc_workspace, gocardless)
    gocardless.invalidate_access()
    account.booked.append(gc_entry(date(2026, 6, 16), "500.00"))
    code, _, err = gc_workspace.run("scan", now="2026-06-16T17:00:00+02:00")
    assert code == 0, err
    assert gc_workspace.status(2026)["turnover"] == "4500.00"
    assert gocardless.new_tokens == 1 and gocardless.refreshed == 1


def test_an_expired_gocardless_agreement_needs_consent_once(
    gc_workspace: Workspace, gocardless: FakeGoCardless, smtp_server: SmtpServer
) -> None:
    _connected(gc_workspace, gocardless)
    gocardless.expired_agreements = True
    code, _, err = gc_workspace.run("scan", now="2026-06-16T17:00:00+02:00")
    assert code == 1 and "access ended" in err
    gc_workspace.run("scan", now="2026-06-17T17:00:00+02:00")
    (message,) = smtp_server.messages
    assert "ING geeft geen toegang meer" in message["Subject"]
    code, out, _ = gc_workspace.run("connect", "--check", now="2026-06-17T17:05:00+02:00")
    assert code == 1 and "NEEDS CONSENT" in out


def test_the_per_account_limit_reset_header_sets_the_next_read(
    gc_workspace: Workspace, gocardless: FakeGoCardless
) -> None:
    _connected(gc_workspace, gocardless)
    body = {"summary": "Couldn't update account transactions", "status_code": 429,
            "detail": "Daily request limit set by the Institution has been exceeded.",
            "type": "RateLimitError"}  # fmt: skip
    gocardless.faults.append((429, body, {"HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_RESET": "36000"}))
    code, out, err = gc_workspace.run("scan", "--source", "gocardless", now=NOW)
    assert code == 0, err
    assert "RateLimitError" in out and "next read at 2026-06-15 18:00 UTC" in out
    reads = len(gocardless.reads)
    gc_workspace.run("scan", "--source", "gocardless", now="2026-06-15T19:00:00+02:00")
    assert len(gocardless.reads) == reads


def test_a_requisition_deleted_at_gocardless_needs_consent(
    gc_workspace: Workspace, gocardless: FakeGoCardless, smtp_server: SmtpServer
) -> None:
    _connected(gc_workspace, gocardless)
    for requisition in list(gocardless.requisitions):
        gocardless.handle_delete(requisition)
    code, out, _ = gc_workspace.run("connect", "--check", now="2026-06-16T10:00:00+02:00")
    assert code == 1 and "NEEDS CONSENT" in out
    reads = len(gocardless.reads)
    code, out, _ = gc_workspace.run("scan", now="2026-06-16T18:00:00+02:00")
    assert code == 0 and "needs consent since" in out
    assert len(gocardless.reads) == reads  # nothing asked of the bank meanwhile
    (message,) = smtp_server.messages
    assert "ING geeft geen toegang meer" in message["Subject"]
