"""What counts as KOR turnover and why, and where a year stands (pure: no I/O, no clock).

`verdict.py` the verdict on a record and the settings the rules read; `classify.py` the rules
(R1-R9) that give each record its verdict, with `bank_facts.py` (what a bank credit says by
itself), `user_rules.py` (the R2 categories and the user's own rules) and `references.py`
(invoice numbers in payment texts); `matching.py` payments against invoices; `vat.py` rates by
date; `thresholds.py` the walk of a year past its warning levels and threshold; `forecast.py`,
`eligibility.py`, `eukor.py` the projection, next year's eligibility and the EU-KOR counter.
Is the KOR still worth it: `advice.py` joins `exit_dates.py` (when leaving or joining takes
effect), `debits.py` (the VAT a debit carries), `customers.py` (who deducts VAT),
`advice_basis.py` (the last twelve months summed), `advice_periods.py` (the periods ahead),
`revision.py` (capital goods, U19) and `advice_verdict.py`, with `advice_settings.py`;
`after_crossing.py` says what a crossing changes in euros.

May import: korwatch.models and korwatch.errors only.
"""
