"""The `gocardless` source: GoCardless Bank Account Data (formerly Nordigen), for people who
already hold its keys (it takes no new sign-ups since 2025).

Follows the API (version 2.0, bankaccountdata.gocardless.com/api/v2/, every path with a trailing
slash; the generated client NixySoftware/gocardless-bankaccountdata documents its OpenAPI): secret
id and key -> POST token/new/ gives an access token (24 hours) and a refresh token (30 days),
kept in the ledger and refreshed with POST token/refresh/ when expired. Connect: institutions ->
an end-user agreement (history and access days) -> a requisition whose `link` the person opens ->
the redirect back carries `ref` (the requisition's reference; there is no code) -> GET the
requisition, LN = linked, with its account ids. Each pull: GET accounts/{id}/transactions/
(`booked` and `pending`, amounts signed, no pages).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from korwatch import clock
from korwatch.configtable import Secret, Table
from korwatch.errors import SourceError
from korwatch.models import Transaction
from korwatch.sources.bankfeed import (
    Bank,
    Consent,
    ConsentStatus,
    FeedRead,
    FeedStore,
    GrantedAccount,
    NeedsConsent,
    Started,
    Token,
)
from korwatch.sources.bankfeed_pull import BankFeedSource
from korwatch.sources.feedconfig import feed_api, read_feed_settings
from korwatch.sources.feedentry import decimal_amount, feed_transaction
from korwatch.sources.feedhttp import Answer, JsonApi, error_code

if TYPE_CHECKING:
    import requests

API_URL = "https://bankaccountdata.gocardless.com/api/v2"
SCOPE = ["balances", "details", "transactions"]
# An end-user agreement that has ended answers 400 (older) or 401 (newer) with this summary
# (actual#3826, opencollective#8538); AccessExpiredError and AccountInactiveError are 401
# (GoCardless knowledge base, account endpoint errors); 409 is a suspended account; a deleted
# requisition (and its accounts) is gone: 404.
EUA_EXPIRED = re.compile(r"end user agreement.*expired", re.IGNORECASE)
CONSENT_TYPES = frozenset({"AccessExpiredError", "AccountInactiveError"})


@dataclass(frozen=True)
class GoCardlessClient:
    secret_id: Secret
    secret_key: Secret
    api: JsonApi
    kind: str = "gocardless"

    @property
    def client_key(self) -> str:
        """Which keys a stored token belongs to (a hash: the secret id is not stored)."""
        return hashlib.sha256(self.secret_id.reveal().encode()).hexdigest()[:16]

    def provider(self, store: FeedStore, session: requests.Session) -> GoCardless:
        return GoCardless(self, store, session)


class GoCardless:
    """One use of the API (a pull, a connect) on the caller's session (a GuardedSession, under
    the pull's deadline)."""

    def __init__(
        self, client: GoCardlessClient, store: FeedStore, session: requests.Session
    ) -> None:
        self.client, self.store, self.api = client, store, client.api
        self.session = session

    # -- tokens ----------------------------------------------------------------------------
    def _access(self, renew: bool = False) -> str:
        now = datetime.now(UTC)  # the provider's clock decides, not KORWATCH_NOW
        token = self.store.token("gocardless", self.client.client_key)
        if token is not None and not renew and token.access_until > now + timedelta(minutes=1):
            return token.access
        if token is not None and token.refresh_until > now + timedelta(minutes=1):
            found = self._post_token("/token/refresh/", {"refresh": token.refresh})
            token = Token(found["access"], _after(now, found, "access_expires"),
                          token.refresh, token.refresh_until)  # fmt: skip
        else:
            secrets = {"secret_id": self.client.secret_id.reveal(),
                       "secret_key": self.client.secret_key.reveal()}  # fmt: skip
            found = self._post_token("/token/new/", secrets)
            token = Token(found["access"], _after(now, found, "access_expires"),
                          found["refresh"], _after(now, found, "refresh_expires"))  # fmt: skip
        self.store.save_token("gocardless", self.client.client_key, token)
        return token.access

    def _post_token(self, path: str, body: dict[str, str]) -> dict[str, Any]:
        answer = self.api.call(self.session, "POST", path, {}, body=body)
        if answer.status != 200 or not isinstance(answer.body, dict):
            raise SourceError(
                f"gocardless: the secret id and key were refused (HTTP {answer.status} "
                f"{error_code(answer)}); check secret_id and secret_key"
            )
        return answer.body

    def _call(self, method: str, path: str, what: str, **options: Any) -> Any:
        """The body of a 2xx answer. An access token the API calls invalid is renewed once."""
        answer = self.api.call(self.session, method, path, self._bearer(), **options)
        if answer.status == 401 and "invalid token" in error_code(answer).lower():
            answer = self.api.call(self.session, method, path, self._bearer(True), **options)
        return _body(answer, what, consent=path.startswith(("/accounts/", "/requisitions/")))

    def _bearer(self, renew: bool = False) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._access(renew)}"}

    # -- the provider ----------------------------------------------------------------------
    def banks(self, country: str) -> list[Bank]:
        found = self._call("GET", "/institutions/", "listing the banks",
                           params={"country": country.lower()})  # fmt: skip
        if not isinstance(found, list):  # a bare array, not an object
            raise SourceError("gocardless: the institutions answer is not a list")
        return [
            Bank(
                str(item["id"]),
                str(item.get("name", "")),
                country,
                _days(item.get("max_access_valid_for_days"), 90),
                _days(item.get("transaction_total_days"), 90),
            )
            for item in found
            if isinstance(item, dict) and "id" in item
        ]

    def start(self, bank: Bank, redirect_url: str, state: str, valid_until: datetime) -> Started:
        days = max(1, (valid_until - clock.now()).days + 1)  # the caller's clock made it
        agreement = self._call("POST", "/agreements/enduser/", "making the agreement", body={
            "institution_id": bank.id, "max_historical_days": bank.history_days or 90,
            "access_valid_for_days": min(days, bank.max_consent_days or 90),
            "access_scope": SCOPE,
        })  # fmt: skip
        requisition = self._call("POST", "/requisitions/", "starting the requisition", body={
            "redirect": redirect_url, "institution_id": bank.id,
            "agreement": agreement["id"], "reference": state, "user_language": "NL",
        })  # fmt: skip
        return Started(str(requisition["link"]), state, str(requisition["id"]), bank)

    def finish(self, started: Started, answer: Mapping[str, str]) -> Consent:
        if answer.get("error"):
            detail = answer.get("details") or answer["error"]
            raise SourceError(f"the bank did not grant access: {detail[:200]}")
        if answer.get("ref") != started.state:
            raise SourceError("the answer does not belong to this requisition (ref differs)")
        requisition = self._requisition(started.handle)
        if requisition.get("status") != "LN":
            raise SourceError(f"the requisition is {requisition.get('status')}, not linked (LN)")
        accounts = tuple(self._account(str(uid)) for uid in requisition.get("accounts") or [])
        return Consent(started.handle, self._valid_until(requisition), accounts)

    def consent_status(self, session: str) -> ConsentStatus:
        try:
            requisition = self._requisition(session)
        except NeedsConsent as error:
            return ConsentStatus(False, error.code)
        status = str(requisition.get("status", ""))
        until = self._valid_until(requisition) if status == "LN" else None
        return ConsentStatus(status == "LN", status or "UNKNOWN", until)

    def transactions(
        self,
        account: GrantedAccount,
        date_from: date,
        date_to: date,
        spend: Callable[[], None],
    ) -> FeedRead:
        params = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
        # Asked once: the bank may count a failed read against the day's four too.
        found = self._call("GET", f"/accounts/{account.remote_id}/transactions/",
                           "reading transactions", params=params,
                           retry_answers=False)  # fmt: skip
        lists = found.get("transactions") if isinstance(found, dict) else None
        if not isinstance(lists, dict) or not isinstance(lists.get("booked"), list):
            raise SourceError('gocardless: the answer has no "transactions.booked" list')
        booked = [transaction_of(item, account.account, n)
                  for n, item in enumerate(lists["booked"], start=1)]  # fmt: skip
        pending = [transaction_of(item, account.account, n)  # "pending" may be missing
                   for n, item in enumerate(lists.get("pending") or [], start=1)]  # fmt: skip
        return FeedRead([t for t in booked if t.booking_date >= date_from], pending, date_from)

    def _requisition(self, requisition_id: str) -> dict[str, Any]:
        found = self._call("GET", f"/requisitions/{requisition_id}/", "asking the requisition")
        if not isinstance(found, dict):
            raise SourceError("gocardless: the requisition answer is not an object")
        return found

    def _account(self, account_id: str) -> GrantedAccount:
        # The metadata endpoint does not count toward the bank's daily limit (GC knowledge base).
        found = self._call("GET", f"/accounts/{account_id}/", "asking the account")
        found = found if isinstance(found, dict) else {}
        iban = "".join(str(found.get("iban") or "").split()).upper()
        return GrantedAccount(account_id, iban or f"GC-{account_id[:8]}",
                              str(found.get("owner_name") or ""))  # fmt: skip

    def _valid_until(self, requisition: dict[str, Any]) -> datetime:
        agreement = self._call(
            "GET", f"/agreements/enduser/{requisition.get('agreement')}/", "asking the agreement"
        )
        start = agreement.get("accepted") or agreement.get("created")
        try:
            begun = datetime.fromisoformat(str(start).replace("Z", "+00:00"))
        except ValueError:
            begun = datetime.now(UTC)
        begun = begun if begun.tzinfo else begun.replace(tzinfo=UTC)
        return begun + timedelta(days=int(agreement.get("access_valid_for_days") or 90))


def _body(answer: Answer, what: str, *, consent: bool) -> Any:
    if 200 <= answer.status < 300:  # creating answers 201
        return answer.body
    code = error_code(answer)
    body = answer.body if isinstance(answer.body, dict) else {}
    words = f"{body.get('summary', '')} {body.get('detail', '')}"
    ended = (
        answer.status in (401, 403, 404, 409)  # 404: the requisition or account was deleted
        or EUA_EXPIRED.search(words) is not None
        or body.get("type") in CONSENT_TYPES
    )
    if consent and ended:
        word = code or str(answer.status)
        raise NeedsConsent(f"gocardless: {what}: access ended ({word})", word)
    raise SourceError(f"gocardless: {what} failed: HTTP {answer.status} {code}".rstrip())


def _after(now: datetime, body: dict[str, Any], key: str) -> datetime:
    return now + timedelta(seconds=int(body.get(key) or 0))


def _days(value: object, default: int) -> int:
    """The institution's day counts are strings ("540")."""
    try:
        return int(str(value))
    except ValueError:
        return default


def transaction_of(item: Any, account: str, line: int) -> Transaction:
    """One GoCardless (Berlin Group) transaction as a record: the amount carries the sign."""
    if not isinstance(item, dict) or not isinstance(item.get("transactionAmount"), dict):
        raise SourceError(f"gocardless: entry {line} has no transactionAmount")
    amount = decimal_amount(item["transactionAmount"].get("amount"), line)
    credit = amount > 0
    party = item.get("debtorAccount" if credit else "creditorAccount")
    lines = item.get("remittanceInformationUnstructuredArray")
    remittance = [str(x) for x in lines] if isinstance(lines, list) else []
    remittance = remittance or [str(item.get("remittanceInformationUnstructured") or "")]
    return feed_transaction(
        account=account,
        booking_date=item.get("bookingDate") or item.get("bookingDateTime"),
        value_date=item.get("valueDate") or item.get("valueDateTime"),
        amount=amount,
        currency=str(item["transactionAmount"].get("currency") or "EUR"),
        counterparty_name=str(item.get("debtorName" if credit else "creditorName") or ""),
        counterparty_iban=str((party or {}).get("iban") or "") if isinstance(party, dict) else "",
        remittance=remittance,
        reference=str(item.get("remittanceInformationStructured") or ""),
        # The bank's own id; not internalTransactionId, which GoCardless may change once for
        # every account of a bank (knowledge base: storing and updating data).
        bank_id=str(item.get("transactionId") or item.get("entryReference") or ""),
        code=str(
            item.get("proprietaryBankTransactionCode") or item.get("bankTransactionCode") or ""
        ),
        line=line,
    )


class GoCardlessKind:
    name = "gocardless"

    def from_config(self, table: Table, format_name: str | None) -> BankFeedSource | None:
        found = {}
        for key in ("secret_id", "secret_key"):
            found[key] = table.secret(key)
            if found[key] is None and not table.has(key):
                table.problem(key, f'is required, e.g. "${{GOCARDLESS_{key.upper()}}}"')
        settings = read_feed_settings(table, self.name)
        api = feed_api(table, self.name, API_URL)
        secret_id, secret_key = found["secret_id"], found["secret_key"]
        if secret_id is None or secret_key is None:
            return None
        return BankFeedSource(GoCardlessClient(secret_id, secret_key, api), settings)
