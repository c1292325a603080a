"""Drawing many charts: a few long-lived chart processes for one scan or delivery run.

A chart process imports matplotlib once (about 0.5 s and 60 MB) and then draws chart after
chart (about 0.1 s each). `ChartWorkers` starts them when the first chart is asked for, up to
`processes` of them (one per CPU, at most MAX_PROCESSES) while charts wait, and stops them on
`close()`: the daemon that sends 600 alerts after a first scan pays for matplotlib once per
process, and holds none of it when idle.

`prefetch(data)` queues a chart and returns at once; `draw(data)` returns its PNG, waiting for
it (queuing it first if needed). A scan prefetches each alert's chart as soon as the alert is
recorded, so the charts are drawn on the other CPUs while the next clients are imported, and the
outbox prefetches the next emails' charts while it sends one.

The protocol on the child's stdin/stdout (`python -m korwatch.notify.chart_worker`): a request
is a 4-byte big-endian length and the chart's JSON (chart.to_json); a reply is one status byte
(0: PNG follows, 1: an error message follows), a 4-byte length and the bytes. Each process has
at most DEPTH requests outstanding; a thread per process reads its replies as they come and
hands it the next waiting chart, so neither side ever waits on a full pipe. A process that dies
or takes longer than `timeout` for a chart is killed; its charts fail with ChartError (the
email goes without it) and a new process takes later ones.
"""

from __future__ import annotations

import contextlib
import json
import os
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from typing import IO

from korwatch.notify.chart import (
    DRAWING,
    ChartData,
    ChartError,
    from_json,
    render_chart,
    to_json,
)

MAX_PROCESSES = 4
# Requests outstanding per process: one drawing, one waiting in its pipe. A request (a year's
# series, at most 366 points) is far smaller than half a pipe (64 KiB), so sending one never
# waits for the process.
DEPTH = 2
HELD = 400  # charts queued ahead or drawn and not yet taken, at most (about 20 MB)
_LENGTH = struct.Struct(">I")
Result = bytes | ChartError


class _Process:
    """One chart process, the charts sent to it (oldest first) and the thread reading its
    replies."""

    def __init__(self, workers: ChartWorkers) -> None:
        command = [sys.executable, "-m", "korwatch.notify.chart_worker"]
        pipe = subprocess.PIPE
        self.child = subprocess.Popen(command, stdin=pipe, stdout=pipe, stderr=subprocess.DEVNULL)  # noqa: S603  (our module)
        DRAWING.add(self.child)
        self.queued: deque[str] = deque()
        self.alive = True
        self.reader = threading.Thread(target=workers.read_replies, args=(self,), daemon=True)
        self.reader.start()

    def send(self, key: str) -> None:
        body = key.encode("utf-8")
        stream = self.child.stdin
        if stream is None:
            raise OSError("the chart process has no input")
        stream.write(_LENGTH.pack(len(body)) + body)
        stream.flush()

    def reply(self) -> Result | None:
        """The next reply (blocking); None when the process has ended."""
        stream = self.child.stdout
        head = _read_exactly(stream, 1 + _LENGTH.size)
        body = None if head is None else _read_exactly(stream, _LENGTH.unpack(head[1:])[0])
        if head is None or body is None:
            return None
        if head[0] != 0:
            return ChartError(f"the chart process failed: {body.decode('utf-8', 'replace')}")
        return body

    def stop(self) -> None:
        DRAWING.discard(self.child)
        with contextlib.suppress(OSError):
            if self.child.stdin is not None:
                self.child.stdin.close()  # the process ends at the end of its input
        try:
            self.child.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.child.kill()
            self.child.wait()
        self.reader.join(timeout=5)
        if self.child.stdout is not None:
            self.child.stdout.close()


class ChartWorkers:
    """Chart processes for one run (see the module docstring); a context manager."""

    def __init__(self, processes: int | None = None, timeout: float = 120.0) -> None:
        self.limit = max(1, min(processes or os.cpu_count() or 1, MAX_PROCESSES))
        self.timeout = timeout
        self.processes: list[_Process] = []
        self.waiting: deque[str] = deque()  # charts not yet sent to a process
        self.where: dict[str, _Process] = {}  # charts sent, not yet answered
        self.done: dict[str, Result] = {}
        self.changed = threading.Condition()

    def __enter__(self) -> ChartWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def prefetch(self, data: ChartData) -> None:
        """Queue `data` to be drawn; it is sent to a process as soon as one has room. Beyond
        HELD charts queued or drawn and not yet taken, nothing more is queued ahead (memory:
        about 50 KB a chart); `draw` queues it when it is needed."""
        self._queue(_key(data), ahead=True)

    def draw(self, data: ChartData) -> bytes:
        """The PNG of `data`; raises ChartError when it could not be drawn."""
        key = _key(data)
        self._queue(key, ahead=False)
        deadline = time.monotonic() + self.timeout
        with self.changed:
            while key not in self.done and time.monotonic() < deadline:
                self.changed.wait(max(0.0, deadline - time.monotonic()))
            if key not in self.done:  # too slow: the process holding it goes, with its charts
                slow = ChartError("the chart process took too long")
                if key in self.where:
                    self._fail(self.where[key], slow)
                else:  # never sent: every process was busy all that time
                    self.waiting.remove(key)
                    self.done[key] = slow
            result = self.done.pop(key)
        if isinstance(result, ChartError):
            raise result
        return result

    def _queue(self, key: str, *, ahead: bool) -> None:
        with self.changed:
            if key in self.where or key in self.done or key in self.waiting:
                return
            if ahead and len(self.where) + len(self.done) + len(self.waiting) >= HELD:
                return
            self.waiting.append(key)
            self._feed()

    def close(self) -> None:
        for process in list(self.processes):
            process.stop()
        with self.changed:
            self.processes.clear()
            self.where.clear()
            self.waiting.clear()

    def read_replies(self, process: _Process) -> None:
        """The reading thread of `process`: each reply to its chart, then the next chart."""
        while True:
            result = process.reply()
            with self.changed:
                if result is None or not process.queued:
                    self._fail(process, ChartError("the chart process stopped"))
                    return
                key = process.queued.popleft()
                self.where.pop(key, None)
                self.done[key] = result
                self._feed()
                self.changed.notify_all()

    def _feed(self) -> None:
        """Send waiting charts to processes with room (called holding `changed`)."""
        while self.waiting:
            process = self._with_room()
            if process is None:
                return
            key = self.waiting.popleft()
            process.queued.append(key)
            self.where[key] = process
            try:
                process.send(key)
            except OSError as error:
                self._fail(process, ChartError(f"the chart process failed: {error}"))

    def _with_room(self) -> _Process | None:
        alive = [p for p in self.processes if p.alive]
        roomy = sorted((p for p in alive if len(p.queued) < DEPTH), key=lambda p: len(p.queued))
        if roomy and not roomy[0].queued:
            return roomy[0]  # an idle process
        if len(alive) < self.limit:
            self.processes.append(_Process(self))
            return self.processes[-1]
        return roomy[0] if roomy else None

    def _fail(self, process: _Process, error: ChartError) -> None:
        """`process` is gone (or going): its charts fail, later charts go elsewhere."""
        process.alive = False
        for key in process.queued:
            self.where.pop(key, None)
            self.done[key] = error
        process.queued.clear()
        with contextlib.suppress(OSError):
            process.child.kill()
        self.changed.notify_all()


class InProcessCharts:
    """The same interface, drawing in this process (KORWATCH_CHART_IN_PROCESS=1: the tests,
    and one-shot commands that exit right after)."""

    def __enter__(self) -> InProcessCharts:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def prefetch(self, data: ChartData) -> None:
        del data  # drawn when asked for

    def draw(self, data: ChartData) -> bytes:
        try:
            return render_chart(data)
        except Exception as error:
            raise ChartError(f"the chart could not be drawn: {error}") from error

    def close(self) -> None:
        pass


Charts = ChartWorkers | InProcessCharts


def chart_drawer(processes: int | None = None) -> Charts:
    """The drawer for this process: chart processes, or in-process when
    KORWATCH_CHART_IN_PROCESS=1."""
    if os.environ.get("KORWATCH_CHART_IN_PROCESS") == "1":
        return InProcessCharts()
    return ChartWorkers(processes)


def render_chart_isolated(data: ChartData, timeout: float = 120.0) -> bytes:
    """One chart drawn in a chart process of its own (raises ChartError on any failure)."""
    with ChartWorkers(1, timeout) as workers:
        return workers.draw(data)


def serve(stdin: IO[bytes], stdout: IO[bytes]) -> None:
    """The chart process: draw each chart asked for on `stdin` until it ends."""
    while True:
        head = stdin.read(_LENGTH.size)
        if len(head) < _LENGTH.size:
            return
        request = stdin.read(_LENGTH.unpack(head)[0])
        try:
            status, body = 0, render_chart(from_json(json.loads(request)))
        except Exception as error:  # the reply says what went wrong; the process goes on
            status, body = 1, f"{type(error).__name__}: {error}".encode()
        stdout.write(bytes([status]) + _LENGTH.pack(len(body)) + body)
        stdout.flush()


def _read_exactly(stream: IO[bytes] | None, size: int) -> bytes | None:
    """`size` bytes from `stream`, or None when it ends first."""
    if stream is None:
        return None
    chunks: list[bytes] = []
    while size:
        chunk = stream.read(size)
        if not chunk:
            return None
        chunks.append(chunk)
        size -= len(chunk)
    return b"".join(chunks)


def _key(data: ChartData) -> str:
    return json.dumps(to_json(data), sort_keys=True)


if __name__ == "__main__":  # a chart process: requests on stdin, replies on stdout
    serve(sys.stdin.buffer, sys.stdout.buffer)
