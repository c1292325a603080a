"""Benchmark inputs for the MT940 parser: a realistic ING "Mijn ING Zakelijk" MT940 (one SWIFT
message per day of ~50 lines, structured :86: with /EREF/, /CNTP/ and /REMI/USTD//), the floor
(counting ':61:' lines) and the reference (the mt-940 library parsing the same file)."""

from __future__ import annotations

import pathlib
import random
from datetime import date, timedelta

PER_STATEMENT = 50
ACCOUNT = "NL20INGB0001234567"
_NAMES = ("Bakkerij de Vries", "J. Jansen", "Studio Noord B.V.", "Klant/Partner BV", "Fa. Smit")
_CITIES = ("AMSTERDAM", "UTRECHT", "ROTTERDAM", "ZWOLLE")


def _wrap(text: str) -> list[str]:
    """ING cuts :86: into 65-character lines (the first holds the tag)."""
    lines = [text[:61]]
    lines += [text[index : index + 65] for index in range(61, len(text), 65)]
    return lines


def _transaction(rng: random.Random, day: date, number: int) -> tuple[list[str], int]:
    cents = rng.randint(100, 250_000) * (1 if rng.random() < 0.6 else -1)
    mark = "C" if cents > 0 else "D"
    amount = f"{abs(cents) // 100},{abs(cents) % 100:02d}"
    iban = f"NL{rng.randint(10, 99)}RABO0{rng.randint(100000000, 999999999)}"
    details = (
        f"/EREF/E2E{number:012d}//CNTP/{iban}/RABONL2U/{rng.choice(_NAMES)}/"
        f"{rng.choice(_CITIES)}//REMI/USTD//Factuur 2026-{number % 10000:04d} klant {number}/"
    )
    lines = [
        f":61:{day:%y%m%d%m%d}{mark}{amount}NTRFNONREF//{number:014d}",
        "/TRCD/00100/",
        *[(":86:" if index == 0 else "") + line for index, line in enumerate(_wrap(details))],
    ]
    return lines, cents


def generate(path: pathlib.Path, n: int) -> None:
    """Write an n-transaction ING MT940 file, CRLF line ends, one message per ~50 lines."""
    rng = random.Random(42)
    day, balance, number = date(2026, 1, 2), 1_000_000, 0
    with path.open("w", encoding="ascii", newline="\r\n") as handle:
        while number < n:
            count = min(PER_STATEMENT, n - number)
            handle.write("{1:F01INGBNL2ABXXX0000000000}{2:I940INGBNL2AXXXN}{3:{108:X}}{4:\n")
            handle.write(f":20:P{day:%y%m%d}000000001\n:25:{ACCOUNT}EUR\n:28C:{number // 50}\n")
            handle.write(f":60F:C{day:%y%m%d}EUR{balance // 100},{balance % 100:02d}\n")
            for _ in range(count):
                number += 1
                lines, cents = _transaction(rng, day, number)
                balance += cents
                handle.write("\n".join(lines) + "\n")
            mark = "C" if balance >= 0 else "D"
            closing = f"{mark}{day:%y%m%d}EUR{abs(balance) // 100},{abs(balance) % 100:02d}"
            handle.write(f":62F:{closing}\n:64:{closing}\n-}}\n")
            # One statement a day through 2026, then round again: an import refuses dates
            # past next year (clock.accepted_dates).
            day = day + timedelta(days=1) if day.month < 12 else date(2026, 1, 2)


def floor(path: pathlib.Path) -> int:
    """The simplest possible read: count the ':61:' statement lines."""
    with path.open("rb") as handle:
        return sum(1 for line in handle if line.startswith(b":61:"))


def reference(path: pathlib.Path) -> int:
    """The mt-940 library (wolph/mt940) parsing the same file."""
    import mt940

    return len(mt940.parse(str(path)))
