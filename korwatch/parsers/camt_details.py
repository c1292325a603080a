"""The transaction details (`NtryDtls/TxDtls`) of a CAMT entry, folded into one record's
counterparty, description, reference and fallback bank id.
"""

from __future__ import annotations

from dataclasses import dataclass

from korwatch.parsers.camt_values import provided, split_trtp
from korwatch.parsers.safexml import Element, path, text_at


def _texts(element: Element, namespace: str, local: str) -> list[str]:
    return [
        " ".join((found.text or "").split()) for found in element.iterfind(path(namespace, local))
    ]


def _distinct(values: list[str]) -> list[str]:
    return [value for value in dict.fromkeys(values) if value]


def _roles(incoming: bool, reversal: bool) -> tuple[str, ...]:
    # The other party of money in is the debtor, of money out the creditor. A reversal keeps
    # the original transaction's parties, so it tries the original side first; a normal entry
    # never falls back to the other side, which is the account owner.
    if reversal:
        return ("Cdtr", "Dbtr") if incoming else ("Dbtr", "Cdtr")
    return ("Dbtr",) if incoming else ("Cdtr",)


@dataclass(frozen=True, slots=True)
class Details:
    name: str = ""
    iban: str = ""
    description: str = ""
    reference: str = ""
    bank_id: str = ""

    @classmethod
    def collect(cls, entry: Element, namespace: str, incoming: bool, reversal: bool) -> Details:
        transactions = entry.findall(path(namespace, "NtryDtls/TxDtls"))
        parties = [_party(tx, namespace, _roles(incoming, reversal)) for tx in transactions]
        names = _distinct([name for name, _ in parties])
        ibans = _distinct([iban for _, iban in parties])
        unstructured: list[str] = []
        references: list[str] = []
        additional: list[str] = []
        for tx in transactions:
            unstructured.append(" ".join(_distinct(_texts(tx, namespace, "RmtInf/Ustrd"))))
            references += _texts(tx, namespace, "RmtInf/Strd/CdtrRefInf/Ref")
            additional += _texts(tx, namespace, "AddtlTxInf")
        entry_info = " ".join(_texts(entry, namespace, "AddtlNtryInf"))
        trtp = split_trtp(entry_info)
        description = " ".join(_distinct(unstructured)) or trtp.get("REMI", "")
        description = description or " ".join(_distinct(additional)) or entry_info
        reference = " ".join(_distinct([provided(ref) for ref in references]))
        reference = reference or trtp.get("KENMERK", "") or provided(trtp.get("EREF"))
        single = transactions[0] if len(transactions) == 1 else None
        return cls(
            name=trtp.get("NAME") or "; ".join(names),
            iban=ibans[0] if len(ibans) == 1 else trtp.get("IBAN", ""),
            description=description,
            reference=reference,
            bank_id=provided(text_at(single, namespace, "Refs/AcctSvcrRef"))
            if single is not None
            else "",
        )


def _party(tx: Element, namespace: str, roles: tuple[str, ...]) -> tuple[str, str]:
    for role in roles:
        name = text_at(tx, namespace, f"RltdPties/{role}/Nm")
        name = name or text_at(tx, namespace, f"RltdPties/{role}/Pty/Nm")
        iban = text_at(tx, namespace, f"RltdPties/{role}Acct/Id/IBAN")
        iban = iban or text_at(tx, namespace, f"RltdPties/{role}Acct/Id/Othr/Id")
        if name or iban:
            return " ".join(name.split()), iban.replace(" ", "")
    return "", ""
