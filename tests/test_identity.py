"""The identity of a bank transaction across carriers (ledger/identity.py), rule by rule."""

from __future__ import annotations

from korwatch.ledger.identity import (
    Carrier,
    account_key,
    booked_on_value,
    fit,
    near_fit,
    plain,
    strong_text,
)


def carrier(**changes: object) -> Carrier:
    values: dict[str, object] = {
        "id": 1, "key": "k", "day": "2026-03-09", "cents": 35_000, "currency": "EUR",
        "account": "1234567", "name": "Atelier Zuid", "iban": "NL91ABNA0417164300",
        "text": "Factuur 2026-041", "bank_id": "", "value_day": None, "format": "ing-csv",
        "document": "a", "line": 1,
    }  # fmt: skip
    values.update(changes)
    return Carrier(**values)  # type: ignore[arg-type]


def test_an_iban_its_spaced_form_and_the_old_account_number_are_one_account() -> None:
    assert account_key("NL20INGB0001234567") == "1234567"
    assert account_key("nl20 ingb 0001 2345 67") == "1234567"
    assert account_key("0001234567") == "1234567"
    assert account_key("TRIODOSBANK/0390123456") == account_key("NL26TRIO0390123456")


def test_case_space_punctuation_and_accents_do_not_matter() -> None:
    assert plain("Café 't Hoekje") == plain("CAFE T HOEKJE") == "CAFETHOEKJE"
    assert plain("Factuur 2026-\n041") == plain("factuur 2026041")


def test_a_name_cut_at_32_characters_and_a_text_wrapped_at_65_still_fit() -> None:
    full = carrier(
        name="Stichting Culturele Evenementen Noord-Holland",
        text="Factuur 2026-003 voor fotografie en beeldbewerking, project 01-2",
    )
    ofx = carrier(iban="", name="Stichting Culturele Evenementen", text=full.text)
    mt940 = carrier(text="Factuur 2026-003 voor fotografie en beeldbewerking, project 0 1-2")
    assert fit(full, ofx) is not None
    assert fit(full, mt940) is not None


def test_different_counterparty_accounts_or_texts_are_different_payments() -> None:
    assert fit(carrier(), carrier(iban="NL18RABO0123459876")) is None
    assert fit(carrier(), carrier(text="Factuur 2026-042")) is None
    assert fit(carrier(iban=""), carrier(iban="", name="Studio Oost")) is None


def test_texts_that_share_their_words_but_not_their_invoice_number_do_not_fit() -> None:
    words = " voor fotografie en beeldbewerking, project 03"
    assert (
        fit(carrier(text="Factuur 2026-041" + words), carrier(text="Factuur 2026-042" + words))
        is None
    )
    assert fit(carrier(text="Factuur 41" + words), carrier(text="Factuur 410" + words)) is None
    # A bank that drops the letters SWIFT lacks still shares a run and the numbers.
    assert fit(carrier(text="Größe 3" + words), carrier(text="Gre 3" + words)) is not None


def test_what_one_carrier_lacks_is_no_evidence() -> None:
    assert fit(carrier(), carrier(iban="", name="", text="")) == 0


def test_equal_bank_ids_decide_and_different_ids_of_one_format_separate() -> None:
    assert fit(carrier(bank_id="X1", text="a"), carrier(bank_id="X1", text="b")) == 64
    assert fit(carrier(bank_id="X1"), carrier(bank_id="X2")) is None
    assert fit(carrier(bank_id="X1"), carrier(bank_id="X2", format="camt")) is not None


def test_value_dates_tie_booking_dates_a_few_days_apart_and_nothing_else() -> None:
    # CAMT booked Monday with value Friday; MT940 without entry date booked on Friday.
    mt940 = booked_on_value("mt940", "2026-03-06", "2026-03-06")
    assert mt940 and not booked_on_value("camt", "2026-03-06", "2026-03-06")
    assert near_fit("2026-03-09", "2026-03-06", "2026-03-06", "2026-03-06", (False, mt940))
    assert near_fit("2026-03-06", "2026-03-06", "2026-03-09", "2026-03-06", (mt940, False))
    assert not near_fit("2026-03-10", "2026-03-10", "2026-03-09", "2026-03-09", (False, mt940))
    assert not near_fit("2026-03-20", "2026-03-06", "2026-03-06", "2026-03-06", (False, mt940))


def test_equal_value_dates_do_not_tie_two_carriers_that_may_not_lack_an_entry_date() -> None:
    # A CSV booked 30 June and a CAMT booked 1 July with value 30 June: two payments.
    assert not near_fit("2026-07-01", "2026-06-30", "2026-06-30", "2026-06-30", (False, False))


def test_the_strong_text_is_the_start_of_the_plain_text_and_needs_six_characters() -> None:
    assert strong_text("Factuur 2026-041 voor fotografie") == "FACTUUR2026041VO"
    assert strong_text("Les") == ""
