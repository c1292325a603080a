"""`korwatch advise` through the real CLI, a real ledger file and the business's language."""

from __future__ import annotations

import json

import pytest

from tests.advice.ledgers import crossing_csv, photographer_csv
from tests.conftest import Workspace

NOW = "2026-11-26T12:00:00+01:00"


def _imported(workspace: Workspace, csv: str, extra: str = "") -> None:
    if extra:
        text = workspace.config.read_text(encoding="utf-8")
        marker = 'own_ibans = ["NL20INGB0001234567"]\n'
        workspace.config.write_text(text.replace(marker, marker + extra + "\n"), encoding="utf-8")
    path = workspace.drop("ing-2026.csv", csv)
    code, _, err = workspace.run("import", str(path), "-q", now=NOW)
    assert code == 0, err


def test_advise_json_names_the_choice_the_figures_and_the_dates(workspace: Workspace) -> None:
    """The photographer of test_scenarios.py, from an ING export: the same EUR 280.60."""
    _imported(workspace, photographer_csv())
    code, out, _ = workspace.run("advise", "--json", "--invest", "4000@2027-03-15", now=NOW)
    assert code == 0
    advice = json.loads(out)["businesses"][0]
    assert advice["verdict"]["choice"] == "leave"
    assert advice["verdict"]["difference"] == {"low": "280.60", "high": "280.60"}
    assert advice["verdict"]["input_vat"] == {"low": "895.81", "high": "895.81"}
    assert advice["verdict"]["absorbed"] == {"low": "215.21", "high": "215.21"}
    assert advice["verdict"]["administration"] == "400.00"
    assert [p["name"] for p in advice["periods"]] == ["so-far", "next-year"]
    assert advice["dates"]["notice_by"] == "2026-12-03"
    assert advice["dates"]["takes_effect"] == "2027-01-01"
    assert advice["dates"]["earliest_reentry"] == "2029-01-01"
    assert advice["investments"] == [
        {
            "amount": "4000.00",
            "date": "2027-03-15",
            "dated": True,
            "vat": "694.21",
            "deductible": True,
            "capital_good": True,
        }
    ]
    assert advice["revision"]["rejoining"]["relieved"] is True
    assert advice["basis"]["customers"]["consumer"]["share"] == "11.9"
    assert advice["administration"] == {
        "hours_per_return": "2",
        "hourly_rate": "50.00",
        "per_return": "100.00",
        "return_period": "quarter",
        "default": True,
    }


def test_advise_speaks_dutch_by_default_and_english_when_the_business_does(
    workspace: Workspace,
) -> None:
    _imported(workspace, photographer_csv())
    code, out, _ = workspace.run("advise", "--invest", "4000@2027-03-15", now=NOW)
    assert code == 0
    assert "Afmelden voor de KOR per 1 januari 2027 levert in 2027 ongeveer € 281 op" in out
    assert "voorbelasting € 896 (waarvan € 694 op geplande aankopen)" in out
    assert "Laatste dag om je af te melden per 1 januari 2027: 3 december 2026" in out
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(
        text.replace('own_ibans = ["NL20INGB0001234567"]', 'own_ibans = ["NL20INGB0001234567"]\n'
                     'language = "en"'), encoding="utf-8"
    )  # fmt: skip
    code, out, _ = workspace.run("advise", "--invest", "4000@2027-03-15", now=NOW)
    assert "Leaving the KOR from 1 January 2027 would save about €281 in 2027" in out
    assert "Last day to deregister for 1 January 2027: 3 December 2026" in out


def test_without_the_camera_staying_pays_and_a_purchase_would_turn_it(
    workspace: Workspace,
) -> None:
    """413.61 short (test_scenarios.py); a purchase with 413.61 x 121/21 = 2,383.18 of VAT
    inside it would make up for it."""
    _imported(workspace, photographer_csv(), 'language = "en"')
    code, out, _ = workspace.run("advise", now=NOW)
    assert code == 0
    assert "Staying in the KOR pays: leaving from 1 January 2027 would cost about €414" in out
    assert "a purchase of €2,383 (21% VAT included) after leaving" in out


def test_a_b2b_share_of_100_percent_leaves_nothing_to_absorb(workspace: Workspace) -> None:
    _imported(workspace, photographer_csv())
    code, out, _ = workspace.run("advise", "--json", "--b2b-share", "100", now=NOW)
    assert code == 0
    advice = json.loads(out)["businesses"][0]
    assert advice["verdict"]["absorbed"] == {"low": "0.00", "high": "0.00"}
    assert "b2b-share" in advice["notes"] and advice["b2b_share"] == "100"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--invest", "vierduizend"), '--invest "vierduizend": write a positive amount'),
        (("--invest", "4000@15-03-2027"), "write the date as YYYY-MM-DD"),
        (("--invest", "-5"), "write a positive amount"),
        (("--invest", "4000.001"), "write a positive amount"),
        (("--b2b-share", "120"), '--b2b-share "120": write a percentage from 0 to 100'),
        (("--b2b-share", "nan"), "write a percentage from 0 to 100"),
        (("--year", "2027"), "--year 2027 has not begun"),
    ],
)
def test_bad_arguments_are_one_clear_line_and_exit_2(
    workspace: Workspace, arguments: tuple[str, ...], message: str
) -> None:
    code, out, err = workspace.run("advise", *arguments, now=NOW)
    assert code == 2 and out == ""
    assert err.startswith("korwatch advise: ") and message in err and err.count("\n") == 1


def test_a_dutch_amount_with_a_decimal_comma_is_read_as_written(workspace: Workspace) -> None:
    _imported(workspace, photographer_csv())
    code, out, _ = workspace.run("advise", "--json", "--invest", "4.000,00@2027-03-15", now=NOW)
    assert code == 0
    assert json.loads(out)["businesses"][0]["investments"][0]["amount"] == "4000.00"


@pytest.mark.parametrize(
    ("written", "amount"),
    [
        ("4.000", "4000.00"),
        ("12.500", "12500.00"),
        ("1.234.567", "1234567.00"),
        ("4000.5", "4000.50"),
    ],
)
def test_dots_between_groups_of_three_digits_are_dutch_thousands(
    workspace: Workspace, written: str, amount: str
) -> None:
    """A Dutch user writes four thousand as 4.000: it is not four euros."""
    _imported(workspace, photographer_csv())
    code, out, _ = workspace.run("advise", "--json", "--invest", f"{written}@2027-03-15", now=NOW)
    assert code == 0
    assert json.loads(out)["businesses"][0]["investments"][0]["amount"] == amount


def test_after_a_crossing_advise_says_what_changed_in_euros(workspace: Workspace) -> None:
    _imported(workspace, crossing_csv(), 'language = "en"')
    code, out, _ = workspace.run("advise", "--json", now=NOW)
    advice = json.loads(out)["businesses"][0]
    assert advice["verdict"] is None
    after = advice["after_crossing"]
    assert (after["since"], after["purchases"], after["deductible"]) == ("2026-09-14", 2, "220.50")
    assert (after["unrecognised"], after["unrecognised_vat"]) == (1, "42.00")
    assert after["credits"] == [
        {
            "date": "2026-09-20",
            "amount": "500.00",
            "counterparty": "Klant X",
            "invoice": "2026-043",
            "vat_on_top": "105.00",
            "vat_included": "86.78",
        }
    ]
    code, out, _ = workspace.run("advise", now=NOW)
    assert code == 0
    assert "The KOR ended with the crossing of 14 September 2026" in out
    assert "about €221 on 2 purchases since 14 September 2026" in out
    assert "earliest re-entry is 1 January 2028" in out


def test_looking_back_at_a_past_year_says_what_leaving_would_have_done(
    workspace: Workspace,
) -> None:
    _imported(workspace, photographer_csv(), 'language = "en"')
    code, out, _ = workspace.run("advise", "--year", "2026", now="2027-03-01T12:00:00+01:00")
    assert code == 0
    assert "leaving on 1 January 2026 would have cost" in out


def test_looking_back_the_dates_to_act_are_counted_from_today_not_from_that_year(
    workspace: Workspace,
) -> None:
    """Asked on 1 March 2027 about 2026: a deregistration received today reaches 1 April 2027
    (by 3 March 2027), not 1 April... of a year gone by; staying concerns 2027 and 2028."""
    _imported(workspace, photographer_csv(), 'language = "en"')
    now = "2027-03-01T12:00:00+01:00"
    code, out, _ = workspace.run("advise", "--year", "2026", "--json", now=now)
    assert code == 0
    dates = json.loads(out)["businesses"][0]["dates"]
    assert (dates["takes_effect"], dates["notice_by"]) == ("2027-04-01", "2027-03-03")
    assert dates["next_year_apply_by"] == "2027-12-03"
    out = workspace.run("advise", "--year", "2026", now=now)[1]
    assert "Last day to deregister for 1 April 2027: 3 March 2027" in out
    assert "continues by itself into 2028 while 2027 turnover" in out


def test_a_business_outside_the_kor_is_told_whether_joining_pays(workspace: Workspace) -> None:
    _imported(workspace, photographer_csv(), 'language = "en"\n  [business.vat]\n  in_kor = false')
    code, out, _ = workspace.run("advise", "--json", now=NOW)
    advice = json.loads(out)["businesses"][0]
    assert advice["in_kor"] is False
    assert advice["verdict"]["choice"] == "join"
    code, out, _ = workspace.run("advise", now=NOW)
    assert code == 0
    assert "Joining the KOR from 1 January 2027 would save about" in out
    assert "the application must be received by 3 December 2026" in out


def test_with_nothing_imported_there_is_nothing_to_weigh_and_no_verdict(
    workspace: Workspace,
) -> None:
    code, out, _ = workspace.run("advise", "--json", now=NOW)
    assert code == 0
    advice = json.loads(out)["businesses"][0]
    assert advice["verdict"] is None and advice["notes"] == ["no-data"]
    code, out, _ = workspace.run("advise", now=NOW)
    assert "Er valt nog niets af te wegen" in out and "Afmelden levert op" not in out


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_figures_stand_in_columns_whatever_their_width(
    workspace: Workspace, language: str
) -> None:
    """The photographer with a EUR 40,000 purchase planned: four- and five-figure ranges next
    to the longest labels still stand in right-aligned columns, two spaces apart at least."""
    _imported(workspace, photographer_csv(), f'language = "{language}"')
    code, out, _ = workspace.run("advise", "--invest", "40000@2027-03-15", now=NOW)
    assert code == 0
    lines = out.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith(" ") and "2026 " in line)
    table = lines[first : first + 8]
    assert len({len(line) for line in table}) == 1, table
    for line in table[1:]:
        label, _, cells = line.partition("  ")
        assert label and "€" in cells and cells.rstrip().count("  ") >= 1, line
        assert "€" not in label, line
