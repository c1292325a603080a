"""Pulling sources (a URL, an API) in threads of their own, each under a wall-clock deadline.

A pulled source downloads before anything can be imported, and a server can take forever. So
each pull runs in a thread with a `Deadline` (deadline.py), expired on time by a timer: the
HTTP session then shuts the pull's sockets, so the pull ends with a clear error. A pull still
running GRACE_SECONDS after its deadline is given up (its thread left to end by itself) and
reported as failed; until that thread ends, the source is not pulled again. The scan imports
what a finished pull downloaded, so a slow source holds back neither the other businesses nor
the delivery of their alerts. A pull never uses the scan's ledger connection: a bank feed keeps
its consent and read budget on a connection of its own (SourceContext.open_feeds).

Two korwatch processes (the daemon and a cron scan) must not pull one source at once (they
would write the same download): each pull holds a lock file in the source's state folder, and
a pull that finds it held does nothing this time (`busy`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import logging
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from korwatch.errors import SourceError, SourceWaiting
from korwatch.sources.base import DocumentInput, PulledSource, SourceContext, pull_lock_wanted
from korwatch.sources.deadline import Deadline

GRACE_SECONDS = 5.0  # how long a pull past its deadline may take to end before it is given up
log = logging.getLogger("korwatch.pull")


@dataclass
class Pull:
    """One pull of one source: what it brought, or why it failed."""

    business: str
    source: PulledSource
    context: SourceContext
    deadline: Deadline
    documents: list[DocumentInput] = field(default_factory=list)
    error: str | None = None
    waiting: str | None = None  # nothing (more) to read now, and why (a bank feed's budget)
    busy: bool = False  # another process was pulling this source: nothing done, nothing wrong
    given_up: bool = False  # taken as failed while its thread still ran (pulls._keep)
    done: threading.Event = field(default_factory=threading.Event)
    thread: threading.Thread | None = None

    @property
    def finished(self) -> bool:
        """Done, or given up: past its deadline and the grace after it."""
        return self.done.is_set() or self.deadline.clock() > self.deadline.end + GRACE_SECONDS

    def outcome(self) -> Pull:
        """This pull as the scan should take it (a pull given up has failed)."""
        if not self.done.is_set() and self.error is None:
            self.error = f"{self.source.label}: {self.deadline.reason()}"
            self.documents, self.waiting, self.given_up = [], None, True
        return self


class Pulls:
    """The pulls of one process, at most one per source, started and taken by the scan.

    `on_done` hears (from the pulling thread) that a pull has finished, so the daemon can import
    it at once instead of at the next scheduled scan."""

    def __init__(self, on_done: Callable[[], None] | None = None) -> None:
        self.on_done = on_done
        self._pulls: dict[tuple[str, str], Pull] = {}
        self._stuck: dict[tuple[str, str], threading.Thread] = {}  # given up, still running
        self._changed = threading.Condition()

    def start(self, context: SourceContext, source: PulledSource, default_seconds: float) -> None:
        """Pull `source` in a thread, unless a pull of it is in flight or not yet taken."""
        key = (context.business, source.label)
        deadline = Deadline(source.deadline or default_seconds)
        pull = Pull(
            context.business, source, dataclasses.replace(context, deadline=deadline), deadline
        )
        with self._changed:
            if key in self._pulls:
                return
            self._pulls[key] = pull
            stuck = self._stuck.get(key)
            if stuck is not None and not stuck.is_alive():
                del self._stuck[key]
                stuck = None
        if stuck is not None:  # a thread given up earlier still holds the source
            pull.error = (
                f"{source.label}: the pull before this one is still running past its deadline"
            )
            self._finish(pull)
            return
        timer = threading.Timer(deadline.seconds, deadline.expire)
        timer.daemon = True
        pull.thread = threading.Thread(
            target=self._run, args=(pull, timer), name=f"pull {source.label}", daemon=True
        )
        timer.start()
        pull.thread.start()

    def take(self, businesses: set[str] | None = None) -> list[Pull]:
        """The finished pulls of these businesses (all: None), taken off the board."""
        taken: list[Pull] = []
        with self._changed:
            for key, pull in list(self._pulls.items()):
                if (businesses is None or key[0] in businesses) and pull.finished:
                    del self._pulls[key]
                    if pull.thread is not None and not pull.done.is_set():
                        self._stuck[key] = pull.thread  # given up; left to end by itself
                    taken.append(pull.outcome())
        return taken

    def pending(self, businesses: set[str] | None = None) -> bool:
        """Whether a pull of these businesses (all: None) has not been taken yet."""
        with self._changed:
            return any(businesses is None or key[0] in businesses for key in self._pulls)

    def in_flight(self, business: str) -> set[str]:
        """The labels of the business's sources whose pull is still running."""
        with self._changed:
            return {
                key[1]
                for key, pull in self._pulls.items()
                if key[0] == business and not pull.finished
            }

    def ready(self) -> set[str]:
        """The businesses with a finished pull waiting to be taken."""
        with self._changed:
            return {key[0] for key, pull in self._pulls.items() if pull.finished}

    def finished(self, businesses: set[str] | None, stop: Callable[[], bool]) -> Iterator[set[str]]:
        """The businesses (of `businesses`, all: None) with a finished pull, as pulls finish,
        until none is pending (a one-shot scan waits so). The caller takes their pulls before
        asking for more. Every pull ends by its deadline and grace, so this ends too."""
        while self.pending(businesses) and not stop():
            ready = self.ready()
            if businesses is not None:
                ready &= businesses
            if ready:
                yield ready
            else:
                with self._changed:
                    self._changed.wait(0.5)

    def cancel(self) -> None:
        """Cut every running pull short (the daemon is stopping)."""
        with self._changed:
            pulls = list(self._pulls.values())
        for pull in pulls:
            pull.deadline.expire()

    def _run(self, pull: Pull, timer: threading.Timer) -> None:
        found: list[DocumentInput] = []
        try:
            with _pull_lock(pull.context.state_dir, pull.source) as mine:
                if not mine:
                    pull.busy = True
                    return
                found.extend(pull.source.documents(pull.context))
        except SourceWaiting as waiting:  # a bank feed's reads are spent: what was read stands
            pull.waiting = str(waiting)
        except Exception as error:
            reason = (
                str(error) if isinstance(error, SourceError) else f"{type(error).__name__}: {error}"
            )
            if pull.deadline.expired and not reason.startswith(f"{pull.source.label}: no complete"):
                reason = f"{pull.source.label}: {pull.deadline.reason(reason)}"
            pull.error = reason
            log.debug("pull failed", exc_info=not isinstance(error, SourceError))
        finally:
            timer.cancel()
            self._keep(pull, found)
            self._finish(pull)

    def _keep(self, pull: Pull, found: list[DocumentInput]) -> None:
        """Hand what the pull brought to the scan, or drop it when the pull was given up
        (taken as failed already: nobody will import it)."""
        with self._changed:
            if not pull.given_up:
                pull.documents = found
                pull.done.set()  # under the lock: take() sees it done, or this sees it given up
                return
        discard: Callable[[DocumentInput], None] | None = getattr(pull.source, "discard", None)
        if discard is not None:
            for document in found:
                discard(document)

    def _finish(self, pull: Pull) -> None:
        pull.done.set()
        with self._changed:
            self._changed.notify_all()
        if self.on_done is not None:
            try:
                self.on_done()
            except Exception:  # the daemon may be shutting down; the next scan takes it
                log.debug("could not announce a finished pull", exc_info=True)


@contextlib.contextmanager
def _pull_lock(folder: Path, source: PulledSource) -> Iterator[bool]:
    """Hold the source's lock file if no one else does; yield whether it is held (always, for
    a source that wants no lock file)."""
    if not pull_lock_wanted(source):
        yield True
        return
    folder.mkdir(parents=True, exist_ok=True)
    name = ".pull-" + hashlib.sha256(source.label.encode()).hexdigest()[:16] + ".lock"
    with (folder / name).open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
