"""A pull's wall-clock deadline: how long one pull of a source may take, all tries included.

A per-read timeout does not bound a pull: a server that sends one byte a second never trips it,
in the headers or in the body. The HTTP helper (http.py, session.py) asks the deadline before
each try and each chunk and lets it shut the sockets it opened when the time is up, so that a
read blocked on such a server ends at once; pull.py expires it on time from a timer thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from korwatch.errors import SourceError

DEFAULT_SECONDS = 300.0  # [schedule] pull_deadline when the config says nothing


def describe_seconds(seconds: float) -> str:
    """90 as "90 s", 300 as "5 min", 7200 as "2 h"."""
    if seconds >= 3600 and seconds % 3600 == 0:
        return f"{seconds / 3600:g} h"
    if seconds >= 60 and seconds % 60 == 0:
        return f"{seconds / 60:g} min"
    return f"{seconds:g} s"


class Deadline:
    """Expires `seconds` from now (or earlier, by `expire()`); then runs its callbacks once."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self.clock = clock
        self.end = clock() + seconds
        self._expired = threading.Event()
        self._lock = threading.Lock()
        self._callbacks: list[Callable[[], None]] = []

    @property
    def expired(self) -> bool:
        return self._expired.is_set() or self.clock() >= self.end

    def remaining(self) -> float:
        return 0.0 if self._expired.is_set() else max(0.0, self.end - self.clock())

    def reason(self, last: str = "") -> str:
        because = f"; last: {last}" if last else ""
        return (
            f"no complete answer within the pull deadline of {describe_seconds(self.seconds)} "
            f"(set deadline on the source to allow more){because}"
        )

    def check(self, label: str, last: str = "") -> None:
        """Raise SourceError naming `label` once the deadline has passed."""
        if self.expired:
            raise SourceError(f"{label}: {self.reason(last)}")

    def when_expired(self, callback: Callable[[], None]) -> None:
        """Run `callback` when the deadline expires (at once if it has already)."""
        with self._lock:
            if not self._expired.is_set():
                self._callbacks.append(callback)
                return
        callback()

    def expire(self) -> None:
        """End the pull now: mark the deadline passed and run the callbacks (shut sockets)."""
        with self._lock:
            self._expired.set()
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback()
