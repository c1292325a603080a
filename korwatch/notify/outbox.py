"""Delivering pending alert events, with retry and backoff.

An event is marked sent only after the backend accepted it. Before sending, a lower pending
level of the same business and year is superseded by a higher one, so one scan that passes
several levels sends one email. A failed attempt waits 1 min, 5 min, 30 min, 2 h, then 6 h.
"""

from __future__ import annotations

import contextlib
import json
import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from korwatch.alerts.corrections import CORRECTION
from korwatch.alerts.health import record_delivery_failure
from korwatch.alerts.office import (
    OFFICE_CROSSED,
    OFFICE_DIGEST,
    is_office_kind,
    office_copy_facts,
)
from korwatch.config.model import BusinessConfig, Config
from korwatch.errors import ConfigError, DeliveryError
from korwatch.ledger.store import transaction

if TYPE_CHECKING:
    from email.message import EmailMessage

    from korwatch.notify.chart_worker import Charts

BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=6),
)
LEVEL_ORDER = ("warning", "crossed")
log = logging.getLogger("korwatch.outbox")

# Rendering (Jinja2) and sending (smtplib, ssl) are imported when there is something to send:
# most scans send nothing, and a short-lived `korwatch import` should not pay for them.

Sender = Callable[["EmailMessage"], None]


@dataclass
class DeliveryReport:
    sent: list[str] = field(default_factory=list)  # one line per email sent
    failed: list[str] = field(default_factory=list)  # one line per failed attempt
    permanent: list[str] = field(default_factory=list)  # failures a retry will not fix

    def extend(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.failed += other.failed
        self.permanent += other.permanent


def sender_for(config: Config) -> Sender:
    email = config.email
    if email.backend == "file":
        folder = email.dir
        if folder is None:
            raise ConfigError(str(config.path), ['email.dir: is required with backend = "file"'])

        from korwatch.notify.files import write_eml  # noqa: PLC0415

        def write(message: EmailMessage) -> None:
            write_eml(message, folder)

        return write
    from korwatch.notify.smtp import send_smtp  # noqa: PLC0415

    return lambda message: send_smtp(message, email)


def backoff(attempts: int, delays: tuple[timedelta, ...] = BACKOFF) -> timedelta:
    return delays[min(attempts, len(delays)) - 1]


def supersede(connection: sqlite3.Connection) -> None:
    """Mark pending events superseded where a higher level of the same year is pending too."""
    connection.execute(
        "UPDATE alert_events SET status = 'superseded' WHERE status = 'pending'"
        " AND alert_events.kind IN ('warning', 'crossed') AND EXISTS ("
        " SELECT 1 FROM alert_events AS higher WHERE higher.business = alert_events.business"
        " AND higher.year = alert_events.year AND higher.status IN ('pending', 'sent')"
        " AND higher.id > alert_events.id AND (higher.kind = 'crossed' OR"
        " (alert_events.kind = 'warning' AND higher.kind = 'warning')))"
    )


def deliver_due(
    connection: sqlite3.Connection,
    config: Config,
    now: datetime,
    send: Sender | None = None,
    businesses: set[str] | None = None,
    stop: Callable[[], bool] = lambda: False,
    charts: Charts | None = None,
) -> DeliveryReport:
    """Send the due events, oldest first. `stop` is asked before each email (the daemon's
    SIGTERM): what is left stays pending for the next run. `charts`: the chart processes of the
    scan (which drew the charts of its alerts already); without it, ones of its own."""
    report = DeliveryReport()
    with transaction(connection):
        supersede(connection)
    rows = connection.execute(
        "SELECT id, business, year, level, kind, payload, attempts FROM alert_events "
        "WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY id",
        (now.isoformat(timespec="seconds"),),
    ).fetchall()
    known = {business.id: business for business in config.businesses}
    routed = (_route(config, known, row) for row in rows)
    due = [
        event
        for event in routed
        # None: a business removed from the config (or the office): kept, not sent
        if event is not None and (businesses is None or event.business in businesses)
    ]
    if due:
        from korwatch.notify.chart_worker import chart_drawer  # noqa: PLC0415

        with contextlib.nullcontext(charts) if charts is not None else chart_drawer() as drawer:
            _deliver(connection, config, now, send or sender_for(config), due, report, stop, drawer)
    return report


class ScanCharts:
    """The chart processes of one scan, started by its first alert (before it, nothing of
    rendering or drawing is even imported: most scans send nothing)."""

    def __init__(self) -> None:
        self.drawer: Charts | None = None

    def get(self) -> Charts:
        if self.drawer is None:
            from korwatch.notify.chart_worker import chart_drawer  # noqa: PLC0415

            self.drawer = chart_drawer()
        return self.drawer

    def close(self) -> None:
        if self.drawer is not None:
            self.drawer.close()


def last_event(connection: sqlite3.Connection) -> int:
    """The id of the latest alert event (0: none)."""
    return int(connection.execute("SELECT COALESCE(MAX(id), 0) FROM alert_events").fetchone()[0])


def prefetch_charts(
    connection: sqlite3.Connection, config: Config, charts: ScanCharts, after: int
) -> int:
    """Start drawing the charts of the pending events recorded after event `after` (a scan
    calls it after each business, so the charts are drawn while the next are imported);
    returns the last event id seen."""
    rows = connection.execute(
        "SELECT id, business, year, level, kind, payload, attempts FROM alert_events "
        "WHERE id > ? AND status = 'pending' ORDER BY id",
        (after,),
    ).fetchall()
    if not rows:
        return after
    from korwatch.notify.compose import chart_for  # noqa: PLC0415

    known = {business.id: business for business in config.businesses}
    for event in (_route(config, known, row) for row in rows):
        try:
            data = None if event is None else chart_for(event.payload, event.language)
        except Exception:  # noqa: S112 - an unbuildable alert is reported when it is built
            continue
        if data is not None:
            charts.get().prefetch(data)
    return int(rows[-1][0])


@dataclass
class _Due:
    """A pending event with where it goes: its business's recipients and language, or the
    office's (`[office]`), and the office in copy on a client's crossing (cc, bcc)."""

    id: int
    business: str
    year: int
    level: str
    kind: str
    stored: str  # the payload as stored (JSON)
    attempts: int
    named: dict[str, str]  # the business (or the office) as a failure report names it
    language: str
    recipients: tuple[str, ...]
    cc: tuple[str, ...] = ()
    bcc: tuple[str, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)  # added to the payload when sent

    @property
    def payload(self) -> dict[str, Any]:
        return {**json.loads(self.stored), **self.extra, "kind": self.kind}

    @property
    def event(self) -> dict[str, Any]:
        """The event as a delivery failure reports it."""
        return {"id": self.id, "kind": self.kind, "business": self.named, "year": self.year}


def _route(config: Config, known: dict[str, BusinessConfig], row: tuple[Any, ...]) -> _Due | None:
    """Where the event of `row` (an alert_events row, as deliver_due selects it) goes; None
    when nowhere (a business removed from the config, an office without recipients)."""
    event_id, business_id, year, level, kind, stored, attempts = row
    head = (int(event_id), str(business_id), int(year), str(level), str(kind), str(stored))
    office = config.office
    if kind == OFFICE_DIGEST:
        if not office.recipients:
            return None
        named = {"id": business_id, "name": office.name or "the office"}
        return _Due(*head, attempts, named, office.language, office.recipients)
    business = known.get(business_id)
    if business is None:
        return None
    named = {"id": business.id, "name": business.name}
    if kind == OFFICE_CROSSED:
        if not office.recipients:
            return None
        extra = office_copy_facts(business.recipients, business.language)
        return _Due(*head, attempts, named, office.language, office.recipients, extra=extra)
    # The office in copy on the client's crossing (cc, bcc), and on the correction of a
    # crossing in every mode but "none": it was told of the crossing ("own": by its own email).
    copied = (kind == "crossed" and office.crossing in ("cc", "bcc")) or (
        kind == CORRECTION and office.crossing != "none" and _corrects_crossing(str(stored))
    )
    copy = office.recipients if copied else ()
    cc, bcc = (copy, ()) if office.crossing == "cc" else ((), copy)
    return _Due(*head, attempts, named, business.language, business.recipients, cc=cc, bcc=bcc)


def _corrects_crossing(stored: str) -> bool:
    """Whether a correction's payload changes what was said of the crossing."""
    return any(change["kind"] == "crossed" for change in json.loads(stored).get("changes", []))


def _deliver(
    connection: sqlite3.Connection,
    config: Config,
    now: datetime,
    send: Sender,
    due: list[_Due],
    report: DeliveryReport,
    stop: Callable[[], bool],
    charts: Charts,
) -> None:
    """Compose and send each event; the chart processes draw the next emails' charts while
    this one is sent (chart_worker.py)."""
    from korwatch.notify.compose import email_for  # noqa: PLC0415
    from korwatch.notify.render import environment, message_id  # noqa: PLC0415

    env = environment(config.templates_dir)
    for index, event in enumerate(due):
        if stop():
            break
        _prefetch(charts, due[index + (_LOOKAHEAD - 1 if index else 0) : index + _LOOKAHEAD])
        try:
            message = email_for(
                env,
                event.language,
                event.payload,
                sender=config.email.sender,
                recipients=event.recipients,
                cc=event.cc,
                bcc=event.bcc,
                message_id=message_id(
                    event.id, event.business, event.year, event.level, config.email.sender
                ),
                when=now,
                charts=charts,
            )
        except Exception as error:  # one alert that cannot be built must not stop the others
            _unbuildable(connection, event.event, error, now, report)
            continue
        _attempt(connection, event.event, event.attempts, message, send, now, report, config)


_LOOKAHEAD = 8  # charts queued ahead of the email being sent (the chart processes draw them)


def _prefetch(charts: Charts, ahead: list[_Due]) -> None:
    """Start drawing the charts of the emails about to be sent."""
    from korwatch.notify.compose import chart_for  # noqa: PLC0415

    for event in ahead:
        try:
            data = chart_for(event.payload, event.language)
        except Exception:  # noqa: S112 - an unbuildable alert is reported when it is built
            continue
        if data is not None:
            charts.prefetch(data)


def _unbuildable(
    connection: sqlite3.Connection,
    event: dict[str, Any],
    error: Exception,
    now: datetime,
    report: DeliveryReport,
) -> None:
    """Mark an alert whose email cannot be made (a payload the templates cannot render, say a
    date past year 9999) failed for good, with its reason, and tell the user by email: retrying
    would fail the same way every time."""
    log.error("the %s alert %s cannot be built", event["kind"], event["id"], exc_info=error)
    reason = f"cannot be built ({type(error).__name__}: {error})"
    with transaction(connection):
        connection.execute(
            "UPDATE alert_events SET status = 'failed', attempts = attempts + 1, last_error = ? "
            "WHERE id = ?",
            (reason, event["id"]),
        )
        event["subject"] = f"KOR {event['year']}: {event['kind']}"
        if not is_office_kind(str(event["kind"])):  # the office's own: logged, not mailed
            record_delivery_failure(connection, event, reason, now, cause="build")
    line = f"{event['subject']} ({event['business']['id']}): {reason}"
    report.failed.append(line)
    report.permanent.append(line)


def _attempt(
    connection: sqlite3.Connection,
    event: dict[str, Any],
    attempts: int,
    message: EmailMessage,
    send: Sender,
    now: datetime,
    report: DeliveryReport,
    config: Config,
) -> None:
    stamp = now.isoformat(timespec="seconds")
    event_id = event["id"]
    try:
        send(message)
    except DeliveryError as error:
        retry = (now + backoff(attempts + 1, config.schedule.retry)).isoformat(timespec="seconds")
        with transaction(connection):
            connection.execute(
                "UPDATE alert_events SET attempts = attempts + 1, last_error = ?, "
                "next_attempt_at = ? WHERE id = ?",
                (str(error), retry, event_id),
            )
            if error.permanent and not is_office_kind(str(event["kind"])):
                # Still retried (the user may fix the login or address); reported once, loudly.
                event["subject"] = str(message["Subject"])
                record_delivery_failure(connection, event, str(error), now)
        line = f"{message['Subject']}: {error} (next try {retry})"
        report.failed.append(line)
        if error.permanent:
            log.error("delivery failed permanently: %s", line)
            report.permanent.append(line)
        return
    with transaction(connection):
        connection.execute(
            "UPDATE alert_events SET status = 'sent', sent_at = ?, attempts = attempts + 1, "
            "last_error = NULL WHERE id = ?",
            (stamp, event_id),
        )
    report.sent.append(f"{message['Subject']} -> {message['To']}")
