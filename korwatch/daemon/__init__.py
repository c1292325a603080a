"""`korwatch run`: the service.

`service.py` the APScheduler daemon (signals, reload, stop within 10 s); `jobs.py` its jobs
(scan, deliver, watch the inboxes, digest, heartbeat); `systemd.py` the sd_notify protocol.

May import everything below it: korwatch.scan, korwatch.reporting, korwatch.notify, ...
"""
