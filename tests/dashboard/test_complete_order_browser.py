"""A merchant completes a not-connected store order in a real browser (Debian's chromium), at 1366 px and 390 px:
one item connected to a poster with its design, another ignored "for all incoming orders"; the order goes on to its
checks, and a later order with the ignored variant comes in without asking."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from platen.stores import resolution
from platen.stores.connectors.base import StoreLine, StoreProductData, StoreVariantData
from platen.stores.models import StoreVariant
from platen.stores.services import products
from tests.dashboard.test_browser import log_in, shot
from tests.stores import factories
from tests.stores.factories import Line

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def open_at(browser, live_server, width: int) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.fixture
def shop(account):
    shop = factories.store(account, name="Acme Posters")
    products.apply_product(shop, StoreProductData("111", "Sunset poster", (StoreVariantData("1", "SUN-A3", "A3"),)))
    products.apply_product(shop, StoreProductData("222", "T-shirt", (
        StoreVariantData("4", "TEE-M", "M"), StoreVariantData("5", "TEE-4XL", "4XL"))))
    return shop


@pytest.mark.parametrize("width", [1366, 390])
def test_merchant_completes_a_not_connected_order(browser, live_server, merchant, shop, files, settle, width):
    a3, xl = StoreVariant.objects.get(external_id="1"), StoreVariant.objects.get(external_id="5")
    order = factories.not_connected_order(shop, [Line(a3), Line(xl)], reference=f"#{width}")
    page = open_at(browser, live_server, width)
    log_in(page, merchant, f"/orders/{order.id}/")
    expect(page.get_by_test_id("order-status")).to_contain_text("not connected")
    page.get_by_test_id("complete-order").click()
    expect(page.get_by_role("heading", name=f"Complete order #{width}")).to_be_visible()

    poster = page.get_by_test_id("complete-item").filter(has_text="Sunset poster – A3")
    poster.locator("summary", has_text="Connect").click()
    form = poster.get_by_test_id("connect-form")
    form.get_by_label("Product").select_option(label="Poster A3 (200 gsm uncoated)")
    form.get_by_label("Link to the design").fill(files.url("/files/print.pdf"))
    form.get_by_label("Connect this variant for this and all incoming orders").check()
    fits(page, width)
    shot(page, f"40-complete-connect-{width}")
    form.get_by_role("button", name="Connect").click()
    expect(page.locator(".flash-success")).to_contain_text("is connected")
    expect(page.get_by_test_id("complete-decided")).to_contain_text("Sunset poster – A3")

    shirt = page.get_by_test_id("complete-item").filter(has_text="T-shirt – 4XL")
    shirt.locator("summary", has_text="Ignore").click()
    shirt.get_by_label("Ignore this variant for all incoming orders").check()
    fits(page, width)
    shot(page, f"41-complete-ignore-{width}")
    shirt.get_by_role("button", name="Ignore").click()

    # Every item decided: back on the order, which moves on to its checks.
    expect(page.locator(".flash-success")).to_contain_text("The order is complete")
    expect(page.get_by_test_id("order-status")).not_to_contain_text("not connected")
    expect(page.get_by_test_id("complete-order")).to_have_count(0)
    expect(page.get_by_test_id("history")).to_contain_text("ignored in this order, and this variant is ignored in all incoming orders")
    fits(page, width)
    shot(page, f"42-completed-{width}")
    settle()
    page.reload()
    expect(page.get_by_test_id("order-status")).not_to_contain_text("received")
    expect(page.get_by_test_id("order-status")).not_to_contain_text("failed")

    # A later order with both variants: the 4XL is left out and the A3 is made, without asking.
    later = resolution.resolve_lines(shop, [StoreLine("a", 1, variant_id="1"), StoreLine("b", 1, variant_id="5")])
    assert [r.state for r in later] == ["connected", "ignored"]

    # The store's products page says so: the T-shirt has one variant ignored (grey) and one not connected (red).
    page.goto(f"/stores/{shop.pk}/products/")
    row = page.get_by_test_id("products").locator("tr", has_text="T-shirt")
    expect(row.get_by_test_id("count-not-connected")).to_have_text("1 not connected")
    expect(row.get_by_test_id("count-ignored")).to_have_text("1 ignored")
    fits(page, width)
    shot(page, f"43-products-{width}")
    row.get_by_role("link", name="T-shirt").click()
    ignored = page.get_by_test_id("variant").filter(has_text="4XL")
    expect(ignored).to_contain_text("ignored")
    expect(ignored.get_by_role("button", name="Stop ignoring")).to_be_visible()
    fits(page, width)
    shot(page, f"44-product-{width}")
    page.context.close()
