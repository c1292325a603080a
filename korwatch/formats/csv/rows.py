"""Turns one CSV row into a `Transaction` following a profile (the per-row hot path).

Column indexes are resolved once per file; a row costs a dict of its mapped fields, a cached
date and amount lookup and the record itself.
"""

from __future__ import annotations

from decimal import Decimal

from korwatch.errors import ParseError
from korwatch.formats.csv.layout import Readers, Row
from korwatch.formats.csv.values import parse_amount, parse_date
from korwatch.models import Transaction

WIDTH = "_width"


class RowConverter:
    def __init__(self, readers: Readers, indexes: dict[str, int]) -> None:
        self.readers = readers
        self.profile = readers.profile
        self.keep = {state.casefold() for state in self.profile.keep_states}
        self.width = indexes[WIDTH]
        self.pairs = tuple((name, index) for name, index in indexes.items() if name != WIDTH)

    def convert(self, row: Row, line: int) -> Transaction | None:
        if len(row) != self.width:
            raise ParseError(f"expected {self.width} columns, found {len(row)}", line=line)
        fields = {name: row[index].strip() for name, index in self.pairs}
        if self.keep and "state" in fields and fields["state"].casefold() not in self.keep:
            return None  # pending, reverted or declined: not a booking (yet)
        if self.profile.refine is not None:
            self.profile.refine(fields)
            if fields.get("skip"):
                return None
        return self._transaction(fields, line)

    def _transaction(self, fields: dict[str, str], line: int) -> Transaction:
        readers = self.readers
        booking_date = parse_date(readers.dates, fields["date"], line)
        value_text = fields.get("value_date", "")
        value_date = (
            parse_date(readers.value_dates, value_text, line, "value date") if value_text else None
        )
        return Transaction(
            booking_date=booking_date,
            amount=self._amount(fields, line),
            currency=self._currency(fields.get("currency", ""), line),
            account=_account(fields.get("account", "")),
            counterparty_name=fields.get("counterparty_name", ""),
            counterparty_iban=fields.get("counterparty_iban", ""),
            description=fields.get("description", ""),
            reference=fields.get("reference", ""),
            bank_id=fields.get("bank_id", ""),
            value_date=value_date,
            reversal=fields.get("reversal") == "1",
            code=fields.get("code", ""),
            line=line,
        )

    def _amount(self, fields: dict[str, str], line: int) -> Decimal:
        text = fields.get("amount", "")
        if self.profile.sign_rule == "debit_negative_column":
            return self._credit_or_debit(text, fields.get("debit", ""), line)
        amount = parse_amount(self.readers.amounts, text, line)
        if self.profile.sign_rule != "sign_column":
            return amount
        word = fields.get("sign", "")
        sign = self.readers.signs.get(word.casefold())
        if sign is None:
            known = ", ".join(repr(w) for w in self.readers.signs)
            raise ParseError(f"sign {word!r} is not one of {known}", line=line)
        if text.lstrip().startswith(("-", "+")):
            raise ParseError(f"amount {text!r} is signed although a sign column exists", line=line)
        return amount if sign > 0 or not amount else -amount

    def _credit_or_debit(self, credit: str, debit: str, line: int) -> Decimal:
        # Two columns, credit and debit, of which one is filled (a zero counts as empty).
        readers = self.readers.amounts
        credit_value = parse_amount(readers, credit, line) if credit else Decimal(0)
        debit_value = parse_amount(readers, debit, line) if debit else Decimal(0)
        if credit_value and debit_value:
            raise ParseError(f"both credit {credit!r} and debit {debit!r} are filled", line=line)
        if not credit and not debit:
            raise ParseError("neither the credit nor the debit column is filled", line=line)
        return credit_value - abs(debit_value) if debit_value else credit_value

    def _currency(self, text: str, line: int) -> str:
        if not text:
            return self.profile.default_currency
        code = text.upper()
        if len(code) != 3 or not code.isalpha() or not code.isascii():
            raise ParseError(f"currency {text!r} is not a three-letter code", line=line)
        return code


def _account(text: str) -> str:
    # One public Rabobank file lost the opening quote of its first field ('NL77...",'): the
    # value is still unambiguous, so the stray quote is dropped rather than kept in the account.
    return text.strip('"').strip() if '"' in text else text
