"""Sales invoices: the XAF 3.2 auditfile (`xaf.py`, `xaf_invoice.py`), a generic invoice CSV
(`invoice_csv.py`) and the Moneybird API's JSON (`moneybird_json.py`).

May import: korwatch.models, korwatch.errors, korwatch.formats.base, .safexml and .csv (the
invoice CSV reuses the CSV value readers).
"""

from korwatch.formats.base import Parser
from korwatch.formats.invoices import invoice_csv, moneybird_json, xaf

PARSERS: list[Parser] = [*xaf.PARSERS, *invoice_csv.PARSERS, *moneybird_json.PARSERS]
