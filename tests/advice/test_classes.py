"""The pieces under the advice: the VAT a debit carries, who a customer is, the exit dates and
the revision of capital goods (advise-rules.md sections 1, 2, 4 and 5)."""

from __future__ import annotations

from datetime import date

import pytest

from korwatch.tax.advice_periods import returns_between
from korwatch.tax.customers import customer_kind
from korwatch.tax.debits import cost_vat, debit_vat_cents
from korwatch.tax.exit_dates import exit_dates
from korwatch.tax.revision import on_leaving, on_rejoining
from tests.advice.builders import OWN_IBAN, advice_settings
from tests.rules.builders import bank, settings

RULES = settings(basis="bank", own=(OWN_IBAN,), toml='private_ibans = ["NL93RABO0123456780"]')


@pytest.mark.parametrize(
    ("name", "description", "vat", "code"),
    [
        ("KPN B.V.", "mobiel abonnement", "general", "telecom"),
        ("Verhuurder B.V.", "kantoorhuur mei", "none", "rent"),
        ("Centraal Beheer", "polis 123", "none", "insurance"),
        ("Univé", "autoverzekering", "none", "insurance"),
        ("NS Groep", "reis", "reduced", "public-transport"),
        ("Vitens", "water", "reduced", "water"),
        ("Adobe Systems Software Ireland Ltd", "Creative Cloud", "general", "foreign-software"),
        ("Mollie B.V.", "fees", "unknown", "payment-provider"),
        ("Albert Heijn 1234", "", "unknown", "groceries"),
        ("Gemeente Utrecht", "aanslag", "none", "tax"),
        ("Café De Zwaan", "lunch klant", "none", "horeca"),
        ("PostNL", "postzegels", "none", "postage"),
        ("J. Jansen", "factuur 12 vrijgesteld van OB o.g.v. artikel 25 Wet OB", "none",
         "kor-supplier"),
        ("Hotel Krasnapolsky", "overnachting", "general", "accommodation"),
        ("P. Pietersen", "salaris maart", "none", "wages"),
        # A card payment (ING "BA"): the shop is in the name, the description is the terminal's.
        ("Restaurant De Kas Amsterdam", "Pasvolgnr: 001 12-01-2026 12:31 Transactie: 8A2B3C",
         "none", "horeca"),
        ("CCV*Brasserie Zuid", "Pasvolgnr: 002", "none", "horeca"),
        ("Hotel Arena Amsterdam", "Pasvolgnr: 003", "general", "accommodation"),
        ("Kosten Zakelijk Betalen Pakket", "", "none", "bank-costs"),
        ("SRXP Payroll", "loon maart 2026", "none", "wages"),
        # Renting a car or a container carries 21 %; renting premises is usually exempt.
        ("Sixt Autoverhuur", "autohuur 3 dagen", "general", "rental"),
        ("Renta", "containerhuur week 12", "general", "rental"),
        # A word at the end of a shop's name is no evidence ("polis", "rente", "huur").
        ("Metropolis Kantoorartikelen", "bestelling", "unknown", "unrecognised"),
        ("Parente Design", "ontwerp", "unknown", "unrecognised"),
        ("Jumbo Loon op Zand", "Pasvolgnr: 004", "unknown", "groceries"),
        ("Hendriks", "order 12", "unknown", "unrecognised"),
        ("", "", "unknown", "unrecognised"),
    ],
)  # fmt: skip
def test_a_debit_gets_the_vat_class_its_payee_or_words_show(
    name: str, description: str, vat: str, code: str
) -> None:
    verdict = cost_vat(bank("2026-03-02", "-121.00", name, description=description), RULES, ())
    assert (verdict.vat, verdict.code) == (vat, code)


def test_own_and_private_accounts_and_the_belastingdienst_are_not_deductible_costs() -> None:
    own = cost_vat(bank("2026-03-02", "-500.00", "Spaar", iban=OWN_IBAN), RULES, ())
    private = cost_vat(bank("2026-03-02", "-500.00", "W", iban="NL93RABO0123456780"), RULES, ())
    tax = cost_vat(bank("2026-03-02", "-500.00", "x", iban="NL86INGB0002445588"), RULES, ())
    assert (own.vat, private.vat, tax.vat) == ("", "none", "none")
    assert (own.code, private.code, tax.code) == ("own-transfer", "private", "tax-payment")


def test_the_users_cost_rule_comes_before_everything_korwatch_recognises() -> None:
    rules = advice_settings(
        '[[advice.cost]]\ncounterparty = "kpn"\nvat = "none"\nlabel = "KPN privé"'
    )
    verdict = cost_vat(bank("2026-03-02", "-121.00", "KPN B.V."), RULES, rules.costs)
    assert (verdict.vat, verdict.code, verdict.shown_by) == ("none", "cost-rule", "KPN privé")


def test_the_vat_inside_a_debit_follows_its_rate_and_date() -> None:
    record = bank("2025-06-02", "-109.00", "Hotel Zee", description="overnachting")
    assert debit_vat_cents(record, cost_vat(record, RULES, ())) == 900  # 9 % until 2026
    record = bank("2026-06-02", "-121.00", "Hotel Zee", description="overnachting")
    assert debit_vat_cents(record, cost_vat(record, RULES, ())) == 2100  # 21 % from 2026
    record = bank("2026-06-02", "-121.00", "Hendriks", description="order 12")
    assert debit_vat_cents(record, cost_vat(record, RULES, ())) == 2100  # unknown: at most
    record = bank("2026-06-02", "-121.00", "Centraal Beheer", description="polis")
    assert debit_vat_cents(record, cost_vat(record, RULES, ())) == 0


@pytest.mark.parametrize(
    ("name", "description", "kind", "marker"),
    [
        ("Klant BV", "", "business", "legal-form"),
        ("Studio Oost B.V.", "", "business", "legal-form"),
        ("Müller GmbH", "", "business", "legal-form"),
        ("Pietersen", "factuur 12 btw NL123456789B01", "business", "vat-number"),
        ("Atelier Zuid", "KvK 12345678", "business", "kvk-number"),
        ("Atelier Zuid", "factuur 20260314", "unknown", "unrecognised"),  # eight digits alone
        ("Stichting Kunst", "", "consumer", "non-deducting"),
        ("Gemeente Utrecht", "", "consumer", "non-deducting"),
        ("J. de Vries", "", "consumer", "person"),
        ("JM Jansen-Bakker", "", "consumer", "person"),
        ("DHR P JANSSEN", "", "consumer", "person"),
        ("P JANSSEN EN/OF M JANSSEN", "", "consumer", "person"),
        ("ABC Design", "", "unknown", "unrecognised"),
        ("Stripe Technology Europe Ltd", "", "unknown", "platform"),
        ("ABN AMRO Bank N.V. inzake Tikkie", "Tikkie ID 0001", "consumer", "tikkie"),
        ("J DE VRIES", "", "consumer", "person"),
        # Whoever pays out for others is not the customer, legal form or not.
        ("Stichting Mollie Payments", "", "unknown", "platform"),
        ("Treatwell Nederland B.V.", "uitbetaling", "unknown", "platform"),
        ("Takeaway.com Payments B.V.", "", "unknown", "platform"),
        ("GoCardless Ltd", "", "unknown", "platform"),
        ("Square Europe Ltd", "", "unknown", "platform"),
        ("Worldline B.V.", "", "unknown", "platform"),
        ("myPOS Europe Ltd", "", "unknown", "platform"),
        ("Riverty Services B.V.", "", "unknown", "platform"),
        ("Uber Payments B.V.", "", "unknown", "platform"),
        ("Eventbrite NL B.V.", "", "unknown", "platform"),
        ("Coöperatieve Rabobank U.A.", "", "unknown", "platform"),
        ("ING Bank N.V.", "", "unknown", "platform"),
        # A platform's name inside another word is not that platform.
        ("Betsy Jansen", "", "unknown", "unrecognised"),
        ("\x00\u202e<script>", "", "unknown", "unrecognised"),
    ],
)
def test_a_customer_is_a_business_a_consumer_or_unknown_by_its_markers(
    name: str, description: str, kind: str, marker: str
) -> None:
    found = customer_kind(bank("2026-03-02", "100.00", name, description=description), ())
    assert (found.kind, found.marker) == (kind, marker)


def test_a_customer_rule_says_what_the_bank_line_cannot() -> None:
    rules = advice_settings('[[advice.customer]]\ncounterparty = "abc design"\nkind = "business"')
    found = customer_kind(bank("2026-03-02", "100.00", "ABC Design"), rules.customers)
    assert (found.kind, found.marker) == ("business", "customer-rule")


@pytest.mark.parametrize(
    ("received", "start", "notice_by", "through", "other", "reentry"),
    [
        ("2026-03-03", "2026-04-01", "2026-03-03", "2027-12-31", "2026-12-31", "2028-01-01"),
        ("2026-03-04", "2026-07-01", "2026-06-02", "2027-12-31", "2026-12-31", "2028-01-01"),
        ("2026-05-20", "2026-07-01", "2026-06-02", "2027-12-31", "2026-12-31", "2028-01-01"),
        ("2026-06-10", "2026-10-01", "2026-09-02", "2027-12-31", "2026-12-31", "2028-01-01"),
        ("2026-11-20", "2027-01-01", "2026-12-03", "2028-12-31", "2027-12-31", "2029-01-01"),
        ("2026-12-04", "2027-04-01", "2027-03-03", "2028-12-31", "2027-12-31", "2029-01-01"),
    ],
)
def test_exit_dates_follow_the_research_table(
    received: str, start: str, notice_by: str, through: str, other: str, reentry: str
) -> None:
    """advise-rules.md 1.3: 29 days' lead, exclusion through the next year (safe reading), the
    other reading (U21 for 1 January, U5 otherwise) one year earlier."""
    dates = exit_dates(date.fromisoformat(received))
    assert dates.start.isoformat() == start
    assert dates.notice_by.isoformat() == notice_by
    assert dates.excluded_through.isoformat() == through
    assert dates.excluded_through_other is not None
    assert dates.excluded_through_other.isoformat() == other
    assert dates.earliest_reentry.isoformat() == reentry
    assert dates.reentry_apply_by == date(dates.earliest_reentry.year - 1, 12, 3)


def test_a_monthly_filer_can_leave_sooner_and_files_twelve_returns() -> None:
    dates = exit_dates(date(2026, 3, 10), "month")
    assert dates.start == date(2026, 5, 1)  # 1 April is only 22 days away (T8)
    assert returns_between(date(2027, 1, 1), date(2027, 12, 31), "month") == 12
    assert returns_between(date(2026, 10, 1), date(2026, 12, 31), "quarter") == 1
    assert exit_dates(date(2026, 3, 10), "year").start == date(2027, 1, 1)


def test_revision_on_rejoining_is_a_fifth_a_year_and_nothing_under_500_euros() -> None:
    """A EUR 4,000 camera (694.21 VAT) first used in 2027, rejoining 2029: 138.84 a year for
    2029-2031, each under 500: relieved. Two such cameras: 277.68 a year, still relieved; a
    EUR 20,000 machine (3,471.07 VAT): 694.21 a year, repaid: 3 x 694.21 = 2,082.63."""
    camera = on_rejoining([(69421, date(2027, 3, 15))], date(2029, 1, 1))
    assert camera.per_year == ((2029, 13884), (2030, 13884), (2031, 13884))
    assert camera.relieved and camera.total_cents == 0
    machine = on_rejoining([(347107, date(2027, 3, 15))], date(2029, 1, 1))
    assert not machine.relieved and machine.total_cents == 3 * 69421


def test_revision_on_leaving_mid_year_counts_the_part_year_pro_rata() -> None:
    """A laptop bought in the KOR in March 2025 (VAT 210.00), leaving 1 July 2026: 2026 counts
    184 of 365 days of 42.00 = 21.17, then 42.00 for 2027-2029; all under 500: relieved (U22)."""
    laptop = on_leaving([(21000, date(2025, 3, 1))], date(2026, 7, 1))
    assert laptop.per_year == ((2026, 2117), (2027, 4200), (2028, 4200), (2029, 4200))
    assert laptop.relieved


def test_the_500_euro_relief_is_judged_year_by_year() -> None:
    """A machine first used 10 June 2025 (VAT 3,150.00, 630.00 a fifth), joining the KOR on
    1 October 2026: 2026 counts 92 of 365 days of 630.00 = 158.79, under EUR 500 and the machine
    was first used in an earlier year: nothing due for 2026 (BD-HERZ: per bookyear). 2027-2029
    are 630.00 each: due. Total 1,890.00, not 2,048.79."""
    machine = on_rejoining([(315000, date(2025, 6, 10))], date(2026, 10, 1))
    assert machine.per_year == ((2026, 15879), (2027, 63000), (2028, 63000), (2029, 63000))
    assert machine.relieved_in == (2026,) and not machine.relieved
    assert machine.total_cents == 3 * 63000


def test_joining_in_the_year_of_first_use_repays_on_the_whole_vat_of_that_year() -> None:
    """The same machine first used 10 June 2026, joining on 1 October 2026. Dutch practice
    revises the year of first use on the whole VAT (U24, the worst case for repaying): exempt
    92 of the 205 days it was used in 2026, 3,150.00 x 92 / 205 = 1,413.65 (no relief: first
    used that year); then 630.00 for each of 2027-2030. Total 3,933.65."""
    machine = on_rejoining([(315000, date(2026, 6, 10))], date(2026, 10, 1))
    assert machine.per_year[0] == (2026, 141365)
    assert machine.per_year[1:] == tuple((year, 63000) for year in range(2027, 2031))
    assert machine.relieved_in == () and machine.total_cents == 141365 + 4 * 63000
