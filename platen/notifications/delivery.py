"""Sending one delivery: claim it, try it outside any transaction, record the attempt, decide what next.

In order per order and endpoint: a delivery waits while an earlier delivery of the same order to the same
endpoint is still pending; when that one finishes (succeeded, failed or dead) it hands over to the next.
A dead delivery does not block later ones: holding every later status change back for good because one
event could not be delivered would leave the receiver more wrong than skipping it, and the dead one stays
visible and replayable.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from platen.jobs import enqueue
from platen.kit.actors import Actor
from platen.notifications import emails, http, retries, signing, tasks
from platen.notifications.models import Attempt, Delivery, Endpoint
from platen.notifications.statuses import (
    POSTBACK_FAILED, POSTBACK_SENT, DeliveryStatus, EmailKind, EndpointKind,
)
from platen.orders import events as history

log = logging.getLogger("platen.postbacks")
ACTOR = Actor.system("postbacks")
def lease() -> timedelta:
    """How long a try holds its delivery: longer than any try (the timeout), after which a crashed try is
    picked up again."""
    return timedelta(seconds=float(getattr(settings, "PLATEN_POSTBACK_LEASE_SECONDS", 60.0)))
P = DeliveryStatus


def timeout() -> float:
    return float(getattr(settings, "PLATEN_POSTBACK_TIMEOUT", 10.0))


@dataclass(frozen=True)
class Result:
    """What one try came to."""

    started_at: datetime
    duration_ms: int
    status_code: int | None = None
    excerpt: str = ""
    error: str = ""
    retryable: bool = True
    retry_after: timedelta | None = None

    @property
    def ok(self) -> bool:
        # An e-mail has no status code: sent without an error is success.
        return not self.error and (self.status_code is None or retries.is_success(self.status_code))


def attempt(delivery_id, *, test: bool = False) -> Delivery | None:
    """Try a pending, due delivery once. None when there was nothing to do (not due, waiting, finished)."""
    delivery = _claim(delivery_id, test=test)
    if delivery is None:
        return None
    try:
        result = _try(delivery)
    except Exception as exc:  # a fault on our side still counts as a failed try, so retries stay bounded
        log.exception("postback not sent", extra={"delivery_id": delivery.pk})
        result = Result(timezone.now(), 0, error=f"Platen could not send it ({exc.__class__.__name__}); it will try again.")
    return _record(delivery, result, test=test)


def _claim(delivery_id, *, test: bool) -> Delivery | None:
    with transaction.atomic():
        d = (Delivery.objects.select_for_update(of=("self",)).select_related("endpoint", "event")
             .filter(pk=delivery_id).first())
        now = timezone.now()
        if d is None or d.status != P.PENDING:
            return None
        if d.next_attempt_at and d.next_attempt_at > now:
            if not test:
                schedule(d)  # woken early (the job of a crashed try ran again): come back when it is due
            return None
        if waits_for_earlier(d):
            return None
        if not d.endpoint.active and not test:
            _finish([d], P.DEAD, "The endpoint is disabled.", now)
            return None
        d.attempts += 1
        d.next_attempt_at = now + lease()
        d.save(update_fields=["attempts", "next_attempt_at"])
        return d


def waits_for_earlier(d: Delivery) -> bool:
    if d.order_id is None:
        return False
    return Delivery.objects.filter(endpoint_id=d.endpoint_id, order_id=d.order_id, status=P.PENDING, event_id__lt=d.event_id).exists()


def body_of(d: Delivery) -> str:
    # Compact, UTF-8: the exact text that is signed is the text that is sent.
    return json.dumps(d.event.payload, separators=(",", ":"), ensure_ascii=False)


def _try(d: Delivery) -> Result:
    started = timezone.now()
    if d.endpoint.kind == EndpointKind.EMAIL:
        error, permanent = emails.send_postback(d, body_of(d))
        return Result(started, _ms_since(started), error=error, retryable=not permanent)
    body = body_of(d)
    headers = signing.headers(signing.decrypt(d.endpoint.secret_encrypted), d.event.webhook_id, started, body)
    try:
        answer = http.post_json(d.endpoint.url, body.encode(), headers, timeout())
    except http.SendFailed as exc:
        return Result(started, _ms_since(started), error=str(exc), retryable=not exc.permanent)
    return Result(
        started, answer.duration_ms, status_code=answer.status, excerpt=answer.excerpt,
        retryable=retries.is_retryable(answer.status), retry_after=retries.retry_after(answer.headers.get("retry-after"), started),
    )


def _ms_since(started: datetime) -> int:
    return int((timezone.now() - started).total_seconds() * 1000)


def _record(claimed: Delivery, result: Result, *, test: bool) -> Delivery | None:
    with transaction.atomic():
        d = (Delivery.objects.select_for_update(of=("self",)).select_related("endpoint", "event__order")
             .filter(pk=claimed.pk).first())
        if d is None:  # the endpoint was deleted meanwhile
            return None
        Attempt.objects.create(
            delivery=d, number=claimed.attempts, trigger="test" if test else d.next_trigger, started_at=result.started_at,
            duration_ms=result.duration_ms, status_code=result.status_code, response_excerpt=result.excerpt, error=result.error,
        )
        now = timezone.now()
        d.next_trigger = "retry"
        d.last_error = _describe(result)
        if d.status != P.PENDING:  # disabled or replayed while this try ran: keep what happened since
            d.save(update_fields=["next_trigger", "last_error"])
            return d
        if result.ok:
            Endpoint.objects.filter(pk=d.endpoint_id, failing_since__isnull=False).update(failing_since=None)
            _finish([d], P.SUCCEEDED, "", now)
        elif test or not result.retryable:
            _finish([d], P.FAILED, d.last_error, now)
        else:
            _retry_or_give_up(d, result, now)
        log.info("postback attempt", extra={"delivery_id": d.pk, "endpoint_id": d.endpoint_id, "order_id": d.order_id,
                                            "status": d.status, "http_status": result.status_code, "duration_ms": result.duration_ms})
        return d


def _retry_or_give_up(d: Delivery, result: Result, now: datetime) -> None:
    Endpoint.objects.filter(pk=d.endpoint_id, failing_since__isnull=True).update(failing_since=result.started_at)
    endpoint = Endpoint.objects.get(pk=d.endpoint_id)
    if endpoint.failing_since <= now - retries.RETRY_WINDOW:
        disable(endpoint, now, last_error=d.last_error)
        d.refresh_from_db()
        return
    if now >= d.retry_until:
        _finish([d], P.DEAD, f"Gave up after {d.attempts} tries over {retries.RETRY_WINDOW.days} days. {d.last_error}", now)
        return
    d.next_attempt_at = now + (result.retry_after or retries.delay_after(d.attempts))
    d.save(update_fields=["next_attempt_at", "next_trigger", "last_error"])
    enqueue(tasks.deliver, str(d.pk), run_at=d.next_attempt_at)


def _describe(result: Result) -> str:
    if result.error:
        return result.error
    if result.ok:
        return ""
    what = "will be retried" if result.retryable else "not retried: the receiver refused it"
    return f"HTTP {result.status_code} ({what})."


def _finish(deliveries: list[Delivery], status: DeliveryStatus, error: str, now: datetime) -> None:
    """Close deliveries, note it in their orders' histories, and let the next event of each order go."""
    for d in deliveries:
        d.status, d.finished_at, d.last_error, d.next_attempt_at = status, now, error, None
        d.save(update_fields=["status", "finished_at", "last_error", "next_attempt_at", "next_trigger"])
    entries = [_history_entry(d, status) for d in deliveries if d.order_id is not None]
    if entries:
        history.save_all(entries)
    for d in deliveries:
        hand_over(d)


def _history_entry(d: Delivery, status: DeliveryStatus):
    ok = status == P.SUCCEEDED
    event = d.event
    target = d.endpoint.address if d.endpoint.kind == EndpointKind.EMAIL else d.endpoint.url
    reason = (f"{event.type} delivered to {target}" if ok else f"{event.type} could not be delivered to {target}: {d.last_error}")
    return history.event(event.order, POSTBACK_SENT if ok else POSTBACK_FAILED, ACTOR, reason=reason, params={
        "event": event.type, "endpoint": target, "deliveryId": str(d.pk), "attempts": d.attempts,
    })


def hand_over(d: Delivery) -> None:
    """Start the next pending delivery of the same order to the same endpoint, if any."""
    if d.order_id is None:
        return
    nxt = (Delivery.objects.filter(endpoint_id=d.endpoint_id, order_id=d.order_id, status=P.PENDING)
           .order_by("event_id").only("pk", "next_attempt_at").first())
    if nxt is not None:
        schedule(nxt)


def schedule(d: Delivery) -> None:
    now = timezone.now()
    when = d.next_attempt_at if d.next_attempt_at and d.next_attempt_at > now else None
    enqueue(tasks.deliver, str(d.pk), run_at=when)


def disable(endpoint: Endpoint, now: datetime, *, last_error: str = "") -> None:
    """The circuit breaker: stop sending to an endpoint that failed for the whole retry window, and say so."""
    reason = (f"Every try since {endpoint.failing_since:%Y-%m-%d %H:%M} UTC failed, so Platen stopped sending. "
              "Fix the receiver, send a test, then enable the endpoint again and replay what you missed.")
    Endpoint.objects.filter(pk=endpoint.pk).update(active=False, disabled_at=now, disabled_reason=reason)
    pending = list(Delivery.objects.select_related("endpoint", "event__order").filter(endpoint=endpoint, status=P.PENDING))
    _finish(pending, P.DEAD, "The endpoint was disabled after failing for 3 days.", now)
    emails.queue(endpoint.account_id, EmailKind.ENDPOINT_DISABLED, context={
        "endpointId": str(endpoint.pk), "url": endpoint.url, "since": f"{endpoint.failing_since:%Y-%m-%d %H:%M} UTC",
        "reason": reason, "lastError": last_error, "dead": len(pending),
    })
    log.warning("postback endpoint disabled", extra={"endpoint_id": endpoint.pk, "account_id": endpoint.account_id})


def overdue(overdue_by: timedelta = timedelta(minutes=1), limit: int = 500) -> list[Delivery]:
    """Pending deliveries whose time has passed (a lost wake-up, a crashed try), first of their order only."""
    earlier = Delivery.objects.filter(endpoint_id=OuterRef("endpoint_id"), order_id=OuterRef("order_id"),
                                      status=P.PENDING, event_id__lt=OuterRef("event_id"))
    return list(Delivery.objects.filter(status=P.PENDING, next_attempt_at__lte=timezone.now() - overdue_by)
                .exclude(Exists(earlier)).order_by("next_attempt_at").only("pk", "next_attempt_at")[:limit])
