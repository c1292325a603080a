"""Who is at the browser, what they may see, and the protections every page carries.

Three ways in, chosen by the config: users with passwords (`[web.users.NAME]`, signed session
cookie), a trusted reverse proxy that names the user in a header (`proxy_header`, believed only
from `trusted_proxies`), or nobody at all: without users or proxy header the pages answer only
on the loopback address (the config refuses any other `host`), to the person at this machine.
A user with `businesses` sees those businesses only. Every POST carries the session's CSRF
token; every answer carries a Content-Security-Policy that allows no script at all.
"""

from __future__ import annotations

import getpass
import hmac
import os
import secrets
import threading
import time
from collections.abc import Callable, Mapping, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from korwatch.config.model import Config
from korwatch.config.web import is_loopback
from korwatch.scan import state_dir

SECRET_FILE = "web-secret"  # noqa: S105  (the name of the file, not a secret)
CSRF_FIELD = "csrf"
HEADERS = {
    # No script of any kind, styles and images only from this site, forms only to it.
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


@dataclass(frozen=True)
class Viewer:
    """The person the pages are shown to."""

    name: str
    businesses: frozenset[str] | None  # None: every business
    signed_in: bool  # with a password (can sign out)

    def may_see(self, business_id: str) -> bool:
        return self.businesses is None or business_id in self.businesses


def secret_key(config: Config) -> bytes:
    """The key that signs session cookies: `[web] secret_key`, else a random one kept in the
    state directory (readable by korwatch only), made on first use."""
    if config.web.secret_key is not None:
        return config.web.secret_key.reveal().encode("utf-8")
    path = state_dir(config) / SECRET_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_private(path, secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode("ascii")


def _write_private(path: Path, text: str) -> None:
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    try:
        descriptor = os.open(path, flags, 0o600)
    except FileExistsError:
        return  # another process made it first
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(text)


def viewer(
    config: Config,
    remote_addr: str,
    header: Callable[[str], str | None],
    session: Mapping[str, Any],
) -> Viewer | None:
    """Who is asking (`header(name)` gives a request header), or None when they must sign in
    first."""
    web = config.web
    if web.proxy_header and remote_addr in web.trusted_proxies:
        name = (header(web.proxy_header) or "").strip()
        if name:
            user = web.users.get(name)
            return Viewer(name, None if user is None else user.businesses, False)
    if web.passwords:
        name = str(session.get("user", ""))
        user = web.users.get(name)
        issued = float(session.get("issued", 0))
        too_old = time.time() - issued > web.session_hours * 3600
        if user is None or user.password_hash is None or too_old:
            return None
        return Viewer(name, user.businesses, True)
    if web.proxy_header or not is_loopback(remote_addr):
        return None
    return Viewer(getpass.getuser(), None, False)


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """The session's CSRF token, made on first use (every form carries it)."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str) or not token:
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_ok(session: Mapping[str, Any], sent: str | None) -> bool:
    token = session.get(CSRF_FIELD)
    return isinstance(token, str) and bool(token) and hmac.compare_digest(token, sent or "")


def safe_next(target: str | None, default: str = "/") -> str:
    """A place on this site to go back to (never another site: no scheme, no //host)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    if any(ord(character) < 32 for character in target):
        return default
    return target


class Throttle:
    """Failed sign-ins per (name, address): after `limit` in `window` seconds, wait."""

    def __init__(self, limit: int = 5, window: float = 900.0) -> None:
        self.limit, self.window = limit, window
        self._failures: dict[tuple[str, str], list[float]] = {}
        self._lock = threading.Lock()

    def blocked(self, name: str, address: str) -> bool:
        with self._lock:
            recent = self._recent((name, address))
            return len(recent) >= self.limit

    def failed(self, name: str, address: str) -> None:
        with self._lock:
            self._recent((name, address)).append(time.monotonic())

    def forget(self, name: str, address: str) -> None:
        with self._lock:
            self._failures.pop((name, address), None)

    def _recent(self, key: tuple[str, str]) -> list[float]:
        now = time.monotonic()
        kept = [moment for moment in self._failures.get(key, []) if now - moment < self.window]
        self._failures[key] = kept
        return kept
