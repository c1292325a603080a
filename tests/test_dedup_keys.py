"""Dedup keys are a stored contract: a ledger written by an earlier korwatch must recognise the
same lines in a new export, so the keys of these records may never change."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from korwatch.ledger.dedup import keyed
from korwatch.models import Invoice, Transaction

PAYMENT = Transaction(
    date(2026, 9, 14),
    Decimal("1250.00"),
    "EUR",
    "NL20 INGB 0001 2345 67",
    " Klant BV ",
    "nl91 abna 0417 1643 00",
    "Factuur 2026-042 ",
)
FEE = Transaction(
    date(2026, 9, 14), Decimal("-5.10"), "EUR", "NL20INGB0001234567", bank_id=" 2026091400001 "
)
INVOICE = Invoice(
    "f2026-042",
    date(2026, 9, 1),
    "Klant BV",
    Decimal("1000.00"),
    Decimal("210.00"),
    Decimal("1210.00"),
)


def test_keys_of_known_records_are_the_ones_earlier_versions_stored() -> None:
    # Written by korwatch before the key code was made faster (commit 94bf2f7).
    assert [key for key, _ in keyed([PAYMENT, PAYMENT, FEE, INVOICE, INVOICE])] == [
        "b1fb09ff29acb40a290041e908d5b389.1",
        "b1fb09ff29acb40a290041e908d5b389.2",
        "895eaa00172ae8d5ef81eb4e7e6b46b6",
        "e4de839c14b30b618faceff5ba3c8efe",
        "e4de839c14b30b618faceff5ba3c8efe.2",
    ]


def test_white_space_and_case_of_ibans_do_not_change_a_key() -> None:
    tidy = Transaction(
        date(2026, 9, 14),
        Decimal("1250.00"),
        "EUR",
        "NL20INGB0001234567",
        "Klant BV",
        "NL91ABNA0417164300",
        "Factuur 2026-042",
    )
    assert next(keyed([tidy]))[0] == next(keyed([PAYMENT]))[0]
