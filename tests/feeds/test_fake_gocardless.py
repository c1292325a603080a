"""The fake GoCardless refuses what the API refuses: an agreement beyond the institution's
limits or for an unknown one, a requisition whose agreement is another institution's, an
unknown account, a badly written date, and a fifth read of an account's transactions in a day
(429 RateLimitError with the per-account headers)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import requests

from tests.feeds.fake_gocardless import SECRET_ID, SECRET_KEY, FakeGoCardless, GcAccount, gc_entry
from tests.helpers import OWN_IBAN


def _ask(fake: FakeGoCardless, method: str, path: str, **options: Any) -> requests.Response:
    secrets = {"secret_id": SECRET_ID, "secret_key": SECRET_KEY}
    token = requests.post(fake.url + "/token/new/", json=secrets, timeout=10).json()
    headers = {"Authorization": f"Bearer {token['access']}"}
    return requests.request(method, fake.url + path, headers=headers, timeout=10, **options)


@pytest.mark.parametrize(
    ("body", "summary"),
    [
        ({"institution_id": "NOPE_NOPENL2A"}, "Unknown Institution ID"),
        ({"institution_id": "ING_INGBNL2A", "max_historical_days": 731},
         "Incorrect max_historical_days"),
        ({"institution_id": "RABOBANK_RABONL2U", "access_valid_for_days": 180},
         "Incorrect access_valid_for_days"),  # no max_access_valid_for_days: 90
        ({"institution_id": "ING_INGBNL2A", "access_scope": ["payments"]},
         "Incorrect access_scope"),
    ],
)  # fmt: skip
def test_the_fake_refuses_an_agreement_beyond_the_institution(
    gocardless: FakeGoCardless, body: dict[str, Any], summary: str
) -> None:
    answer = _ask(gocardless, "POST", "/agreements/enduser/", json=body)
    assert answer.status_code == 400 and answer.json()["summary"] == summary


def test_the_fake_refuses_a_requisition_for_another_institution_and_an_unknown_account(
    gocardless: FakeGoCardless,
) -> None:
    agreement = _ask(gocardless, "POST", "/agreements/enduser/",
                     json={"institution_id": "ING_INGBNL2A"}).json()  # fmt: skip
    answer = _ask(gocardless, "POST", "/requisitions/", json={
        "redirect": "http://127.0.0.1:8765/", "institution_id": "RABOBANK_RABONL2U",
        "agreement": agreement["id"]})  # fmt: skip
    assert answer.status_code == 400
    assert (
        _ask(gocardless, "GET", "/accounts/4f3e1c2a-0000-4000-8000-000000000000/").status_code
        == 404
    )


def test_the_fake_refuses_a_fifth_read_of_an_account_in_a_day_with_the_reset_headers(
    gocardless: FakeGoCardless,
) -> None:
    account = GcAccount(OWN_IBAN, booked=[gc_entry(date(2026, 6, 1), "10.00")])
    gocardless.accounts = [account]
    path = f"/accounts/{account.id}/transactions/"
    assert _ask(gocardless, "GET", path, params={"date_from": "2026-6-1"}).status_code == 400
    left = [_ask(gocardless, "GET", path).headers["HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_REMAINING"]
            for _ in range(4)]  # fmt: skip
    assert left == ["3", "2", "1", "0"]
    fifth = _ask(gocardless, "GET", path)
    assert fifth.status_code == 429 and fifth.json()["type"] == "RateLimitError"
    assert int(fifth.headers["HTTP_X_RATELIMIT_ACCOUNT_SUCCESS_RESET"]) == 86400
