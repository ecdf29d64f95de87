"""Creating orders from intake requests, with exactly-once semantics.

The raw request is already stored (intake.services.receive). Here it is parsed, matched against existing
orders (Idempotency-Key, preventDuplicate) and turned into an order in one transaction. Two concurrent
identical requests meet in a unique constraint; the loser returns the winner's order.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from platen.intake import services as intake
from platen.intake.models import IntakeRequest
from platen.intake.statuses import Outcome
from platen.kit.actors import Actor
from platen.kit.errors import Conflict, Detail, InvalidRequest
from platen.kit.wire import parse_json
from platen.orders import events, tasks
from platen.orders.models import Address, ItemFile, Order, OrderEvent, OrderItem
from platen.orders.schemas import OrderCreateIn
from platen.orders.services import pricing
from platen.orders.services.building import address_values, build_items, insert_items
from platen.orders.services.queries import with_details
from platen.orders.statuses import Financial, Fulfillment, OrderType
from platen.orders.transitions import start

log = logging.getLogger("platen.intake")


@dataclass(frozen=True)
class Created:
    order: Order
    created: bool  # False when an existing order was returned


def create_from_intake(request: IntakeRequest, actor: Actor, *, channel: str = "api") -> Created:
    try:
        payload = parse_json(request.raw_body, OrderCreateIn, "order")
    except InvalidRequest as exc:
        intake.reject(request, exc.details)
        log.info("intake rejected", extra={"intake_request_id": request.id, "channel": channel, "problems": len(exc.details)})
        raise
    key = request.idempotency_key or None
    existing = _existing(request, payload, key)
    if existing is not None:
        return _duplicate(request, existing, actor)
    try:
        with transaction.atomic():
            order = _create(request, payload, actor, channel, key)
            intake.complete(request, Outcome.ACCEPTED, order=order)
    except IntegrityError:
        existing = _existing(request, payload, key)
        if existing is None:
            raise
        request.refresh_from_db()
        return _duplicate(request, existing, actor)
    log.info("order created", extra={"order_id": order.id, "intake_request_id": request.id, "channel": channel,
                                     "status": order.fulfillment_status})
    return Created(order, True)


def _create(request: IntakeRequest, payload: OrderCreateIn, actor: Actor, channel: str, key: str | None) -> Order:
    """Insert the order and its rows once, in `received` (or `draft`), priced with its receipt when the catalog
    can price it (pricing.py), and queue its checks."""
    is_draft = payload.orderType == OrderType.DRAFT
    status = Fulfillment.DRAFT if is_draft else Fulfillment.RECEIVED
    order = Order(
        account_id=request.account_id, intake_request=request, order_type=payload.orderType,
        order_reference_id=payload.orderReferenceId, customer_reference_id=payload.customerReferenceId,
        currency=payload.currency, channel=channel, store_id=request.store_id,
        shipping_address=Address(**address_values(payload.shippingAddress)),
        return_address=Address(**address_values(payload.returnAddress)) if payload.returnAddress else None,
        metadata=[m.model_dump() for m in payload.metadata],
        requested_shipment_method=payload.shipmentMethodUid or "", idempotency_key=key,
        external_id=payload.orderReferenceId if payload.preventDuplicate else None, ordered_at=timezone.now(),
    )
    start(order, status, Financial.DRAFT if is_draft else Financial.PENDING)
    items, files = build_items(order, payload.items, status)
    history = [events.event(order, events.DRAFT_CREATED if is_draft else events.ORDER_CREATED, actor,
                            params={"channel": channel, "intakeRequestId": str(request.id), "items": len(items)})]
    insert_new(order, items, files, history)
    if not is_draft:
        tasks.enqueue_check(order)  # the checks run as a job; the job row commits with the order
    return order


def insert_new(order: Order, items: list[OrderItem], files: list[ItemFile], history: list[OrderEvent]) -> None:
    """Insert an order built in memory (its addresses, items, files, receipt and history), priced from the catalog.
    Shared by every channel that creates orders (API, store imports); raises IntegrityError on a unique key."""
    priced = pricing.compute(order, items)  # in memory: the order row is inserted with its total
    for address in filter(None, [order.shipping_address, order.return_address]):
        address.save(force_insert=True)
    order.save(force_insert=True)  # the unique keys (Idempotency-Key, external id) are checked here
    insert_items(items, files)
    pricing.write(order, priced, new=True)
    events.save_all(history)


def _existing(request: IntakeRequest, payload: OrderCreateIn, key: str | None) -> Order | None:
    if not key and not payload.preventDuplicate:
        return None
    orders = with_details(Order.objects.filter(account_id=request.account_id))
    if key:
        found = orders.filter(idempotency_key=key).select_related("intake_request").first()
        if found is not None:
            if found.intake_request and not _same_json(found.intake_request.raw_body, request.raw_body):
                intake.reject(request, [Detail("Idempotency-Key", "This key was used for a different request.")])
                raise Conflict(
                    "This Idempotency-Key was already used with a different request body: use a new key for a new order.",
                    code="idempotency_key_reused",
                )
            return found
    if payload.preventDuplicate:
        return orders.filter(order_reference_id=payload.orderReferenceId).order_by("created_at").first()
    return None


def _duplicate(request: IntakeRequest, order: Order, actor: Actor) -> Created:
    with transaction.atomic():
        intake.complete(request, Outcome.DUPLICATE, order=order)
        events.record(order, events.DUPLICATE_SUBMISSION, actor, reason="The same order was submitted again; the existing order was returned.",
                      params={"intakeRequestId": str(request.id)})
    log.info("duplicate submission", extra={"order_id": order.id, "intake_request_id": request.id})
    return Created(order, False)


def _same_json(a: str, b: str) -> bool:
    try:
        return json.loads(a) == json.loads(b)
    except ValueError:
        return a == b
