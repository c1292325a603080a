"""The HTTP session every pulled source uses: secrets stay with their origin, and a deadline
can cut a blocked read short.

Redirects: requests drops `Authorization` when a redirect leaves the host, but forwards every
other header, so an API key in `headers` (X-Api-Key) would reach whatever host the server names.
Here a redirect to another origin (scheme, host or port) keeps only the harmless headers, and a
redirect from https to plain http is refused outright. (requests' own rule is
`Session.should_strip_auth`; the same-host upgrade from http to https keeps the headers, as
there.)

Deadline: every socket the session connects registers with the pull's `Deadline`; when it
expires, the socket is shut (shutdown(2) on the descriptor, below TLS), so a read blocked on a
server that trickles bytes returns at once in the pulling thread.

Imported only by pulled sources when they pull (requests is heavy).
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from korwatch.errors import SourceError
from korwatch.sources.deadline import Deadline

# What may follow a redirect to another origin: nothing that identifies or authorises.
KEPT_ACROSS_ORIGINS = frozenset({"user-agent", "accept", "accept-encoding", "connection"})
DEFAULT_PORTS = {"http": 80, "https": 443}


def origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    return scheme, (parts.hostname or "").lower(), parts.port or DEFAULT_PORTS.get(scheme)


def same_origin(old: str, new: str) -> bool:
    """Whether `new` is where `old`'s secrets may go: the same origin, or the same host
    upgraded from http to https on the default ports."""
    before, after = origin(old), origin(new)
    if before == after:
        return True
    upgrade = before[0] == "http" and before[2] == 80 and after[0] == "https" and after[2] == 443
    return upgrade and before[1] == after[1]


class GuardedSession(requests.Session):
    """A requests session that keeps secrets with their origin (see the module docstring)."""

    def __init__(self, label: str, deadline: Deadline | None = None) -> None:
        super().__init__()
        self.label = label
        self.deadline = deadline
        if deadline is not None:
            adapter = TrackingAdapter(deadline)
            self.mount("http://", adapter)
            self.mount("https://", adapter)

    def rebuild_auth(
        self, prepared_request: requests.PreparedRequest, response: requests.Response
    ) -> None:
        """Called by requests for every redirect before it is followed."""
        old, new = str(response.request.url), str(prepared_request.url)
        if origin(old)[0] == "https" and origin(new)[0] != "https":
            response.close()
            scheme, host, port = origin(new)
            raise SourceError(
                f"{self.label}: the server redirected to plain {scheme}://{host}:{port}; "
                "korwatch does not leave https"
            )
        if not same_origin(old, new):
            for name in list(prepared_request.headers):
                if name.lower() not in KEPT_ACROSS_ORIGINS:
                    del prepared_request.headers[name]
        super().rebuild_auth(prepared_request, response)  # type: ignore[no-untyped-call]


def _shut(sock: socket.socket) -> Callable[[], None]:
    def shut() -> None:
        # socket.socket's own shutdown, not SSLSocket's: the descriptor is shut for the reader
        # without touching the TLS state another thread is using. The socket object is kept
        # (not the connection's `sock`, which http.client drops when the response takes the
        # socket over); once really closed its descriptor is -1 and this does nothing.
        with contextlib.suppress(OSError):
            socket.socket.shutdown(sock, socket.SHUT_RDWR)

    return shut


class _TrackedHTTPConnection(HTTPConnection):
    deadline: Deadline | None = None

    def connect(self) -> None:
        super().connect()
        if self.deadline is not None:
            self.deadline.when_expired(_shut(self.sock))


class _TrackedHTTPSConnection(HTTPSConnection):
    deadline: Deadline | None = None

    def connect(self) -> None:
        super().connect()  # a TLS handshake that never ends is left to the pull's grace
        if self.deadline is not None:
            self.deadline.when_expired(_shut(self.sock))


def _pool_maker(
    pool_class: type[HTTPConnectionPool], connection_class: type[HTTPConnection], deadline: Deadline
) -> Callable[..., HTTPConnectionPool]:
    tracked = type(connection_class.__name__, (connection_class,), {"deadline": deadline})

    def make(host: str, port: int | None = None, **options: Any) -> HTTPConnectionPool:
        pool = pool_class(host, port, **options)
        pool.ConnectionCls = tracked
        return pool

    return make


class TrackingAdapter(HTTPAdapter):
    """An adapter whose connections register with `deadline`."""

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        super().__init__()

    def init_poolmanager(self, *args: Any, **options: Any) -> None:
        super().init_poolmanager(*args, **options)
        self.poolmanager.pool_classes_by_scheme = {
            "http": _pool_maker(HTTPConnectionPool, _TrackedHTTPConnection, self.deadline),
            "https": _pool_maker(HTTPSConnectionPool, _TrackedHTTPSConnection, self.deadline),
        }
