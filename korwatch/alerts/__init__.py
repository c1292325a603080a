"""From the ledger to alert events: where a year stands and what must be said about it.

`evaluation.py` evaluates a business's year from the ledger (and knows when an import need not);
`events.py` turns threshold passages, eligibility and the EU-KOR counter into alert events,
exactly once per (business, year, level), in the caller's transaction; `health.py` watches the
sources and raises stale/failing/delivery-failed events; `series.py` the turnover series the
chart and the report draw.

May import: korwatch.ledger, korwatch.config, korwatch.tax and below. Sending is notify's job.
"""
