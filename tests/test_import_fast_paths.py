"""The import's short cuts give exactly what the long way gives.

After storing a document, korwatch evaluates the years it touched. Two short cuts keep a big or
a thousandth import fast: the records just stored are handed to the evaluation instead of being
read back (only when the ledger holds nothing else in those years), and a year whose every
possible alert is already recorded is not evaluated at all. Real fixture files (the project's
and the real samples that have goldens), a real SQLite ledger; each short cut is compared with
the long way.
"""

from __future__ import annotations

import functools
import sqlite3
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from korwatch import scan
from korwatch.alerts import evaluation
from korwatch.alerts import events as alerts
from korwatch.config.load import load_config
from korwatch.config.model import BusinessConfig, Config
from korwatch.formats.base import read_sample
from korwatch.formats.detect import detect
from korwatch.ledger import store as ledger
from korwatch.ledger.insert import Inserted, insert_records
from korwatch.ledger.rows import chunks
from korwatch.sources import DocumentInput
from korwatch.tax.classify import classify_one
from korwatch.tax.thresholds import YearState
from tests.helpers import Payment, ing_csv
from tests.samples import Fixture, fixture_params, fixtures

NOW = datetime.fromisoformat("2026-11-26T12:00:00+01:00")
TODAY = NOW.date()
# Every fixture that holds records (its golden file lists at least one).
DOCUMENTS = [fixture for fixture in fixtures() if fixture.expected()]


def _setup(
    tmp_path: Path, basis: str = "bank", extra: str = ""
) -> tuple[Config, BusinessConfig, sqlite3.Connection]:
    config_path = tmp_path / "korwatch.toml"
    config_path.write_text(
        f'state_dir = "state"\n[email]\nbackend = "file"\ndir = "mail"\n'
        f'[[business]]\nid = "studio"\nrecipients = ["a@example.nl"]\nbasis = "{basis}"\n' + extra,
        encoding="utf-8",
    )
    config = load_config(config_path)
    return config, config.businesses[0], scan.open_ledger(config)


def _store(
    connection: sqlite3.Connection, business: BusinessConfig, path: Path, name: str = ""
) -> Inserted:
    sample = read_sample(path)
    rows = chunks(detect(sample, None, {}).parse(sample))
    judge = functools.partial(classify_one, settings=business.rules)
    with ledger.transaction(connection):
        inserted = insert_records(connection, "studio", (name or path.name, path.name), rows, judge)
        ledger.record_document(
            connection, "studio", name or path.name, path.name, format_name=None,
            status="imported", error=None, records=inserted.new, duplicates=0, when="now",
        )  # fmt: skip
    return inserted


def _same(short: YearState, long: YearState) -> None:
    assert short.items == long.items
    assert short.passages == long.passages
    assert (short.turnover_cents, short.excluded_cents, short.flags) == (
        long.turnover_cents,
        long.excluded_cents,
        long.flags,
    )


@pytest.mark.parametrize("basis", ["bank", "invoices"])
@pytest.mark.parametrize("fixture", fixture_params(DOCUMENTS))
def test_a_fresh_year_is_evaluated_from_the_records_just_stored_as_from_the_ledger(
    tmp_path: Path, fixture: Fixture, basis: str
) -> None:
    config, business, connection = _setup(tmp_path, basis)
    inserted = _store(connection, business, fixture.path)
    assert inserted.new > 0 and inserted.judged is not None
    for year in sorted(inserted.years):
        short = evaluation.evaluate_year(
            connection, config, business, year, counting_only=True, inserted=inserted
        )
        long = evaluation.evaluate_year(connection, config, business, year, counting_only=True)
        _same(short, long)


def _payments(tmp_path: Path, name: str, payments: list[Payment]) -> Path:
    path = tmp_path / name
    path.write_text(ing_csv(payments), encoding="utf-8")
    return path


def test_records_are_read_back_when_the_year_holds_other_documents_too(tmp_path: Path) -> None:
    config, business, connection = _setup(tmp_path)
    first = [
        Payment(date(2026, 3, day), Decimal("900.00"), description=f"F{day}") for day in (2, 3)
    ]
    _store(connection, business, _payments(tmp_path, "first.csv", first))
    late = [Payment(date(2026, 2, 1), Decimal("5"))]
    later = _store(connection, business, _payments(tmp_path, "later.csv", late))
    assert later.judged is not None  # every record was new ...
    counts = ledger.year_counts(connection, "studio", [2026])
    assert later.judged_for(counts, [2026], copies=False) is None  # ... but the year has more
    state = evaluation.evaluate_year(
        connection, config, business, 2026, counting_only=True, inserted=later
    )
    assert [item.record.date for item in state.items] == [
        date(2026, 2, 1),
        date(2026, 3, 2),
        date(2026, 3, 3),
    ]


def test_a_document_with_duplicates_hands_over_no_records(tmp_path: Path) -> None:
    _, business, connection = _setup(tmp_path)
    payments = [Payment(date(2026, 3, 2), Decimal("900.00"))]
    _store(connection, business, _payments(tmp_path, "first.csv", payments), "one")
    overlap = [*payments, Payment(date(2026, 3, 4), Decimal("100.00"))]
    again = _store(connection, business, _payments(tmp_path, "overlap.csv", overlap), "two")
    assert (again.new, again.duplicates, again.judged) == (1, 1, None)


def test_a_year_whose_every_alert_is_recorded_is_not_evaluated_again(tmp_path: Path) -> None:
    config, business, connection = _setup(tmp_path)
    big = [Payment(date(2025, 6, 1), Decimal("25000.00"), description="Factuur 2025-001")]
    document = DocumentInput(_payments(tmp_path, "2025.csv", big), "2025.csv")
    assert scan.import_document(connection, config, business, document, NOW).status == "imported"
    # 2025 is past: only a crossing can be raised for it, and it is recorded.
    assert evaluation.settled(connection, business, 2025, config, TODAY)
    # 2026 is the current year and has no alert yet.
    assert not evaluation.settled(connection, business, 2026, config, TODAY)
    events = connection.execute("SELECT id, level, payload FROM alert_events").fetchall()
    earlier = [Payment(date(2025, 1, 5), Decimal("30000.00"), description="Factuur 2025-000")]
    document = DocumentInput(_payments(tmp_path, "earlier.csv", earlier), "earlier.csv")
    assert scan.import_document(connection, config, business, document, NOW).new == 1
    # The crossing already reported stands as reported (the long way would not change it).
    assert connection.execute("SELECT id, level, payload FROM alert_events").fetchall() == events


def test_a_crossing_year_stored_at_once_is_evaluated_as_from_the_ledger(tmp_path: Path) -> None:
    config, business, connection = _setup(tmp_path)
    payments = [
        Payment(date(2026, 1 + n % 12, 1 + n % 28), Decimal(f"{150 + n}.25"), f"Klant {n % 7}",
                description=f"Factuur 2026-{n:03d}" if n % 3 else "lening")
        for n in range(200)
    ]  # fmt: skip
    payments += [Payment(date(2026, 5, 5), Decimal("-80.00"))]
    inserted = _store(connection, business, _payments(tmp_path, "year.csv", payments))
    short = evaluation.evaluate_year(
        connection, config, business, 2026, counting_only=True, inserted=inserted
    )
    assert short.crossed and len(short.items) == 200
    _same(short, evaluation.evaluate_year(connection, config, business, 2026, counting_only=True))


@pytest.mark.parametrize("basis", ["bank", "invoices"])
def test_invoices_across_new_year_are_evaluated_for_each_year_as_from_the_ledger(
    tmp_path: Path, basis: str
) -> None:
    # One document serves the evaluations of 2025 and 2026 (and 2025 again): matching marks
    # unpaid invoices on the items it is given, so each evaluation needs its own.
    config, business, connection = _setup(tmp_path, basis)
    path = tmp_path / "invoices.csv"
    path.write_text(
        "invoice_number,invoice_date,customer,net,vat,gross,type,customer_id\n"
        "2025-090,2025-12-20,Klant BV,16000.00,3360.00,19360.00,invoice,C1\n"
        "2026-001,2026-01-05,Klant BV,9000.00,1890.00,10890.00,invoice,C1\n"
        "2026-002,2026-01-20,Studio Noord,500.00,105.00,605.00,credit_note,C2\n",
        encoding="utf-8",
    )
    inserted = _store(connection, business, path)
    for year in (2025, 2026, 2025):
        short = evaluation.evaluate_year(
            connection, config, business, year, counting_only=True, inserted=inserted
        )
        _same(
            short, evaluation.evaluate_year(connection, config, business, year, counting_only=True)
        )
        assert short.items and all(item.flags.count("UNPAID") <= 1 for item in short.items)


def test_years_out_of_reach_are_not_evaluated_yet_no_alert_is_missed(tmp_path: Path) -> None:
    config, business, connection = _setup(tmp_path)
    recorded = []
    for number in range(25):  # EUR 1,000 of credits per file: 15,000 is reached by the 15th
        payments = [
            Payment(date(2026, 1, 1) + timedelta(days=number * 10 + day), Decimal("250.00"),
                    f"Klant {number}", description=f"Factuur {number}-{day}")
            for day in range(4)
        ]  # fmt: skip
        name = f"export-{number:02d}.csv"
        document = DocumentInput(_payments(tmp_path, name, payments), name)
        before = ledger.credits_cents(connection, "studio", [2026])
        reach = evaluation.out_of_reach(connection, config, business, 2026, [2026])
        assert reach == (before < 1_500_000)  # the lowest level: 75 % of EUR 20,000
        assert scan.import_document(connection, config, business, document, NOW).new == 4
        recorded.append(alerts.recorded_levels(connection, "studio", 2026))
    assert [len(levels) for levels in recorded].index(1) == 14  # the 15th file: EUR 15,000
    assert [len(levels) for levels in recorded].index(2) == 17  # the 18th: EUR 18,000
    assert [len(levels) for levels in recorded].index(3) == 20  # the 21st: above EUR 20,000


def test_a_fee_gross_up_rule_turns_the_reach_check_off(tmp_path: Path) -> None:
    config_path = tmp_path / "korwatch.toml"
    config_path.write_text(
        'state_dir = "state"\n[email]\nbackend = "file"\ndir = "mail"\n'
        '[[business]]\nid = "studio"\nrecipients = ["a@example.nl"]\n'
        '[[business.rule]]\ncounterparty = "Stripe"\n'
        'category = "platform-payout"\nfee_percent = 50\n',
        encoding="utf-8",
    )
    config = load_config(config_path)
    connection = scan.open_ledger(config)
    assert not evaluation.out_of_reach(connection, config, config.businesses[0], 2026, [2026])


def test_an_eu_kor_year_is_settled_while_its_credits_stay_under_the_union_limit(
    tmp_path: Path,
) -> None:
    """A business in the EU-KOR can still get the Union crossing after its KOR alerts: the year
    is evaluated after an import only while what could count is over the Union limit."""
    config, business, connection = _setup(tmp_path, extra="[business.eu_kor]\n")
    spring = [Payment(date(2025, 3, 1), Decimal("25000.00"), description="Factuur 2025-001")]
    document = DocumentInput(_payments(tmp_path, "spring.csv", spring), "spring.csv")
    assert scan.import_document(connection, config, business, document, NOW).new == 1
    assert alerts.recorded_levels(connection, "studio", 2025) == {"crossed"}
    assert not evaluation.eukor_possible(connection, business, 2025)  # EUR 25,000 < 100,000
    assert evaluation.settled(connection, business, 2025, config, TODAY)
    # Counted net of VAT after the KOR crossing (R2.10): EUR 82,644.63 of the 100,000.
    autumn = [Payment(date(2025, 10, 1), Decimal("100000.00"), description="Factuur 2025-002")]
    document = DocumentInput(_payments(tmp_path, "autumn.csv", autumn), "autumn.csv")
    assert scan.import_document(connection, config, business, document, NOW).new == 1
    assert alerts.recorded_levels(connection, "studio", 2025) == {"crossed", "eukor-crossed"}
    assert evaluation.settled(connection, business, 2025, config, TODAY)
    # No EU-KOR before 2025: a year before it never waits for a Union crossing.
    assert not evaluation.eukor_possible(connection, business, 2024)
