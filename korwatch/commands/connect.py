"""`korwatch connect BUSINESS [--source NAME] --bank NAME [--country NL] [--account IBAN]`:
link a bank account through the source's provider (a new consent, or a renewed one).

Lists the matching banks, starts the authorisation, prints the link to open, catches the bank's
redirect on 127.0.0.1 (when `redirect_url` points there) or takes the address pasted back,
creates the session and maps the accounts it grants to the business by IBAN (the source's
`accounts`, else the business's `own_ibans`, else it asks). The consent goes into the ledger,
never to the terminal; then the new consent's first pull runs at once, while the bank still
serves the long history (Enable Banking support: within minutes of the consent).

`korwatch connect --check [BUSINESS]` shows each consent's state and expiry, asking the
provider without reading any transactions.
"""

from __future__ import annotations

import argparse
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from korwatch import clock
from korwatch.commands.common import FAILED, OK, print_report, selected
from korwatch.commands.connect_check import print_check
from korwatch.config.model import BusinessConfig, Config
from korwatch.errors import ConfigError, KorwatchError
from korwatch.ledger.feeds import LedgerFeeds
from korwatch.scan import open_ledger, scan, scan_lock
from korwatch.sources import BankFeedSource
from korwatch.sources.bankfeed import (
    Bank,
    Consent,
    GrantedAccount,
    Provider,
    Started,
    ends_on,
    gap_message,
)
from korwatch.sources.redirect import RedirectListener, answer_of, is_local
from korwatch.sources.session import GuardedSession

NAME = "connect"
HELP = "link a bank account through Enable Banking or GoCardless (or --check the consents)"
WAIT_SECONDS = 900.0  # how long the listener waits for the person to finish at the bank


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("business", nargs="?", help="the business the account belongs to")
    parser.add_argument("--source", help="the bank source's name (needed when there are several)")
    parser.add_argument("--bank", help='the bank, e.g. "ING" or "Rabobank"')
    parser.add_argument("--country", help="the bank's country (default: the source's, NL)")
    parser.add_argument(
        "--account", action="append", default=[], metavar="IBAN", help="watch this account"
    )
    parser.add_argument(
        "--check", action="store_true", help="show each consent's state and expiry (no reads)"
    )


def run(config: Config, args: argparse.Namespace) -> int:
    if args.check:
        return print_check(config, selected(config, args.business), clock.now())
    if not args.business:
        raise ConfigError(str(config.path), ["connect: name the business to connect"])
    business = config.business(args.business)
    source = bank_source(config, business, args.source)
    bank_name = args.bank or source.settings.bank
    if not bank_name:
        raise KorwatchError('name the bank with --bank, e.g. --bank "ING"')
    connection = open_ledger(config)
    store = LedgerFeeds(connection)
    with GuardedSession(source.label) as session:  # the person sets the pace: no deadline
        provider = source.client.provider(store, session)
        bank = _one_bank(provider, bank_name, (args.country or source.settings.country).upper())
        consent = _authorise(provider, source, bank, clock.now())
    wanted = tuple("".join(a.split()).upper() for a in args.account) or source.settings.accounts
    chosen = choose_accounts(consent.accounts, wanted, business, _ask)
    now = clock.now()
    granted = Consent(consent.session, consent.valid_until, chosen)
    store.save_consent(business.id, source.name, source.kind, bank, granted, now)
    _print_connected(business, bank, consent, chosen, explicit=bool(wanted))
    with scan_lock(config):  # the first pull, under the source's deadline like any other
        report = scan(connection, config, now, businesses={business.id},
                      sources=lambda s: s is source, feed_mode="now")  # fmt: skip
    print_report(report)
    for gap in store.gaps(business.id, source.name):
        print(f"  {gap.account}: {gap_message(gap, business.id)}")
    return FAILED if report.failed else OK


def _print_connected(
    business: BusinessConfig,
    bank: Bank,
    consent: Consent,
    chosen: tuple[GrantedAccount, ...],
    *,
    explicit: bool,
) -> None:
    """What is watched, and each granted account that is not, with how to watch it too."""
    until = ends_on(consent.valid_until).isoformat()
    print(f"connected {business.id} to {bank.name} ({bank.country}) until {until}:")
    for account in chosen:
        print(f"  watching {_label(account)}")
    why = "not named with --account or in accounts" if explicit else (
        "not one of this business's own_ibans" if all(
            a.account in business.rules.own_ibans for a in chosen) else "not chosen")  # fmt: skip
    for account in consent.accounts:
        if account not in chosen:
            print(f"  not watching {_label(account)}: {why}; to watch it too, connect again "
                  f"with --account {account.account} for each account to watch")  # fmt: skip


def _label(account: GrantedAccount) -> str:
    return account.account + (f" ({account.name})" if account.name else "")


def bank_source(config: Config, business: BusinessConfig, name: str | None) -> BankFeedSource:
    feeds = [s for s in business.sources if isinstance(s, BankFeedSource)]
    names = ", ".join(s.name for s in feeds) or "none"
    found = [s for s in feeds if name is None or s.name == name]
    if len(found) != 1:
        problem = (
            f"{business.id} has no bank source" + (f' named "{name}"' if name else "")
            if not found
            else "has several bank sources; choose one with --source"
        )
        raise ConfigError(str(config.path), [f"connect: {problem} (bank sources: {names})"])
    return found[0]


def _one_bank(provider: Provider, wanted: str, country: str) -> Bank:
    banks = provider.banks(country)
    exact = [b for b in banks if b.name.casefold() == wanted.casefold()]
    found = exact or [b for b in banks if wanted.casefold() in b.name.casefold()]
    if len(found) == 1:
        return found[0]
    if not found:
        known = ", ".join(sorted(b.name for b in banks)[:40])
        raise KorwatchError(f'no bank "{wanted}" in {country}; the provider knows: {known}')
    print("several banks match:")
    for bank in found:
        print(f"  {bank.name}")
    raise KorwatchError("name one of them exactly with --bank")


def _authorise(provider: Provider, source: BankFeedSource, bank: Bank, now: datetime) -> Consent:
    days = min(source.settings.consent_days, bank.max_consent_days or 180)
    # An hour's margin: valid_until may not pass the bank's maximum (Access.valid_until).
    valid_until = now + timedelta(days=days) - timedelta(hours=1)
    state = secrets.token_urlsafe(18)
    redirect = source.settings.redirect_url
    if is_local(redirect):
        with RedirectListener(redirect) as listener:
            started = provider.start(bank, redirect, state, valid_until)
            _show_link(started)
            print("waiting for the bank to send your browser back here ...", flush=True)
            answer = listener.wait(WAIT_SECONDS)
    else:
        started = provider.start(bank, redirect, state, valid_until)
        _show_link(started)
        answer = answer_of(_read("paste the address your browser ended on: "))
    return provider.finish(started, answer)


def _show_link(started: Started) -> None:
    print(f"open this link and give read access at {started.bank.name}:", flush=True)
    print(f"  {started.url}", flush=True)


def _read(prompt: str) -> str:
    try:
        return input(prompt)
    except EOFError:
        raise KorwatchError("no answer on standard input") from None


def _ask(account: GrantedAccount, business: BusinessConfig) -> bool:
    return _read(f"watch {_label(account)} for {business.id}? [y/N] ").strip().lower() in (
        "y",
        "yes",
        "j",
    )


def choose_accounts(
    granted: tuple[GrantedAccount, ...],
    wanted: tuple[str, ...],
    business: BusinessConfig,
    ask: Callable[[GrantedAccount, BusinessConfig], bool],
) -> tuple[GrantedAccount, ...]:
    """The granted accounts to watch: those named (--account, the source's `accounts`), else
    those among the business's own_ibans, else the ones the person says yes to."""
    if not granted:
        raise KorwatchError("the bank granted no account that can be read")
    if wanted:
        missing = sorted(set(wanted) - {a.account for a in granted})
        if missing:
            shown = ", ".join(a.account for a in granted)
            raise KorwatchError(f"the consent does not grant {', '.join(missing)} ({shown})")
        return tuple(a for a in granted if a.account in wanted)
    own = tuple(a for a in granted if a.account in business.rules.own_ibans)
    if own:
        return own
    try:
        chosen = tuple(a for a in granted if ask(a, business))
    except KorwatchError:
        shown = ", ".join(a.account for a in granted)
        raise KorwatchError(
            f"cannot tell which of {shown} belong to {business.id}: pass --account IBAN"
        ) from None
    if not chosen:
        raise KorwatchError("no account chosen; nothing connected")
    return chosen
