"""The parser interface: each format is one module that says whether a file is its own and
reads it into records.

A parser is small (beangulp's importer protocol): `identify` looks only at the head of the file,
`parse` streams the whole file and yields records, raising `ParseError` for anything it cannot
read. `mismatch` tells, for a file nobody claimed, how close it came and what differs, so that a
bank that changes its export is reported instead of misread.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

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
