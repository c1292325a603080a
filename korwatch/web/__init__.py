"""The web dashboard and review queue: `korwatch serve`, or inside `korwatch run` with
`[web] enabled = true`.

Server-rendered pages (Flask, served by waitress; Jinja2 templates in templates/web/ with the
report's look), readable without JavaScript: an overview of every business, a business's year,
its ledger with filters and the CSV of `korwatch ledger --csv`, and the review queue where
flagged credits are decided. It reads through reporting, alerts and the ledger, and writes
decisions through alerts/review.py, the same path as `korwatch decide`.

`app.py` the Flask application; `security.py` who is signed in, CSRF tokens, headers;
`passwords.py` password hashes (Argon2id); `summaries.py` each business's year in short, kept
between requests; `overview.py`, `business.py`, `ledger_page.py`, `review_page.py` the pages;
`i18n.py` Dutch and English words; `server.py` waitress, in the foreground or in a thread.

Layer: between daemon (which runs it) and scan. May import korwatch.scan and everything below.
"""
