"""The fake Enable Banking refuses what the API reference refuses, so that a client request
the real API would not take fails the tests too: a token not signed as bearerAuth says, query
parameters and bodies outside the schemas, a used or unknown authorisation code, a closed
session, the date errors of the ErrorCode enum."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import jwt
import pytest
import requests

from korwatch.configtable import Secret
from korwatch.sources.signing import signed_token
from tests.feeds.fake_enablebanking import FakeAccount, FakeEnableBanking, entry
from tests.feeds.fake_enablebanking_checks import APP_ID
from tests.feeds.server import rsa_key_pair
from tests.helpers import OWN_IBAN

VALID_UNTIL = "2099-01-01T00:00:00+00:00"


def _ask(fake: FakeEnableBanking, key: str, method: str, path: str, **options: Any) -> Any:
    token = signed_token(APP_ID, Secret(key))
    headers = {"Authorization": f"Bearer {token}"}
    return requests.request(method, fake.url + path, headers=headers, timeout=10, **options)


def _auth_body(**changes: Any) -> dict[str, Any]:
    body = {"access": {"valid_until": "2026-12-01T00:00:00+00:00"},
            "aspsp": {"name": "ING", "country": "NL"}, "state": "s",
            "redirect_url": "http://127.0.0.1:8765/callback", "psu_type": "personal"}  # fmt: skip
    return {**body, **changes}


def _session(fake: FakeEnableBanking, key: str) -> tuple[str, str, str]:
    """Authorise through the consent page; (session id, account uid, the code used)."""
    found = _ask(fake, key, "POST", "/auth", json=_auth_body()).json()
    redirect = requests.get(found["url"], allow_redirects=False, timeout=10).headers["Location"]
    code = redirect.split("code=")[1].split("&")[0]
    session = _ask(fake, key, "POST", "/sessions", json={"code": code}).json()
    return session["session_id"], session["accounts"][0]["uid"], code


@pytest.fixture
def fake(enablebanking: FakeEnableBanking) -> FakeEnableBanking:
    enablebanking.now = enablebanking.now.replace(year=2026, month=6, day=15)
    enablebanking.today = date(2026, 6, 15)
    items = [entry(date(2026, 6, 1), "10.00"), entry(date(2026, 6, 2), "20.00", status="PDNG")]
    enablebanking.accounts = [FakeAccount(OWN_IBAN, entries=items)]
    return enablebanking


def _claims(**changes: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {"iss": "enablebanking.com", "aud": "api.enablebanking.com",
              "iat": now, "exp": now + 3600}  # fmt: skip
    return {**claims, **changes}


@pytest.mark.parametrize(
    ("claims", "headers", "other_key"),
    [
        (_claims(), {"kid": APP_ID}, True),  # signed with a key not registered
        (_claims(), {"kid": "4f1c2a4e-8b7d-4c1e-9a2b-5d6e7f809a1b"}, False),  # another app
        (_claims(aud="api.tilisy.com"), {"kid": APP_ID}, False),  # the deprecated audience
        (_claims(iss="korwatch"), {"kid": APP_ID}, False),
        (_claims(exp=int(time.time()) + 86401), {"kid": APP_ID}, False),  # over 24 hours
        (_claims(iat=int(time.time()) - 7200, exp=int(time.time()) - 60), {"kid": APP_ID}, False),
    ],
)
def test_the_fake_refuses_a_token_the_reference_does_not_accept(
    enablebanking: FakeEnableBanking,
    rsa_keys: tuple[str, str],
    claims: dict[str, Any],
    headers: dict[str, str],
    other_key: bool,
) -> None:
    key = rsa_key_pair()[0] if other_key else rsa_keys[0]
    token = jwt.encode(claims, key, algorithm="RS256", headers=headers)
    answer = requests.get(
        enablebanking.url + "/aspsps", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert answer.status_code == 401 and answer.json()["error"] == "UNAUTHORIZED_ACCESS"


@pytest.mark.parametrize(
    ("method", "path", "options", "error"),
    [
        ("GET", "/aspsps", {"params": {"country": "nl"}}, "WRONG_REQUEST_PARAMETERS"),
        ("GET", "/aspsps", {"params": {"psu_type": "private"}}, "WRONG_REQUEST_PARAMETERS"),
        ("POST", "/auth", {"json": {k: v for k, v in _auth_body().items() if k != "state"}},
         "WRONG_REQUEST_PARAMETERS"),
        ("POST", "/auth", {"json": _auth_body(aspsp={"name": "Bank", "country": "NL"})},
         "WRONG_ASPSP_PROVIDED"),
        ("POST", "/auth", {"json": _auth_body(access={"valid_until": "2026-12-01T00:00:00"})},
         "WRONG_REQUEST_PARAMETERS"),
        ("POST", "/auth", {"json": _auth_body(access={"valid_until": VALID_UNTIL})},
         "WRONG_REQUEST_PARAMETERS"),
        ("POST", "/sessions", {"json": {"code": "not-a-code"}}, "WRONG_AUTHORIZATION_CODE"),
    ],
)  # fmt: skip
def test_the_fake_refuses_requests_outside_the_reference(
    fake: FakeEnableBanking,
    rsa_keys: tuple[str, str],
    method: str,
    path: str,
    options: dict[str, Any],
    error: str,
) -> None:
    answer = _ask(fake, rsa_keys[0], method, path, **options)
    assert answer.status_code == 422 and answer.json()["error"] == error


@pytest.mark.parametrize(
    ("query", "error"),
    [
        ({"date_from": "2026-13-01"}, "WRONG_REQUEST_PARAMETERS"),
        ({"dateFrom": "2026-06-01"}, "WRONG_REQUEST_PARAMETERS"),
        ({"date_from": "2026-06-01", "transaction_status": "BOOKED"}, "WRONG_REQUEST_PARAMETERS"),
        ({"date_from": "2026-06-01", "strategy": "fastest"}, "WRONG_REQUEST_PARAMETERS"),
        ({"date_to": "2026-06-10"}, "DATE_TO_WITHOUT_DATE_FROM"),
        ({"date_from": "2026-06-16"}, "DATE_FROM_IN_FUTURE"),
        ({"date_from": "2026-06-10", "date_to": "2026-06-01"}, "WRONG_DATE_INTERVAL"),
        ({"date_from": "2026-06-01", "continuation_key": "3:forged"}, "WRONG_CONTINUATION_KEY"),
    ],
)
def test_the_fake_refuses_transaction_queries_outside_the_reference(
    fake: FakeEnableBanking, rsa_keys: tuple[str, str], query: dict[str, str], error: str
) -> None:
    _, uid, _ = _session(fake, rsa_keys[0])
    answer = _ask(fake, rsa_keys[0], "GET", f"/accounts/{uid}/transactions", params=query)
    assert answer.status_code == 422 and answer.json()["error"] == error


def test_the_fake_takes_a_code_once_filters_by_status_and_ends_a_closed_session(
    fake: FakeEnableBanking, rsa_keys: tuple[str, str]
) -> None:
    key = rsa_keys[0]
    session, uid, code = _session(fake, key)
    again = _ask(fake, key, "POST", "/sessions", json={"code": code})
    assert again.status_code == 422 and again.json()["error"] == "ALREADY_AUTHORIZED"
    path = f"/accounts/{uid}/transactions"
    booked = _ask(fake, key, "GET", path, params={"date_from": "2026-06-01",
                                                  "transaction_status": "BOOK"}).json()  # fmt: skip
    assert [t["status"] for t in booked["transactions"]] == ["BOOK"]
    assert _ask(fake, key, "DELETE", f"/sessions/{session}").json() == {"message": "OK"}
    closed = _ask(fake, key, "GET", path, params={"date_from": "2026-06-01"})
    assert closed.status_code == 422 and closed.json()["error"] == "CLOSED_SESSION"
