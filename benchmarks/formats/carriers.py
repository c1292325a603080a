"""Benchmark inputs for cross-format matching: one account's year of N bookings written as an
ING CSV and as a CAMT.053 statement (the same bookings, each carrier its own way: the writers of
tests/statements.py), and a year of N other bookings of the same account (other customers,
other amounts) for a busy ledger."""

from __future__ import annotations

import pathlib
import random
import sys
from datetime import date, timedelta
from decimal import Decimal

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))

from tests.statements import Booking, camt053, ing_csv

_PAYERS = ("Bakkerij", "Studio", "Atelier", "Café", "Bureau", "Klant & Zonen", "Stichting")
_PAYEES = ("Energie Direct", "Albert Heijn", "Belastingdienst", "KPN", "Drukkerij")


def _iban(rng: random.Random, bank: str) -> str:
    return f"NL{rng.randint(10, 99)}{bank}0{rng.randint(100_000_000, 999_999_999)}"


def bookings(n: int, seed: int, prefix: str) -> list[Booking]:
    """n bookings spread over 2026: 40 % credits with an invoice number from 2,000 customers,
    60 % debits to 200 suppliers (a business this busy has that many)."""
    rng = random.Random(seed)
    customers = [
        (f"{rng.choice(_PAYERS)} {number}", _iban(rng, rng.choice(("RABO", "INGB", "ABNA"))))
        for number in range(2000)
    ]
    suppliers = [(f"{rng.choice(_PAYEES)} {number}", _iban(rng, "RABO")) for number in range(200)]
    start = date(2026, 1, 1)
    found = []
    for number in range(n):
        day = start + timedelta(days=number * 365 // max(n, 1))
        if rng.random() < 0.4:
            name, iban = rng.choice(customers)
            cents = rng.randint(500, 250_000)
            text = f"{prefix} {number:06d}"
        else:
            name, iban = rng.choice(suppliers)
            cents = -rng.randint(100, 20_000)
            text = f"Betaling {prefix.lower()} {number}"
        found.append(
            Booking(number, day, Decimal(cents) / 100, name, iban, text, eref=f"E2E{number:010d}")
        )
    return found


def paths(folder: pathlib.Path, n: int) -> dict[str, pathlib.Path]:
    """Where `generate` writes the files of N bookings."""
    return {
        "ingcsv": folder / f"carriers-ing-{n}.csv",
        "camt": folder / f"carriers-camt-{n}.xml",
        "camt-november": folder / f"carriers-camt-november-{n}.xml",
        "other-camt": folder / f"carriers-other-camt-{n}.xml",
    }


def generate(folder: pathlib.Path, n: int) -> dict[str, pathlib.Path]:
    """The same N bookings as ING CSV and as CAMT, their November as CAMT, and N other
    bookings as CAMT."""
    same = bookings(n, 42, "Factuur")
    other = bookings(n, 7, "Nota")
    november = [booking for booking in same if booking.day.month == 11]
    written = paths(folder, n)
    written["ingcsv"].write_text(ing_csv(same), encoding="utf-8")
    written["camt"].write_text(camt053(same), encoding="utf-8")
    written["camt-november"].write_text(camt053(november), encoding="utf-8")
    written["other-camt"].write_text(camt053(other), encoding="utf-8")
    return written


if __name__ == "__main__":
    # Run on its own by import_speed.py: a child inherits the peak RSS of the process it was
    # forked from, so the measuring process must not hold 400,000 bookings.
    generate(pathlib.Path(sys.argv[1]), int(sys.argv[2]))
