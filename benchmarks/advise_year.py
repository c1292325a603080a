"""What weighing the KOR (korwatch advise, the autumn check) costs next to evaluating a year.

Run: .venv/bin/python benchmarks/advise_year.py [RECORDS]. Uses the year of
benchmarks/classify_year.py (100,000 records: half credits, a quarter debits, a quarter
invoices) on the bank basis, with two years' worth so that the twelve months before reach back
into last year. Baseline, measured in the same run: classify + evaluate of this year, what every
evaluation of the year does. Measured: advise over the two evaluated years (the twelve months of
debits by VAT class, the customers by marker, the periods and the verdict). Prints the best of
five runs and the ratio; the autumn check does this once a day per business, `advise` once per
call.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from classify_year import records, settings

from korwatch.models import StoredRecord
from korwatch.tax.advice import Question, advise
from korwatch.tax.advice_settings import AdviceSettings
from korwatch.tax.classify import classify
from korwatch.tax.thresholds import evaluate, warn_levels

LIMIT = 2_000_000


def moved(year: list[StoredRecord], years: int) -> list[StoredRecord]:
    """The same records a number of years earlier (ids kept apart)."""
    return [
        StoredRecord(
            r.id + 10_000_000, r.kind, r.date.replace(year=r.date.year - years), r.amount_cents,
            r.currency, r.account, r.counterparty_name, r.counterparty_iban, r.description,
            r.reference, r.reversal, r.code, r.document, r.document_name, r.vat_cents,
            r.gross_cents, r.credit_note,
        )
        for r in year
    ]  # fmt: skip


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    this_year = records(count)
    last_year = moved(this_year, 1)
    rules = settings("bank")
    # A threshold far above the turnover: the KOR stays available, so every period is weighed.
    big = LIMIT * 1000
    baseline, measured = [], []
    for _ in range(5):
        began = time.perf_counter()
        this = evaluate(2026, classify(this_year, rules), big, warn_levels(big, None))
        baseline.append(time.perf_counter() - began)
        last = evaluate(2025, classify(last_year, rules), big, warn_levels(big, None))
        began = time.perf_counter()
        advise(Question(this, last, date(2026, 11, 26), rules, AdviceSettings(), big))
        measured.append(time.perf_counter() - began)
    best_base, best_advice = min(baseline), min(measured)
    print(f"{count} records a year, bank basis (best of 5):")
    print("| step | seconds | ratio to classify + evaluate |")
    print("|---|---|---|")
    print(f"| classify + evaluate one year (baseline) | {best_base:.3f} | 1.0x |")
    print(
        f"| advise over two evaluated years | {best_advice:.3f} | {best_advice / best_base:.1f}x |"
    )


if __name__ == "__main__":
    main()
