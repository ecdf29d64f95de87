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
    """Record the check results on the order (problems, warnings, prices, receipt, shipment) and return the
    history entry; the caller saves CHECK_FIELDS and moves the items to failed (when order.problems) or on."""
    result = check_order(order, received, order.shipping_address)
    order.problems = [{"field": p.field, "code": p.code, "message": p.message} for p in result.problems]
    order.warnings = [{"field": p.field, "code": p.code, "message": p.message} for p in result.warnings]
    # Priced again over every active item (a fix may have changed one); the shipment only when the checks passed.
    pricing.record(order, list(order.items.all()), checked=not order.problems)
    if order.problems:
        return events.event(order, events.VALIDATION_FAILED, SYSTEM, reason=failure_reason(order),
                            params={"problems": order.problems})
    return events.event(order, events.VALIDATION_PASSED, SYSTEM, params={
        "shipmentMethodUid": order.shipment_method_uid, "shipmentMethodName": order.shipment_method_name,
    })


def failure_reason(order: Order) -> str:
    return " ".join(p["message"] for p in order.problems)
