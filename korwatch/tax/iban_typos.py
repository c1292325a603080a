"""Credits from an account that looks like a mistyped own or private IBAN.

A wrong `own_ibans` entry makes the owner's transfers from their savings account count as
turnover, and can raise a false crossing. The config's IBANs are checked (checksum, country
format) when it is read, but a valid IBAN can still be the wrong account: one computed from a
mistyped account number has fresh check digits. So a credit whose counterparty IBAN has the
same country and an account part (after the check digits) equal to, or one character or one
swap of two neighbouring characters away from, a configured IBAN's is reported by `status` as
a likely typo in the config. Pure: it reads the year's verdicts only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from korwatch.tax.verdict import Classified


@dataclass(frozen=True, slots=True)
class LikelyTypo:
    key: str  # the config key holding the IBAN: "own_ibans" or "private_ibans"
    configured: str
    seen: str  # the counterparty IBAN of the credits
    credits: int
    amount_cents: int


def likely_typos(
    items: Iterable[Classified], own: frozenset[str], private: frozenset[str]
) -> list[LikelyTypo]:
    """Each configured IBAN and a near one that credits came from, in a stable order."""
    configured = [("own_ibans", iban) for iban in sorted(own)]
    configured += [("private_ibans", iban) for iban in sorted(private)]
    if not configured:
        return []
    seen: dict[str, tuple[int, int]] = {}  # counterparty IBAN: (credits, cents)
    for item in items:
        record = item.record
        if record.kind == "transaction" and record.amount_cents > 0 and record.counterparty_iban:
            iban = record.counterparty_iban.replace(" ", "").upper()
            count, cents = seen.get(iban, (0, 0))
            seen[iban] = (count + 1, cents + record.amount_cents)
    return [
        LikelyTypo(key, iban, other, *seen[other])
        for key, iban in configured
        for other in sorted(seen)
        if other not in own and other not in private and near(iban, other)
    ]


def near(configured: str, seen: str) -> bool:
    """Same country and length, and the account parts equal or one slip apart (one character
    changed, or two neighbouring characters swapped); the check digits are not compared."""
    if configured == seen or len(configured) != len(seen) or configured[:2] != seen[:2]:
        return False
    ours, theirs = configured[4:], seen[4:]
    differ = [index for index, (a, b) in enumerate(zip(ours, theirs, strict=True)) if a != b]
    if len(differ) <= 1:
        return True
    first, second = differ[0], differ[-1]
    return (
        len(differ) == 2
        and second == first + 1
        and (ours[first], ours[second]) == (theirs[second], theirs[first])
    )
