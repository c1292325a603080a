"""`korwatch decide`: a person's decision on a flagged credit, stored in the ledger with who,
when and why, applied by the rules at once, undone on request."""

from __future__ import annotations

import json
import sqlite3
from datetime import date
from decimal import Decimal as D

from tests.conftest import Workspace
from tests.helpers import Payment, SmtpServer, ing_csv, text_and_html
from tests.review.support import LENDER_IBAN, SALES, ledger_rows, row_of, year_with_loan


def test_a_loan_decided_as_not_turnover_leaves_the_count_and_the_ledger_says_who_and_why(
    workspace: Workspace,
) -> None:
    record = year_with_loan(workspace)
    before = workspace.status()
    assert (before["turnover"], before["level"]) == ("16500.00", "warning")
    assert before["review_items"] == 3
    assert "REVIEW" in row_of(workspace, "5000.00")["flags"]

    code, out, err = workspace.run(
        "decide", record, "--as", "loan", "--note", "lening van oom Jan", "--by", "selina"
    )
    assert code == 0, err
    assert f"record {record}" in out and "is not turnover: loan" in out

    after = workspace.status()
    assert (after["turnover"], after["level"], after["review_items"]) == ("11500.00", "ok", 2)
    row = row_of(workspace, "5000.00")
    assert row["counted"] == "false" and row["category"] == "loan" and row["rule"] == "decision"
    assert "REVIEW" not in row["flags"]
    assert (row["decided_by"], row["decision_note"], row["decided_for"]) == (
        "selina",
        "lening van oom Jan",
        "this credit",
    )
    assert row["decided_at"].startswith("2026-11-26T")
    assert "decided by selina on 2026-11-26" in row["reason"]


def test_the_text_ledger_names_each_record_number_that_decide_takes(workspace: Workspace) -> None:
    record = year_with_loan(workspace)
    code, out, _ = workspace.run("ledger", "--year", "2026")
    assert code == 0
    assert f"J. de Vries | overboeking zoals afgesproken (ing.csv; record {record})" in out.replace(
        str(workspace.inbox) + "/", ""
    )


def test_undo_puts_the_credit_back_under_its_rules_and_keeps_the_history(
    workspace: Workspace,
) -> None:
    record = year_with_loan(workspace)
    assert workspace.run("decide", record, "--as", "loan", "--by", "selina")[0] == 0
    code, out, err = workspace.run("decide", record, "--undo", "--by", "wout")
    assert code == 0, err
    assert "goes back to its rules" in out
    status = workspace.status()
    assert (status["turnover"], status["level"], status["review_items"]) == (
        "16500.00",
        "warning",
        3,
    )
    row = row_of(workspace, "5000.00")
    assert row["decided_by"] == "" and "REVIEW" in row["flags"]
    with sqlite3.connect(workspace.root / "state" / "ledger.sqlite3") as connection:
        history = connection.execute(
            "SELECT category, author, undone_by FROM decisions WHERE record = ?", (record,)
        ).fetchall()
    assert history == [("loan", "selina", "wout")]
    code, _, err = workspace.run("decide", record, "--undo", "--by", "wout")
    assert code == 1 and f"record {record} has no decision to undo" in err


def test_deciding_a_credit_again_replaces_its_decision(workspace: Workspace) -> None:
    record = year_with_loan(workspace)
    assert workspace.run("decide", record, "--as", "loan", "--by", "selina")[0] == 0
    assert workspace.run("decide", record, "--as", "turnover", "--by", "wout")[0] == 0
    row = row_of(workspace, "5000.00")
    assert (row["counted"], row["category"], row["decided_by"]) == ("true", "turnover", "wout")
    assert workspace.status()["turnover"] == "16500.00"
    assert workspace.status()["review_items"] == 2


def test_always_for_this_iban_decides_the_lenders_other_credits_too(
    workspace: Workspace,
) -> None:
    second = Payment(date(2026, 8, 3), D("2500.00"), "J de Vries", LENDER_IBAN, "tweede deel")
    record = year_with_loan(workspace, second)
    code, out, err = workspace.run(
        "decide", record, "--as", "loan", "--always", "--by", "selina", "--json"
    )
    assert code == 0, err
    facts = json.loads(out)
    assert (facts["scope"], facts["value"], facts["counts"]) == ("iban", LENDER_IBAN, False)
    other = row_of(workspace, "2500.00")
    assert (other["counted"], other["rule"], other["category"]) == ("false", "always-iban", "loan")
    assert other["decided_for"] == f"iban {LENDER_IBAN}" and other["decided_by"] == "selina"
    assert f"always for IBAN {LENDER_IBAN}, decided by selina" in other["reason"]
    # A credit from that account imported later is decided by the same rule.
    later = Payment(date(2026, 9, 1), D("1000.00"), "J. de Vries", LENDER_IBAN, "derde deel")
    workspace.drop("ing-later.csv", ing_csv([later]))
    assert workspace.run("scan")[0] == 0
    assert row_of(workspace, "1000.00")["rule"] == "always-iban"
    assert workspace.status()["turnover"] == "11500.00"


def test_a_config_rule_comes_before_an_always_decision(workspace: Workspace) -> None:
    """The config's own [[business.rule]]s are the deliberate, narrower place for lasting rules:
    where one matches, an "always" decision does not apply (tax/decisions.py)."""
    record = year_with_loan(workspace, Payment(date(2026, 8, 3), D("700.00"), "J. de Vries",
                                               LENDER_IBAN, "workshop"))  # fmt: skip
    assert workspace.run("decide", record, "--as", "loan", "--always", "iban", "--by", "s")[0] == 0
    text = workspace.config.read_text(encoding="utf-8")
    rule = (
        '\n  [[business.rule]]\n  label = "workshops"\n  description = "workshop"\n'
        '  category = "turnover"\n'
    )
    workspace.config.write_text(
        text.replace("\n  [[business.source]]", rule + "\n  [[business.source]]")
    )
    row = row_of(workspace, "700.00")
    assert (row["counted"], row["rule"]) == ("true", "user-rule:workshops")
    assert row_of(workspace, "5000.00")["rule"] == "decision"


def test_a_decision_that_brings_turnover_over_the_threshold_sends_the_crossing_alert(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    kept_out = Payment(date(2026, 9, 14), D("9000.00"), "Klant C", description="lening terug")
    workspace.drop("ing.csv", ing_csv([*SALES, kept_out]))
    assert workspace.run("scan")[0] == 0
    assert workspace.status()["turnover"] == "11500.00"
    sent_before = len(smtp_server.messages)
    record = row_of(workspace, "9000.00")["record"]
    code, out, err = workspace.run(
        "decide", record, "--as", "turnover", "--note", "was factuur 2026-03", "--by", "selina"
    )
    assert code == 0, err
    status = workspace.status()
    assert (status["level"], status["crossing"]["record"]) == ("crossed", int(record))
    crossed = smtp_server.messages[sent_before:]
    assert len(crossed) == 1 and "sent" in out
    text, _ = text_and_html(crossed[0])
    assert "14" in text and "9.000,00" in text
    # Deciding again does not alert again.
    assert workspace.run("decide", record, "--as", "turnover", "--by", "wout")[0] == 0
    assert len(smtp_server.messages) == sent_before + 1


def test_a_reported_crossing_that_a_decision_takes_away_stands_for_an_adviser(
    workspace: Workspace, smtp_server: SmtpServer
) -> None:
    """U3: like a credit note after the crossing, a decision does not restore the KOR."""
    big = Payment(date(2026, 3, 2), D("5000.50"), "Klant D", description="Factuur 2026-04")
    record = year_with_loan(workspace, big)  # 21,500.50: crossed by the loan, alert sent
    assert workspace.status()["crossing"]["record"] == int(record)
    sent = len(smtp_server.messages)
    assert workspace.run("decide", record, "--as", "loan", "--by", "selina")[0] == 0
    status = workspace.status()
    assert status["turnover"] == "16500.50"
    assert (status["level"], status["crossed"]) == ("crossed", True)
    assert status["crossing"]["record"] == int(record)
    assert status["crossing"]["amount"] == "5000.00"
    assert "ADVISER_REVIEW" in status["flags"]
    assert "U3" in [point["id"] for point in status["uncertain"]]
    assert len(smtp_server.messages) == sent  # nothing new to say


def test_what_cannot_be_decided_is_refused_with_a_clear_message(workspace: Workspace) -> None:
    record = year_with_loan(workspace)
    debit = row_of(workspace, "-80.00")["record"]
    for args, message in (
        ((debit, "--as", "loan"), f"record {debit} is money out (a debit): only bank credits"),
        (("99999", "--as", "loan"), "there is no record 99999 in the ledger"),
        ((record, "--as", "gift"), '"gift" is not a decision; one of: turnover, loan,'),
        ((record, "--as", "loan", "--note", "x" * 501), "the note is 501 characters long"),
    ):
        code, _, err = workspace.run("decide", *args, "--by", "selina")
        assert code == 1, args
        assert message in err, err
    assert all(row["decided_by"] == "" for row in ledger_rows(workspace))
