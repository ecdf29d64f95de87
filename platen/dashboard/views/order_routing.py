"""The routing decision on the order page: where the order is made, when, and why there (the runners-up)."""

from __future__ import annotations

from platen.orders.models import Order
from platen.production.services.jobs import job_of


def routing_context(order: Order) -> dict:
    """The order's production job (or None before routing) and its connected orders when routing split it."""
    return {"production_job": job_of(order), "connected_orders": list(order.connected_orders())}
