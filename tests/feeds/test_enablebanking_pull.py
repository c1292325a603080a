"""The Enable Banking feed through the CLI: connect, the first pull of a year over several
pages, incremental pulls with overlap, pending entries, the 75 % warning by email."""

from __future__ import annotations

import json
import sqlite3
import stat
from datetime import date, timedelta

from tests.conftest import Workspace
from tests.feeds.fake_enablebanking import FakeAccount, FakeEnableBanking, entry
from tests.feeds.flow import connect
from tests.helpers import OWN_IBAN, SmtpServer, text_and_html

NOW = "2026-06-15T10:00:00+02:00"


def _year_of_payments() -> list[dict[str, object]]:
    """Credits spread over 2025 and 2026 (and a few debits), 20 entries: 7 pages of 3."""
    items = []
    for month in range(1, 13):
        items.append(entry(date(2025, month, 10), "800.00", name=f"Klant {month}"))
    for month in range(1, 6):
        items.append(entry(date(2026, month, 12), "1500.00", name=f"Klant {month}"))
    items.append(entry(date(2026, 3, 1), "-120.50", name="KPN"))
    items.append(entry(date(2026, 6, 12), "250.00", name="Klant Z", reference=None))
    items.append(entry(date(2026, 6, 12), "250.00", name="Klant Z", reference=None))
    return items


def _ledger(workspace: Workspace) -> sqlite3.Connection:
    return sqlite3.connect(workspace.root / "state" / "ledger.sqlite3")


def test_connect_catches_the_redirect_and_pulls_a_year_over_several_pages(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    enablebanking.accounts = [FakeAccount(OWN_IBAN, entries=_year_of_payments())]
    done = connect(bank_workspace, NOW, fakes=[enablebanking])
    assert done.code == 0, done.err
    assert "close this window" in done.page
    assert f"watching {OWN_IBAN}" in done.out
    pages = [query for iban, query in enablebanking.reads]
    assert len(pages) == 7 and pages[0]["date_from"] == "2025-01-01"
    assert all(q["date_from"] == "2025-01-01" and q["date_to"] == "2026-06-15" for q in pages)
    status = bank_workspace.status(2026)
    # 5 x 1500 + 2 x 250: the two identical payments without an entry_reference both count.
    assert status["turnover"] == "8000.00"
    assert bank_workspace.status(2025)["turnover"] == "9600.00"
    session = next(iter(enablebanking.sessions))
    _, out, err = bank_workspace.run("status", "--json", now=NOW)
    assert session not in done.out + done.err + out + err
    mode = (bank_workspace.root / "state" / "ledger.sqlite3").stat().st_mode
    assert stat.S_IMODE(mode) == 0o600
    assert enablebanking.rejected_tokens == 0


def test_an_incremental_pull_reads_from_the_last_booked_date_minus_the_overlap(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    account = FakeAccount(OWN_IBAN, entries=_year_of_payments())
    enablebanking.accounts = [account]
    assert connect(bank_workspace, NOW, fakes=[enablebanking]).code == 0
    account.entries.append(entry(date(2026, 6, 16), "700.00", name="Late Klant"))
    later = "2026-06-16T17:00:00+02:00"
    code, out, err = bank_workspace.run("scan", now=later)
    assert code == 0, err
    last = enablebanking.reads[-1][1]
    assert last["date_from"] == str(date(2026, 6, 12) - timedelta(days=10))
    assert "1 new" in out
    assert bank_workspace.status(2026)["turnover"] == "8700.00"
    with _ledger(bank_workspace) as ledger:
        assert ledger.execute("SELECT COUNT(*) FROM records").fetchone()[0] == 21


def test_pending_entries_are_shown_in_status_and_not_counted(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    items = _year_of_payments()
    items += [entry(date(2026, 6, 14), "1000.00", status="PDNG"),
              entry(date(2026, 6, 15), "250.00", status="PDNG")]  # fmt: skip
    enablebanking.accounts = [FakeAccount(OWN_IBAN, entries=items)]
    assert connect(bank_workspace, NOW, fakes=[enablebanking]).code == 0
    status = bank_workspace.status(2026)
    assert status["turnover"] == "8000.00"
    feed = status["bank_feeds"][0]
    assert feed["state"] == "authorized"
    assert feed["accounts"][0]["pending"] == {"count": 2, "amount": "1250.00", "currency": "EUR"}
    assert "session" not in json.dumps(status)
    _, out, _ = bank_workspace.run("status", now=NOW)
    assert "pending: 2, EUR 1.250,00" in out


def test_the_warning_email_goes_out_once_the_feed_passes_75_percent(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking, smtp_server: SmtpServer
) -> None:
    account = FakeAccount(OWN_IBAN, entries=[entry(date(2026, m, 5), "2500.00") for m in (1, 2, 3)])
    enablebanking.accounts = [account]
    assert connect(bank_workspace, NOW, fakes=[enablebanking]).code == 0
    assert smtp_server.messages == []  # 7,500: below 75 %
    account.entries += [entry(date(2026, 6, 16), "8000.00", name="Grote Klant")]
    code, _, err = bank_workspace.run("scan", now="2026-06-16T18:00:00+02:00")
    assert code == 0, err
    (message,) = smtp_server.messages
    assert "77,5%" in message["Subject"]
    text, _ = text_and_html(message)
    assert "Grote Klant" in text
    code, _, err = bank_workspace.run("scan", now="2026-06-17T02:00:00+02:00")
    assert code == 0, err
    assert len(smtp_server.messages) == 1


def test_a_pull_makes_no_folder_in_the_state_directory(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    """`korwatch connect` runs by hand (under systemd: by root, beside the service's dynamic
    user); a folder it made in the service's state directory would be root's, and every later
    pull of the daemon would fail to write there."""
    enablebanking.accounts = [FakeAccount(OWN_IBAN, entries=_year_of_payments())]
    assert connect(bank_workspace, NOW, fakes=[enablebanking]).code == 0
    state = bank_workspace.root / "state"
    assert sorted(p.name for p in state.iterdir() if p.is_dir()) == []
    assert bank_workspace.status(2026)["turnover"] == "8000.00"


def test_connect_names_the_granted_accounts_it_does_not_watch_and_how_to_add_them(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    enablebanking.accounts = [FakeAccount(OWN_IBAN), FakeAccount("NL44RABO0123456789", "Privé")]
    done = connect(bank_workspace, NOW, fakes=[enablebanking])
    assert done.code == 0, done.err
    assert f"watching {OWN_IBAN}" in done.out
    assert (
        "not watching NL44RABO0123456789 (Privé): not one of this business's own_ibans" in done.out
    )
    assert "--account NL44RABO0123456789" in done.out
