"""A merchant gives a failed order another shipping method in a real browser (Debian's chromium), then Reprocess;
the page follows the checks by itself to created, without a reload. At 1366 px and 390 px, nothing wider than
the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.dashboard.test_browser import log_in, shot
from tests.dashboard.test_browser_fixes import fits, open_at

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_merchant_changes_the_shipping_method_of_a_failed_order(browser, live_server, merchant, make_order, settle,
                                                                width):
    order = make_order(shipmentMethodUid="pigeon")
    page = open_at(browser, live_server, width)
    log_in(page, merchant, f"/orders/{order.id}/")
    expect(page.get_by_test_id("order-status")).to_contain_text("failed")
    card = page.get_by_test_id("method-fix")
    expect(card).to_contain_text("Choose another shipping method")
    expect(card.get_by_test_id("method-choice").first).to_contain_text("days to deliver")
    fits(page, width)
    shot(page, f"30-method-{width}")

    card.get_by_label("Tracked Post").check()
    card.get_by_role("button", name="Use this shipping method").click()
    expect(page.locator(".flash-success")).to_contain_text("now ships with Tracked Post")
    expect(page.get_by_test_id("problems")).to_have_count(0)
    expect(page.get_by_test_id("method-fix")).to_have_count(0)
    expect(page.get_by_test_id("history")).to_contain_text("Shipment method changed from pigeon to Tracked Post")

    page.get_by_role("button", name="Reprocess").click()
    expect(page.get_by_test_id("following")).to_be_visible()
    page.evaluate("window.notReloaded = true")
    settle()  # the worker's part; the open page notices by itself
    expect(page.get_by_test_id("order-status")).to_contain_text("created", timeout=15_000)
    assert page.evaluate("window.notReloaded") is True  # swapped in place by htmx, not reloaded
    expect(page.get_by_test_id("shipment")).to_contain_text("Tracked Post")
    fits(page, width)
    shot(page, f"31-method-fixed-{width}")
    page.context.close()
