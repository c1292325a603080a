"""In January korwatch says once whether the KOR is available this year, judged on last year
(kor-rules.md R4.1, T7). Real CLI, ledger file and SMTP server; the clock is fixed."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.conftest import Workspace
from tests.helpers import Payment, SmtpServer, ing_csv, text_and_html

LAST_YEAR = [
    Payment(date(2025, 4, 1), Decimal("12000.00"), "Klant A", description="Factuur 2025-004"),
    Payment(date(2025, 10, 1), Decimal("9000.00"), "Klant B", description="Factuur 2025-019"),
]


def test_january_brings_one_notice_that_the_kor_is_not_available_after_a_crossing(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    workspace.drop("2025.csv", ing_csv(LAST_YEAR))
    assert workspace.run("scan", now="2025-12-20T09:00:00+01:00")[0] == 0
    crossing_mails = len(smtp_server.messages)
    assert crossing_mails == 1  # the 2025 crossing itself

    assert workspace.run("scan", now="2026-01-05T09:00:00+01:00")[0] == 0
    assert len(smtp_server.messages) == crossing_mails + 1
    notice = smtp_server.messages[-1]
    text, html = text_and_html(notice)
    assert "2026" in notice["Subject"]
    for expected in ("geen KOR in 2026", "€ 21.000,00"):
        assert expected in text and expected in html

    assert workspace.run("scan", now="2026-01-20T09:00:00+01:00")[0] == 0
    assert len(smtp_server.messages) == crossing_mails + 1  # once per year


def test_no_notice_outside_january_or_without_last_year(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    workspace.drop("2026.csv", ing_csv([Payment(date(2026, 1, 3), Decimal("500.00"))]))
    assert workspace.run("scan", now="2026-01-10T09:00:00+01:00")[0] == 0
    assert smtp_server.messages == []  # 2025 is not in the ledger: nothing certain to say
    workspace.drop("2025.csv", ing_csv([Payment(date(2025, 6, 3), Decimal("800.00"))]))
    assert workspace.run("scan", now="2026-02-10T09:00:00+01:00")[0] == 0
    assert smtp_server.messages == []  # February: the start-of-year notice is past
