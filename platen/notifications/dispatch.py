"""The order-history subscriber: what was just written becomes postback deliveries and e-mails.

It runs inside the transaction that writes the history (orders.events.save_all), so the deliveries, the
e-mails and their jobs exist if and only if the change commits. It reacts only to the types in
payloads.SOURCES and the status changes below, never to its own entries (postback_sent, email_sent…).
"""

from __future__ import annotations

from django.utils import timezone

from platen.notifications import delivery, emails, payloads
from platen.notifications.models import Delivery, Endpoint, Event
from platen.notifications.retries import RETRY_WINDOW
from platen.notifications.statuses import OWN_HISTORY_TYPES, EmailKind, PostbackEvent
from platen.orders import events as history
from platen.orders.models import OrderEvent
from platen.orders.statuses import Fulfillment

NEEDS_ACTION = frozenset({
    Fulfillment.FAILED, Fulfillment.NOT_CONNECTED, Fulfillment.PENDING_APPROVAL, Fulfillment.PENDING_PERSONALIZATION,
})


def on_history(entries: list[OrderEvent]) -> None:
    by_order: dict = {}
    for e in entries:
        if e.type in payloads.SOURCES and e.type not in OWN_HISTORY_TYPES:
            by_order.setdefault(e.order_id, []).append(e)
    if not by_order:
        return
    # One query for the endpoints of every account in this write (a batch of many orders writes its history at once).
    endpoints: dict = {}
    accounts = {group[0].order.account_id for group in by_order.values()}
    for ep in Endpoint.objects.filter(account_id__in=accounts, active=True).only("pk", "account_id", "events"):
        endpoints.setdefault(ep.account_id, []).append(ep)
    for group in by_order.values():
        _postbacks(group, endpoints.get(group[0].order.account_id, []))
        _emails(group)


def _postbacks(entries: list[OrderEvent], endpoints: list[Endpoint]) -> None:
    order = entries[0].order
    if not endpoints:  # most accounts
        return
    outgoing = [o for o in payloads.translate(entries) if any(o.type in ep.events for ep in endpoints)]
    if not outgoing:
        return
    now = timezone.now()
    events = Event.objects.bulk_create([
        Event(uid=o.uid, account_id=order.account_id, order=order, source=o.source, type=o.type, payload=o.payload)
        for o in outgoing
    ])
    deliveries = Delivery.objects.bulk_create([
        Delivery(event=event, endpoint=ep, order_id=order.pk, next_attempt_at=now, retry_until=now + RETRY_WINDOW)
        for event in events for ep in endpoints if event.type in ep.events
    ])
    # Only the first of each endpoint is woken; each finished delivery hands over to the next (in order).
    first: dict = {}
    for d in deliveries:
        first.setdefault(d.endpoint_id, d)
    for d in first.values():
        delivery.schedule(d)


# The order's status -> the e-mail it sends (each routed and switched on or off per account, emails.recipient).
STEP_EMAILS = {
    Fulfillment.CANCELED: EmailKind.CANCELED, Fulfillment.PRINTED: EmailKind.PRINTED, Fulfillment.SHIPPED: EmailKind.SHIPPED,
    Fulfillment.IN_TRANSIT: EmailKind.IN_TRANSIT, Fulfillment.DELIVERED: EmailKind.DELIVERED,
    Fulfillment.RETURNED: EmailKind.RETURNED,
}


def _emails(entries: list[OrderEvent]) -> None:
    for e in entries:
        to = (e.params or {}).get("to")
        order = e.order
        if e.type == history.ORDER_CREATED:
            emails.queue(order.account_id, EmailKind.RECEIVED, order=order, context={
                "orderId": str(order.pk), "orderReferenceId": order.order_reference_id, "items": (e.params or {}).get("items")})
        if e.type != history.ORDER_STATUS_CHANGED or not (to in NEEDS_ACTION or to in STEP_EMAILS):
            continue
        context = {"orderId": str(order.pk), "orderReferenceId": order.order_reference_id, "status": to, "reason": e.reason}
        if to in NEEDS_ACTION:
            emails.queue(order.account_id, EmailKind.NEEDS_ACTION, order=order,
                         context={**context, "problems": list(order.problems or [])})
        else:
            emails.queue(order.account_id, STEP_EMAILS[to], order=order,
                         context={**context, "shipmentMethodName": order.shipment_method_name})


def account_event(account_id, event_type: PostbackEvent, payload: dict) -> list[Delivery]:
    """A postback about the account rather than one order (a store product changed), to the account's endpoints
    that subscribe to it. Call inside the change's transaction. Without an order there is no in-order rule: each
    delivery starts at once (the payload's `created` orders them for the receiver)."""
    event_type = PostbackEvent(event_type)
    endpoints = [ep for ep in Endpoint.objects.filter(account_id=account_id, active=True).only("pk", "events")
                 if event_type in ep.events]
    if not endpoints:
        return []
    now = timezone.now()
    event = Event(account_id=account_id, type=event_type, payload={})
    event.payload = {"id": str(event.uid), "event": str(event_type), **payload, "created": now.isoformat()}
    event.save(force_insert=True)
    deliveries = Delivery.objects.bulk_create([
        Delivery(event=event, endpoint=ep, order_id=None, next_attempt_at=now, retry_until=now + RETRY_WINDOW)
        for ep in endpoints])
    for d in deliveries:
        delivery.schedule(d)
    return deliveries
