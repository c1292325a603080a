"""What a CSV layout is: the declarative `Profile`, and the value readers made from it once.

Plain data shared by the parser (profile.py) and the row converters (rows.py, ing_rows.py), so
neither needs the other to describe a layout.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from korwatch.formats.csv.values import AmountReader, DateReader, sign_words
from korwatch.models import Transaction

if TYPE_CHECKING:
    from _csv import Reader

Row = list[str]
Converter = Callable[[Row, int], Transaction | None]
# A per-format hook that adjusts the extracted fields of one row (split remittance text ...).
Refine = Callable[[dict[str, str]], None]


class RowLoop(Protocol):
    """A hand-written converter that reads the data rows in its own loop (a hot format's)."""

    def records(self, reader: Reader) -> Iterator[Transaction]: ...


FIELDS = (
    "date",
    "amount",
    "sign",
    "currency",
    "account",
    "counterparty_name",
    "counterparty_iban",
    "description",
    "reference",
    "bank_id",
    "value_date",
    "code",
    "state",
)


@dataclass(frozen=True)
class Profile:
    """The declarative description of one CSV layout."""

    name: str
    label: str
    delimiter: str
    # field -> header name(s) (first found wins; several for Dutch/English UIs) or a 0-based index.
    columns: Mapping[str, tuple[str, ...] | int]
    headers: tuple[tuple[str, ...], ...] = ()  # accepted header rows; () = headerless
    column_count: int = 0  # headerless files: the exact number of columns
    decimal_mark: str = ","
    thousands_mark: str = ""
    date_format: str = "%Y%m%d"
    value_date_format: str = ""  # defaults to date_format
    encoding: str = "cp1252"  # fallback when the file is not UTF-8
    preamble: tuple[str, ...] = ()  # lines starting with these (casefolded) come before the header
    comment_prefix: str = ""
    sign_rule: str = "signed"  # "signed" or "sign_column"
    credit_words: tuple[str, ...] = ()
    debit_words: tuple[str, ...] = ()
    default_currency: str = "EUR"
    keep_states: tuple[str, ...] = ()  # when a state column exists, only these rows are booked
    quoted: bool = True  # False: '"' is an ordinary character (ABN AMRO's tab files)
    unwrap: bool = False  # rows may be wrapped whole in one pair of quotes (bunq)
    trailing_empty: bool = False  # every line ends with the delimiter (Knab)
    refine: Refine | None = None
    first_row_check: Callable[[Row], bool] | None = None  # headerless: does row 1 look right
    claims: bool = True  # user profiles never claim a file by detection
    # A hand-written converter for a hot format (ING) that reads every row after the header in
    # its own loop, replacing the generic one (it skips blank rows; no unwrap, no trailing_empty).
    converter: Callable[[Readers, dict[str, int]], RowLoop] | None = None


@dataclass(frozen=True)
class Readers:
    """A profile with its date, amount and sign readers, made once per parser."""

    profile: Profile
    dates: DateReader
    value_dates: DateReader
    amounts: AmountReader
    signs: dict[str, int]

    @classmethod
    def of(cls, profile: Profile) -> Readers:
        return cls(
            profile,
            DateReader(profile.date_format),
            DateReader(profile.value_date_format or profile.date_format),
            AmountReader(profile.decimal_mark, profile.thousands_mark),
            sign_words(profile.credit_words, profile.debit_words),
        )
