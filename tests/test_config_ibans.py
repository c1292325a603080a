"""IBANs in the config are checked, and a likely typo in one is pointed out (issue 17).

A wrong own IBAN counts the owner's own transfers as turnover and can raise a false crossing, so
`check-config` refuses an IBAN that is not one (checksum, country format, naming the key), and
`status` says when credits came from an account one slip away from a configured IBAN (an IBAN
computed from a mistyped account number is valid, yet the wrong account).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from tests.conftest import Workspace
from tests.helpers import OWN_IBAN, Payment, SmtpServer, config_text, ing_csv

SAVINGS = "NL32INGB0007777777"  # the owner's savings account
SAVINGS_MISTYPED = "NL05INGB0007777778"  # valid, computed from the account number ...778


def _configure(workspace: Workspace, smtp_server: SmtpServer, extra: str) -> None:
    text = config_text(workspace.inbox, smtp_port=smtp_server.port, extra_business=extra)
    workspace.config.write_text(text.replace(f'"{OWN_IBAN}"', f'"{OWN_IBAN}", "{SAVINGS}"'))


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (
            'own_ibans = ["NL32INGB0007777778"]',
            'business[0].own_ibans[0]: "NL32INGB0007777778" is not a valid IBAN '
            "(invalid checksum digits)",
        ),
        (
            'private_ibans = ["NL20INGB0001234567", "NL02 RABO 0123 4567 80"]',
            'business[0].private_ibans[1]: "NL02 RABO 0123 4567 80" is not a valid IBAN',
        ),
        (
            '[[business.rule]]\ncategory = "loan"\niban = "NL91ABNA041716430"',
            'business[0].rule[0].iban: "NL91ABNA041716430" is not a valid IBAN',
        ),
    ],
)
def test_an_iban_that_is_not_one_fails_check_config_naming_its_key(
    workspace: Workspace, smtp_server: SmtpServer, extra: str, problem: str
) -> None:
    text = config_text(workspace.inbox, smtp_port=smtp_server.port, extra_business=extra)
    if extra.startswith("own_ibans"):
        text = text.replace(f'own_ibans = ["{OWN_IBAN}"]\n', "")
    workspace.config.write_text(text, encoding="utf-8")
    code, _, err = workspace.run("check-config")
    assert code == 2
    assert problem in err


def test_ibans_written_with_spaces_and_lower_case_are_read(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    _configure(workspace, smtp_server, 'private_ibans = ["nl44 rabo 0123 4567 89"]')
    code, _, err = workspace.run("check-config")
    assert code == 0, err


def test_status_names_credits_from_an_iban_one_slip_from_an_own_iban(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    text = config_text(workspace.inbox, smtp_port=smtp_server.port)
    workspace.config.write_text(
        text.replace(f'"{OWN_IBAN}"', f'"{OWN_IBAN}", "{SAVINGS_MISTYPED}"')
    )
    transfers = [
        Payment(date(2026, 3, 1), Decimal("1500.00"), "S. de Wit", SAVINGS, "sparen"),
        Payment(date(2026, 6, 1), Decimal("2500.00"), "S. de Wit", SAVINGS, "sparen"),
        Payment(date(2026, 4, 1), Decimal("900.00"), "Klant BV", "NL91ABNA0417164300", "F-1"),
    ]
    workspace.drop("ing.csv", ing_csv(transfers))
    assert workspace.run("scan")[0] == 0
    status = workspace.status()
    assert status["likely_typos"] == [
        {
            "key": "own_ibans",
            "configured": SAVINGS_MISTYPED,
            "seen": SAVINGS,
            "credits": 2,
            "amount": "4000.00",
        }
    ]
    assert status["turnover"] == "4900.00"  # counted, until the config is corrected
    code, out, _ = workspace.run("status")
    assert code == 0
    assert f"likely typo in the config: own_ibans has {SAVINGS_MISTYPED}" in out
    assert f"came from {SAVINGS}" in out


def test_status_has_no_likely_typos_key_when_there_are_none(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    _configure(workspace, smtp_server, "")
    transfer = Payment(date(2026, 3, 1), Decimal("1500.00"), "S. de Wit", SAVINGS, "sparen")
    workspace.drop("ing.csv", ing_csv([transfer]))
    assert workspace.run("scan")[0] == 0
    status = workspace.status()
    assert "likely_typos" not in status
    assert status["turnover"] == "0.00"  # the savings account is an own account
