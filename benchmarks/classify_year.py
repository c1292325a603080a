"""How long the rules engine takes over a large year: classify + evaluate of 100,000 records.

Run: /work/venv/bin/python benchmarks/classify_year.py [RECORDS]. Half the records are credits
(customer payments naming an invoice, platform payouts, refunds, own transfers), a quarter debits
and a quarter invoices, with ten user rules, so the matching pass and the user rules both run.
Prints the best of five runs for the bank and the invoice basis.
"""

from __future__ import annotations

import random
import sys
import time
import tomllib
from datetime import date, timedelta

from korwatch.config.rules import read_rules
from korwatch.configtable import Table
from korwatch.models import StoredRecord
from korwatch.tax.classify import classify
from korwatch.tax.thresholds import evaluate, warn_levels
from korwatch.tax.verdict import RuleSettings

RULES = "\n".join(
    f'[[rule]]\ncounterparty = "klant {n} gmbh"\ncategory = "foreign-taxed"\n'
    f'[[rule]]\ndescription = "project-{n}[a-z]+"\ncategory = "turnover"\nvat = "reduced"\n'
    for n in range(5)
)
NAMES = ("Bakkerij de Vries", "J. Jansen", "Stripe Payments", "Klant BV", "Studio Noord")


def records(count: int, seed: int = 7) -> list[StoredRecord]:
    rng = random.Random(seed)
    start = date(2026, 1, 1)
    found = []
    for number in range(count):
        day = start + timedelta(days=number * 365 // count)
        kind = rng.random()
        if kind < 0.25:
            found.append(_record(number, "invoice", day, rng.randint(100, 90000), f"2026-{number}"))
        elif kind < 0.5:
            found.append(_record(number, "transaction", day, -rng.randint(100, 90000), "debit"))
        else:
            words = (f"Factuur 2026-{number - 3}", "terugbetaling", "rente", "bestelling")
            text = rng.choice(words)
            found.append(_record(number, "transaction", day, rng.randint(100, 90000), text))
    return found


def _record(number: int, kind: str, day: date, amount: int, text: str) -> StoredRecord:
    invoice = kind == "invoice"
    return StoredRecord(
        number,
        kind,
        day,
        amount,
        "EUR",
        "NL20INGB0001234567",
        NAMES[number % 5],
        "" if invoice else "NL91ABNA0417164300",
        "" if invoice else text,
        text if invoice else "",
        False,
        "",
        "doc",
        "bench.csv",
        0 if invoice else None,
        amount if invoice else None,
        False,
    )


def settings(basis: str) -> RuleSettings:
    problems: list[str] = []
    found = read_rules(Table(tomllib.loads(RULES), "business[0]", problems), basis, frozenset())
    assert not problems, problems
    return found


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    year = records(count)
    for basis in ("bank", "invoices"):
        rules = settings(basis)
        timings = []
        for _ in range(5):
            began = time.perf_counter()
            items = classify(year, rules)
            middle = time.perf_counter()
            evaluate(2026, items, 2_000_000, warn_levels(2_000_000, None))
            timings.append((middle - began, time.perf_counter() - middle))
        best = min(timings)
        print(f"{basis:8} {count} records: classify {best[0]:.3f} s, evaluate {best[1]:.3f} s")


if __name__ == "__main__":
    main()
