"""Polling carriers without webhooks: trackers whose carrier has a poll client are asked again when due
(Tracker.next_poll_at), through the client (carriers/<client>.py, over platen.kit.safehttp), and their
answer is applied like a webhook's (services/tracking.py).

Every `INTERVALS[status]` while the parcel travels; a failed poll backs off (15 min doubling, at most a day;
a refused token waits a day); polling stops once every item of the package is delivered or returned, and
after GIVE_UP_AFTER without that (the package then shows an `expired` exception).
"""

from __future__ import annotations

import logging
import random
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from platen.kit import safehttp
from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from platen.production import tasks
from platen.production.carriers import mapping, registry
from platen.production.carriers.base import EXCEPTION, IN_TRANSIT, SHIPPED, PollFailed, PollTarget
from platen.production.models import Carrier, Tracker
from platen.production.services import tracking

log = logging.getLogger("platen.production.tracking")

INTERVALS = {SHIPPED: timedelta(hours=6), IN_TRANSIT: timedelta(hours=3), EXCEPTION: timedelta(hours=6), "": timedelta(hours=6)}
BACKOFF, MAX_BACKOFF, REFUSED_WAIT = timedelta(minutes=15), timedelta(days=1), timedelta(days=1)
LEASE = timedelta(minutes=10)  # a claimed tracker is not claimed again before its job ran (or crashed)
GIVE_UP_AFTER = timedelta(days=60)
BATCH = 200
DONE = frozenset({Fulfillment.DELIVERED, Fulfillment.RETURNED, Fulfillment.CANCELED})
TIMEOUTS = safehttp.Timeouts(connect=10, read=20, total=30)


def enqueue_due(now=None, limit: int = BATCH) -> int:
    """Claim the trackers due now (their carrier has a poll client) and queue one poll job each."""
    now = now or timezone.now()
    polled = list(Carrier.objects.exclude(poll_client="").values_list("code", flat=True))
    if not polled:
        return 0
    with transaction.atomic():
        due = list(Tracker.objects.select_for_update(skip_locked=True)
                   .filter(next_poll_at__lte=now, package__carrier_code__in=polled)
                   .order_by("next_poll_at").values_list("pk", flat=True)[:limit])
        Tracker.objects.filter(pk__in=due).update(next_poll_at=now + LEASE)
        for pk in due:
            tasks.enqueue_tracker_poll(pk)
    return len(due)


def poll(tracker_id: int) -> str:
    """Ask the carrier about one tracker, apply the answer, and say when to ask again."""
    tracker = Tracker.objects.select_related("package").filter(pk=tracker_id).first()
    if tracker is None or tracker.next_poll_at is None:
        return "Not polled."
    package = tracker.package
    carrier = Carrier.objects.filter(code=package.carrier_code).first()
    if carrier is None or not carrier.poll_client:
        Tracker.objects.filter(pk=tracker.pk).update(next_poll_at=None)
        return "The carrier is no longer polled."
    now = timezone.now()
    if now - package.shipped_at > GIVE_UP_AFTER:
        return _give_up(tracker)
    target = PollTarget(carrier.code, package.tracking_code, carrier.api_base_url, tracking.carrier_token(carrier))
    try:
        with safehttp.SafeHttpClient(timeouts=TIMEOUTS) as client:
            state = registry.provider(carrier.poll_client).fetch(target, client)
    except PollFailed as exc:
        failures = min(tracker.poll_failures + 1, 30)
        wait = min(BACKOFF * 2 ** (failures - 1), MAX_BACKOFF) if exc.transient else REFUSED_WAIT
        wait = wait * random.uniform(0.9, 1.1)
        Tracker.objects.filter(pk=tracker.pk).update(poll_failures=failures, poll_error=exc.reason[:300], next_poll_at=now + wait)
        log.warning("tracking poll failed", extra={"tracker": tracker.pk, "reason": exc.reason, "again_in": str(wait)})
        return exc.reason
    applied = tracking.apply(state, tracker=tracker)
    statuses = set(package.items.values_list("fulfillment_status", flat=True))
    finished = bool(statuses) and statuses <= DONE
    next_poll = None if finished else timezone.now() + INTERVALS.get(state.status, INTERVALS[""])
    Tracker.objects.filter(pk=tracker.pk).update(poll_failures=0, poll_error="", next_poll_at=next_poll)
    return applied.outcome


def _give_up(tracker: Tracker) -> str:
    package = tracker.package
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=package.order_id)
        Tracker.objects.filter(pk=tracker.pk).update(next_poll_at=None)
        statuses = set(package.items.values_list("fulfillment_status", flat=True))
        if statuses <= DONE:
            return "Polling stopped."
        message = mapping.REASONS[mapping.EXPIRED] + f" Tracking stopped after {GIVE_UP_AFTER.days} days."
        package.exception_code, package.exception_message = mapping.EXPIRED, message
        package.save(update_fields=["exception_code", "exception_message"])
        events.record(order, events.SHIPMENT_EXCEPTION, Actor.system("Platen tracking"), reason=message, params={
            "code": mapping.EXPIRED, "packageId": str(package.pk), "trackingCode": package.tracking_code})
    return message
