"""One pull of a bank feed, as a bank-feed source writes it (sources/bankfeed_pull.py):
`{"korwatch": "bank-feed", "provider", "source", "account", "date_from", "date_to",
"transactions": [...]}` whose entries carry the fields of a `Transaction` (signed amount as a
decimal string, ISO dates). Only booked entries are in it; pending ones never become records.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from korwatch.errors import ParseError
from korwatch.formats.base import OwnDocument, checked_amount
from korwatch.models import Record, Sample, Transaction

_TEXT_FIELDS = ("counterparty_name", "counterparty_iban", "description", "reference", "bank_id",
                "code")  # fmt: skip


class BankFeedParser(OwnDocument):
    name = "bank-feed"
    label = "bank feed pull (written by korwatch's enablebanking and gocardless sources)"
    marker = "bank-feed"
    what = "bank feed"

    def parse(self, sample: Sample) -> Iterator[Record]:
        data, items = self.document(sample, "transactions")
        if not isinstance(data.get("account"), str):
            raise ParseError('the bank feed document has no "account"')
        for index, item in enumerate(items, start=1):
            yield transaction_of(item, data["account"], index)


def transaction_of(item: Any, account: str, index: int) -> Transaction:
    if not isinstance(item, dict):
        raise ParseError("an entry is not an object", index)
    try:
        amount = Decimal(str(item["amount"]))
        booked = date.fromisoformat(str(item["booking_date"]))
        value = item.get("value_date")
        valued = date.fromisoformat(str(value)) if value else None
    except (KeyError, InvalidOperation, ValueError) as error:
        raise ParseError(f"an entry's amount or date cannot be read ({error})", index) from None
    if checked_amount(amount, index) != amount.quantize(Decimal("0.01")):
        raise ParseError(f"amount {item['amount']!r} is not in cents", index)
    name, iban, description, reference, bank_id, code = (
        str(item.get(field) or "") for field in _TEXT_FIELDS
    )
    return Transaction(
        booking_date=booked,
        amount=amount,
        currency=str(item.get("currency") or "EUR"),
        account=account,
        counterparty_name=name,
        counterparty_iban=iban,
        description=description,
        reference=reference,
        bank_id=bank_id,
        value_date=valued,
        code=code,
        line=index,
    )


PARSERS = [BankFeedParser()]
