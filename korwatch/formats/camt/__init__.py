"""ISO 20022 CAMT.052, CAMT.053 and CAMT.054: streaming, namespace-agnostic, no entities.

`reader.py` is the parser (identify, statements, accounts); `entry.py` turns one `<Ntry>` into
records; `details.py` reads the transaction details (parties, remittance); `values.py` dates and
amounts. May import: korwatch.models, korwatch.errors, korwatch.formats.base and .safexml.
"""

from korwatch.formats.camt.reader import PARSERS

__all__ = ["PARSERS"]
