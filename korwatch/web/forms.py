"""Reading what a visitor typed or chose: every value checked, each problem a clear message.

Each reader returns the value (or the default) and adds the key of a message (i18n.py) to
`problems` when the input is not acceptable, so the page can show it and go on with the
default instead of failing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from korwatch.models import cents

TEXT_LIMIT = 200


@dataclass
class Reader:
    """The values of one query string or form, read one by one."""

    values: Mapping[str, str]
    problems: list[str] = field(default_factory=list)

    def text(self, name: str, limit: int = TEXT_LIMIT) -> str:
        value = " ".join(self.values.get(name, "").split())
        if len(value) > limit:
            self.problems.append(f"too_long:{name}")
            return value[:limit]
        return value

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = self.values.get(name, "") or default
        if value not in choices:
            self.problems.append(f"bad_choice:{name}")
            return default
        return value

    def number(self, name: str, low: int, high: int, default: int | None) -> int | None:
        raw = self.values.get(name, "").strip()
        if not raw:
            return default
        if not raw.isdigit() or not low <= int(raw) <= high:
            self.problems.append(f"bad_number:{name}")
            return default
        return int(raw)

    def amount(self, name: str) -> int | None:
        """An amount in euro as cents: "1500", "1500.50", "1.500,50" or "1,500.50"."""
        raw = self.values.get(name, "").strip().replace("€", "").replace(" ", "")
        if not raw:
            return None
        found = parse_amount(raw)
        if found is None:
            self.problems.append(f"bad_amount:{name}")
        return found


def parse_amount(raw: str) -> int | None:
    """Cents of an amount written the Dutch or the English way; None when it is not one."""
    text = raw.removeprefix("-")
    if not text or text.strip("0123456789.,"):
        return None
    if "," in text and "." in text:
        decimal_mark = "," if text.rindex(",") > text.rindex(".") else "."
    elif "," in text:
        decimal_mark = "," if len(text) - text.rindex(",") <= 3 else ""
    else:
        decimal_mark = "." if "." in text and len(text) - text.rindex(".") <= 3 else ""
    thousands = {",": ".", ".": ",", "": ".,"}[decimal_mark]
    for mark in thousands:
        text = text.replace(mark, "")
    text = text.replace(",", ".")
    try:
        value = Decimal(text)
        if not value.is_finite() or abs(value) >= Decimal("1e12"):
            return None
        found = cents(value)  # ValueError with more than two decimals
    except (InvalidOperation, ValueError):
        return None
    return -found if raw.startswith("-") else found
