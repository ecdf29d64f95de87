"""Where routing sent an order, on the order page in a real browser (Debian's chromium): the facility, the due
date, the runners-up and why, the connected orders of a split order. At 1366 px and 390 px, nothing wider than
the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from platen.orders.models import Order
from tests.dashboard.test_browser import log_in, shot
from tests.dashboard.test_browser_fixes import fits, open_at
from tests.orders.factories import order_payload
from tests.production import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_the_order_page_shows_the_routing_decision(browser, live_server, merchant, make_order, width, without_demo_network):
    factories.facility("DE", makes=["poster"], name="Berlin Posters")
    factories.facility("NL", makes=["poster"], name="Amsterdam Posters")
    factories.facility("PL", makes=["t_shirt"], name="Warsaw Shirts")
    items = order_payload()["items"]  # a poster and a t-shirt: no facility makes both, so it is split
    order = make_order(items=items)
    other = Order.objects.exclude(pk=order.pk).get(split_group=order.split_group)
    page = open_at(browser, live_server, width)
    log_in(page, merchant, f"/orders/{order.id}/")
    card = page.get_by_test_id("routing")
    expect(card).to_contain_text("Berlin Posters")
    expect(card.get_by_test_id("runners-up")).to_contain_text("Amsterdam Posters")
    expect(card.get_by_test_id("connected-orders")).to_contain_text(other.order_reference_id)
    expect(page.get_by_test_id("history")).to_contain_text("Split into 2 connected orders")
    expect(page.get_by_test_id("history")).to_contain_text("Routed to Berlin Posters (DE)")
    fits(page, width)
    shot(page, f"40-routing-{width}")
    card.get_by_test_id("connected-orders").get_by_role("link").click()
    expect(page.get_by_test_id("routing")).to_contain_text("Warsaw Shirts")
    fits(page, width)
    page.context.close()
