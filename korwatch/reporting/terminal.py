"""Terminal helpers for the commands: colour, aligned tables and a progress bar.

Colour only when the stream is a terminal and NO_COLOR (https://no-color.org) is not set; the
progress bar only when stderr is a terminal, so cron mail and pipes get plain lines and nothing
else. The commands decide what to say; this module only decides how it looks.
"""

from __future__ import annotations

import os
import re
import stat
import time
from collections.abc import Sequence
from typing import TextIO

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_CODES = {"red": "31", "green": "32", "yellow": "33", "bold": "1", "dim": "2"}
LINE_FORMATS = frozenset({".csv", ".tsv", ".tab"})
LEVEL_COLOURS = {"ok": "green", "warning": "yellow", "crossed": "red"}


def is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


def colour_enabled(stream: TextIO) -> bool:
    return is_terminal(stream) and not os.environ.get("NO_COLOR")


class Style:
    """Wraps text in ANSI colours when enabled, returns it unchanged otherwise."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled

    def paint(self, text: str, *names: str) -> str:
        if not self.enabled or not names:
            return text
        codes = ";".join(_CODES[name] for name in names)
        return f"\x1b[{codes}m{text}\x1b[0m"

    def level(self, level: str, text: str) -> str:
        return self.paint(text, LEVEL_COLOURS.get(level, "bold"), "bold")


def visible_width(text: str) -> int:
    return len(_ANSI.sub("", text))


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> list[str]:
    """Rows aligned under their headers; columns in `right` are right-aligned (money)."""
    widths = [visible_width(header) for header in headers]
    for row in rows:
        widths = [max(width, visible_width(cell)) for width, cell in zip(widths, row, strict=True)]
    lines = []
    for row in [list(headers), *rows]:
        cells = []
        for index, cell in enumerate(row):
            pad = " " * (widths[index] - visible_width(cell))
            cells.append(pad + cell if index in right else cell + pad)
        lines.append("  ".join(cells).rstrip())
    return lines


class Progress:
    """A one-line progress bar on a terminal, redrawn at most ten times a second.

    `total` is an estimate (lines in a CSV file) or None when unknown; the count shown is the
    number of records read so far. Disabled, every method does nothing.
    """

    WIDTH = 28

    def __init__(self, stream: TextIO, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.label = ""
        self.total: int | None = None
        self._drawn = 0.0
        self._shown = False

    def start(self, label: str, total: int | None) -> None:
        self.label, self.total, self._drawn = label, total, 0.0

    def update(self, count: int) -> None:
        if not self.enabled:
            return
        moment = time.monotonic()
        if moment - self._drawn < 0.1:
            return
        self._drawn = moment
        self.stream.write("\r" + self.line(count) + "\x1b[K")
        self.stream.flush()
        self._shown = True

    def line(self, count: int) -> str:
        name = self.label if len(self.label) <= 40 else "…" + self.label[-39:]
        if self.total:
            fraction = min(count / self.total, 0.99)  # an estimate: never claim 100 % early
            filled = int(fraction * self.WIDTH)
            bar = "█" * filled + "░" * (self.WIDTH - filled)
            return f"{name} {bar} {fraction:4.0%}  {count:,} records"
        return f"{name} {count:,} records…"

    def finish(self) -> None:
        """Clear the bar so the command's own lines start on a clean line."""
        if self.enabled and self._shown:
            self.stream.write("\r\x1b[K")
            self.stream.flush()
        self._shown = False


def estimate_records(path: os.PathLike[str] | str) -> int | None:
    """Lines in a CSV-like export: a fair estimate of its records (one per line). None for
    formats whose records span several lines (XML, MT940): those get a counter, not a bar."""
    if os.path.splitext(path)[1].lower() not in LINE_FORMATS:
        return None
    try:
        # Non-blocking and regular files only: a FIFO put at the name must not hang the bar.
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        with open(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                return None
            count = 0
            while chunk := handle.read(1 << 20):
                count += chunk.count(b"\n")
        return max(count - 1, 1)
    except OSError:
        return None
