"""How long things wait: retry backoff, worker heartbeats and the lease after which a silent worker's
jobs are taken back. Defaults here; a deployment (or a test settings module) may override them in
Django settings (PLATEN_JOB_LEASE_SECONDS, ...)."""

from __future__ import annotations

import random
from datetime import timedelta

from django.conf import settings

BACKOFF_BASE = timedelta(seconds=5)
BACKOFF_CAP = timedelta(hours=1)


def backoff(attempt: int, rng: random.Random | None = None) -> timedelta:
    """Exponential backoff with full jitter: uniform in [0, min(cap, base * 2**(attempt-1))]. Full jitter
    spreads the retries of jobs that failed together (an outage) instead of sending them back in a wave."""
    ceiling = min(BACKOFF_CAP.total_seconds(), BACKOFF_BASE.total_seconds() * 2 ** min(max(attempt - 1, 0), 30))
    return timedelta(seconds=(rng or random).uniform(0, ceiling))


def lease() -> timedelta:
    """A worker silent for this long is taken for dead and its running jobs are run again."""
    return timedelta(seconds=float(getattr(settings, "PLATEN_JOB_LEASE_SECONDS", 60)))


def reap_every() -> float:
    """How often each worker (and the scheduler) looks for jobs of lost workers: a quarter of the lease, so
    a dead worker's job runs again within about 1.25 leases, and at most every 30 s."""
    return min(max(lease().total_seconds() / 4, 0.1), 30.0)


def heartbeat_every() -> float:
    return float(getattr(settings, "PLATEN_JOB_HEARTBEAT_SECONDS", 5))


def worker_poll_every() -> float:
    return float(getattr(settings, "PLATEN_JOB_POLL_SECONDS", 1))


def scheduler_tick() -> float:
    return float(getattr(settings, "PLATEN_SCHEDULER_TICK_SECONDS", 1))


def keep_finished() -> timedelta:
    """Succeeded jobs are deleted after this; dead ones stay until an operator retries them."""
    return timedelta(days=float(getattr(settings, "PLATEN_JOB_KEEP_DAYS", 7)))
