"""`korwatch run`: the daemon. APScheduler (3.x) runs the scan, delivery, inbox-watch and
optional digest jobs (the per-business digest, and the office's portfolio digest on
`[office] digest`) on the `[schedule]` of the config, one job at a time.

All jobs share one worker thread, so a scan and a delivery never touch the outbox at once; each
job has at most one run in flight and missed runs are coalesced into one. Pulled sources (a URL,
an API, a bank feed) are not pulled in that thread: the scan and bank jobs start each pull in a
thread of its own under its deadline (sources/pull.py) and move on, and a finished pull adds a
one-off job that imports what it brought. So a server that never finishes an answer holds back
neither the other businesses nor the delivery of alerts.

The main thread only waits for signals and pets systemd's watchdog, and only while the jobs make
progress: a job asks `stop` between documents and before each email, and a job that has not
asked for STUCK_PERIODS watchdog intervals is stuck, so the petting stops and systemd restarts
the daemon (WatchdogSec in the unit).
- SIGTERM / SIGINT: the scan stops after the document in hand, the scheduler shuts down, exit 0
  within 10 s: a job still busy after STOP_GRACE_SECONDS (an SMTP server that hangs, a huge
  document) is abandoned, which is safe (its SQLite transaction rolls back; an email not
  confirmed as sent stays pending), and `korwatch run` then exits at once (`abandoned`);
- SIGHUP: the config is read again; an invalid one is logged and the old one kept.

With `[web] enabled = true` the web pages (korwatch/web) are served from a thread of this
process too; they read the config current at each request. Where they listen is read at start.
"""

from __future__ import annotations

import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from types import FrameType
from typing import Any

from korwatch.clock import AMSTERDAM
from korwatch.config import schedule as daemon_schedule
from korwatch.config.load import load_config
from korwatch.config.model import Config
from korwatch.daemon.jobs import (
    InboxWatcher,
    ScanRound,
    bank_job,
    deliver_job,
    digest_job,
    import_pulled_job,
    office_digest_job,
    scan_job,
)
from korwatch.daemon.systemd import Notifier
from korwatch.errors import ConfigError
from korwatch.sources import http
from korwatch.sources.pull import Pulls

log = logging.getLogger("korwatch.daemon")
WAKE_SECONDS = 1.0  # how often the main thread looks at its flags (and at most the watchdog)
STOP_GRACE_SECONDS = 8.0  # how long a stop waits for the job in hand (the contract: exit in 10 s)
STUCK_PERIODS = 2  # a job without progress for this many watchdog intervals is stuck


class Daemon:
    def __init__(
        self,
        config: Config,
        config_path: Path,
        notifier: Notifier | None = None,
        load: Callable[[Path], Config] = load_config,
    ) -> None:
        self.config = config
        self.config_path = config_path
        self.notifier = notifier or Notifier()
        self.load = load
        self.stopping = threading.Event()
        self.reload_wanted = threading.Event()
        self.watcher = InboxWatcher()
        self.scheduler = _scheduler()
        self.abandoned = False  # a stop left a job running (the caller must exit at once)
        self.pulls = Pulls(on_done=self._pull_finished)
        self.round = ScanRound()  # the heartbeat's view of a scan and its pulls
        self.busy_since: float | None = None  # when the running job last made progress
        self.stuck_reported = False
        self.web: Any = None  # the web pages' server, with [web] enabled = true

    # Signal handlers only set flags: the main loop acts on them outside the handler.
    def _on_stop(self, number: int, frame: FrameType | None) -> None:
        self.stopping.set()
        http.STOPPING.set()  # cut short a source waiting to retry

    def _on_reload(self, number: int, frame: FrameType | None) -> None:
        self.reload_wanted.set()

    def install_signals(self) -> None:
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)

    def run(self) -> int:
        """Schedule the jobs, then wait for a stop; return the exit code (0)."""
        self.install_signals()
        self._schedule_jobs(first=True)
        self.scheduler.start()
        if self.config.web.enabled:
            self._start_web()
        businesses = len(self.config.businesses)
        log.info("korwatch daemon started: %d business(es), scan %s", businesses, self._scan)
        self.notifier.ready(f"watching {businesses} business(es)")
        pet = self.notifier.watchdog_seconds
        while not self.stopping.wait(min(WAKE_SECONDS, pet or WAKE_SECONDS)):
            if self.reload_wanted.is_set():
                self.reload_wanted.clear()
                self.reload()
            if self._making_progress():
                self.notifier.watchdog()
        log.info("stopping: finishing the document in hand")
        self.notifier.stopping()
        self.pulls.cancel()
        if self.web is not None:
            self.web.close()
        if not _shut_down(self.scheduler, STOP_GRACE_SECONDS):
            self.abandoned = True
            log.warning(
                "stopping without waiting longer than %.0f s for the job in hand: an import it "
                "had not finished is done again at the next start, and an email not confirmed "
                "as sent is sent then",
                STOP_GRACE_SECONDS,
            )
        log.info("korwatch daemon stopped")
        return 0

    def _start_web(self) -> None:
        from korwatch.web.server import WebServer  # noqa: PLC0415  (Flask only when asked for)

        try:
            self.web = WebServer(lambda: self.config)
        except OSError as error:  # the port is taken: the scans and emails go on without pages
            log.error("the web pages cannot listen on %s:%s: %s", self.config.web.host,
                      self.config.web.port, error)  # fmt: skip
            return
        self.web.start()
        log.info("web pages on %s", self.web.url)

    @property
    def _scan(self) -> str:
        return self.config.schedule.scan

    def _going_on(self) -> bool:
        """The `stop` the jobs ask between documents and emails: also their sign of progress."""
        if self.busy_since is not None:
            self.busy_since = time.monotonic()
        return self.stopping.is_set()

    def _job(self, function: Callable[[], object]) -> Callable[[], None]:
        def run() -> None:
            self.busy_since = time.monotonic()
            try:
                function()
            finally:
                self.busy_since = None

        return run

    def _making_progress(self) -> bool:
        """False while a job has made no progress for STUCK_PERIODS watchdog intervals (logged
        once per stuck job)."""
        busy, interval = self.busy_since, self.notifier.watchdog_seconds
        if busy is None or interval is None:
            self.stuck_reported = False
            return True
        quiet = time.monotonic() - busy
        if quiet < STUCK_PERIODS * 2 * interval:
            self.stuck_reported = False
            return True
        if not self.stuck_reported:
            self.stuck_reported = True
            log.error(
                "a job has made no progress for %.0f s; no longer petting the watchdog", quiet
            )
        return False

    def _pull_finished(self) -> None:
        """A pull has finished (in its own thread): import it now, as a one-off job."""
        if self.stopping.is_set():
            return
        self.scheduler.add_job(
            self._job(
                lambda: import_pulled_job(self.config, self._going_on, self.pulls, self.round)
            ),
            name="import-pulled",
            misfire_grace_time=None,
        )

    def reload(self) -> None:
        self.notifier.reloading()
        try:
            config = self.load(self.config_path)
        except ConfigError as error:
            for line in error.lines():
                log.error("reload refused, keeping the old config: %s", line)
            self.notifier.ready("reload refused: the config is invalid")
            return
        self.config = config
        self._schedule_jobs(first=False)
        log.info(
            "config reloaded from %s: %d business(es)", self.config_path, len(config.businesses)
        )
        self.notifier.ready(f"watching {len(config.businesses)} business(es)")

    def _schedule_jobs(self, *, first: bool) -> None:
        """(Re)create every job from the current config; jobs read `self.config` when they run,
        so a reload takes effect at their next run."""
        schedule = self.config.schedule
        going_on, pulls, round_ = self._going_on, self.pulls, self.round
        jobs: dict[str, tuple[str | None, Callable[[], Any]]] = {
            "scan": (
                schedule.scan,
                lambda: scan_job(self.config, going_on, pulls=pulls, round_=round_),
            ),
            "deliver": (schedule.deliver, lambda: deliver_job(self.config, going_on)),
            "watch": (
                schedule.watch,
                lambda: self.watcher.run(self.config, going_on, pulls, round_),
            ),
            "digest": (schedule.digest, lambda: digest_job(self.config, going_on)),
            "bank": (schedule.bank, lambda: bank_job(self.config, going_on, pulls, round_)),
            "office-digest": (
                self.config.office.digest if self.config.office.recipients else None,
                lambda: office_digest_job(self.config, going_on),
            ),
        }
        for job_id, (when, function) in jobs.items():
            if self.scheduler.get_job(job_id) is not None:
                self.scheduler.remove_job(job_id)
            if when is None:
                continue
            options: dict[str, Any] = {}
            if first and job_id in ("scan", "bank"):
                options["next_run_time"] = _now()  # the first scan right away
            self.scheduler.add_job(
                self._job(function), daemon_schedule.trigger(when), id=job_id, name=job_id,
                **options,
            )  # fmt: skip


def _shut_down(scheduler: Any, seconds: float) -> bool:
    """Shut the scheduler down, waiting at most `seconds` for the job in hand; whether it
    finished in that time."""
    closer = threading.Thread(
        target=scheduler.shutdown, kwargs={"wait": True}, name="shutdown", daemon=True
    )
    closer.start()
    closer.join(seconds)
    return not closer.is_alive()


def _now() -> Any:
    from datetime import datetime  # noqa: PLC0415

    return datetime.now(AMSTERDAM)


def _scheduler() -> Any:
    from apscheduler.executors.pool import ThreadPoolExecutor  # noqa: PLC0415
    from apscheduler.schedulers.background import BackgroundScheduler  # noqa: PLC0415

    return BackgroundScheduler(
        executors={"default": ThreadPoolExecutor(max_workers=1)},
        # One run of a job at a time; runs missed while busy or asleep become one late run.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        timezone=AMSTERDAM,
    )
