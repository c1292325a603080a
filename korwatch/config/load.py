"""The configuration file (TOML) as frozen dataclasses.

Every problem in the file is collected and reported at once, each with its key path and the file
name; unknown keys are problems too. Secrets are given by reference: `${VAR}` (the environment,
then the `.env` file named by `env_file`), or `${credential:NAME}` (a file in systemd's
`$CREDENTIALS_DIRECTORY`, from `LoadCredential=`).
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Callable, Mapping
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from korwatch.config import schedule as daemon_schedule
from korwatch.config.advice import read_advice
from korwatch.config.model import (
    BASES,
    LANGUAGES,
    BusinessConfig,
    Config,
    EmailConfig,
    HealthSettings,
    ScheduleConfig,
    WatchConfig,
)
from korwatch.config.rules import read_rules
from korwatch.config.web import read_web
from korwatch.configtable import Table
from korwatch.errors import ConfigError
from korwatch.formats.base import Parser
from korwatch.formats.csv.user import profile_from_config
from korwatch.formats.detect import PARSERS
from korwatch.sources import SOURCE_KINDS, Source

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_EMAIL = re.compile(r"^[^@\s<>\"]+@[^@\s<>\"]+$")


def find_config(explicit: str | None) -> Path:
    """The config file: --config, $KORWATCH_CONFIG, ./korwatch.toml, XDG, /etc (DESIGN.md)."""
    if explicit:
        return Path(explicit)
    if os.environ.get("KORWATCH_CONFIG"):
        return Path(os.environ["KORWATCH_CONFIG"])
    xdg = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    for candidate in (
        Path("korwatch.toml"),
        xdg / "korwatch" / "korwatch.toml",
        Path("/etc/korwatch/korwatch.toml"),
    ):
        if candidate.is_file():
            return candidate
    raise ConfigError(
        "korwatch.toml",
        [
            "no config file found (looked at --config, $KORWATCH_CONFIG, ./korwatch.toml, "
            f"{xdg}/korwatch/korwatch.toml, /etc/korwatch/korwatch.toml)"
        ],
    )


def load_config(path: Path, environ: Mapping[str, str] | None = None) -> Config:
    """Read and validate `path`; raise ConfigError listing every problem."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ConfigError(str(path), [f"cannot read the file: {error.strerror}"]) from error
    except UnicodeDecodeError as error:
        raise ConfigError(str(path), ["the file is not UTF-8 text"]) from error
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(str(path), [f"not valid TOML: {error}"]) from error
    return parse_config(data, path, os.environ if environ is None else environ)


def parse_config(data: Mapping[str, Any], path: Path, environ: Mapping[str, str]) -> Config:
    problems: list[str] = []
    dotenv = _dotenv(Table(data, "", problems), data.get("env_file"), path)
    root = Table(data, "", problems, _resolver(environ, dotenv), path.parent)
    root.string("env_file")
    watch = _watch(root.table("watch"))
    profiles = _csv_profiles(root)
    businesses = _businesses(root, watch.health, profiles)
    config = Config(
        path=path,
        email=_email(root.table("email"), path),
        businesses=businesses,
        schedule=_schedule(root.table("schedule")),
        state_dir=_path(root.string("state_dir"), path),
        thresholds=_thresholds(root.table("thresholds")),
        templates_dir=_path(root.string("templates_dir"), path),
        watch=watch,
        csv_profiles=profiles,
        web=read_web(root.table("web"), {business.id for business in businesses}),
    )
    root.finish()
    if problems:
        raise ConfigError(str(path), problems)
    return config


def _path(value: str | None, config_path: Path) -> Path | None:
    """Relative paths in the config are relative to the config file's folder."""
    if not value:
        return None
    found = Path(value).expanduser()
    return found if found.is_absolute() else config_path.parent / found


def _dotenv(root: Table, env_file: object, config_path: Path) -> Mapping[str, str | None]:
    if not env_file or not isinstance(env_file, str):
        return {}  # a wrong type is reported when the root table reads env_file
    dotenv_path = _path(env_file, config_path)
    if dotenv_path is None or not dotenv_path.is_file():
        root.problem("env_file", f"{dotenv_path} does not exist")
        return {}
    from dotenv import dotenv_values  # noqa: PLC0415  (only for an env_file)

    return dotenv_values(dotenv_path)


def _resolver(
    environ: Mapping[str, str], dotenv: Mapping[str, str | None]
) -> Callable[[str], str | None]:
    def resolve(name: str) -> str | None:
        if name.startswith("credential:"):
            return _credential(environ, name.removeprefix("credential:"))
        if name in environ:
            return environ[name]
        return dotenv.get(name)

    return resolve


def _credential(environ: Mapping[str, str], name: str) -> str | None:
    directory = environ.get("CREDENTIALS_DIRECTORY")
    if not directory or "/" in name or name in ("", ".", ".."):
        return None
    try:
        return (Path(directory) / name).read_text(encoding="utf-8").rstrip("\r\n")
    except OSError:
        return None


def _email(table: Table, config_path: Path) -> EmailConfig:
    default = EmailConfig()
    backend = table.string("backend", "smtp", choices=("smtp", "file")) or "smtp"
    security = table.string("security", "none", choices=("none", "starttls", "tls")) or "none"
    sender = table.string("sender", default.sender) or default.sender
    if not _EMAIL.match(sender) or "\n" in sender:
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
        dir=_path(directory, config_path),
        timeout=table.number("timeout", default.timeout),
    )
    table.finish()
    return email


def _schedule(table: Table) -> ScheduleConfig:
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


def _watch(table: Table) -> WatchConfig:
    watch = WatchConfig(_health(table, HealthSettings()), table.secret("heartbeat_url"))
    table.finish()
    return watch


def _health(table: Table, default: HealthSettings) -> HealthSettings:
    """`stale_days` and `failing_after` (0 turns that alert off) over the given defaults."""
    return HealthSettings(
        stale_days=table.integer("stale_days", default.stale_days, 0, 3660),
        failing_after=table.integer("failing_after", default.failing_after, 0, 1000),
    )


def _thresholds(table: Table) -> dict[int, Decimal]:
    found: dict[int, Decimal] = {}
    for name in list(table.data):
        if not (name.isdigit() and 2000 <= int(name) <= 2100):
            table.problem(name, "must be a year (e.g. 2026 = 20000)")
            table.raw(name)
            continue
        amount = table.amount(name)
        if amount is not None:
            found[int(name)] = amount
    table.finish()
    return found


def _csv_profiles(root: Table) -> dict[str, Parser]:
    """User-defined CSV layouts, `[csv_profile.NAME]`, usable as a source's `format`."""
    table = root.table("csv_profile")
    profiles: dict[str, Parser] = {}
    for name, value in table.data.items():
        table.raw(name)
        if name in PARSERS:
            table.problem(name, f'"{name}" is the name of a built-in format; choose another')
        elif not isinstance(value, dict):
            table.problem(name, "must be a table ([csv_profile.NAME])")
        else:
            parser, problems = profile_from_config(name, value, table.key(name))
            root.problems.extend(problems)
            if parser is not None:
                profiles[name] = parser
    return profiles


def _businesses(
    root: Table, health: HealthSettings, profiles: Mapping[str, Parser]
) -> tuple[BusinessConfig, ...]:
    tables = root.tables("business")
    if not tables:
        root.problems.append("business: at least one [[business]] is required")
    found = [b for b in (_business(t, health, profiles) for t in tables) if b is not None]
    seen: set[str] = set()
    for index, business in enumerate(found):
        if business.id in seen:
            root.problems.append(f'business[{index}].id: "{business.id}" is used twice')
        seen.add(business.id)
    return tuple(found)


def _business(
    table: Table, health: HealthSettings, profiles: Mapping[str, Parser]
) -> BusinessConfig | None:
    business_id = table.required_string("id")
    if business_id and not _ID.match(business_id):
        table.problem("id", f'"{business_id}" must be letters, digits, "-", "_" or "." (max 64)')
    recipients = table.strings("recipients")
    if not recipients:
        table.problem("recipients", "at least one email address is required")
    for index, address in enumerate(recipients):
        if not _EMAIL.match(address):
            table.problem(f"recipients[{index}]", f'"{address}" is not an email address')
    warn_at = table.amounts("warn_at")
    business = BusinessConfig(
        id=business_id,
        name=table.string("name", business_id) or business_id,
        recipients=recipients,
        sources=tuple(
            s for s in (_source(t, profiles) for t in table.tables("source")) if s is not None
        ),
        rules=read_rules(
            table,
            basis=table.string("basis", "bank", choices=BASES) or "bank",
            own_ibans=table.ibans("own_ibans"),
        ),
        warn_at=tuple(sorted(warn_at)) if warn_at is not None else None,
        language=table.string("language", "nl", choices=LANGUAGES) or "nl",
        health=_health(table, health)
        if table.has("stale_days") or table.has("failing_after")
        else None,
        advice=read_advice(table),
    )
    table.finish()
    return business if business_id else None


def _source(table: Table, profiles: Mapping[str, Parser]) -> Source | None:
    kind_name = table.required_string("type")
    format_name = table.string("format")
    if format_name is not None and format_name not in PARSERS and format_name not in profiles:
        known = ", ".join(sorted([*PARSERS, *profiles]))
        table.problem("format", f'unknown format "{format_name}" ({known})')
    kind = SOURCE_KINDS.get(kind_name)
    if kind is None:
        if kind_name:
            known = ", ".join(sorted(SOURCE_KINDS))
            table.problem("type", f'unknown source type "{kind_name}" (known: {known})')
        return None
    source = kind.from_config(table, format_name)
    table.finish()
    return source
