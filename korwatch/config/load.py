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
from decimal import Decimal
from pathlib import Path
from typing import Any

from korwatch.config.advice import read_advice
from korwatch.config.includes import BusinessEntry, Gathered, check_defaults, gather
from korwatch.config.model import (
    BASES,
    LANGUAGES,
    BusinessConfig,
    Config,
    HealthSettings,
)
from korwatch.config.rules import read_rules
from korwatch.config.sections import (
    addresses,
    config_path,
    email_table,
    health_table,
    office_table,
    schedule_table,
    watch_table,
)
from korwatch.config.web import read_web
from korwatch.configtable import Table
from korwatch.errors import ConfigError
from korwatch.formats.base import Parser
from korwatch.formats.csv.user import profile_from_config
from korwatch.formats.detect import PARSERS
from korwatch.sources import SOURCE_KINDS, Source

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


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
    watch = watch_table(root.table("watch"))
    profiles = _csv_profiles(root)
    gathered = gather(root, path)
    businesses = _businesses(root, gathered, path, lambda t: _business(t, watch.health, profiles))
    config = Config(
        path=path,
        email=email_table(root.table("email"), path),
        businesses=businesses,
        schedule=schedule_table(root.table("schedule")),
        state_dir=config_path(root.string("state_dir"), path),
        thresholds=_thresholds(root.table("thresholds")),
        templates_dir=config_path(root.string("templates_dir"), path),
        watch=watch,
        csv_profiles=profiles,
        included=tuple(gathered.files),
        office=office_table(root.table("office")),
        web=read_web(root.table("web"), {business.id for business in businesses}),
    )
    root.finish()
    check_defaults(root, lambda table: _business(table, watch.health, profiles))
    elsewhere = {str(file): found for file, found in gathered.problems.items() if found}
    if problems or elsewhere:
        raise ConfigError(str(path), problems, elsewhere)
    return config


def _dotenv(root: Table, env_file: object, config_file: Path) -> Mapping[str, str | None]:
    if not env_file or not isinstance(env_file, str):
        return {}  # a wrong type is reported when the root table reads env_file
    dotenv_path = config_path(env_file, config_file)
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
    root: Table,
    gathered: Gathered,
    main: Path,
    read: Callable[[Table], BusinessConfig | None],
) -> tuple[BusinessConfig, ...]:
    """Every business of the main file and the included ones (includes.py), each problem
    reported in the file that holds it."""
    if not gathered.businesses:
        where = (
            " (in this file or an included one)" if gathered.files or root.has("include") else ""
        )
        root.problems.append(f"business: at least one [[business]] is required{where}")
    found: list[BusinessConfig] = []
    first: dict[str, BusinessEntry] = {}
    for entry in gathered.businesses:
        business = read(entry.table)
        problems = root.problems if entry.file == main else gathered.problems[entry.file]
        problems.extend(entry.own_problems())
        if business is None:
            continue
        other = first.setdefault(business.id, entry)
        if other is not entry:
            also = "" if other.file == entry.file else f" (also in {other.file})"
            problems.append(f'{entry.table.path}.id: "{business.id}" is used twice{also}')
            continue
        found.append(business)
    return tuple(found)


def _business(
    table: Table, health: HealthSettings, profiles: Mapping[str, Parser]
) -> BusinessConfig | None:
    business_id = table.required_string("id")
    if business_id and not _ID.match(business_id):
        table.problem("id", f'"{business_id}" must be letters, digits, "-", "_" or "." (max 64)')
    recipients = addresses(table, "recipients")
    if not recipients:
        table.problem("recipients", "at least one email address is required")
    warn_at = table.amounts("warn_at")
    business = BusinessConfig(
        id=business_id,
        name=table.line("name", business_id),
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
        health=health_table(table, health)
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
