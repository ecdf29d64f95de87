"""Use cases of postback endpoints: add, list, delete, enable, test, replay. They own the transactions.

`account` is the caller's scope: an Account for a merchant or an API key, None for an operator.
Another account's endpoint or delivery is "not found", never "forbidden".
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from platen.kit import safehttp
from platen.kit.errors import Conflict, Detail, InvalidRequest, NotFound
from platen.notifications import delivery, payloads, signing
from platen.notifications.models import Delivery, Endpoint, Event
from platen.notifications.retries import RETRY_WINDOW
from platen.notifications.statuses import TEST_EVENT, DeliveryStatus, EndpointKind, PostbackEvent

MAX_ENDPOINTS = 20
EVENT_NAMES = [str(e) for e in PostbackEvent]


@dataclass(frozen=True)
class Created:
    endpoint: Endpoint
    secret: str | None  # shown once, here; None for e-mail endpoints


def create_endpoint(account, url: str, events: list[str], secret: str | None = None) -> Created:
    kind, url = _checked(url, events, secret)
    if kind == EndpointKind.URL:
        secret = secret or signing.new_secret()
    with transaction.atomic():
        if Endpoint.objects.filter(account=account).count() >= MAX_ENDPOINTS:
            raise Conflict(f"An account can have at most {MAX_ENDPOINTS} endpoints; delete one you no longer use first.",
                           code="too_many_endpoints")
        endpoint = Endpoint.objects.create(
            account=account, kind=kind, url=url, events=list(dict.fromkeys(events)),
            secret_encrypted=signing.encrypt(secret) if secret else "",
        )
    return Created(endpoint, secret if kind == EndpointKind.URL else None)


def _checked(url: str, events: list[str], secret: str | None) -> tuple[EndpointKind, str]:
    details = []
    url = (url or "").strip()
    kind = EndpointKind.EMAIL if url.lower().startswith("mailto:") else EndpointKind.URL
    problem = _email_problem(url) if kind == EndpointKind.EMAIL else _url_problem(url)
    if problem:
        details.append(Detail("url", problem))
    if not events:
        details.append(Detail("events", f"Subscribe to at least one event: {', '.join(EVENT_NAMES)}."))
    for i, name in enumerate(events):
        if name not in EVENT_NAMES:
            details.append(Detail(f"events[{i}]", f"There is no event “{name}”; use one of {', '.join(EVENT_NAMES)}."))
    if secret is not None and kind == EndpointKind.URL and (problem := signing.secret_problem(secret)):
        details.append(Detail("secret", problem))
    if details:
        raise InvalidRequest("The endpoint is not valid.", details)
    return kind, url


def _url_problem(url: str) -> str | None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "Give an http:// or https:// URL (or mailto:address to receive the events by e-mail)."
    if len(url) > 2048:
        return "The URL is longer than 2048 characters."
    if parts.username or parts.password:
        return "Leave credentials out of the URL; check the webhook-signature header instead."
    try:  # the very check each attempt makes (PLATEN_FETCH_ALLOW_PRIVATE lets tests and demos use loopback)
        safehttp.check_destination(url)
    except safehttp.FetchFailed as exc:
        return exc.reason
    return None


def _email_problem(url: str) -> str | None:
    try:
        validate_email(url[len("mailto:"):])
    except ValidationError:
        return "Give a valid e-mail address after mailto:, such as mailto:orders@example.com."
    return None


def endpoints(account):
    rows = Endpoint.objects.select_related("account")
    return rows if account is None else rows.filter(account=account)


def get_endpoint(account, endpoint_id) -> Endpoint:
    endpoint = endpoints(account).filter(pk=_uuid(endpoint_id)).first() if _uuid(endpoint_id) else None
    if endpoint is None:
        raise NotFound(f"No endpoint {endpoint_id} exists for this account.", code="endpoint_not_found")
    return endpoint


def delete_endpoint(account, endpoint_id) -> None:
    # Its deliveries go with it; a delivery job that wakes up later finds nothing and does nothing.
    get_endpoint(account, endpoint_id).delete()


def enable_endpoint(account, endpoint_id) -> Endpoint:
    endpoint = get_endpoint(account, endpoint_id)
    Endpoint.objects.filter(pk=endpoint.pk).update(active=True, disabled_at=None, disabled_reason="", failing_since=None)
    endpoint.refresh_from_db()
    return endpoint


def deliveries(account, endpoint_id, *, status: str | None = None):
    endpoint = get_endpoint(account, endpoint_id)
    earlier = Delivery.objects.filter(endpoint_id=OuterRef("endpoint_id"), order_id=OuterRef("order_id"),
                                      status=DeliveryStatus.PENDING, event_id__lt=OuterRef("event_id"))
    rows = (endpoint.deliveries.select_related("event", "endpoint").prefetch_related("attempt_log")
            .annotate(waiting=Exists(earlier)).order_by("-created_at", "-event_id"))
    return rows.filter(status=status) if status else rows


def get_delivery(account, endpoint_id, delivery_id) -> Delivery:
    found = deliveries(account, endpoint_id).filter(pk=_uuid(delivery_id)).first() if _uuid(delivery_id) else None
    if found is None:
        raise NotFound(f"No delivery {delivery_id} exists for this endpoint.", code="delivery_not_found")
    return found


def replay(account, endpoint_id, delivery_id) -> Delivery:
    """Send a delivery again, with the same event id: it becomes pending with a fresh retry window."""
    endpoint = get_endpoint(account, endpoint_id)
    if not endpoint.active:
        raise Conflict("This endpoint is disabled; enable it again before replaying.", code="endpoint_disabled")
    with transaction.atomic():
        d = Delivery.objects.select_for_update().filter(pk=get_delivery(account, endpoint_id, delivery_id).pk).first()
        now = timezone.now()
        if d.status != DeliveryStatus.PENDING:
            d.status, d.finished_at, d.next_trigger = DeliveryStatus.PENDING, None, "replay"
        d.next_attempt_at, d.retry_until = now, now + RETRY_WINDOW
        d.save(update_fields=["status", "finished_at", "next_trigger", "next_attempt_at", "retry_until"])
        delivery.schedule(d)
    return get_delivery(account, endpoint_id, delivery_id)


def send_test(account, endpoint_id) -> Delivery:
    """A test event, tried once now (also on a disabled endpoint, to check it before enabling it again)."""
    endpoint = get_endpoint(account, endpoint_id)
    now = timezone.now()
    with transaction.atomic():
        uid = uuid.uuid4()
        event = Event.objects.create(uid=uid, account_id=endpoint.account_id, type=TEST_EVENT, payload=payloads.ping_payload(uid, now))
        d = Delivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=now, retry_until=now)
    delivery.attempt(d.pk, test=True)
    return get_delivery(account, endpoint_id, d.pk)


def wake_overdue(overdue_by: timedelta = timedelta(minutes=1)) -> int:
    """The sweep: wake pending deliveries that should have run by now. Returns how many."""
    due = delivery.overdue(overdue_by)
    with transaction.atomic():
        for d in due:
            delivery.schedule(d)
    return len(due)


def _uuid(value):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
