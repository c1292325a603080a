"""Serving the web pages with waitress: in the foreground (`korwatch serve`) or in a thread of
the daemon (`korwatch run` with `[web] enabled = true`).

waitress is a pure-Python WSGI server with its own worker threads; its request and header
size limits keep a misbehaving client from holding memory. The listening address comes from
`[web] host` and `port`; config validation already refused an address other machines can
reach unless sign-in (users or a trusted proxy header) is configured.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from waitress import create_server

from korwatch.config.model import Config
from korwatch.web.app import create_app

log = logging.getLogger("korwatch.web")
THREADS = 4


class WebServer:
    """The pages on `[web] host:port`; `run()` serves until `close()`."""

    def __init__(
        self, get_config: Callable[[], Config], host: str | None = None, port: int | None = None
    ) -> None:
        config = get_config()
        self.app = create_app(get_config)
        self._server: Any = create_server(
            self.app,
            host=host or config.web.host,
            port=config.web.port if port is None else port,
            threads=THREADS,
            ident="korwatch",
            max_request_body_size=256 * 1024,
            clear_untrusted_proxy_headers=True,
        )
        self._thread: threading.Thread | None = None
        self._closing = False

    @property
    def address(self) -> tuple[str, int]:
        """Where it listens (the port the system gave, when 0 was asked for)."""
        name = self._server.socket.getsockname()
        return str(name[0]), int(name[1])

    @property
    def url(self) -> str:
        host, port = self.address
        return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"

    def run(self) -> None:
        """Serve until `close()` (from another thread) or SystemExit / KeyboardInterrupt in
        this one (after which waitress finishes the requests in hand)."""
        log.info("web pages on %s", self.url)
        try:
            self._server.run()
        except OSError:
            if not self._closing:  # closing the sockets under the loop ends it so
                raise

    def start(self) -> threading.Thread:
        """Serve in a daemon thread (the daemon's main loop keeps the process)."""
        self._thread = threading.Thread(target=self._serve, name="web", daemon=True)
        self._thread.start()
        return self._thread

    def _serve(self) -> None:
        try:
            self.run()
        except Exception:  # the pages stop; the daemon's scans and emails go on
            log.exception("the web pages stopped")

    def close(self) -> None:
        self._closing = True
        self._server.close()
        if self._thread is not None:
            self._thread.join(5.0)
