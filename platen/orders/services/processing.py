"""Checking a received order and moving it to passed or failed."""

from __future__ import annotations

from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.checks import check_order
from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from platen.orders.transitions import transition_items

SYSTEM = Actor.system("validation")


def process_received(order: Order) -> None:
    """Run the content checks on the order's received items. Call inside the service's transaction."""
    items = [i for i in order.items.all() if not i.is_ignored and i.fulfillment_status == Fulfillment.RECEIVED]
    if not items:
        return
    result = check_order(order, items, order.shipping_address)
    order.problems = [{"field": p.field, "code": p.code, "message": p.message} for p in result.problems]
    shipment = result.evaluation.shipment if result.evaluation else None
    if shipment is not None:
        order.shipment_method_uid = shipment.method_uid
        order.shipment_method_name = shipment.method_name
        order.min_delivery_days = shipment.min_delivery_days
        order.max_delivery_days = shipment.max_delivery_days
        order.fulfillment_country = shipment.fulfillment_country
        order.shipping_price = shipment.price
    if result.evaluation is not None:
        order.items_price = result.evaluation.items_price
    order.save(update_fields=[
        "problems", "shipment_method_uid", "shipment_method_name", "min_delivery_days", "max_delivery_days",
        "fulfillment_country", "shipping_price", "items_price", "updated_at",
    ])
    if order.problems:
        reason = " ".join(p["message"] for p in order.problems)
        events.record(order, events.VALIDATION_FAILED, SYSTEM, reason=reason, params={"problems": order.problems})
        transition_items(order, items, Fulfillment.FAILED, SYSTEM, reason=reason)
    else:
        events.record(order, events.VALIDATION_PASSED, SYSTEM, params={"shipmentMethodUid": order.shipment_method_uid, "shipmentMethodName": order.shipment_method_name})
        transition_items(order, items, Fulfillment.PASSED, SYSTEM)
