"""MT940 statements of the Dutch banks (ING's two dialects, Rabobank, ABN AMRO, Knab, Triodos,
ASN/SNS/RegioBank, bunq) and a generic reading.

`reader.py` is the parser; `tokens.py` splits a statement into its fields; `line.py` reads a
:61: statement line; `details.py` reads the :86: details per bank dialect. May import:
korwatch.models, korwatch.errors, korwatch.formats.base.
"""

from korwatch.formats.mt940.reader import PARSERS

__all__ = ["PARSERS"]
