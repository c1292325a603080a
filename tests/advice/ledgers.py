"""Bank exports of whole years, written the way ING writes them, for the advice's end-to-end tests.

The photographer of tests/advice/test_scenarios.py (the same figures, so the same answers), and a
studio whose turnover crosses the threshold on 14 September 2026 with purchases after it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from tests.helpers import Payment, ing_csv

D = Decimal


def _monthly(
    first: tuple[int, int], months: int, day: int, amount: str, name: str, iban: str, text: str
) -> list[Payment]:
    year, month = first
    found = []
    for _ in range(months):
        found.append(Payment(date(year, month, day), D(amount), name, iban, text))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _through(payments: list[Payment], until: date | None) -> list[Payment]:
    """The payments booked by `until` (a bank export made that day holds nothing later)."""
    return [p for p in payments if until is None or p.day <= until]


def photographer_csv(until: date | None = None) -> str:
    """Fees from 27 November 2025, 12 x 750.00 from Reclamebureau Noord B.V., a wedding of
    1,210.00 for J. de Vries, Adobe 60.50, KPN 36.30 and Centraal Beheer 40.00 a month."""
    payments = [
        *_monthly((2025, 11), 12, 27, "-7.50", "ING Bank N.V.", "NL28INGB0000000001",
                  "kosten zakelijke betaalrekening"),
        *_monthly((2025, 12), 12, 10, "750.00", "Reclamebureau Noord B.V.", "NL44RABO0123456789",
                  "factuur"),
        Payment(date(2026, 6, 20), D("1210.00"), "J. de Vries", "NL67ABNA0999999999",
                "bruiloft 20 juni"),
        *_monthly((2025, 12), 12, 3, "-60.50", "Adobe Systems Software Ireland Ltd",
                  "IE29AIBK93115212345678", "Creative Cloud"),
        *_monthly((2025, 12), 12, 9, "-36.30", "KPN B.V.", "NL08ABNA0000000222", "mobiel"),
        *_monthly((2025, 12), 12, 15, "-40.00", "Centraal Beheer", "NL60RABO0000000333",
                  "polis aansprakelijkheid"),
    ]  # fmt: skip
    return ing_csv(_through(payments, until))


CROSSING_PAYMENTS = [
    Payment(date(2026, 2, 10), D("7500.00"), "Bakkerij Jansen", description="Factuur 2026-001"),
    Payment(date(2026, 5, 12), D("6000.00"), "Bureau Noord", description="Factuur 2026-014"),
    Payment(date(2026, 6, 20), D("1800.00"), "Atelier Zuid", description="factuurnr. 2026-021"),
    Payment(date(2026, 8, 31), D("3000.00"), "Gemeente Utrecht", description="Factuur 2026-030"),
    Payment(date(2026, 9, 1), D("-60.50"), "KPN B.V.", "NL08ABNA0000000222", "mobiel"),
    Payment(date(2026, 9, 14), D("2700.00"), "Studio Oost", description="Factuur 2026-042"),
    Payment(date(2026, 9, 14), D("-1210.00"), "Kamera Express", "NL03RABO0000000777", "lens"),
    Payment(date(2026, 9, 20), D("500.00"), "Klant X", description="Factuur 2026-043"),
    Payment(date(2026, 10, 1), D("-60.50"), "KPN B.V.", "NL08ABNA0000000222", "mobiel"),
    Payment(date(2026, 10, 3), D("-242.00"), "Hendriks", "NL68ABNA0000000888", "order 77"),
    Payment(date(2026, 10, 5), D("-40.00"), "Centraal Beheer", "NL60RABO0000000333", "polis"),
]


def crossing_csv() -> str:
    """Turnover crosses 20,000 with invoice 2026-042 of 2,700.00 on 14 September 2026 (18,300
    before, 21,000 after); later credit: 500.00 (invoice 2026-043). Debits from the crossing
    date on: Kamera Express 1,210.00 (VAT 210.00) on the day itself (U26), KPN 60.50 (10.50)
    on 1 October: 220.50 on 2 purchases; Hendriks 242.00 nobody recognises (up to 42.00); the
    insurance carries none. KPN on 1 September is before the crossing: not deductible."""
    return ing_csv(CROSSING_PAYMENTS)


def hairdresser_csv(until: date | None = None) -> str:
    """SumUp payouts of 1,400.00 a month (consumers, by the user's rule), rent 500.00 (exempt),
    KPN 30.25 a month: staying pays by thousands (test_scenarios.py)."""
    payments = [
        *_monthly((2025, 11), 12, 27, "-7.50", "ING Bank N.V.", "NL28INGB0000000001",
                  "kosten zakelijke betaalrekening"),
        *_monthly((2025, 12), 12, 15, "1400.00", "SumUp Payments Limited", "IE46SUMU0000000001",
                  "uitbetaling"),
        *_monthly((2025, 12), 12, 1, "-500.00", "Vastgoed Centrum B.V.", "NL18INGB0000000666",
                  "huur salon"),
        *_monthly((2025, 12), 12, 9, "-30.25", "KPN B.V.", "NL08ABNA0000000222", "internet"),
    ]  # fmt: skip
    return ing_csv(_through(payments, until))


def consultant_csv(until: date | None = None) -> str:
    """Adviesbureau Kader B.V. pays 1,500.00 a month; Moneybird, KPN, NS and a flex desk
    (Spaces: 21 % by the user's rule): leaving pays (test_scenarios.py)."""
    payments = [
        *_monthly((2025, 11), 12, 27, "-7.50", "ING Bank N.V.", "NL28INGB0000000001",
                  "kosten zakelijke betaalrekening"),
        *_monthly((2025, 12), 12, 5, "1500.00", "Adviesbureau Kader B.V.", "NL66RABO0123456781",
                  "factuur"),
        *_monthly((2025, 12), 12, 8, "-48.40", "Moneybird B.V.", "NL19ABNA0000000121",
                  "abonnement"),
        *_monthly((2025, 12), 12, 9, "-60.50", "KPN B.V.", "NL08ABNA0000000222", "mobiel"),
        *_monthly((2025, 12), 12, 12, "-109.00", "NS Groep", "NL10INGB0000000131", "trajectvrij"),
        *_monthly((2025, 12), 12, 1, "-242.00", "Spaces Zuidas", "NL06RABO0000000141",
                  "flexplek"),
    ]  # fmt: skip
    return ing_csv(_through(payments, until))


def builder_csv() -> str:
    """The builder of test_scenarios.py whose costs go mostly to payees nobody recognises:
    leaving gains -337.00 .. 267.80, no verdict ("uncertain")."""
    payments = [
        *_monthly((2025, 11), 12, 27, "-7.50", "ING Bank N.V.", "NL28INGB0000000001",
                  "kosten zakelijke betaalrekening"),
        *_monthly((2025, 12), 12, 10, "1200.00", "Bouwbedrijf Tak B.V.", "NL66RABO0123456782",
                  "factuur"),
        *_monthly((2025, 12), 12, 9, "-30.25", "KPN B.V.", "NL08ABNA0000000222", "internet"),
        *_monthly((2025, 12), 12, 12, "-121.00", "Hendriks", "NL68ABNA0000000888", "order"),
        *_monthly((2025, 12), 12, 14, "-96.80", "De Groot Levering", "NL68ABNA0000000889", ""),
        *_monthly((2025, 12), 12, 16, "-72.60", "Smit & Zn", "NL68ABNA0000000890", "materiaal"),
    ]  # fmt: skip
    return ing_csv(payments)
