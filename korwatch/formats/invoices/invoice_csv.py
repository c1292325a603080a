"""korwatch's generic invoice CSV: sales invoices and credit notes from any invoicing tool.

No public invoice export of the Dutch packages exists to copy, so korwatch defines one. The header
row names the columns (any order, each at most once) in English *or* Dutch - never mixed:

| English          | Dutch          | content                                          |
|------------------|----------------|--------------------------------------------------|
| invoice_number   | factuurnummer  | required                                         |
| invoice_date     | factuurdatum   | required, ISO YYYY-MM-DD                         |
| customer         | klant          | required                                         |
| net              | bedrag_excl    | required, excluding VAT                          |
| vat              | btw            | required                                         |
| gross            | bedrag_incl    | required, must equal net + vat                   |
| type             | type           | required: invoice/credit_note, factuur/creditnota|
| currency         | valuta         | optional, default EUR                            |
| customer_id      | klantnummer    | optional                                         |
| supply_date      | leverdatum     | optional, ISO                                    |

The header language states the number format - nothing is guessed from the values: English
headers mean a decimal point (`1210.00`), Dutch headers a decimal comma (`1210,00`, with an
optional '.' thousands mark: `1.210,00`). The delimiter is ',' or ';', whichever the header row
uses (a Dutch comma-delimited file must quote its amounts). Credit-note amounts may be written
positive or negative and are stored negative; an invoice must not have negative amounts.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date

from korwatch.errors import ParseError
from korwatch.formats.base import LimitedLines, Mismatch, Parser, other_columns
from korwatch.formats.csv.profile import choose_encoding
from korwatch.formats.csv.values import AmountReader, parse_amount
from korwatch.models import Invoice, Record, Sample

FIELDS = (
    "number",
    "issue_date",
    "customer",
    "net",
    "vat",
    "gross",
    "type",
    "currency",
    "customer_id",
    "supply_date",
)
REQUIRED = FIELDS[:7]
ENGLISH = dict(
    zip(
        (
            "invoice_number",
            "invoice_date",
            "customer",
            "net",
            "vat",
            "gross",
            "type",
            "currency",
            "customer_id",
            "supply_date",
        ),
        FIELDS,
        strict=True,
    )
)
DUTCH = dict(
    zip(
        (
            "factuurnummer",
            "factuurdatum",
            "klant",
            "bedrag_excl",
            "btw",
            "bedrag_incl",
            "type",
            "valuta",
            "klantnummer",
            "leverdatum",
        ),
        FIELDS,
        strict=True,
    )
)
_TYPES = {"invoice": False, "credit_note": True, "factuur": False, "creditnota": True}


def _header(line: str) -> tuple[str, dict[str, int], AmountReader] | None:
    """The delimiter, field -> column index and amount reader that this header row states."""
    for delimiter in (",", ";"):
        names = [
            name.strip().lstrip("\ufeff").casefold()
            for name in next(csv.reader([line], delimiter=delimiter))
        ]
        for language, reader in ((ENGLISH, AmountReader(".")), (DUTCH, AmountReader(",", "."))):
            if len(set(names)) == len(names) and set(names) <= set(language):
                indexes = {language[name]: index for index, name in enumerate(names)}
                if all(field in indexes for field in REQUIRED):
                    return delimiter, indexes, reader
    return None


class InvoiceCsvParser:
    name = "invoice-csv"
    label = "korwatch invoice CSV"

    def identify(self, sample: Sample) -> bool:
        lines = sample.lines(1)
        return bool(lines) and _header(lines[0]) is not None

    def mismatch(self, sample: Sample) -> Mismatch | None:
        lines = sample.lines(1)
        if not lines:
            return None
        delimiter = ";" if lines[0].count(";") > lines[0].count(",") else ","
        found = {n.strip().casefold() for n in next(csv.reader([lines[0]], delimiter=delimiter))}
        best: Mismatch | None = None
        for language in (ENGLISH, DUTCH):
            required = [name for name, field in language.items() if field in REQUIRED]
            common = found & set(language)
            if len(common) >= 2:
                missing = [name for name in required if name not in found]
                others = other_columns(sorted(found - set(language)), len(common), len(required))
                detail = "; ".join(
                    part
                    for part in (
                        "missing " + ", ".join(repr(n) for n in missing) if missing else "",
                        others,
                    )
                    if part
                )
                score = len(common) / len(found | set(required))
                if best is None or score > best.score:
                    best = Mismatch(score, detail or "English and Dutch column names are mixed")
        return best

    def parse(self, sample: Sample) -> Iterator[Record]:
        encoding = choose_encoding(sample.path, "cp1252")
        with sample.path.open(encoding=encoding, newline="") as handle:
            lines = LimitedLines(handle)
            try:
                yield from self._invoices(iter(lines))
            except csv.Error as error:
                raise ParseError(f"the CSV quoting is broken: {error}", lines.number) from None
            except UnicodeDecodeError as error:
                # Neither UTF-8 nor the fallback: cp1252 leaves five bytes undefined.
                raise ParseError(f"the file is not valid {encoding}: {error.reason}") from None

    def _invoices(self, handle: Iterator[str]) -> Iterator[Invoice]:
        layout = None
        consumed = 0
        for text in handle:
            consumed += 1
            if text.strip():
                layout = _header(text)
                break
        if layout is None:
            raise ParseError("the first line is not an invoice CSV header", line=consumed or 1)
        delimiter, indexes, amounts = layout
        reader = csv.reader(handle, delimiter=delimiter)
        width = max(indexes.values()) + 1
        for row in reader:
            line = reader.line_num + consumed  # the header was read before the reader started
            if not row or row == [""]:
                continue
            if len(row) != width:
                raise ParseError(f"expected {width} columns, found {len(row)}", line=line)
            fields = {field: row[index].strip() for field, index in indexes.items()}
            yield _invoice(fields, amounts, line)


def _invoice(fields: dict[str, str], amounts: AmountReader, line: int) -> Invoice:
    kind = fields["type"].casefold()
    if kind not in _TYPES:
        raise ParseError(f"type {fields['type']!r} is not invoice/credit_note", line=line)
    credit_note = _TYPES[kind]
    net, vat, gross = (parse_amount(amounts, fields[f], line) for f in ("net", "vat", "gross"))
    if net + vat != gross:
        raise ParseError(f"net {net} + vat {vat} is not gross {gross}", line=line)
    signs = {amount > 0 for amount in (net, vat, gross) if amount}
    if credit_note and len(signs) == 1:
        net, vat, gross = (-abs(amount) for amount in (net, vat, gross))
    elif signs == {False} or len(signs) > 1:
        raise ParseError("an invoice with negative amounts: mark it as a credit note", line=line)
    if not fields["number"]:
        raise ParseError("the invoice number is empty", line=line)
    currency = fields.get("currency") or "EUR"
    if len(currency) != 3 or not currency.isalpha() or not currency.isupper():
        raise ParseError(f"currency {currency!r} is not a three-letter code", line=line)
    supply = fields.get("supply_date", "")
    return Invoice(
        number=fields["number"],
        issue_date=_iso_date(fields["issue_date"], line),
        customer=fields["customer"],
        net=net,
        vat=vat,
        gross=gross,
        currency=currency,
        credit_note=credit_note,
        supply_date=_iso_date(supply, line) if supply else None,
        customer_id=fields.get("customer_id", ""),
        line=line,
    )


def _iso_date(text: str, line: int) -> date:
    try:
        if len(text) != 10:
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise ParseError(f"date {text!r} is not YYYY-MM-DD", line=line) from None


PARSERS: list[Parser] = [InvoiceCsvParser()]
