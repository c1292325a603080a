"""Reading a big document in a child process while this one stores what has been read.

Parsing and storing are both CPU work, and a machine has two cores at least: for a big file
the reader runs in a forked child that sends the ledger rows (rows.chunks) through a
pipe, chunk by chunk, while this process writes them to SQLite. For a format that is slow to
read (CAMT XML) the child sends each record's field values instead (the reader's
`transaction_values`) and this process makes the records and rows. What is
read and stored is exactly what the in-process path gives (tested on every fixture); an error
in the child comes back as the same error, with its message and line.

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
from collections.abc import Callable, Iterator
from itertools import chain, starmap
from pathlib import Path
from typing import IO, cast

from korwatch import errors
from korwatch.errors import ParseError
from korwatch.formats.base import Parser
from korwatch.ledger.rows import CHUNK, Chunk, chunks
from korwatch.models import Sample, Transaction

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
    # A reader that is slow next to storing (CAMT) offers its records as field values: the
    # child sends those, and this process makes the rows, so that both sides stay busy.
    values = getattr(parser, "transaction_values", None)
    if values is not None:
        batches = _received(lambda: _batches(values(sample)))
        return chunks(starmap(Transaction, chain.from_iterable(batches)))  # type: ignore[arg-type]
    return cast(Iterator[Chunk], _received(lambda: chunks(parser.parse(sample))))


def _received(produce: Callable[[], Iterator[object]]) -> Iterator[object]:
    """What `produce` makes, made in a child process."""
    read_end, write_end = os.pipe()
    _widen(write_end)
    try:
        child = os.fork()
    except OSError:  # no process to spare (EAGAIN, ENOMEM): read it here instead
        os.close(read_end)
        os.close(write_end)
        yield from produce()
        return
    if child == 0:  # pragma: no cover  (runs in the child; its output is checked by the tests)
        os.close(read_end)
        _child(produce, write_end)
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
                yield payload
    finally:
        if not finished:
            _stop(child)
        os.waitpid(child, 0)


def _batches(items: Iterator[tuple[object, ...]]) -> Iterator[list[tuple[object, ...]]]:
    batch: list[tuple[object, ...]] = []
    for item in items:
        batch.append(item)
        if len(batch) >= CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


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


def _child(produce: Callable[[], Iterator[object]], write_end: int) -> None:  # pragma: no cover
    """Send every item and then "done" (or the error), and leave at once."""
    code = 0
    try:
        with os.fdopen(write_end, "wb") as sink:
            try:
                for item in produce():
                    pickle.dump(("item", item), sink, protocol=pickle.HIGHEST_PROTOCOL)
                pickle.dump(("done", None), sink)
            except Exception as error:  # sent back and raised there, as the same error
                sink.write(pickle.dumps(("error", _described(error))))
    except BaseException:  # the parent went away (broken pipe) or an interrupt
        code = 1
    finally:
        os._exit(code)


def _described(error: Exception) -> bytes:
    """The error, pickled for the parent. A ParseError travels as its parts (its pickle would
    lose the line); another error as itself, or if it cannot be pickled as its nearest
    builtin class with its message, so the parent still handles it as it would in-process."""
    if isinstance(error, ParseError):
        return pickle.dumps(("parse", (type(error).__name__, error.reason, error.line)))
    try:
        return pickle.dumps(("exception", error))
    except Exception:  # an exception class that cannot be pickled
        base = next(
            cls for cls in type(error).__mro__ if getattr(builtins, cls.__name__, None) is cls
        )
        return pickle.dumps(("builtin", (base.__name__, str(error))))


def _rebuilt(payload: object) -> BaseException:
    """The child's error as this process would have raised it."""
    how, detail = pickle.loads(cast(bytes, payload))  # noqa: S301  (from our own child)
    if how == "exception":
        return cast(BaseException, detail)
    if how == "parse":
        name, reason, line = detail
        own = getattr(errors, name, ParseError)
        return cast(BaseException, own(reason, line))
    name, message = detail
    builtin = getattr(builtins, name, RuntimeError)
    try:
        return cast(BaseException, builtin(message))
    except TypeError:  # e.g. UnicodeDecodeError needs more than a message
        return UnicodeError(message) if issubclass(builtin, UnicodeError) else RuntimeError(message)


def _stop(child: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.kill(child, signal.SIGKILL)
