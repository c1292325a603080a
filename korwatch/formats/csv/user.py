"""User-defined CSV profiles from the configuration (`[csv_profile.<name>]` tables).

A user profile never claims a file by detection (`identify` is always False): it is used only
where the config names it (`format = "<name>"` on a source, or `--format`), so it can never
compete with, or shadow, a built-in profile. Every problem in the table is reported at once, each
starting with its key path (`csv_profile.mybank.columns.amount: required`).

Keys: delimiter, decimal_mark, thousands_mark, date_format (strptime), encoding (fallback after
UTF-8), skip_lines, header (true/false), default_currency, label, and a `columns` table with
date, amount (required), sign, credit_values, debit_values, sign_rule ("signed" | "sign_column" |
"debit_negative_column"), counterparty_name, counterparty_iban, description, reference, id,
account, currency, value_date, code. Columns are header names (header = true) or 0-based indexes.
"debit_negative_column" means `amount` holds credits and a separate column `debit` holds debits.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from datetime import datetime

from korwatch.formats.base import Parser
from korwatch.formats.csv.layout import Profile
from korwatch.formats.csv.profile import ProfileParser
from korwatch.formats.csv.user_rows import UserProfileParser

_TOP = {
    "delimiter": str,
    "decimal_mark": str,
    "thousands_mark": str,
    "date_format": str,
    "encoding": str,
    "skip_lines": int,
    "header": bool,
    "default_currency": str,
    "label": str,
    "columns": dict,
}
_FIELD_COLUMNS = {
    "date": "date",
    "amount": "amount",
    "debit": "debit",
    "sign": "sign",
    "counterparty_name": "counterparty_name",
    "counterparty_iban": "counterparty_iban",
    "description": "description",
    "reference": "reference",
    "id": "bank_id",
    "account": "account",
    "currency": "currency",
    "value_date": "value_date",
    "code": "code",
}
_SIGN_RULES = ("signed", "sign_column", "debit_negative_column")


def profile_from_config(
    name: str, table: dict[str, object], key_path: str
) -> tuple[Parser | None, list[str]]:
    """A parser for the user profile `table`, or None and every problem found (key-pathed)."""
    problems: list[str] = []
    for key, value in table.items():
        expected = _TOP.get(key)
        if expected is None:
            problems.append(f"{key_path}.{key}: unknown key")
        elif not isinstance(value, expected) or (expected is int and isinstance(value, bool)):
            problems.append(f"{key_path}.{key}: must be a {expected.__name__}")
    problems += _check_values(table, key_path)
    columns = table.get("columns")
    if not isinstance(columns, dict):
        problems.append(f"{key_path}.columns: required (a table naming the columns)")
        return None, problems
    mapping, sign = _check_columns(columns, bool(table.get("header", True)), key_path, problems)
    if problems:
        return None, problems
    return _build(name, table, mapping, sign), []


def _check_values(table: dict[str, object], key_path: str) -> list[str]:
    problems = []
    checks: dict[str, tuple[Callable[[str], bool], str]] = {
        "delimiter": (lambda v: len(v) == 1, "must be one character"),
        "decimal_mark": (lambda v: v in (",", "."), "must be ',' or '.'"),
        "thousands_mark": (lambda v: v in ("", ".", ",", " "), "must be '', '.', ',' or ' '"),
        "date_format": (_valid_date_format, "must be a strptime format with %Y, %m and %d"),
        "encoding": (_valid_encoding, "is not an encoding Python knows"),
        "default_currency": (
            lambda v: len(v) == 3 and v.isalpha() and v.isupper(),
            "must be a three-letter code like EUR",
        ),
    }
    for key, (check, message) in checks.items():
        value = table.get(key)
        if isinstance(value, str) and not check(value):
            problems.append(f"{key_path}.{key}: {message} (found {value!r})")
    if table.get("decimal_mark", ",") == table.get("thousands_mark"):
        problems.append(f"{key_path}.thousands_mark: must differ from decimal_mark")
    skip = table.get("skip_lines")
    if isinstance(skip, int) and not isinstance(skip, bool) and skip < 0:
        problems.append(f"{key_path}.skip_lines: must be 0 or more")
    return problems


def _valid_date_format(value: str) -> bool:
    if not all(part in value for part in ("%Y", "%m", "%d")) and "%y" not in value:
        return False
    try:
        datetime(2026, 1, 31).strftime(value)  # noqa: DTZ001 - only checks the format
    except ValueError:
        return False
    return True


def _valid_encoding(value: str) -> bool:
    try:
        codecs.lookup(value)
    except LookupError:
        return False
    return True


def _check_columns(
    columns: dict[str, object], header: bool, key_path: str, problems: list[str]
) -> tuple[dict[str, tuple[str, ...] | int], tuple[str, tuple[str, ...], tuple[str, ...]]]:
    path = f"{key_path}.columns"
    mapping: dict[str, tuple[str, ...] | int] = {}
    for key, value in columns.items():
        if key in ("credit_values", "debit_values", "sign_rule"):
            continue
        if key not in _FIELD_COLUMNS:
            problems.append(f"{path}.{key}: unknown key")
        elif header and isinstance(value, str) and value:
            mapping[_FIELD_COLUMNS[key]] = (value,)
        elif isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            mapping[_FIELD_COLUMNS[key]] = value
        else:
            kind = "a header name or a 0-based index" if header else "a 0-based index"
            problems.append(f"{path}.{key}: must be {kind}")
    for required in ("date", "amount"):
        if required not in columns:
            problems.append(f"{path}.{required}: required")
    return mapping, _check_sign(columns, path, problems)


def _check_sign(
    columns: dict[str, object], path: str, problems: list[str]
) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    rule = columns.get("sign_rule", "sign_column" if "sign" in columns else "signed")
    if rule not in _SIGN_RULES:
        problems.append(f"{path}.sign_rule: must be one of {', '.join(_SIGN_RULES)}")
        return "signed", (), ()
    words: list[tuple[str, ...]] = []
    for key in ("credit_values", "debit_values"):
        value = columns.get(key, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            problems.append(f"{path}.{key}: must be a list of non-empty strings")
            value = []
        elif rule == "sign_column" and not value:
            problems.append(f"{path}.{key}: required when sign_rule is 'sign_column'")
        words.append(tuple(value))
    if rule == "sign_column" and "sign" not in columns:
        problems.append(f"{path}.sign: required when sign_rule is 'sign_column'")
    if rule == "debit_negative_column" and "debit" not in columns:
        problems.append(f"{path}.debit: required when sign_rule is 'debit_negative_column'")
    return str(rule), words[0], words[1]


def _build(
    name: str,
    table: dict[str, object],
    mapping: dict[str, tuple[str, ...] | int],
    sign: tuple[str, tuple[str, ...], tuple[str, ...]],
) -> ProfileParser:
    def text(key: str, default: str) -> str:
        value = table.get(key, default)
        return value if isinstance(value, str) else default

    skip = table.get("skip_lines", 0)
    profile = Profile(
        name=name,
        label=text("label", f"CSV profile {name!r} from the configuration"),
        delimiter=text("delimiter", ","),
        columns=mapping,
        decimal_mark=text("decimal_mark", ","),
        thousands_mark=text("thousands_mark", ""),
        date_format=text("date_format", "%Y-%m-%d"),
        encoding=text("encoding", "cp1252"),
        default_currency=text("default_currency", "EUR"),
        sign_rule=sign[0],
        credit_words=sign[1],
        debit_words=sign[2],
        claims=False,
    )
    return UserProfileParser(
        profile,
        header=bool(table.get("header", True)),
        skip_lines=skip if isinstance(skip, int) else 0,
    )
