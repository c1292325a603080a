"""Safe by default: CSRF tokens on every POST, sign-in with password hashes, a user's own
businesses only, a trusted proxy header only from a trusted address, cookies and headers that
keep the pages private, and no secret on any page."""

from __future__ import annotations

import re
import time

import pytest

from korwatch.config.load import load_config
from korwatch.errors import ConfigError
from korwatch.web.passwords import hash_password
from tests.review.support import row_of
from tests.web.conftest import Web, add_business, add_users, make_app

PASSWORD = "correct horse battery"


def test_a_post_without_the_csrf_token_is_refused_and_changes_nothing(web: Web) -> None:
    form = {"record": web.loan, "choice": "loan", "always": "", "note": "", "next": "/"}
    for sent in ({}, {"csrf": "forged"}):
        response = web.client.post("/decide", data={**form, **sent})
        assert response.status_code == 400
        assert "Het formulier is verlopen of kwam niet van deze site" in response.get_data(
            as_text=True
        )
    assert web.workspace.status()["turnover"] == "16500.00"
    assert web.client.post("/undo", data={"record": web.loan}).status_code == 400
    code, page = web.post("/decide", **form)
    assert code == 200 and "Beslist: post" in page  # with the token it goes through


def test_every_answer_carries_a_policy_without_script_and_is_not_stored(web: Web) -> None:
    for url in ("/", "/business/studio", "/review", "/business/studio/ledger", "/nowhere"):
        response = web.client.get(url)
        policy = response.headers["Content-Security-Policy"]
        assert "default-src 'none'" in policy and "script-src" not in policy
        assert "'unsafe-inline'" not in policy and "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert "<script" not in response.get_data(as_text=True)
        assert " style=" not in response.get_data(as_text=True)


def test_every_form_input_is_checked_with_a_clear_message(web: Web) -> None:
    cases = (
        ({"record": "abc", "choice": "loan"}, "Post: geen geldig getal."),
        ({"record": web.loan, "choice": ""}, "Kies wat de bijschrijving is"),
        ({"record": web.loan, "choice": "gift"}, "choice: kies een van de getoonde"),
        ({"record": web.loan, "choice": "loan", "always": "all"}, "always: kies een van de"),
        ({"record": web.loan, "choice": "loan", "note": "x" * 501}, "Toelichting is te lang."),
        ({"record": "99999", "choice": "loan"}, "there is no record 99999 in the ledger"),
    )
    for form, message in cases:
        code, page = web.post("/decide", next="/review", **form)
        assert code == 200 and message in page, (form, page[:2000])
    assert web.workspace.status()["turnover"] == "16500.00"
    code, page = web.post("/decide", record=web.loan, choice="loan", next="https://evil.example/")
    assert code == 200 and "Overzicht 2026" in page  # back to this site, never elsewhere


def _with_users(web: Web) -> str:
    add_business(web.workspace, "bakkerij", "Bakkerij Brood")
    hashed = hash_password(PASSWORD)
    add_users(
        web.workspace,
        f'[web.users.anna]\npassword = "{hashed}"\nbusinesses = ["bakkerij"]\n\n'
        f'[web.users.selina]\npassword = "{hashed}"\n',
    )
    web.app = make_app(web.workspace.config)
    web.client = web.app.test_client()
    return hashed


def _sign_in(web: Web, name: str, password: str = PASSWORD) -> tuple[int, str]:
    page = web.client.get("/login").get_data(as_text=True)
    found = re.search(r'name="csrf" value="([^"]+)"', page)
    assert found is not None
    response = web.client.post(
        "/login",
        data={"csrf": found.group(1), "name": name, "password": password, "next": "/"},
        follow_redirects=True,
    )
    return response.status_code, response.get_data(as_text=True)


def test_with_users_every_page_asks_to_sign_in_first(web: Web) -> None:
    _with_users(web)
    for url in ("/", "/business/studio", "/business/studio/ledger.csv", "/review"):
        response = web.client.get(url)
        assert response.status_code == 303 and "/login?next=" in response.headers["Location"]
    assert _sign_in(web, "selina", "wrong password!")[0] == 401
    assert _sign_in(web, "nobody")[0] == 401
    code, page = _sign_in(web, "selina")
    assert code == 200 and "Fotostudio Wout" in page and "Bakkerij Brood" in page
    assert "Uitloggen (selina)" in page
    response = web.client.post("/logout", data={"csrf": web.token("/")})
    assert response.status_code == 303
    assert web.client.get("/").status_code == 303


def test_a_user_with_a_business_list_sees_and_decides_only_those(web: Web) -> None:
    _with_users(web)
    assert _sign_in(web, "anna")[0] == 200
    page = web.page("/")
    assert "Bakkerij Brood" in page and "Fotostudio Wout" not in page
    for url in ("/business/studio", "/business/studio/ledger", "/business/studio/ledger.csv"):
        assert web.client.get(url).status_code == 404
    assert web.client.get(f"/review/{web.loan}").status_code == 404
    assert "J. de Vries" not in web.page("/review")
    _, page = web.post("/decide", record=web.loan, choice="loan", next="/review")
    assert "there is no record" in page
    assert row_of(web.workspace, "5000.00")["decided_by"] == ""


def test_failed_sign_ins_are_slowed_down(web: Web) -> None:
    _with_users(web)
    for _ in range(5):
        assert _sign_in(web, "selina", "wrong password!")[0] == 401
    code, page = _sign_in(web, "selina")  # the right one, too late
    assert code == 429 and "Te vaak mislukt" in page


def test_the_session_cookie_is_http_only_same_site_and_secure_behind_tls(web: Web) -> None:
    _with_users(web)
    _sign_in(web, "selina")
    cookie = web.client.get_cookie("korwatch_session")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"
    assert not cookie.secure
    add_users(web.workspace, "[web]\nhttps = true\n")
    app = make_app(web.workspace.config)
    response = app.test_client().get("/login")
    header = response.headers["Set-Cookie"]
    assert "Secure" in header and "HttpOnly" in header and "SameSite=Lax" in header


def test_no_secret_is_ever_on_a_page(web: Web) -> None:
    hashed = _with_users(web)
    _sign_in(web, "selina")
    secret = (web.workspace.root / "state" / "web-secret").read_text(encoding="ascii")
    assert len(secret) == 64
    for url in ("/", "/business/studio", "/review", "/business/studio/ledger", "/login"):
        page = web.page(url)
        assert hashed not in page and secret not in page and PASSWORD not in page
        assert "$argon2id$" not in page


def test_a_trusted_proxy_header_names_the_user_only_from_a_trusted_address(web: Web) -> None:
    add_business(web.workspace, "bakkerij", "Bakkerij Brood")
    add_users(
        web.workspace,
        '[web]\nhost = "0.0.0.0"\nproxy_header = "X-Remote-User"\n'
        'trusted_proxies = ["10.1.2.3"]\n\n[web.users.anna]\nbusinesses = ["bakkerij"]\n',
    )
    client = make_app(web.workspace.config).test_client()
    proxy = {"REMOTE_ADDR": "10.1.2.3"}
    page = client.get("/", headers={"X-Remote-User": "wout"}, environ_base=proxy)
    assert page.status_code == 200 and "Fotostudio Wout" in page.get_data(as_text=True)
    anna = client.get("/", headers={"X-Remote-User": "anna"}, environ_base=proxy)
    assert "Fotostudio Wout" not in anna.get_data(as_text=True)
    other = {"REMOTE_ADDR": "10.9.9.9"}
    assert client.get("/", headers={"X-Remote-User": "wout"}, environ_base=other).status_code == 403
    assert client.get("/", environ_base=proxy).status_code == 403


def test_without_sign_in_only_this_machine_gets_the_pages(web: Web) -> None:
    assert web.client.get("/", environ_base={"REMOTE_ADDR": "192.0.2.7"}).status_code == 403
    assert web.client.get("/", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200


def test_listening_beyond_this_machine_without_sign_in_is_refused(web: Web) -> None:
    add_users(web.workspace, '[web]\nhost = "0.0.0.0"\n')
    with pytest.raises(ConfigError) as refused:
        load_config(web.workspace.config)
    assert 'web.host: "0.0.0.0" can be reached from other machines' in str(refused.value)
    code, _, err = web.workspace.run("check-config")
    assert code == 2 and "korwatch web-user add NAME" in err


def test_a_password_in_the_config_instead_of_a_hash_is_refused(web: Web) -> None:
    add_users(web.workspace, '[web.users.anna]\npassword = "hunter2hunter2"\n')
    code, _, err = web.workspace.run("check-config")
    assert code == 2 and "web.users.anna.password: is not a password hash" in err
    assert "hunter2" not in err


def test_a_session_ends_after_session_hours(web: Web, monkeypatch: pytest.MonkeyPatch) -> None:
    _with_users(web)
    _sign_in(web, "selina")
    assert web.client.get("/").status_code == 200
    later = time.time() + 13 * 3600
    monkeypatch.setattr(time, "time", lambda: later)
    assert web.client.get("/").status_code == 303
