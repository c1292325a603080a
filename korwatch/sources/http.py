"""The `http` source: one export pulled from a URL, and the HTTP helper the API sources share.

Each scan sends a conditional GET (If-None-Match / If-Modified-Since from the last good fetch);
a 304 brings nothing. A new body is streamed into the state directory under a size limit and
handed to the scan as a local file; its ETag is remembered only once the scan has imported it
(`acknowledge`), so a crash in between fetches it again instead of losing it. 5xx answers, 429
and network faults are retried with backoff, honouring Retry-After. TLS is verified. A pull
runs under its wall-clock deadline (deadline.py, pull.py): no try starts after it and the body
stops at it. The session (session.py) keeps secret headers with their origin on redirects.

Secrets (password, token, header values) come from references and never appear in a message:
URLs are shown without user info and query string, and library errors are reduced to a reason.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from korwatch.configtable import Secret, Table
from korwatch.errors import SourceError
from korwatch.sources.base import DocumentInput, SourceContext
from korwatch.sources.deadline import Deadline

if TYPE_CHECKING:
    import requests

MAX_WAIT_SECONDS = 300.0  # the longest Retry-After honoured; longer waits fail this scan
CHUNK = 64 * 1024
USER_AGENT = "korwatch (+https://github.com/korwatch/korwatch)"
# Set by the daemon on SIGTERM: a wait between retries (or for the rate limit) ends at once.
STOPPING = threading.Event()


def pause(seconds: float) -> None:
    """Sleep, unless the daemon is stopping: then give up this source for this scan."""
    if STOPPING.wait(seconds):
        raise SourceError("stopped while waiting to retry")


def safe_url(url: str) -> str:
    """The URL without user info, query or fragment: what messages may show."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"


def retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        from email.utils import parsedate_to_datetime  # noqa: PLC0415  (rarely needed)

        return max(0.0, parsedate_to_datetime(value).timestamp() - now)
    except (TypeError, ValueError):
        return None


@dataclass(frozen=True)
class Fetcher:
    """GET/POST with retries on 5xx, 429 and network faults; errors name only `label`."""

    label: str
    timeout: float = 30.0
    retries: int = 3
    verify: bool | str = True
    sleep: Callable[[float], None] = pause

    def request(
        self,
        session: requests.Session,
        method: str,
        url: str,
        headers: Mapping[str, str],
        **options: Any,
    ) -> requests.Response:
        import requests  # noqa: PLC0415 - heavy; only pulled sources need it

        # The pull's deadline (session.py), when the session has one: each try reads for at
        # most what is left of it, and no try starts once it has passed.
        deadline: Deadline | None = getattr(session, "deadline", None)
        reason, wait = "", 0.0
        for attempt in range(self.retries + 1):
            if attempt:
                left = deadline.remaining() if deadline is not None else MAX_WAIT_SECONDS
                self.sleep(min(wait, MAX_WAIT_SECONDS, left))
            if deadline is not None:
                deadline.check(self.label, reason)
            try:
                response = session.request(
                    method, url, headers=dict(headers), timeout=self._timeout(deadline),
                    verify=self.verify, **options,
                )  # fmt: skip
            except requests.exceptions.SSLError:
                raise SourceError(
                    f"{self.label}: the TLS certificate could not be verified "
                    "(set ca_file to trust a private CA)"
                ) from None
            except requests.exceptions.Timeout:
                reason, wait = f"no answer within {self.timeout:g} s", 2.0**attempt
                continue
            except requests.exceptions.RequestException as error:
                reason, wait = f"cannot connect ({type(error).__name__})", 2.0**attempt
                continue
            status = response.status_code
            if status == 429 or status >= 500:
                reason = f"the server answered HTTP {status}"
                found = retry_after(response.headers.get("Retry-After"), time.time())
                wait = found if found is not None else 2.0**attempt
                response.close()
                if found is not None and found > MAX_WAIT_SECONDS:
                    break
                continue
            if status >= 400:
                response.close()
                raise SourceError(f"{self.label}: the server answered HTTP {status}{_hint(status)}")
            return response
        if deadline is not None:
            deadline.check(self.label, reason)
        raise SourceError(f"{self.label}: {reason} (after {attempt + 1} tries)")

    def _timeout(self, deadline: Deadline | None) -> float:
        if deadline is None:
            return self.timeout
        return max(0.1, min(self.timeout, deadline.remaining()))


def _hint(status: int) -> str:
    if status in (401, 403):
        return " (check the credentials in the config)"
    if status == 404:
        return " (check the URL)"
    return ""


def download(
    response: requests.Response,
    target: Path,
    max_bytes: int,
    label: str,
    deadline: Deadline | None = None,
) -> Path:
    """Stream the body into `target` (atomically), refusing bodies over `max_bytes` and
    stopping at the pull's `deadline`."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        response.close()
        raise SourceError(f"{label}: the export is {declared} bytes, over max_bytes {max_bytes}")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(".download.part")
    size = 0
    import requests  # noqa: PLC0415

    def in_time() -> None:
        # The deadline shuts the socket: a body that ends or breaks off after it is cut short.
        if deadline is not None:
            deadline.check(label, f"{size} bytes of the export received")

    try:
        with partial.open("wb") as stream:
            for chunk in response.iter_content(CHUNK):
                in_time()
                size += len(chunk)
                if size > max_bytes:
                    raise SourceError(f"{label}: the export is over max_bytes {max_bytes}")
                stream.write(chunk)
        in_time()
    except requests.exceptions.RequestException as error:
        in_time()
        raise SourceError(f"{label}: the download broke off ({type(error).__name__})") from None
    finally:
        response.close()
    os.replace(partial, target)
    return target


@dataclass(frozen=True)
class HttpSource:
    url: str
    headers: tuple[tuple[str, Secret], ...] = ()
    username: str | None = None
    password: Secret | None = None
    token: Secret | None = None
    timeout: float = 30.0
    retries: int = 3
    max_bytes: int = 50_000_000
    verify: bool | str = True
    format: str | None = None
    deadline: float | None = None  # seconds a pull may take; None: [schedule] pull_deadline

    @property
    def label(self) -> str:
        return f"http {safe_url(self.url)}"

    def fetcher(self) -> Fetcher:
        return Fetcher(self.label, self.timeout, self.retries, self.verify)

    def request_headers(self) -> dict[str, str]:
        headers = {"User-Agent": USER_AGENT}
        headers.update((name, value.reveal()) for name, value in self.headers)
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token.reveal()}"
        return headers

    def documents(self, context: SourceContext) -> Iterator[DocumentInput]:
        from korwatch.sources.session import GuardedSession  # noqa: PLC0415 - requests

        folder = context.state_dir / ("http-" + hashlib.sha256(self.url.encode()).hexdigest()[:16])
        known = read_json(folder / "state.json")
        headers = self.request_headers()
        if known.get("etag"):
            headers["If-None-Match"] = known["etag"]
        if known.get("last_modified"):
            headers["If-Modified-Since"] = known["last_modified"]
        auth = None
        if self.username and self.password is not None:
            auth = (self.username, self.password.reveal())
        with GuardedSession(self.label, context.deadline) as session:
            response = self.fetcher().request(
                session, "GET", self.url, headers, auth=auth, stream=True
            )
            if response.status_code == 304:
                response.close()
                return
            validators = {
                "etag": response.headers.get("ETag"),
                "last_modified": response.headers.get("Last-Modified"),
            }
            target = folder / _file_name(self.url)
            path = download(response, target, self.max_bytes, self.label, context.deadline)
        write_json(folder / "pending.json", validators)
        yield DocumentInput(path=path, name=safe_url(self.url), format=self.format)

    def acknowledge(self, document: DocumentInput, status: str) -> None:
        """The scan has recorded the download: remember its ETag for the next request."""
        pending = document.path.parent / "pending.json"
        if pending.exists():
            os.replace(pending, document.path.parent / "state.json")


def _file_name(url: str) -> str:
    name = Path(urlsplit(url).path).name
    return re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".") or "export"


def read_json(path: Path) -> dict[str, Any]:
    try:
        found = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def write_json(path: Path, data: Mapping[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text(json.dumps(data), encoding="utf-8")
    os.replace(partial, path)


def read_common(table: Table) -> dict[str, Any]:
    """timeout, retries, max_bytes, verify and ca_file: the options every pulled source has.
    A kind pulled in a thread of its own (pull.py) also reads `deadline` (table.duration)."""
    timeout = table.number("timeout", 30.0)
    if timeout <= 0:
        table.problem("timeout", "must be more than 0 seconds")
    verify: bool | str = table.boolean("verify", True)
    ca_file = table.string("ca_file")
    if ca_file:
        verify = ca_file
    return {
        "timeout": max(timeout, 0.1),
        "retries": table.integer("retries", 3, 0, 10),
        "max_bytes": table.integer("max_bytes", 50_000_000, 1, 2**40),
        "verify": verify,
    }


class HttpKind:
    name = "http"

    def from_config(self, table: Table, format_name: str | None) -> HttpSource | None:
        url = table.required_string("url")
        if url and urlsplit(url).scheme not in ("http", "https"):
            table.problem("url", f'"{safe_url(url)}" must start with https:// or http://')
        headers = table.raw("headers") or {}
        if not isinstance(headers, dict):
            table.problem("headers", "must be a table of header names and values")
            headers = {}
        resolved: list[tuple[str, Secret]] = []
        for name, raw in headers.items():
            if isinstance(raw, bool) or not isinstance(raw, str | int | float):
                # A header value may be a secret: its value is never shown.
                table.problem(f"headers.{name}", "must be a string (the value is not shown)")
                continue
            value = table.resolve_references(f"headers.{name}", str(raw))
            if value is not None:
                resolved.append((str(name), Secret(value)))
        username, password = table.string("username"), table.secret("password")
        if password is not None and not username:
            table.problem("password", "is set but username is not")
        token = table.secret("token")
        common = read_common(table)
        if not url:
            return None
        return HttpSource(
            url, tuple(resolved), username, password, token, format=format_name,
            deadline=table.duration("deadline"), **common,
        )  # fmt: skip
