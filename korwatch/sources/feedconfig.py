"""What every bank source has in the config, whatever its provider: its name, the bank and
accounts, the read schedule and budget, the overlap, the pull deadline, the API's URL and the
options of every pulled source. Problems are reported on the table with their key paths."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlsplit

from korwatch.clock import parse_interval
from korwatch.configtable import Table
from korwatch.sources.bankfeed import DAY, INTERVAL, OVERLAP_DAYS, READS_PER_DAY
from korwatch.sources.feedhttp import JsonApi
from korwatch.sources.http import read_common, safe_url
from korwatch.sources.redirect import LOCAL_HOSTS


@dataclass(frozen=True)
class FeedSettings:
    """What every bank source has, whatever its provider."""

    name: str  # how `--source` and the ledger name the source
    redirect_url: str
    bank: str | None = None
    country: str = "NL"
    psu_type: str = "personal"
    accounts: tuple[str, ...] = ()  # the IBANs to watch; empty: the business's own_ibans
    overlap_days: int = OVERLAP_DAYS
    reads_per_day: int = READS_PER_DAY
    interval: timedelta = INTERVAL
    history_from: date | None = None
    consent_days: int = 180
    deadline: float | None = None  # seconds one pull may take; None: [schedule] pull_deadline

    @property
    def spacing(self) -> timedelta:
        """The time between scheduled reads: `schedule`, never less than the budget allows."""
        return max(self.interval, DAY / self.reads_per_day)


def read_feed_settings(table: Table, kind: str) -> FeedSettings:
    """The keys every bank source has; problems are reported on the table."""
    name = table.string("name", kind) or kind
    if not name.replace("-", "").replace("_", "").isalnum():
        table.problem("name", f'"{name}" must be letters, digits, "-" or "_"')
    redirect = table.string("redirect_url", "http://127.0.0.1:8765/callback") or ""
    check_url(table, "redirect_url", redirect)
    interval = _interval(table)
    reads = table.integer("reads_per_day", READS_PER_DAY, 1, READS_PER_DAY)
    country = (table.string("country", "NL") or "NL").upper()
    if len(country) != 2 or not country.isalpha():
        table.problem("country", f'"{country}" is not a two-letter country code such as "NL"')
    return FeedSettings(
        name=name,
        redirect_url=redirect,
        bank=table.string("bank"),
        country=country,
        psu_type=table.string("psu_type", "personal", choices=("personal", "business"))
        or "personal",
        accounts=tuple("".join(a.split()).upper() for a in table.strings("accounts")),
        overlap_days=table.integer("overlap_days", OVERLAP_DAYS, 0, 90),
        reads_per_day=reads,
        interval=interval,
        history_from=_history_from(table),
        consent_days=table.integer("consent_days", 180, 1, 180),
        deadline=table.duration("deadline"),
    )


def feed_api(table: Table, label: str, default_url: str) -> JsonApi:
    """The provider's API from `api_url` (default: the provider's own) and the options every
    pulled source has (timeout, retries, verify, ca_file, max_bytes)."""
    api_url = table.string("api_url", default_url) or default_url
    check_url(table, "api_url", api_url)
    common = read_common(table)
    return JsonApi(label, api_url, common["timeout"], common["retries"], common["verify"],
                   common["max_bytes"])  # fmt: skip


def check_url(table: Table, key: str, url: str) -> None:
    """An https URL, or plain http to this machine only: what crosses the network (a signed
    token, a secret key, the bank's authorisation code) is not sent unencrypted."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        table.problem(key, f'"{safe_url(url)}" must be an http(s) URL')
    elif parts.scheme == "http" and parts.hostname not in LOCAL_HOSTS:
        table.problem(
            key, f'"{safe_url(url)}": plain http only to this machine (127.0.0.1), else https'
        )


def _interval(table: Table) -> timedelta:
    text = table.string("schedule", "6h") or "6h"
    found = parse_interval(text)
    if found is None or found <= timedelta(0):
        table.problem("schedule", f'"{text}" is not an interval such as "6h"')
        return INTERVAL
    return found


def _history_from(table: Table) -> date | None:
    text = table.string("history_from")
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        table.problem("history_from", f'"{text}" is not a date (YYYY-MM-DD)')
        return None
