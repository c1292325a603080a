"""The smaller tables of the config file: [email], [schedule], [watch] and [office].

Each reads its keys through a `configtable.Table` (every problem with its key path, unknown keys
reported) and returns the frozen dataclass of config/model.py.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from korwatch.config import schedule as daemon_schedule
from korwatch.config.model import (
    DIGEST_ALIASES,
    LANGUAGES,
    OFFICE_CROSSING,
    EmailConfig,
    HealthSettings,
    OfficeConfig,
    ScheduleConfig,
    WatchConfig,
)
from korwatch.configtable import Table

EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+$")


def config_path(value: str | None, config_file: Path) -> Path | None:
    """Relative paths in the config are relative to the config file's folder."""
    if not value:
        return None
    found = Path(value).expanduser()
    return found if found.is_absolute() else config_file.parent / found


def email_table(table: Table, config_file: Path) -> EmailConfig:
    default = EmailConfig()
    backend = table.string("backend", "smtp", choices=("smtp", "file")) or "smtp"
    security = table.string("security", "none", choices=("none", "starttls", "tls")) or "none"
    sender = table.string("sender", default.sender) or default.sender
    if not EMAIL.match(sender) or "\n" in sender:
        table.problem("sender", f'"{sender}" is not an email address')
    directory = table.string("dir")
    if backend == "file" and not directory:
        table.problem("dir", 'is required with backend = "file" (the folder for .eml files)')
    username = table.string("username")
    password = table.secret("password")
    if password is not None and not username:
        table.problem("password", "is set but username is not")
    email = EmailConfig(
        backend=backend,
        host=table.string("host", default.host) or default.host,
        port=table.integer("port", 465 if security == "tls" else 25, 1, 65535),
        security=security,
        sender=sender,
        username=username,
        password=password,
        dir=config_path(directory, config_file),
        timeout=table.number("timeout", default.timeout),
    )
    table.finish()
    return email


def office_table(table: Table) -> OfficeConfig:
    """`[office]`: the accountant's address, how crossings reach it, the portfolio digest."""
    recipients = addresses(table, "recipients")
    if table.data and not recipients:
        table.problem("recipients", "at least one email address is required in [office]")
    office = OfficeConfig(
        name=table.line("name", OfficeConfig.name),
        recipients=recipients,
        language=table.string("language", "nl", choices=LANGUAGES) or "nl",
        crossing=table.string("crossing", "own", choices=OFFICE_CROSSING) or "own",
        digest=_office_digest(table),
    )
    table.finish()
    return office


def _office_digest(table: Table) -> str | None:
    """The portfolio digest's schedule: off (default), "weekly" (Monday 07:00), "daily" (07:00),
    true (weekly), or an interval or cron expression."""
    raw = table.raw("digest")
    if raw is None or raw is False:
        return None
    if raw is True:
        return DIGEST_ALIASES["weekly"]
    if not isinstance(raw, str):
        table.problem("digest", '"weekly", "daily", "off", an interval or a cron expression')
        return None
    text = DIGEST_ALIASES.get(raw.strip().lower(), raw)
    if text.strip().lower() in daemon_schedule.OFF:
        return None
    found = daemon_schedule.problem(text)
    if found is not None:
        table.problem("digest", found)
    return text


def addresses(table: Table, name: str) -> tuple[str, ...]:
    addresses = table.strings(name)
    for index, address in enumerate(addresses):
        if not EMAIL.match(address):
            table.problem(f"{name}[{index}]", f'"{address}" is not an email address')
    return addresses


def schedule_table(table: Table) -> ScheduleConfig:
    default = ScheduleConfig()
    schedule = ScheduleConfig(
        scan=_when(table, "scan", "15m") or "15m",
        deliver=_when(table, "deliver", "1m") or "1m",
        digest=_when(table, "digest", None, off=True),
        watch=_when(table, "watch", "5s", off=True),
        bank=_when(table, "bank", "5m") or "5m",
        retry=_retry(table) or default.retry,
        pull_deadline=table.duration("pull_deadline") or default.pull_deadline,
    )
    table.finish()
    return schedule


def _when(table: Table, name: str, default: str | None, off: bool = False) -> str | None:
    text = table.string(name, default)
    if text is None or (off and text.strip().lower() in daemon_schedule.OFF):
        return None
    found = daemon_schedule.problem(text)
    if found is not None:
        table.problem(name, found)
    return text


def _retry(table: Table) -> tuple[timedelta, ...]:
    delays: list[timedelta] = []
    for index, text in enumerate(table.strings("retry")):
        delay = daemon_schedule.parse_interval(text)
        if delay is None or delay.total_seconds() <= 0:
            table.problem(f"retry[{index}]", f'"{text}" is not an interval such as "5m" or "2h"')
        else:
            delays.append(delay)
    return tuple(delays)


def watch_table(table: Table) -> WatchConfig:
    watch = WatchConfig(health_table(table, HealthSettings()), table.secret("heartbeat_url"))
    table.finish()
    return watch


def health_table(table: Table, default: HealthSettings) -> HealthSettings:
    """`stale_days` and `failing_after` (0 turns that alert off) over the given defaults."""
    return HealthSettings(
        stale_days=table.integer("stale_days", default.stale_days, 0, 3660),
        failing_after=table.integer("failing_after", default.failing_after, 0, 1000),
    )
