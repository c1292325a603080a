"""JSON over HTTPS for the bank-feed providers: retries, rate limits, the pull's deadline, and
nothing secret in errors.

Network faults and 5xx answers are retried with backoff (Retry-After honoured, as the http
source does), except for a read of transactions, which the bank may count even when it failed.
A 429 asking for a short wait (an API's per-minute limit) is waited out; a longer one, or one
without a wait (a bank's daily limit), raises RateLimited with the moment the next read is
allowed, so the source stops until then instead of spending more of the bank's reads. Every
other answer, 4xx included, goes back to the provider, which knows its error codes.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from korwatch import clock
from korwatch.errors import SourceError
from korwatch.sources.bankfeed import RateLimited
from korwatch.sources.deadline import Deadline
from korwatch.sources.http import MAX_WAIT_SECONDS, USER_AGENT, pause, retry_after, safe_url

if TYPE_CHECKING:
    import requests

SHORT_WAIT_SECONDS = 60.0  # a 429 asking for at most this long is waited out in place
# GoCardless gives no Retry-After; its per-account limit's reset (seconds) is in these headers
# (bankaccountdata.zendesk.com article 11529584398236), with underscores or dashes.
RESET_HEADERS = (
    "Retry-After",
    "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_RESET",
    "X-RateLimit-Account-Success-Reset",
    "HTTP_X_RATELIMIT_RESET",
    "X-RateLimit-Reset",
)


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # the parsed JSON, or None when the body was not JSON
    headers: Mapping[str, str]


@dataclass(frozen=True)
class JsonApi:
    label: str  # how errors name the API, e.g. "enablebanking"
    base_url: str
    timeout: float = 30.0
    retries: int = 3
    verify: bool | str = True
    max_bytes: int = 50_000_000

    @property
    def shown(self) -> str:
        """The API as messages name it: never a request's path, which holds session and
        account ids (secrets of the ledger)."""
        return safe_url(self.base_url)

    def call(
        self,
        session: requests.Session,
        method: str,
        path: str,
        headers: Mapping[str, str],
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        retry_answers: bool = True,
    ) -> Answer:
        """The answer to one request, sent on `session` (a GuardedSession, under the pull's
        deadline when it has one: no try starts after it, none reads past it). Network faults,
        and with `retry_answers` 5xx answers, are tried again. A read of transactions passes
        False: the bank may count a read it answered with an error, or that broke off or timed
        out after it was sent, against the day's four; the next scheduled read is the retry."""
        deadline: Deadline | None = getattr(session, "deadline", None)
        url = self.base_url.rstrip("/") + path
        request = _Request(method, url, headers, params, body, retry_answers)
        reason, wait = "", 0.0
        for attempt in range(self.retries + 1):
            if attempt:
                left = deadline.remaining() if deadline is not None else MAX_WAIT_SECONDS
                pause(min(wait, MAX_WAIT_SECONDS, left))
            if deadline is not None:
                deadline.check(self.label, reason)
            answer, reason, wait = self._once(session, request, deadline)
            if answer is None:
                continue
            if answer.status == 429:
                asked = _reset_seconds(answer.headers)
                if _waited_out(asked, deadline) and attempt < self.retries:
                    reason, wait = "the server answered HTTP 429", asked or 0.0
                    continue
                raise _limited(self.label, answer, asked)
            return answer
        if deadline is not None:
            deadline.check(self.label, reason)
        raise SourceError(f"{self.label}: {reason} (after {self.retries + 1} tries)")

    def _once(
        self, session: requests.Session, request: _Request, deadline: Deadline | None
    ) -> tuple[Answer | None, str, float]:
        """One request: (the answer, or None with the reason and wait before the next try)."""
        response = self._send(session, request, deadline)
        if isinstance(response, str):
            return None, response, 2.0
        with response:
            if len(response.content) > self.max_bytes:
                raise SourceError(f"{self.label}: an answer is over max_bytes {self.max_bytes}")
            if response.status_code >= 500 and request.retry_answers:
                found = retry_after(response.headers.get("Retry-After"), time.time())
                reason = f"{self.shown} answered HTTP {response.status_code}"
                return None, reason, found if found is not None else 2.0
            try:
                parsed = json.loads(response.content) if response.content else None
            except ValueError:
                parsed = None  # a proxy's HTML error page: the status still says enough
            return Answer(response.status_code, parsed, dict(response.headers)), "", 0.0

    def _send(
        self, session: requests.Session, request: _Request, deadline: Deadline | None
    ) -> requests.Response | str:
        """The response, or why there is none when it is worth another try."""
        import requests  # noqa: PLC0415 - heavy; only pulled sources need it

        sent = {"User-Agent": USER_AGENT, "Accept": "application/json", **request.headers}
        timeout = self.timeout
        if deadline is not None:
            timeout = max(0.1, min(timeout, deadline.remaining()))
        try:
            return session.request(
                request.method, request.url, headers=sent, params=request.params,
                json=request.body, timeout=timeout, verify=self.verify,
                allow_redirects=False,
            )  # fmt: skip
        except requests.exceptions.SSLError:
            raise SourceError(
                f"{self.label}: the TLS certificate of {self.shown} could not be verified"
            ) from None
        except requests.exceptions.RequestException as error:
            went_out = _went_out(error)
            if isinstance(error, requests.exceptions.ReadTimeout):
                reason = f"no answer from {self.shown} within {timeout:g} s"
            elif went_out:
                reason = f"the answer from {self.shown} broke off ({type(error).__name__})"
            else:
                reason = f"cannot reach {self.shown} ({type(error).__name__})"
            if went_out and not request.retry_answers:  # it may have reached the bank
                if deadline is not None:
                    deadline.check(self.label, reason)
                raise SourceError(f"{self.label}: {reason}") from None
            return reason


@dataclass(frozen=True)
class _Request:
    method: str
    url: str
    headers: Mapping[str, str]
    params: Mapping[str, Any] | None
    body: Any
    retry_answers: bool


def _went_out(error: Exception) -> bool:
    """Whether a failed request may have reached the server: anything but a connection that
    was never made (refused, no such host, no connection within the timeout)."""
    import requests  # noqa: PLC0415
    from urllib3.exceptions import NewConnectionError  # noqa: PLC0415

    if isinstance(error, requests.exceptions.ConnectTimeout):
        return False
    reason = getattr(error.args[0], "reason", None) if error.args else None
    return not isinstance(reason, NewConnectionError)


def _waited_out(asked: float | None, deadline: Deadline | None) -> bool:
    """Whether a 429 asking for `asked` seconds is waited out in place: a short wait that
    ends before the pull's deadline."""
    if asked is None or asked > SHORT_WAIT_SECONDS:
        return False
    return deadline is None or asked < deadline.remaining()


def _reset_seconds(headers: Mapping[str, str]) -> float | None:
    lowered = {name.lower(): value for name, value in headers.items()}
    for name in RESET_HEADERS:
        found = retry_after(lowered.get(name.lower()), time.time())
        if found is not None:
            return found
    return None


def _limited(label: str, answer: Answer, wait: float | None) -> RateLimited:
    retry_at = None if wait is None else clock.now() + timedelta(seconds=wait)
    code = error_code(answer)
    return RateLimited(f"{label}: the bank or provider says too many requests ({code})", retry_at)


def error_code(answer: Answer) -> str:
    """The provider's error word from an error body (`error` of Enable Banking, `type` or
    `summary` of GoCardless), reduced to letters, digits and _ so it is safe to show."""
    body = answer.body if isinstance(answer.body, dict) else {}
    word = body.get("error") or body.get("type") or body.get("summary") or ""
    return "".join(c for c in str(word)[:60] if c.isalnum() or c in "_ -").strip()
