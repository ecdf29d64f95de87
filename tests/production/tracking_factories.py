"""Shipped packages for the tracking tests: an order through the real pipeline to `created`, a production job,
then the partner's own `ship` step (services/progress.py), so the package is what production makes."""

from __future__ import annotations

import itertools
from datetime import time
from pathlib import Path

from django.utils import timezone

from platen.kit.actors import Actor
from platen.orders.models import Order, Package
from platen.production.models import Carrier, Facility, Partner, ProductionJob, TrackingSource
from platen.production.services import progress, tracking
from tests.orders import factories

FIXTURES = Path("/work/shared/fixtures/tracking")  # read as they are, never copied or edited
POSTER = factories.POSTER
_codes = itertools.count(1)


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def created_order(api, settle, **changes) -> Order:
    """An order made through the API whose checks ran: `created`, waiting for production."""
    body = factories.order_payload(items=[{"itemReferenceId": "poster-1", "productUid": POSTER, "quantity": 1,
                                           "files": [{"type": "default", "url": f"{factories.FILES}/print.pdf"}]}], **changes)
    response = api.post("/v4/orders", body)
    assert response.status_code == 200, response.content
    settle()
    order = Order.objects.get(pk=response.json()["id"])
    assert order.fulfillment_status == "created", order.problems
    return order


def carrier(code: str = "fedex", name: str = "FedEx", *, poll_client: str = "", api_base_url: str = "", token: str = "") -> Carrier:
    found, _ = Carrier.objects.update_or_create(code=code, defaults={
        "name": name, "tracking_url_template": f"https://track.example.com/{code}/{{code}}",
        "poll_client": poll_client, "api_base_url": api_base_url})
    if token:
        tracking.set_carrier_token(found, token)
    return found


def ship(order: Order, *, tracking_code: str | None = None, carrier_code: str = "fedex") -> Package:
    """The order's production job (made here unless routing made one) shipped by its partner with a tracking code."""
    job = ProductionJob.objects.filter(order=order).select_related("partner").first()
    if job is None:
        partner, _ = Partner.objects.get_or_create(name="Tracking Test Prints")
        facility, _ = Facility.objects.get_or_create(code="tracking-test-berlin", defaults={
            "partner": partner, "name": "Tracking Test Berlin", "country": "DE", "city": "Berlin", "latitude": 52.52,
            "longitude": 13.405, "time_zone": "Europe/Berlin", "cutoff": time(14), "daily_capacity": 1000,
            "makes": ["poster"], "ships_to": ["*"]})
        job = ProductionJob.objects.create(order=order, facility=facility, partner=facility.partner, due_date=timezone.localdate())
    code = tracking_code or f"TEST{next(_codes):08d}"
    progress.ship(job.partner, order.id, Actor.system("tests"), tracking_code=code, carrier_code=carrier_code)
    order.refresh_from_db()
    assert order.fulfillment_status == "shipped"
    return order.packages.get(tracking_code=code)


def source(kind: str = "easypost", secret: str = "test-webhook-secret") -> TrackingSource:
    created, _ = tracking.create_source(kind, f"{kind} tests", secret)
    return created
