"""ISO 20022 CAMT bank statements: camt.053 (statement), camt.052 (account report) and camt.054
(debit/credit notification), message versions .001.01 to .001.13.

Identification looks at the head only: a `camt.052/053/054` namespace on the root, or (for
files with a wrong or missing namespace, e.g. `urn:iso:std:iso:20023`) the message element
`BkToCstmrStmt`, `BkToCstmrAcctRpt` or `BkToCstmrDbtCdtNtfctn` (with a `V01` suffix in
.001.01) by local name.

Parsing streams the file with `safexml.iterparse` on the `Ntry` end tag (plus the statement's
`Acct`), turns each booked entry into one Transaction (decisions in `camt_entry`) and frees the
entry and everything before it, so memory stays flat for a 1 GB file. A statement without
entries is valid and yields nothing. `Transaction.line` is the entry's position among all
`Ntry` elements of the document (pending ones included).

The parse asks for `plain_tags`: with the root's default namespace blanked, lxml builds tags
without `{namespace}` several times faster (a third of the parse-only time); the lookups here
only ever compare an element's namespace with that of its entry or account.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TypeVar

from korwatch.errors import ParseError
from korwatch.formats.base import Mismatch, Parser
from korwatch.formats.camt.details import Names, names_for
from korwatch.formats.camt.entry import Account, read_account, to_transaction, values
from korwatch.formats.safexml import Element, iterparse, local_name, namespace_of, release
from korwatch.models import Record, Sample, Transaction

_MESSAGES = ("BkToCstmrStmt", "BkToCstmrAcctRpt", "BkToCstmrDbtCdtNtfctn")
_STATEMENTS = frozenset(("Stmt", "Rpt", "Ntfctn"))
_NAMESPACE = re.compile(r"urn:iso:std:iso:2002[23]:tech:xsd:camt\.05[234]\.\d{3}\.\d{2}")
# .001.01 names its message elements with a version suffix (BkToCstmrAcctRptV01).
_MESSAGE = re.compile(rf"<(?:[\w.-]+:)?(?:{'|'.join(_MESSAGES)})(?:V\d\d)?[\s/>]")
_OTHER_ISO = re.compile(r"urn:iso:std:iso:2002[23]:tech:xsd:([a-z]{4}\.\d{3}\.\d{3}\.\d{2})")
_TAGS = ("{*}Ntry", "{*}Acct", "{*}Stmt", "{*}Rpt", "{*}Ntfctn")
_Made = TypeVar("_Made")


class CamtParser:
    """ISO 20022 CAMT.052/.053/.054 XML."""

    name = "camt"
    label = "ISO 20022 CAMT.052/.053/.054 bank statement XML"

    def identify(self, sample: Sample) -> bool:
        text = sample.text.lstrip()
        if not text.startswith("<"):
            return False
        return bool(_NAMESPACE.search(text[:4096]) or _MESSAGE.search(text))

    def mismatch(self, sample: Sample) -> Mismatch | None:
        found = _OTHER_ISO.search(sample.text[:4096])
        if found:
            return Mismatch(
                0.4,
                f"an ISO 20022 {found[1]} message, not a CAMT.052/.053/.054 bank statement",
            )
        return None

    def parse(self, sample: Sample) -> Iterator[Record]:
        self._check(sample)
        yield from _stream(sample.path, Transaction)

    def transaction_values(self, sample: Sample) -> Iterator[tuple[object, ...]]:
        """What parse() yields, as each Transaction's field values in order, without building
        the records: the reader child of a big document sends these (ledger/reader.py)."""
        self._check(sample)
        yield from _stream(sample.path, values)

    def _check(self, sample: Sample) -> None:
        if not self.identify(sample):
            raise ParseError(
                "not a CAMT.052/.053/.054 document: no camt namespace and no BkToCstmrStmt, "
                "BkToCstmrAcctRpt or BkToCstmrDbtCdtNtfctn element"
            )


def _stream(path: Path, make: Callable[..., _Made]) -> Iterator[_Made]:
    account = Account()
    number = 0
    entries: dict[str, Names] = {}  # the Ntry tag (one per namespace) -> its child names
    for _, element in iterparse(path, _TAGS, plain_tags=True):
        tag = element.tag
        names = entries.get(tag)  # one dict lookup per entry; Acct and Stmt are rare
        if names is None and local_name(tag) == "Ntry":
            names = entries[tag] = names_for(tag)
        if names is not None:
            number += 1
            record = to_transaction(element, names, account, number, make)
            if record is not None:
                yield record
            release(element)
            continue
        local = local_name(tag)
        if local == "Acct":
            parent = element.getparent()
            if parent is not None and local_name(parent.tag) in _STATEMENTS:
                account = read_account(element, parent, namespace_of(element))
        elif _is_statement(element):
            account = Account()
            release(element)


def _is_statement(element: Element) -> bool:
    # Only Stmt/Rpt/Ntfctn directly under the message: an element of the same name deeper
    # down (inside an entry) must not free its entry's earlier children.
    parent = element.getparent()
    return parent is not None and local_name(parent.tag).startswith("BkToCstmr")


PARSERS: list[Parser] = [CamtParser()]
