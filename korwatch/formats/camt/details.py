"""One pass over a CAMT `Ntry` element, collecting the texts korwatch needs.

ElementPath lookups (`findtext("A/B")`) cost ~10 microseconds each in lxml, and an entry needs
about 25 of them - several times the cost of parsing the XML. So the entry is walked once,
child by child, into plain objects; `camt_entry` turns those into a Transaction.

What the walk costs is lxml creating a proxy per visited element (~80 ns) and building its
`{namespace}Name` tag string (~130 ns). So each level looks at its children's tags once, maps
them through one dict per namespace (namespace-agnostic: the map is built for the namespace the
document uses) and descends only into the elements it needs; texts of single-child wrappers
(`BookgDt/Dt`, `Sts/Cd`) are read by position, without any tag.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from operator import itemgetter

from korwatch.formats.safexml import Element

Names = dict[object, str]

# All children at once (element[:], typed): one C call makes the proxies ~30 % cheaper than
# iterating the element.
children: Callable[[Element], list[Element]] = itemgetter(
    slice(None)
)  # full tag ("{namespace}Amt") -> local name ("Amt")

_WANTED = (
    *("AcctSvcrRef", "AddtlNtryInf", "AddtlTxInf", "Amt", "BkTxCd", "BookgDt", "Cd"),
    *("CdtDbtInd", "Cdtr", "CdtrAcct", "CdtrRefInf", "Dbtr", "DbtrAcct", "Domn", "Fmly"),
    *("IBAN", "Id", "Nm", "NtryDtls", "NtryRef", "Othr", "Prtry", "Pty", "Ref", "Refs"),
    *("RltdPties", "RmtInf", "RvslInd", "Strd", "Sts", "SubFmlyCd", "TxDtls", "Ustrd", "ValDt"),
)


@lru_cache(maxsize=64)
def names_for(tag: str) -> Names:
    """Local names by full tag for the namespace of `tag`: a dict lookup per element instead
    of string slicing keeps the walk cheap. Other elements map to nothing and are skipped."""
    prefix = tag[: tag.find("}") + 1]
    return {prefix + name: name for name in _WANTED}


def text(element: Element) -> str:
    return (element.text or "").strip()


def first_text(element: Element) -> str:
    """The text of the element, or of its first child (`<Sts><Cd>BOOK</Cd></Sts>`,
    `<BookgDt><Dt>..</Dt></BookgDt>` or `<BookgDt><DtTm>..</DtTm></BookgDt>`), stripped."""
    value = element.text
    if value is not None:
        value = value.strip()
        if value:
            return value
    if len(element):  # by position: no proxy per child, no tag string
        return (element[0].text or "").strip()
    return ""


def child_text(element: Element, name: str, names: Names) -> str:
    """The stripped text of the first child named `name`, else ""."""
    for child in children(element):
        if names.get(child.tag) == name:
            return (child.text or "").strip()
    return ""


def squeeze(value: str | None) -> str:
    """The text with its whitespace runs collapsed to single spaces."""
    return " ".join(value.split()) if value else ""


class Detail:
    """What one `TxDtls` says."""

    __slots__ = ("accounts", "bank_id", "code", "info", "names", "references", "unstructured")

    def __init__(self) -> None:
        self.bank_id = ""
        self.code: tuple[str, ...] = ()
        self.info: list[str] = []
        self.names: dict[str, str] = {}  # Dbtr / Cdtr -> name
        self.accounts: dict[str, str] = {}  # Dbtr / Cdtr -> IBAN or other account id
        self.references: list[str] = []
        self.unstructured: list[str] = []


class Entry:
    """What one `Ntry` says, as texts (stripped; `amount` as written)."""

    __slots__ = (
        "amount",
        "amount_element",
        "bank_ref",
        "booked",
        "code",
        "currency",
        "details",
        "direction",
        "entry_ref",
        "info",
        "reversal",
        "status",
        "valued",
    )

    def __init__(self) -> None:
        self.amount: str | None = None
        self.currency = ""
        self.direction = ""
        self.reversal = ""
        self.status = ""
        self.booked = ""
        self.valued = ""
        self.bank_ref = ""
        self.entry_ref = ""
        self.code: tuple[str, ...] = ()
        self.info: list[str] = []
        self.details: list[Detail] = []
        self.amount_element: Element | None = None  # for the line of an error


def read_entry(element: Element, names: Names) -> Entry:
    """The texts of one `Ntry`; `names` is `names_for` the entry's tag. The last of repeated
    single-valued children wins."""
    entry = Entry()
    # A plain if-chain in schema order: cheaper than dict dispatch plus setattr.
    for child in children(element):
        name = names.get(child.tag)
        if name is None:
            continue
        if name == "Amt":
            entry.amount = child.text or ""
            entry.currency = child.get("Ccy") or ""
            entry.amount_element = child
        elif name == "CdtDbtInd":
            entry.direction = (child.text or "").strip()
        elif name == "Sts":
            entry.status = first_text(child)
        elif name == "BookgDt":
            entry.booked = first_text(child)
        elif name == "ValDt":
            entry.valued = first_text(child)
        elif name == "AcctSvcrRef":
            entry.bank_ref = (child.text or "").strip()
        elif name == "BkTxCd":
            entry.code = read_code(child, names)
        elif name == "NtryDtls":
            entry.details += [
                read_detail(d, names) for d in children(child) if names.get(d.tag) == "TxDtls"
            ]
        else:
            _read_rare(entry, name, child)
    return entry


def _read_rare(entry: Entry, name: str, child: Element) -> None:
    if name == "NtryRef":
        entry.entry_ref = (child.text or "").strip()
    elif name == "RvslInd":
        entry.reversal = (child.text or "").strip()
    elif name == "AddtlNtryInf":
        entry.info.append(squeeze(child.text))


_CODES = ("Cd", "SubFmlyCd")


def read_code(element: Element, names: Names) -> tuple[str, ...]:
    """[domain, family, sub-family] or [proprietary code]; () when empty."""
    domain: list[str] = []
    proprietary: list[str] = []
    for child in children(element):
        name = names.get(child.tag)
        if name == "Domn":
            for part in children(child):
                kind = names.get(part.tag)
                if kind == "Cd":
                    domain.insert(0, (part.text or "").strip())
                elif kind == "Fmly":
                    domain += [
                        (code.text or "").strip()
                        for code in children(part)
                        if names.get(code.tag) in _CODES
                    ]
        elif name == "Prtry":
            proprietary = [child_text(child, "Cd", names)]
    return tuple(code for code in domain if code) or tuple(code for code in proprietary if code)


def read_detail(element: Element, names: Names) -> Detail:
    detail = Detail()
    for child in children(element):
        name = names.get(child.tag)
        if name == "RltdPties":
            _read_parties(child, detail, names)
        elif name == "RmtInf":
            _read_remittance(child, detail, names)
        elif name == "Refs":
            detail.bank_id = child_text(child, "AcctSvcrRef", names)
        elif name == "AddtlTxInf":
            detail.info.append(squeeze(child.text))
        elif name == "BkTxCd":
            detail.code = read_code(child, names)
    return detail


def _read_parties(element: Element, detail: Detail, names: Names) -> None:
    for party in children(element):
        role = names.get(party.tag)
        if role == "Dbtr" or role == "Cdtr":  # noqa: PLR1714 - two compares beat a tuple
            # Nm directly (up to .001.07) or inside Pty (.001.08+).
            name = child_text(party, "Nm", names)
            if not name:
                for wrapper in children(party):
                    if names.get(wrapper.tag) == "Pty":
                        name = child_text(wrapper, "Nm", names)
                        if name:
                            break
            detail.names[role] = squeeze(name)
        elif role == "DbtrAcct" or role == "CdtrAcct":  # noqa: PLR1714
            detail.accounts[role[:4]] = _account_id(party, names)


def _account_id(account: Element, names: Names) -> str:
    for identifier in children(account):
        if names.get(identifier.tag) != "Id":
            continue
        for kind in children(identifier):
            name = names.get(kind.tag)
            if name == "IBAN":
                return text(kind).replace(" ", "")
            if name == "Othr":
                return child_text(kind, "Id", names).replace(" ", "")
    return ""


def _read_remittance(element: Element, detail: Detail, names: Names) -> None:
    for part in children(element):
        name = names.get(part.tag)
        if name == "Ustrd":
            detail.unstructured.append(squeeze(part.text))
        elif name == "Strd":
            for creditor in children(part):
                if names.get(creditor.tag) == "CdtrRefInf":
                    detail.references.append(child_text(creditor, "Ref", names))
