"""Keeping the consent alive: the expiry emails 14 and 3 days before (clock fixed), one
needs-consent email after a 401 or a revocation while the other sources go on, `connect
--check` without a transaction read, and a renewal that resumes with no gap and nothing twice."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta

from tests.conftest import Workspace
from tests.feeds.fake_enablebanking import FakeAccount, FakeEnableBanking, entry
from tests.feeds.flow import connect
from tests.helpers import OWN_IBAN, Payment, SmtpServer, ing_csv, text_and_html

NOW = "2026-06-15T10:00:00+02:00"


def _connected(workspace: Workspace, fake: FakeEnableBanking) -> FakeAccount:
    account = FakeAccount(OWN_IBAN, entries=[entry(date(2026, 6, 12), "1000.00")])
    fake.accounts = [account]
    assert connect(workspace, NOW, fakes=[fake]).code == 0
    return account


def _at(days_before_end: float) -> str:
    """The moment that many days before the consent ends (180 days less an hour after NOW)."""
    end = datetime.fromisoformat(NOW) + timedelta(days=180, hours=-1)
    return (end - timedelta(days=days_before_end)).isoformat()


def _kinds(smtp: SmtpServer) -> list[str]:
    return [str(message["Subject"]) for message in smtp.messages]


def test_the_consent_expiry_emails_go_out_14_and_3_days_before_with_the_renew_command(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking, smtp_server: SmtpServer
) -> None:
    _connected(bank_workspace, enablebanking)
    assert bank_workspace.run("scan", now=_at(20))[0] == 0
    assert smtp_server.messages == []
    assert bank_workspace.run("scan", now=_at(13.5))[0] == 0
    assert bank_workspace.run("scan", now=_at(13))[0] == 0
    (first,) = smtp_server.messages
    assert "bankmachtiging voor ING loopt af op 12 december 2026" in first["Subject"]
    text, html = text_and_html(first)
    assert 'korwatch connect studio --bank "ING" --country NL' in text
    assert "korwatch connect studio" in html
    assert bank_workspace.run("scan", now=_at(2.5))[0] == 0
    assert bank_workspace.run("scan", now=_at(2))[0] == 0
    assert len(smtp_server.messages) == 2
    assert "3 dag(en)" in text_and_html(smtp_server.messages[1])[0]


def test_a_revoked_consent_sends_one_needs_consent_email_and_the_other_sources_go_on(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking, smtp_server: SmtpServer
) -> None:
    _connected(bank_workspace, enablebanking)
    enablebanking.revoke_all()
    bank_workspace.drop("ing.csv", ing_csv([Payment(date(2026, 6, 10), 300)]))
    code, out, err = bank_workspace.run("scan", now="2026-06-16T10:00:00+02:00")
    assert code == 1  # the feed failed this time
    assert "REVOKED_SESSION" in err and "korwatch connect studio" in err
    assert "ing.csv" in out  # the folder was still read
    reads = len(enablebanking.reads)
    for day in (17, 18):
        code, out, err = bank_workspace.run("scan", now=f"2026-06-{day}T10:00:00+02:00")
        assert code == 0, err
        assert "needs consent since" in out
    assert len(enablebanking.reads) == reads  # nothing asked of the bank meanwhile
    (message,) = smtp_server.messages
    assert "geeft geen toegang meer" in message["Subject"]
    feed = bank_workspace.status(2026)["bank_feeds"][0]
    assert feed["state"] == "needs-consent" and "REVOKED_SESSION" in feed["reason"]
    assert bank_workspace.status(2026)["turnover"] == "1300.00"
    _, out, _ = bank_workspace.run("status", now="2026-06-18T10:00:00+02:00")
    assert "NEEDS CONSENT" in out


def test_connect_check_shows_state_and_expiry_without_a_transaction_read(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    _connected(bank_workspace, enablebanking)
    reads = len(enablebanking.reads)
    code, out, err = bank_workspace.run("connect", "--check", now="2026-06-16T10:00:00+02:00")
    assert code == 0, err
    assert "ING: authorised until 2026-12-12 (179 days left)" in out
    assert f"{OWN_IBAN} next read now" in out
    enablebanking.revoke_all()
    code, out, _ = bank_workspace.run("connect", "--check", now="2026-06-16T10:05:00+02:00")
    assert code == 1
    assert "NEEDS CONSENT (the bank reports the consent as REVOKED)" in out
    assert len(enablebanking.reads) == reads


def test_after_a_401_a_renewal_resumes_from_the_last_booked_date_with_nothing_twice(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking, smtp_server: SmtpServer
) -> None:
    account = _connected(bank_workspace, enablebanking)
    enablebanking.now = datetime.fromisoformat("2026-07-01T10:00:00+02:00")
    enablebanking.expire_all()  # the bank ends the session early: 401 EXPIRED_SESSION
    code, _, err = bank_workspace.run("scan", now="2026-07-01T10:00:00+02:00")
    assert code == 1 and "EXPIRED_SESSION" in err
    account.entries += [entry(date(2026, 6, 20), "500.00"), entry(date(2026, 7, 2), "700.00")]
    done = connect(bank_workspace, "2026-07-03T09:00:00+02:00", fakes=[enablebanking])
    assert done.code == 0, done.err
    last = enablebanking.reads[-1][1]
    assert last["date_from"] == "2026-06-02"  # 12 June, the last booked, less 10 days
    assert bank_workspace.status(2026)["turnover"] == "2200.00"
    assert bank_workspace.status(2026)["bank_feeds"][0]["state"] == "authorized"
    assert sum("geeft geen toegang meer" in s for s in _kinds(smtp_server)) == 1


def test_check_status_and_the_email_count_the_same_days_left_on_the_calendar(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking, smtp_server: SmtpServer
) -> None:
    _connected(bank_workspace, enablebanking)  # ends 12 December 2026, 09:00 (+02:00)
    now = "2026-06-16T10:00:00+02:00"  # 16 June -> 12 December: 179 calendar days
    _, check, _ = bank_workspace.run("connect", "--check", now=now)
    _, text, _ = bank_workspace.run("status", now=now)
    code, out, _ = bank_workspace.run("status", "--json", now=now)
    assert code == 0
    assert json.loads(out)["businesses"][0]["bank_feeds"][0]["days_left"] == 179
    assert "(179 days left)" in check and "(179 days left)" in text
    _, check, _ = bank_workspace.run("connect", "--check", now="2026-06-15T11:00:00+02:00")
    assert "next read 2026-06-15 14:00 UTC" in check  # as `scan` says it: 6 hours after
    assert bank_workspace.run("scan", now=_at(2.5))[0] == 0  # 9 December, evening
    (message,) = smtp_server.messages
    assert "over 3 dag(en) af" in text_and_html(message)[0]
