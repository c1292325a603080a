"""After a long lapse the bank may serve less history than the gap since the last booked date
(Enable Banking: WRONG_TRANSACTIONS_PERIOD, then strategy "longest"). korwatch says so instead
of promising that nothing is missed: the renewal's output, `status` (text and JSON) and one
email name the first day read and the days that may be missing, and suggest importing a file
export for exactly those days; once one is imported the notice goes."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime
from decimal import Decimal

from tests.conftest import Workspace
from tests.feeds.fake_enablebanking import FakeAccount, FakeEnableBanking, entry
from tests.feeds.flow import connect
from tests.helpers import OWN_IBAN, Payment, SmtpServer, ing_csv, text_and_html

NOW = "2026-06-15T10:00:00+02:00"
RENEWED = "2026-12-01T10:00:00+01:00"  # five and a half months later
MISSING = (
    "the bank served history from 2026-09-10 only; payments of 2026-06-13 to 2026-09-09 may be "
    f"missing: import a file export of {OWN_IBAN} covering exactly those days "
    "(korwatch import --business studio FILE)"
)


def _lapsed_and_renewed(workspace: Workspace, fake: FakeEnableBanking) -> str:
    """Connected in June (last booked 12 June), lapsed, renewed on 1 December when the bank
    serves 90 days; return what the renewal printed."""
    account = FakeAccount(OWN_IBAN, entries=[entry(date(2026, 6, 12), "1000.00")])
    fake.accounts = [account]
    assert connect(workspace, NOW, fakes=[fake]).code == 0
    fake.now = datetime.fromisoformat("2026-07-01T10:00:00+02:00")
    fake.expire_all()
    assert workspace.run("scan", now="2026-07-01T10:00:00+02:00")[0] == 1  # needs consent
    account.entries += [
        entry(date(2026, 7, 15), "2000.00", name="Klant Zomer"),  # in the days not served
        entry(date(2026, 9, 10), "3000.00", name="Klant Herfst"),
        entry(date(2026, 11, 20), "500.00", name="Klant Winter"),
    ]
    fake.history_days = 90  # from 2 September on
    done = connect(workspace, RENEWED, fakes=[fake])
    assert done.code == 0, done.err
    return done.out


def _reads_counted(workspace: Workspace, since: str) -> int:
    with sqlite3.connect(workspace.root / "state" / "ledger.sqlite3") as ledger:
        query = "SELECT COUNT(*) FROM feed_reads WHERE read_at >= ?"
        return int(ledger.execute(query, (since,)).fetchone()[0])


def test_a_renewal_that_reads_a_shorter_history_names_the_first_day_read_and_the_missing_days(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking, smtp_server: SmtpServer
) -> None:
    printed = _lapsed_and_renewed(bank_workspace, enablebanking)
    queries = [query for _, query in enablebanking.reads[-2:]]
    assert queries[0]["date_from"] == "2026-06-02" and queries[1]["strategy"] == "longest"
    assert MISSING in printed
    status = bank_workspace.status(2026)
    assert status["turnover"] == "4500.00"  # 1000 + 3000 + 500: July's 2000 was not served
    (gap,) = status["bank_feeds"][0]["accounts"][0]["history_gaps"]
    assert gap == {"first_day": "2026-06-13", "last_day": "2026-09-09",
                   "served_from": "2026-09-10", "message": MISSING}  # fmt: skip
    _, text, _ = bank_workspace.run("status", now=RENEWED)
    assert f"{OWN_IBAN} HISTORY GAP: {MISSING}" in text
    (email,) = [m for m in smtp_server.messages if "niet alle dagen" in str(m["Subject"])]
    body, html = text_and_html(email)
    assert "alleen geschiedenis vanaf 10 september 2026" in body
    assert "13 juni 2026 tot en met 9 september 2026 kunnen ontbreken" in body
    assert "korwatch import --business studio FILE" in body and "over precies die dagen" in html


def test_the_second_request_of_a_shortened_read_is_counted_in_the_budget(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    """The bank answered the refused range too, so the retry with "longest" is a read."""
    _lapsed_and_renewed(bank_workspace, enablebanking)
    assert enablebanking.first_page_reads() == 3  # June's and the renewal's two
    assert _reads_counted(bank_workspace, since="2026-12-01") == 2


def test_importing_an_export_of_the_missing_days_ends_the_notice_and_counts_them_once(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking, smtp_server: SmtpServer
) -> None:
    _lapsed_and_renewed(bank_workspace, enablebanking)
    export = bank_workspace.root / "ing-zomer.csv"
    export.write_text(
        ing_csv([Payment(date(2026, 7, 15), Decimal("2000.00"), "Klant Zomer")]), "utf-8"
    )
    code, _, err = bank_workspace.run("import", str(export), now=RENEWED)
    assert code == 0, err
    status = bank_workspace.status(2026)
    assert status["turnover"] == "6500.00"
    assert status["bank_feeds"][0]["accounts"][0]["history_gaps"] == []
    _, text, _ = bank_workspace.run("status", now=RENEWED)
    assert "HISTORY GAP" not in text
    sent = len(smtp_server.messages)
    assert bank_workspace.run("scan", now="2026-12-01T18:00:00+01:00")[0] == 0
    assert len(smtp_server.messages) == sent  # the gap's email went out once, not again


def test_a_renewal_within_the_history_the_bank_serves_reports_no_gap(
    bank_workspace: Workspace, enablebanking: FakeEnableBanking
) -> None:
    account = FakeAccount(OWN_IBAN, entries=[entry(date(2026, 6, 12), "1000.00")])
    enablebanking.accounts = [account]
    assert connect(bank_workspace, NOW, fakes=[enablebanking]).code == 0
    enablebanking.history_days = 90
    account.entries.append(entry(date(2026, 7, 1), "700.00"))
    done = connect(bank_workspace, "2026-07-20T10:00:00+02:00", fakes=[enablebanking])
    assert done.code == 0, done.err
    assert "may be missing" not in done.out
    status = bank_workspace.status(2026)
    assert status["turnover"] == "1700.00"
    assert status["bank_feeds"][0]["accounts"][0]["history_gaps"] == []
