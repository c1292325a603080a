"""The ledger: one SQLite file per state directory holding every document, record and alert event.

`store.py` opens it (WAL, migrations in order, schema version in PRAGMA user_version) and holds
its queries; `rows.py` turns records into rows with their dedup keys (`dedup.py`); `insert.py`
stores a document's rows in one transaction, classifying credits as they go; `reader.py` reads a
big document in a forked child while this process stores what it sends.

May import: korwatch.tax (to classify while storing), korwatch.formats (to read a document),
korwatch.models, korwatch.errors, korwatch.clock.
"""
