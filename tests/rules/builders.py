"""Records and settings for the rules tests, built the way the ledger and the config give them."""

from __future__ import annotations

import itertools
import tomllib
from datetime import date
from decimal import Decimal

from korwatch.config.rules import read_rules
from korwatch.configtable import Table
from korwatch.models import StoredRecord, cents
from korwatch.tax.classify import classify
from korwatch.tax.thresholds import YearState, evaluate, warn_levels
from korwatch.tax.verdict import RuleSettings

_ids = itertools.count(1)
CUSTOMER_IBAN = "NL91ABNA0417164300"


def bank(
    day: str,
    amount: str,
    name: str = "Klant BV",
    *,
    iban: str = CUSTOMER_IBAN,
    description: str = "",
    reference: str = "",
    reversal: bool = False,
) -> StoredRecord:
    return StoredRecord(
        next(_ids),
        "transaction",
        date.fromisoformat(day),
        cents(Decimal(amount)),
        "EUR",
        "NL20INGB0001234567",
        name,
        iban,
        description,
        reference,
        reversal,
        "",
        "doc",
        "bank.csv",
        None,
        None,
        False,
    )


def invoice(
    day: str,
    net: str,
    number: str,
    customer: str = "Klant BV",
    *,
    vat: str = "0",
    credit_note: bool = False,
    supply: str | None = None,
) -> StoredRecord:
    net_cents, vat_cents = cents(Decimal(net)), cents(Decimal(vat))
    return StoredRecord(
        next(_ids),
        "invoice",
        date.fromisoformat(day),
        net_cents,
        "EUR",
        "",
        customer,
        "",
        "",
        number,
        False,
        "",
        "doc",
        "invoices.csv",
        vat_cents,
        net_cents + vat_cents,
        credit_note,
        None if supply is None else date.fromisoformat(supply),
    )


def settings(toml: str = "", basis: str = "invoices", own: tuple[str, ...] = ()) -> RuleSettings:
    """RuleSettings read from the keys of a `[[business]]` table, through the real reader."""
    problems: list[str] = []
    table = Table(tomllib.loads(toml), "business[0]", problems)
    found = read_rules(table, basis, frozenset(own))
    table.finish()
    assert not problems, problems
    return found


def state(
    records: list[StoredRecord],
    rules: RuleSettings,
    year: int = 2026,
    threshold: str = "20000.00",
) -> YearState:
    limit = cents(Decimal(threshold))
    stands = rules.credit_note_after_crossing == "crossing-stands"
    return evaluate(
        year, classify(records, rules), limit, warn_levels(limit, None), crossing_stands=stands
    )


def money(value: int) -> str:
    return f"{Decimal(value) / 100:.2f}"
