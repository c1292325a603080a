"""Watching the inputs: a failing source, a quiet source, a permanent delivery failure, and one
business's trouble not stopping another (in-process CLI, fixed clock, real SMTP server)."""

from __future__ import annotations

import shutil
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller

from tests.conftest import Workspace
from tests.helpers import Payment, SmtpServer, config_text, free_port, ing_csv

DAY = "2026-03-01T12:00:00+01:00"


def _export(amount: str, name: str = "Klant") -> str:
    return ing_csv([Payment(date(2026, 2, 1), Decimal(amount), name)])


def test_a_source_failing_three_times_in_a_row_is_reported_once(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    shutil.rmtree(workspace.inbox)
    for day in ("2026-03-01", "2026-03-02", "2026-03-03", "2026-03-04"):
        code, _, err = workspace.run("scan", now=f"{day}T12:00:00+01:00")
        assert code == 1 and "does not exist" in err
    assert len(smtp_server.messages) == 1
    subject = str(smtp_server.messages[0]["Subject"])
    assert "faalt" in subject and "directory" in subject
    source = workspace.status()["sources"][0]
    assert source["failures_in_a_row"] == 4
    assert "does not exist" in source["last_error"]
    assert source["last_success"] is None


def test_a_failing_streak_that_ended_and_started_again_is_reported_again(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    inbox = workspace.inbox
    shutil.rmtree(inbox)
    for day in (1, 2, 3):
        workspace.run("scan", now=f"2026-03-0{day}T12:00:00+01:00")
    inbox.mkdir()
    code, _, _ = workspace.run("scan", now="2026-03-04T12:00:00+01:00")
    assert code == 0
    assert workspace.status()["sources"][0]["failures_in_a_row"] == 0
    shutil.rmtree(inbox)
    for day in (5, 6, 7):
        workspace.run("scan", now=f"2026-03-0{day}T12:00:00+01:00")
    assert len(smtp_server.messages) == 2


def test_a_source_with_nothing_new_for_35_days_is_reported_once(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    workspace.drop("jan.csv", _export("100.00"))
    assert workspace.run("scan", now="2026-02-01T12:00:00+01:00")[0] == 0
    assert workspace.run("scan", now="2026-03-07T12:00:00+01:00")[0] == 0  # 34 days
    assert smtp_server.messages == []
    workspace.run("scan", now="2026-03-08T12:00:00+01:00")  # 35 days
    workspace.run("scan", now="2026-03-20T12:00:00+01:00")
    assert len(smtp_server.messages) == 1
    assert "35 dagen" in str(smtp_server.messages[0]["Subject"])
    workspace.drop("mar.csv", _export("50.00", "Ander"))
    workspace.run("scan", now="2026-03-21T12:00:00+01:00")
    status = workspace.status()["sources"][0]
    assert status["last_new"].startswith("2026-03-21")


def test_stale_days_per_business_overrides_the_default(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(
        text.replace('recipients = ["selina', 'stale_days = 0\nrecipients = ["selina'),
        encoding="utf-8",
    )
    workspace.run("scan", now="2026-01-01T12:00:00+01:00")
    workspace.run("scan", now="2026-06-01T12:00:00+01:00")
    assert smtp_server.messages == []


class _RefusingHandler:
    async def handle_RCPT(
        self, server: Any, session: Any, envelope: Any, address: str, options: Any
    ) -> str:
        return "550 5.1.1 no such mailbox"


def test_a_refused_recipient_is_reported_loudly_and_shown_in_status(tmp_path: Path) -> None:
    controller = Controller(_RefusingHandler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        inbox = tmp_path / "inbox"
        inbox.mkdir()
        config = tmp_path / "korwatch.toml"
        config.write_text(config_text(inbox, smtp_port=controller.port), encoding="utf-8")
        workspace = Workspace(tmp_path, inbox, config)
        workspace.drop("a.csv", _export("16000.00"))
        code, _, err = workspace.run("scan", now=DAY)
        assert code == 1
        assert "refused the recipients selina@example.nl" in err
        undelivered = workspace.status()["undelivered"]
        assert [u["kind"] for u in undelivered] == ["warning"]
        assert "refused" in undelivered[0]["last_error"]
        # The "delivery failed" event was raised once; it is tried (and refused) next time.
        workspace.run("scan", now="2026-03-02T12:00:00+01:00")
        workspace.run("scan", now="2026-03-03T12:00:00+01:00")
        kinds = [u["kind"] for u in workspace.status()["undelivered"]]
        assert kinds == ["warning", "delivery-failed"]
    finally:
        controller.stop()


def test_one_business_failing_does_not_stop_the_others(
    workspace: Workspace, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    broken = tmp_path / "missing"
    text = workspace.config.read_text(encoding="utf-8")
    other = tmp_path / "other"
    other.mkdir()
    (other / "a.csv").write_text(_export("16000.00"), encoding="utf-8")
    workspace.config.write_text(
        f"""{text}
[[business]]
id = "broken"
recipients = ["b@example.nl"]
  [[business.source]]
  type = "directory"
  path = "{broken}"

[[business]]
id = "bakery"
recipients = ["c@example.nl"]
  [[business.source]]
  type = "directory"
  path = "{other}"
  settle_seconds = 0
""",
        encoding="utf-8",
    )
    code, out, err = workspace.run("scan", now=DAY)
    assert code == 1
    assert "broken: directory" in err
    assert "1 imported" in out
    assert [m["To"] for m in smtp_server.messages] == ["c@example.nl"]
