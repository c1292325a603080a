"""Four businesses asking whether the KOR is still worth it, with the figures worked out by hand.

Each asks on 26 November 2026: an exit received by 3 December takes effect on 1 January 2027, so
the comparison is next year, 2027 (365 days). The ledger holds the twelve months before
(27 November 2025 - 26 November 2026, 365 days), so a year of costs is the twelve months' sum.
The forecast's turnover for 2027 is this year's run rate: turnover 1 January - 26 November
(330 days) x 365 / 330. Administration is the default: 4 quarterly returns x 2 hours x EUR 50
= EUR 400.00.
"""

from __future__ import annotations

from datetime import date

from korwatch.tax.advice_periods import Plan, Range
from tests.advice.builders import ask, bank_fees, monthly
from tests.rules.builders import bank


def _euros(value: Range) -> tuple[str, str]:
    return f"{value.low / 100:.2f}", f"{value.high / 100:.2f}"


def _photographer() -> list:  # type: ignore[type-arg]
    return [
        *bank_fees(),
        *monthly((2025, 12), 12, 10, "750.00", "Reclamebureau Noord B.V.", "factuur"),
        bank("2026-06-20", "1210.00", "J. de Vries", description="bruiloft 20 juni"),
        *monthly(
            (2025, 12), 12, 3, "-60.50", "Adobe Systems Software Ireland Ltd", "Creative Cloud"
        ),
        *monthly((2025, 12), 12, 9, "-36.30", "KPN B.V.", "mobiel"),
        *monthly((2025, 12), 12, 15, "-40.00", "Centraal Beheer", "polis aansprakelijkheid"),
    ]


def test_a_photographer_buying_a_4000_euro_camera_in_march_is_better_off_leaving() -> None:
    """A photographer in the KOR plans a EUR 4,000 camera (VAT included) on 15 March 2027.

    Sales, 12 months: Reclamebureau Noord B.V. (a business: "B.V.") 12 x 750.00 = 9,000.00;
    one wedding for J. de Vries (a person: initials and surname) 1,210.00, VAT inside it at
    unchanged prices 1,210.00 x 21/121 = 210.00. All sales 10,210.00.
    2026 so far: 11 x 750.00 + 1,210.00 = 9,460.00; forecast 9,460.00 x 365/330 = 10,463.33.
    VAT absorbed on consumer sales in 2027: 10,463.33 x 210.00 / 10,210.00 = 215.21.
    Input VAT a year: Adobe (foreign software, 21 %) 12 x 60.50 x 21/121 = 12 x 10.50 = 126.00;
    KPN (telecom, 21 %) 12 x 36.30 x 21/121 = 12 x 6.30 = 75.60; Centraal Beheer (insurance)
    and bank costs: no VAT. Together 201.60.
    The camera: 4,000.00 x 21/121 = 694.21, deductible after leaving on 1 January.
    Leaving gains 201.60 + 694.21 - 215.21 - 400.00 = 280.60 in 2027.
    Without the camera: 201.60 - 215.21 - 400.00 = -413.61: staying would pay.
    Revision (U19): the camera is a capital good (3,305.79 excluding VAT >= 450); rejoining on
    1 January 2029 (the earliest) repays 694.21 / 5 = 138.84 a year for 2029-2031, each year
    under EUR 500, so nothing is due (the relief).
    """
    advice = ask(_photographer(), plans=(Plan(400000, date(2027, 3, 15)),))
    verdict = advice.verdict
    assert verdict is not None and verdict.choice == "leave"
    assert verdict.periods == ("next-year",)
    assert _euros(verdict.gain) == ("280.60", "280.60")
    assert _euros(verdict.input_vat) == ("895.81", "895.81")
    assert verdict.investments_cents == 69421
    assert _euros(verdict.absorbed) == ("215.21", "215.21")
    assert verdict.admin_cents == 40000 and verdict.returns == 4
    assert advice.dates.start == date(2027, 1, 1)
    assert advice.dates.notice_by == date(2026, 12, 3)
    assert advice.rejoining is not None and advice.rejoining.relieved
    assert advice.rejoining.per_year == ((2029, 13884), (2030, 13884), (2031, 13884))
    assert "revision" in advice.notes and "foreign-services" in advice.notes
    without = ask(_photographer()).verdict
    assert without is not None and without.choice == "stay"
    assert _euros(without.gain) == ("-413.61", "-413.61")


def test_a_consultant_with_only_business_customers_is_better_off_leaving() -> None:
    """A consultant whose one client, Adviesbureau Kader B.V., pays 1,500.00 a month.

    2026 so far: 11 x 1,500.00 = 16,500.00; forecast 16,500.00 x 365/330 = 18,250.00 (under the
    threshold: the KOR is available in 2027). Every customer deducts VAT: 21 % on top,
    18,250.00 x 0.21 = 3,832.50, costs the client nothing; nothing is absorbed.
    Input VAT a month: Moneybird 48.40 x 21/121 = 8.40; KPN 60.50 -> 10.50; NS (public
    transport, 9 %) 109.00 x 9/109 = 9.00; Spaces flex desk (the user's cost rule: 21 %)
    242.00 -> 42.00. 69.90 a month, 838.80 a year.
    Leaving gains 838.80 - 0.00 - 400.00 = 438.80 in 2027. It would flip if the costs with
    21 % VAT were 438.80 x 121/21 = 2,528.32 lower, or a return took
    (400.00 + 438.80) / (4 x 50) = 4.2 hours instead of 2.
    """
    records = [
        *bank_fees(),
        *monthly((2025, 12), 12, 5, "1500.00", "Adviesbureau Kader B.V.", "factuur"),
        *monthly((2025, 12), 12, 8, "-48.40", "Moneybird B.V.", "abonnement"),
        *monthly((2025, 12), 12, 9, "-60.50", "KPN B.V.", "mobiel"),
        *monthly((2025, 12), 12, 12, "-109.00", "NS Groep", "trajectvrij"),
        *monthly((2025, 12), 12, 1, "-242.00", "Spaces Zuidas", "flexplek"),
    ]
    rule = '[[advice.cost]]\ncounterparty = "Spaces"\nvat = "general"\n'
    advice = ask(records, rule)
    verdict = advice.verdict
    assert verdict is not None and verdict.choice == "leave"
    assert _euros(verdict.gain) == ("438.80", "438.80")
    assert _euros(verdict.input_vat) == ("838.80", "838.80")
    assert _euros(verdict.absorbed) == ("0.00", "0.00")
    assert _euros(verdict.deducted) == ("3832.50", "3832.50")
    assert advice.forecast_year_end_cents == 1825000
    flips = {flip.code: flip for flip in verdict.flips}
    assert flips["costs-lower"].cents == 252832
    assert flips["hours-higher"].value == "4.2"
    assert "unknown-costs" not in advice.notes and "unknown-customers" not in advice.notes


def test_a_hairdresser_selling_to_consumers_with_few_costs_is_better_off_staying() -> None:
    """A hairdresser paid through SumUp (a payment platform: the payers are unknown until the
    user's customer rule says they are consumers), 1,400.00 a month.

    2026 so far: 11 x 1,400.00 = 15,400.00; forecast 15,400.00 x 365/330 = 17,033.33.
    VAT inside a payout at unchanged prices: 1,400.00 - 1,400.00/1.21 (1,157.02) = 242.98.
    Absorbed in 2027: 17,033.33 x 242.98 / 1,400.00 = 2,956.26; if prices rose by the VAT the
    clients would pay 17,033.33 x 0.21 = 3,577.00 more.
    Input VAT: KPN 30.25 a month -> 5.25, 63.00 a year; the rent (Vastgoed Centrum B.V.,
    "huur") is exempt, bank costs carry none.
    Staying pays: 63.00 - 2,956.26 - 400.00 = -3,293.26, so about EUR 3,293 in 2027. Even
    with prices raised (nothing absorbed) leaving costs 63.00 - 400.00 = -337.00. It would flip
    with a purchase of 3,293.26 x 121/21 = 18,975.45 (VAT included) after leaving.
    """
    records = [
        *bank_fees(),
        *monthly((2025, 12), 12, 15, "1400.00", "SumUp Payments Limited", "uitbetaling"),
        *monthly((2025, 12), 12, 1, "-500.00", "Vastgoed Centrum B.V.", "huur salon"),
        *monthly((2025, 12), 12, 9, "-30.25", "KPN B.V.", "internet"),
    ]
    rule = '[[advice.customer]]\ncounterparty = "SumUp"\nkind = "consumer"\n'
    advice = ask(records, rule)
    verdict = advice.verdict
    assert verdict is not None and verdict.choice == "stay"
    assert _euros(verdict.gain) == ("-3293.26", "-3293.26")
    assert _euros(verdict.absorbed) == ("2956.26", "2956.26")
    assert _euros(verdict.pay_more) == ("3577.00", "3577.00")
    assert _euros(verdict.input_vat) == ("63.00", "63.00")
    flips = {flip.code: flip for flip in verdict.flips}
    assert flips["investment"].cents == 1897545
    assert "prices-rise" not in flips  # raising prices would not be enough


def test_many_unrecognised_debits_give_a_range_and_no_verdict() -> None:
    """A builder's costs go mostly to payees korwatch cannot place: Hendriks 121.00, De Groot
    Levering 96.80 and Smit & Zn 72.60 a month, 290.40 together. They may hold no VAT at all or
    21 % of everything: 0.00 .. 290.40 x 21/121 = 50.40 a month, 604.80 a year.
    Recognised: KPN 30.25 a month -> 63.00 a year. Customers: Bouwbedrijf Tak B.V. (deducts).
    Input VAT 63.00 .. 667.80; leaving gains 63.00 - 400.00 = -337.00 .. 667.80 - 400.00 =
    267.80. The range holds zero: no verdict, and 604.80 hangs on the unrecognised debits.
    """
    records = [
        *bank_fees(),
        *monthly((2025, 12), 12, 10, "1200.00", "Bouwbedrijf Tak B.V."),
        *monthly((2025, 12), 12, 9, "-30.25", "KPN B.V.", "internet"),
        *monthly((2025, 12), 12, 12, "-121.00", "Hendriks", "order"),
        *monthly((2025, 12), 12, 14, "-96.80", "De Groot Levering"),
        *monthly((2025, 12), 12, 16, "-72.60", "Smit & Zn", "materiaal"),
    ]
    advice = ask(records)
    verdict = advice.verdict
    assert verdict is not None and verdict.choice == "uncertain"
    assert _euros(verdict.gain) == ("-337.00", "267.80")
    assert _euros(verdict.input_vat) == ("63.00", "667.80")
    assert [(flip.code, flip.cents) for flip in verdict.flips] == [("unknown-costs", 60480)]
    assert "unknown-costs" in advice.notes
    assert advice.lookback.unknown_payees == (
        ("Hendriks", 12, 145200),
        ("De Groot Levering", 12, 116160),
        ("Smit & Zn", 12, 87120),
    )


def test_joining_the_kor_repays_part_of_the_vat_on_a_recent_machine() -> None:
    """A business outside the KOR (its VAT deducted) bought a machine for 18,150.00 on
    10 June 2026: VAT 18,150.00 x 21/121 = 3,150.00, a capital good (revision over 2026-2030).
    Joining on 1 January 2027 repays 3,150.00 / 5 = 630.00 for each of 2027-2030, over
    EUR 500 a year: 2,520.00 in all, a cost of joining counted in the verdict (U19). The machine
    is a one-off (one payment to its supplier): not repeated in the years ahead, so without it
    the verdict differs by exactly that revision."""
    records = [
        *bank_fees(),
        *monthly((2025, 12), 12, 10, "1210.00", "J. de Vries", "les"),
        *monthly((2025, 12), 12, 9, "-36.30", "KPN B.V.", "mobiel"),
    ]
    outside = "[vat]\nin_kor = false"
    machine = bank("2026-06-10", "-18150.00", "Machinefabriek Oost", iban="NL08RABO0000009999")
    rule = '[[advice.cost]]\ncounterparty = "machinefabriek"\nvat = "general"'
    advice = ask([*records, machine], rule, rules_toml=outside)
    assert advice.rejoining is not None and not advice.rejoining.relieved
    assert advice.rejoining.per_year == tuple((year, 63000) for year in range(2027, 2031))
    assert advice.rejoining.total_cents == 252000
    verdict = advice.verdict
    without = ask(records, rules_toml=outside).verdict
    assert verdict is not None and without is not None
    assert verdict.revision_cents == 252000 and without.revision_cents == 0
    assert verdict.gain.low - without.gain.low == 252000
