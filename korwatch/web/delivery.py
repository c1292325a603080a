"""Sending the alerts a decision queued, right after it, beside the request.

Under the scan lock, as the daemon's delivery job takes it, so an email is never sent twice by
two processes; what cannot be sent now stays pending for the outbox's retries.
"""

from __future__ import annotations

import logging
import threading
from contextlib import closing

from korwatch import clock
from korwatch.config.model import Config
from korwatch.notify.outbox import deliver_due
from korwatch.scan import open_ledger, scan_lock

log = logging.getLogger("korwatch.web")
LOCK_WAIT_SECONDS = 120.0


def deliver_soon(config: Config, business_id: str) -> threading.Thread:
    """Deliver the business's due alerts in a thread of its own (returned, for tests)."""
    thread = threading.Thread(
        target=_deliver, args=(config, business_id), name="web-deliver", daemon=True
    )
    thread.start()
    return thread


def _deliver(config: Config, business_id: str) -> None:
    try:
        with scan_lock(config, LOCK_WAIT_SECONDS), closing(open_ledger(config)) as connection:
            report = deliver_due(connection, config, clock.now(), None, {business_id})
        for line in report.sent:
            log.info("sent %s", line)
        for line in report.failed:
            log.warning("not sent (will retry): %s", line)
    except Exception:
        log.exception("delivering the alerts of a decision failed; the outbox retries them")
