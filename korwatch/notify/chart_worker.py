"""Drawing many charts: a few long-lived chart processes for one delivery run.

A chart process imports matplotlib once (about 0.5 s and 60 MB) and then draws chart after
chart (about 0.1 s each). `ChartWorkers` starts them when the first chart is asked for, up to
`processes` of them (one per CPU, at most MAX_PROCESSES) when charts are queued faster than one
draws them, and stops them on `close()`: the daemon that sends 600 alerts after a first scan
pays for matplotlib once per process, and holds none of it when idle.

`prefetch(data)` queues a chart on the least busy process and returns at once; `draw(data)`
returns its PNG, waiting for it (queuing it first if needed). The outbox prefetches the charts
of the next emails while it sends the current one, so the processes draw while SMTP talks.

The protocol on the child's stdin/stdout (`python -m korwatch.notify.chart_worker`): a request
is a 4-byte big-endian length and the chart's JSON (chart.to_json); a reply is one status byte
(0: PNG follows, 1: an error message follows), a 4-byte length and the bytes. A process that
dies or takes longer than `timeout` for one chart is killed; its charts fail with ChartError
(the email goes without it) and a new process takes later ones.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import struct
import subprocess
import sys
import time
from collections import deque
from typing import Any

from korwatch.notify.chart import (
    DRAWING,
    ChartData,
    ChartError,
    from_json,
    render_chart,
    to_json,
)

MAX_PROCESSES = 4
_LENGTH = struct.Struct(">I")


class _Process:
    """One chart process and the charts queued on it, in order."""

    def __init__(self) -> None:
        command = [sys.executable, "-m", "korwatch.notify.chart_worker"]
        pipe = subprocess.PIPE
        self.child = subprocess.Popen(command, stdin=pipe, stdout=pipe, stderr=subprocess.DEVNULL)  # noqa: S603  (our module)
        DRAWING.add(self.child)
        self.queued: deque[str] = deque()

    def send(self, key: str) -> None:
        body = key.encode("utf-8")
        stream = self.child.stdin
        if stream is None:
            raise ChartError("the chart process has no input")
        stream.write(_LENGTH.pack(len(body)) + body)
        stream.flush()
        self.queued.append(key)

    def receive(self, timeout: float) -> tuple[str, bytes | ChartError]:
        """The reply to the oldest queued chart (an error it reported as a ChartError); raises
        ChartError when the process itself failed (the chart stays queued on it)."""
        deadline = time.monotonic() + timeout
        head = self._read(1 + _LENGTH.size, deadline)
        body = self._read(_LENGTH.unpack(head[1:])[0], deadline)
        key = self.queued.popleft()
        if head[0] != 0:
            return key, ChartError(f"the chart process failed: {body.decode('utf-8', 'replace')}")
        return key, body

    def _read(self, size: int, deadline: float) -> bytes:
        stream = self.child.stdout
        if stream is None:
            raise ChartError("the chart process has no output")
        chunks, wanted = [], size
        while wanted:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([stream], [], [], left)[0]:
                raise ChartError("the chart process took too long")
            chunk = os.read(stream.fileno(), wanted)
            if not chunk:
                raise ChartError("the chart process stopped")
            chunks.append(chunk)
            wanted -= len(chunk)
        return b"".join(chunks)

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
        if self.child.stdout is not None:
            self.child.stdout.close()


class ChartWorkers:
    """Chart processes for one run (see the module docstring); a context manager."""

    def __init__(self, processes: int | None = None, timeout: float = 120.0) -> None:
        self.limit = max(1, min(processes or os.cpu_count() or 1, MAX_PROCESSES))
        self.timeout = timeout
        self.processes: list[_Process] = []
        self.where: dict[str, _Process] = {}
        self.done: dict[str, bytes | ChartError] = {}

    def __enter__(self) -> ChartWorkers:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def prefetch(self, data: ChartData) -> None:
        """Queue `data` on the least busy process (starting one if all are busy)."""
        key = _key(data)
        if key in self.where or key in self.done:
            return
        process = self._least_busy()
        try:
            process.send(key)
        except (OSError, ChartError) as error:
            self._drop(process, ChartError(f"the chart process failed: {error}"))
            self.done[key] = ChartError(f"the chart process failed: {error}")
            return
        self.where[key] = process

    def draw(self, data: ChartData) -> bytes:
        """The PNG of `data`; raises ChartError when it could not be drawn."""
        key = _key(data)
        self.prefetch(data)
        while key not in self.done:
            process = self.where[key]
            try:
                got, result = process.receive(self.timeout)
            except ChartError as error:
                self._drop(process, error)
                continue
            del self.where[got]
            self.done[got] = result
        result = self.done.pop(key)
        if isinstance(result, ChartError):
            raise result
        return result

    def close(self) -> None:
        for process in self.processes:
            process.stop()
        self.processes.clear()
        self.where.clear()

    def _least_busy(self) -> _Process:
        alive = [p for p in self.processes if p.child.poll() is None]
        idle = [p for p in alive if not p.queued]
        if idle:
            return idle[0]
        if len(alive) < self.limit:
            self.processes.append(_Process())
            return self.processes[-1]
        return min(alive, key=lambda p: len(p.queued))

    def _drop(self, process: _Process, error: ChartError) -> None:
        """A failed process: its queued charts fail, it is killed, later charts go elsewhere."""
        for key in process.queued:
            self.where.pop(key, None)
            self.done[key] = error
        process.queued.clear()
        with contextlib.suppress(OSError):
            process.child.kill()
        process.stop()
        if process in self.processes:
            self.processes.remove(process)


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


def serve(stdin: Any, stdout: Any) -> None:
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


def render_chart_isolated(data: ChartData, timeout: float = 120.0) -> bytes:
    """One chart drawn in a chart process of its own (raises ChartError on any failure)."""
    with ChartWorkers(1, timeout) as workers:
        return workers.draw(data)


def _key(data: ChartData) -> str:
    return json.dumps(to_json(data), sort_keys=True)


if __name__ == "__main__":  # a chart process: requests on stdin, replies on stdout
    serve(sys.stdin.buffer, sys.stdout.buffer)
