"""The parser interface: each format is one module that says whether a file is its own and
reads it into records.

A parser is small (beangulp's importer protocol): `identify` looks only at the head of the file,
`parse` streams the whole file and yields records, raising `ParseError` for anything it cannot
read. `mismatch` tells, for a file nobody claimed, how close it came and what differs, so that a
bank that changes its export is reported instead of misread.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Protocol, TextIO

from korwatch.errors import ParseError
from korwatch.models import HEAD_BYTES, Record, Sample
from korwatch.names import shown

_QUOTED = 40  # characters of a column name quoted in a message


@dataclass(frozen=True, slots=True)
class Mismatch:
    """How close a file came to a parser's format (0 = nothing alike, 1 = almost), and why not."""

    score: float
    detail: str


class Parser(Protocol):
    name: str  # stable identifier used by --format and the config, e.g. "ing-csv"
    label: str  # for people, e.g. "ING CSV export (semicolon, 11 columns)"

    def identify(self, sample: Sample) -> bool:
        """True when the file is certainly of this format (from its head only)."""
        ...

    def parse(self, sample: Sample) -> Iterator[Record]:
        """Read the whole file at `sample.path`, yielding records; raise ParseError on bad input."""
        ...

    def mismatch(self, sample: Sample) -> Mismatch | None:
        """For a file no parser claimed: how close it is to this format and what differs."""
        ...


class OwnDocument:
    """A JSON document a korwatch source wrote (`{"korwatch": MARKER, ...}`, the Moneybird and
    bank-feed pulls): known by its first key, so never a near miss of another format."""

    marker: str  # the value of the first key, "korwatch"
    what: str  # how errors name the document, e.g. "bank feed"

    @property
    def opening(self) -> str:
        """How such a document starts: `{"korwatch": "MARKER"`."""
        return f'{{"korwatch": "{self.marker}"'

    def identify(self, sample: Sample) -> bool:
        return sample.text.lstrip().startswith(self.opening)

    def mismatch(self, sample: Sample) -> Mismatch | None:
        return None

    def document(self, sample: Sample, key: str) -> tuple[dict[str, Any], list[Any]]:
        """The whole document and its list under `key`; ParseError when it has none."""
        try:
            data = json.loads(sample.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ParseError(f"not a readable {self.what} document: {error}") from None
        items = data.get(key) if isinstance(data, dict) else None
        if not isinstance(items, list):
            raise ParseError(f'the {self.what} document has no "{key}" list')
        return data, items


def read_sample(path: Path) -> Sample:
    """The head of `path`, raw and decoded (utf-8 with or without BOM, else cp1252)."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    return Sample(path=path, head=head, text=decode_head(head))


def decode_head(head: bytes) -> str:
    try:
        return head.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the head is still UTF-8.
        if error.start >= len(head) - 3 and error.reason == "unexpected end of data":
            return head[: error.start].decode("utf-8-sig")
        return head.decode("cp1252", errors="replace")


def other_columns(unexpected: list[str], common: int, expected: int) -> str:
    """The columns a file has that a format does not expect, for a mismatch message.

    Their names are quoted only when the file shares at least half of the format's columns,
    so that it is recognisably that export, changed (a bank renamed a column). Any other file
    is not a recognised export, and nothing of its content is quoted: it may be anything
    korwatch can read (a link to a file of secrets), so only the number of columns is said.
    """
    if not unexpected:
        return ""
    if 2 * common >= expected:
        return "unexpected " + ", ".join(repr(shown(name[:_QUOTED])) for name in unexpected)
    return f"{len(unexpected)} other column{'s' if len(unexpected) > 1 else ''}"


# Every amount korwatch reads is below this, in the file's own currency: 15 digits before the
# decimal mark, the SWIFT (MT940) amount field's own limit. A larger "amount" is no booking but
# a broken or hostile file; refused here it cannot reach the cents arithmetic (10^17 cents and
# more overflow SQLite's 64-bit integer) nor the decimal context (28 digits).
MAX_AMOUNT = Decimal(10) ** 15


def checked_amount(amount: Decimal, line: int | None = None) -> Decimal:
    """`amount` when it is a finite number below MAX_AMOUNT either way, else a ParseError.

    Every format's amount reader calls it before rounding (the one rule for all of them);
    their fast paths read at most 15 digits before the decimal mark, which is below it.
    """
    if amount.is_finite() and -MAX_AMOUNT < amount < MAX_AMOUNT:
        return amount
    shown_amount = f"{amount:.3E}" if amount.is_finite() else str(amount)
    raise ParseError(
        f"the amount {shown_amount} is not below 10^15: no export holds such an amount, "
        "so the file is refused",
        line=line,
    )


# The longest line (CSV) or field (an MT940 tag with its continuation lines) korwatch reads.
# The longest in any real export seen is under 600 characters (tests/fixtures, shared/samples),
# so 1 MiB leaves room for any bank's notes while a hostile file (a 1 GB line) is refused after
# reading 1 MiB of it: memory stays a few MiB per line, not a multiple of the file.
MAX_LINE = 1 << 20


class LimitedLines:
    """The lines of a text file, each refused with its number when longer than MAX_LINE.

    Reads with readline(limit), so an endless line is never held whole; `number` is the line
    last read (for messages about what the caller failed to read in it).
    """

    def __init__(self, handle: TextIO, limit: int = MAX_LINE) -> None:
        self.number = 0
        self._read = functools.partial(handle.readline, limit + 1)
        self._limit = limit

    def __iter__(self) -> Iterator[str]:
        limit, read = self._limit, self._read
        while line := read():
            self.number += 1
            if len(line) > limit:
                raise ParseError(too_long("the line", limit), line=self.number)
            yield line


def too_long(what: str, limit: int = MAX_LINE) -> str:
    return (
        f"{what} is longer than {limit >> 20} MiB; no bank or invoice export has such lines, "
        "so the file is refused"
    )
