"""The rules engine through real files, a real ledger and the CLI: ledger, status, whatif.

Bank exports are ING CSVs and invoices the generic invoice CSV, both read by the real parsers;
the ledger is a real SQLite file; the clock is fixed.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from decimal import Decimal

from tests.conftest import Workspace
from tests.helpers import OWN_IBAN, Payment, SmtpServer, config_text, ing_csv

D = Decimal
PRIVATE_IBAN = "NL44RABO0123456789"


def _configure(workspace: Workspace, smtp_server: SmtpServer, extra: str) -> None:
    workspace.config.write_text(
        config_text(workspace.inbox, smtp_port=smtp_server.port, extra_business=extra),
        encoding="utf-8",
    )


def _invoices(*rows: str) -> str:
    header = "invoice_number,invoice_date,customer,net,vat,gross,type"
    return "\n".join([header, *rows]) + "\n"


NON_TURNOVER_YEAR = [
    Payment(date(2026, 1, 20), D("3000.00"), "Bakkerij Jansen", description="Factuur 2026-001"),
    Payment(date(2026, 2, 3), D("2500.00"), "Eigen spaarrekening", iban=OWN_IBAN),
    Payment(
        date(2026, 4, 30),
        D("1150.00"),
        "Belastingdienst",
        iban="NL86INGB0002445588",
        description="teruggaaf inkomstenbelasting 2025",
    ),
    Payment(date(2026, 5, 2), D("4000.00"), "S. de Wit", iban=PRIVATE_IBAN, description="storting"),
    Payment(date(2026, 5, 9), D("-75.00"), "KPN", description="abonnement"),
]


def test_own_transfer_tax_refund_and_private_deposit_do_not_count_and_ledger_says_why(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    _configure(workspace, smtp_server, f'private_ibans = ["{PRIVATE_IBAN}"]')
    workspace.drop("ing.csv", ing_csv(NON_TURNOVER_YEAR))
    assert workspace.run("scan")[0] == 0
    assert workspace.status()["turnover"] == "3000.00"

    code, out, _ = workspace.run("ledger", "--year", "2026", "--csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert len(rows) == len(NON_TURNOVER_YEAR)  # one row per record, debits included
    by_amount = {row["amount"]: row for row in rows}
    assert by_amount["3000.00"]["counted"] == "true"
    for amount, rule, words in (
        ("2500.00", "own-transfer", "own account"),
        ("1150.00", "tax-refund", "Belastingdienst"),
        ("4000.00", "private-deposit", "private account"),
        ("-75.00", "debit", "debit"),
    ):
        row = by_amount[amount]
        assert row["counted"] == "false"
        assert row["rule"] == rule
        assert words in row["reason"]
    for column in ("date", "amount", "counted", "reason", "invoice", "counterparty", "source"):
        assert column in rows[0]
    # The business speaks Dutch (the default): the reason also in Dutch, in the last column.
    assert list(rows[0])[-1] == "reason_translated"
    assert by_amount["1150.00"]["reason_translated"].startswith(
        "een belastingteruggaaf is geen omzet (R2.9): betaald door de Belastingdienst"
    )

    code, out, _ = workspace.run("ledger", "--year", "2026")
    assert code == 0
    assert "een belastingteruggaaf is geen omzet" in out
    assert "een privéstorting van de eigenaar is geen omzet" in out
    assert "een overboeking tussen eigen rekeningen is geen omzet" in out


def test_status_json_on_the_bank_basis_is_provisional_with_a_projection(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    workspace.drop("ing.csv", ing_csv(NON_TURNOVER_YEAR))
    assert workspace.run("scan", now="2026-06-30T12:00:00+02:00")[0] == 0
    code, out, _ = workspace.run("status", "--json", now="2026-06-30T12:00:00+02:00")
    assert code == 0
    item = json.loads(out)["businesses"][0]
    for key in ("id", "year", "turnover", "threshold", "headroom", "level", "crossed"):
        assert key in item
    assert item["provisional"] is True
    assert "PROVISIONAL" in item["flags"]
    projection = item["projection"]
    assert projection["provisional"] is True and projection["basis_provisional"] is True
    assert projection["method"] == "run-rate"
    # 3000.00 and the unrecognised 4000.00 deposit (no private_ibans here): 7000.00 in 181 days.
    assert projection["year_end"] == "14116.02"
    assert item["eligibility"]["provisional"] is True
    # The 2026 credit nobody recognised counts and is named with its open point.
    assert [point["id"] for point in item["uncertain"]] == ["U20"]
    code, text, _ = workspace.run("status", now="2026-06-30T12:00:00+02:00")
    assert "PROVISIONAL" in text and "U20" in text


def test_december_invoice_paid_in_january_crosses_in_december_through_the_cli(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """T12 with real files: the bank basis alone misses it; the invoice export finds it."""
    workspace.drop(
        "ing.csv",
        ing_csv(
            [
                Payment(date(2026, 12, 2), D("19200.00"), "Groot BV", description="Factuur W-1"),
                Payment(date(2027, 1, 8), D("1500.00"), "Klant X", description="Factuur X-1"),
            ]
        ),
    )
    assert workspace.run("scan", now="2027-01-09T12:00:00+01:00")[0] == 0
    blind = workspace.status(2026)
    assert blind["crossed"] is False and blind["provisional"] is True
    assert blind["percent"] == "96.0"

    workspace.drop(
        "invoices.csv",
        _invoices(
            "W-1,2026-12-01,Groot BV,19200.00,0.00,19200.00,invoice",
            "X-1,2026-12-18,Klant X,1500.00,0.00,1500.00,invoice",
        ),
    )
    assert workspace.run("scan", now="2027-01-09T12:00:00+01:00")[0] == 0
    seen = workspace.status(2026)
    assert seen["crossed"] is True
    assert seen["crossing"]["date"] == "2026-12-18"
    assert seen["crossing"]["invoice"] == "X-1"
    assert workspace.status(2027)["turnover"] == "0.00"
    assert len(smtp_server.messages) >= 1
    assert "X-1" in str(smtp_server.messages[-1]["Subject"])


def test_credit_note_after_crossing_keeps_it_and_names_u3_until_configured_otherwise(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    _configure(workspace, smtp_server, 'basis = "invoices"')
    workspace.drop(
        "invoices.csv",
        _invoices(
            "INV-8,2026-10-01,Klant A,19600.00,0.00,19600.00,invoice",
            "INV-9,2026-10-10,Klant B,900.00,0.00,900.00,invoice",
            "CN-9,2026-10-20,Klant B,600.00,0.00,600.00,credit_note",
        ),
    )
    assert workspace.run("scan")[0] == 0
    item = workspace.status()
    assert item["crossed"] is True and item["crossing"]["invoice"] == "INV-9"
    assert item["turnover"] == "19900.00"
    assert "ADVISER_REVIEW" in item["flags"]
    assert "U3" in [point["id"] for point in item["uncertain"]]
    assert item["provisional"] is False

    _configure(
        workspace,
        smtp_server,
        'basis = "invoices"\n[business.uncertain]\ncredit_note_after_crossing = "recompute"',
    )
    assert workspace.status()["crossed"] is False  # the other reading, only when asked for


def test_whatif_says_whether_one_more_invoice_crosses_and_by_how_much(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    _configure(workspace, smtp_server, 'basis = "invoices"')
    workspace.drop(
        "invoices.csv", _invoices("A-1,2026-03-01,Klant A,19500.00,0.00,19500.00,invoice")
    )
    assert workspace.run("scan")[0] == 0
    code, out, _ = workspace.run("whatif", "400")
    assert code == 0 and "would not cross" in out and "100.00 left" in out
    code, out, _ = workspace.run("whatif", "1200", "--date", "2026-09-14", "--json")
    assert code == 0
    answer = json.loads(out)["businesses"][0]
    assert answer["crosses"] is True
    assert answer["over_by"] == "700.00"
    assert answer["crossing_date"] == "2026-09-14"
    assert workspace.run("whatif", "twelve")[0] == 2


def test_two_activities_in_two_bank_accounts_add_up_to_one_crossing(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """T10: a design studio and a webshop of one ondernemer, exported from two accounts."""
    studio = [Payment(date(2026, 6, 30), D("11000.00"), "Ontwerp klant", description="ontwerp")]
    shop = [
        Payment(date(2026, 8, 31), D("8500.00"), "Webshop klanten", description="bestellingen"),
        Payment(date(2026, 9, 5), D("700.00"), "Webshop klant", description="bestelling 77"),
    ]
    workspace.drop("studio.csv", ing_csv(studio))
    workspace.drop("shop.csv", ing_csv(shop, account="NL44INGB0007654321"))
    assert workspace.run("scan")[0] == 0
    item = workspace.status()
    assert item["crossed"] is True
    assert item["crossing"]["date"] == "2026-09-05"
    assert item["crossing"]["amount"] == "700.00"


def test_in_january_status_says_the_kor_is_not_available_after_a_year_above_it(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """T7 with real files: 2025 went above the threshold, so 2026 has no KOR."""
    _configure(workspace, smtp_server, 'basis = "invoices"')
    workspace.drop(
        "invoices.csv",
        _invoices(
            "2025-1,2025-05-01,Klant A,15000.00,0.00,15000.00,invoice",
            "2025-2,2025-11-01,Klant A,6000.00,0.00,6000.00,invoice",
        ),
    )
    assert workspace.run("scan", now="2026-01-05T09:00:00+01:00")[0] == 0
    code, out, _ = workspace.run("status", "--json", now="2026-01-05T09:00:00+01:00")
    eligibility = json.loads(out)["businesses"][0]["eligibility"]
    assert eligibility["this_year"] is False
    assert "not available in 2026" in eligibility["this_year_reason"]
    code, text, _ = workspace.run("status", now="2026-01-05T09:00:00+01:00")
    assert code == 0 and "KOR this year: not available" in text


def test_ledger_csv_cannot_carry_a_spreadsheet_formula_from_a_bank_file(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    evil = [Payment(date(2026, 3, 1), D("10.00"), "=HYPERLINK(1)", description="@SUM(A1)")]
    workspace.drop("ing.csv", ing_csv(evil))
    assert workspace.run("scan")[0] == 0
    code, out, _ = workspace.run("ledger", "--csv")
    row = next(csv.DictReader(io.StringIO(out)))
    assert code == 0
    assert row["counterparty"] == "'=HYPERLINK(1)"
    assert row["description"].startswith("'")
    assert row["amount"] == "10.00" and row["counted"] == "true"


def test_ledger_lists_unpaid_invoices_and_payments_without_an_invoice(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    _configure(workspace, smtp_server, 'basis = "invoices"')
    workspace.drop(
        "invoices.csv",
        _invoices(
            "2026-1,2026-02-01,Klant A,1000.00,0.00,1000.00,invoice",
            "2026-2,2026-02-15,Klant B,700.00,0.00,700.00,invoice",
        ),
    )
    workspace.drop(
        "ing.csv",
        ing_csv(
            [
                Payment(date(2026, 2, 20), D("1000.00"), "Klant A", description="Factuur 2026-1"),
                Payment(date(2026, 3, 1), D("300.00"), "Klant C", description="aanbetaling"),
            ]
        ),
    )
    assert workspace.run("scan")[0] == 0
    code, out, _ = workspace.run("ledger", "--year", "2026")
    assert code == 0
    assert "VOORLOPIG" not in out
    assert (
        "onbetaalde facturen (1):" in out and "2026-2" in out.split("onbetaalde facturen (1):")[1]
    )
    assert "betalingen zonder factuur (1):" in out
    assert "[nakijken]" in out  # the flag in words (the CSV keeps REVIEW)
    status = workspace.status()
    assert status["turnover"] == "2000.00"  # two invoices plus the unmatched 300.00
    assert [i["invoice"] for i in status["unpaid_invoices"]] == ["2026-2"]
    assert [p["amount"] for p in status["unmatched_payments"]] == ["300.00"]


def test_a_january_payment_imported_after_its_invoice_raises_decembers_crossing(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """T12 the other way round: the export holding only the January credit comes last."""
    workspace.drop(
        "invoices.csv",
        _invoices(
            "W-1,2026-12-01,Groot BV,19200.00,0.00,19200.00,invoice",
            "X-1,2026-12-18,Klant X,1500.00,0.00,1500.00,invoice",
        ),
    )
    december = [Payment(date(2026, 12, 2), D("19200.00"), "Groot BV", description="Factuur W-1")]
    workspace.drop("ing-2026-12.csv", ing_csv(december))
    assert workspace.run("scan", now="2027-01-09T12:00:00+01:00")[0] == 0
    assert workspace.status(2026)["crossed"] is False
    january = [Payment(date(2027, 1, 8), D("1500.00"), "Klant X", description="Factuur X-1")]
    workspace.drop("ing-2027-01.csv", ing_csv(january))
    assert workspace.run("scan", now="2027-01-09T12:00:00+01:00")[0] == 0
    status = workspace.status(2026)
    assert status["crossed"] is True and status["crossing"]["date"] == "2026-12-18"
    assert any("X-1" in str(message["Subject"]) for message in smtp_server.messages)


_FRANCE = '[[business.rule]]\ncounterparty = "France"\ncategory = "foreign-taxed"\ncountry = "FR"\n'
_EU_KOR = _FRANCE + "[business.eu_kor]\nprevious_year_turnover = 80000\n"
# T11: NL turnover of EUR 18,000, and a French order on 10 November that takes Union turnover
# (EUR 80,000 last year) over EUR 100,000.
_T11 = [
    Payment(date(2026, 3, 1), D("18000.00"), "Klant NL", description="Factuur 1"),
    Payment(date(2026, 7, 1), D("81000.00"), "Client France", description="Facture"),
    Payment(date(2026, 11, 10), D("1500.00"), "Client France", description="Facture F-118"),
]


def test_status_carries_the_eu_kor_counter_when_the_business_takes_part(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    _configure(workspace, smtp_server, _EU_KOR)
    workspace.drop("ing.csv", ing_csv(_T11))
    assert workspace.run("scan")[0] == 0
    item = workspace.status()
    assert item["crossed"] is False and item["turnover"] == "18000.00"
    eu = item["eu_kor"]
    assert eu["per_state"] == {"FR": "82500.00", "NL": "18000.00"}
    assert eu["crossed"] is True and eu["crossing"]["date"] == "2026-11-10"
    assert eu["notify_by"] == "2026-12-01"
    assert eu["available_this_year"] is True and eu["available_next_year"] is False


def _eu_kor_subjects(smtp_server: SmtpServer) -> list[str]:
    return [str(m["Subject"]) for m in smtp_server.messages if "EU-KOR" in str(m["Subject"])]


def _scan_one_french_sale(
    workspace: Workspace, smtp_server: SmtpServer, day: date, amount: str, extra: str = _EU_KOR
) -> None:
    _configure(workspace, smtp_server, extra)
    sale = [Payment(day, D(amount), "Client France", description="Facture F-1")]
    workspace.drop("ing.csv", ing_csv(sale))
    assert workspace.run("scan")[0] == 0


def _last_text(smtp_server: SmtpServer) -> str:
    """The plain-text part of the last email the server received."""
    body = smtp_server.messages[-1].get_body(preferencelist=("plain",))
    assert body is not None
    return str(body.get_content())


def test_an_eu_kor_crossing_is_emailed_once_with_the_supply_and_the_deadline(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """T11: the French order of 10 November takes Union turnover over EUR 100,000; the NL KOR
    (EUR 18,000 counted) does not end, so no KOR crossing email, only the EU-KOR one."""
    _configure(workspace, smtp_server, _EU_KOR)
    workspace.drop("ing-1.csv", ing_csv(_T11))
    assert workspace.run("scan")[0] == 0
    assert _eu_kor_subjects(smtp_server) == [
        "EU-KOR 2026: omzet in de EU boven € 100.000,00 op 10 november 2026: meld het uiterlijk "
        "1 december 2026 (Fotostudio Wout)"
    ]
    assert not any("overschreden" in str(m["Subject"]) for m in smtp_server.messages)
    text = _last_text(smtp_server)
    assert "Lidstaat:       FR" in text and "Bedrag:         € 1.500,00" in text
    assert "€ 99.000,00, erna: € 100.500,00" in text
    assert "Je Nederlandse KOR eindigt hierdoor niet" in text
    # A later supply adds to the Union turnover but raises no second email.
    later = [Payment(date(2026, 11, 20), D("700.00"), "Client France", description="F-119")]
    workspace.drop("ing-2.csv", ing_csv(later))
    assert workspace.run("scan")[0] == 0
    assert len(_eu_kor_subjects(smtp_server)) == 1
    assert workspace.status()["eu_kor"]["turnover"] == "101200.00"


def test_an_eu_kor_crossing_after_the_kor_crossing_still_gets_its_email(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """Once every national alert of the year is recorded the year is 'settled' for them; for a
    business in the EU-KOR the Union crossing can still come, so the year is still evaluated."""
    _configure(workspace, smtp_server, _EU_KOR)
    spring = [Payment(date(2026, 3, 1), D("25000.00"), "Klant NL", description="Factuur 1")]
    workspace.drop("ing-1.csv", ing_csv(spring))
    assert workspace.run("scan")[0] == 0
    assert any("overschreden" in str(m["Subject"]) for m in smtp_server.messages)
    assert _eu_kor_subjects(smtp_server) == []
    autumn = [Payment(date(2026, 10, 5), D("80000.00"), "Client France", description="Facture")]
    workspace.drop("ing-2.csv", ing_csv(autumn))
    assert workspace.run("scan")[0] == 0
    (subject,) = _eu_kor_subjects(smtp_server)
    assert "5 oktober 2026" in subject
    assert "Je Nederlandse KOR is ook voorbij" in _last_text(smtp_server)


def test_no_eu_kor_email_for_a_business_that_does_not_take_part(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    _scan_one_french_sale(workspace, smtp_server, date(2026, 7, 1), "120000.00", _FRANCE)
    assert "eu_kor" not in workspace.status()
    assert _eu_kor_subjects(smtp_server) == []


def test_an_eu_kor_limit_below_the_kor_warning_levels_is_still_watched(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """A year whose credits stay under the lowest KOR warning is not evaluated after an import
    (out of reach); a configured Union limit below that level keeps it in reach."""
    _configure(workspace, smtp_server, _EU_KOR + "limit = 10000\n")
    first = [Payment(date(2026, 2, 1), D("100.00"), "Klant NL", description="Factuur 1")]
    workspace.drop("ing-1.csv", ing_csv(first))
    assert workspace.run("scan")[0] == 0
    # The second file's year holds records of the first: the state is read back from the
    # ledger, and only there does the reach check apply.
    export = [Payment(date(2026, 7, 1), D("12000.00"), "Client France", description="Facture")]
    workspace.drop("ing-2.csv", ing_csv(export))
    assert workspace.run("scan")[0] == 0
    (subject,) = _eu_kor_subjects(smtp_server)
    assert "boven € 10.000,00 op 1 juli 2026" in subject


def test_preview_shows_an_eu_kor_crossing_from_the_ledger_before_any_event(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    # Not in the EU-KOR yet: no event is stored.
    _scan_one_french_sale(workspace, smtp_server, date(2026, 7, 1), "100500.00", _FRANCE)
    _configure(workspace, smtp_server, _EU_KOR)
    code, out, err = workspace.run("preview", "eukor-crossed", "--lang", "en")
    assert code == 0, err
    assert "ledger figures" in err
    assert "Subject: EU-KOR 2026: Union turnover over €100,000.00 on 1 July 2026" in out
    assert "Member state:     FR" in out


def test_a_foreign_invoice_and_its_payment_count_once_in_the_union_turnover(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """On the invoice basis the foreign invoice counts and its payment is not counted again; on
    the bank basis the payment counts and the invoice does not."""
    invoices = _invoices("F-1,2026-06-10,Client France,60000.00,0.00,60000.00,invoice")
    payment = [Payment(date(2026, 6, 20), D("60000.00"), "Client France", description="F-1")]
    for basis in ("invoices", "bank"):
        _configure(workspace, smtp_server, f'basis = "{basis}"\n{_EU_KOR}')
        workspace.drop(f"invoices-{basis}.csv", invoices)
        workspace.drop(f"ing-{basis}.csv", ing_csv(payment))
        assert workspace.run("scan")[0] == 0
        assert workspace.status()["eu_kor"]["per_state"] == {"FR": "60000.00"}, basis
    assert _eu_kor_subjects(smtp_server) == []


def test_no_eu_kor_email_for_a_year_before_the_scheme_existed(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    _scan_one_french_sale(workspace, smtp_server, date(2024, 10, 1), "100500.00")
    assert _eu_kor_subjects(smtp_server) == []


def test_an_eu_kor_crossing_found_after_its_deadline_says_to_act_now(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    # 26 November: 15 working days after 1 September have passed.
    _scan_one_french_sale(workspace, smtp_server, date(2026, 9, 1), "100500.00")
    (subject,) = _eu_kor_subjects(smtp_server)
    assert subject.endswith("meld het nu, de termijn liep tot 22 september 2026 (Fotostudio Wout)")
    text = _last_text(smtp_server)
    assert "Meld het uiterlijk:   22 september 2026 (verstreken: doe het nu)" in text
    assert "kwartaal 3 moest uiterlijk 31 oktober 2026" in text


def test_a_crossing_already_in_the_ledger_is_emailed_at_the_next_scan_after_joining(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """The business adds [business.eu_kor] after its records came in: the next scan raises the
    Union crossing, without waiting for a new record of the year."""
    outside_the_kor = "\n[business.vat]\nin_kor = false\n"  # NL turnover counts net of VAT
    _configure(workspace, smtp_server, _FRANCE + outside_the_kor)
    larger = [*_T11[:2], Payment(date(2026, 11, 10), D("5000.00"), "Client France")]
    workspace.drop("ing.csv", ing_csv(larger))
    assert workspace.run("scan")[0] == 0
    _configure(workspace, smtp_server, _EU_KOR + outside_the_kor)
    assert workspace.run("scan")[0] == 0
    (subject,) = _eu_kor_subjects(smtp_server)
    assert "10 november 2026" in subject
    assert "Nederlandse KOR" not in _last_text(smtp_server)  # not in the KOR: nothing to say
    assert workspace.run("scan")[0] == 0
    assert len(_eu_kor_subjects(smtp_server)) == 1
