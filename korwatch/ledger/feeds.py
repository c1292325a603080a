"""The bank feeds' state in the ledger: consents, granted accounts, reads spent, history gaps,
tokens.

Implements sources.bankfeed.FeedStore on the ledger's connection; every write is its own short
transaction, committed at once (a read recorded before it is made survives a crash). Session
ids, account ids and tokens are stored here and nowhere else: the ledger file is 0600.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from korwatch.ledger.store import connect, transaction
from korwatch.models import Transaction, cents
from korwatch.sources.bankfeed import (
    DAY,
    Bank,
    Consent,
    GrantedAccount,
    HistoryGap,
    StoredConsent,
    Token,
)

KEEP_READS = timedelta(days=3)  # older reads no longer matter to any budget


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def _moment(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text)


class LedgerFeeds:
    """FeedStore on a ledger connection (autocommit; each write in its own transaction)."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def consent(self, business: str, source: str) -> StoredConsent | None:
        row = self.connection.execute(
            "SELECT provider, bank, country, session, valid_until, state, reason, state_since, "
            "not_before FROM feed_consents WHERE business = ? AND source = ?",
            (business, source),
        ).fetchone()
        if row is None:
            return None
        return StoredConsent(
            row[0], row[1], row[2], row[3], datetime.fromisoformat(row[4]), row[5], row[6],
            datetime.fromisoformat(row[7]), _moment(row[8]),
        )  # fmt: skip

    def accounts(self, business: str, source: str) -> list[GrantedAccount]:
        rows = self.connection.execute(
            "SELECT remote_id, account, name, currency FROM feed_accounts "
            "WHERE business = ? AND source = ? ORDER BY account",
            (business, source),
        )
        return [GrantedAccount(*row) for row in rows]

    def save_consent(
        self,
        business: str,
        source: str,
        provider: str,
        bank: Bank,
        consent: Consent,
        now: datetime,
    ) -> None:
        """A new consent replaces the old one; accounts it no longer grants are dropped, the
        records already read stay (a renewal resumes from the ledger's last booked date)."""
        with transaction(self.connection) as connection:
            connection.execute(
                "INSERT OR REPLACE INTO feed_consents (business, source, provider, bank, country, "
                "session, valid_until, state, reason, state_since, connected_at, not_before) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, 'authorized', NULL, ?, ?, NULL)",
                (business, source, provider, bank.name, bank.country, consent.session,
                 _stamp(consent.valid_until), _stamp(now), _stamp(now)),
            )  # fmt: skip
            connection.execute(
                "DELETE FROM feed_accounts WHERE business = ? AND source = ?", (business, source)
            )
            connection.executemany(
                "INSERT INTO feed_accounts (business, source, account, remote_id, name, currency) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(business, source, a.account, a.remote_id, a.name, a.currency)
                 for a in consent.accounts],
            )  # fmt: skip

    def needs_consent(self, business: str, source: str, reason: str, now: datetime) -> None:
        with transaction(self.connection) as connection:
            mark_needs_consent(connection, business, source, reason, now)

    def postpone(self, business: str, source: str, until: datetime) -> None:
        with transaction(self.connection) as connection:
            connection.execute(
                "UPDATE feed_consents SET not_before = ? WHERE business = ? AND source = ?",
                (_stamp(until), business, source),
            )

    def reads(self, business: str, source: str, account: str, since: datetime) -> list[datetime]:
        rows = self.connection.execute(
            "SELECT read_at FROM feed_reads WHERE business = ? AND source = ? AND account = ? "
            "AND read_at >= ? ORDER BY read_at",
            (business, source, account, _stamp(since)),
        )
        return [datetime.fromisoformat(row[0]) for row in rows]

    def claim_read(
        self,
        business: str,
        source: str,
        account: str,
        now: datetime,
        wait: Callable[[list[datetime]], datetime | None],
    ) -> datetime | None:
        """See FeedStore.claim_read: BEGIN IMMEDIATE makes the look and the record one step
        for every connection to the ledger (each pull thread has its own)."""
        with transaction(self.connection) as connection:
            later = wait(self.reads(business, source, account, now - 2 * DAY))
            if later is not None:
                return later
            connection.execute(
                "INSERT INTO feed_reads (business, source, account, read_at) VALUES (?, ?, ?, ?)",
                (business, source, account, _stamp(now)),
            )
            connection.execute(
                "DELETE FROM feed_reads WHERE read_at < ?", (_stamp(now - KEEP_READS),)
            )
        return None

    def last_booked(self, business: str, account: str) -> date | None:
        """The latest booking date of the account's records that a bank feed brought."""
        row = self.connection.execute(
            "SELECT MAX(r.date) FROM records r JOIN documents d "
            "ON d.sha256 = r.document AND d.business = r.business "
            "WHERE r.business = ? AND r.account = ? AND d.format = 'bank-feed'",
            (business, account),
        ).fetchone()
        return None if row is None or row[0] is None else date.fromisoformat(row[0])

    def set_pending(
        self, business: str, source: str, account: str, pending: list[Transaction], now: datetime
    ) -> None:
        total = sum(cents(item.amount) for item in pending)
        with transaction(self.connection) as connection:
            connection.execute(
                "UPDATE feed_accounts SET pending_count = ?, pending_cents = ?, pending_at = ? "
                "WHERE business = ? AND source = ? AND account = ?",
                (len(pending), total, _stamp(now), business, source, account),
            )

    def record_gap(self, business: str, source: str, gap: HistoryGap, now: datetime) -> None:
        served = None if gap.served_from is None else gap.served_from.isoformat()
        with transaction(self.connection) as connection:
            connection.execute(
                "INSERT OR REPLACE INTO feed_gaps (business, source, account, first_day, "
                "last_day, served_from, found_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (business, source, gap.account, gap.first.isoformat(), gap.last.isoformat(),
                 served, _stamp(now)),
            )  # fmt: skip

    def gaps(self, business: str, source: str) -> list[HistoryGap]:
        return open_gaps(self.connection, business, source)

    def token(self, provider: str, client: str) -> Token | None:
        row = self.connection.execute(
            "SELECT access, access_until, refresh, refresh_until FROM feed_tokens "
            "WHERE provider = ? AND client = ?",
            (provider, client),
        ).fetchone()
        if row is None:
            return None
        return Token(row[0], datetime.fromisoformat(row[1]), row[2], datetime.fromisoformat(row[3]))

    def save_token(self, provider: str, client: str, token: Token) -> None:
        with transaction(self.connection) as connection:
            connection.execute(
                "INSERT OR REPLACE INTO feed_tokens (provider, client, access, access_until, "
                "refresh, refresh_until) VALUES (?, ?, ?, ?, ?, ?)",
                (provider, client, token.access, _stamp(token.access_until), token.refresh,
                 _stamp(token.refresh_until)),
            )  # fmt: skip


def mark_needs_consent(
    connection: sqlite3.Connection, business: str, source: str, reason: str, now: datetime
) -> None:
    """In the caller's transaction: the consent can no longer read (once; the first reason
    and moment stay)."""
    connection.execute(
        "UPDATE feed_consents SET state = 'needs-consent', reason = ?, state_since = ? "
        "WHERE business = ? AND source = ? AND state = 'authorized'",
        (reason[:300], _stamp(now), business, source),
    )


def open_gaps(
    connection: sqlite3.Connection, business: str, source: str, since_year: int = 0
) -> list[HistoryGap]:
    """The source's history gaps (ending in `since_year` or later) that no file export covers
    yet: covered once a document that is not a bank-feed pull holds a record of the account
    dated in the gap, or records on both sides of it (a quiet stretch inside a longer export)."""
    rows = connection.execute(
        "SELECT g.account, g.first_day, g.last_day, g.served_from FROM feed_gaps g "
        "WHERE g.business = ? AND g.source = ? AND g.last_day >= ? AND NOT EXISTS ("
        "  SELECT 1 FROM records r JOIN documents d "
        "  ON d.sha256 = r.document AND d.business = r.business "
        "  WHERE r.business = g.business AND r.account = g.account "
        "  AND d.format IS NOT 'bank-feed' GROUP BY r.document "
        "  HAVING SUM(r.date BETWEEN g.first_day AND g.last_day) > 0 "
        "  OR (MIN(r.date) <= g.first_day AND MAX(r.date) >= g.last_day)) "
        "ORDER BY g.account, g.first_day",
        (business, source, f"{since_year:04d}-01-01"),
    )
    return [
        HistoryGap(account, date.fromisoformat(first), date.fromisoformat(last),
                   None if served is None else date.fromisoformat(served))
        for account, first, last, served in rows
    ]  # fmt: skip


@contextmanager
def open_feeds(path: Path) -> Iterator[LedgerFeeds]:
    """The feeds' state on a connection of its own to the ledger at `path`, closed after: what
    a bank feed pulled in a thread of its own works on (SQLite's WAL lets it write between the
    scan's transactions; a write waits for the scan's for up to the connection's timeout)."""
    connection = connect(path)
    try:
        yield LedgerFeeds(connection)
    finally:
        connection.close()


def feed_overview(connection: sqlite3.Connection, business: str) -> list[dict[str, Any]]:
    """Each connected bank source of the business with its accounts, for `status`: state,
    expiry and pending entries; no session or account id."""
    consents = connection.execute(
        "SELECT source, provider, bank, country, valid_until, state, reason, state_since, "
        "not_before FROM feed_consents WHERE business = ? ORDER BY source",
        (business,),
    ).fetchall()
    found = []
    for source, provider, bank, country, until, state, reason, since, not_before in consents:
        accounts = connection.execute(
            "SELECT account, name, currency, pending_count, pending_cents, pending_at "
            "FROM feed_accounts WHERE business = ? AND source = ? ORDER BY account",
            (business, source),
        ).fetchall()
        found.append(
            {
                "source": source, "provider": provider, "bank": bank, "country": country,
                "state": state, "reason": reason, "state_since": since, "valid_until": until,
                "not_before": not_before,
                "accounts": [
                    {"account": account, "name": name, "currency": currency,
                     "pending_count": count, "pending_cents": total, "pending_at": at}
                    for account, name, currency, count, total, at in accounts
                ],
            }
        )  # fmt: skip
    return found


def every_consent(connection: sqlite3.Connection) -> dict[str, list[tuple[str, str, str, str]]]:
    """Each business's bank consents in one query, for an overview of many businesses:
    (source, bank, state, valid_until). No session or account id."""
    found: dict[str, list[tuple[str, str, str, str]]] = {}
    rows = connection.execute(
        "SELECT business, source, bank, state, valid_until FROM feed_consents "
        "ORDER BY business, source"
    )
    for business, source, bank, state, until in rows:
        found.setdefault(business, []).append((source, bank, state, until))
    return found
