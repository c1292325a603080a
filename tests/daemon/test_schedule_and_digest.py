"""The [schedule] and [watch] keys, the schedule expressions, the weekly digest job, and the
systemd notifier outside systemd."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest

from korwatch.config import schedule as daemon_schedule
from korwatch.config.load import load_config
from korwatch.daemon.jobs import digest_job
from korwatch.daemon.systemd import Notifier
from korwatch.errors import ConfigError
from tests.conftest import Workspace
from tests.daemon.support import query
from tests.helpers import SmtpServer

BASE = '[[business]]\nid = "studio"\nrecipients = ["s@example.nl"]\n'


def _load(tmp_path: Path, text: str) -> object:
    path = tmp_path / "korwatch.toml"
    path.write_text(text + BASE, encoding="utf-8")
    return load_config(path, {})


def test_intervals_and_cron_expressions_are_accepted(tmp_path: Path) -> None:
    config = _load(
        tmp_path,
        '[schedule]\nscan = "*/10 * * * *"\ndeliver = "30s"\ndigest = "0 8 * * mon"\n'
        'watch = "off"\nretry = ["10s", "1h"]\n[watch]\nstale_days = 10\nfailing_after = 0\n',
    )
    schedule = config.schedule  # type: ignore[attr-defined]
    assert (schedule.scan, schedule.deliver, schedule.digest, schedule.watch) == (
        "*/10 * * * *",
        "30s",
        "0 8 * * mon",
        None,
    )
    assert schedule.retry == (timedelta(seconds=10), timedelta(hours=1))
    health = config.watch.health  # type: ignore[attr-defined]
    assert (health.stale_days, health.failing_after) == (10, 0)


def test_the_defaults_are_conservative(tmp_path: Path) -> None:
    config = _load(tmp_path, "")
    schedule = config.schedule  # type: ignore[attr-defined]
    assert (schedule.scan, schedule.deliver, schedule.digest, schedule.watch) == (
        "15m",
        "1m",
        None,
        "5s",
    )
    assert [d.total_seconds() for d in schedule.retry] == [60, 300, 1800, 7200, 21600]
    assert config.watch.heartbeat_url is None  # type: ignore[attr-defined]


def test_every_bad_schedule_key_is_reported_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        _load(
            tmp_path,
            '[schedule]\nscan = "often"\ndigest = "61 * * * *"\nretry = ["soon"]\nextra = 1\n'
            "[watch]\nstale_days = -1\n",
        )
    problems = sorted(raised.value.problems)
    assert problems[0].startswith('schedule.digest: "61 * * * *" is not a valid cron')
    assert "schedule.extra: unknown key" in problems[1]
    assert 'schedule.retry[0]: "soon" is not an interval' in problems[2]
    assert problems[3].startswith('schedule.scan: "often" is neither an interval')
    assert problems[4] == "watch.stale_days: -1 is out of range (0 to 3660)"


def test_schedule_expressions() -> None:
    assert daemon_schedule.parse_interval("15m") == timedelta(minutes=15)
    assert daemon_schedule.parse_interval("*/5 * * * *") is None
    assert daemon_schedule.problem("0s") == "must be longer than 0 seconds"
    assert daemon_schedule.problem("0 8 * * mon") is None


def test_the_weekly_digest_is_recorded_once_per_week_and_sent(
    workspace: Workspace, smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = load_config(workspace.config)
    monkeypatch.setenv("KORWATCH_NOW", "2026-11-23T08:00:00+01:00")
    monkeypatch.chdir(workspace.root)
    digest_job(config)
    digest_job(config)
    assert len(smtp_server.messages) == 1
    assert "weekoverzicht" in str(smtp_server.messages[0]["Subject"])
    # The digest carries the year's chart like the warnings do (an inline PNG).
    images = [p for p in smtp_server.messages[0].walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1
    ledger = workspace.root / "state" / "ledger.sqlite3"
    assert query(ledger, "SELECT level, status FROM alert_events") == [("digest:2026-W48", "sent")]


def test_the_notifier_does_nothing_outside_systemd() -> None:
    notifier = Notifier({})
    assert notifier.ready("x") is False
    assert notifier.watchdog_seconds is None
    other = Notifier({"NOTIFY_SOCKET": "@abstract", "WATCHDOG_USEC": "10000000"})
    assert other.address == "\0abstract"
    assert other.watchdog_seconds == 5.0
    assert (
        Notifier({"WATCHDOG_USEC": "1", "WATCHDOG_PID": str(os.getpid() + 1)}).watchdog_seconds
        is None
    )
