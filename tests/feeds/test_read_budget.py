"""The bank's read budget: at most 4 unattended reads of an account a day, recorded in the
ledger (a restart or a manual scan spends none again), the source's own schedule, and a 429's
Retry-After honoured."""

from __future__ import annotations

from datetime import date

from tests.conftest import Workspace
from tests.feeds.fake_enablebanking import FakeAccount, FakeEnableBanking, entry
from tests.feeds.flow import connect
from tests.helpers import OWN_IBAN

NOW = "2026-06-15T10:00:00+02:00"


def _connected(workspace: Workspace, fake: FakeEnableBanking) -> FakeAccount:
    account = FakeAccount(OWN_IBAN, entries=[entry(date(2026, 6, 1), "1000.00")])
    fake.accounts = [account]
    assert connect(workspace, NOW, fakes=[fake]).code == 0
    return account


def test_a_manual_scan_of_the_source_stops_at_four_reads_and_says_when_the_next_is_allowed(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    _connected(bank_workspace, enablebanking)  # read 1
    for minute in ("05", "10", "15"):  # reads 2, 3 and 4
        code, _, err = bank_workspace.run(
            "scan", "--source", "enablebanking", now=f"2026-06-15T10:{minute}:00+02:00"
        )
        assert code == 0, err
    assert enablebanking.first_page_reads(OWN_IBAN) == 4
    code, out, err = bank_workspace.run(
        "scan", "--source", "enablebanking", now="2026-06-15T23:00:00+02:00"
    )
    assert code == 0, err
    assert f"{OWN_IBAN}: next read allowed at 2026-06-16 08:00 UTC" in out
    assert enablebanking.first_page_reads(OWN_IBAN) == 4  # the bank was not asked
    code, out, err = bank_workspace.run(
        "scan", "--source", "enablebanking", now="2026-06-16T10:01:00+02:00"
    )
    assert enablebanking.first_page_reads(OWN_IBAN) == 5  # 24 hours after the first read


def test_a_plain_scan_reads_a_feed_only_when_its_schedule_is_due(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    _connected(bank_workspace, enablebanking)
    code, out, _ = bank_workspace.run("scan", now="2026-06-15T11:00:00+02:00")
    assert code == 0
    assert "next read allowed at 2026-06-15 14:00 UTC" in out  # 6 hours after the first read
    assert enablebanking.first_page_reads() == 1
    code, out, _ = bank_workspace.run("scan", now="2026-06-15T16:01:00+02:00")
    assert code == 0
    assert enablebanking.first_page_reads() == 2


def test_a_dry_run_spends_no_read(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    _connected(bank_workspace, enablebanking)
    code, out, _ = bank_workspace.run("scan", "--dry-run", now="2026-06-16T16:00:00+02:00")
    assert code == 0
    assert "not read in a dry run" in out
    assert enablebanking.first_page_reads() == 1


def test_a_429_from_the_bank_waits_for_its_retry_after(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    _connected(bank_workspace, enablebanking)
    limit = {"code": 429, "message": "limit", "error": "ASPSP_RATE_LIMIT_EXCEEDED"}
    enablebanking.faults.append((429, limit, {"Retry-After": "7200"}))
    before = len(enablebanking.reads)
    code, out, err = bank_workspace.run(
        "scan", "--source", "enablebanking", now="2026-06-15T12:00:00+02:00"
    )
    assert code == 0, err
    assert "ASPSP_RATE_LIMIT_EXCEEDED" in out
    assert len(enablebanking.reads) == before + 1  # asked once, not retried in a loop
    bank_workspace.run("scan", "--source", "enablebanking", now="2026-06-15T12:30:00+02:00")
    assert len(enablebanking.reads) == before + 1  # not before Retry-After
    code, out, err = bank_workspace.run(
        "scan", "--source", "enablebanking", now="2026-06-15T14:05:00+02:00"
    )
    assert code == 0, err
    assert len(enablebanking.reads) == before + 2


def test_a_read_the_bank_answered_with_an_error_is_not_repeated_at_once(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    """The bank may count a read that failed on its side; the next read is the retry."""
    _connected(bank_workspace, enablebanking)
    failed = {"code": 500, "message": "Error interacting with ASPSP", "error": "ASPSP_ERROR"}
    enablebanking.faults += [(500, failed, {}), (500, failed, {})]
    before = len(enablebanking.reads)
    code, _, err = bank_workspace.run(
        "scan", "--source", "enablebanking", now="2026-06-15T12:00:00+02:00"
    )
    assert code == 1 and "ASPSP_ERROR" in err
    assert len(enablebanking.reads) == before + 1  # asked once (retries = 1 in the config)
    assert len(enablebanking.faults) == 1
