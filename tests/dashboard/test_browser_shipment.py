"""The order page of a shipped and delivered order in chromium, at a laptop's and a phone's width: the shipment
card and the timeline's steps fit, the tracking links are real links."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from platen.orders.models import Package
from platen.orders.statuses import Fulfillment as F
from tests.dashboard.test_browser import log_in, shot
from tests.dashboard.test_order_shipping import CODE, carrier_moves, shipped

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_shipped_order_page(page: Page, merchant, make_order, width):
    order = shipped(make_order, f"SHIP-{width}")
    carrier_moves(order, F.IN_TRANSIT)
    carrier_moves(order, F.DELIVERED)
    parcel = Package.objects.get(order=order)
    url, partner = parcel.tracking_url, order.production_job.partner.name
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, merchant, f"/orders/{order.pk}/")
    expect(page.get_by_test_id("order-status")).to_contain_text("delivered")
    card = page.get_by_test_id("shipment")
    expect(card.get_by_test_id("parcels")).to_contain_text(f"{parcel.carrier_name} {parcel.service_name}")
    expect(card.get_by_role("link", name=CODE)).to_have_attribute("href", url)
    expect(card.get_by_test_id("expected")).to_contain_text("Between")
    history = page.get_by_test_id("history")
    for sentence in ("Delivered", "In transit with the carrier", "Shipped", "Packed and ready to ship", "Printed",
                     "In production at the print partner"):
        expect(history.get_by_text(sentence, exact=True)).to_be_visible()
    expect(history.get_by_role("link", name=f"Track parcel {CODE}")).to_have_attribute("href", url)
    expect(history).to_contain_text(f"by {partner} (print partner)")
    assert page.evaluate("document.documentElement.scrollWidth") <= width  # nothing runs off a phone's screen
    shot(page, f"30-order-shipped-{width}")
