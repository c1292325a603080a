"""XML Auditfile Financieel (XAF) 3.2: the sales invoices of an accounting package's export.

Every Dutch bookkeeping package (Exact Online, Twinfield, Multivers, SnelStart, ...) exports
this auditfile. korwatch reads only the transactions of sales journals (`jrnTp` S,
"Verkoopboek"): one Invoice per invoice reference in each transaction (how lines are
grouped and classified: `xaf_invoice`).

The file is streamed like CAMT: master data (customers, ledger accounts, VAT codes, the
currency) comes before the transactions in the schema's order and is kept in small maps;
each transaction is read at its end tag and freed. An auditfile without any sales journal
(Banana's sample books cash sales in a general journal) is refused as NotTransactionFile,
so an import that finds no turnover says why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from korwatch.errors import NotTransactionFile, ParseError
from korwatch.formats.base import Mismatch, Parser
from korwatch.formats.invoices.xaf_invoice import Books, to_invoices
from korwatch.formats.safexml import Element, iterparse, local_name, namespace_of, release, text_at
from korwatch.models import Record, Sample

_NAMESPACE = re.compile(r"xmlns(?::\w+)?\s*=\s*[\"']http://www\.auditfiles\.nl/XAF/3\.2[\"']")
_ROOT = re.compile(r"<(?:\w+:)?auditfile[\s>]")
_OLD = re.compile(r"http://www\.auditfiles\.nl/XAF/(\d\.\d)")
_TAGS = (
    "{*}curCode",
    "{*}customerSupplier",
    "{*}ledgerAccount",
    "{*}vatCode",
    "{*}jrnTp",
    "{*}transaction",
    "{*}journal",
)


class XafParser:
    """XAF 3.2 auditfile: sales-journal transactions as invoices."""

    name = "xaf"
    label = "XML Auditfile Financieel 3.2 (sales journal)"

    def identify(self, sample: Sample) -> bool:
        head = sample.text[:8192]
        return bool(_ROOT.search(head) and _NAMESPACE.search(head))

    def mismatch(self, sample: Sample) -> Mismatch | None:
        head = sample.text[:8192]
        found = _OLD.search(head)
        if found and found[1] != "3.2":
            return Mismatch(0.7, f"an XML Auditfile version {found[1]}; korwatch reads 3.2")
        if _ROOT.search(head):
            return Mismatch(0.5, "an <auditfile> without the XAF 3.2 namespace")
        return None

    def parse(self, sample: Sample) -> Iterator[Record]:
        if not self.identify(sample):
            raise ParseError("not an XAF 3.2 auditfile: no <auditfile> in its 3.2 namespace")
        yield from _stream(sample.path)


def _stream(path: Path) -> Iterator[Record]:
    books = Books()
    journal_type = ""
    seen: dict[str, int] = {}  # journal type -> transactions (an empty sales journal is valid)
    for _, element in iterparse(path, _TAGS):
        local = local_name(element.tag)
        namespace = namespace_of(element)
        if local == "transaction":
            seen[journal_type] = seen.get(journal_type, 0) + 1
            if journal_type == "S":
                yield from to_invoices(element, namespace, books)
            release(element)
        elif local == "jrnTp":
            journal_type = (element.text or "").strip().upper()
            seen.setdefault(journal_type, 0)
        elif local == "journal":
            journal_type = ""
            release(element)
        else:
            _remember(local, element, namespace, books)
    if "S" not in seen:
        raise NotTransactionFile(_no_sales_message(seen))


def _remember(local: str, element: Element, namespace: str, books: Books) -> None:
    """Keep the master data a later transaction needs, then free the element."""
    if local == "curCode":
        parent = element.getparent()
        if parent is not None and local_name(parent.tag) == "header" and element.text:
            books.currency = element.text.strip().upper()
        return
    if local == "customerSupplier":
        identifier = text_at(element, namespace, "custSupID")
        books.customers[identifier] = text_at(element, namespace, "custSupName") or identifier
    elif local == "ledgerAccount":
        kind = text_at(element, namespace, "accTp")
        books.accounts[text_at(element, namespace, "accID")] = (
            kind,
            text_at(element, namespace, "leadReference"),
        )
    elif local == "vatCode":
        for account in ("vatToPayAccID", "vatToClaimAccID"):
            if text_at(element, namespace, account):
                books.vat_accounts.add(text_at(element, namespace, account))
    release(element)


def _no_sales_message(seen: dict[str, int]) -> str:
    if not seen:
        return "an XAF auditfile without transactions (master data only): no sales invoices"
    journals = ", ".join(f"{count} in type {kind or '?'}" for kind, count in sorted(seen.items()))
    return (
        "an XAF auditfile without a sales journal (jrnTp S): its transactions are in other "
        f"journals ({journals}); korwatch reads sales invoices only from sales journals"
    )


PARSERS: list[Parser] = [XafParser()]
