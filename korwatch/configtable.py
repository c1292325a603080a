"""A small reader for one TOML table that collects every problem with its key path.

Config sections (and each source kind) read their keys through a `Table`; nothing raises on the
first problem, so `check-config` can report everything at once (borgmatic's habit). Keys that were
never read are reported as unknown, with the closest known key as a hint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, TypeVar

from schwifty import IBAN
from schwifty.exceptions import SchwiftyException

from korwatch.clock import parse_interval

T = TypeVar("T")

_REFERENCE = re.compile(r"\$\{([^}]*)\}")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")  # line breaks, tabs and the like


class Secret:
    """A resolved secret: its value never shows in a repr, a log line or an error."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('***')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


SecretResolver = Callable[[str], str | None]


class Table:
    """One TOML table at `path` (e.g. "business[0].source[1]"), read key by key."""

    def __init__(
        self,
        data: Mapping[str, Any],
        path: str,
        problems: list[str],
        resolve: SecretResolver | None = None,
        base_dir: Path | None = None,
    ) -> None:
        self.data = data
        self.base_dir = base_dir  # relative paths in the file are relative to this folder
        self.path = path
        self.problems = problems
        self._resolve = resolve or (lambda _name: None)
        self._read: set[str] = set()

    def key(self, name: str) -> str:
        return f"{self.path}.{name}" if self.path else name

    def problem(self, name: str, message: str) -> None:
        self.problems.append(f"{self.key(name)}: {message}")

    def has(self, name: str) -> bool:
        return name in self.data

    def _get(
        self, name: str, kind: type | tuple[type, ...], label: str, *, secret: bool = False
    ) -> Any:
        self._read.add(name)
        if name not in self.data:
            return None
        value = self.data[name]
        if isinstance(value, bool) and bool not in (kind if isinstance(kind, tuple) else (kind,)):
            self.problem(name, f"must be {label}, not true/false")
            return None
        if not isinstance(value, kind):
            # A secret written by mistake as a number is still a secret: name its kind only.
            found = _kind_of(value) if secret else _describe(value)
            self.problem(name, f"must be {label}, not {found}")
            return None
        return value

    def string(
        self,
        name: str,
        default: str | None = None,
        *,
        required: bool = False,
        choices: tuple[str, ...] | None = None,
    ) -> str | None:
        value = self._get(name, str, "a string")
        if value is None:
            if required and name not in self.data:
                self.problem(name, "is required")
            return default
        if choices is not None and value not in choices:
            hint = ", ".join(f'"{c}"' for c in choices)
            self.problem(name, f'"{value}" is not one of {hint}')
            return default
        return str(value)

    def line(self, name: str, default: str) -> str:
        """A string shown in one line (a name in a table, a subject): no line break or tab."""
        value = self.string(name, default)
        if value is not None and _CONTROL.search(value):
            self.problem(name, "must be one line of text, without line breaks or tabs")
            return default
        return value or default

    def required_string(self, name: str, choices: tuple[str, ...] | None = None) -> str:
        return self.string(name, "", required=True, choices=choices) or ""

    def integer(
        self, name: str, default: int, minimum: int | None = None, maximum: int | None = None
    ) -> int:
        value = self._get(name, int, "a whole number")
        if value is None:
            return default
        if (minimum is not None and value < minimum) or (maximum is not None and value > maximum):
            self.problem(name, f"{value} is out of range ({minimum} to {maximum})")
            return default
        return int(value)

    def number(self, name: str, default: float) -> float:
        value = self._get(name, (int, float), "a number")
        return default if value is None else float(value)

    def duration(self, name: str) -> float | None:
        """Seconds, written as an interval ("90s", "5m", "1h") or a number of seconds."""
        value = self._get(name, (int, float, str), 'an interval such as "5m" or "90s"')
        if value is None:
            return None
        if isinstance(value, str):
            interval = parse_interval(value)
            seconds = interval.total_seconds() if interval is not None else None
        else:
            seconds = float(value)
        if seconds is None or not 0 < seconds < 10**7:
            self.problem(name, f'"{value}" is not an interval such as "5m" or "90s"')
            return None
        return seconds

    def boolean(self, name: str, default: bool) -> bool:
        value = self._get(name, bool, "true or false")
        return default if value is None else bool(value)

    def amount(self, name: str, default: Decimal | None = None) -> Decimal | None:
        """A euro amount, written as a number (15000) or a string ("15000.00")."""
        value = self._get(name, (int, float, str), "an amount in euro")
        return default if value is None else self._to_amount(name, value)

    def amounts(self, name: str) -> tuple[Decimal, ...] | None:
        value = self._get(name, list, "a list of amounts in euro")
        if value is None:
            return None
        found = [self._to_amount(f"{name}[{i}]", item) for i, item in enumerate(value)]
        return tuple(item for item in found if item is not None)

    def _to_amount(self, name: str, value: object) -> Decimal | None:
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            self.problem(name, f"must be an amount in euro, not {_describe(value)}")
            return None
        try:
            # A float from TOML goes through its shortest repr, so 15000.5 stays exact.
            amount = Decimal(repr(value) if isinstance(value, float) else str(value).strip())
        except InvalidOperation:
            self.problem(name, f'"{value}" is not an amount (write 15000 or "15000.00")')
            return None
        if not amount.is_finite() or amount < 0 or amount != amount.quantize(Decimal("0.01")):
            self.problem(name, f"{value} must be a positive amount with at most two decimals")
            return None
        return amount.quantize(Decimal("0.01"))

    def strings(self, name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        value = self._get(name, list, "a list of strings")
        if value is None:
            return default
        bad = [i for i, item in enumerate(value) if not isinstance(item, str)]
        for index in bad:
            self.problem(f"{name}[{index}]", f"must be a string, not {_describe(value[index])}")
        return tuple(item for item in value if isinstance(item, str))

    def ibans(self, name: str) -> frozenset[str]:
        """A list of IBANs, each checked (checksum, country format) and written compactly."""
        found = (self._iban(f"{name}[{i}]", item) for i, item in enumerate(self.strings(name)))
        return frozenset(iban for iban in found if iban)

    def iban(self, name: str) -> str:
        """One IBAN, checked and written compactly; "" when the key is absent or wrong."""
        value = self.string(name)
        return "" if value is None else self._iban(name, value)

    def _iban(self, name: str, value: str) -> str:
        # A wrong own IBAN (one digit off) silently counts the owner's own transfers as
        # turnover, so every IBAN is checked the way banks do (ISO 13616: country, length,
        # structure, the two check digits), with schwifty's registry of the formats.
        compact = "".join(value.split()).upper()
        try:
            IBAN(compact)
        except SchwiftyException as error:
            reason = str(error).rstrip(".")
            self.problem(name, f'"{value}" is not a valid IBAN ({reason[:1].lower()}{reason[1:]})')
            return ""
        return compact

    def secret(self, name: str) -> Secret | None:
        """A string that may hold ${VAR} or ${credential:NAME} references, resolved now.
        No problem reported about it ever shows its value."""
        raw = self._get(name, str, "a string", secret=True)
        if raw is None:
            return None
        resolved = self.resolve_references(name, raw)
        return None if resolved is None else Secret(resolved)

    def resolve_references(self, name: str, raw: str) -> str | None:
        missing: list[str] = []

        def substitute(match: re.Match[str]) -> str:
            found = self._resolve(match.group(1).strip())
            if found is None:
                missing.append(match.group(0))
                return ""
            return found

        value = _REFERENCE.sub(substitute, raw)
        for reference in missing:
            self.problem(name, f"{reference} is not set ({_where_hint(reference)})")
        return None if missing else value

    def table(self, name: str) -> Table:
        value = self._get(name, dict, "a table")
        return self.child(value or {}, self.key(name))

    def tables(self, name: str) -> list[Table]:
        value = self._get(name, list, "an array of tables ([[...]])")
        if value is None:
            return []
        found: list[Table] = []
        for index, item in enumerate(value):
            if isinstance(item, dict):
                found.append(self.child(item, f"{self.key(name)}[{index}]"))
            else:
                self.problems.append(f"{self.key(name)}[{index}]: must be a table")
        return found

    def child(
        self,
        data: Mapping[str, Any],
        path: str,
        *,
        problems: list[str] | None = None,
        base_dir: Path | None = None,
    ) -> Table:
        """A table inside this one (or, given `problems` and `base_dir`, one read from another
        file with the same secrets)."""
        return Table(
            data,
            path,
            self.problems if problems is None else problems,
            self._resolve,
            base_dir or self.base_dir,
        )

    def filepath(self, name: str, *, required: bool = False) -> Path | None:
        """A path; `~` expanded, relative ones taken from the config file's folder."""
        value = self.string(name, required=required)
        if not value:
            return None
        found = Path(value).expanduser()
        if found.is_absolute() or self.base_dir is None:
            return found
        return self.base_dir / found

    def raw(self, name: str) -> Any:
        """The value as TOML gave it, for a sub-reader that validates it itself."""
        self._read.add(name)
        return self.data.get(name)

    def finish(self) -> None:
        """Report every key that nothing read: a typo or a key from another version."""
        known = sorted(self._read)
        for name in self.data:
            if name not in self._read:
                close = _close_matches(name, known)
                hint = f' (did you mean "{close[0]}"?)' if close else ""
                self.problem(name, f"unknown key{hint}")


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, str):
        return f'the string "{value}"'
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return f"{type(value).__name__} {value!r}"


def _kind_of(value: object) -> str:
    """What kind of TOML value `value` is, without showing it (for secrets)."""
    if isinstance(value, int | float):
        return "a number (the value is not shown: it is a secret)"
    return _describe(value) if isinstance(value, dict | list) else "a value of another kind"


def _where_hint(reference: str) -> str:
    name = reference[2:-1].strip()
    if name.startswith("credential:"):
        return "no such file in $CREDENTIALS_DIRECTORY"
    return "not in the environment nor in env_file"


def _close_matches(name: str, known: list[str]) -> list[str]:
    import difflib  # noqa: PLC0415  (only for a config with a mistake)

    return difflib.get_close_matches(name, known, n=1)
