"""A bank feed's entry as a record: the mapping every provider shares, so that a feed's
records are shaped exactly like the file formats' (signed amount, ISO dates, IBANs without
spaces), and the checks on what the API sent (a date, an amount in cents)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from korwatch.errors import SourceError
from korwatch.models import Transaction


def feed_transaction(
    *,
    account: str,
    booking_date: str | None,
    value_date: str | None,
    amount: Decimal,
    currency: str,
    counterparty_name: str = "",
    counterparty_iban: str = "",
    remittance: list[str] | tuple[str, ...] = (),
    reference: str = "",
    bank_id: str = "",
    code: str = "",
    line: int = 0,
) -> Transaction:
    """One feed entry as the file formats' records are made: signed amount (positive is money
    in), remittance lines joined with a space, IBANs without spaces, upper case."""
    booked = _day(booking_date) or _day(value_date)
    if booked is None:
        raise SourceError(f"entry {line} has neither a booking date nor a value date")
    return Transaction(
        booking_date=booked,
        amount=amount,
        currency=(currency or "EUR").upper(),
        account=account,
        counterparty_name=" ".join(counterparty_name.split()),
        counterparty_iban="".join(counterparty_iban.split()).upper(),
        description=" ".join(" ".join(str(part) for part in remittance if part).split()),
        reference=reference.strip(),
        bank_id=bank_id.strip(),
        value_date=_day(value_date),
        code=code,
        line=line,
    )


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        raise SourceError(f"the feed sent {str(text)[:20]!r} where a date belongs") from None


def decimal_amount(text: object, line: int) -> Decimal:
    """An amount string of the API ("12.50") as a Decimal with at most two decimals."""
    try:
        amount = Decimal(str(text).strip())
    except InvalidOperation:
        raise SourceError(f"entry {line}: {str(text)[:20]!r} is not an amount") from None
    if not amount.is_finite() or amount != amount.quantize(Decimal("0.01")):
        raise SourceError(f"entry {line}: {str(text)[:20]!r} is not an amount in cents")
    return amount.quantize(Decimal("0.01"))
