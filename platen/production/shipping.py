"""Carriers and delivery estimates: which carrier service a shipment method becomes between a facility's
country and the destination, and when the parcel should arrive.

The estimate is computed when an order is routed (from its production day) and again when it ships (from
that day); each change writes `delivery_estimate_updated` into the history (an
order_delivery_estimate_updated postback) and the order's shipment dates.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.models import Order, OrderEvent, Package
from platen.production.models import Carrier, CarrierService, Facility, ProductionJob, Tracker


def choose_service(method_uid: str, from_country: str, to_country: str,
                   services: list[CarrierService] | None = None) -> CarrierService | None:
    """The carrier service for a method from one country to another: an exact country beats "*", the fastest
    of equals wins. None when no carrier serves the route with that method."""
    candidates = services if services is not None else list(
        CarrierService.objects.select_related("carrier").filter(shipment_method_uid=method_uid))
    fitting = [s for s in candidates if s.shipment_method_uid == method_uid
               and _covers(s.from_countries, from_country) and _covers(s.to_countries, to_country)]
    if not fitting:
        return None
    return min(fitting, key=lambda s: ("*" in s.from_countries, "*" in s.to_countries, s.max_days, s.min_days))


def _covers(countries: list[str], country: str) -> bool:
    return "*" in countries or country in countries


def carrier_choices() -> list[tuple[str, str]]:
    """(code, name) of every carrier, for the shipping step's select."""
    return list(Carrier.objects.order_by("name").values_list("code", "name"))


def local_now(facility: Facility) -> datetime:
    return timezone.now().astimezone(ZoneInfo(facility.time_zone or "UTC"))


def handover_day(job: ProductionJob) -> date:
    """The day the parcel should reach the carrier: the production day plus the facility's extra days."""
    return job.due_date + timedelta(days=max(job.facility.production_days - 1, 0))


def estimate(order: Order, job: ProductionJob, start: date) -> tuple[date, date] | None:
    """Delivery dates for a parcel handed over on `start`: the carrier service's days, or the method's when no
    service is mapped; None when neither is known."""
    if job.carrier_service is not None:
        low, high = job.carrier_service.min_days, job.carrier_service.max_days
    elif order.min_delivery_days is not None and order.max_delivery_days is not None:
        low, high = order.min_delivery_days, order.max_delivery_days
    else:
        return None
    return start + timedelta(days=low), start + timedelta(days=high)


ESTIMATE_FIELDS = ["min_delivery_date", "max_delivery_date", "min_delivery_days", "max_delivery_days",
                   "fulfillment_country", "updated_at"]


def update_estimate(order: Order, job: ProductionJob, start: date, actor: Actor, *, save: bool = True) -> list[OrderEvent]:
    """Set the order's delivery dates from `start`; the history entry to write when they changed (unsaved).
    With save=False the caller writes ESTIMATE_FIELDS itself (routing does, for many orders at once)."""
    dates = estimate(order, job, start)
    if dates is None or dates == (order.min_delivery_date, order.max_delivery_date):
        return []
    order.min_delivery_date, order.max_delivery_date = dates
    if job.carrier_service is not None:
        order.min_delivery_days, order.max_delivery_days = job.carrier_service.min_days, job.carrier_service.max_days
    order.fulfillment_country = job.facility.country
    if save:
        order.save(update_fields=ESTIMATE_FIELDS)
    return [events.event(order, events.DELIVERY_ESTIMATE_UPDATED, actor, params={
        "minDeliveryDate": dates[0].isoformat(), "maxDeliveryDate": dates[1].isoformat(),
    })]


def track(package: Package, carrier=None) -> Tracker:
    """Start following a package: polled when its carrier has a poll client; webhooks find it by code.
    `carrier`: the package's Carrier when the caller has it already (saves looking it up again)."""
    if carrier is None or carrier.code != package.carrier_code:
        carrier = Carrier.objects.filter(code=package.carrier_code).first()
    polled = bool(carrier and carrier.poll_client)
    return Tracker.objects.create(package=package, next_poll_at=timezone.now() if polled else None)
