"""`korwatch run` with an Enable Banking source: the bank job pulls on the source's own schedule,
apart from the folder scan; over a simulated day (the daemon restarted at fixed clock times) it
never reads an account more than 4 times, and a restart does not spend the day's reads again.
A bank that never finishes its answer holds back no other job, and the daemon still stops."""

from __future__ import annotations

import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from tests.conftest import Workspace
from tests.daemon.support import (
    count,
    directory_source,
    start_daemon,
    this_year_payments,
    until,
)
from tests.feeds.conftest import bank_config, enablebanking, rsa_keys  # noqa: F401 (fixtures)
from tests.feeds.fake_enablebanking import FakeAccount, FakeEnableBanking, entry
from tests.feeds.flow import connect
from tests.helpers import OWN_IBAN, SmtpServer, ing_csv

SCHEDULE = '[schedule]\nscan = "1h"\nbank = "1s"\ndeliver = "1s"\nwatch = "off"'


def _workspace(
    root: Path,
    fake: FakeEnableBanking,
    key_text: str,
    smtp: SmtpServer,
    schedule: str,
    more: str = "",
) -> Workspace:
    """Business "studio" reading an empty folder and the fake Enable Banking; `more` adds
    further [[business]] tables."""
    (root / "inbox").mkdir()
    key = root / "enablebanking.pem"
    key.write_text(key_text, encoding="utf-8")
    config = root / "korwatch.toml"
    text = bank_config(root, fake.url, key, smtp_port=smtp.port, top=schedule)
    config.write_text(text + more, encoding="utf-8")
    return Workspace(root, root / "inbox", config)


def _run_at(workspace: Workspace, now: str, fake: FakeEnableBanking, reads: int) -> str:
    """Run the daemon with the clock fixed at `now` until the bank job has had its say, and
    a few more of its runs; return the log."""
    log = workspace.root / f"daemon-{len(list(workspace.root.glob('daemon-*')))}.log"
    daemon = start_daemon(workspace.config, log, {"KORWATCH_NOW": now})
    try:
        until(lambda: fake.first_page_reads() >= reads, what=f"read {reads} at {now}")
        until(lambda: log.read_text().count("not read") >= 3, what=f"bank job runs at {now}")
    finally:
        assert daemon.stop() == 0
    return log.read_text()


def test_the_daemon_pulls_a_bank_feed_on_its_own_schedule_within_four_reads_a_day(
    tmp_path: Path,
    smtp_server: SmtpServer,
    enablebanking: FakeEnableBanking,  # noqa: F811
    rsa_keys: tuple[str, str],  # noqa: F811
) -> None:
    workspace = _workspace(tmp_path, enablebanking, rsa_keys[0], smtp_server, SCHEDULE)
    enablebanking.accounts = [FakeAccount(OWN_IBAN, entries=[entry(date(2026, 6, 1), "900.00")])]
    assert connect(workspace, "2026-06-15T00:05:00+02:00", fakes=[enablebanking]).code == 0
    day = [  # (the daemon's clock, first-page reads of the account expected by then)
        ("2026-06-15T03:00:00+02:00", 1),  # 6 hours have not passed since the connect's read
        ("2026-06-15T06:10:00+02:00", 2),
        ("2026-06-15T06:10:00+02:00", 2),  # a restart: that read is not spent again
        ("2026-06-15T12:20:00+02:00", 3),
        ("2026-06-15T18:30:00+02:00", 4),
        ("2026-06-15T23:59:00+02:00", 4),  # 4 in the last 24 hours: the budget is spent
    ]
    for now, reads in day:
        text = _run_at(workspace, now, enablebanking, reads)
        assert enablebanking.first_page_reads() == reads, text
        assert "next read allowed at" in text
    assert enablebanking.rejected_tokens == 0
    assert max(enablebanking.unattended.values()) == 4  # the bank never had to refuse one
    enablebanking.new_day(date(2026, 6, 16))
    _run_at(workspace, "2026-06-16T00:31:00+02:00", enablebanking, 5)
    assert enablebanking.first_page_reads() == 5


def test_a_bank_trickling_forever_holds_back_no_other_business_and_the_daemon_still_stops(
    tmp_path: Path,
    smtp_server: SmtpServer,
    enablebanking: FakeEnableBanking,  # noqa: F811
    rsa_keys: tuple[str, str],  # noqa: F811
) -> None:
    """Issue 17 D2 for the bank feeds: the bank job pulls in a thread of its own under the
    (default, far away) deadline; another business's crossing from a folder is emailed within
    one scan interval all the same, the read is counted once, and SIGTERM ends the daemon."""
    other = tmp_path / "other"
    other.mkdir()
    schedule = '[schedule]\nscan = "15s"\nbank = "1s"\ndeliver = "1s"\nwatch = "off"'
    bakkerij = f"""
[[business]]
id = "bakkerij"
name = "Bakkerij de Vries"
recipients = ["bakker@example.nl"]

  [[business.source]]
{directory_source(other)}
"""
    workspace = _workspace(tmp_path, enablebanking, rsa_keys[0], smtp_server, schedule, bakkerij)
    config = workspace.config
    today = datetime.now(UTC)
    enablebanking.accounts = [FakeAccount(OWN_IBAN, entries=[entry(today.date(), "100.00")])]
    connected = (today - timedelta(hours=7)).isoformat(timespec="seconds")  # the next read due
    assert connect(workspace, connected, fakes=[enablebanking]).code == 0
    enablebanking.now, enablebanking.today = today, today.date()
    enablebanking.trickle.set()
    daemon = start_daemon(config, tmp_path / "daemon.log")
    try:
        until(lambda: "daemon started" in daemon.text(), 30, "the daemon to start")
        until(lambda: enablebanking.trickling, 30, "the bank's answer to start trickling")
        # The crossing arrives while the bank trickles: the next scan (15 s) must still run.
        (other / "ing.csv").write_text(ing_csv(this_year_payments("21000.00")), encoding="utf-8")
        started = time.monotonic()
        until(lambda: smtp_server.messages, 60, "the crossing email within one scan interval")
        assert time.monotonic() - started < 20  # one interval, and the import and delivery
        assert [str(m["To"]) for m in smtp_server.messages] == ["bakker@example.nl"]
        assert enablebanking.trickling == 1  # still the one read, still trickling
        stopping = time.monotonic()
        assert daemon.stop() == 0
        assert time.monotonic() - stopping < 10
    finally:
        daemon.kill()
    ledger = tmp_path / "state" / "ledger.sqlite3"
    assert count(ledger, "SELECT COUNT(*) FROM feed_reads") == 2  # the connect's, and this one
