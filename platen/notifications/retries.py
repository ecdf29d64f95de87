"""When to try a failed postback again, and which answers are worth another try.

Retries run for at least RETRY_WINDOW (3 days): 30 s, 2 min, 10 min, 1 h, then every 3 to 6 hours, each
with jitter so that many deliveries failing together do not come back together. A receiver's
Retry-After wins over the schedule.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from email.utils import parsedate_to_datetime

RETRY_WINDOW = timedelta(days=3)
EARLY = (timedelta(seconds=30), timedelta(minutes=2), timedelta(minutes=10), timedelta(hours=1))
LATE = (timedelta(hours=3), timedelta(hours=6))
RETRY_AFTER_CAP = timedelta(hours=24)
RETRYABLE_4XX = frozenset({408, 429})


def delay_after(attempts: int, rng: random.Random | None = None) -> timedelta:
    """The wait after the `attempts`-th failed try (1-based)."""
    rng = rng or random
    if attempts <= len(EARLY):
        return EARLY[attempts - 1] * rng.uniform(0.8, 1.2)
    return timedelta(seconds=rng.uniform(LATE[0].total_seconds(), LATE[1].total_seconds()))


def is_success(status: int) -> bool:
    return 200 <= status < 300


def is_retryable(status: int) -> bool:
    """5xx and 408/429 may work later; any other 4xx (and a redirect, which is not followed) will not."""
    return status >= 500 or status in RETRYABLE_4XX


def retry_after(value: str | None, now: datetime) -> timedelta | None:
    """Retry-After as seconds or an HTTP date, kept between 1 s and a day; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    try:
        wait = timedelta(seconds=int(value)) if value.isdigit() else parsedate_to_datetime(value) - now
    except (TypeError, ValueError, OverflowError):
        return None
    return min(max(wait, timedelta(seconds=1)), RETRY_AFTER_CAP)
