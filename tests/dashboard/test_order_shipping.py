"""The order page after the checks: each production and shipping step as a sentence with who did it, and the
shipment (carrier, tracking links, delivery dates) in the merchant's words. Driven through the partner's real
steps (production.services.progress) and the carrier's moves (transition_items, as tracking makes them)."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest
from django.db import transaction
from django.utils.html import escape

from platen.dashboard import history
from platen.kit.actors import Actor
from platen.orders.models import Order, OrderEvent, Package
from platen.orders.statuses import Fulfillment as F
from platen.orders.transitions import transition_items
from platen.production.services import progress
from tests.production.factories import as_partner, job_for

pytestmark = pytest.mark.django_db
CODE = "00340434161094042557"
CARRIER = Actor.system("DHL")


def carrier_moves(order: Order, target: F, reason: str = "") -> None:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order.pk)
        items = list(order.items.all())
        transition_items(order, items, target, CARRIER, reason=reason, siblings=items)


def shipped(make_order, reference: str, *, via_packing: bool = True) -> Order:
    """An order made through the API and checked, then started, printed, packed and shipped by its partner."""
    order = make_order(reference)
    job = job_for(order)
    actor = as_partner(job.partner)
    progress.start(job.partner, order.pk, actor)
    progress.mark_printed(job.partner, order.pk, actor)
    if via_packing:
        progress.pack(job.partner, order.pk, ["item-1"], actor)
    progress.ship(job.partner, order.pk, actor, tracking_code=CODE)
    return order


def titles(page: str) -> list[str]:
    return [line.split("</p>")[0] for line in page.split('<p class="timeline-title">')[1:]]


def test_every_step_reads_as_a_sentence_with_who_did_it(make_order, merchant_client):
    order = shipped(make_order, "ORD-STEPS")
    carrier_moves(order, F.IN_TRANSIT)
    carrier_moves(order, F.DELIVERED)
    page = merchant_client.get(f"/orders/{order.pk}/").content.decode()
    said = titles(page)
    # Newest first, the order-level sentences in the order they happened (item moves are minor lines between).
    major = [t for t in said if not t.startswith("Item ")]
    parcel = Package.objects.get(order=order)
    steps = ["In production at the print partner", "Printed", "Packed and ready to ship",
             "1 item verified against the order at packing", "Shipped",
             f"Handed to {parcel.carrier_name} with tracking code {CODE}", "In transit with the carrier", "Delivered"]
    assert [t for t in reversed(major) if t in steps] == steps
    assert any(t.startswith("Delivery estimate: arrives between ") for t in major)
    assert f"by {order.production_job.partner.name} (print partner)" in page and "by DHL" in page
    url = escape(parcel.tracking_url)
    link = f'<a href="{url}" target="_blank" rel="noopener noreferrer">Track parcel {CODE}</a>'
    assert link in page  # on the timeline
    assert "In this parcel: item-1" in page and f"Shipped with {parcel.carrier_name}, tracking {CODE}" in page
    assert "<p class=\"timeline-reason\">Printed.</p>" not in page  # said once, by the title


def test_the_shipment_card_shows_carrier_tracking_and_dates(make_order, merchant_client):
    order = make_order("ORD-CARD")
    job_for(order)
    page = merchant_client.get(f"/orders/{order.pk}/").content.decode()
    assert "The tracking link appears here once the print partner hands the parcel to the carrier." in page
    shipped_order = shipped(make_order, "ORD-CARD-2", via_packing=False)
    shipped_order.refresh_from_db()
    page = merchant_client.get(f"/orders/{shipped_order.pk}/").content.decode()
    card = page.split('data-testid="shipment"')[1].split("</section>")[0]
    low, high = shipped_order.min_delivery_date, shipped_order.max_delivery_date
    assert f"{high.day} {high:%B %Y}" in card and "Between" in card
    parcel = Package.objects.get(order=shipped_order)
    assert f"{parcel.carrier_name} {parcel.service_name}" in card and f'href="{escape(parcel.tracking_url)}"' in card
    assert "1 item: item-1" in card and "Made in" in card


def test_a_return_says_why_on_the_page(make_order, merchant_client):
    order = shipped(make_order, "ORD-BACK")
    Package.objects.filter(order=order).update(exception_code="refused", exception_message="The recipient refused the parcel.")
    carrier_moves(order, F.RETURNED, "Returned to sender: the recipient refused the parcel.")
    page = merchant_client.get(f"/orders/{order.pk}/").content.decode()
    assert "Returned to the sender" in titles(page)
    assert "Returned to sender: the recipient refused the parcel." in page  # the entry's reason
    assert "The recipient refused the parcel." in page.split('data-testid="shipment"')[1].split("</section>")[0]


def test_another_accounts_order_page_stays_hidden(make_order, other_merchant):
    from django.test import Client

    order = shipped(make_order, "ORD-MINE")
    client = Client()
    client.force_login(other_merchant)
    assert client.get(f"/orders/{order.pk}/").status_code == 404


NOW = datetime(2026, 12, 2, 9, 0, tzinfo=timezone.utc)


def event(type, params=None, reason="", actor_kind="system", actor_label="Platen"):
    return OrderEvent(type=type, params=params or {}, reason=reason, actor_kind=actor_kind, actor_label=actor_label, created_at=NOW)


def test_partner_report_and_estimate_sentences():
    report = history.entry(event("partner_report", {"status": "printed", "message": "Batch 12", "items": ["poster-1"]},
                                 actor_kind="partner", actor_label="Print Co"))
    assert report.title == "The print partner reported “printed”" and report.actor == "by Print Co (print partner)"
    assert report.details == ["Message: Batch 12", "Items: poster-1"]
    estimate = history.entry(event("delivery_estimate_updated", {"minDeliveryDate": "2026-12-04", "maxDeliveryDate": "2026-12-04"}))
    assert estimate.title == "Delivery estimate: arrives on 4 December 2026"


def test_only_web_addresses_are_linked():
    typed = history.entry(event("tracking_code_updated", {"trackingCode": "X1", "trackingUrl": "javascript:alert(1)", "carrier": "UPS"}))
    assert typed.title == "Handed to UPS with tracking code X1" and typed.link is None
