"""A bank feed as a source: each pull of an account is one document, imported like a file.

Each granted account is read from its last booked date in the ledger minus `overlap_days`
(the first time: 1 January of last year, or `history_from`) to today, all pages followed, and
written as one JSON document (`{"korwatch": "bank-feed", ...}`, read by formats/bankfeed.py)
holding the booked entries as the file formats' records. The import then skips what the overlap
read again by the records' dedup keys (the bank's entry reference where it gives one), and a
pull identical to an earlier one by its sha256, so nothing counts twice. Pending entries are
not records: their number and sum are kept beside the account for `status`.

Before each read the budget is asked: at most `reads_per_day` reads of the account in any
24 hours and, when scheduled, not sooner than `schedule` after the last. Each read is recorded in
the ledger before it is made, so a restart or a manual `korwatch scan` never spends it again.
"""

from __future__ import annotations

import functools
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from korwatch.errors import SourceError, SourceWaiting
from korwatch.models import Transaction
from korwatch.sources.bankfeed import (
    DAY,
    FeedRead,
    FeedStore,
    GrantedAccount,
    NeedsConsent,
    Provider,
    RateLimited,
    StoredConsent,
    first_day,
    history_gap,
    next_read_at,
    shown_time,
)
from korwatch.sources.base import DocumentInput, SourceContext
from korwatch.sources.feedconfig import FeedSettings

if TYPE_CHECKING:
    import requests

MARKER = "bank-feed"  # the document's first key's value, for format detection


class Client(Protocol):
    """A provider's settings (keys by reference); makes the provider for one use."""

    @property
    def kind(self) -> str: ...

    def provider(self, store: FeedStore, session: requests.Session) -> Provider:
        """The provider on `session` (a GuardedSession: under the pull's deadline, if any)."""
        ...


@dataclass(frozen=True)
class BankFeedSource:
    client: Client
    settings: FeedSettings

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def kind(self) -> str:
        return self.client.kind

    @property
    def label(self) -> str:
        return self.kind if self.name == self.kind else f"{self.kind} {self.name}"

    def renew_command(self, business: str, bank: str | None = None, country: str = "") -> str:
        """The command that (re)connects this source, as messages and emails show it."""
        bank = bank or self.settings.bank or "BANK"
        country = country or self.settings.country
        source = f" --source {self.name}" if self.name != self.kind else ""
        return f'korwatch connect {business}{source} --bank "{bank}" --country {country}'

    @property
    def deadline(self) -> float | None:
        """Seconds one pull may take (all accounts, pages and tries); None: [schedule]
        pull_deadline. A bank feed is pulled in a thread of its own like any API (pull.py)."""
        return self.settings.deadline

    pull_lock = False  # each read is claimed in the ledger instead (base.pull_lock_wanted)

    def documents(self, context: SourceContext) -> Iterator[DocumentInput]:
        if context.feeds is not None and context.feed_mode != "never":
            yield from self._documents(context, context.feeds)
        elif context.open_feeds is not None and context.feed_mode != "never":
            with context.open_feeds() as store:  # a pull's own ledger connection, its thread's
                yield from self._documents(context, store)
        else:
            raise SourceWaiting("not read in a dry run (a read spends one of the bank's few a day)")

    def _documents(self, context: SourceContext, store: FeedStore) -> Iterator[DocumentInput]:
        from korwatch.sources.session import GuardedSession  # noqa: PLC0415 - requests

        consent = self._usable(store, context)
        waiting: list[str] = []
        with GuardedSession(self.label, context.deadline) as session:
            provider = self.client.provider(store, session)
            for account in store.accounts(context.business, self.name):
                wait = self._claim(store, context, account.account, consent)
                if wait is not None:
                    waiting.append(f"{account.account}: next read allowed at {shown_time(wait)}")
                    continue
                read = self._pull(provider, store, context, account)
                yield self._document(context, account, read)
        if waiting:
            raise SourceWaiting("; ".join(waiting))

    def next_read(
        self,
        store: FeedStore,
        context: SourceContext,
        account: str,
        consent: StoredConsent | None = None,
    ) -> datetime | None:
        """When this account may be read next (None: now), in the context's mode."""
        consent = consent or store.consent(context.business, self.name)
        reads = store.reads(context.business, self.name, account, context.now - 2 * DAY)
        return self._wait(context, consent, reads)

    def _wait(
        self,
        context: SourceContext,
        consent: StoredConsent | None,
        reads: list[datetime],
        *,
        scheduled: bool | None = None,
    ) -> datetime | None:
        """When the next read is allowed after `reads` (None: now); `scheduled` defaults to
        the context's mode."""
        if scheduled is None:
            scheduled = context.feed_mode == "scheduled"
        return next_read_at(
            reads,
            context.now,
            per_day=self.settings.reads_per_day,
            interval=self.settings.spacing if scheduled else None,
            not_before=None if consent is None else consent.not_before,
        )

    def _claim(
        self,
        store: FeedStore,
        context: SourceContext,
        account: str,
        consent: StoredConsent | None,
        *,
        scheduled: bool | None = None,
    ) -> datetime | None:
        """Record a read of `account` before it is made, if the budget allows one now (None);
        else when it will. Never once the pull's deadline has passed: no read is spent on a
        pull that will not be imported."""
        if context.deadline is not None:
            context.deadline.check(self.label)

        def wait(reads: list[datetime]) -> datetime | None:
            return self._wait(context, consent, reads, scheduled=scheduled)

        return store.claim_read(context.business, self.name, account, context.now, wait)

    def _spend(self, store: FeedStore, context: SourceContext, account: str) -> None:
        """Claim one more read within this pull (a second request the bank may count): only
        the day's budget applies, not the schedule."""
        wait = self._claim(store, context, account, None, scheduled=False)
        if wait is not None:
            raise SourceWaiting(
                f"{account}: the bank would not serve the days asked for and the day's reads "
                f"are spent; next read allowed at {shown_time(wait)}"
            )

    def _usable(self, store: FeedStore, context: SourceContext) -> StoredConsent:
        consent = store.consent(context.business, self.name)
        renew = self.renew_command(context.business)
        if consent is None:
            raise SourceWaiting(f"not connected to a bank yet: run {renew}")
        renew = self.renew_command(context.business, consent.bank, consent.country)
        if consent.state != "authorized":
            since = shown_time(consent.state_since)
            raise SourceWaiting(f"needs consent since {since} ({consent.reason}): run {renew}")
        if consent.valid_until <= context.now:
            reason = f"the consent expired on {shown_time(consent.valid_until)}"
            store.needs_consent(context.business, self.name, reason, context.now)
            raise NeedsConsent(f"{reason}: run {renew}")
        return consent

    def _pull(
        self,
        provider: Provider,
        store: FeedStore,
        context: SourceContext,
        account: GrantedAccount,
    ) -> FeedRead:
        """Read the account (its read already claimed) from the last booked date less the
        overlap; a shorter history than that is recorded as a gap."""
        today = context.now.astimezone(UTC).date()  # the API's dates are UTC days
        start = self.settings.history_from or date(today.year - 1, 1, 1)
        last = store.last_booked(context.business, account.account)
        begin = first_day(last, today, self.settings.overlap_days, start)
        spend = functools.partial(self._spend, store, context, account.account)
        try:
            read = provider.transactions(account, begin, today, spend)
        except NeedsConsent as error:
            store.needs_consent(context.business, self.name, str(error), context.now)
            consent = store.consent(context.business, self.name)
            bank, country = (consent.bank, consent.country) if consent else (None, "")
            renew = self.renew_command(context.business, bank, country)
            raise SourceError(f"{error}; renew the consent: {renew}") from None
        except RateLimited as error:
            until = error.retry_at or context.now + self.settings.spacing
            store.postpone(context.business, self.name, until)
            raise SourceWaiting(f"{error}; next read at {shown_time(until)}") from None
        store.set_pending(context.business, self.name, account.account, read.pending, context.now)
        gap = history_gap(account.account, last, start, read, today)
        if gap is not None:
            store.record_gap(context.business, self.name, gap, context.now)
        return read

    def _document(
        self, context: SourceContext, account: GrantedAccount, read: FeedRead
    ) -> DocumentInput:
        today = context.now.astimezone(UTC).date()
        # No pull time inside: a pull that brings exactly what an earlier one did has the same
        # sha256 and is skipped as known.
        body = json.dumps(
            {
                "korwatch": MARKER,
                "provider": self.kind,
                "source": self.name,
                "account": account.account,
                "date_from": read.date_from.isoformat(),
                "date_to": today.isoformat(),
                "transactions": [_entry(item) for item in read.booked],
            },
            ensure_ascii=False,
        )
        # A private temporary file, not a folder in the state directory: `korwatch connect`
        # and `scan --source` run by hand (under systemd: as root), and a folder they made
        # there would not be writable by the service's own user afterwards.
        handle, name = tempfile.mkstemp(prefix=f"korwatch-{self.name}-", suffix=".json")
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(body)
        path = Path(name)
        name = f"{self.label} {account.account} {read.date_from}..{today}"
        return DocumentInput(path=path, name=name, format="bank-feed")

    def acknowledge(self, document: DocumentInput, status: str) -> None:
        """The scan has recorded the pull (the ledger now knows the last booked date)."""
        document.path.unlink(missing_ok=True)

    def discard(self, document: DocumentInput) -> None:
        """A pull given up at its deadline: nobody imports its document (pull.py)."""
        document.path.unlink(missing_ok=True)


def _entry(item: Transaction) -> dict[str, object]:
    return {
        "booking_date": item.booking_date.isoformat(),
        "value_date": None if item.value_date is None else item.value_date.isoformat(),
        "amount": str(item.amount),
        "currency": item.currency,
        "counterparty_name": item.counterparty_name,
        "counterparty_iban": item.counterparty_iban,
        "description": item.description,
        "reference": item.reference,
        "bank_id": item.bank_id,
        "code": item.code,
    }
