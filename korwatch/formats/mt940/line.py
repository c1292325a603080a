"""The MT940 `:61:` statement line: dates, sign, amount, type and references.

Layout: `YYMMDD[MMDD](C|D|RC|RD)[funds code]amount(N|F|S)xxx customer-ref[//bank-ref]`, then an
optional supplementary line. Decisions, with their sources:

* Signs follow the SWIFT MT940 field 61 definition of subfield 3: C = credit, D = debit,
  RC = "reversal of credit (debit entry)", RD = "reversal of debit (credit entry)". So RC is money
  out (negative) and RD money in (positive), both with reversal=True. ABN AMRO's SEPA MT940 guide
  (samples/specs/phpmt940__abnamro.pdf, via formats.md section 3) uses the same D/C/RD/RC marks.
* The entry date (booking date) has no year: the year is the one that puts MMDD closest to the
  value date (value 231231 + entry 0102 is 2024-01-02; value 240102 + entry 1231 is
  2023-12-31). Four spaces instead of MMDD (ASN Bank) mean "same as the value date".
* Amounts use a decimal comma; very old Rabobank files use '.'; ABN AMRO and Knab drop trailing
  zeros and even the comma ('150,', '7,5', '500').
* The third letter after C/D (e.g. German 'CR', 'RCR') is the funds code: the third character of
  the currency code. It carries no sign information and is skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from korwatch.errors import ParseError
from korwatch.formats.base import checked_amount

_LINE = re.compile(
    r"(?P<value>\d{6})(?P<entry>\d{4}|    )?(?P<mark>RC|RD|C|D)(?P<funds>[A-Z])?"
    r"(?P<amount>\d[\d]*(?:[,.]\d*)?)(?P<type>[NFS][A-Z0-9 ]{3})(?P<rest>.*)"
)
_MAX_DIGITS = 15  # SWIFT 15d, comma included
_SIGNS = {"C": (1, False), "D": (-1, False), "RC": (-1, True), "RD": (1, True)}
_NEGATIVE = {"D", "RC"}
_SPACE_RUN = re.compile(r"\s{2,}")


# Not frozen: a frozen dataclass sets each field through object.__setattr__, ~4x the cost.
@dataclass(slots=True)
class StatementLine:
    """The parsed content of one `:61:` field (treat as immutable)."""

    value_date: date
    booking_date: date
    amount: Decimal
    reversal: bool
    type_code: str
    customer_reference: str
    bank_reference: str
    extra: str  # text after the 16-character customer reference on the first line (old Rabobank)
    supplementary: str  # the continuation line(s): ING's /TRCD/, Rabobank's counterparty IBAN


def parse_date(text: str, line: int) -> date:
    """A SWIFT YYMMDD date; years 00-79 are 20xx, 80-99 19xx (SWIFT's own window)."""
    try:
        year = int(text[:2])
        return date(year + (1900 if year >= 80 else 2000), int(text[2:4]), int(text[4:6]))
    except ValueError:
        raise ParseError(f"{text!r} is not a valid YYMMDD date", line=line) from None


def entry_date(value_date: date, mmdd: str, line: int) -> date:
    """The booking date from its MMDD, in the year that puts it closest to the value date."""
    if not mmdd.strip():
        return value_date
    month, day = int(mmdd[:2]), int(mmdd[2:])
    if abs(month - value_date.month) < 6:
        try:
            return date(value_date.year, month, day)  # the common case: same year
        except ValueError:
            pass  # 29 February of another year, or an invalid date: the full search says which
    candidates = []
    for year in (value_date.year - 1, value_date.year, value_date.year + 1):
        try:
            candidates.append(date(year, month, day))
        except ValueError:
            continue  # 29 February of a non-leap year
    if not candidates:
        raise ParseError(f"entry date {mmdd!r} is not a valid MMDD date", line=line)
    return min(candidates, key=lambda found: abs(found - value_date))


def parse_amount(text: str, line: int) -> Decimal:
    """An unsigned SWIFT amount ('1234,56', '150,', '500', old Rabobank '300.00')."""
    if len(text) > _MAX_DIGITS:
        raise ParseError(f"amount {text!r} is longer than 15 characters", line=line)
    try:
        amount = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise ParseError(f"amount {text!r} is not a number", line=line) from None
    if checked_amount(amount, line) != amount.quantize(Decimal("0.01")):
        raise ParseError(f"amount {text!r} has more than two decimals", line=line)
    return amount


def parse_statement_line(
    first: str, more: list[str], line: int, dates: dict[str, tuple[date, date]] | None = None
) -> StatementLine:
    """Parse a `:61:` field from its first line and continuation lines.

    `dates` caches value and entry dates by their text across the lines of one file: a
    statement's lines share a handful of dates, and building a date costs more than a lookup.
    """
    found = _LINE.match(first)
    if not found:
        found, more = _wrapped(first, more, line)
    # groups() in the order of _LINE: one call instead of a lookup per named group.
    value, entry, mark, _funds, amount, type_code, rest = found.groups()
    entry = entry or ""
    if dates is None:
        dates = {}
    value_date, booking = dates.get(value + entry) or _dates(value, entry, line, dates)
    customer, separator, bank = rest.partition("//")
    if separator:  # the common case of _references, inline as it runs for every line
        customer, bank, extra = customer.strip(), bank.strip(), ""
    else:
        customer, bank, extra = _references(rest)
    supplementary = "".join(more)
    marker = supplementary.find("/TRCD/")
    if marker > 0 and bank:
        # ING's 14-position reference wrapped before /TRCD/ (S: oca-nl-ing__test-ing.940).
        bank, supplementary = bank + supplementary[:marker], supplementary[marker:]
    return StatementLine(
        value_date,
        booking,
        _signed_amount(amount, mark, line),
        mark[0] == "R",  # RC and RD are the reversals
        type_code.strip(),
        customer,
        bank,
        extra,
        supplementary.strip() if marker > -1 else " ".join(m.strip() for m in more),
    )


def _wrapped(first: str, more: list[str], line: int) -> tuple[re.Match[str], list[str]]:
    """The match of a `:61:` whose amount wrapped onto the next line, and the lines after it."""
    if more:
        # S: wolph-selfprovided__sparkassen.sta
        found = _LINE.match(first + more[0])
        if found:
            return found, more[1:]
        first += more[0]
    raise ParseError(f"statement line :61:{first[:40]} is not YYMMDD[MMDD]C/D amount type", line)


def _dates(
    value: str, entry: str, line: int, cache: dict[str, tuple[date, date]]
) -> tuple[date, date]:
    """Value date and booking date from their YYMMDD and MMDD text, kept in `cache`."""
    value_date = parse_date(value, line)
    known = cache[value + entry] = (value_date, entry_date(value_date, entry, line))
    return known


def _signed_amount(text: str, mark: str, line: int) -> Decimal:
    """The normalised signed amount; the common 'units,cents' form without the generic checks."""
    # ASCII only: the regex's \d also takes other digits, which normalise() handles its way.
    if text[-3:-2] == "," and len(text) <= _MAX_DIGITS and text.isascii():
        # The regex guarantees digits around the comma, so the only work left is what
        # normalise() does: drop trailing zeros ('12,50' -> 12.5, '12,00' -> 12).
        units, cents = text[:-3], text[-2:]
        if cents == "00":
            amount = Decimal(units)
        else:
            amount = Decimal(units + "." + (cents[0] if cents[1] == "0" else cents))
        return -amount if mark in _NEGATIVE else amount  # -Decimal(0) is 0, as normalise gives
    sign, _reversal = _SIGNS[mark]
    return normalise(sign * parse_amount(text, line))


def _references(rest: str) -> tuple[str, str, str]:
    """Customer reference, bank reference after '//', and any text after a run of spaces."""
    customer, separator, bank = rest.partition("//")
    if separator:
        return customer.strip(), bank.strip(), ""
    parts = _SPACE_RUN.split(rest.strip(), maxsplit=1)
    return parts[0], "", parts[1].strip() if len(parts) > 1 else ""


def normalise(amount: Decimal) -> Decimal:
    """Drop trailing zeros but keep an integer's exponent at 0 ('500.00' -> '500')."""
    if amount == amount.to_integral_value():
        return amount.quantize(Decimal(1)) + 0
    return amount.normalize()
