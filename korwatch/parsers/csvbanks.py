"""Dutch bank CSV/TXT exports (and fintechs): every built-in CSV profile, gathered for the registry.

The framework is in `csvbanks_base` (profiles) with its value readers in `csvbanks_values`; each
bank family has its own `csvbanks_<bank>` module of profiles; `csvbanks_refuse` recognises
look-alike files without transactions (ING daily balances, DEGIRO, Wise transfers, Revolut
expenses, header-only stubs, ING Belgium) and refuses them with a message saying what they are;
`csvbanks_user` builds profiles from the configuration.

Decisions on odd files:
* A space between a delimiter and an opening quote (`"Overschrijving", "Naam: …"`) is read as the
  quoted value (csv `skipinitialspace`): the value is unambiguous, so refusing it would help no one.
* A header with a column more (or less) than a known layout is never claimed, even when the known
  columns are all there: a bank that adds a column is reported by `mismatch` ("closest is ING CSV
  (semicolon, 11 columns): missing 'Saldo na mutatie', 'Tag'; unexpected 'Extra'"), not misread.
  ING's own extra columns ("Saldo na mutatie", "Tag") are part of the known 11-column layout.
"""

from __future__ import annotations

from korwatch.parsers import (
    csvbanks_abn,
    csvbanks_fintech,
    csvbanks_ing,
    csvbanks_nl,
    csvbanks_refuse,
)
from korwatch.parsers.base import Parser

PARSERS: list[Parser] = [
    *csvbanks_ing.PARSERS,
    *csvbanks_nl.PARSERS,
    *csvbanks_abn.PARSERS,
    *csvbanks_fintech.PARSERS,
    *csvbanks_refuse.PARSERS,
]
