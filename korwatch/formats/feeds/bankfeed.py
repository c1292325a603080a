"""One pull of a bank feed, as a bank-feed source writes it (sources/bankfeed_pull.py):
`{"korwatch": "bank-feed", "provider", "source", "account", "date_from", "date_to",
"transactions": [...]}` whose entries carry the fields of a `Transaction` (signed amount as a
decimal string, ISO dates). Only booked entries are in it; pending ones never become records.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from korwatch.errors import ParseError
from korwatch.formats.base import Mismatch, checked_amount
from korwatch.models import Record, Sample, Transaction

MARKER = '{"korwatch": "bank-feed"'
_TEXT_FIELDS = ("counterparty_name", "counterparty_iban", "description", "reference", "bank_id",
                "code")  # fmt: skip


class BankFeedParser:
    name = "bank-feed"
    label = "bank feed pull (written by korwatch's enablebanking and gocardless sources)"

    def identify(self, sample: Sample) -> bool:
        return sample.text.lstrip().startswith(MARKER)

    def mismatch(self, sample: Sample) -> Mismatch | None:
        return None

    def parse(self, sample: Sample) -> Iterator[Record]:
        try:
            data = json.loads(sample.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ParseError(f"not a readable bank feed document: {error}") from None
        items = data.get("transactions") if isinstance(data, dict) else None
        if not isinstance(items, list) or not isinstance(data.get("account"), str):
            raise ParseError('the document has no "account" or no "transactions" list')
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
