"""The daemon's jobs: scan, deliver, watch the inboxes, import finished pulls, the weekly
digest, the office's portfolio digest, the heartbeat.

Each job opens its own ledger connection, takes the scan lock without waiting (a `korwatch scan`
from cron or the timer may hold it; the job then simply runs next time), logs one line per event
and never raises: a fault is logged and the next run tries again.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from korwatch import clock
from korwatch.alerts import health
from korwatch.alerts.office import record_office_digest
from korwatch.alerts.standing import year_detail
from korwatch.clock import local_today
from korwatch.config.model import Config
from korwatch.errors import KorwatchError
from korwatch.ledger import store as ledger
from korwatch.models import money
from korwatch.notify.outbox import DeliveryReport, deliver_due
from korwatch.reporting.portfolio import portfolio_payload
from korwatch.reporting.status import statuses
from korwatch.scan import ScanReport, open_ledger, scan, scan_lock
from korwatch.sources import Source, SourceContext, is_bank_feed
from korwatch.sources.directory import DirectorySource
from korwatch.sources.pull import Pulls

log = logging.getLogger("korwatch.daemon")
Stop = Callable[[], bool]


@contextmanager
def _ledger(config: Config) -> Iterator[sqlite3.Connection | None]:
    """The ledger under the scan lock, or None when another scan holds the lock right now."""
    try:
        with scan_lock(config, wait_seconds=0.0), closing(open_ledger(config)) as connection:
            yield connection
    except KorwatchError as error:
        if "holds" not in str(error):
            raise
        log.info("skipped: %s", error)
        yield None


class ScanRound:
    """A scheduled scan and the pulls it started, as the heartbeat sees them: one round, pinged
    once all its pulls have been imported (or given up), `/fail` when anything in it failed."""

    def __init__(self) -> None:
        self.open = False
        self.failed = False

    def heard(self, config: Config, report: ScanReport, pulls: Pulls, scheduled: bool) -> None:
        if scheduled:
            self.open = True
        self.failed |= bool(report.source_errors or report.delivery.permanent)
        if self.open and not pulls.pending():
            heartbeat(config, failed=self.failed)
            self.open = self.failed = False


def scan_job(
    config: Config,
    stop: Stop,
    businesses: set[str] | None = None,
    sources: Callable[[Source], bool] = lambda source: not is_bank_feed(source),
    pulls: Pulls | None = None,
    start_pulls: bool = True,
    round_: ScanRound | None = None,
) -> ScanReport | None:
    """A scan of the folders, URLs and APIs; bank feeds have their own job (bank_job). With
    the daemon's `pulls` it starts the pulls (unless not `start_pulls`) and imports those that
    have finished, without waiting for the others (see scan.scan); the daemon's `round_` then
    decides when to ping the heartbeat."""
    try:
        with _ledger(config) as connection:
            if connection is None:
                return None
            report = scan(
                connection, config, clock.now(), businesses=businesses, stop=stop,
                sources=sources, pulls=pulls, start_pulls=start_pulls,
            )  # fmt: skip
    except Exception:
        log.exception("scan failed; trying again at the next run")
        return None
    log_scan(report)
    scheduled = businesses is None and start_pulls and sources is not is_bank_feed
    if round_ is not None and pulls is not None:
        round_.heard(config, report, pulls, scheduled)
    elif scheduled:
        heartbeat(config, failed=bool(report.source_errors or report.delivery.permanent))
    return report


def bank_job(
    config: Config, stop: Stop, pulls: Pulls | None = None, round_: ScanRound | None = None
) -> None:
    """Pull each bank feed whose read is due: its own `schedule`, within the bank's budget of
    reads per account and day (recorded in the ledger, so a restart spends none again). With
    the daemon's `pulls` each feed is pulled in a thread of its own under its deadline, and a
    finished pull is imported by import_pulled_job, so a bank that never finishes its answer
    holds back no other job."""
    if any(is_bank_feed(s) for b in config.businesses for s in b.sources):
        scan_job(config, stop, sources=is_bank_feed, pulls=pulls, round_=round_)


def deliver_job(config: Config, stop: Callable[[], bool] = lambda: False) -> None:
    try:
        with _ledger(config) as connection:
            if connection is not None:
                log_delivery(deliver_due(connection, config, clock.now(), stop=stop))
    except Exception:
        log.exception("delivery failed; trying again at the next run")


def log_scan(report: ScanReport) -> None:
    for merged in report.merged:  # once, after an upgrade (migration 7)
        log.warning(
            "merged business=%s %d: %d transaction(s) were counted twice; turnover %s -> %s",
            merged.business, merged.year, merged.merged,
            "?" if merged.turnover_before_cents is None else money(merged.turnover_before_cents),
            "?" if merged.turnover_after_cents is None else money(merged.turnover_after_cents),
        )  # fmt: skip
    for document in report.documents:
        if document.status == "imported":
            log.info(
                "imported business=%s %s (%s: %d new, %d already known)",
                document.business, document.name, document.format,
                document.new, document.duplicates,
            )  # fmt: skip
        elif document.status == "failed":
            log.warning("document failed business=%s %s", document.business, document.error)
    for error in report.source_errors:
        log.warning("source failed %s", error)
    for line in report.waiting:
        log.info("not read %s", line)
    log_delivery(report.delivery)


def log_delivery(report: DeliveryReport) -> None:
    for line in report.sent:
        log.info("sent %s", line)
    for line in report.failed:
        if line not in report.permanent:
            log.warning("not sent, will retry: %s", line)
    for line in report.permanent:
        log.error("DELIVERY FAILED PERMANENTLY (fix [email] or the recipients): %s", line)


def heartbeat(config: Config, *, failed: bool) -> None:
    """Ping the heartbeat URL after a good scan; `<url>/fail` after a failing one (a source
    failed, an email failed for good), so that a broken mail path is still noticed from
    outside (healthchecks.io convention)."""
    secret = config.watch.heartbeat_url
    if secret is None:
        return
    url = secret.reveal().rstrip("/") + ("/fail" if failed else "")
    import requests  # noqa: PLC0415 - only when a heartbeat is configured

    try:
        requests.get(url, timeout=10).raise_for_status()
    except requests.RequestException as error:
        # Only the host: a heartbeat URL's path is its secret (healthchecks.io's uuid).
        host = urlsplit(url).hostname or "?"
        log.warning("heartbeat to %s failed (%s)", host, type(error).__name__)


class InboxWatcher:
    """Starts a scan of a business as soon as a settled file lands in one of its folders.

    It compares the folders' ready files (name, mtime, size) with what they were at the last
    scan it started; the first look scans whatever is there. A skipped scan (another scan held
    the lock) is tried again at the next look.
    """

    def __init__(self) -> None:
        self.seen: dict[str, object] = {}

    def look(self, config: Config, now: datetime) -> dict[str, object]:
        """The businesses whose folders changed, with the folders' new signatures."""
        found: dict[str, object] = {}
        for business in config.businesses:
            folders = [s for s in business.sources if isinstance(s, DirectorySource)]
            context = SourceContext(business.id, Path(), now)  # a folder needs no state
            signature = [_signature(source, context) for source in folders]
            if signature != self.seen.get(business.id, [[] for _ in folders]):
                found[business.id] = signature
        return found

    def run(
        self,
        config: Config,
        stop: Stop,
        pulls: Pulls | None = None,
        round_: ScanRound | None = None,
    ) -> None:
        try:
            changed = self.look(config, clock.now())
        except Exception:
            log.exception("watching the inboxes failed")
            return
        if changed:
            log.info("new files for %s; scanning now", ", ".join(sorted(changed)))
            found = scan_job(
                config, stop, set(changed), pulls=pulls, start_pulls=False, round_=round_
            )
            if found is not None:
                self.seen.update(changed)


def import_pulled_job(config: Config, stop: Stop, pulls: Pulls, round_: ScanRound) -> None:
    """Import what the finished pulls brought (started by a pull as it finishes)."""
    ready = pulls.ready()
    if ready:
        scan_job(config, stop, ready, pulls=pulls, start_pulls=False, round_=round_)


def _signature(source: DirectorySource, context: SourceContext) -> object:
    try:
        return [
            (str(d.path), d.path.stat().st_mtime_ns, d.path.stat().st_size)
            for d in source.documents(context)
        ]
    except (KorwatchError, OSError) as error:
        return str(error)


def digest_job(config: Config, stop: Stop = lambda: False) -> None:
    """Record this week's digest event for every business (once per ISO week), then deliver."""
    now = clock.now()
    today = local_today(now)
    iso = today.isocalendar()
    week = f"{iso.year}-W{iso.week:02d}"
    try:
        with _ledger(config) as connection:
            if connection is None:
                return
            items = statuses(connection, config, config.businesses, today.year, today)
            for business, facts in zip(config.businesses, items, strict=True):
                # The chart's series, so the digest shows the year like the warnings do.
                detail = year_detail(connection, config, business, today.year)
                facts.update({key: detail[key] for key in ("cumulative", "warn_levels")})
                facts["sources"] = [
                    {"source": h.source, "last_success_at": h.last_success_at,
                     "last_error": h.last_error}
                    for h in health.source_health(connection, business.id)
                ]  # fmt: skip
                _record_digest(connection, business.id, business.name, week, facts, now)
            log_delivery(deliver_due(connection, config, now, stop=stop))
    except Exception:
        log.exception("the weekly digest failed")


def office_digest_job(config: Config, stop: Stop = lambda: False) -> None:
    """Record the portfolio digest for the office (`[office] digest`), then deliver it."""
    now = clock.now()
    try:
        with _ledger(config) as connection:
            if connection is None:
                return
            payload = portfolio_payload(connection, config, now)
            with ledger.transaction(connection):
                record_office_digest(connection, payload, now)
            log_delivery(deliver_due(connection, config, now, stop=stop))
    except Exception:
        log.exception("the office's portfolio digest failed")


def _record_digest(
    connection: sqlite3.Connection,
    business_id: str,
    name: str,
    week: str,
    facts: dict[str, object],
    now: datetime,
) -> None:
    payload = {**facts, "business": {"id": business_id, "name": name}, "kind": health.DIGEST}
    payload["week"] = week
    payload["detected_at"] = now.isoformat(timespec="seconds")
    stamp = now.isoformat(timespec="seconds")
    with ledger.transaction(connection):
        connection.execute(
            "INSERT OR IGNORE INTO alert_events (business, year, level, kind, created_at, "
            "payload, status, next_attempt_at) VALUES (?, ?, ?, ?, ?, ?, 'pending', ?)",
            (business_id, int(week[:4]), f"digest:{week}", health.DIGEST, stamp,
             json.dumps(payload, ensure_ascii=False, sort_keys=True), stamp),
        )  # fmt: skip
