"""The invariants every parsed transaction file must hold (issue 3, conformance), in one place."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from korwatch.ledger.dedup import keyed
from korwatch.models import Record, Transaction


def assert_valid_transactions(records: Sequence[Record], *, two_places: bool = True) -> None:
    """Transactions with real dates, Decimal amounts of exactly two places (at most two with
    `two_places=False`: the MT940 reader keeps '500' as written), an ISO currency code, a line
    number, and dedup keys unique within the document."""
    for record in records:
        assert isinstance(record, Transaction)
        assert isinstance(record.booking_date, date)
        assert isinstance(record.amount, Decimal)
        exponent = record.amount.as_tuple().exponent
        assert isinstance(exponent, int)
        assert exponent == -2 if two_places else exponent >= -2
        assert len(record.currency) == 3 and record.currency.isupper()
        assert record.line >= 1
    keys = [key for key, _ in keyed(records)]
    assert len(keys) == len(set(keys))
