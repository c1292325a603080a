"""Reading a file with a user-defined CSV profile: a fixed number of lines to skip, then either a
header row (the profile's column names must all be in it) or data from the first row on."""

from __future__ import annotations

from collections.abc import Iterator

from korwatch.errors import ParseError
from korwatch.formats.base import Mismatch
from korwatch.formats.csv.layout import Profile, Row
from korwatch.formats.csv.profile import ProfileParser
from korwatch.formats.csv.rows import WIDTH
from korwatch.models import Sample, Transaction


class UserProfileParser(ProfileParser):
    """A profile from the configuration; it claims no file by itself."""

    def __init__(self, profile: Profile, header: bool, skip_lines: int) -> None:
        super().__init__(profile)
        self.header = header
        self.skip_lines = skip_lines

    def identify(self, sample: Sample) -> bool:
        return False

    def mismatch(self, sample: Sample) -> Mismatch | None:
        return None

    def _records(self, handle: Iterator[str]) -> Iterator[Transaction]:
        reader = self._reader(handle)
        convert = None
        for raw in reader:
            if reader.line_num <= self.skip_lines or not raw or raw == [""]:
                continue
            if convert is None:
                convert = self._converter(self._layout(raw, reader.line_num))
                if self.header:
                    continue
            found = convert(raw, reader.line_num)
            if found is not None:
                yield found

    def _layout(self, row: Row, line: int) -> dict[str, int]:
        if not self.header:
            needed = max(i for i in self.profile.columns.values() if isinstance(i, int)) + 1
            if len(row) < needed:
                raise ParseError(
                    f"the profile uses column {needed - 1} but the file has {len(row)} columns",
                    line=line,
                )
            return {WIDTH: len(row), **self._resolve_indexes(None, len(row))}
        found = [name.strip().lstrip("\ufeff") for name in row]
        missing = [
            names[0]
            for names in self.profile.columns.values()
            if not isinstance(names, int) and names[0] not in found
        ]
        if missing:
            names = ", ".join(repr(name) for name in missing)
            raise ParseError(f"the header lacks the profile's columns {names}", line=line)
        return {WIDTH: len(row)} | {
            field: where if isinstance(where, int) else found.index(where[0])
            for field, where in self.profile.columns.items()
        }
