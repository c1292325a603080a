"""Every reason the rules write reads in Dutch for a Dutch business, by the same rule code."""

from __future__ import annotations

import csv
import io
import re

import pytest

from korwatch.tax.reasons import dutch, flag_in, reason_in
from korwatch.tax.verdict import Classified
from tests.advice.ledgers import photographer_csv
from tests.conftest import Workspace
from tests.rules.builders import bank, invoice, settings, state

NOW = "2026-11-26T12:00:00+01:00"

OWN, PRIVATE = "NL20INGB0001234567", "NL93RABO0123456780"
BANK_RULES = f"""
private_ibans = ["{PRIVATE}"]
[[rule]]
counterparty = "gmbh"
category = "foreign-taxed"
[[rule]]
counterparty = "etsy"
category = "platform-payout"
fee_percent = 6.5
[[rule]]
description = "kavel"
category = "business-asset"
[[rule]]
label = "export"
counterparty = "export"
category = "foreign-taxed"
"""


def _bank_year() -> list[Classified]:
    records = [
        bank("2026-01-05", "-121.00", "KPN B.V."),
        bank("2026-01-06", "900.00", "Klant BV"),
        bank("2026-01-07", "500.00", "Spaar", iban=OWN),
        bank("2026-01-08", "500.00", "W. Wout", iban=PRIVATE),
        bank("2026-01-09", "80.00", "Belastingdienst", iban="NL86INGB0002445588"),
        bank("2026-01-10", "90.00", "Klant BV", reversal=True),
        bank("2026-01-11", "2000.00", "Oom Kees", description="lening"),
        bank("2026-01-12", "3.10", "ING", description="rente"),
        bank("2026-01-13", "40.00", "Coolblue", description="restitutie"),
        bank("2026-01-14", "300.00", "Stripe Payments", description="payout"),
        bank("2026-01-15", "935.00", "Etsy Ireland", description="payout"),
        bank("2026-01-16", "700.00", "Müller GmbH"),
        bank("2026-01-17", "650.00", "Buurman", description="kavel grond"),
        invoice("2026-02-01", "500.00", "F-1", "Klant BV"),
        bank("2026-02-03", "500.00", "Klant BV", description="factuur F-1"),
        invoice("2026-02-04", "300.00", "F-2", "Müller Export"),
        bank("2026-02-05", "300.00", "H. Müller", description="factuur F-2"),
    ]
    return list(state(records, settings(BANK_RULES, basis="bank", own=(OWN,))).items)


def _invoice_year(unmatched: str) -> list[Classified]:
    records = [
        invoice("2026-03-01", "800.00", "F-10"),
        bank("2026-03-02", "800.00", "Klant BV", description="factuur F-10"),
        invoice("2026-03-10", "400.00", "F-11", supply="2026-03-05"),
        invoice("2026-03-12", "-100.00", "F-12", credit_note=True),
        bank("2026-03-14", "250.00", "Vreemde", description="zonder nummer"),
        bank("2026-03-15", "600.00", "Klant BV", description="factuur F-13"),
        invoice("2026-03-20", "600.00", "F-13"),
    ]
    rules = settings(f'[uncertain]\nunmatched_payments = "{unmatched}"', basis="invoices")
    return list(state(records, rules).items)


ITEMS = [*_bank_year(), *_invoice_year("count"), *_invoice_year("ignore")]
# Words that are English and not Dutch (the settings' own names aside).
ENGLISH = re.compile(r"\b(?:the|not|counts?|counted|payment|invoice|paid|by|from|turnover)\b")


@pytest.mark.parametrize("item", ITEMS, ids=lambda item: f"{item.rule}-{item.record.id}")
def test_every_reason_the_rules_write_has_a_dutch_reading(item: Classified) -> None:
    words = reason_in(item, "nl")
    assert words != item.reason, item.reason
    # The settings' own names and values stay as they are written in the config.
    plain = re.sub(r'"[^"]*"|\w+_\w+', "", words)
    assert not ENGLISH.search(plain), words
    assert reason_in(item, "en") == item.reason


def test_the_rule_codes_cover_what_a_year_can_hold() -> None:
    codes = {item.rule.partition(":")[0] for item in ITEMS}
    assert codes >= {
        "debit", "credit", "own-transfer", "private-deposit", "tax-refund", "reversal",
        "keyword", "platform-payout", "user-rule", "bank-basis-invoice", "invoice-payment",
        "invoice", "credit-note", "unmatched-payment",
    }  # fmt: skip


def test_details_are_carried_over_into_the_dutch() -> None:
    by_text = {item.reason: reason_in(item, "nl") for item in ITEMS}
    assert by_text['a loan is not turnover (R2.9): the word "lening" in the description shows '
                   "it (keywords = true, U20)"] == (
        'een lening is geen omzet (R2.9): het woord "lening" in de omschrijving laat het zien '
        "(keywords = true, U20)"
    )  # fmt: skip
    etsy = next(text for text in by_text.values() if "6,50 %" in text)
    assert etsy == (
        "een uitbetaling van een platform: de omzet is de bruto verkoop (R2.11); "
        "meegeteld met 6,50 % kosten erbij"
    )
    assert any(text.startswith("betaling van factuur F-2: een levering belast in het "
                               "buitenland telt niet mee (R2.6): eigen regel export")
               for text in by_text.values())  # fmt: skip


def test_an_unknown_reason_stays_as_written_rather_than_guessed() -> None:
    assert dutch("a sentence no rule writes", "credit") == "a sentence no rule writes"


def test_flags_read_in_dutch_and_keep_their_names_in_english() -> None:
    assert flag_in("REVIEW", "nl") == "nakijken" and flag_in("REVIEW", "en") == "REVIEW"
    assert flag_in("SOMETHING_NEW", "nl") == "SOMETHING_NEW"


def test_the_ledger_and_the_report_speak_the_business_language(workspace: Workspace) -> None:
    """The same ledger read by a Dutch and an English business: the terminal listing and the
    report's reasons follow the language; `ledger --csv` keeps the English reason and rule code
    and adds the translated reason as its last column."""
    path = workspace.drop("ing-2026.csv", photographer_csv())
    assert workspace.run("import", str(path), "-q", now=NOW)[0] == 0
    code, out, _ = workspace.run("ledger", "--year", "2026", now=NOW)
    assert code == 0
    assert "debit: geld eruit (een afschrijving) is geen omzet" in out
    assert "[nakijken]" in out and "meegeteld 9460.00 van 20000.00" in out
    report = workspace.root / "report.html"
    assert workspace.run("report", "--out", str(report), now=NOW)[0] == 0
    assert "geen regel herkent deze bijschrijving" in report.read_text(encoding="utf-8")
    code, out, _ = workspace.run("ledger", "--year", "2026", "--csv", now=NOW)
    rows = list(csv.DictReader(io.StringIO(out)))
    debit = next(row for row in rows if row["rule"] == "debit")
    assert debit["reason"] == "money out (a debit) is not turnover"
    assert debit["reason_translated"] == "geld eruit (een afschrijving) is geen omzet"
    assert debit["flags"] == "" and next(r for r in rows if r["flags"])["flags"] == "REVIEW"

    text = workspace.config.read_text(encoding="utf-8")
    marker = 'own_ibans = ["NL20INGB0001234567"]'
    workspace.config.write_text(text.replace(marker, marker + '\nlanguage = "en"'), "utf-8")
    code, out, _ = workspace.run("ledger", "--year", "2026", now=NOW)
    assert "debit: money out (a debit) is not turnover" in out and "[REVIEW]" in out
    code, out, _ = workspace.run("ledger", "--year", "2026", "--csv", now=NOW)
    rows = list(csv.DictReader(io.StringIO(out)))
    assert all(row["reason_translated"] == row["reason"] for row in rows)


def _has_english(words: str) -> bool:
    plain = re.sub(r'"[^"]*"|\w+_\w+', "", words)
    return bool(ENGLISH.search(plain))


def test_a_persons_decision_reads_in_dutch_with_who_when_and_the_note(
    workspace: Workspace,
) -> None:
    """`korwatch decide` on one credit with a note, and "always" for a name: the ledger's
    reasons (rule codes decision and always-name) read in Dutch, with the author, the day and the
    note as they are."""
    path = workspace.drop("ing-2026.csv", photographer_csv())
    assert workspace.run("import", str(path), "-q", now=NOW)[0] == 0
    rows = list(csv.DictReader(io.StringIO(workspace.run("ledger", "--csv", now=NOW)[1])))
    first, *_others = [row for row in rows if row["counterparty"] == "Reclamebureau Noord B.V."]
    wedding = next(row for row in rows if row["counterparty"] == "J. de Vries")
    decide = ("decide", first["record"], "--as", "turnover", "--note", "factuur verstuurd")
    assert workspace.run(*decide, now=NOW)[0] == 0
    always = ("decide", wedding["record"], "--as", "turnover", "--always", "name")
    assert workspace.run(*always, now=NOW)[0] == 0
    rows = list(csv.DictReader(io.StringIO(workspace.run("ledger", "--csv", now=NOW)[1])))
    decided = {row["rule"]: row for row in rows if row["decided_by"]}
    assert set(decided) >= {"decision"}
    for row in decided.values():
        words = row["reason_translated"]
        assert words != row["reason"] and not _has_english(words), words
        assert "besloten door" in words and row["decided_by"] in words
    note = next(row for row in rows if row["record"] == first["record"])
    assert note["reason_translated"].endswith('("factuur verstuurd")')
    by_name = next(row for row in rows if row["record"] == wedding["record"])
    assert 'altijd voor "j. de vries", besloten door' in by_name["reason_translated"]


def test_a_review_note_on_a_possible_double_reads_in_dutch() -> None:
    """The note the ledger puts on a payment that may be another's double with another amount
    (ledger/carriers.py), after the reason it had, and on a platform payout after its fees."""
    note = (
        "the same payment may be in march.csv (ing-csv) line 4 as EUR 1800.00: both are counted "
        "until a person decides"
    )
    credit = bank("2026-03-12", "1845.00", "Atelier Zuid")
    payout = bank("2026-03-13", "300.00", "Stripe Payments", description="payout")
    for record in (credit, payout):
        record.review = note  # type: ignore[misc]
    items = state([credit, payout], settings(basis="bank", own=(OWN,))).items
    for item in items:
        words = reason_in(item, "nl")
        assert words.endswith(
            "; dezelfde betaling staat mogelijk in march.csv (ing-csv) regel 4 als EUR 1800.00: "
            "beide tellen mee tot iemand beslist"
        ), words
        assert not _has_english(words), words
