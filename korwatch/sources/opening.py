"""Opening a document for reading, so that no file can hang the scan or lead it out of its folder.

The scan holds the scan lock while it reads, so a read that never ends stops every alert. A name
listed as a regular file can be something else by the time it is read (a FIFO put in its place
blocks `open()` until a writer comes), and a symbolic link can point anywhere (a device, a file
of secrets outside the inbox). So a document is

1. refused when it is a link that leads out of its source folder (unless the source allows it),
2. refused without being opened when it is not a regular file (opening a device can act),
3. opened with O_NONBLOCK (a FIFO swapped in meanwhile does not block the open) and O_NOFOLLOW,
   and the opened descriptor checked again with fstat: the check and the read see one file;
4. read only through that descriptor: every reader (sha256, the head, the parser, the reader
   child after fork) gets `/proc/self/fd/N`, which reopens the very file the descriptor holds
   whatever the name points at now. Where there is no /proc (not Linux) they get the checked
   real path, a narrower window than before but not none.

A regular file of size 0 is read as /dev/null: it is empty either way, and the "regular" files of
/proc that report size 0 (such as /proc/kmsg, which blocks) are never read.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from korwatch.errors import UnreadableFile

_PROC_FDS = Path("/proc/self/fd")
_HAVE_PROC = _PROC_FDS.is_dir()
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


@contextmanager
def opened(path: Path, folder: Path | None = None) -> Iterator[Path]:
    """A path that reads the regular file at `path`, checked, while the context lasts.

    `folder`: the real path (os.path.realpath) of the source folder the file must stay in (a
    link out of it is refused); None for a file named by hand or downloaded by korwatch itself.
    Raises UnreadableFile.
    """
    link = stat.S_ISLNK(_stat(path, os.lstat).st_mode)
    # Resolved before opening only where it can matter: a link (which may lead anywhere, to a
    # device whose opening acts), or a system without /proc to check the opened file by.
    real = Path(os.path.realpath(path)) if link or not _HAVE_PROC else path
    if folder is not None and real is not path:
        _check_inside(real, folder)
    _check_regular(_stat(real, os.stat))
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(real, flags | getattr(os, "O_NOFOLLOW", 0))
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror}") from None
    try:
        status = os.fstat(descriptor)
        _check_regular(status)  # what was opened, not what the name pointed at before
        if folder is not None:
            _check_still_inside(descriptor, status, real, folder)
        yield Path(os.devnull) if status.st_size == 0 else _reading_path(descriptor, real)
    finally:
        os.close(descriptor)


def _stat(path: Path, how: Callable[[Path], os.stat_result]) -> os.stat_result:
    try:
        return how(path)
    except OSError as error:
        raise UnreadableFile(f"cannot read the file: {error.strerror}") from None


def _check_inside(real: Path, folder: Path) -> None:
    if not real.is_relative_to(folder):
        raise UnreadableFile(
            f"is a symbolic link to a file outside the source folder {folder}; korwatch does "
            "not follow it (set follow_symlinks = true in the source to read such links)"
        )


def _check_regular(status: os.stat_result) -> None:
    for test, kind in _KINDS:
        if test(status.st_mode):
            raise UnreadableFile(f"is {kind}, not a regular file; korwatch reads only files")
    if not stat.S_ISREG(status.st_mode):
        raise UnreadableFile("is not a regular file; korwatch reads only files")


def _check_still_inside(descriptor: int, status: os.stat_result, real: Path, folder: Path) -> None:
    """The opened file is the one checked: a folder on the way swapped for a link meanwhile
    would have led the open elsewhere."""
    try:
        where = Path(os.readlink(_PROC_FDS / str(descriptor)))
    except OSError:  # no /proc: compare the file itself with the checked real path
        try:
            checked = os.stat(real)
        except OSError:
            checked = None
        if checked is None or (checked.st_dev, checked.st_ino) != (status.st_dev, status.st_ino):
            raise UnreadableFile("changed while it was being opened; it is tried again") from None
        return
    _check_inside(where, folder)


def _reading_path(descriptor: int, real: Path) -> Path:
    return _PROC_FDS / str(descriptor) if _HAVE_PROC else real
