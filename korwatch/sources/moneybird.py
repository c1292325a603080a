"""The `moneybird` source: sales invoices and credit notes from Moneybird's REST API (v2).

Incremental, the way the API documents it: `GET sales_invoices/synchronization` lists every
invoice's id and version (paged with page/per_page, following the `Link: rel="next"` header);
only ids whose version is new are fetched, 100 at a time, with `POST sales_invoices/
synchronization`. The fetched invoices are written as one JSON document into the state directory
(read by korwatch/formats/invoices/moneybird_json.py) and go through the same sha256 dedup as
any file; the versions are remembered once the scan has imported the document (`acknowledge`).

Moneybird allows 150 requests per 5 minutes for the whole platform: a client-side limiter keeps
under it, and a 429 is retried after its Retry-After.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from korwatch.configtable import Secret, Table
from korwatch.errors import SourceError
from korwatch.sources.base import DocumentInput, SourceContext
from korwatch.sources.http import Fetcher, pause, read_common, read_json, safe_url, write_json

if TYPE_CHECKING:
    import requests

API_URL = "https://moneybird.com/api/v2"
MARKER = "moneybird-sales-invoices"  # the first key of the document, for format detection
PER_PAGE = 100  # the API's maximum page size
BATCH = 100  # the most ids one POST synchronization returns
LIMIT, WINDOW = 150, 300.0  # requests per 5 minutes


@dataclass
class RateLimiter:
    """At most `limit` requests in any `window` seconds (a sliding log of request times)."""

    limit: int = LIMIT
    window: float = WINDOW
    clock: Callable[[], float] = time.monotonic
    sleep: Callable[[float], None] = pause
    sent: deque[float] = field(default_factory=deque)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait(self) -> float:
        """Block until one more request is allowed; return the seconds waited."""
        with self.lock:
            now = self.clock()
            while self.sent and now - self.sent[0] >= self.window:
                self.sent.popleft()
            waited = 0.0
            if len(self.sent) >= self.limit:
                waited = self.window - (now - self.sent[0])
                self.sleep(waited)
                self.sent.popleft()
            self.sent.append(self.clock())
            return waited


_LIMITERS: dict[str, RateLimiter] = {}  # one per API token: the limit is per token


def limiter_for(token: str) -> RateLimiter:
    key = hashlib.sha256(token.encode()).hexdigest()
    return _LIMITERS.setdefault(key, RateLimiter())


@dataclass(frozen=True)
class MoneybirdSource:
    administration_id: str
    token: Secret
    api_url: str = API_URL
    timeout: float = 30.0
    retries: int = 3
    max_bytes: int = 50_000_000
    verify: bool | str = True
    format: str | None = None
    deadline: float | None = None  # seconds a pull may take; None: [schedule] pull_deadline

    @property
    def label(self) -> str:
        return f"moneybird {self.administration_id}"

    def _url(self, path: str) -> str:
        return f"{self.api_url.rstrip('/')}/{self.administration_id}/{path}"

    def documents(self, context: SourceContext) -> Iterator[DocumentInput]:
        from korwatch.sources.session import GuardedSession  # noqa: PLC0415 - requests

        folder = context.state_dir / f"moneybird-{self.administration_id}"
        known: dict[str, Any] = read_json(folder / "versions.json")
        with GuardedSession(self.label, context.deadline) as session:
            versions = self._versions(session)
            changed = [i for i, v in versions.items() if known.get(i) != v]
            if not changed:
                return
            invoices = self._fetch(session, changed)
        body = json.dumps(
            {"korwatch": MARKER, "administration_id": self.administration_id, "invoices": invoices},
            ensure_ascii=False,
        )
        digest = hashlib.sha256(body.encode()).hexdigest()[:16]
        path = folder / f"sales-invoices-{digest}.json"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(body, encoding="utf-8")
        write_json(folder / "pending.json", {**known, **versions})
        yield DocumentInput(path=path, name=f"{self.label} sales invoices", format=self.format)

    def acknowledge(self, document: DocumentInput, status: str) -> None:
        """The scan has recorded the invoices: remember their versions, drop the download."""
        folder = document.path.parent
        pending = folder / "pending.json"
        # A document that failed to import is fetched again next time (after a fix).
        if pending.exists() and status in ("imported", "known"):
            os.replace(pending, folder / "versions.json")
        document.path.unlink(missing_ok=True)

    def _call(self, session: requests.Session, method: str, url: str, **options: Any) -> Any:
        limiter_for(self.token.reveal()).wait()
        headers = {"Authorization": f"Bearer {self.token.reveal()}", "Accept": "application/json"}
        fetcher = Fetcher(self.label, self.timeout, self.retries, self.verify)
        response = fetcher.request(session, method, url, headers, **options)
        try:
            if len(response.content) > self.max_bytes:
                raise SourceError(f"{self.label}: an answer is over max_bytes {self.max_bytes}")
            return response.json(), response.links.get("next", {}).get("url")
        except ValueError:
            raise SourceError(f"{self.label}: {safe_url(url)} did not answer with JSON") from None
        finally:
            response.close()

    def _versions(self, session: requests.Session) -> dict[str, int]:
        """Every sales invoice's id and version, page by page."""
        url: str | None = self._url("sales_invoices/synchronization.json")
        params: dict[str, Any] | None = {"filter": "state:all", "per_page": PER_PAGE, "page": 1}
        versions: dict[str, int] = {}
        while url:
            items, url = self._call(session, "GET", url, params=params)
            params = None  # the next link carries its own query
            if not isinstance(items, list):
                raise SourceError(f"{self.label}: the synchronization list is not a list")
            for item in items:
                if isinstance(item, dict) and "id" in item:
                    versions[str(item["id"])] = int(item.get("version") or 0)
        return versions

    def _fetch(self, session: requests.Session, ids: list[str]) -> list[dict[str, Any]]:
        url = self._url("sales_invoices/synchronization.json")
        found: list[dict[str, Any]] = []
        for start in range(0, len(ids), BATCH):
            items, _ = self._call(session, "POST", url, json={"ids": ids[start : start + BATCH]})
            if not isinstance(items, list):
                raise SourceError(f"{self.label}: the invoices answer is not a list")
            found.extend(item for item in items if isinstance(item, dict))
        return found


class MoneybirdKind:
    name = "moneybird"

    def from_config(self, table: Table, format_name: str | None) -> MoneybirdSource | None:
        administration = table.raw("administration_id")
        if isinstance(administration, int):
            administration = str(administration)
        if not isinstance(administration, str) or not administration.isdigit():
            table.problem("administration_id", "is required: the number in your Moneybird URL")
            administration = None
        token = table.secret("token")
        if token is None and not table.has("token"):
            table.problem("token", 'is required: an API token, e.g. "${MONEYBIRD_TOKEN}"')
        api_url = table.string("api_url", API_URL) or API_URL
        common = read_common(table)
        if administration is None or token is None:
            return None
        return MoneybirdSource(
            administration, token, api_url, format=format_name,
            deadline=table.duration("deadline"), **common,
        )  # fmt: skip
