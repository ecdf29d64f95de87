"""`platen scheduler`: enqueues each @periodic job once per period and runs the reaper.

Any number of schedulers may run (one per machine, or `platen serve` beside a real deployment): the
unique (name, period_start) row in PeriodicRun is inserted in the same transaction as the enqueue, so
exactly one of them enqueues a period and the others' inserts fail and change nothing.
"""

from __future__ import annotations

import importlib
import logging
import signal
import time
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from platen.jobs import services, timing
from platen.jobs.definitions import PERIODIC, Periodic
from platen.jobs.enqueueing import enqueue
from platen.jobs.models import PeriodicRun

log = logging.getLogger("platen.jobs")

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


def discover_periodic() -> dict[str, Periodic]:
    """@periodic registers at import: import every app's tasks.py, plus settings.PLATEN_JOB_MODULES."""
    autodiscover_modules("tasks")
    for module in getattr(settings, "PLATEN_JOB_MODULES", []):
        importlib.import_module(module)
    return dict(PERIODIC)


def period_start(now: datetime, every: timedelta) -> datetime:
    """Periods aligned to the clock (every=5 min: :00, :05, ...), the same in every scheduler process."""
    return EPOCH + ((now - EPOCH) // every) * every


def enqueue_period(job: Periodic, start: datetime) -> bool:
    """True if this call enqueued the period; False if someone already had."""
    if PeriodicRun.objects.filter(name=job.name, period_start=start).exists():
        return False
    try:
        with transaction.atomic():
            result = enqueue(job.task)
            PeriodicRun.objects.create(name=job.name, period_start=start, job_id=result.id)
    except IntegrityError:  # another scheduler won the race; its transaction holds the job
        return False
    log.info("periodic job enqueued", extra={"periodic": job.name, "period": start.isoformat(), "job": result.id})
    return True


class Scheduler:
    def __init__(self, periodic: dict[str, Periodic] | None = None):
        self.periodic = discover_periodic() if periodic is None else periodic
        self.running = True
        self._done: dict[str, datetime] = {}  # period last seen handled per name: skips the query within a period
        self._next_reap = 0.0

    def tick(self, now: datetime | None = None) -> list[str]:
        """One pass: enqueue what is due, reap when it is time. Returns the names enqueued."""
        now = now or timezone.now()
        enqueued = []
        for job in self.periodic.values():
            start = period_start(now, job.every)
            if self._done.get(job.name) == start:
                continue
            if enqueue_period(job, start):
                enqueued.append(job.name)
            self._done[job.name] = start
        if time.monotonic() >= self._next_reap:
            services.reap_orphans()
            self._next_reap = time.monotonic() + timing.reap_every()
        return enqueued

    def stop(self, signum, frame) -> None:
        log.info("scheduler stopping", extra={"signal": signum})
        self.running = False

    def run(self) -> int:
        signal.signal(signal.SIGTERM, self.stop)
        signal.signal(signal.SIGINT, self.stop)
        log.info("scheduler started", extra={"periodic": ",".join(sorted(self.periodic)) or "none"})
        while self.running:
            close_old_connections()
            try:
                self.tick()
            except Exception:  # a database hiccup must not end the scheduler; the next tick tries again
                log.exception("scheduler tick failed")
            deadline = time.monotonic() + timing.scheduler_tick()
            while self.running and time.monotonic() < deadline:
                time.sleep(min(0.2, max(deadline - time.monotonic(), 0)))
        log.info("scheduler stopped")
        return 0
