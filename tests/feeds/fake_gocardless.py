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
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlencode

from werkzeug import Request, Response

from tests.feeds.server import LocalServer

SECRET_ID = "8d5c8f6e-0a4b-4d8e-9c1f-2b3a4c5d6e7f"
SECRET_KEY = "f" * 64


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
        self.now = datetime.now(UTC)
        self.today = self.now.date()
        self.lock = threading.Lock()
        self.server = LocalServer(self.handle)
        self.url = self.server.url + "/api/v2"

    def invalidate_access(self) -> None:
        self.access.clear()

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
            return _json([
                {"id": "ING_INGBNL2A", "name": "ING", "bic": "INGBNL2A", "countries": ["NL"],
                 "transaction_total_days": "730", "max_access_valid_for_days": "180",
                 "logo": "https://example.invalid/ing.png"},
                {"id": "RABOBANK_RABONL2U", "name": "Rabobank", "countries": ["NL"],
                 "transaction_total_days": "540", "logo": "https://example.invalid/r.png"},
            ])  # fmt: skip
        if parts == ["agreements", "enduser"] and method == "POST":
            body = request.get_json()
            agreement = {**body, "id": str(uuid.uuid4()), "created": self.now.isoformat(),
                         "accepted": None}  # fmt: skip
            self.agreements[agreement["id"]] = agreement
            return _json(agreement, 201)
        if parts[:2] == ["agreements", "enduser"] and len(parts) == 3:
            return _json(self.agreements[parts[2]])
        if parts == ["requisitions"] and method == "POST":
            body = request.get_json()
            requisition = {**body, "id": str(uuid.uuid4()), "status": "CR", "accounts": []}
            requisition["link"] = f"{self.server.url}/api/v2/consent/{requisition['id']}/"
            self.requisitions[requisition["id"]] = requisition
            return _json(requisition, 201)
        if parts[0] == "requisitions" and len(parts) == 2:
            requisition = self.requisitions[parts[1]]
            status = "EX" if self.expired_agreements else requisition["status"]
            return _json({**requisition, "status": status})
        if parts[0] == "accounts" and len(parts) == 2:
            account = self._account(parts[1])
            return _json({"id": account.id, "iban": account.iban, "status": "READY",
                          "owner_name": "Fotostudio Wout"})  # fmt: skip
        if parts[0] == "accounts" and parts[2:] == ["transactions"]:
            return self._transactions(self._account(parts[1]), request.args.to_dict())
        return _error(404, "Not found", "/".join(parts))

    def _account(self, account_id: str) -> GcAccount:
        return next(a for a in self.accounts if a.id == account_id)

    def _consent(self, requisition_id: str) -> Response:
        requisition = self.requisitions[requisition_id]
        requisition["status"] = "LN"
        requisition["accounts"] = [a.id for a in self.accounts]
        self.agreements[requisition["agreement"]]["accepted"] = self.now.isoformat()
        query = urlencode({"ref": requisition["reference"]})
        return Response(status=302, headers={"Location": f"{requisition['redirect']}?{query}"})

    def _transactions(self, account: GcAccount, query: dict[str, str]) -> Response:
        self.reads.append((account.iban, query))
        if self.faults:
            status, body, headers = self.faults.pop(0)
            return Response(json.dumps(body), status, headers, content_type="application/json")
        if self.expired_agreements:
            return _error(401, "End User Agreement (EUA) x has expired",
                          "EUA was valid for 90 days and it expired")  # fmt: skip
        start = date.fromisoformat(query.get("date_from", "2000-01-01"))
        booked = [t for t in account.booked if date.fromisoformat(t["bookingDate"]) >= start]
        return _json({"transactions": {"booked": booked, "pending": account.pending},
                      "last_updated": self.now.isoformat()})  # fmt: skip


def _json(body: Any, status: int = 200) -> Response:
    return Response(json.dumps(body), status, content_type="application/json")


def _error(status: int, summary: str, detail: str) -> Response:
    body = {"summary": summary, "detail": detail, "status_code": status}
    return Response(json.dumps(body), status, content_type="application/json")
