"""A fake Enable Banking API on 127.0.0.1, implementing the documented endpoints the client uses.

From the API reference (the OpenAPI file in api-evangelist/enable-banking): GET /application,
GET /aspsps, POST /auth, the bank's consent page redirecting to `redirect_url?code&state`,
POST /sessions (single-use code), GET and DELETE /sessions/{id}, GET /accounts/{uid}/balances and
GET /accounts/{uid}/transactions (unsigned amounts + credit_debit_indicator, BOOK/PDNG, pages
chained by `continuation_key`, WRONG_TRANSACTIONS_PERIOD before the bank's history, strategy
"longest"). Every request's JWT is verified against the test public key (RS256, kid = the
application id, iss, aud, at most 24 hours). Tests can expire or revoke a session, queue faults
(429 with Retry-After), make the transactions endpoint trickle forever (`trickle`), and the fake
refuses a 5th unattended read of an account in one day.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from werkzeug import Request, Response

from tests.feeds.fake_enablebanking_checks import (
    APP_ID,
    Problem,
    aspsps_problem,
    auth_problem,
    token_problem,
    transactions_problem,
)
from tests.feeds.server import LocalServer


def entry(
    day: date,
    amount: str,
    *,
    name: str = "Klant BV",
    iban: str = "NL91ABNA0417164300",
    text: str = "factuur",
    reference: str | None = "auto",
    status: str = "BOOK",
) -> dict[str, Any]:
    """One Transaction as the API gives it: the amount unsigned, the sign in the indicator."""
    credit = not amount.startswith("-")
    party = "debtor" if credit else "creditor"
    item: dict[str, Any] = {
        "transaction_amount": {"currency": "EUR", "amount": amount.lstrip("-")},
        "credit_debit_indicator": "CRDT" if credit else "DBIT",
        "status": status,
        party: {"name": name},
        f"{party}_account": {"iban": iban},
        "booking_date": day.isoformat() if status == "BOOK" else None,
        "value_date": day.isoformat(),
        "remittance_information": [text, f"datum {day:%d-%m-%Y}"],
        "bank_transaction_code": {"code": "PMNT"},
        "transaction_id": str(uuid.uuid4()),  # changes on every read, as the reference warns
    }
    if reference == "auto":
        reference = f"ref-{day.isoformat()}-{amount}-{name}"
    if reference is not None:
        item["entry_reference"] = reference
    return item


@dataclass
class FakeAccount:
    iban: str
    name: str = "Zakelijke rekening"
    entries: list[dict[str, Any]] = field(default_factory=list)
    hash: str = field(default_factory=lambda: uuid.uuid4().hex)


@dataclass
class FakeSession:
    id: str
    valid_until: datetime
    accounts: dict[str, FakeAccount]  # uid -> account
    status: str = "AUTHORIZED"


class FakeEnableBanking:
    def __init__(self, public_key: str, *, page_size: int = 3) -> None:
        self.public_key = public_key
        self.page_size = page_size
        self.accounts: list[FakeAccount] = []
        self.history_days: int | None = None  # the bank serves no more than this, if set
        self.today = datetime.now(UTC).date()  # the bank's day (tests set it to KORWATCH_NOW's)
        self.now = datetime.now(UTC)  # the bank's clock for session expiry
        self.refuse = False
        self.redirect_urls: list[str] = []
        self.auths: dict[str, dict[str, Any]] = {}
        self.codes: dict[str, str] = {}
        self.used_codes: set[str] = set()
        self.sessions: dict[str, FakeSession] = {}
        self.faults: list[tuple[int, dict[str, Any], dict[str, str]]] = []
        self.reads: list[tuple[str, dict[str, str]]] = []  # (iban, query) of each page read
        self.unattended: Counter[str] = Counter()  # first pages read per iban this day
        self.limit = 4
        self.rejected_tokens = 0
        # Set: GET /accounts/{uid}/transactions answers 200 and then a body that never ends,
        # one byte every half second (a per-read timeout never trips), until stop().
        self.trickle = threading.Event()
        self.trickling = 0  # answers that are trickling (or did)
        self.closing = threading.Event()
        self.lock = threading.Lock()
        self.server = LocalServer(self.handle)
        self.url = self.server.url

    # -- what tests do -------------------------------------------------------------------
    def stop(self) -> None:
        self.closing.set()  # every trickling answer ends
        self.server.stop()

    def new_day(self, today: date) -> None:
        self.today = today
        self.unattended.clear()

    def expire_all(self) -> None:
        for session in self.sessions.values():
            session.valid_until = self.now - timedelta(seconds=1)

    def revoke_all(self) -> None:
        for session in self.sessions.values():
            session.status = "REVOKED"

    def last_auth_url(self) -> str:
        return f"{self.url}/consent/{list(self.auths)[-1]}"

    def first_page_reads(self, iban: str | None = None) -> int:
        return sum(
            1
            for who, query in self.reads
            if "continuation_key" not in query and iban in (None, who)
        )

    # -- the API -------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        with self.lock:
            if request.path.startswith("/consent/"):
                return self._consent_page(request.path.rsplit("/", 1)[-1])
            problem = token_problem(request.headers.get("Authorization", ""), self.public_key)
            if problem is not None:
                self.rejected_tokens += 1
                return _error(401, "UNAUTHORIZED_ACCESS", problem)
            return self._route(request)

    def _route(self, request: Request) -> Response:  # noqa: PLR0911 - one route each
        parts = request.path.strip("/").split("/")
        method = request.method
        if method == "GET" and parts == ["application"]:
            return _json({"name": "korwatch test", "kid": APP_ID, "environment": "PRODUCTION",
                          "redirect_urls": self.redirect_urls, "active": True,
                          "countries": ["NL"], "services": ["AIS"]})  # fmt: skip
        if method == "GET" and parts == ["aspsps"]:
            return _refused(aspsps_problem(request.args.to_dict())) or self._aspsps(
                request.args.get("country", "")
            )
        if method == "POST" and parts == ["auth"]:
            return self._auth(request.get_json())
        if method == "POST" and parts == ["sessions"]:
            return self._session(request.get_json())
        if parts[0] == "sessions" and len(parts) == 2:
            return self._session_status(parts[1], method)
        if parts[0] == "accounts" and len(parts) == 3:
            return self._account(parts[1], parts[2], request.args.to_dict())
        return _error(404, "NOT_FOUND", request.path)

    def _aspsps(self, country: str) -> Response:
        return _json({"aspsps": [b for b in self.banks() if country in ("", b["country"])]})

    def banks(self) -> list[dict[str, Any]]:
        return [
            {"name": name, "country": "NL", "logo": "https://example.invalid/logo.png",
             "psu_types": ["personal", "business"], "auth_methods": [],
             "maximum_consent_validity": 15552000, "beta": False, "bic": bic}
            for name, bic in (("ING", "INGBNL2A"), ("Rabobank", "RABONL2U"),
                              ("ABN AMRO", "ABNANL2A"))
        ]  # fmt: skip

    def _auth(self, body: Any) -> Response:
        refused = _refused(auth_problem(body, self.banks(), self.now))
        if refused is not None:
            return refused
        valid_until = datetime.fromisoformat(body["access"]["valid_until"])
        if self.redirect_urls and body["redirect_url"] not in self.redirect_urls:
            return _error(422, "REDIRECT_URI_NOT_ALLOWED", "Redirect URI not allowed")
        auth_id = str(uuid.uuid4())
        self.auths[auth_id] = {**body, "valid_until": valid_until}
        return _json({"url": f"{self.url}/consent/{auth_id}", "authorization_id": auth_id,
                      "psu_id_hash": uuid.uuid4().hex})  # fmt: skip

    def _consent_page(self, auth_id: str) -> Response:
        auth = self.auths[auth_id]
        if self.refuse:
            query = {"error": "access_denied", "error_description": "User cancelled",
                     "state": auth["state"]}  # fmt: skip
        else:
            code = str(uuid.uuid4())
            self.codes[code] = auth_id
            query = {"code": code, "state": auth["state"]}
        return Response(
            status=302, headers={"Location": f"{auth['redirect_url']}?{urlencode(query)}"}
        )

    def _session(self, body: Any) -> Response:
        code = body.get("code", "") if isinstance(body, dict) else ""
        if code in self.used_codes:  # a code works once (a reload of the redirect page)
            return _error(422, "ALREADY_AUTHORIZED", "Session is already authorized")
        auth_id = self.codes.pop(code, None)
        if auth_id is None:
            return _error(422, "WRONG_AUTHORIZATION_CODE", "Wrong authorization code provided")
        self.used_codes.add(code)
        auth = self.auths[auth_id]
        session = FakeSession(
            str(uuid.uuid4()), auth["valid_until"], {str(uuid.uuid4()): a for a in self.accounts}
        )
        self.sessions[session.id] = session
        return _json({
            "session_id": session.id,
            "accounts": [
                {"uid": uid, "account_id": {"iban": a.iban}, "identification_hash": a.hash,
                 "identification_hashes": [a.hash], "currency": "EUR", "name": a.name,
                 "cash_account_type": "CACC"}
                for uid, a in session.accounts.items()
            ],
            "aspsp": auth["aspsp"], "psu_type": auth.get("psu_type", "personal"),
            "access": {"valid_until": session.valid_until.isoformat()},
        })  # fmt: skip

    def _session_status(self, session_id: str, method: str) -> Response:
        session = self.sessions.get(session_id)
        if session is None:
            return _error(404, "SESSION_DOES_NOT_EXIST", "No session found")
        if method == "DELETE":
            session.status = "CLOSED"
            return _json({"message": "OK"})
        status = "EXPIRED" if session.valid_until <= self.now else session.status
        return _json({
            "status": status, "accounts": list(session.accounts),
            "accounts_data": [{"uid": u, "identification_hash": a.hash}
                              for u, a in session.accounts.items()],
            "aspsp": {"name": "ING", "country": "NL"}, "psu_type": "personal",
            "psu_id_hash": "x", "access": {"valid_until": session.valid_until.isoformat()},
            "created": self.now.isoformat(),
        })  # fmt: skip

    def _account(self, uid: str, what: str, query: dict[str, str]) -> Response:
        session = next((s for s in self.sessions.values() if uid in s.accounts), None)
        if session is None:
            return _error(404, "ACCOUNT_DOES_NOT_EXIST", "No account found")
        ended = self._ended(session)
        if ended is not None:
            return ended
        account = session.accounts[uid]
        if what == "balances":
            return _json(
                {
                    "balances": [
                        {
                            "name": "b",
                            "balance_type": "CLBD",
                            "balance_amount": {"currency": "EUR", "amount": "0.00"},
                        }
                    ]
                }
            )
        if what != "transactions":
            return _error(404, "NOT_FOUND", what)
        return self._transactions(account, query)

    def _ended(self, session: FakeSession) -> Response | None:
        """A session that can no longer read, as the reference's error codes say it."""
        if session.status == "REVOKED":
            return _error(422, "REVOKED_SESSION", "Session is revoked")
        if session.status == "CLOSED":
            return _error(422, "CLOSED_SESSION", "Session is closed")
        if session.valid_until <= self.now:
            return _error(401, "EXPIRED_SESSION", "Session is expired")
        return None

    def _transactions(self, account: FakeAccount, query: dict[str, str]) -> Response:
        refused = _refused(transactions_problem(query, self.today))
        if refused is not None:
            return refused
        self.reads.append((account.iban, query))
        if self.trickle.is_set():
            self.trickling += 1
            return Response(self._trickled(), 200, content_type="application/json")
        first = "continuation_key" not in query
        if first and self.faults:
            status, body, headers = self.faults.pop(0)
            return Response(json.dumps(body), status, headers, content_type="application/json")
        if first:
            self.unattended[account.iban] += 1
            if self.unattended[account.iban] > self.limit:
                return _error(429, "ASPSP_RATE_LIMIT_EXCEEDED", "limit of the bank")
        window = self._window(query)
        if isinstance(window, Response):
            return window
        start, end = window
        wanted = query.get("transaction_status")
        found = [
            item for item in account.entries
            if wanted in (None, item["status"])
            and (item["status"] == "PDNG"
                 or start <= date.fromisoformat(item["booking_date"]) <= end)
        ]  # fmt: skip
        return self._page(found, query)

    def _trickled(self) -> Iterator[bytes]:
        yield b'{"transactions": ['
        while not self.closing.wait(0.5):
            yield b" "

    def _window(self, query: dict[str, str]) -> tuple[date, date] | Response:
        """The days served: from date_from ("meaningful defaults" without it: 90 days here) to
        date_to; a start before the bank's history is refused, except with strategy "longest",
        which serves what the bank has ("date_to is ignored in this strategy")."""
        longest = query.get("strategy") == "longest"
        start = date.fromisoformat(query.get("date_from") or str(self.today - timedelta(90)))
        end = self.today if longest else date.fromisoformat(query.get("date_to", str(self.today)))
        oldest = None if self.history_days is None else self.today - timedelta(self.history_days)
        if oldest is not None and start < oldest:
            if not longest:
                return _error(422, "WRONG_TRANSACTIONS_PERIOD", "Wrong transactions period")
            start = oldest
        return start, end

    def _page(self, found: list[dict[str, Any]], query: dict[str, str]) -> Response:
        """One page; `continuation_key` is valid only with the same other parameters."""
        first = "continuation_key" not in query
        params = {k: v for k, v in query.items() if k != "continuation_key"}
        offset = 0
        if not first:
            offset_text, _, signature = query["continuation_key"].partition(":")
            if signature != _signature(params):
                return _error(422, "WRONG_CONTINUATION_KEY", "Wrong continuation key provided")
            offset = int(offset_text)
        page = found[offset : offset + self.page_size]
        more = offset + self.page_size < len(found)
        key = f"{offset + self.page_size}:{_signature(params)}" if more else None
        return _json({"transactions": page, "continuation_key": key})


def _signature(params: dict[str, str]) -> str:
    return uuid.uuid5(uuid.NAMESPACE_URL, json.dumps(params, sort_keys=True)).hex[:12]


def _json(body: Any) -> Response:
    return Response(json.dumps(body), 200, content_type="application/json")


def _refused(problem: Problem) -> Response | None:
    return None if problem is None else _error(422, *problem)


def _error(status: int, code: str, message: str) -> Response:
    body = {"code": status, "message": message, "error": code, "detail": None}
    return Response(json.dumps(body), status, content_type="application/json")


def amounts(*values: str) -> list[Decimal]:
    return [Decimal(v) for v in values]


def wait_for(condition: Any, seconds: float = 30.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("gave up waiting")
