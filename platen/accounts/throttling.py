"""Slowing down and then refusing repeated failed sign-ins: dashboard passwords per user name and per client
address, API keys per client address.

Counters live in the database (SignInThrottle), so every web process on every machine sees the same count,
on SQLite and PostgreSQL alike, with no extra service. A failure is counted in a window that starts at the
first one; from `slow_after` failures on, each makes the next attempt wait a little longer; at `lock_after`
the user name or address is refused for `lock_for`. A successful sign-in clears the user name's count.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from platen.accounts.models import SignInThrottle
from platen.kit.errors import PlatenError

SLOW_STEP = timedelta(seconds=10)


@dataclass(frozen=True)
class Policy:
    scope: str
    lock_after: int
    slow_after: int
    window: timedelta = timedelta(minutes=15)
    lock_for: timedelta = timedelta(minutes=15)


# One person mistyping a password gets a few tries; an office behind one address gets more, together.
USER = Policy("user", lock_after=5, slow_after=3)
ADDRESS = Policy("address", lock_after=20, slow_after=10)
# Keys carry 256 random bits: no one guesses one. This stops an address that keeps sending bad keys (a
# client with a revoked key in a loop, a scanner) from costing a lookup per request for ever.
KEY_ADDRESS = Policy("key-address", lock_after=20, slow_after=20)


class TooManyAttempts(PlatenError):
    """429 in the API's error shape; the API adds Retry-After from `retry_after` (seconds)."""

    def __init__(self, wait: timedelta, what: str = "requests with an invalid API key"):
        super().__init__(f"Too many {what} from your address. Try again in {in_words(wait)}.", [], "too_many_attempts", 429)
        self.retry_after = max(math.ceil(wait.total_seconds()), 1)


def in_words(wait: timedelta) -> str:
    seconds = max(math.ceil(wait.total_seconds()), 1)
    if seconds < 60:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


def sign_in_refusal(wait: timedelta) -> str:
    return f"Too many failed sign-ins. Try again in {in_words(wait)}."


def wait_left(policy: Policy, key: str) -> timedelta | None:
    """How long this user name or address must still wait before trying again, or None."""
    until = SignInThrottle.objects.filter(scope=policy.scope, key=_key(key)).values_list("locked_until", flat=True).first()
    now = timezone.now()
    return until - now if until is not None and until > now else None


def record_failure(policy: Policy, key: str) -> None:
    now = timezone.now()
    with transaction.atomic():
        row, _ = SignInThrottle.objects.select_for_update().get_or_create(
            scope=policy.scope, key=_key(key), defaults={"window_start": now})
        if row.window_start <= now - policy.window:
            row.failures, row.window_start = 0, now
        row.failures += 1
        if row.failures >= policy.lock_after:
            row.locked_until = now + policy.lock_for
        elif row.failures >= policy.slow_after:
            row.locked_until = now + SLOW_STEP * (row.failures - policy.slow_after + 1)
        row.save()


def clear(policy: Policy, key: str) -> None:
    SignInThrottle.objects.filter(scope=policy.scope, key=_key(key)).delete()


def prune() -> int:
    """Rows whose window and lock are both over count for nothing."""
    now = timezone.now()
    over = SignInThrottle.objects.filter(window_start__lt=now - max(USER.window, ADDRESS.window, KEY_ADDRESS.window))
    return over.filter(Q(locked_until__isnull=True) | Q(locked_until__lt=now)).delete()[0]


# --- Dashboard passwords --------------------------------------------------------------------------------

def password_wait(username: str, address: str) -> timedelta | None:
    waits = [w for w in (wait_left(USER, username), wait_left(ADDRESS, address)) if w is not None]
    return max(waits) if waits else None


def password_failed(username: str, address: str) -> None:
    record_failure(USER, username)
    record_failure(ADDRESS, address)


def password_succeeded(username: str) -> None:
    clear(USER, username)


# --- API keys -----------------------------------------------------------------------------------------

def check_bad_key(address: str) -> None:
    """After a key that matched nothing: 429 while the address is refused, else the failure is counted (401)."""
    if (wait := wait_left(KEY_ADDRESS, address)) is not None:
        raise TooManyAttempts(wait)
    record_failure(KEY_ADDRESS, address)


def client_address(request) -> str:
    return request.META.get("REMOTE_ADDR") or "unknown"


def _key(value: str) -> str:
    return (value or "").strip().lower()[:200]
