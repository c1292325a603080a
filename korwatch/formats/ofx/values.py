"""OFX field values: amounts, dates, text, and one STMTTRN's fields turned into a Transaction.

Pure functions; `ofx_reader` hands them the raw texts of one STMTTRN.

Decisions (documented here because they are where korwatch and ofxparse may differ):

* Amounts: the OFX spec lets an amount use a decimal point *or* a decimal comma and allows no
  thousands separator, with an optional leading sign (``-200,00``, ``+115.83``). So korwatch
  refuses ``1.234,56`` and ``1 025,53`` (ofxparse guesses thousands separators); ``1,234`` reads
  as 1.234 and is then refused as a fraction of a cent. ``null`` / ``-null`` is 0 (as ofxparse:
  some banks send it for rate-change notices). Amounts have exactly two places afterwards.
* Dates: ``YYYYMMDD[HHMM[SS[.XXX]]][offset[:TZ]]``. With a time *and* a ``[offset:TZ]`` the
  instant becomes an Europe/Amsterdam date; without a time, or without an offset, the written
  date is the date (banks write local time without an offset). ofxparse instead returns a naive
  UTC datetime (offset subtracted, a missing offset taken as 0); the differential tests convert
  ofxparse's value the same way before comparing.
* Text: entities (``&amp;``, ``&lt;``, ``&#233;`` ...) are decoded with `html.unescape`, then
  the value is stripped, as ofxparse (BeautifulSoup's html.parser) does.
"""

from __future__ import annotations

import html
import re
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache

from korwatch.clock import local_today
from korwatch.errors import ParseError
from korwatch.formats.base import checked_amount
from korwatch.models import CENT, Transaction

ZERO = Decimal("0.00")

_AMOUNT = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_DATE = re.compile(
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
    r"(?:(?P<hour>\d{2})(?P<minute>\d{2})(?:(?P<second>\d{2})(?:\.\d{1,6})?)?)?"
    r"\s*(?:\[\s*(?P<offset>[+-]?\d{1,2}(?:\.\d{1,2})?)\s*(?::[^\]]*)?\])?"
)
_CURRENCY = re.compile(r"[A-Z]{3}")
# The usual TRNAMT as the reader hands it: an optional minus, digits, a point, two decimals,
# then the line break before the next tag. At most 15 digits keep `Decimal` exact.
_PLAIN_AMOUNT = re.compile(r"(-?[0-9]{1,15}\.[0-9][0-9])[ \t\r\n]*").fullmatch
# DTPOSTED texts (as written, line break included) already read: a statement repeats a few
# hundred dates. Filled only by `_build_checked`, so an entry is always a date that was read.
_POSTED: dict[str, date] = {}
_MAX_DATES = 4096


def text(raw: str | None) -> str:
    """An element's text as the user should see it: entities decoded, outer whitespace gone."""
    if not raw:
        return ""
    if "&" in raw:
        raw = html.unescape(raw)
    return raw.strip()


def parse_amount(raw: str | None) -> Decimal:
    """TRNAMT as a signed Decimal with two places (ParseError without a line: see `build`)."""
    value = raw.strip() if raw and "&" not in raw else text(raw)
    if value in ("null", "-null"):
        return ZERO
    if not _AMOUNT.fullmatch(value):
        raise ParseError(
            f"TRNAMT {value!r} is not an OFX amount (digits with one decimal point or comma, "
            "no thousands separator)"
            if value
            else "the STMTTRN has no TRNAMT value"
        )
    amount = checked_amount(Decimal(value.replace(",", ".")))
    rounded = amount.quantize(CENT)
    if rounded != amount:
        raise ParseError(f"TRNAMT {value} has a fraction of a cent")
    return rounded if rounded else ZERO  # never "-0.00"


def parse_date(raw: str | None, field: str) -> date:
    """An OFX date or datetime as a date (see the module docstring for time zones)."""
    value = text(raw)
    if not value:
        raise ParseError(f"the STMTTRN has no {field} value")
    try:
        return _date_of(value)
    except ValueError as error:
        raise ParseError(f"{field} {value!r} {error}") from None


@lru_cache(maxsize=4096)  # a statement repeats the same few hundred posting dates
def _date_of(value: str) -> date:
    found = _DATE.fullmatch(value)
    if not found:
        raise ValueError("is not an OFX date (YYYYMMDD, optionally a time and [offset:TZ])")
    try:
        day = date(int(found["year"]), int(found["month"]), int(found["day"]))
        if found["hour"] is None or found["offset"] is None:
            return day
        minutes = round(Decimal(found["offset"]) * 60)
        moment = datetime(
            day.year,
            day.month,
            day.day,
            int(found["hour"]),
            int(found["minute"]),
            int(found["second"] or 0),
            tzinfo=timezone(timedelta(minutes=minutes)),
        )
    except ValueError as error:
        raise ValueError(f"is not a real date or time ({error})") from None
    return local_today(moment)


def parse_currency(raw: str | None, field: str) -> str:
    value = text(raw).upper()
    if not _CURRENCY.fullmatch(value):
        raise ParseError(f"{field} {value!r} is not a three-letter ISO currency code")
    return value


def field_line(body: str, name: str, line: int) -> int:
    """The line of `<name>` inside a STMTTRN body that starts on `line` (for messages only)."""
    found = re.search(rf"<{re.escape(name)}\b", body, re.IGNORECASE)
    return line + body.count("\n", 0, found.start()) if found else line


def build(fields: dict[str, str], currency: str, account: str, line: int, body: str) -> Transaction:
    """One STMTTRN (its first value per element name) as a Transaction."""
    get = fields.get
    raw_amount, raw_posted = get("TRNAMT"), get("DTPOSTED")
    # The usual STMTTRN: a plain "-12.34" amount, a posting date seen before, no DTAVAIL and
    # no own currency. It costs a regex match and two dict lookups instead of four calls.
    plain = _PLAIN_AMOUNT(raw_amount) if raw_amount else None
    posted = _POSTED.get(raw_posted) if raw_posted else None
    if (
        plain is None
        or posted is None
        or not currency
        or "DTAVAIL" in fields
        or "CURRENCY/CURSYM" in fields
    ):
        return _build_checked(fields, currency, account, line, body)  # decides, words errors
    if "&" in body:
        name, memo, reference, bank_id, code = _texts(fields, True)
    else:  # written out: no call and no tuple for the usual, entity-free STMTTRN
        name, memo = get("NAME", "").strip(), get("MEMO", "").strip()
        reference, bank_id = get("REFNUM", "").strip(), get("FITID", "").strip()
        code = get("TRNTYPE", "").strip()
    # Positional: the cheapest way to build the record (same order as its fields).
    return Transaction(
        posted,
        Decimal(plain[1]) or ZERO,  # never "-0.00"
        currency,
        account,
        name,
        "",
        memo,
        reference,
        bank_id,
        None,
        False,
        code,
        line,
    )


def _build_checked(
    fields: dict[str, str], currency: str, account: str, line: int, body: str
) -> Transaction:
    """`build` for any STMTTRN: every value read by its strict reader, errors with their line."""
    current = "TRNAMT"
    try:
        amount = parse_amount(fields.get("TRNAMT"))
        current = "DTPOSTED"
        raw_posted = fields.get("DTPOSTED")
        posted = parse_date(raw_posted, current)
        if raw_posted is not None and len(_POSTED) < _MAX_DATES:
            _POSTED[raw_posted] = posted
        current = "DTAVAIL"
        available = fields.get(current)
        value_date = parse_date(available, current) if available and available.strip() else None
        current = "CURSYM"
        own = fields.get("CURRENCY/CURSYM")
        if own and own.strip():
            currency = parse_currency(own, "CURRENCY/CURSYM")
        elif not currency:
            raise ParseError("neither the statement (CURDEF) nor the transaction has a currency")
    except ParseError as error:
        # Only a failing transaction pays for finding the line of its field.
        raise ParseError(error.reason, line=field_line(body, current, line)) from None
    name, memo, reference, bank_id, code = _texts(fields, "&" in body)
    return Transaction(
        booking_date=posted,
        amount=amount,
        currency=currency,
        account=account,
        counterparty_name=name,
        description=memo,
        reference=reference,
        bank_id=bank_id,
        value_date=value_date,
        code=code,
        line=line,
    )


def _texts(fields: dict[str, str], entities: bool) -> tuple[str, str, str, str, str]:
    """NAME, MEMO, REFNUM, FITID and TRNTYPE; without entities, without a call per field."""
    get = fields.get
    if entities:
        return (
            text(get("NAME")),
            text(get("MEMO")),
            text(get("REFNUM")),
            text(get("FITID")),
            text(get("TRNTYPE")),
        )
    return (
        get("NAME", "").strip(),
        get("MEMO", "").strip(),
        get("REFNUM", "").strip(),
        get("FITID", "").strip(),
        get("TRNTYPE", "").strip(),
    )
