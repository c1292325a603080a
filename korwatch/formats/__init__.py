"""Reading exports: every file format korwatch understands, turned into records.

`detect.py` holds the registry and picks the one parser for a file; `base.py` the parser protocol
and the sample a parser identifies a file by; `safexml.py` the XML reading without entities or
network shared by CAMT and XAF. One sub-package per family: `csv/` (one file per bank profile
and the user-defined profiles), `camt/`, `mt940/`, `ofx/`, `invoices/` (XAF, invoice CSV,
Moneybird JSON).

Pure reading: bytes in, `Transaction` and `Invoice` records out, or a `ParseError` naming the
line. May import: korwatch.models, korwatch.errors. Nothing else of korwatch.
"""
