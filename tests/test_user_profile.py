"""A user-defined CSV profile in the config, used through `format` and `import --format`."""

from __future__ import annotations

from tests.conftest import Workspace

PROFILE = """
[csv_profile.spaarbank]
delimiter = ";"
decimal_mark = ","
date_format = "%d-%m-%Y"
header = true
  [csv_profile.spaarbank.columns]
  date = "Datum"
  amount = "Bedrag"
  counterparty_name = "Naam"
  description = "Omschrijving"
"""

EXPORT = (
    "Datum;Bedrag;Naam;Omschrijving\n"
    "02-03-2026;1250,50;Klant BV;Factuur 2026-007\n"
    "05-03-2026;-99,00;Leverancier;Inkoop\n"
)


def test_a_user_profile_reads_a_file_only_when_named(workspace: Workspace) -> None:
    text = workspace.config.read_text(encoding="utf-8")
    workspace.config.write_text(text + PROFILE, encoding="utf-8")
    export = workspace.root / "spaarbank.csv"
    export.write_text(EXPORT, encoding="utf-8")

    code, _, err = workspace.run("import", str(export))
    assert code == 1 and "spaarbank.csv" in err  # not detected: user profiles never compete

    code, out, err = workspace.run("import", "--format", "spaarbank", str(export))
    assert code == 0, err
    assert "spaarbank: 2 new" in out
    status = workspace.status()
    assert status["turnover"] == "1250.50"


def test_a_broken_user_profile_is_reported_with_its_key_path(workspace: Workspace) -> None:
    text = workspace.config.read_text(encoding="utf-8")
    broken = PROFILE.replace('amount = "Bedrag"\n', "").replace(
        'decimal_mark = ","', 'decimal_mark = "x"'
    )
    workspace.config.write_text(text + broken, encoding="utf-8")
    code, _, err = workspace.run("check-config")
    assert code == 2
    assert "csv_profile.spaarbank.columns.amount: required" in err
    assert "csv_profile.spaarbank.decimal_mark:" in err
