"""The bank feed, whatever provider carries it: what a provider implements and what all share.

A provider (enablebanking.py, gocardless.py: one file each) lists banks, starts and finishes a
consent, tells a consent's state and reads an account's transactions for a date range, following
its pages, on the session it is given (under the pull's deadline). What is the same for every
provider lives here, in bankfeed_pull.py (a pull as a document), feedconfig.py (the config keys)
and feedentry.py (a feed entry as a `Transaction` shaped exactly like the file formats'
records): the read budget (at most `reads_per_day` unattended reads of an account in any 24
hours, the PSD2 rule banks enforce), the overlap of each pull, the days a shortened read left
out (`HistoryGap`), and the consent's state kept in the ledger (`FeedStore`, implemented by
ledger/feeds.py, since this layer may not import the ledger).

Secrets (a private key, tokens, session and account ids) live in the ledger and in `Secret`s;
nothing here puts them in a message.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Protocol

from korwatch.clock import local_today
from korwatch.errors import SourceError
from korwatch.models import Transaction

DAY = timedelta(days=1)
READS_PER_DAY = 4  # EBA RTS art. 36(5): 4 reads a day without the account holder present
OVERLAP_DAYS = 10
INTERVAL = timedelta(hours=6)
EXPIRING_DAYS = (14, 3)  # the consent-expiry emails go out this many days before the end


class NeedsConsent(SourceError):
    """The bank no longer lets korwatch read: the consent expired, was revoked or closed.
    `code` is the provider's word for it (EXPIRED_SESSION, AccessExpiredError, 401, ...)."""

    def __init__(self, message: str, code: str = "") -> None:
        super().__init__(message)
        self.code = code


class RateLimited(SourceError):
    """The bank or provider said "too many requests"; no read before `retry_at`."""

    def __init__(self, message: str, retry_at: datetime | None) -> None:
        super().__init__(message)
        self.retry_at = retry_at


@dataclass(frozen=True)
class Bank:
    """A bank the provider reaches. `id` is the provider's handle for it."""

    id: str
    name: str
    country: str
    max_consent_days: int | None = None  # the longest access the bank grants
    history_days: int | None = None  # how far back it serves transactions, when known


@dataclass(frozen=True)
class Started:
    """An authorisation in progress: the link to send the person to, and what finishes it."""

    url: str
    state: str  # echoed on the redirect, to match it to this authorisation
    handle: str  # the provider's id of the authorisation (a requisition), or ""
    bank: Bank


@dataclass(frozen=True)
class GrantedAccount:
    """An account a consent grants. `remote_id` is the provider's (secret) id for it."""

    remote_id: str
    account: str  # the IBAN, or the provider's stable key for an account without one
    name: str = ""
    currency: str = "EUR"

    def __repr__(self) -> str:
        return f"GrantedAccount(account={self.account!r}, name={self.name!r})"


@dataclass(frozen=True)
class Consent:
    session: str  # the provider's session or requisition id (secret)
    valid_until: datetime
    accounts: tuple[GrantedAccount, ...]

    def __repr__(self) -> str:
        return f"Consent(valid_until={self.valid_until.isoformat()}, accounts={self.accounts})"


@dataclass(frozen=True)
class ConsentStatus:
    authorized: bool
    status: str  # the provider's own word for it (AUTHORIZED, EXPIRED, LN, ...)
    valid_until: datetime | None = None


@dataclass(frozen=True)
class FeedRead:
    booked: list[Transaction]
    pending: list[Transaction]
    date_from: date  # the first day asked for
    # The bank would not serve from date_from and sent a shorter history instead (Enable
    # Banking: WRONG_TRANSACTIONS_PERIOD, then strategy "longest"). It does not say from which
    # day, so `served_from` is the earliest booking date it sent (None: it sent none).
    shortened: bool = False
    served_from: date | None = None


@dataclass(frozen=True)
class HistoryGap:
    """Days of an account a pull could not read: after the last booked date (or the first day
    wanted) and before the first day the bank served. Shown until a file export covers them."""

    account: str
    first: date  # the first day that may be missing
    last: date  # the last day that may be missing
    served_from: date | None  # the first day read (None: the bank sent no entry at all)


def history_gap(
    account: str, last_booked: date | None, start: date, read: FeedRead, today: date
) -> HistoryGap | None:
    """The days a shortened read left out, or None when it reached back far enough."""
    if not read.shortened:
        return None
    first = start if last_booked is None else last_booked + DAY
    last = (read.served_from or today + DAY) - DAY
    return HistoryGap(account, first, last, read.served_from) if first <= last else None


def import_command(business: str) -> str:
    return f"korwatch import --business {business} FILE"


def gap_message(gap: HistoryGap, business: str) -> str:
    """What `status` and `connect` say about a gap (the email says the same): the first day
    read, the days that may be missing, and how to fill them. Exactly those days: a file's
    records carry no bank id, so an export of days the feed read would count them again."""
    read = (
        f"the bank served history from {gap.served_from} only"
        if gap.served_from is not None
        else "the bank served none of the history asked for"
    )
    days = str(gap.first) if gap.first == gap.last else f"{gap.first} to {gap.last}"
    return (
        f"{read}; payments of {days} may be missing: import a file export of {gap.account} "
        f"covering exactly those days ({import_command(business)})"
    )


class Provider(Protocol):
    """What one provider implements; everything else about a bank feed is shared."""

    def banks(self, country: str) -> list[Bank]: ...

    def start(self, bank: Bank, redirect_url: str, state: str, valid_until: datetime) -> Started:
        """Begin an authorisation; the person opens `Started.url`."""
        ...

    def finish(self, started: Started, answer: Mapping[str, str]) -> Consent:
        """The query of the redirect back (code, state, error, ...) -> the consent granted."""
        ...

    def consent_status(self, session: str) -> ConsentStatus:
        """The consent's state, without reading any transactions."""
        ...

    def transactions(
        self,
        account: GrantedAccount,
        date_from: date,
        date_to: date,
        spend: Callable[[], None],
    ) -> FeedRead:
        """Every booked and pending entry of the range, all pages followed (or of the history
        the bank serves, when it will not serve the range: FeedRead.shortened). One read of the
        bank's budget is claimed before this is called; a further request the bank may count
        as a read claims one more with `spend` first (which raises SourceWaiting when the
        budget has none left)."""
        ...


@dataclass(frozen=True)
class StoredConsent:
    provider: str
    bank: str
    country: str
    session: str
    valid_until: datetime
    state: str  # "authorized" or "needs-consent"
    reason: str | None
    state_since: datetime
    not_before: datetime | None  # a 429's Retry-After: no read before this moment

    def __repr__(self) -> str:
        return f"StoredConsent(bank={self.bank!r}, state={self.state!r})"


@dataclass(frozen=True)
class Token:
    access: str
    access_until: datetime
    refresh: str
    refresh_until: datetime

    def __repr__(self) -> str:
        return "Token('***')"


class FeedStore(Protocol):
    """The bank feeds' state in the ledger (ledger/feeds.py); every write commits at once."""

    def consent(self, business: str, source: str) -> StoredConsent | None: ...

    def accounts(self, business: str, source: str) -> list[GrantedAccount]: ...

    def save_consent(
        self,
        business: str,
        source: str,
        provider: str,
        bank: Bank,
        consent: Consent,
        now: datetime,
    ) -> None: ...

    def needs_consent(self, business: str, source: str, reason: str, now: datetime) -> None: ...

    def postpone(self, business: str, source: str, until: datetime) -> None: ...

    def reads(
        self, business: str, source: str, account: str, since: datetime
    ) -> list[datetime]: ...

    def claim_read(
        self,
        business: str,
        source: str,
        account: str,
        now: datetime,
        wait: Callable[[list[datetime]], datetime | None],
    ) -> datetime | None:
        """In one write transaction: ask `wait` about the reads of the last two days; when it
        says None (a read is allowed now) record the read at `now`, before it is made. Returns
        what `wait` said. Two processes (the daemon, `scan --source`) never both take the last
        read of a budget, and a read is counted exactly once, whatever happens to it later."""
        ...

    def record_gap(self, business: str, source: str, gap: HistoryGap, now: datetime) -> None: ...

    def gaps(self, business: str, source: str) -> list[HistoryGap]:
        """The source's gaps that no file export covers yet."""
        ...

    def last_booked(self, business: str, account: str) -> date | None: ...

    def set_pending(
        self, business: str, source: str, account: str, pending: list[Transaction], now: datetime
    ) -> None: ...

    def token(self, provider: str, client: str) -> Token | None: ...

    def save_token(self, provider: str, client: str, token: Token) -> None: ...


def next_read_at(
    reads: list[datetime],
    now: datetime,
    *,
    per_day: int,
    interval: timedelta | None,
    not_before: datetime | None = None,
) -> datetime | None:
    """When the next read of an account is allowed; None when it is allowed now.

    `reads` are the earlier reads (any order). At most `per_day` reads in any 24 hours (a
    rolling window, as banks count it: see the GoCardless knowledge base on bank rate limits);
    with `interval` (a scheduled pull) also not sooner than that after the last read; never
    before a rate limit's `not_before`."""
    window = sorted(read for read in reads if now - read < DAY)
    waits: list[datetime] = []
    if len(window) >= per_day:
        waits.append(window[-per_day] + DAY)
    if interval is not None and reads:
        waits.append(max(reads) + interval)
    if not_before is not None:
        waits.append(not_before)
    wait = max(waits, default=None)
    return None if wait is None or wait <= now else wait


def ends_on(valid_until: datetime) -> date:
    """The day a consent ends, on the Dutch calendar (as every date korwatch shows)."""
    return local_today(valid_until)


def days_left(valid_until: datetime, today: date) -> int:
    """Calendar days from `today` to the day the consent ends: what `status`, `connect
    --check` and the expiry emails all say (a consent ending 12 December has 3 days left on
    the 9th, whatever the hour)."""
    return (ends_on(valid_until) - today).days


def shown_time(moment: datetime) -> str:
    """A moment as messages about reads show it (the API's own clock is UTC)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def first_day(last_booked: date | None, today: date, overlap_days: int, start: date) -> date:
    """Where a pull starts: the last booked date minus the overlap (so that entries the bank
    booked late are not missed), or `start` (1 January of last year) for the first pull."""
    if last_booked is None:
        return start
    return min(max(last_booked - timedelta(days=overlap_days), start), today)
