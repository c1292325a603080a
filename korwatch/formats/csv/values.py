"""Strict, fast readers for the dates and amounts in bank CSV files.

Each reader is built once per file from the profile's stated format, so the per-row work is a few
slices and `int()` calls (dates are also cached: a statement repeats the same few dates).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from korwatch.errors import ParseError
from korwatch.formats.base import checked_amount
from korwatch.models import CENT

_FAST_DATE = re.compile(r"(%[Ymd])([-/.]?)(%[Ymd])([-/.]?)(%[Ymd])")
_WIDTH = {"%Y": 4, "%m": 2, "%d": 2}
MAX_CACHE = 4096


class DateReader:
    """Reads one date format (strptime syntax) strictly; a trailing time is ignored when the
    format has none (timestamps in exports without a zone are local dates as given).

    "A|B" states two formats that cannot be confused by their shape (ING's 2009 files use
    DD-MM-YYYY where later ones use YYYYMMDD); the first that reads the text wins.
    """

    def __init__(self, date_format: str) -> None:
        self.date_format = date_format
        self.description = date_format.replace("%Y", "YYYY").replace("%m", "MM").replace("%d", "DD")
        self.description = self.description.replace("|", " or ")
        self._cache: dict[str, date] = {}
        self._alternatives = (
            [DateReader(part) for part in date_format.split("|")] if "|" in date_format else []
        )
        self._slices: tuple[slice, slice, slice] | None = None
        self._length = 0
        self._separators: tuple[tuple[int, str], ...] = ()
        match = _FAST_DATE.fullmatch(date_format)
        if match and {match[1], match[3], match[5]} == {"%Y", "%m", "%d"}:
            self._plan(match)

    def _plan(self, match: re.Match[str]) -> None:
        position = 0
        spans: dict[str, slice] = {}
        separators: list[tuple[int, str]] = []
        for index in (1, 2, 3, 4, 5):
            token = match[index]
            if token.startswith("%"):
                spans[token] = slice(position, position + _WIDTH[token])
                position += _WIDTH[token]
            elif token:
                separators.append((position, token))
                position += 1
        self._slices = (spans["%Y"], spans["%m"], spans["%d"])
        self._length = position
        self._separators = tuple(separators)

    def __call__(self, text: str) -> date:
        found = self._cache.get(text)
        if found is not None:
            return found
        found = self._read(text.strip())
        if len(self._cache) < MAX_CACHE:
            self._cache[text] = found
        return found

    def _read(self, text: str) -> date:
        for alternative in self._alternatives:
            try:
                return alternative._read(text)
            except ValueError:
                continue
        if self._alternatives:
            raise ValueError(text)
        if self._slices is None:
            return datetime.strptime(text, self.date_format).date()  # noqa: DTZ007 - a plain date
        if len(text) > self._length and text[self._length] in " T":
            text = text[: self._length]  # "2021-09-05 11:32:41": the date part
        if len(text) != self._length or not all(text[p] == s for p, s in self._separators):
            raise ValueError(text)
        year, month, day = (text[part] for part in self._slices)
        if not (year + month + day).isdigit() or not (year + month + day).isascii():
            raise ValueError(text)
        return date(int(year), int(month), int(day))


class AmountReader:
    """Reads amounts with a stated decimal mark and optional thousands mark, strictly.

    Accepts an optional leading sign, thousands groups of exactly three digits, and at most two
    decimals (sub-cent amounts are refused: they are not bank bookings). The result is quantized
    to cents so that "2500", "2500,0" and "2500,00" read the same.
    """

    def __init__(self, decimal_mark: str, thousands_mark: str = "") -> None:
        self.decimal_mark = decimal_mark
        self.thousands_mark = thousands_mark
        point, thousands = re.escape(decimal_mark), re.escape(thousands_mark)
        grouped = rf"\d{{1,3}}(?:{thousands}\d{{3}})+|" if thousands_mark else ""
        self._pattern = re.compile(rf"[+-]?(?:{grouped}\d+)(?:{point}\d{{1,2}})?")
        self._cache: dict[str, Decimal] = {}

    def __call__(self, text: str) -> Decimal:
        found = self._cache.get(text)
        if found is not None:
            return found
        value = self._read(text)
        if len(self._cache) < MAX_CACHE:
            self._cache[text] = value
        return value

    def _read(self, text: str) -> Decimal:
        cleaned = text.strip()
        if not self._pattern.fullmatch(cleaned):
            raise ValueError(
                f"amount {text!r} is not a number with decimal mark {self.decimal_mark!r}"
            )
        if self.thousands_mark:
            cleaned = cleaned.replace(self.thousands_mark, "")
        if self.decimal_mark != ".":
            cleaned = cleaned.replace(self.decimal_mark, ".")
        try:
            value = checked_amount(Decimal(cleaned)).quantize(CENT)
        except InvalidOperation:  # pragma: no cover - the pattern admits only plain numbers
            raise ValueError(f"amount {text!r} is not a number") from None
        return value if value else abs(value)  # no "-0.00"


def sign_words(credit: tuple[str, ...], debit: tuple[str, ...]) -> dict[str, int]:
    """The sign column's words, casefolded, to +1 (credit) or -1 (debit)."""
    words = {word.strip().casefold(): 1 for word in credit}
    words.update({word.strip().casefold(): -1 for word in debit})
    return words


def parse_date(reader: DateReader, text: str, line: int, what: str = "date") -> date:
    try:
        return reader(text)
    except ValueError:
        raise ParseError(f"{what} {text!r} is not a {reader.description} date", line=line) from None


def parse_amount(reader: AmountReader, text: str, line: int) -> Decimal:
    try:
        return reader(text)
    except ValueError as error:
        raise ParseError(str(error), line=line) from None
    except ParseError as error:  # checked_amount's, which knows no line
        raise ParseError(error.reason, line=line) from None
