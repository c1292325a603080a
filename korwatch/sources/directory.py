"""The `directory` source: every file in a folder that matches the glob patterns.

Files that look half-written are skipped until they settle: partial-download names (.part,
.crdownload, .tmp, dot files, Office lock files) and files modified less than `settle_seconds` ago.
The daemon reads the latter at its next pass; a scan run by hand waits for them (`settled`).
Documents already imported are skipped later, by their sha256, in the ledger. With
`move_files = true` each file is moved, once its import is committed, into `processed/` (imported
or already known) or `failed/` (unreadable) inside the folder, so the inbox shows what is left.

A symbolic link that leads out of the folder is not followed unless `follow_symlinks = true` (the
inbox may be writable by others, and a link could import, or quote in an error, any file korwatch
can read). File names are shown escaped (`korwatch.names.shown`): a name with bytes that are not
UTF-8 or with control characters is still imported, and named in every message.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from korwatch.configtable import Table
from korwatch.errors import SourceError
from korwatch.names import shown_path
from korwatch.sources.base import DocumentInput, SourceContext

PARTIAL_SUFFIXES = (".part", ".partial", ".crdownload", ".download", ".tmp", ".temp", ".swp")
DEFAULT_PATTERNS = ("*",)
POLL_SECONDS = 0.1  # how often a scan run by hand looks again at a file that is settling


@dataclass(frozen=True, slots=True)
class DirectorySource:
    path: Path
    patterns: tuple[str, ...]
    settle_seconds: float
    format: str | None
    move_files: bool = False
    follow_symlinks: bool = False
    # The files the last documents() left for a later scan because they were still changing
    # (a list the frozen source fills: the scan reports them, so "0 imported" is not a puzzle).
    # Their paths as they are (settled() looks at them again); the scan shows them escaped.
    settling: list[str] = field(default_factory=list, compare=False)

    @property
    def label(self) -> str:
        return f"directory {self.path}"

    def documents(self, context: SourceContext) -> Iterator[DocumentInput]:
        if not self.path.is_dir():
            raise SourceError(f"{self.path}: the folder does not exist or is not a folder")
        # Settling is about the real file system, so it uses the wall clock, not `context.now`.
        now = time.time()
        self.settling.clear()
        folder = self._folder()
        for file in self._matching():
            if _looks_partial(file):
                continue
            try:
                modified = file.stat().st_mtime
            except OSError:
                continue  # removed between listing and reading
            if now - modified < self.settle_seconds:
                self.settling.append(str(file))  # probably still being written
                continue
            yield DocumentInput(file, shown_path(file), self.format, folder)

    def _folder(self) -> Path | None:
        """The folder documents must stay in (resolved once a pass), None if links may leave."""
        return None if self.follow_symlinks else Path(os.path.realpath(self.path))

    def settled(self) -> Iterator[DocumentInput]:
        """For a scan run by hand: wait for the files the last documents() left settling.

        Each is yielded once its size and mtime, looked at again every POLL_SECONDS, have not
        changed for `settle_seconds`. The wait ends `settle_seconds` after it began; a file
        still changing then stays in `settling`, for a later scan.
        """
        deadline = time.monotonic() + self.settle_seconds
        folder = self._folder()
        seen: dict[Path, tuple[_State, float]] = {}  # the state, and when it last changed
        for file in map(Path, self.settling):
            state = _state(file)
            if state is not None:
                seen[file] = (state, state[1] / 1e9)
        self.settling.clear()
        while seen:
            for file, (before, changed) in list(seen.items()):
                state = _state(file)
                if state is None:
                    del seen[file]  # removed meanwhile: nothing to read
                elif state != before:
                    seen[file] = (state, time.time())  # written to again: start again
                elif time.time() - changed >= self.settle_seconds:
                    del seen[file]
                    yield DocumentInput(file, shown_path(file), self.format, folder)
            left = deadline - time.monotonic()
            if not seen or left <= 0:
                break
            time.sleep(min(POLL_SECONDS, left))
        self.settling.extend(str(file) for file in seen)

    def acknowledge(self, document: DocumentInput, status: str) -> None:
        """After the import committed: move the file to processed/ or failed/ when asked to."""
        if not self.move_files:
            return
        folder = self.path / ("processed" if status in ("imported", "known") else "failed")
        target = folder / document.path.name
        stem, suffix, number = target.stem, target.suffix, 1
        while target.exists():  # never overwrite an earlier file of the same name
            number += 1
            target = folder / f"{stem}.{number}{suffix}"
        try:
            folder.mkdir(exist_ok=True)
            os.replace(document.path, target)
        except OSError:
            pass  # still in the inbox: known by its sha256, moved on a later scan

    def _matching(self) -> list[Path]:
        found: set[Path] = set()
        for pattern in self.patterns:
            found.update(p for p in self.path.glob(pattern) if p.is_file())
        return sorted(found)


_State = tuple[int, int]  # size and mtime in nanoseconds


def _state(file: Path) -> _State | None:
    try:
        stat = file.stat()
    except OSError:
        return None
    return stat.st_size, stat.st_mtime_ns


def _looks_partial(file: Path) -> bool:
    name = file.name
    return name.startswith((".", "~$", ".~lock")) or name.lower().endswith(PARTIAL_SUFFIXES)


class DirectoryKind:
    name = "directory"

    def from_config(self, table: Table, format_name: str | None) -> DirectorySource | None:
        path = table.filepath("path", required=True)
        patterns = table.strings("patterns", DEFAULT_PATTERNS) or DEFAULT_PATTERNS
        settle = table.number("settle_seconds", 5.0)
        if settle < 0:
            table.problem("settle_seconds", "must not be negative")
        if not path:
            return None
        move = table.boolean("move_files", False)
        follow = table.boolean("follow_symlinks", False)
        return DirectorySource(path, patterns, max(settle, 0.0), format_name, move, follow)
