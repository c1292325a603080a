"""ING's hot path: the Mededelingen split and the hand-written row converter.

ING exports are the largest files korwatch reads (100,000 rows is a normal business year), so a
row here costs a handful of C-level calls: one itemgetter for the columns, one regex match and one
`Decimal` for a plain "1234,56" amount, a dict lookup per date (a statement repeats its few
hundred dates), two `rfind`s or one keyword split for the Mededelingen, and the record built
positionally. Anything unusual (a thousands mark, a stray space, a sign, a bad date) leaves the
fast path for the strict general readers, which decide and word the error.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from operator import itemgetter
from typing import TYPE_CHECKING

from korwatch.errors import ParseError
from korwatch.formats.csv.layout import Readers
from korwatch.formats.csv.rows import WIDTH
from korwatch.formats.csv.values import MAX_CACHE, parse_amount, parse_date
from korwatch.models import Transaction

if TYPE_CHECKING:
    from _csv import Reader


# Keywords of the Mededelingen text, Dutch and English UI; each starts a segment.
_KEYWORDS = (
    "Naam: ",
    "Name: ",
    "Omschrijving: ",
    "Description: ",
    "IBAN: ",
    "BIC: ",
    "Kenmerk: ",
    "Reference: ",
    "Machtiging ID: ",
    "Mandate ID: ",
    "Incassant ID: ",
    "Creditor ID: ",
    "Doorlopende incasso",
    "Eenmalige incasso",
    "Recurrent SEPA direct debit",
    "Datum/Tijd: ",
    "Date/time: ",
    "Pasvolgnummer: ",
    "Card sequence no.: ",
    "Transactie: ",
    "Transaction: ",
    "Term: ",
    "Terminal: ",
)
_TARGET = {
    "Naam: ": "name",
    "Name: ": "name",
    "Omschrijving: ": "description",
    "Description: ": "description",
    "IBAN: ": "iban",
    "Kenmerk: ": "reference",
    "Reference: ": "reference",
    "Valutadatum: ": "value_date",
    "Value date: ": "value_date",
}

# A keyword starts the text or follows a space. The split runs on " " + text so that the pattern
# starts with a literal space, which the regex engine scans for in C: half the time of
# "(?:^| )(…)", which tries both branches at every character.
_KEYWORD_SPLIT = re.compile(" (" + "|".join(re.escape(k) for k in _KEYWORDS) + ")")
_VALUE_DATE = (" Valutadatum: ", " Value date: ")
_STRUCTURED = ("Naam: ", "Name: ")
# ING's usual amount: digits, a comma, two decimals (no sign, no thousands mark, no space).
# Both layouts using IngRows state "," as decimal mark; at most 15 digits keep `Decimal` exact.
_PLAIN_AMOUNT = re.compile(r"[0-9]{1,15},[0-9][0-9]").fullmatch


def split_remittance(text: str) -> dict[str, str]:
    """The parts of an ING Mededelingen text, by keyword.

    Most lines (card payments, costs) are free text plus a value date: they cost two `rfind`s.
    Only structured lines ("Naam: …" or with an Omschrijving) are split on every keyword.
    """
    parts: dict[str, str] = {}
    text, value_date = _cut_value_date(text)
    if value_date is not None:
        parts["value_date"] = value_date
    if text.startswith(_STRUCTURED) or "Omschrijving: " in text or "Description: " in text:
        _split_structured(text, parts)
    else:
        parts["description"] = text.strip()
    return parts


def _cut_value_date(text: str) -> tuple[str, str | None]:
    """The text less its trailing "Valutadatum: …", and that value date's text (or None)."""
    for marker in _VALUE_DATE:
        position = text.rfind(marker)
        if position >= 0:
            start = position + len(marker)
            return text[:position], text[start : start + 10]
        if text.startswith(marker[1:]):
            return "", text[len(marker) - 1 : len(marker) + 9]
    return text, None


def _split_structured(text: str, parts: dict[str, str]) -> None:
    # One C-level split on the keywords (only for structured lines, ~40% of an export) costs
    # less than a Python loop of `find`s: pieces alternate text, keyword, text, keyword ...
    pieces = _KEYWORD_SPLIT.split(" " + text)
    for keyword, value in zip(pieces[1::2], pieces[2::2], strict=True):
        target = _TARGET.get(keyword)
        if target and target not in parts:
            parts[target] = value.strip()
    parts.setdefault("description", "")


def _remittance(text: str) -> tuple[str, str, str, str | None]:
    """The description, reference, IBAN and value date text of one Mededelingen: the same split
    as `split_remittance`, without its dict for the free-text lines (60% of an export)."""
    # Nearly every row ends in " Valutadatum: dd-mm-yyyy": cut it here, without a call.
    position = text.rfind(" Valutadatum: ")
    if position >= 0:
        value_text: str | None = text[position + 14 : position + 24]
        text = text[:position]
    else:
        text, value_text = _cut_value_date(text)
    if text.startswith(_STRUCTURED) or "Omschrijving: " in text or "Description: " in text:
        parts: dict[str, str] = {}
        _split_structured(text, parts)
        return parts["description"], parts.get("reference", ""), parts.get("iban", ""), value_text
    return text.strip(), "", "", value_text


class IngRows:
    """ING's row converter, written out by hand and running its own loop: the generic
    converter's per-row dict and call cost more than half the parse time of an ING file."""

    def __init__(self, readers: Readers, indexes: dict[str, int]) -> None:
        self.readers = readers
        self.width = indexes[WIDTH]
        # One C-level itemgetter call picks every column a row needs.
        self.pick = itemgetter(
            *(
                indexes[name]
                for name in (
                    "date",
                    "counterparty_name",
                    "account",
                    "counterparty_iban",
                    "code",
                    "amount",
                    "sign",
                    "description",
                )
            )
        )
        self.signs = {"Bij": 1, "Credit": 1, "Af": -1, "Debit": -1}
        # Dates by their text: a year's statement has a few hundred distinct ones.
        self.days: dict[str, date] = {}
        self.value_days: dict[str, date] = {}

    def records(self, reader: Reader) -> Iterator[Transaction]:
        """Every data row after the header as a Transaction.

        One loop with its lookups bound to locals: a call and a dozen attribute lookups per row
        are a tenth of the parse time at ING's sizes.
        """
        width, pick, signs = self.width, self.pick, self.signs
        days, value_days, plain_amount = self.days, self.value_days, _PLAIN_AMOUNT
        for row in reader:
            line = reader.line_num
            if len(row) != width:
                if not row or (len(row) == 1 and not row[0].strip()):
                    continue  # a blank line
                raise ParseError(f"expected {width} columns, found {len(row)}", line=line)
            day, name, account, iban, code, amount_text, sign_text, remittance = pick(row)
            sign = signs.get(sign_text)
            if sign is None or plain_amount(amount_text) is None:
                amount = self._amount(amount_text, sign_text, line)
            else:
                amount = Decimal(amount_text.replace(",", "."))
                if sign < 0 and amount:
                    amount = -amount
            booking_date = days.get(day) or self._date(day, line)
            description, reference, found_iban, value_text = _remittance(remittance)
            value_date = (
                (value_days.get(value_text) or self._value_date(value_text, line))
                if value_text
                else None
            )
            # Positional: the cheapest way to build the record (same order as its fields).
            yield Transaction(
                booking_date,
                amount,
                "EUR",
                account.strip(),
                name.strip(),
                iban.strip() or found_iban,
                description,
                reference,
                "",
                value_date,
                False,
                code.strip(),
                line,
            )

    def _amount(self, amount_text: str, sign_text: str, line: int) -> Decimal:
        """An amount off the fast path, read and checked by the profile's strict reader."""
        amount = parse_amount(self.readers.amounts, amount_text, line)
        sign = self.signs.get(sign_text.strip())
        if sign is None or amount_text.lstrip()[:1] in "+-":
            raise ParseError(f"sign {sign_text!r} / amount {amount_text!r} is not ING's", line=line)
        return -amount if sign < 0 and amount else amount

    def _date(self, text: str, line: int) -> date:
        found = parse_date(self.readers.dates, text, line)
        if len(self.days) < MAX_CACHE:
            self.days[text] = found
        return found

    def _value_date(self, text: str, line: int) -> date:
        found = parse_date(self.readers.value_dates, text, line, "value date")
        if len(self.value_days) < MAX_CACHE:
            self.value_days[text] = found
        return found
