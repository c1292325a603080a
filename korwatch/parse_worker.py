"""Reading a big document in a child process while this one stores what has been read.

Parsing and storing are both CPU work, and a machine has two cores at least: for a big file
the reader runs in a forked child that sends the ledger rows (ledger_rows.chunks) through a
pipe, chunk by chunk, while this process writes them to SQLite. What is read and stored is
exactly what the in-process path gives (tested on every fixture); an error in the child comes
back as the same error, with its message and line.

The child is only used where it is safe and worth it: a file of at least MIN_BYTES, a platform
with fork(), and a process with no other thread (a thread holding a lock at fork() time would
leave that lock held in the child; the daemon's scheduler threads mean it reads in-process).
The child never touches the ledger and ends with os._exit, so the SQLite connection it
inherits is neither used nor closed there.
"""

from __future__ import annotations

import builtins
import contextlib
import fcntl
import os
import pickle
import signal
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import IO, cast

from korwatch import errors
from korwatch.errors import ParseError
from korwatch.ledger_rows import Chunk, chunks
from korwatch.models import Sample
from korwatch.parsers import Parser

MIN_BYTES = 8 << 20  # below this the fork and the pipe cost about what they save
PIPE_BYTES = 16 << 20  # the child's head start, if the system allows a pipe that wide


def document_chunks(parser: Parser, sample: Sample, min_bytes: int = MIN_BYTES) -> Iterator[Chunk]:
    """The ledger rows of the document, read in a child process when that is worth it."""
    if not _worth_a_child(sample, min_bytes):
        return chunks(parser.parse(sample))
    return _from_child(parser, sample)


def _worth_a_child(sample: Sample, min_bytes: int) -> bool:
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return False
    try:
        return sample.path.stat().st_size >= min_bytes
    except OSError:
        return False  # the in-process reader reports the problem


def _from_child(parser: Parser, sample: Sample) -> Iterator[Chunk]:
    read_end, write_end = os.pipe()
    _widen(write_end)
    child = os.fork()
    if child == 0:  # pragma: no cover  (runs in the child; its output is checked by the tests)
        os.close(read_end)
        _child(parser, sample, write_end)
    os.close(write_end)
    finished = False
    try:
        with os.fdopen(read_end, "rb") as source:
            for message, payload in _messages(source, child):
                if message == "error":
                    raise _rebuilt(payload)
                if message == "done":
                    finished = True
                    return
                yield cast(Chunk, payload)
    finally:
        if not finished:
            _stop(child)
        os.waitpid(child, 0)


def _widen(pipe: int) -> None:
    """Let the child run ahead: with the default 64 KB pipe it waits for every chunk to be
    taken (a chunk is ~300 KB pickled), so reading and storing would take turns."""
    wanted = PIPE_BYTES
    with contextlib.suppress(OSError, ValueError):
        wanted = min(wanted, int(Path("/proc/sys/fs/pipe-max-size").read_text()))
    with contextlib.suppress(OSError, AttributeError):
        fcntl.fcntl(pipe, fcntl.F_SETPIPE_SZ, wanted)  # Linux only; elsewhere it stays small


def _messages(source: IO[bytes], child: int) -> Iterator[tuple[str, object]]:
    while True:
        try:
            yield pickle.load(source)  # noqa: S301  (our own child, through our own pipe)
        except EOFError:
            raise ParseError(
                f"the process reading the file (pid {child}) stopped before the end; "
                "try again, or report it if it keeps happening"
            ) from None


def _child(parser: Parser, sample: Sample, write_end: int) -> None:  # pragma: no cover
    """Read, send every chunk and then "done" (or the error), and leave at once."""
    code = 0
    try:
        with os.fdopen(write_end, "wb") as sink:
            try:
                for chunk in chunks(parser.parse(sample)):
                    pickle.dump(("rows", chunk), sink, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(("done", None), sink)
            except Exception as error:  # sent back and raised there, as the same error
                pickle.dump(("error", _described(error)), sink)
    except BaseException:  # the parent went away (broken pipe) or an interrupt
        code = 1
    finally:
        os._exit(code)


def _described(error: Exception) -> tuple[str, str, int | None]:
    if isinstance(error, ParseError):
        return type(error).__name__, error.reason, error.line
    return type(error).__name__, str(error), None


def _rebuilt(payload: object) -> Exception:
    """The child's error as this process would have raised it."""
    name, message, line = cast(tuple[str, str, "int | None"], payload)
    own = getattr(errors, name, None)
    if isinstance(own, type) and issubclass(own, ParseError):
        return own(message, line)
    builtin = getattr(builtins, name, None)
    if isinstance(builtin, type) and issubclass(builtin, UnicodeError):
        return UnicodeError(message)  # its subclasses need more than a message
    if isinstance(builtin, type) and issubclass(builtin, Exception):
        try:
            return builtin(message)
        except TypeError:
            pass
    return RuntimeError(f"{name}: {message}")


def _stop(child: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(child, signal.SIGKILL)
