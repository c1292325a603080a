"""Classification details beyond the scenarios: rule order, switches, matching, config problems."""

from __future__ import annotations

import tomllib
from datetime import date

from korwatch.config.rules import read_rules
from korwatch.configtable import Table
from korwatch.tax.classify import classify
from korwatch.tax.verdict import NET_OF_FEES, REVIEW, UNPAID
from tests.rules.builders import bank, invoice, money, settings, state

BANK = settings(basis="bank")
INVOICES = settings(basis="invoices")


def _problems(toml: str) -> list[str]:
    problems: list[str] = []
    table = Table(tomllib.loads(toml), "business[0]", problems)
    read_rules(table, "bank", frozenset())
    table.finish()
    return problems


def test_a_user_rule_decides_before_the_built_in_recognition() -> None:
    rules = settings('[[rule]]\ndescription = "rente"\ncategory = "exempt-counting"', "bank")
    item = classify([bank("2026-03-01", "500.00", description="rente hypotheek")], rules)[0]
    assert item.counts and item.rule == "user-rule:rule[0]"
    assert item.category == "exempt-counting"


def test_without_keywords_a_loan_counts_and_is_flagged_for_review() -> None:
    record = bank("2026-03-01", "5000.00", "Oom Kees", description="lening")
    assert not classify([record], BANK)[0].counts
    off = settings("[uncertain]\nkeywords = false", "bank")
    item = classify([record], off)[0]
    assert item.counts and REVIEW in item.flags and item.uncertain == ("U20",)


def test_a_payout_without_a_fee_rule_counts_the_payout_and_says_it_is_net() -> None:
    item = classify([bank("2026-06-01", "970.00", "Mollie B.V.")], BANK)[0]
    assert item.counts and money(item.amount_cents) == "970.00"
    assert NET_OF_FEES in item.flags and "mollie" in item.reason


def test_reversal_and_interest_do_not_count() -> None:
    items = classify(
        [
            bank("2026-02-01", "100.00", reversal=True),
            bank("2026-02-02", "3.12", "ING", description="Creditrente"),
        ],
        BANK,
    )
    assert [(i.counts, i.category) for i in items] == [(False, "reversal"), (False, "interest")]


def test_a_payment_is_matched_by_amount_and_customer_when_it_names_no_invoice() -> None:
    items = classify(
        [
            invoice("2026-03-01", "1210.00", "2026-7", "Bakkerij de Vries B.V."),
            invoice("2026-03-02", "1210.00", "2026-8", "Studio Noord"),
            bank("2026-03-20", "1210.00", "BAKKERIJ DE VRIES", description="betaling"),
        ],
        INVOICES,
    )
    payment = items[2]
    assert payment.invoice == "2026-7" and not payment.counts
    assert UNPAID not in items[0].flags and UNPAID in items[1].flags


def test_a_partly_paid_invoice_stays_unpaid() -> None:
    items = classify(
        [
            invoice("2026-03-01", "1000.00", "2026-9"),
            bank("2026-03-20", "400.00", description="factuur 2026-9 deel 1"),
        ],
        INVOICES,
    )
    assert items[1].invoice == "2026-9" and UNPAID in items[0].flags


def test_on_the_invoice_basis_a_payment_without_invoice_counts_unless_ignored() -> None:
    record = bank("2026-04-01", "250.00", "Onbekend", description="bedankt")
    counted = classify([record], INVOICES)[0]
    assert counted.counts and counted.rule == "unmatched-payment" and REVIEW in counted.flags
    ignore = settings('[uncertain]\nunmatched_payments = "ignore"')
    assert not classify([record], ignore)[0].counts


def test_a_january_invoice_for_a_december_supply_counts_in_december_by_default() -> None:
    record = invoice("2027-01-04", "800.00", "2027-1", supply="2026-12-22")
    assert classify([record], INVOICES)[0].effective_date == date(2026, 12, 22)
    assert state([record], INVOICES).turnover_cents == 80000
    by_invoice = settings('[uncertain]\ndate = "invoice"')
    assert classify([record], by_invoice)[0].effective_date == date(2027, 1, 4)


def test_credit_notes_before_a_crossing_lower_the_year() -> None:
    year = state(
        [
            invoice("2026-02-01", "19000.00", "A"),
            invoice("2026-03-01", "-2000.00", "CN-A", credit_note=True),
            invoice("2026-04-01", "2500.00", "B"),
        ],
        INVOICES,
    )
    assert money(year.turnover_cents) == "19500.00" and not year.crossed and not year.flags


def test_bank_credits_after_the_crossing_count_net_of_vat() -> None:
    year = state(
        [
            bank("2026-05-01", "20000.00"),
            bank("2026-05-02", "100.00"),
            bank("2026-05-03", "121.00"),
        ],
        BANK,
    )
    assert year.crossing is not None and year.crossing.item.amount_cents == 10000
    assert money(year.turnover_cents) == "20200.00"  # 121.00 incl. 21 % counts as 100.00


def test_config_problems_are_reported_with_their_key_path() -> None:
    problems = _problems(
        '[[rule]]\ndescription = "(unclosed"\ncategory = "turnover"\n'
        '[[rule]]\ncounterparty = "x"\ncategory = "sales"\n'
        '[[rule]]\ncategory = "loan"\n'
        '[[rule]]\nmin = 500\nmax = 100\ncategory = "loan"\ncolour = "red"\n'
        '[vat]\nrate = "high"\n[uncertain]\ncredit_note_after_crossing = "maybe"\n'
    )
    joined = "\n".join(problems)
    assert "business[0].rule[0].description:" in joined and "regular expression" in joined
    assert 'business[0].rule[1].category: "sales" is not a category' in joined
    assert "business[0].rule[2].category: the rule has no condition" in joined
    assert "business[0].rule[3].min: 500.00 is above max 100.00" in joined
    assert "business[0].rule[3].colour: unknown key" in joined
    assert 'business[0].vat.rate: "high" is not one of' in joined
    assert "business[0].uncertain.credit_note_after_crossing" in joined
