"""Email: rendering (Jinja2), delivery backends (SMTP, .eml files) and the outbox."""
