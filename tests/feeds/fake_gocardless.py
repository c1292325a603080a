"""A fake GoCardless Bank Account Data API (v2) on 127.0.0.1: the endpoints the client uses.

token/new/ and token/refresh/ (access 24 h, refresh 30 days; 401 "Invalid token" for an unknown
or invalidated access token), institutions/ (a bare array, day counts as strings),
agreements/enduser/ (201), requisitions/ (201, CR; its link is the consent page, which links the
accounts (LN) and redirects to `redirect?ref=<reference>`), requisitions/{id}/, accounts/{id}/,
accounts/{id}/transactions/ (booked + pending, signed amounts, camelCase). Trailing slashes
everywhere, as the API has them. Faults: an expired end-user agreement (401 with the summary),
429 with the per-account success-limit headers.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from werkzeug import Request, Response

from tests.feeds.server import LocalServer

SECRET_ID = "8d5c8f6e-0a4b-4d8e-9c1f-2b3a4c5d6e7f"
SECRET_KEY = "f" * 64
INSTITUTIONS = [  # day counts are strings, as the API gives them
    {"id": "ING_INGBNL2A", "name": "ING", "bic": "INGBNL2A", "countries": ["NL"],
     "transaction_total_days": "730", "max_access_valid_for_days": "180",
     "logo": "https://example.invalid/ing.png"},
    {"id": "RABOBANK_RABONL2U", "name": "Rabobank", "countries": ["NL"],
     "transaction_total_days": "540", "logo": "https://example.invalid/r.png"},
]  # fmt: skip


def gc_entry(day: date, amount: str, *, name: str = "Klant BV", booked: bool = True,
             transaction_id: str | None = "auto") -> dict[str, Any]:  # fmt: skip
    credit = not amount.startswith("-")
    item: dict[str, Any] = {
        "bookingDate": day.isoformat(),
        "valueDate": day.isoformat(),
        "transactionAmount": {"amount": amount, "currency": "EUR"},
        "debtorName" if credit else "creditorName": name,
        "debtorAccount" if credit else "creditorAccount": {"iban": "NL91ABNA0417164300"},
        "remittanceInformationUnstructured": f"factuur {day:%Y%m%d}",
        "internalTransactionId": uuid.uuid4().hex,
    }
    if transaction_id == "auto":
        transaction_id = f"tx-{day}-{amount}-{name}" if booked else None
    if transaction_id:
        item["transactionId"] = transaction_id
    return item


@dataclass
class GcAccount:
    iban: str
    booked: list[dict[str, Any]] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    id: str = field(default_factory=lambda: str(uuid.uuid4()))


class FakeGoCardless:
    def __init__(self) -> None:
        self.accounts: list[GcAccount] = []
        self.access: set[str] = set()
        self.refresh: set[str] = set()
        self.new_tokens = 0
        self.refreshed = 0
        self.agreements: dict[str, dict[str, Any]] = {}
        self.requisitions: dict[str, dict[str, Any]] = {}
        self.reads: list[tuple[str, dict[str, str]]] = []
        self.expired_agreements = False
        self.faults: list[tuple[int, dict[str, Any], dict[str, str]]] = []
        self.successes: defaultdict[str, list[datetime]] = defaultdict(list)
        self.limit = 4
        self.revoked: set[str] = set()  # account ids whose requisition was deleted
        self.now = datetime.now(UTC)
        self.today = self.now.date()
        self.lock = threading.Lock()
        self.server = LocalServer(self.handle)
        self.url = self.server.url + "/api/v2"

    def invalidate_access(self) -> None:
        self.access.clear()

    def handle_delete(self, requisition_id: str) -> None:
        """The person (or another program) deleted the requisition at GoCardless."""
        with self.lock:
            self._delete(requisition_id)

    def handle(self, request: Request) -> Response:
        with self.lock:
            path = request.path.removeprefix("/api/v2")
            if not path.endswith("/"):
                return _error(404, "Not found", "every path ends with a slash")
            parts = path.strip("/").split("/")
            if parts[0] == "consent":
                return self._consent(parts[1])
            if parts[0] == "token":
                return self._token(parts[1], request.get_json())
            token = request.headers.get("Authorization", "").removeprefix("Bearer ")
            if token not in self.access:
                return _error(401, "Invalid token", "Token is invalid or expired")
            return self._route(request.method, parts, request)

    def _token(self, what: str, body: dict[str, str]) -> Response:
        if what == "new":
            if (body.get("secret_id"), body.get("secret_key")) != (SECRET_ID, SECRET_KEY):
                return _error(401, "Authentication failed", "No active account found")
            self.new_tokens += 1
            refresh = uuid.uuid4().hex
            self.refresh.add(refresh)
        elif body.get("refresh") in self.refresh:
            self.refreshed += 1
            refresh = ""
        else:
            return _error(401, "Invalid token", "Token is invalid or expired")
        access = uuid.uuid4().hex
        self.access.add(access)
        found: dict[str, Any] = {"access": access, "access_expires": 86400}
        if refresh:
            found.update(refresh=refresh, refresh_expires=2592000)
        return _json(found)

    def _route(self, method: str, parts: list[str], request: Request) -> Response:  # noqa: PLR0911
        if parts == ["institutions"]:
            country = request.args.get("country", "").upper()
            return _json([i for i in INSTITUTIONS if country in ("", *i["countries"])])
        if parts == ["agreements", "enduser"] and method == "POST":
            return self._agreement(request.get_json())
        if parts[:2] == ["agreements", "enduser"] and parts[2:3]:
            return _found(self.agreements.get(parts[2]))
        if parts == ["requisitions"] and method == "POST":
            return self._requisition(request.get_json())
        if parts[0] == "requisitions" and len(parts) == 2 and method == "DELETE":
            return self._delete(parts[1])
        if parts[0] == "requisitions" and len(parts) == 2:
            requisition = self.requisitions.get(parts[1])
            status = "EX" if self.expired_agreements else (requisition or {}).get("status")
            return _found(requisition and {**requisition, "status": status})
        account = next((a for a in self.accounts if parts[1:2] == [a.id]), None)
        if parts[0] == "accounts" and account is None:
            return _error(404, "Not found", "Account not found")
        if parts[0] == "accounts" and account is not None and len(parts) == 2:
            return _json({"id": account.id, "iban": account.iban, "status": "READY",
                          "owner_name": "Fotostudio Wout"})  # fmt: skip
        if parts[0] == "accounts" and account is not None and parts[2:] == ["transactions"]:
            return self._transactions(account, request.args.to_dict())
        return _error(404, "Not found", "/".join(parts))

    def _delete(self, requisition_id: str) -> Response:
        """ "Delete requisition and its end user agreement": its accounts can no longer be read."""
        requisition = self.requisitions.pop(requisition_id, None)
        if requisition is None:
            return _error(404, "Not found", "No such requisition")
        self.agreements.pop(requisition["agreement"], None)
        self.revoked.update(requisition["accounts"])
        return _json({"summary": "Requisition deleted",
                      "detail": f"Requisition '{requisition_id}' deleted with all its End User "
                                "Agreements"})  # fmt: skip

    def _agreement(self, body: Any) -> Response:
        """An end-user agreement within the institution's limits (over them the API refuses
        the agreement: the days are the institution's transaction_total_days and
        max_access_valid_for_days, 90 when it gives none)."""
        problem = agreement_problem(body)
        if problem is not None:
            return _error(400, *problem)
        agreement = {"max_historical_days": 90, "access_valid_for_days": 90,
                     "access_scope": ["balances", "details", "transactions"], **body,
                     "id": str(uuid.uuid4()), "created": self.now.isoformat(),
                     "accepted": None}  # fmt: skip
        self.agreements[agreement["id"]] = agreement
        return _json(agreement, 201)

    def _requisition(self, body: Any) -> Response:
        agreement = self.agreements.get(str(body.get("agreement")))
        if "redirect" not in body or agreement is None:
            return _error(400, "Invalid requisition", "redirect and a known agreement needed")
        if agreement["institution_id"] != body.get("institution_id"):
            return _error(400, "Incorrect Institution ID",
                          "the agreement was made for another institution")  # fmt: skip
        requisition = {**body, "id": str(uuid.uuid4()), "status": "CR", "accounts": []}
        requisition["link"] = f"{self.server.url}/api/v2/consent/{requisition['id']}/"
        self.requisitions[requisition["id"]] = requisition
        return _json(requisition, 201)

    def _consent(self, requisition_id: str) -> Response:
        requisition = self.requisitions[requisition_id]
        requisition["status"] = "LN"
        requisition["accounts"] = [a.id for a in self.accounts]
        self.agreements[requisition["agreement"]]["accepted"] = self.now.isoformat()
        query = urlencode({"ref": requisition["reference"]})
        return Response(status=302, headers={"Location": f"{requisition['redirect']}?{query}"})

    def _transactions(self, account: GcAccount, query: dict[str, str]) -> Response:
        try:
            start = date.fromisoformat(query.get("date_from", "2000-01-01"))
            end = date.fromisoformat(query.get("date_to", "2999-12-31"))
        except ValueError:
            return _error(400, "Invalid date", "date_from and date_to are YYYY-MM-DD")
        self.reads.append((account.iban, query))
        if self.faults:
            status, body, headers = self.faults.pop(0)
            return Response(json.dumps(body), status, headers, content_type="application/json")
        if self.expired_agreements:
            return _error(401, "End User Agreement (EUA) x has expired",
                          "EUA was valid for 90 days and it expired")  # fmt: skip
        if account.id in self.revoked:  # its requisition was deleted (knowledge base)
            return _error(401, "Access has expired or it has been revoked",
                          "AccessExpiredError")  # fmt: skip
        limited = self._spend(account)
        if isinstance(limited, Response):
            return limited
        booked = [t for t in account.booked
                  if start <= date.fromisoformat(t["bookingDate"]) <= end]  # fmt: skip
        answer = _json({"transactions": {"booked": booked, "pending": account.pending},
                        "last_updated": self.now.isoformat()})  # fmt: skip
        answer.headers.update(limited)
        return answer

    def _spend(self, account: GcAccount) -> Response | dict[str, str]:
        """The bank's limit: 4 successful reads of an account's transactions a day; the 5th
        is refused (RateLimitError, 429) with the per-account headers (knowledge base article
        11529584398236), as every answer carries them."""
        day = [t for t in self.successes[account.id] if self.now - t < timedelta(days=1)]
        reset = (min(day) + timedelta(days=1) - self.now) if day else timedelta(days=1)
        left = max(0, self.limit - len(day) - 1)
        prefix = "HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_"
        headers = {f"{prefix}LIMIT": str(self.limit), f"{prefix}REMAINING": str(left),
                   f"{prefix}RESET": str(int(reset.total_seconds()))}  # fmt: skip
        if len(day) >= self.limit:
            body = {"summary": "Couldn't update account transactions", "status_code": 429,
                    "detail": "Daily request limit set by the Institution has been exceeded.",
                    "type": "RateLimitError"}  # fmt: skip
            headers[f"{prefix}REMAINING"] = "0"
            return Response(json.dumps(body), 429, headers, content_type="application/json")
        self.successes[account.id] = [*day, self.now]
        return headers


def agreement_problem(body: Any) -> tuple[str, str] | None:
    institution = next((i for i in INSTITUTIONS if i["id"] == body.get("institution_id")), None)
    if institution is None:
        return "Unknown Institution ID", f"{body.get('institution_id')} is not a valid institution"
    for key, limit in (("max_historical_days", "transaction_total_days"),
                       ("access_valid_for_days", "max_access_valid_for_days")):  # fmt: skip
        days = body.get(key, 90)
        if not isinstance(days, int) or not 1 <= days <= int(institution.get(limit, "90")):
            return f"Incorrect {key}", f"{key} must be 1 to {institution.get(limit, '90')}"
    if not set(body.get("access_scope", [])) <= {"balances", "details", "transactions"}:
        return "Incorrect access_scope", "only balances, details and transactions"
    return None


def _found(body: Any) -> Response:
    return _json(body) if body else _error(404, "Not found", "No such object")


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status, content_type="application/json")


def _error(status: int, summary: str, detail: str) -> Response:
    body = {"summary": summary, "detail": detail, "status_code": status}
    return Response(json.dumps(body), status, content_type="application/json")
