"""The order page shows preview thumbnails of the print files and the order's warnings, at desktop and phone
widths, without horizontal overflow."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.dashboard.conftest import ADDRESS
from tests.dashboard.test_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1366, 390])
def test_previews_and_warnings_on_the_order_page(browser, live_server, merchant, make_order, width):  # noqa: F811
    order = make_order("PREVIEW-1", shippingAddress={**ADDRESS, "phone": "12"})
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, merchant, f"/orders/{order.id}/")
    expect(page.get_by_test_id("warnings")).to_contain_text("does not look like a valid number in Germany")
    expect(page.get_by_test_id("order-status")).to_contain_text("created")  # a warning stops nothing
    thumbs = page.locator(".preview-thumb")
    expect(thumbs).to_have_count(1)
    page.wait_for_function("() => [...document.querySelectorAll('.preview-thumb')]"
                           ".every(i => i.complete && i.naturalWidth > 0)")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"20-order-previews-{width}")
    context.close()
