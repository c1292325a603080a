"""Invoices edited after import (issue 13, Must show 2): the new version counts, the old one
stays in the history, the year is evaluated again at once, and alerts already sent that moved
or went away get one correction email; a crossing already sent stands, flagged ADVISER_REVIEW
(U3), and the email says so.

Real parts: the CLI in-process, a real SQLite ledger, a real SMTP server on 127.0.0.1. The
Moneybird case (its API through a real HTTP server) is in daemon/test_moneybird_edited_invoice.
"""

from __future__ import annotations

import csv
import io
from decimal import Decimal
from pathlib import Path

import pytest

from tests.conftest import Workspace
from tests.helpers import SmtpServer, config_text, text_and_html

# Net amounts; the VAT is 21 %. Together 20,500.00: 2026-050 crosses on 1 October.
INVOICES = [
    ("2026-010", "2026-02-01", "Bakkerij de Vries", "8000.00"),
    ("2026-030", "2026-08-01", "Studio Noord", "1000.00"),
    ("2026-040", "2026-09-01", "Atelier Zuid", "9500.00"),
    ("2026-050", "2026-10-01", "Gemeente Utrecht", "2000.00"),
]


def invoice_csv(rows: list[tuple[str, str, str, str]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["invoice_number", "invoice_date", "customer", "net", "vat", "gross", "type"])
    for number, day, customer, net in rows:
        vat = (Decimal(net) * Decimal("0.21")).quantize(Decimal("0.01"))
        writer.writerow([number, day, customer, net, vat, Decimal(net) + vat, "invoice"])
    return out.getvalue()


def edited(number: str, **changes: str) -> list[tuple[str, str, str, str]]:
    return [
        (row[0], changes.get("day", row[1]), changes.get("customer", row[2]),
         changes.get("net", row[3]))
        if row[0] == number
        else row
        for row in INVOICES
    ]  # fmt: skip


@pytest.fixture
def invoices(tmp_path: Path, smtp_server: SmtpServer) -> Workspace:
    """A business on the invoice basis whose invoice export crossed the threshold on
    1 October (one crossing email sent)."""
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = tmp_path / "korwatch.toml"
    text = config_text(inbox, smtp_port=smtp_server.port, extra_business='basis = "invoices"')
    config.write_text(text, encoding="utf-8")
    workspace = Workspace(tmp_path, inbox, config)
    workspace.drop("facturen-2026-10.csv", invoice_csv(INVOICES))
    code, _, err = workspace.run("scan")
    assert code == 0, err
    assert [m["Subject"] for m in smtp_server.messages] == [
        "KOR-grens 2026 overschreden door factuur 2026-050: meld je direct af (Fotostudio Wout)"
    ]
    return workspace


def ledger_rows(workspace: Workspace) -> list[dict[str, str]]:
    code, out, err = workspace.run("ledger", "--csv", "--year", "2026")
    assert code == 0, err
    return list(csv.DictReader(io.StringIO(out)))


def test_an_amount_raised_after_import_moves_the_crossing_earlier_with_one_correction_email(
    invoices: Workspace, smtp_server: SmtpServer
) -> None:
    invoices.drop("facturen-2026-11.csv", invoice_csv(edited("2026-030", net="3000.00")))
    code, out, err = invoices.run("scan")
    assert code == 0, err
    assert "1 invoice(s) edited, the old version kept" in out

    assert len(smtp_server.messages) == 2
    correction = smtp_server.messages[1]
    assert correction["Subject"] == (
        "KOR 2026: correctie, de grens is overschreden op 1 september 2026 (Fotostudio Wout)"
    )
    text, html = text_and_html(correction)
    for expected in (
        "Factuur 2026-030 was € 1.000,00 op 1 augustus 2026 (Studio Noord)",
        "en is nu € 3.000,00 op 1 augustus 2026 (Studio Noord)",
        "gemeld op 1 oktober 2026 (factuur 2026-050), valt nu op 1 september 2026",
        "(factuur 2026-040)",
        "Gebruik 1 september 2026 als einddatum van de KOR",
    ):
        assert expected in text
    assert "1 september 2026" in html and "2026-030" in html

    status = invoices.status()
    assert status["turnover"] == "22500.00"  # net amounts: invoices count without their VAT
    assert (status["crossing"]["date"], status["crossing"]["invoice"]) == ("2026-09-01", "2026-040")

    rows = ledger_rows(invoices)
    raised = [row for row in rows if row["invoice"] == "2026-030"]
    assert [(row["amount"], row["counted"], row["rule"], row["source"]) for row in raised] == [
        ("3000.00", "true", raised[0]["rule"], str(invoices.inbox / "facturen-2026-11.csv")),
        ("1000.00", "false", "replaced", str(invoices.inbox / "facturen-2026-10.csv")),
    ]
    assert "an earlier version of invoice 2026-030, replaced by" in raised[1]["reason"]

    assert invoices.run("scan")[0] == 0  # nothing new: nothing more is said
    assert len(smtp_server.messages) == 2


def test_an_amount_lowered_below_the_threshold_leaves_the_crossing_standing_for_an_adviser(
    invoices: Workspace, smtp_server: SmtpServer
) -> None:
    invoices.drop("facturen-2026-11.csv", invoice_csv(edited("2026-050", net="500.00")))
    assert invoices.run("scan")[0] == 0

    assert len(smtp_server.messages) == 2
    correction = smtp_server.messages[1]
    assert (
        "de gemelde overschrijding blijft staan: overleg met je adviseur" in (correction["Subject"])
    )
    text, html = text_and_html(correction)
    for expected in ("BLIJFT STAAN", "ADVISER_REVIEW", "open punt U3", "€ 19.000,00"):
        assert expected in text
    assert "blijft staan" in html and "ADVISER_REVIEW" in html

    status = invoices.status()
    assert status["turnover"] == "19000.00"
    assert status["crossed"] is True and status["level"] == "crossed"
    assert status["crossing"]["invoice"] == "2026-050"
    assert "ADVISER_REVIEW" in status["flags"]
    lowered = [row for row in ledger_rows(invoices) if row["invoice"] == "2026-050"]
    assert [(row["amount"], row["rule"]) for row in lowered][1] == ("2000.00", "replaced")
    assert "ADVISER_REVIEW" in lowered[0]["flags"]

    # Raised again to where it was: the standing crossing is carried by the figures again.
    invoices.drop("facturen-2026-12.csv", invoice_csv(INVOICES[::-1]))
    assert invoices.run("scan")[0] == 0
    assert len(smtp_server.messages) == 3
    assert "volgt weer uit de cijfers" in text_and_html(smtp_server.messages[2])[0]
    assert "ADVISER_REVIEW" not in invoices.status()["flags"]


def test_with_recompute_a_crossing_no_longer_reached_is_withdrawn(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    extra = 'basis = "invoices"\n[business.uncertain]\ncredit_note_after_crossing = "recompute"'
    config = tmp_path / "korwatch.toml"
    config.write_text(config_text(inbox, smtp_port=smtp_server.port, extra_business=extra))
    workspace = Workspace(tmp_path, inbox, config)
    workspace.drop("a.csv", invoice_csv(INVOICES))
    assert workspace.run("scan")[0] == 0
    workspace.drop("b.csv", invoice_csv(edited("2026-050", net="500.00")))
    assert workspace.run("scan")[0] == 0

    assert len(smtp_server.messages) == 2
    assert "de overschrijding vervalt" in smtp_server.messages[1]["Subject"]
    assert workspace.status()["crossed"] is False


def test_a_warning_already_sent_that_is_no_longer_reached_is_corrected(
    tmp_path: Path, smtp_server: SmtpServer
) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    config = tmp_path / "korwatch.toml"
    extra = 'basis = "invoices"\nlanguage = "en"'
    config.write_text(config_text(inbox, smtp_port=smtp_server.port, extra_business=extra))
    workspace = Workspace(tmp_path, inbox, config)
    workspace.drop("a.csv", invoice_csv(INVOICES[:3]))  # 18,500: the 90 % warning
    assert workspace.run("scan")[0] == 0
    assert smtp_server.messages[0]["Subject"].startswith("KOR 2026: 92.5% of the threshold")
    workspace.drop("b.csv", invoice_csv(edited("2026-040", net="5500.00")[:3]))  # 14,500
    assert workspace.run("scan")[0] == 0

    assert len(smtp_server.messages) == 2
    text, _ = text_and_html(smtp_server.messages[1])
    assert "The warning at €18,000.00: reported on 1 September 2026, is no longer reached." in text
    assert "€15,000.00" not in text  # passed in the same scan, superseded: never sent
    assert workspace.status()["level"] == "ok"


def test_an_unsent_crossing_that_an_edit_removes_is_never_sent(
    invoices: Workspace, smtp_server: SmtpServer
) -> None:
    smtp_server.stop()
    invoices.drop("extra.csv", invoice_csv([("2026-060", "2026-11-02", "Klant Z", "100.00")]))
    invoices.drop("facturen-2026-11.csv", invoice_csv(edited("2026-050", net="500.00")))
    smtp_server.start()
    code, _, _ = invoices.run("scan")
    assert code == 0
    assert len(smtp_server.messages) == 2  # the correction; nothing else


def test_an_older_export_imported_after_a_newer_one_is_counted_but_flagged_until_confirmed(
    invoices: Workspace,
) -> None:
    invoices.drop("facturen-2026-11.csv", invoice_csv(edited("2026-030", net="3000.00")))
    assert invoices.run("scan")[0] == 0
    # An export of August, never imported, dropped afterwards: invoice 2026-030 as it was.
    invoices.drop("facturen-2026-08.csv", invoice_csv(INVOICES[:2]))
    assert invoices.run("scan")[0] == 0

    (row, *_) = [row for row in ledger_rows(invoices) if row["invoice"] == "2026-030"]
    assert (row["amount"], row["counted"]) == ("1000.00", "true")  # the last imported counts
    assert "REVIEW" in row["flags"].split()
    assert (
        "invoice 2026-030 went back to the version of "
        f"{invoices.inbox / 'facturen-2026-10.csv'} (EUR 1000.00) with "
        f"{invoices.inbox / 'facturen-2026-08.csv'}, replacing the version of "
        f"{invoices.inbox / 'facturen-2026-11.csv'} (EUR 3000.00)"
    ) in row["reason"]
    flagged = invoices.status()["review_items"]
    assert flagged >= 1

    # A newer export with the corrected amount: it comes back too, and stays flagged.
    newer = [*edited("2026-030", net="3000.00"), ("2026-060", "2026-11-20", "Klant Z", "10.00")]
    invoices.drop("facturen-2026-12.csv", invoice_csv(newer))
    assert invoices.run("scan")[0] == 0
    (row, *_) = [row for row in ledger_rows(invoices) if row["invoice"] == "2026-030"]
    assert row["amount"] == "3000.00" and "REVIEW" in row["flags"].split()

    # The next export carries it unchanged: that settles it.
    invoices.drop("facturen-2026-12b.csv", invoice_csv(newer[::-1]))
    assert invoices.run("scan")[0] == 0
    (row, *_) = [row for row in ledger_rows(invoices) if row["invoice"] == "2026-030"]
    assert row["amount"] == "3000.00" and "REVIEW" not in row["flags"].split()
    assert invoices.status()["review_items"] == flagged - 1
