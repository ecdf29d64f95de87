"""Running the content checks on an order's received items; a passing order is priced (pricing.py)."""

from __future__ import annotations

from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.checks import check_order
from platen.orders.models import Order, OrderEvent, OrderItem
from platen.orders.services import pricing

SYSTEM = Actor.system("validation")
CHECK_FIELDS = ["problems", "warnings", *pricing.PRICING_FIELDS]


def run_checks(order: Order, received: list[OrderItem]) -> OrderEvent:
    """Record the check results on the order (problems, warnings, shipment, prices, receipt) and return the
    history entry; the caller saves CHECK_FIELDS and moves the items to failed (when order.problems) or on."""
    result = check_order(order, received, order.shipping_address)
    order.problems = [{"field": p.field, "code": p.code, "message": p.message} for p in result.problems]
    order.warnings = [{"field": p.field, "code": p.code, "message": p.message} for p in result.warnings]
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
        pricing.forget(order)
        return events.event(order, events.VALIDATION_FAILED, SYSTEM, reason=failure_reason(order),
                            params={"problems": order.problems})
    pricing.record(order, list(order.items.all()))
    return events.event(order, events.VALIDATION_PASSED, SYSTEM, params={
        "shipmentMethodUid": order.shipment_method_uid, "shipmentMethodName": order.shipment_method_name,
    })


def failure_reason(order: Order) -> str:
    return " ".join(p["message"] for p in order.problems)
