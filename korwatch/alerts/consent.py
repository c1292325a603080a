"""Keeping bank consents alive: an email 14 days and one 3 days before a consent ends, with the
command that renews it, and one "needs consent" email when the bank stops allowing reads
(expired, revoked, a 401/403); and one "history gap" email when a pull could not read back to
the last booked date (the bank served a shorter history), naming the days to import from a file
export. Events are ordinary outbox rows, each level unique, so each email goes out exactly
once: per consent end date and threshold, per needs-consent episode, per gap.
"""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from typing import Any

from korwatch.alerts.health import raise_once
from korwatch.clock import local_today
from korwatch.config.model import BusinessConfig
from korwatch.ledger.feeds import feed_overview, mark_needs_consent, open_gaps
from korwatch.sources import BankFeedSource
from korwatch.sources.bankfeed import EXPIRING_DAYS, days_left, ends_on, import_command

CONSENT_EXPIRING = "consent-expiring"
NEEDS_CONSENT = "needs-consent"
HISTORY_GAP = "history-gap"


def check_consents(
    connection: sqlite3.Connection, business: BusinessConfig, now: datetime
) -> list[str]:
    """In the caller's transaction: raise the expiring and needs-consent events that are due
    for the business's bank sources; return the new levels."""
    sources = {s.name: s for s in business.sources if isinstance(s, BankFeedSource)}
    if not sources:
        return []
    raised: list[str] = []
    who = {"id": business.id, "name": business.name}
    for feed in feed_overview(connection, business.id):
        source = sources.get(feed["source"])
        if source is not None:  # else a source no longer in the config
            raised += _check_feed(connection, who, source, feed, now)
            raised += _check_gaps(connection, who, feed, now)
    return raised


def _check_gaps(
    connection: sqlite3.Connection, who: dict[str, str], feed: dict[str, Any], now: datetime
) -> list[str]:
    """One email for each history gap of the years the KOR is judged on (this one and the one
    before) that no file export covers yet."""
    raised: list[str] = []
    since = local_today(now).year - 1
    for gap in open_gaps(connection, who["id"], feed["source"], since):
        facts = {
            "source": feed["source"],
            "bank": feed["bank"],
            "account": gap.account,
            "first_day": gap.first.isoformat(),
            "last_day": gap.last.isoformat(),
            "served_from": None if gap.served_from is None else gap.served_from.isoformat(),
            "command": import_command(who["id"]),
        }
        level = f"{HISTORY_GAP}:{feed['source']}:{gap.account}:{gap.first}"
        raised += raise_once(connection, who, HISTORY_GAP, level, gap.last.year, facts, now)
    return raised


def _check_feed(
    connection: sqlite3.Connection,
    who: dict[str, str],
    source: BankFeedSource,
    feed: dict[str, Any],
    now: datetime,
) -> list[str]:
    until = datetime.fromisoformat(feed["valid_until"])
    facts = {
        "source": feed["source"],
        "bank": feed["bank"],
        "valid_until": ends_on(until).isoformat(),
        "command": source.renew_command(who["id"], feed["bank"], feed["country"]),
    }
    state, reason, since = feed["state"], feed["reason"] or "", str(feed["state_since"])
    if state == "authorized" and until <= now:
        state, reason, since = "needs-consent", f"the consent ended on {ends_on(until)}", _at(now)
        mark_needs_consent(connection, who["id"], feed["source"], reason, now)
    if state != "authorized":
        facts.update(reason=reason, since=since[:10])
        level = f"{NEEDS_CONSENT}:{feed['source']}:{since}"
        return raise_once(connection, who, NEEDS_CONSENT, level, now.year, facts, now)
    due = [days for days in sorted(EXPIRING_DAYS) if until - now <= timedelta(days=days)]
    if not due:
        return []
    # The nearest threshold only: 3 days left says more than 14.
    facts["days_left"] = max(0, days_left(until, local_today(now)))
    level = f"{CONSENT_EXPIRING}:{feed['source']}:{feed['valid_until'][:10]}:{due[0]}"
    return raise_once(connection, who, CONSENT_EXPIRING, level, now.year, facts, now)


def _at(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")
