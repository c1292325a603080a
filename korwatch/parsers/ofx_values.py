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
from decimal import Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from korwatch.errors import ParseError
from korwatch.models import CENT, Transaction

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
ZERO = Decimal("0.00")

_AMOUNT = re.compile(r"[+-]?(?:\d+(?:[.,]\d*)?|[.,]\d+)")
_DATE = re.compile(
    r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})"
    r"(?:(?P<hour>\d{2})(?P<minute>\d{2})(?:(?P<second>\d{2})(?:\.\d{1,6})?)?)?"
    r"\s*(?:\[\s*(?P<offset>[+-]?\d{1,2}(?:\.\d{1,2})?)\s*(?::[^\]]*)?\])?"
)
_CURRENCY = re.compile(r"[A-Z]{3}")


def text(raw: str) -> str:
    """An element's text as the user should see it: entities decoded, outer whitespace gone."""
    if "&" in raw:
        raw = html.unescape(raw)
    return raw.strip()


def parse_amount(raw: str, line: int) -> Decimal:
    """TRNAMT as a signed Decimal with two places."""
    value = text(raw)
    if value in ("null", "-null"):
        return ZERO
    if not _AMOUNT.fullmatch(value):
        raise ParseError(
            f"TRNAMT {value!r} is not an OFX amount (digits with one decimal point or comma, "
            "no thousands separator)",
            line=line,
        )
    try:
        amount = Decimal(value.replace(",", "."))
    except InvalidOperation as error:  # pragma: no cover - the regex already guards this
        raise ParseError(f"TRNAMT {value!r} is not a number", line=line) from error
    rounded = amount.quantize(CENT)
    if rounded != amount:
        raise ParseError(f"TRNAMT {value} has a fraction of a cent", line=line)
    return rounded if rounded else ZERO  # never "-0.00"


def parse_date(raw: str, field: str, line: int) -> date:
    """An OFX date or datetime as a date (see the module docstring for time zones)."""
    value = text(raw)
    found = _DATE.fullmatch(value)
    if not found:
        raise ParseError(f"{field} {value!r} is not an OFX date (YYYYMMDD...)", line=line)
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
        raise ParseError(
            f"{field} {value!r} is not a real date or time: {error}", line=line
        ) from error
    return moment.astimezone(AMSTERDAM).date()


def parse_currency(raw: str, field: str, line: int) -> str:
    value = text(raw).upper()
    if not _CURRENCY.fullmatch(value):
        raise ParseError(f"{field} {value!r} is not a three-letter ISO currency code", line=line)
    return value


def field_line(body: str, name: str, line: int) -> int:
    """The line of `<name>` inside a STMTTRN body that starts on `line` (for messages only)."""
    found = re.search(rf"<{re.escape(name)}\b", body, re.IGNORECASE)
    return line + body.count("\n", 0, found.start()) if found else line


def build(fields: dict[str, str], currency: str, account: str, line: int, body: str) -> Transaction:
    """One STMTTRN (its first value per element name) as a Transaction."""
    for required in ("TRNAMT", "DTPOSTED"):
        if not text(fields.get(required, "")):
            line_of = field_line(body, required, line)
            raise ParseError(f"the STMTTRN has no {required} value", line=line_of)
    amount = parse_amount(fields["TRNAMT"], field_line(body, "TRNAMT", line))
    posted = parse_date(fields["DTPOSTED"], "DTPOSTED", field_line(body, "DTPOSTED", line))
    available = fields.get("DTAVAIL", "")
    value_date = None
    if text(available):
        value_date = parse_date(available, "DTAVAIL", field_line(body, "DTAVAIL", line))
    own = fields.get("CURRENCY/CURSYM", "")
    if text(own):
        currency = parse_currency(own, "CURRENCY/CURSYM", field_line(body, "CURSYM", line))
    elif not currency:
        raise ParseError("neither the statement (CURDEF) nor the transaction has a currency", line)
    return Transaction(
        booking_date=posted,
        amount=amount,
        currency=currency,
        account=account,
        counterparty_name=text(fields.get("NAME", "")),
        description=text(fields.get("MEMO", "")),
        reference=text(fields.get("REFNUM", "")),
        bank_id=text(fields.get("FITID", "")),
        value_date=value_date,
        code=text(fields.get("TRNTYPE", "")),
        line=line,
    )
