"""A partner's job queue as the API pages it: its own jobs only, filtered by the order's status and by change time."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Q, QuerySet

from platen.accounts.services import as_uuid
from platen.kit.errors import Detail, InvalidRequest, NotFound
from platen.orders.statuses import Fulfillment
from platen.production.models import ProductionJob
from platen.production.services.jobs import scoped

ITEMS_WITH_FILES = "items__files"  # what the job presenter reads of an order besides its own row
WITH_ITEMS = (f"order__{ITEMS_WITH_FILES}",)


def queue(partner, statuses: list[str] | None = None, since: datetime | None = None) -> QuerySet[ProductionJob]:
    """`statuses`: the order's fulfillmentStatus, any of them (repeated or comma-separated); `since`: jobs whose
    order or job changed at or after that time (a status move, a cancel, an address change)."""
    jobs = scoped(partner).prefetch_related(*WITH_ITEMS)
    wanted = _statuses(statuses)
    if wanted:
        jobs = jobs.filter(order__fulfillment_status__in=wanted)
    if since is not None:
        jobs = jobs.filter(Q(updated_at__gte=since) | Q(order__updated_at__gte=since))
    return jobs.order_by("due_date", "routed_at", "id")


def one(partner, order_id) -> ProductionJob:
    """The partner's job for `order_id`; 404 for another partner's or an unknown order (existence is not told)."""
    uid = as_uuid(order_id)
    job = scoped(partner).prefetch_related(*WITH_ITEMS).filter(order_id=uid).order_by("pk").first() if uid else None
    if job is None:
        raise NotFound(f"No job for order {order_id} exists for this partner.", code="order_not_found")
    return job


def _statuses(values: list[str] | None) -> list[str]:
    wanted = [s.strip() for v in values or [] for s in v.split(",") if s.strip()]
    unknown = [s for s in wanted if s not in Fulfillment._value2member_map_]
    if unknown:
        raise InvalidRequest("Filter by order statuses such as created, in_production, printed, shipped or canceled.",
                             [Detail("status", f"{s} is not an order status.") for s in unknown], code="invalid_status")
    return wanted
