"""A bank that never finishes its answer holds back nothing (issue 17 D2, for the bank feeds).

The fake Enable Banking's transactions endpoint answers 200 and then trickles one byte every
half second, forever: the per-read `timeout` never trips. The feed is pulled in a thread of its
own under its `deadline`, so `korwatch scan` ends at the deadline with the source failing (not
needing consent), and the read it made is counted exactly once in the bank's budget.
"""

from __future__ import annotations

import sqlite3
import time
from datetime import date

from tests.conftest import Workspace
from tests.feeds.fake_enablebanking import FakeAccount, FakeEnableBanking, entry
from tests.feeds.flow import connect
from tests.helpers import OWN_IBAN, SmtpServer

NOW = "2026-06-15T10:00:00+02:00"


def _reads_counted(workspace: Workspace) -> int:
    with sqlite3.connect(workspace.root / "state" / "ledger.sqlite3") as ledger:
        return int(ledger.execute("SELECT COUNT(*) FROM feed_reads").fetchone()[0])


def _connected_with_deadline(workspace: Workspace, fake: FakeEnableBanking) -> None:
    with workspace.config.open("a", encoding="utf-8") as config:
        config.write('  deadline = "2s"\n')  # on the bank source, the last table of the file
    fake.accounts = [FakeAccount(OWN_IBAN, entries=[entry(date(2026, 6, 1), "1000.00")])]
    done = connect(workspace, NOW, fakes=[fake])
    assert done.code == 0, done.err


def test_a_bank_trickling_forever_ends_the_scan_at_the_deadline_with_the_read_counted_once(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking, smtp_server: SmtpServer
) -> None:
    _connected_with_deadline(bank_workspace, enablebanking)
    assert _reads_counted(bank_workspace) == 1
    enablebanking.trickle.set()
    started = time.monotonic()
    code, _, err = bank_workspace.run("scan", now="2026-06-15T17:00:00+02:00")
    assert time.monotonic() - started < 30  # 2 s and the grace after it, not forever
    assert code == 1
    assert "studio: enablebanking" in err
    assert "no complete answer within the pull deadline of 2 s" in err
    assert enablebanking.trickling == 1  # asked once: no retry of a read the bank may count
    assert _reads_counted(bank_workspace) == 2  # that read is in the budget, once
    status = bank_workspace.status(2026)
    assert status["bank_feeds"][0]["state"] == "authorized"  # failing, not needs-consent
    (feed,) = [s for s in status["sources"] if s["source"] == "enablebanking"]
    assert feed["failures_in_a_row"] == 1 and "pull deadline" in feed["last_error"]
    assert not any("toegang" in str(m["Subject"]) for m in smtp_server.messages)


def test_after_a_trickling_read_the_next_scheduled_read_is_the_retry(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    _connected_with_deadline(bank_workspace, enablebanking)
    enablebanking.trickle.set()
    assert bank_workspace.run("scan", now="2026-06-15T17:00:00+02:00")[0] == 1
    enablebanking.trickle.clear()
    code, out, _ = bank_workspace.run("scan", now="2026-06-15T18:00:00+02:00")
    assert code == 0
    assert "next read allowed at 2026-06-15 21:00 UTC" in out  # 6 hours after the cut read
    assert enablebanking.first_page_reads() == 2
    code, _, err = bank_workspace.run("scan", now="2026-06-15T23:01:00+02:00")
    assert code == 0, err
    assert enablebanking.first_page_reads() == 3
    assert _reads_counted(bank_workspace) == 3
    assert bank_workspace.status(2026)["turnover"] == "1000.00"
