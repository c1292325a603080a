"""The parser interface: each format is one module that says whether a file is its own and
reads it into records.

A parser is small (beangulp's importer protocol): `identify` looks only at the head of the file,
`parse` streams the whole file and yields records, raising `ParseError` for anything it cannot
read. `mismatch` tells, for a file nobody claimed, how close it came and what differs, so that a
bank that changes its export is reported instead of misread.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from korwatch.errors import ParseError
from korwatch.models import HEAD_BYTES, Record, Sample


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

    def identify(self, sample: Sample) -> bool:
        return sample.text.lstrip().startswith(f'{{"korwatch": "{self.marker}"')

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
