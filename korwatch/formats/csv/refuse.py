"""CSV files that look like bank exports but hold no transactions korwatch should count.

Each is recognised by its header and refused with `NotTransactionFile` saying what it is, so that
a user who drops it in the inbox learns why nothing was imported (instead of "unknown format" or,
worse, a misreading by a profile with a similar header).
"""

from __future__ import annotations

from collections.abc import Iterator

from korwatch.errors import NotTransactionFile
from korwatch.formats.base import Mismatch
from korwatch.formats.csv.profile import normalise_header
from korwatch.models import Record, Sample


class Refusal:
    """A file kind recognised only to be refused: its first line starts with `prefix`."""

    def __init__(self, name: str, label: str, prefix: str, message: str) -> None:
        self.name = name
        self.label = label
        self.prefix = prefix.casefold()
        self.message = message

    def identify(self, sample: Sample) -> bool:
        lines = sample.lines(1)
        if not lines:
            return False
        first = lines[0].lstrip("\ufeff").replace('"', "").casefold()
        return first.startswith(self.prefix)

    def parse(self, sample: Sample) -> Iterator[Record]:
        raise NotTransactionFile(self.message)
        yield  # pragma: no cover - makes this a generator, like every parse

    def mismatch(self, sample: Sample) -> Mismatch | None:
        return None


def _header(*names: str) -> str:
    return ",".join(normalise_header(list(names)))


PARSERS = [
    Refusal(
        "ing-balance-csv",
        "ING daily balance CSV",
        _header("Datum", "Boeksaldo", "Valutair saldo"),
        "this is ING's daily balance export (Datum, Boeksaldo, Valutair saldo), not a list of "
        "transactions; download 'Af- en bijschrijvingen' instead",
    ),
    Refusal(
        "degiro-account-csv",
        "DEGIRO account CSV",
        _header("Datum", "Tijd", "Valutadatum", "Product", "ISIN", "Omschrijving", "FX"),
        "this is a DEGIRO broker account statement (securities and cash movements), not a bank "
        "account export; korwatch does not count broker bookings as turnover",
    ),
    Refusal(
        "wise-transfers-csv",
        "Wise transfers CSV",
        _header("ID", "Status", "Direction", "Created on"),
        "this is Wise's transfers export, not the balance statement; download the statement "
        "('TransferWise ID', Date, Amount ...) instead",
    ),
    Refusal(
        "wise-transfers-csv-de",
        "Wise transfers CSV (German)",
        _header("ID", "Status", "Richtung", "Erstellt am"),
        "this is Wise's transfers export (German), not the balance statement; download the "
        "statement instead",
    ),
    Refusal(
        "revolut-expenses-csv",
        "Revolut Business expenses CSV",
        _header("Transaction started (UTC)", "Transaction completed (UTC)", "Transaction ID"),
        "this is Revolut Business's expenses export, not an account statement; download the "
        "account statement CSV instead",
    ),
    Refusal(
        "asn-header-stub",
        "ASN Bank column list",
        _header("Boekingsdatum", "Opdrachtgeversrekening", "Tegenrekeningsnummer"),
        "this is a hand-written list of ASN Bank's CSV column names, not an export (real ASN, "
        "SNS and RegioBank exports have no header row)",
    ),
    Refusal(
        "triodos-header-stub",
        "Triodos column list",
        _header("Transactiedatum", "Rekening", "Bedrag", "Credit/Debet"),
        "this is a hand-written list of Triodos CSV column names, not an export (real Triodos "
        "exports have no header row)",
    ),
    Refusal(
        "ing-belgium-csv",
        "ING Belgium CSV",
        "nr v/d rekening :;",
        "this is an ING Belgium export, not ING Netherlands; korwatch does not read Belgian ING "
        "files (export camt.053 from ING Belgium instead, if offered)",
    ),
]
