"""Checking received items and moving them to passed or failed."""

from __future__ import annotations

from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.checks import check_order
from platen.orders.models import Order, OrderEvent, OrderItem
from platen.orders.statuses import Fulfillment
from platen.orders.transitions import plan_items

SYSTEM = Actor.system("validation")
CHECK_FIELDS = [
    "problems", "shipment_method_uid", "shipment_method_name", "min_delivery_days", "max_delivery_days",
    "fulfillment_country", "shipping_price", "items_price",
]


def check_received(order: Order, items: list[OrderItem]) -> list[OrderEvent]:
    """Run the content checks on the received items, in memory: record the results on the order, move the
    items to passed or failed, and return the history to write. `items` are all the order's items."""
    received = [i for i in items if not i.is_ignored and i.fulfillment_status == Fulfillment.RECEIVED]
    if not received:
        return []
    result = check_order(order, received, order.shipping_address)
    order.problems = [{"field": p.field, "code": p.code, "message": p.message} for p in result.problems]
    evaluation = result.evaluation
    shipment = evaluation.shipment if evaluation else None
    if shipment is not None:
        order.shipment_method_uid = shipment.method_uid
        order.shipment_method_name = shipment.method_name
        order.min_delivery_days = shipment.min_delivery_days
        order.max_delivery_days = shipment.max_delivery_days
        order.fulfillment_country = shipment.fulfillment_country
        order.shipping_price = shipment.price
    if evaluation is not None:
        order.items_price = evaluation.items_price
    if order.problems:
        reason = " ".join(p["message"] for p in order.problems)
        checked = events.event(order, events.VALIDATION_FAILED, SYSTEM, reason=reason, params={"problems": order.problems})
        return [checked, *plan_items(order, items, received, Fulfillment.FAILED, SYSTEM, reason=reason)]
    checked = events.event(order, events.VALIDATION_PASSED, SYSTEM, params={
        "shipmentMethodUid": order.shipment_method_uid, "shipmentMethodName": order.shipment_method_name,
    })
    return [checked, *plan_items(order, items, received, Fulfillment.PASSED, SYSTEM)]


def process_received(order: Order) -> None:
    """Check a saved order's received items and persist the outcome. Call inside the service's transaction."""
    items = list(order.items.all())
    history = check_received(order, items)
    if not history:
        return
    OrderItem.objects.bulk_update(items, ["fulfillment_status"])
    order.save(update_fields=[*CHECK_FIELDS, "fulfillment_status", "updated_at"])
    events.save_all(history)
