"""One payment counts once however it arrives (issue 13, Must show 1): every pair of carriers of
one account, overlapping by a month; a partial overlap; identical payments of one day; one
payment read with two amounts; value dates; a provider's own id shared by two of its formats.

The carriers are written by tests/statements.py from one list of bookings, each the way the
bank writes it; the real samples of one bank in two dialects are in test_cross_format_samples.
Real parts: the CLI in-process, a real SQLite ledger, a real SMTP server on 127.0.0.1.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest

from korwatch.ledger.rows import CHUNK
from korwatch.models import money
from tests.carrier_support import counted, deliver, ledger_rows, turnover
from tests.conftest import Workspace
from tests.statements import Booking, credits_cents, months, mt940, year_of_bookings

YEAR = year_of_bookings()
PAIRS = [
    ("ing-csv", "camt"),
    ("ing-csv", "mt940"),
    ("camt", "mt940"),
    ("ofx", "ing-csv"),
    ("feed", "ing-csv"),
]


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_two_carriers_overlapping_by_a_month_count_each_payment_once(
    workspace: Workspace, first: str, second: str
) -> None:
    deliver(workspace, first, months(YEAR, 1, 6), "january-june")
    deliver(workspace, second, months(YEAR, 6, 12), "june-december")

    assert turnover(workspace) == money(credits_cents(YEAR))
    rows = ledger_rows(workspace)
    assert len(counted(rows)) == sum(1 for booking in YEAR if booking.credit)
    june = [row for row in rows if row["date"].startswith("2026-06")]
    assert june and all("june-december" in row["also_in"] for row in june)
    assert all(not row["also_in"] for row in rows if not row["date"].startswith("2026-06"))


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_a_partial_overlap_gives_the_union(workspace: Workspace, first: str, second: str) -> None:
    deliver(workspace, first, months(YEAR, 1, 6), "january-june")
    deliver(workspace, second, months(YEAR, 5, 8), "may-august")

    assert turnover(workspace) == money(credits_cents(months(YEAR, 1, 8)))
    assert len(counted(ledger_rows(workspace))) == sum(
        1 for booking in months(YEAR, 1, 8) if booking.credit
    )


TWINS = [booking for booking in YEAR if booking.day == date(2026, 5, 14)]
OTHERS_OF_MAY = [booking for booking in months(YEAR, 5, 5) if booking not in TWINS]


@pytest.mark.parametrize(("first", "second"), [*PAIRS, ("camt", "camt"), ("ing-csv", "ing-csv")])
@pytest.mark.parametrize(("in_first", "in_second"), [(2, 2), (1, 2), (2, 1), (2, 0)])
def test_two_identical_payments_of_one_day_stay_two_in_every_combination(
    workspace: Workspace, first: str, second: str, in_first: int, in_second: int
) -> None:
    assert len(TWINS) == 2 and TWINS[0].amount == TWINS[1].amount == Decimal("350.00")
    deliver(workspace, first, OTHERS_OF_MAY + TWINS[:in_first], "may")
    if in_second:
        deliver(workspace, second, OTHERS_OF_MAY + TWINS[:in_second], "may-again")

    twins = [row for row in counted(ledger_rows(workspace)) if row["date"] == "2026-05-14"]
    assert [row["amount"] for row in twins] == ["350.00", "350.00"]
    assert turnover(workspace) == money(credits_cents(months(YEAR, 5, 5)))


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_one_payment_with_two_amounts_is_flagged_for_review_not_merged(
    workspace: Workspace, first: str, second: str
) -> None:
    payment = next(b for b in months(YEAR, 3, 3) if b.credit and b.name == "Atelier Zuid")
    misread = replace(payment, amount=payment.amount + Decimal("45.00"))
    deliver(workspace, first, months(YEAR, 3, 3), "march")
    others = [b for b in months(YEAR, 3, 3) if b is not payment]
    deliver(workspace, second, [*others, misread], "march-again")

    both = [row for row in counted(ledger_rows(workspace)) if row["date"] == str(payment.day)]
    assert sorted(row["amount"] for row in both) == sorted(
        [money(int(payment.amount * 100)), money(int(misread.amount * 100))]
    )
    for row in both:
        assert "REVIEW" in row["flags"].split()
        assert "the same payment may be in" in row["reason"]
    expected = credits_cents(months(YEAR, 3, 3)) + int(misread.amount * 100)
    assert turnover(workspace) == money(expected)
    assert workspace.status()["review_items"] >= 2


def test_deciding_both_records_of_a_possible_double_settles_it(workspace: Workspace) -> None:
    payment = next(b for b in months(YEAR, 3, 3) if b.credit and b.name == "Atelier Zuid")
    misread = replace(payment, amount=payment.amount + Decimal("45.00"))
    deliver(workspace, "ing-csv", [payment], "march")
    deliver(workspace, "camt", [misread], "march-again")
    rows = {row["amount"]: row["record"] for row in counted(ledger_rows(workspace))}
    waiting = workspace.status()["review_items"]

    wrong = rows[money(int(misread.amount * 100))]
    assert workspace.run("decide", wrong, "--as", "other", "--note", "misread")[0] == 0
    assert (
        workspace.run("decide", rows[money(int(payment.amount * 100))], "--as", "turnover")[0] == 0
    )

    after = ledger_rows(workspace)
    assert all("REVIEW" not in row["flags"].split() for row in after)
    assert all("until a person decides" not in row["reason"] for row in after)
    assert workspace.status()["review_items"] == waiting - 2
    assert turnover(workspace) == money(int(payment.amount * 100))


def test_value_dates_a_day_apart_do_not_separate_two_carriers(workspace: Workspace) -> None:
    bookings = months(YEAR, 2, 2)
    later = [replace(b, value_day=b.day + timedelta(days=1)) for b in bookings]
    deliver(workspace, "ing-csv", bookings, "february")
    deliver(workspace, "camt", later, "february-camt")

    assert turnover(workspace) == money(credits_cents(bookings))


def test_a_line_without_entry_date_is_matched_through_its_value_date(
    workspace: Workspace,
) -> None:
    friday, monday = date(2026, 3, 6), date(2026, 3, 9)
    payment = Booking(900, monday, Decimal("612.50"), "Studio Oost B.V.", "NL18RABO0123459876",
                      "Factuur 2026-900", value_day=friday)  # fmt: skip
    deliver(workspace, "camt", [payment], "camt")  # booked Monday, value Friday
    workspace.drop("mt940.sta", mt940([payment], entry_dates=False))  # booked on Friday
    assert workspace.run("scan")[0] == 0

    assert turnover(workspace) == "612.50"
    (row,) = counted(ledger_rows(workspace))
    assert "mt940.sta" in row["also_in"]


def test_like_payments_on_two_days_with_their_own_value_dates_stay_two(
    workspace: Workspace,
) -> None:
    monday = Booking(901, date(2026, 3, 9), Decimal("80.00"), "J. de Vries",
                     "NL39RABO0300065264", "Les")  # fmt: skip
    tuesday = replace(monday, number=902, day=date(2026, 3, 10))
    deliver(workspace, "ing-csv", [monday], "monday")
    deliver(workspace, "camt", [tuesday], "tuesday")

    assert turnover(workspace) == "160.00"


def test_two_payments_of_one_customer_on_the_days_where_two_exports_meet_stay_two(
    workspace: Workspace,
) -> None:
    # The CSV ends on 30 June, the CAMT begins on 1 July: its lesson of 1 July, valued the day
    # before, is not the CSV's lesson of 30 June (only an MT940 line may lack its entry date).
    june = Booking(903, date(2026, 6, 30), Decimal("80.00"), "J. de Vries",
                   "NL39RABO0300065264", "Les")  # fmt: skip
    july = replace(june, number=904, day=date(2026, 7, 1), value_day=date(2026, 6, 30))
    deliver(workspace, "ing-csv", [june], "june")
    deliver(workspace, "camt", [july], "july")

    assert turnover(workspace) == "160.00"
    assert all(not row["also_in"] for row in counted(ledger_rows(workspace)))


def test_two_invoices_of_one_customer_differing_only_in_their_number_stay_two(
    workspace: Workspace,
) -> None:
    words = " voor fotografie en beeldbewerking, project 03"
    first = Booking(905, date(2026, 3, 3), Decimal("250.00"), "Atelier Zuid",
                    "NL91ABNA0417164300", "Factuur 2026-041" + words)  # fmt: skip
    second = replace(first, number=906, text="Factuur 2026-042" + words)
    deliver(workspace, "camt", [first], "camt")
    deliver(workspace, "ing-csv", [second], "csv")

    assert turnover(workspace) == "500.00"


def test_a_line_repeating_a_stored_line_after_a_chunk_paired_it_with_another_stays(
    workspace: Workspace,
) -> None:
    # The second export holds two lessons of 2 March: the one without a text fits the stored
    # lesson and comes first, at the end of the first chunk (CHUNK rows); the one written as
    # the stored lesson comes in the next chunk. Both are payments.
    lesson = Booking(907, date(2026, 3, 2), Decimal("80.00"), "J. de Vries",
                     "NL39RABO0300065264", "Les")  # fmt: skip
    untitled = replace(lesson, number=908, text="")
    later = [
        Booking(1000 + n, date(2026, 3, 3 + n % 20), Decimal("-1.00"), "KPN B.V.",
                "NL44RABO0123456789", f"Abonnement {n}")
        for n in range(CHUNK - 1)
    ]  # fmt: skip
    deliver(workspace, "ing-csv", [lesson], "first")
    deliver(workspace, "ing-csv", [lesson, untitled, *later], "second")  # newest first

    assert turnover(workspace) == "160.00"


def test_a_providers_own_id_shared_by_two_of_its_formats_matches_whatever_the_text(
    workspace: Workspace,
) -> None:
    bookings = [b for b in months(YEAR, 4, 4) if b.credit]
    camt = [replace(b, ids={"camt": f"NL-REF-{b.number}"}) for b in bookings]
    feed = [
        replace(b, text=f"SEPA {b.eref or 'credit transfer'}", ids={"feed": f"NL-REF-{b.number}"})
        for b in bookings
    ]
    deliver(workspace, "camt", camt, "april")
    deliver(workspace, "feed", feed, "enablebanking april")

    assert turnover(workspace) == money(credits_cents(bookings))


def test_a_bank_id_repeated_with_another_amount_is_kept_and_flagged_not_dropped(
    workspace: Workspace,
) -> None:
    payment = next(b for b in months(YEAR, 7, 7) if b.credit)
    corrected = replace(payment, amount=payment.amount + Decimal("10.00"))
    deliver(workspace, "camt", [replace(payment, ids={"camt": "REF-1"})], "july")
    deliver(workspace, "camt", [replace(corrected, ids={"camt": "REF-1"})], "july-again")

    rows = counted(ledger_rows(workspace))
    assert len(rows) == 2 and all("REVIEW" in row["flags"].split() for row in rows)
    expected = int(payment.amount * 100) + int(corrected.amount * 100)
    assert turnover(workspace) == money(expected)
