"""A small declarative CSV framework (in the spirit of beangulp's csvbase) for bank exports.

A `Profile` states everything korwatch needs to know about one CSV layout: delimiter, decimal
and thousands marks, date format, fallback encoding, the accepted header rows (or a column count
for headerless files), preamble lines to skip, which column holds which field and how the sign is
given. `ProfileParser` turns a profile into a `Parser`. Nothing is guessed: a file is claimed only
when its header (or, headerless, its first row) matches the profile exactly, and every amount and
date must match the profile's stated format or the file is refused with a ParseError.

Decoding: UTF-8 (with or without BOM) first; when the file is not valid UTF-8 throughout (checked
in a cheap streaming pass before any record is yielded), the profile's fallback encoding.
"""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from korwatch.errors import ParseError
from korwatch.formats.base import LimitedLines, Mismatch, other_columns
from korwatch.formats.csv.layout import Converter, Profile, Readers, Row
from korwatch.formats.csv.rows import WIDTH, RowConverter
from korwatch.models import Record, Sample, Transaction

if TYPE_CHECKING:
    from _csv import Reader


def normalise_header(names: Row) -> tuple[str, ...]:
    return tuple(name.strip().lstrip("\ufeff").casefold() for name in names)


class ProfileParser:
    """A `Parser` driven by one `Profile`."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.name = profile.name
        self.label = profile.label
        self._headers = {normalise_header(list(h)) for h in profile.headers}
        self.readers = Readers.of(profile)

    # -- detection -------------------------------------------------------------------------

    def first_rows(self, sample: Sample, limit: int = 2) -> list[Row]:
        """The first rows after preamble and comments, split with this profile's delimiter."""
        rows: list[Row] = []
        lines = [line for line in sample.lines(40) if not self._skippable(line)]
        for raw in self._reader(lines):
            row = self._clean(raw)
            if row:
                rows.append(row)
            if len(rows) >= limit:
                break
        return rows

    def identify(self, sample: Sample) -> bool:
        if not self.profile.claims:
            return False
        rows = self.first_rows(sample)
        if not rows:
            return False
        if self._headers:
            return normalise_header(rows[0]) in self._headers
        check = self.profile.first_row_check
        return len(rows[0]) == self.profile.column_count and (check is None or check(rows[0]))

    def mismatch(self, sample: Sample) -> Mismatch | None:
        if not self._headers:
            return None
        rows = self.first_rows(sample, 1)
        if not rows:
            return None
        found = normalise_header(rows[0])
        original = {name.strip().casefold(): name.strip() for name in rows[0]}
        best: Mismatch | None = None
        for expected in self.profile.headers:
            wanted = normalise_header(list(expected))
            common = set(found) & set(wanted)
            score = len(common) / len(set(found) | set(wanted))
            if common and (best is None or score > best.score):
                missing = [e for e, w in zip(expected, wanted, strict=True) if w not in found]
                unexpected = [original.get(f, f) for f in found if f not in wanted]
                others = other_columns(unexpected, len(common), len(set(wanted)))
                best = Mismatch(score, _describe_difference(missing, others, len(rows[0])))
        return best

    # -- parsing ---------------------------------------------------------------------------

    def parse(self, sample: Sample) -> Iterator[Record]:
        encoding = choose_encoding(sample.path, self.profile.encoding)
        lines = None
        try:
            with sample.path.open(encoding=encoding, newline="") as handle:
                lines = LimitedLines(handle)
                yield from self._records(iter(lines))
        except csv.Error as error:
            line = lines.number if lines is not None else None
            raise ParseError(f"the CSV quoting is broken: {error}", line=line) from None
        except UnicodeDecodeError as error:  # the fallback codec (cp1252) leaves bytes undefined
            raise ParseError(f"the file is not valid {encoding}: {error.reason}") from None

    def _records(self, handle: Iterator[str]) -> Iterator[Transaction]:
        lines = self._data_lines(handle) if self._has_skippable_lines() else handle
        reader = self._reader(lines)
        if self._headers:
            indexes = self._header_indexes(reader)
        else:
            indexes = self._resolve_indexes(None, self.profile.column_count)
        if self.profile.converter is not None:
            yield from self.profile.converter(self.readers, indexes).records(reader)
            return
        convert = self._converter(indexes)
        cleaning = self.profile.unwrap or self.profile.trailing_empty
        for raw in reader:
            if not raw or (len(raw) == 1 and not raw[0].strip()):
                continue
            found = convert(self._clean(raw) if cleaning else raw, reader.line_num)
            if found is not None:
                yield found

    def _header_indexes(self, reader: Reader) -> dict[str, int]:
        """The column indexes from the first non-blank row, which must be an accepted header."""
        for raw in reader:
            if not raw or (len(raw) == 1 and not raw[0].strip()):
                continue
            return self._check_header(self._clean(raw), reader.line_num)
        raise ParseError("the file has no header row")

    def _reader(self, lines: Iterator[str] | list[str]) -> Reader:
        # skipinitialspace: a space between delimiter and opening quote (seen in a public ING
        # file) leaves the quoted value unambiguous, so it is read as the quoted value.
        if not self.profile.quoted:
            return csv.reader(lines, delimiter=self.profile.delimiter, quoting=csv.QUOTE_NONE)
        return csv.reader(lines, delimiter=self.profile.delimiter, skipinitialspace=True)

    def _has_skippable_lines(self) -> bool:
        return bool(self.profile.comment_prefix or self.profile.preamble)

    def _data_lines(self, handle: Iterator[str]) -> Iterator[str]:
        """The lines of the file with the preamble and comment lines left out (always 1:1 with
        the physical lines, so that csv's line numbers stay right)."""
        for line in handle:
            yield "\n" if self._skippable(line) else line

    def _skippable(self, line: str) -> bool:
        text = line.lstrip("\ufeff").strip().casefold()
        if self.profile.comment_prefix and text.startswith(self.profile.comment_prefix):
            return True
        return any(text.startswith(prefix) for prefix in self.profile.preamble)

    def _clean(self, row: Row) -> Row:
        if self.profile.unwrap and len(row) == 1 and self.profile.delimiter in row[0]:
            row = next(csv.reader([row[0]], delimiter=self.profile.delimiter))
        if self.profile.trailing_empty and row and row[-1] == "":
            row = row[:-1]
        return row

    def _check_header(self, row: Row, line: int) -> dict[str, int]:
        if normalise_header(row) not in self._headers:
            raise ParseError(f"the header does not match {self.label}", line=line)
        return self._resolve_indexes(normalise_header(row), len(row))

    def _resolve_indexes(self, header: tuple[str, ...] | None, width: int) -> dict[str, int]:
        indexes: dict[str, int] = {WIDTH: width}
        for name, where in self.profile.columns.items():
            if isinstance(where, int):
                indexes[name] = where
            elif header is not None:
                for alternative in where:
                    if alternative.casefold() in header:
                        indexes[name] = header.index(alternative.casefold())
                        break
        return indexes

    def _converter(self, indexes: dict[str, int]) -> Converter:
        return RowConverter(self.readers, indexes).convert


def _describe_difference(missing: list[str], others: str, count: int) -> str:
    parts = []
    if missing:
        parts.append("missing " + ", ".join(repr(name) for name in missing))
    if others:
        parts.append(others)
    return "; ".join(parts) or f"the same {count} column names in another order or delimiter"


def choose_encoding(path: Path, fallback: str) -> str:
    """'utf-8-sig' when the whole file is valid UTF-8, else the profile's fallback encoding.

    One streaming pass in 1 MiB chunks, so that a cp1252 file whose first megabytes happen to be
    plain ASCII is still decoded right (and memory stays flat).
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return fallback
    except OSError as error:
        raise ParseError(f"the file cannot be read: {error.strerror}") from None
    return "utf-8-sig"
