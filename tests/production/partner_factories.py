"""Partners, facilities and production jobs made without routing: an order that reached `created` through the
real pipeline (API, checks, file fetching) is put at a facility by hand, so the partner API is tested on its own.
If routing already placed the order, the job is moved to the given facility (one job per order)."""

from __future__ import annotations

import uuid
from datetime import time

from django.utils import timezone

from platen.production.models import Carrier, CarrierService, Facility, Partner, ProductionJob
from tests.orders.factories import order_payload


def make_partner(name: str | None = None) -> Partner:
    return Partner.objects.create(name=name or f"Partner {uuid.uuid4().hex[:8]}", email="production@partner.test")


def make_facility(partner: Partner, *, country: str = "DE", code: str | None = None) -> Facility:
    return Facility.objects.create(
        partner=partner, code=code or f"{country.lower()}-{uuid.uuid4().hex[:6]}", name=f"{partner.name} {country}",
        country=country, city="Berlin", latitude="52.52000", longitude="13.40500", time_zone="Europe/Berlin",
        cutoff=time(15, 0), daily_capacity=500, makes=["*"], ships_to=["*"],
    )


def make_carrier_service(method_uid: str, *, carrier_code: str = "dhl") -> CarrierService:
    carrier, _ = Carrier.objects.get_or_create(code=carrier_code, defaults={
        "name": carrier_code.upper(), "tracking_url_template": f"https://track.{carrier_code}.test/?code={{code}}"})
    return CarrierService.objects.create(carrier=carrier, name="Paket", shipment_method_uid=method_uid,
                                         from_countries=["*"], to_countries=["*"], min_days=1, max_days=3)


def created_order(api, settle, **overrides) -> dict:
    """An order through the real pipeline up to `created` (its print files fetched, stored and checked)."""
    response = api.post("/v4/orders", order_payload(**overrides))
    assert response.status_code == 200, response.content
    settle()
    order = api.get(f"/v4/orders/{response.json()['id']}").json()
    assert order["fulfillmentStatus"] == "created", order
    return order


def place(order_id, facility: Facility, *, carrier_service: CarrierService | None = None, due_date=None) -> ProductionJob:
    """The order's production job at `facility` (as routing would leave it)."""
    job, _ = ProductionJob.objects.update_or_create(order_id=order_id, defaults={
        "facility": facility, "partner": facility.partner, "due_date": due_date or timezone.localdate(),
        "carrier_service": carrier_service, "address_changed_at": None,
    })
    return job
