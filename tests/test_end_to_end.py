"""From a dropped bank export to a crossing email, end to end (issue 2, points 1-4 and 6).

Real parts: the CLI in-process, a real SQLite ledger file, a real SMTP server on 127.0.0.1.
Only the clock is fixed (KORWATCH_NOW).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.conftest import Workspace
from tests.helpers import Payment, SmtpServer, ing_csv, text_and_html

D = Decimal

FIRST_EXPORT = [
    Payment(date(2026, 2, 10), D("7500.00"), "Bakkerij Jansen", description="Factuur 2026-001"),
    Payment(date(2026, 3, 3), D("-120.50"), "KPN", description="Abonnement"),
    Payment(date(2026, 5, 12), D("6000.00"), "Bureau Noord", description="Factuur 2026-014"),
    Payment(date(2026, 6, 20), D("1800.00"), "Atelier Zuid", description="factuurnr. 2026-021"),
]
SECOND_EXPORT = [
    *FIRST_EXPORT[2:],  # overlaps the first export
    Payment(date(2026, 8, 31), D("3000.00"), "Gemeente Utrecht", description="Factuur 2026-030"),
    Payment(date(2026, 9, 14), D("2700.00"), "Studio Oost", description="Factuur 2026-042"),
    Payment(date(2026, 9, 20), D("500.00"), "Klant X", description="Factuur 2026-043"),
]


def test_warning_then_crossing_email_names_the_invoice_that_crossed(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    workspace.drop("ing-2026-06.csv", ing_csv(FIRST_EXPORT))
    code, _out, err = workspace.run("scan")
    assert code == 0, err
    assert len(smtp_server.messages) == 1
    warning = smtp_server.messages[0]
    assert "KOR 2026: 76,5% van de grens bereikt" in warning["Subject"]
    text, _ = text_and_html(warning)
    assert "€ 15.300,00" in text  # 7500 + 6000 + 1800
    assert workspace.status()["level"] == "warning"

    workspace.drop("ing-2026-09.csv", ing_csv(SECOND_EXPORT))
    code, _, err = workspace.run("scan")
    assert code == 0, err
    assert len(smtp_server.messages) == 2  # the 90 % warning is superseded by the crossing
    crossing = smtp_server.messages[1]
    assert "overschreden door factuur 2026-042" in crossing["Subject"]
    text, html = text_and_html(crossing)
    for expected in (
        "€ 21.000,00",
        "€ 20.000,00",
        "14 september 2026",
        "2026-042",
        "Studio Oost",
        "KOR beëindigen",
        "kwartaal 3 van 2026",
        "2027",
    ):
        assert expected in text
        assert expected in html

    status = workspace.status()
    assert status["crossed"] is True and status["level"] == "crossed"
    assert status["turnover"] == "21413.22"  # after the crossing, 500.00 counts net of 21 % VAT
    assert status["crossing"]["invoice"] == "2026-042"
    assert status["crossing"]["date"] == "2026-09-14"
    assert status["crossing"]["amount"] == "2700.00"
    assert status["provisional"] is True


def test_rescan_and_overlapping_export_send_nothing_and_change_no_total(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    workspace.drop("a.csv", ing_csv(FIRST_EXPORT))
    assert workspace.run("scan")[0] == 0
    before = workspace.status()
    sent = len(smtp_server.messages)

    code, out, _ = workspace.run("scan")
    assert code == 0 and "0 imported" in out
    workspace.drop("b-overlap.csv", ing_csv(FIRST_EXPORT[1:3]))
    code, out, _ = workspace.run("scan")
    assert code == 0 and "0 new, 2 already known" in out

    assert workspace.status()["turnover"] == before["turnover"]
    assert len(smtp_server.messages) == sent


def test_two_identical_payments_on_one_day_in_one_export_both_count(
    workspace: Workspace,
) -> None:
    twice = Payment(date(2026, 4, 1), D("250.00"), "Klant BV", description="Les april")
    workspace.drop("twice.csv", ing_csv([twice, twice]))
    assert workspace.run("scan")[0] == 0
    assert workspace.status()["turnover"] == "500.00"
    # The same export again (other file name, same lines) adds nothing.
    workspace.drop("twice-again.csv", ing_csv([twice, twice]) + "\r\n")
    assert workspace.run("scan")[0] == 0
    assert workspace.status()["turnover"] == "500.00"


def test_smtp_down_keeps_the_alert_in_the_outbox_until_it_can_be_delivered_once(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    workspace.drop("all.csv", ing_csv(SECOND_EXPORT + FIRST_EXPORT[:2]))
    code, _, err = workspace.run("scan")
    assert code == 1
    assert "cannot reach the SMTP server 127.0.0.1" in err
    assert workspace.status()["crossed"] is True  # the ledger and the event are stored

    smtp_server.start()
    # Too early for the retry (backoff 1 minute): nothing is sent, nothing fails.
    code, _, _ = workspace.run("scan", now="2026-11-26T12:00:30+01:00")
    assert code == 0 and smtp_server.messages == []
    code, _, err = workspace.run("scan", now="2026-11-26T12:02:00+01:00")
    assert code == 0, err
    assert len(smtp_server.messages) == 1
    assert "2026-042" in smtp_server.messages[0]["Subject"]
    workspace.run("scan", now="2026-11-26T13:00:00+01:00")
    assert len(smtp_server.messages) == 1


def test_malformed_files_are_reported_by_name_and_reason_and_not_retried_until_changed(
    workspace: Workspace,
) -> None:
    workspace.drop("good.csv", ing_csv(FIRST_EXPORT[:1]))
    truncated = workspace.drop(
        "camt-truncated.xml",
        '<?xml version="1.0"?><Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">'
        '<BkToCstmrStmt><GrpHdr><MsgId>1</MsgId></GrpHdr><Stmt><Ntry><Amt Ccy="EUR">12',
    )
    workspace.drop("other-columns.csv", '"Date","Payee","Amount"\n"2026-01-02","X","10.00"\n')
    workspace.drop("junk.csv", bytes(range(256)) * 8)

    code, out, err = workspace.run("scan")
    assert code == 1
    assert "imported  " in out and "good.csv" in out
    lines = [line for line in err.splitlines() if line.startswith("FAILED")]
    assert len(lines) == 3
    assert any("camt-truncated.xml" in line for line in lines)
    assert any("other-columns.csv" in line for line in lines)
    assert any("junk.csv" in line and "binary" in line for line in lines)
    assert workspace.status()["turnover"] == "7500.00"

    code, out, err = workspace.run("scan")
    assert code == 0 and "FAILED" not in err  # unchanged failed files are not retried

    truncated.write_text("now something else entirely", encoding="utf-8")
    code, _, err = workspace.run("scan")
    assert code == 1 and "camt-truncated.xml" in err


def test_bank_data_with_newlines_bcc_and_html_arrives_as_inert_text(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    hostile = 'Evil\r\nBcc: victim@example.org\r\n<script>alert("x")</script><b>Corp</b>'
    payment = Payment(
        date(2026, 7, 1),
        D("20500.00"),
        hostile,
        description="Factuur 77\r\nBcc: x@example.org <img src=x onerror=1>",
    )
    workspace.drop("hostile.csv", ing_csv([payment]))
    code, _, err = workspace.run("scan")
    assert code == 0, err
    assert len(smtp_server.messages) == 1
    message = smtp_server.messages[0]
    assert message["Bcc"] is None
    assert smtp_server.handler.envelopes[0][1] == ["selina@example.nl"]
    assert "\n" not in message["Subject"] and "\r" not in message["Subject"]
    text, html = text_and_html(message)
    assert "<script>" not in html and "<b>Corp</b>" not in html
    # The only <img> is korwatch's own inline chart; the one in the bank text stays text.
    assert "<img src=x" not in html and "&lt;img src=x onerror=1&gt;" in html
    assert html.count("<img") == html.count('<img src="cid:') == 1
    assert "&lt;script&gt;" in html
    assert "Bcc: victim@example.org" in text  # shown as text on one line, not as a header
    assert "\nBcc:" not in text
