"""Endpoints and deliveries as the wire shows them."""

from __future__ import annotations

from platen.notifications.models import Attempt, Delivery, Endpoint


def _iso(value) -> str | None:
    return value.isoformat() if value else None


def endpoint(e: Endpoint, secret: str | None = None) -> dict:
    return {
        "id": str(e.id), "url": e.url, "kind": e.kind, "events": e.events, "active": e.active,
        "disabledAt": _iso(e.disabled_at), "disabledReason": e.disabled_reason or None,
        "createdAt": e.created_at.isoformat(), "secret": secret,
    }


def attempt(a: Attempt) -> dict:
    return {
        "number": a.number, "trigger": a.trigger, "startedAt": a.started_at.isoformat(), "durationMs": a.duration_ms,
        "statusCode": a.status_code, "response": a.response_excerpt, "error": a.error,
    }


def delivery(d: Delivery) -> dict:
    return {
        "id": str(d.id), "eventId": d.event.webhook_id, "event": d.event.type,
        "orderId": str(d.order_id) if d.order_id else None, "status": d.status, "attemptCount": d.attempts,
        "nextAttemptAt": _iso(d.next_attempt_at) if d.status == "pending" else None, "lastError": d.last_error,
        "createdAt": d.created_at.isoformat(), "finishedAt": _iso(d.finished_at), "payload": d.event.payload,
        "attempts": [attempt(a) for a in d.attempt_log.all()],
    }
