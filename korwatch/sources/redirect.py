"""Catching the bank's redirect back after a consent: a one-shot listener on 127.0.0.1, or the
address pasted from the browser.

The provider sends the browser to `redirect_url?code=...&state=...` (Enable Banking) or
`?ref=...` (GoCardless), with `error` instead when the person declined. When `redirect_url`
points at this machine over plain http, a listener on that port takes the first request to
its path and answers with a page saying the window may be closed; otherwise the person pastes
the address the browser ended on (the page itself may fail to load; its address is enough).
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from korwatch.errors import SourceError

LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")
PAGE = (
    "<!doctype html><meta charset=utf-8><title>korwatch</title>"
    "<p style='font-family:sans-serif'>korwatch has the bank's answer. "
    "You can close this window and go back to the terminal.</p>"
)


def is_local(redirect_url: str) -> bool:
    parts = urlsplit(redirect_url)
    return parts.scheme == "http" and (parts.hostname or "") in LOCAL_HOSTS


def answer_of(url: str) -> dict[str, str]:
    """The query of a pasted redirect address, e.g. {"code": ..., "state": ...}."""
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.query:
        raise SourceError("that is not the address the bank sent the browser back to")
    return dict(parse_qsl(parts.query))


class RedirectListener:
    """Listens on the redirect URL's host and port until the first request to its path."""

    def __init__(self, redirect_url: str) -> None:
        parts = urlsplit(redirect_url)
        self.path = parts.path or "/"
        self.answer: dict[str, str] | None = None
        self.done = threading.Event()
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                target = urlsplit(self.path)
                if target.path != listener.path or listener.done.is_set():
                    self.send_error(404)
                    return
                listener.answer = dict(parse_qsl(target.query))
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.end_headers()
                self.wfile.write(PAGE.encode("utf-8"))
                listener.done.set()

            def log_message(self, format: str, *args: Any) -> None:
                """Silent: the request line holds the authorisation code."""

        host = "127.0.0.1" if parts.hostname == "localhost" else (parts.hostname or "127.0.0.1")
        try:
            self.server = ThreadingHTTPServer((host, parts.port or 80), Handler)
        except OSError as error:
            raise SourceError(
                f"cannot listen on {host}:{parts.port or 80} for the bank's redirect "
                f"({error.strerror}); choose another port in redirect_url"
            ) from None
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> RedirectListener:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def wait(self, seconds: float) -> dict[str, str]:
        if not self.done.wait(seconds) or self.answer is None:
            raise SourceError(f"no answer from the bank within {seconds:.0f} s; try again")
        return self.answer
