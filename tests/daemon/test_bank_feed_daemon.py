"""`korwatch run` with an Enable Banking source: the bank job pulls on the source's own schedule,
apart from the folder scan; over a simulated day (the daemon restarted at fixed clock times) it
never reads an account more than 4 times, and a restart does not spend the day's reads again."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from tests.conftest import Workspace
from tests.daemon.support import start_daemon, until
from tests.feeds.conftest import bank_config, enablebanking, rsa_keys  # noqa: F401 (fixtures)
from tests.feeds.fake_enablebanking import FakeAccount, FakeEnableBanking, entry
from tests.feeds.flow import connect
from tests.helpers import OWN_IBAN, SmtpServer

SCHEDULE = '[schedule]\nscan = "1h"\nbank = "1s"\ndeliver = "1s"\nwatch = "off"'


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
    (tmp_path / "inbox").mkdir()
    key = tmp_path / "enablebanking.pem"
    key.write_text(rsa_keys[0], encoding="utf-8")
    config = tmp_path / "korwatch.toml"
    text = bank_config(tmp_path, enablebanking.url, key, smtp_port=smtp_server.port, top=SCHEDULE)
    config.write_text(text, encoding="utf-8")
    workspace = Workspace(tmp_path, tmp_path / "inbox", config)
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
