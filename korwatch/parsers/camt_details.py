"""One pass over a CAMT `Ntry` element, collecting the texts korwatch needs.

ElementPath lookups (`findtext("A/B")`) cost ~10 microseconds each in lxml, and an entry needs
about 25 of them - several times the cost of parsing the XML. So the entry is walked once,
child by child, dispatching on local names looked up by full tag (namespace-agnostic, as the
map is built per namespace), into plain objects.
`camt_entry` turns those into a Transaction.
"""

from __future__ import annotations

from functools import lru_cache

from korwatch.parsers.safexml import Element

Names = dict[object, str]  # full tag ("{namespace}Amt") -> local name ("Amt")

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
    for child in element:
        return (child.text or "").strip()
    return ""


def child_text(element: Element, name: str, names: Names) -> str:
    for child in element:
        if names.get(child.tag) == name:
            return text(child)
    return ""


_CODES = ("Cd", "SubFmlyCd")


class Detail:
    """What one `TxDtls` says."""

    __slots__ = ("accounts", "bank_id", "code", "info", "names", "references", "unstructured")

    def __init__(self) -> None:
        self.bank_id = ""
        self.code: list[str] = []
        self.info: list[str] = []
        self.names: dict[str, str] = {}  # Dbtr / Cdtr -> name
        self.accounts: dict[str, str] = {}  # Dbtr / Cdtr -> IBAN or other account id
        self.references: list[str] = []
        self.unstructured: list[str] = []


class Entry:
    """What one `Ntry` says, as texts."""

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
        self.code: list[str] = []
        self.info: list[str] = []
        self.details: list[Detail] = []
        self.amount_element: Element | None = None  # for the line of an error


_PLAIN = {"CdtDbtInd": "direction", "AcctSvcrRef": "bank_ref", "NtryRef": "entry_ref"}
_PLAIN |= {"RvslInd": "reversal"}
_NESTED = {"BookgDt": "booked", "ValDt": "valued", "Sts": "status"}


def read_entry(element: Element) -> Entry:
    entry = Entry()
    names = names_for(str(element.tag))
    for child in element:
        name = names.get(child.tag)
        if name is None:
            continue
        if name in _PLAIN:
            setattr(entry, _PLAIN[name], (child.text or "").strip())
        elif name in _NESTED:
            setattr(entry, _NESTED[name], first_text(child))
        elif name == "Amt":
            entry.amount = child.text or ""
            entry.currency = child.get("Ccy") or ""
            entry.amount_element = child
        elif name == "BkTxCd":
            entry.code = read_code(child, names)
        elif name == "NtryDtls":
            for detail in child:
                if names.get(detail.tag) == "TxDtls":
                    entry.details.append(read_detail(detail, names))
        elif name == "AddtlNtryInf":
            entry.info.append(" ".join((child.text or "").split()))
    return entry


def read_code(element: Element, names: Names) -> list[str]:
    """[domain, family, sub-family] or [proprietary code]; [] when empty."""
    domain: list[str] = []
    proprietary: list[str] = []
    for child in element:
        name = names.get(child.tag)
        if name == "Domn":
            for part in child:
                if names.get(part.tag) == "Cd":
                    domain.insert(0, text(part))
                elif names.get(part.tag) == "Fmly":
                    domain += [text(code) for code in part if names.get(code.tag) in _CODES]
        elif name == "Prtry":
            proprietary = [child_text(child, "Cd", names)]
    return [code for code in domain if code] or [code for code in proprietary if code]


def read_detail(element: Element, names: Names) -> Detail:
    detail = Detail()
    for child in element:
        name = names.get(child.tag)
        if name == "RltdPties":
            _read_parties(child, detail, names)
        elif name == "RmtInf":
            _read_remittance(child, detail, names)
        elif name == "Refs":
            detail.bank_id = child_text(child, "AcctSvcrRef", names)
        elif name == "AddtlTxInf":
            detail.info.append(" ".join((child.text or "").split()))
        elif name == "BkTxCd":
            detail.code = read_code(child, names)
    return detail


def _read_parties(element: Element, detail: Detail, names: Names) -> None:
    for party in element:
        role = names.get(party.tag)
        if role in ("Dbtr", "Cdtr"):
            # Nm directly (up to .001.07) or inside Pty (.001.08+).
            name = child_text(party, "Nm", names)
            for wrapper in party:
                if not name and names.get(wrapper.tag) == "Pty":
                    name = child_text(wrapper, "Nm", names)
            detail.names[role] = " ".join(name.split())
        elif role in ("DbtrAcct", "CdtrAcct"):
            detail.accounts[role[:4]] = _account_id(party, names)


def _account_id(account: Element, names: Names) -> str:
    for identifier in account:
        if names.get(identifier.tag) != "Id":
            continue
        for kind in identifier:
            name = names.get(kind.tag)
            if name == "IBAN":
                return text(kind).replace(" ", "")
            if name == "Othr":
                return child_text(kind, "Id", names).replace(" ", "")
    return ""


def _read_remittance(element: Element, detail: Detail, names: Names) -> None:
    for part in element:
        name = names.get(part.tag)
        if name == "Ustrd":
            detail.unstructured.append(" ".join((part.text or "").split()))
        elif name == "Strd":
            for creditor in part:
                if names.get(creditor.tag) == "CdtrRefInf":
                    detail.references.append(child_text(creditor, "Ref", names))
