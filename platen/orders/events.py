"""Order event types and their small factories. Events are appended, never changed.

Every history write goes through `save_all`, which also hands the new events to the subscribers
(postbacks, e-mails) inside the same transaction, so a side effect is queued if and only if the change commits.
"""

import logging
from collections.abc import Callable
from functools import partial

from django.db import transaction

from platen.kit.actors import Actor
from platen.orders.models import Order, OrderEvent, OrderItem

ORDER_CREATED = "order_created"
DRAFT_CREATED = "draft_created"
ORDER_STATUS_CHANGED = "order_status_changed"
ITEM_STATUS_CHANGED = "item_status_changed"
FINANCIAL_STATUS_CHANGED = "financial_status_changed"
VALIDATION_FAILED = "validation_failed"
VALIDATION_PASSED = "validation_passed"
ADDRESS_UPDATED = "shipping_address_updated"
DRAFT_UPDATED = "draft_updated"
DRAFT_SUBMITTED = "draft_submitted"
REPROCESS_REQUESTED = "reprocess_requested"
DUPLICATE_SUBMISSION = "duplicate_submission"
CANCEL_REQUESTED = "cancel_requested"
APPROVAL_SCHEDULED = "approval_scheduled"
APPROVED = "approved"
PERSONALIZED = "personalization_received"
JOB_FAILED = "job_failed"
ITEM_CHANGED = "item_changed"  # a failed item fixed in place: product, pages, quantity or a file's URL
FILE_UPLOADED = "file_uploaded"  # a print file uploaded to Platen for an item
SHIPMENT_METHOD_CHANGED = "shipment_method_changed"  # a failed order given another method (names from, to)
# Production and shipping (platen/production)
ROUTED = "routed"  # params: facility, partner, dueDate, winner, runnersUp[{facility, reasons}]
ROUTING_HELD = "routing_held"  # no facility can take it; reason is the sentence, params: candidates and why not
ORDER_SPLIT = "order_split"  # params: orderIds (the connected orders), itemsByOrder
PARTNER_REPORT = "partner_report"  # a partner's status report as received (params: status, message, items)
ITEMS_PACKED = "items_packed"  # params: itemReferenceIds verified at the packing table
TRACKING_CODE_UPDATED = "tracking_code_updated"  # params: trackingCode, trackingUrl, shipmentMethodName, shipmentMethodUid, carrier
DELIVERY_ESTIMATE_UPDATED = "delivery_estimate_updated"  # params: minDeliveryDate, maxDeliveryDate (ISO dates)
TRACKING_EVENT = "tracking_event"  # a carrier checkpoint that did not move the order (late, duplicate status)
SHIPMENT_EXCEPTION = "shipment_exception"  # lost, damaged, customs hold...: params: code, packageId
STORE_FULFILLMENT_PUSHED = "store_fulfillment_pushed"  # the store was told (platen/stores): params: platform, kind, trackingCode
STORE_FULFILLMENT_FAILED = "store_fulfillment_failed"  # it could not be: params: platform, kind, trackingCode, error, waiting

log = logging.getLogger("platen.orders.events")


def event(order: Order, type: str, actor: Actor, *, reason: str = "", params: dict | None = None, item: OrderItem | None = None) -> OrderEvent:
    """An unsaved event; callers write it with save_all inside their transaction."""
    return OrderEvent(
        order=order, item=item, type=type, actor_kind=actor.kind, actor_id=actor.id,
        actor_label=actor.label, reason=reason, params=params or {},
    )


def record(order: Order, type: str, actor: Actor, *, reason: str = "", params: dict | None = None, item: OrderItem | None = None) -> OrderEvent:
    return save_all([event(order, type, actor, reason=reason, params=params, item=item)])[0]


Subscriber = Callable[[list[OrderEvent]], None]
_subscribers: list[Subscriber] = []


def subscribe(callback: Subscriber) -> None:
    """Called from an AppConfig.ready(); the callback runs inside the transaction that writes the events."""
    if callback not in _subscribers:
        _subscribers.append(callback)


def save_all(history: list[OrderEvent]) -> list[OrderEvent]:
    saved = OrderEvent.objects.bulk_create(history)
    for callback in _subscribers:
        callback(saved)
    transaction.on_commit(partial(_log, saved))
    return saved


def _log(saved: list[OrderEvent]) -> None:
    """One line per committed event: what `platen serve` shows by default (settings.LOGGING)."""
    for e in saved:
        moved = f"{e.params['from']} -> {e.params['to']}" if {"from", "to"} <= set(e.params or {}) else ""
        log.info(e.type, extra={"order_id": e.order_id, **({"item_id": e.item_id} if e.item_id else {}),
                                **({"status": moved} if moved else {}), "by": e.actor_label or e.actor_kind,
                                **({"reason": e.reason[:200]} if e.reason else {})})
