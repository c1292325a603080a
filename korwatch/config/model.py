"""The configuration as frozen dataclasses: what every other part of korwatch reads.

Built by load.py from the TOML file; nothing here reads files or the environment.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

from korwatch.config import schedule as daemon_schedule
from korwatch.configtable import Secret
from korwatch.errors import ConfigError
from korwatch.formats.base import Parser
from korwatch.sources import Source
from korwatch.sources.deadline import DEFAULT_SECONDS as DEFAULT_PULL_DEADLINE
from korwatch.tax.advice_settings import AdviceSettings
from korwatch.tax.verdict import RuleSettings

LANGUAGES = ("nl", "en")


BASES = ("bank", "invoices")


@dataclass(frozen=True)
class EmailConfig:
    backend: str = "file"  # "smtp" or "file"
    host: str = "127.0.0.1"
    port: int = 25
    security: str = "none"  # "none" | "starttls" | "tls"
    sender: str = "korwatch@localhost"
    username: str | None = None
    password: Secret | None = None
    dir: Path | None = None  # for the file backend
    timeout: float = 30.0


@dataclass(frozen=True)
class HealthSettings:
    stale_days: int = 35  # 0: never alert about a quiet source
    failing_after: int = 3  # 0: never alert about a failing source


RETRY = ("1m", "5m", "30m", "2h", "6h")


@dataclass(frozen=True)
class ScheduleConfig:
    scan: str = "15m"
    deliver: str = "1m"
    digest: str | None = None  # weekly digest (cron), off by default
    watch: str | None = "5s"  # how often the daemon looks for newly dropped files; None: off
    bank: str = "5m"  # how often the daemon asks each bank feed whether a read is due
    retry: tuple[timedelta, ...] = tuple(
        daemon_schedule.parse_interval(text) or timedelta(hours=6) for text in RETRY
    )
    pull_deadline: float = DEFAULT_PULL_DEADLINE  # seconds one pull of a source may take


@dataclass(frozen=True)
class WatchConfig:
    """Watching the inputs: when a quiet or failing source is reported, and the heartbeat."""

    health: HealthSettings = field(default_factory=HealthSettings)
    heartbeat_url: Secret | None = None  # pinged after each good scan (healthchecks.io style)


OFFICE_CROSSING = ("own", "cc", "bcc", "none")
DIGEST_ALIASES = {"weekly": "0 7 * * mon", "daily": "0 7 * * *"}


@dataclass(frozen=True)
class OfficeConfig:
    """`[office]`: the accountant who watches every client (empty `recipients`: no office)."""

    name: str = ""  # "": the emails name no office
    recipients: tuple[str, ...] = ()
    language: str = "nl"
    # Each crossing: "own" email to the office naming the client, "cc" or "bcc" on the
    # client's email, or "none".
    crossing: str = "own"
    digest: str | None = None  # the portfolio digest's schedule (interval or cron); None: off

    @property
    def copies(self) -> tuple[str, ...]:
        """Who gets a copy of each crossing as an email of its own."""
        return self.recipients if self.crossing == "own" else ()


@dataclass(frozen=True)
class WebUser:
    """One `[web.users.NAME]`: a password hash (never the password) and, optionally, the only
    businesses this user sees (an office's staff); None: every business."""

    name: str
    password_hash: Secret | None  # None: signs in only through the trusted proxy header
    businesses: frozenset[str] | None = None


@dataclass(frozen=True)
class WebConfig:
    """`[web]`: the dashboard and review queue (`korwatch serve`, or inside `korwatch run`)."""

    enabled: bool = False  # also run it inside `korwatch run`
    host: str = "127.0.0.1"
    port: int = 8015
    users: Mapping[str, WebUser] = field(default_factory=dict)
    proxy_header: str = ""  # a trusted reverse proxy names the signed-in user in this header
    trusted_proxies: tuple[str, ...] = ("127.0.0.1", "::1")  # peers whose header is believed
    https: bool = False  # reached over HTTPS (a TLS proxy): cookies are sent only over TLS
    secret_key: Secret | None = None  # signs session cookies; default: a file in the state dir
    language: str = "nl"  # the pages' language until a visitor picks the other
    session_hours: int = 12

    @property
    def passwords(self) -> bool:
        """Whether anyone signs in with a password (else: the proxy header, or nobody)."""
        return any(user.password_hash is not None for user in self.users.values())


@dataclass(frozen=True)
class BusinessConfig:
    id: str
    name: str
    recipients: tuple[str, ...]
    sources: tuple[Source, ...] = ()
    rules: RuleSettings = field(default_factory=RuleSettings)
    warn_at: tuple[Decimal, ...] | None = None  # euro amounts; None = 75 % and 90 %
    language: str = "nl"
    health: HealthSettings | None = None  # per-business override of [watch]
    advice: AdviceSettings = field(default_factory=AdviceSettings)  # [business.advice]

    @property
    def provisional(self) -> bool:
        """Bank-basis results are provisional: unpaid invoices are invisible (R7.3, T12)."""
        return self.rules.basis == "bank"


@dataclass(frozen=True)
class Config:
    path: Path | None
    email: EmailConfig
    businesses: tuple[BusinessConfig, ...]
    schedule: ScheduleConfig = field(default_factory=ScheduleConfig)
    state_dir: Path | None = None
    thresholds: Mapping[int, Decimal] = field(default_factory=dict)
    templates_dir: Path | None = None
    csv_profiles: Mapping[str, Parser] = field(default_factory=dict)  # [csv_profile.NAME]
    watch: WatchConfig = field(default_factory=WatchConfig)
    included: tuple[Path, ...] = ()  # the files `include` named (config/includes.py)
    office: OfficeConfig = field(default_factory=OfficeConfig)
    web: WebConfig = field(default_factory=WebConfig)

    def health_for(self, business: BusinessConfig) -> HealthSettings:
        return business.health or self.watch.health

    def business(self, business_id: str) -> BusinessConfig:
        for business in self.businesses:
            if business.id == business_id:
                return business
        known = ", ".join(b.id for b in self.businesses)
        raise ConfigError(str(self.path), [f'no business with id "{business_id}" ({known})'])
