"""Benchmark inputs for the ING CSV parser: a realistic current-layout (semicolon, 11 columns)
export, and the floor it is timed against (Python's csv module merely reading the file)."""

from __future__ import annotations

import csv
import pathlib
import random
from datetime import date, timedelta

HEADER = (
    "Datum",
    "Naam / Omschrijving",
    "Rekening",
    "Tegenrekening",
    "Code",
    "Af Bij",
    "Bedrag (EUR)",
    "Mutatiesoort",
    "Mededelingen",
    "Saldo na mutatie",
    "Tag",
)
ENCODING = "utf-8"
_NAMES = ("Bakkerij de Vries", "J. Jansen", "Albert Heijn 1403", "Klant BV", "Studio Noord")


def _row(rng: random.Random, day: date, balance: int, cents: int, number: int) -> list[str]:
    credit = cents > 0
    name = rng.choice(_NAMES)
    iban = f"NL{rng.randint(10, 99)}RABO0{rng.randint(100000000, 999999999)}"
    if credit:
        remittance = (
            f"Naam: {name} Omschrijving: Factuur 2026-{number % 10000:04d} IBAN: {iban} "
            f"Kenmerk: {rng.randint(10**15, 10**16 - 1)} Valutadatum: {day:%d-%m-%Y}"
        )
    else:
        remittance = (
            f"Pasvolgnummer: 001 {day:%d-%m-%Y} 12:{number % 60:02d} Valutadatum: {day:%d-%m-%Y}"
        )
    return [
        f"{day:%Y%m%d}",
        name,
        "NL12INGB0001234567",
        iban if credit else "",
        "OV" if credit else "BA",
        "Bij" if credit else "Af",
        f"{abs(cents) // 100},{abs(cents) % 100:02d}",
        "Overschrijving" if credit else "Betaalautomaat",
        remittance,
        f"{balance // 100},{abs(balance) % 100:02d}",
        "",
    ]


def generate(path: pathlib.Path, n: int) -> None:
    """Write an n-transaction ING CSV (newest first, as ING exports), all fields quoted."""
    rng = random.Random(42)
    start = date(2026, 1, 1)
    balance = 1_000_000
    with path.open("w", encoding=ENCODING, newline="") as handle:
        writer = csv.writer(handle, delimiter=";", quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(HEADER)
        for number in range(n):
            cents = rng.randint(500, 250_000) if rng.random() < 0.4 else -rng.randint(100, 20_000)
            balance += cents
            day = start + timedelta(days=number * 365 // max(n, 1))
            writer.writerow(_row(rng, day, balance, cents, number))


def floor(path: pathlib.Path) -> int:
    """Rows Python's csv module reads from the file (header included): the baseline."""
    with path.open(encoding=ENCODING, newline="") as handle:
        return sum(1 for _ in csv.reader(handle, delimiter=";"))
