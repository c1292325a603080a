"""`[business.advice]` is read with every problem named by its key path, and the example's
commented block is a working configuration once uncommented."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from korwatch.config.load import load_config
from korwatch.errors import ConfigError
from tests.helpers import config_text

EXAMPLE = Path(__file__).resolve().parents[2] / "config" / "korwatch.example.toml"


def _example_advice_block() -> str:
    """The commented [business.advice] block of the example, uncommented (its prose lines,
    which are neither a table nor a key, left out)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    start = text.index("  # [business.advice]")
    end = text.index("  [[business.source]]", start)
    lines = [re.sub(r"^  # ?", "", line) for line in text[start:end].splitlines()]
    return "\n".join(line for line in lines if re.match(r"^(?:\[|[a-z_0-9]+ = )", line))


def test_the_example_advice_block_reads_as_documented(tmp_path: Path) -> None:
    path = tmp_path / "korwatch.toml"
    path.write_text(
        config_text(tmp_path, mail_dir=tmp_path, extra_business=_example_advice_block())
    )
    advice = load_config(path, environ={}).businesses[0].advice
    assert advice.hours_per_return == Decimal(2) and advice.hourly_rate_cents == 5000
    assert advice.b2b_share == Decimal(80) and advice.autumn_month_day == (10, 1)
    assert advice.notify_difference_cents == 50000 and advice.capital_good_cents == 45000
    assert [(rule.label, rule.value, rule.counterparty) for rule in advice.costs] == [
        ("flex desk", "general", "spaces")
    ]
    assert [(rule.value, rule.counterparty) for rule in advice.customers] == [("consumer", "sumup")]
    assert not advice.admin_default  # hours and rate were given


def test_without_the_table_the_defaults_apply_and_are_said_to_be_defaults(tmp_path: Path) -> None:
    path = tmp_path / "korwatch.toml"
    path.write_text(config_text(tmp_path, mail_dir=tmp_path))
    advice = load_config(path, environ={}).businesses[0].advice
    assert advice.admin_default and advice.cost_per_return_cents == 10000
    assert advice.autumn_email and advice.returns_per_year() == 4


def test_every_problem_in_the_advice_table_is_named_by_its_key(tmp_path: Path) -> None:
    bad = """
  [business.advice]
  autumn_date = "13-45"
  return_period = "week"
  b2b_share = 120
  hours_per_return = -1
  colour = "red"
  [[business.advice.cost]]
  vat = "high"
  [[business.advice.customer]]
  counterparty = "X"
  kind = "robot"
"""
    path = tmp_path / "korwatch.toml"
    path.write_text(config_text(tmp_path, mail_dir=tmp_path, extra_business=bad))
    with pytest.raises(ConfigError) as caught:
        load_config(path, environ={})
    problems = "\n".join(caught.value.problems)
    for expected in (
        'business[0].advice.autumn_date: "13-45" is not a day of the year written MM-DD',
        'business[0].advice.return_period: "week" is not one of',
        "business[0].advice.b2b_share: 120.00 must be a percentage from 0 to 100",
        "business[0].advice.hours_per_return: -1.00 must not be negative",
        "business[0].advice.colour: unknown key",
        'business[0].advice.cost[0].vat: "high" is not one of',
        "business[0].advice.cost[0].vat: the rule has no condition",
        'business[0].advice.customer[0].kind: "robot" is not one of',
    ):
        assert expected in problems, expected
