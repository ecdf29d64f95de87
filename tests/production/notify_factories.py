"""A print partner with one facility and a job for an order that reached `created` through the real pipeline
(made through the API, checked by the jobs), as routing would leave it; and the partner as an actor."""

from __future__ import annotations

from datetime import time

from django.utils import timezone

from platen.kit.actors import Actor
from platen.orders.models import Order
from platen.production.models import Carrier, CarrierService, Facility, Partner, ProductionJob


def partner_and_facility(name: str = "Druckerei Spree", country: str = "DE") -> tuple[Partner, Facility]:
    partner, _ = Partner.objects.get_or_create(name=name)
    facility, _ = Facility.objects.get_or_create(code=f"{country.lower()}-{partner.pk.hex[:6]}", defaults=dict(
        partner=partner, name=f"{name} {country}", country=country, city="Berlin", latitude="52.52000",
        longitude="13.40500", time_zone="Europe/Berlin", cutoff=time(14), daily_capacity=100,
        makes=["poster", "t-shirt", "canvas"], ships_to=["*"]))
    return partner, facility


def carrier_service(method_uid: str = "tracked_post") -> CarrierService:
    carrier, _ = Carrier.objects.get_or_create(code="dhl", defaults=dict(
        name="DHL", tracking_url_template="https://www.dhl.de/en/privatkunden/dhl-sendungsverfolgung.html?piececode={code}"))
    # The demo network may already map the method to several DHL services: take one, or make it.
    return CarrierService.objects.filter(carrier=carrier, shipment_method_uid=method_uid).first() or \
        CarrierService.objects.create(carrier=carrier, shipment_method_uid=method_uid, name="Paket",
                                      from_countries=["DE"], to_countries=["*"], min_days=2, max_days=4)


def job_for(order: Order, facility: Facility | None = None) -> ProductionJob:
    """The order's job (routing's, if it already made one; else one at `facility`, due today)."""
    order.refresh_from_db()
    assert order.fulfillment_status == "created", f"the order is {order.fulfillment_status}, not created"
    existing = ProductionJob.objects.filter(order=order).first()
    if existing is not None:
        return existing
    facility = facility or partner_and_facility()[1]
    return ProductionJob.objects.create(order=order, facility=facility, partner=facility.partner,
                                        due_date=timezone.localdate(), carrier_service=carrier_service(order.shipment_method_uid))


def as_partner(partner: Partner) -> Actor:
    """The partner acting (through its API key or its pages): what the history shows as who did it."""
    return Actor("partner", str(partner.pk), partner.name)
