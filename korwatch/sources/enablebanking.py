"""The `enablebanking` source: PSD2 accounts through Enable Banking's API (api.enablebanking.com).

Follows the API reference (enablebanking.com/docs/api; the same as OpenAPI 3.1 in
api-evangelist/enable-banking, openapi/_original/enable-banking-api-openapi.yml) and Enable
Banking's own sample (enablebanking/enablebanking-api-samples, python_example/
account_information.py). Every request carries a JWT the application signs itself: RS256, `kid`
the application id, `iss` "enablebanking.com", `aud` "api.enablebanking.com", living an hour
(the API refuses more than 86,400 s). Flow: GET /aspsps -> POST /auth -> the person consents at
the bank -> redirect with `code` -> POST /sessions -> account `uid`s -> GET /accounts/{uid}/
transactions, following `continuation_key` until it is empty.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

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
)
from korwatch.sources.bankfeed_pull import BankFeedSource
from korwatch.sources.feedconfig import feed_api, read_feed_settings
from korwatch.sources.feedentry import decimal_amount, feed_transaction
from korwatch.sources.feedhttp import Answer, JsonApi, error_code
from korwatch.sources.signing import load_private_key, signed_token

if TYPE_CHECKING:
    import requests

API_URL = "https://api.enablebanking.com"
MAX_PAGES = 1000  # a runaway continuation_key loop ends here
# Error codes that mean the session can no longer read (ErrorCode enum of the reference);
# Actual Budget treats the same ones as "re-link" (app-enablebanking utils/errors.ts).
CONSENT_ERRORS = frozenset(
    {
        "EXPIRED_SESSION",
        "REVOKED_SESSION",
        "CLOSED_SESSION",
        "SESSION_DOES_NOT_EXIST",
        "INVALID_ACCOUNT_ID",
        "ACCOUNT_DOES_NOT_EXIST",
        "UNAUTHORIZED_ACCESS",
        "WRONG_SESSION_STATUS",
    }
)


@dataclass(frozen=True)
class EnableBankingClient:
    application_id: str
    private_key: Secret  # the PEM text
    api: JsonApi
    psu_type: str = "personal"
    kind: str = "enablebanking"

    def provider(self, store: FeedStore, session: requests.Session) -> EnableBanking:
        return EnableBanking(self, session)


class EnableBanking:
    """One use of the API (a pull, a connect) on the caller's session (a GuardedSession, under
    the pull's deadline); a fresh JWT signs each request."""

    def __init__(self, client: EnableBankingClient, session: requests.Session) -> None:
        self.client = client
        self.api = client.api
        self.session = session

    def _headers(self) -> dict[str, str]:
        token = signed_token(self.client.application_id, self.client.private_key)
        return {"Authorization": f"Bearer {token}"}

    def _call(self, method: str, path: str, what: str, **options: Any) -> Any:
        """The answer's body; errors by the reference's codes. A refusal reaching a session
        or account means the consent ended; elsewhere it is the application's key."""
        answer = self.api.call(self.session, method, path, self._headers(), **options)
        consent = path.startswith(("/accounts/", "/sessions/"))
        return _body(answer, what, consent=consent)

    def banks(self, country: str) -> list[Bank]:
        params = {"country": country, "psu_type": self.client.psu_type, "service": "AIS"}
        body = self._call("GET", "/aspsps", "listing the banks", params=params)
        found = []
        for item in _list(body, "aspsps"):
            seconds = item.get("maximum_consent_validity")  # in seconds (ASPSPData)
            days = int(seconds) // 86400 if isinstance(seconds, int) else None
            name, land = str(item.get("name", "")), str(item.get("country", country))
            found.append(Bank(f"{land}/{name}", name, land, days))
        return found

    def start(self, bank: Bank, redirect_url: str, state: str, valid_until: datetime) -> Started:
        body = {
            # RFC 3339 with an offset (Access.valid_until)
            "access": {"valid_until": valid_until.isoformat()},
            "aspsp": {"name": bank.name, "country": bank.country},
            "state": state,
            "redirect_url": redirect_url,
            "psu_type": self.client.psu_type,
        }
        found = self._call("POST", "/auth", "starting the authorisation", body=body)
        if not isinstance(found, dict) or not isinstance(found.get("url"), str):
            raise SourceError("enablebanking: POST /auth gave no url")
        return Started(found["url"], state, str(found.get("authorization_id", "")), bank)

    def finish(self, started: Started, answer: Mapping[str, str]) -> Consent:
        if answer.get("error"):
            detail = answer.get("error_description") or answer["error"]
            raise SourceError(f"the bank did not grant access: {detail[:200]}")
        if answer.get("state") != started.state:
            raise SourceError("the answer does not belong to this authorisation (state differs)")
        code = answer.get("code")
        if not code:
            raise SourceError("the answer carries no authorisation code")
        found = self._call("POST", "/sessions", "creating the session", body={"code": code})
        if not isinstance(found, dict) or not found.get("session_id"):
            raise SourceError("enablebanking: POST /sessions gave no session_id")
        accounts = tuple(
            account for item in _list(found, "accounts") if (account := _account(item))
        )
        return Consent(str(found["session_id"]), _valid_until(found), accounts)

    def consent_status(self, session: str) -> ConsentStatus:
        try:
            found = self._call("GET", f"/sessions/{session}", "asking the session's state")
        except NeedsConsent as error:
            return ConsentStatus(False, error.code)
        status = str(found.get("status", "")) if isinstance(found, dict) else ""
        until = _valid_until(found) if isinstance(found, dict) else None
        return ConsentStatus(status == "AUTHORIZED", status or "UNKNOWN", until)

    def transactions(
        self,
        account: GrantedAccount,
        date_from: date,
        date_to: date,
        spend: Callable[[], None],
    ) -> FeedRead:
        booked: list[Transaction] = []
        pending: list[Transaction] = []
        path = f"/accounts/{account.remote_id}/transactions"
        body, params = self._first_page(path, date_from, date_to, spend)
        for line, item in enumerate(self._entries(path, params, body), start=1):
            status = item.get("status")
            if status not in ("BOOK", "PDNG"):
                continue  # cancelled, rejected, scheduled, on hold: not money that moved
            entry = transaction_of(item, account.account, line)
            if status == "BOOK" and entry.booking_date >= date_from:
                booked.append(entry)
            elif status == "PDNG":
                pending.append(entry)
        if "strategy" not in params:
            return FeedRead(booked, pending, date_from)
        served = min((entry.booking_date for entry in booked), default=None)
        return FeedRead(booked, pending, date_from, served != date_from, served)

    def _first_page(
        self, path: str, date_from: date, date_to: date, spend: Callable[[], None]
    ) -> tuple[Any, dict[str, str]]:
        """The first page and the parameters every page is asked with. No transaction_status
        filter: pending entries come in the same read (they are shown, not counted). A range
        the bank will not serve (WRONG_TRANSACTIONS_PERIOD: after a long lapse, or more than
        the bank's 90 days once the first minutes of a consent have passed) is asked again with
        strategy "longest", which "tries to find the longest possible period" and takes
        date_from into account; entries before it are dropped by the caller. That second
        request reached the bank too, so it is a read of its own (`spend` claims it)."""
        params = {"date_from": date_from.isoformat(), "date_to": date_to.isoformat()}
        try:
            return self._read(path, params), params
        except _WrongPeriod:
            spend()
            params = {"date_from": date_from.isoformat(), "strategy": "longest"}
            return self._read(path, params), params

    def _entries(self, path: str, params: dict[str, str], body: Any) -> Iterator[dict[str, Any]]:
        """Every entry, page by page from the first page `body`."""
        for _page in range(MAX_PAGES):
            yield from _list(body, "transactions")
            key = body.get("continuation_key") if isinstance(body, dict) else None
            if not key:
                return
            # The same parameters on every page (the key is "only valid in current session").
            body = self._read(path, {**params, "continuation_key": key})
        raise SourceError(f"enablebanking: more than {MAX_PAGES} pages of transactions")

    def _read(self, path: str, params: dict[str, str]) -> Any:
        """One page of transactions, asked once: the bank may count a failed read too."""
        return self._call("GET", path, "reading transactions", params=params, retry_answers=False)


class _WrongPeriod(SourceError):
    pass


def _body(answer: Answer, what: str, *, consent: bool) -> Any:
    if answer.status == 200:
        return answer.body
    code = error_code(answer)
    if code == "WRONG_TRANSACTIONS_PERIOD":
        raise _WrongPeriod(f"enablebanking: {what}: the bank does not serve that period")
    refused = code in CONSENT_ERRORS or answer.status in (401, 403)
    if refused and consent:
        word = code or str(answer.status)
        raise NeedsConsent(f"enablebanking: {what}: access ended ({word})", word)
    if refused:
        raise SourceError(
            f"enablebanking: {what}: the API refused the application ({code or answer.status}); "
            "check application_id and private_key"
        )
    raise SourceError(f"enablebanking: {what} failed: HTTP {answer.status} {code}".rstrip())


def _list(body: Any, key: str) -> list[dict[str, Any]]:
    items = body.get(key) if isinstance(body, dict) else None
    if not isinstance(items, list):
        raise SourceError(f'enablebanking: the answer has no "{key}" list')
    return [item for item in items if isinstance(item, dict)]


def _valid_until(body: dict[str, Any]) -> datetime:
    access = body.get("access")
    text = access.get("valid_until") if isinstance(access, dict) else None
    try:
        found = datetime.fromisoformat(str(text).replace("Z", "+00:00"))
    except ValueError:
        raise SourceError("enablebanking: the session has no valid_until") from None
    if found.tzinfo is None:
        raise SourceError("enablebanking: the session's valid_until has no time zone")
    return found


def _account(item: dict[str, Any]) -> GrantedAccount | None:
    """A granted account; None for one without a `uid` (it cannot be read, AccountResource)."""
    uid = item.get("uid")
    if not uid:
        return None
    ids = _object(item, "account_id")
    iban = "".join(str(ids.get("iban") or "").split()).upper()
    # identification_hash "can be used for matching accounts between multiple sessions".
    key = iban or f"EB-{str(item.get('identification_hash', ''))[:32]}"
    name, currency = str(item.get("name") or ""), str(item.get("currency") or "EUR")
    return GrantedAccount(str(uid), key, name, currency)


def transaction_of(item: dict[str, Any], account: str, line: int) -> Transaction:
    """One Enable Banking Transaction as a record."""
    amount_type = item.get("transaction_amount")
    if not isinstance(amount_type, dict):
        raise SourceError(f"enablebanking: entry {line} has no transaction_amount")
    indicator = item.get("credit_debit_indicator")
    if indicator not in ("CRDT", "DBIT"):
        raise SourceError(f"enablebanking: entry {line}: credit_debit_indicator is not CRDT/DBIT")
    # The sign is the indicator's; some banks also sign the amount, so take its size only
    # (the amount pattern allows "-"; Actual's processor negated twice).
    size = abs(decimal_amount(amount_type.get("amount"), line))
    credit = indicator == "CRDT"
    party = _object(item, "debtor" if credit else "creditor")
    party_account = _object(item, "debtor_account" if credit else "creditor_account")
    remittance = item.get("remittance_information")
    return feed_transaction(
        account=account,
        booking_date=item.get("booking_date") or item.get("transaction_date"),
        value_date=item.get("value_date"),
        amount=size if credit else -size,
        currency=str(amount_type.get("currency") or "EUR"),
        counterparty_name=str(party.get("name") or ""),
        counterparty_iban=str(party_account.get("iban") or ""),
        remittance=[str(x) for x in remittance] if isinstance(remittance, list) else [],
        reference=str(item.get("reference_number") or ""),
        # entry_reference is "unique and immutable" per account; transaction_id "may change if
        # the list of transactions is retrieved again", so it is no id to dedup on.
        bank_id=str(item.get("entry_reference") or ""),
        code=str(_object(item, "bank_transaction_code").get("code") or ""),
        line=line,
    )


def _object(item: dict[str, Any], key: str) -> dict[str, Any]:
    found = item.get(key)
    return found if isinstance(found, dict) else {}


class EnableBankingKind:
    name = "enablebanking"

    def from_config(self, table: Table, format_name: str | None) -> BankFeedSource | None:
        application_id = table.required_string("application_id")
        if application_id:
            try:
                uuid.UUID(application_id)
            except ValueError:
                table.problem(
                    "application_id",
                    f'"{application_id[:40]}" is not an application id (a UUID such as '
                    '"aa5ef0d4-...") from the Enable Banking control panel',
                )
                application_id = ""
        key = load_private_key(table, "private_key")
        settings = read_feed_settings(table, self.name)
        api = feed_api(table, self.name, API_URL)
        if not application_id or key is None:
            return None
        return BankFeedSource(
            EnableBankingClient(application_id, key, api, settings.psu_type), settings
        )
