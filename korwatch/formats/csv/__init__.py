"""Dutch bank CSV/TXT exports (and fintechs): every built-in CSV profile, gathered for the registry.

The framework is in `profile.py` (a declarative `Profile` per layout, read by `ProfileParser`),
turning rows into records in `rows.py` with the value readers of `values.py`. Each bank has its
own module of profiles (`ing.py` with its fast row reader `ing_rows.py`, `rabobank.py`,
`abnamro.py`, `bunq.py`, `knab.py`, `volksbank.py` for ASN/SNS/RegioBank, `triodos.py`,
`revolut.py`, `wise.py`); `refuse.py` recognises look-alike files without transactions (ING
daily balances, DEGIRO, Wise transfers, Revolut expenses, header-only stubs, ING Belgium) and
refuses them with a message saying what they are; `user.py` builds profiles from the
configuration (`[csv_profile.NAME]`).

May import: korwatch.models, korwatch.errors, korwatch.formats.base.

Decisions on odd files:
* A space between a delimiter and an opening quote (`"Overschrijving", "Naam: …"`) is read as the
  quoted value (csv `skipinitialspace`): the value is unambiguous, so refusing it would help no one.
* A header with a column more (or less) than a known layout is never claimed, even when the known
  columns are all there: a bank that adds a column is reported by `mismatch` ("closest is ING CSV
  (semicolon, 11 columns): missing 'Saldo na mutatie', 'Tag'; unexpected 'Extra'"), not misread.
  ING's own extra columns ("Saldo na mutatie", "Tag") are part of the known 11-column layout.
"""

from __future__ import annotations

from korwatch.formats.base import Parser
from korwatch.formats.csv import (
    abnamro,
    bunq,
    ing,
    knab,
    rabobank,
    refuse,
    revolut,
    triodos,
    volksbank,
    wise,
)

# The order of the registry before the split into one file per bank (detection does not depend
# on it; the "closest layout" message prefers the first of equal scores).
PARSERS: list[Parser] = [
    *ing.PARSERS,
    *rabobank.PARSERS,
    *bunq.PARSERS,
    *knab.PARSERS,
    *volksbank.PARSERS,
    *triodos.PARSERS,
    *abnamro.PARSERS,
    *revolut.PARSERS,
    *wise.PARSERS,
    *refuse.PARSERS,
]
