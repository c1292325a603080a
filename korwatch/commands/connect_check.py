"""`korwatch connect --check`: each bank consent's state and expiry, and when each account may
be read next. The provider is asked about the consent only (Enable Banking GET /sessions/{id},
GoCardless GET /requisitions/{id}/): no transaction read, so no part of the bank's budget."""

from __future__ import annotations

from datetime import datetime

from korwatch.clock import local_today
from korwatch.commands.common import FAILED, OK
from korwatch.config.model import BusinessConfig, Config
from korwatch.errors import SourceError
from korwatch.ledger.feeds import LedgerFeeds
from korwatch.scan import open_ledger, state_dir
from korwatch.sources import BankFeedSource, SourceContext
from korwatch.sources.bankfeed import days_left, ends_on, shown_time
from korwatch.sources.session import GuardedSession


def print_check(config: Config, businesses: list[BusinessConfig], now: datetime) -> int:
    store = LedgerFeeds(open_ledger(config))
    code = OK
    for business in businesses:
        for source in business.sources:
            if isinstance(source, BankFeedSource):
                line, good = _check(config, store, business, source, now)
                print(f"{business.id} {source.label}: {line}")
                code = code if good else FAILED
    return code


def _check(
    config: Config,
    store: LedgerFeeds,
    business: BusinessConfig,
    source: BankFeedSource,
    now: datetime,
) -> tuple[str, bool]:
    consent = store.consent(business.id, source.name)
    if consent is None:
        return f"not connected; run {source.renew_command(business.id)}", False
    renew = source.renew_command(business.id, consent.bank, consent.country)
    if consent.state == "authorized":
        try:
            with GuardedSession(source.label) as session:
                provider = source.client.provider(store, session)
                status = provider.consent_status(consent.session)
        except SourceError as error:
            return f"cannot ask the provider now: {error}", False
        if not status.authorized:
            reason = f"the bank reports the consent as {status.status}"
            store.needs_consent(business.id, source.name, reason, now)
            consent = store.consent(business.id, source.name) or consent
    if consent.state != "authorized":
        return f"NEEDS CONSENT ({consent.reason}); renew: {renew}", False
    days = days_left(consent.valid_until, local_today(now))
    context = SourceContext(business.id, state_dir(config), now, store, "scheduled")
    reads = []
    for account in store.accounts(business.id, source.name):
        wait = source.next_read(store, context, account.account, consent)
        reads.append(f"{account.account} next read {'now' if wait is None else shown_time(wait)}")
    accounts = "; ".join(reads) or "no accounts"
    until = ends_on(consent.valid_until).isoformat()
    return f"{consent.bank}: authorised until {until} ({days} days left); {accounts}", True
