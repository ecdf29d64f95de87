"""The routing decision on the order page: where the order is made, when, and why there (the runners-up)."""

from __future__ import annotations

from platen.orders.models import Order
from platen.production.models import ProductionJob


def routing_context(order: Order) -> dict:
    """The order's production job (or None before routing) and its connected orders when routing split it."""
    job = ProductionJob.objects.select_related("facility", "partner", "carrier_service__carrier").filter(order=order).first()
    connected = list(Order.objects.filter(split_group=order.split_group).exclude(pk=order.pk)
                     .order_by("created_at", "id")) if order.split_group else []
    return {"production_job": job, "connected_orders": connected}
