""""Why isn't my order here?" on the orders page: in chromium at 1366 and 390 px a merchant with two stores types a
store order number, picks the store, reads the cause in place (htmx) and fixes it with one click (Import it now),
then opens the order; without JavaScript the same form answers on a reloaded orders page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from platen.catalog.models import ShipmentMethod
from platen.orders.models import Order
from platen.stores.models import ShippingMethodMapping, SkuMapping, Store
from tests.dashboard.conftest import PASSWORD
from tests.dashboard.test_browser import log_in, shot
from tests.dashboard.test_layout import OVERFLOWS
from tests.emulators.shopify import ShopifyEmulator
from tests.orders.factories import POSTER
from tests.stores.import_support import make_store, print_files, shopify_store

SKU = "PA3-MATTE"


@pytest.fixture
def shop(loopback_fetching):
    with ShopifyEmulator() as emulator:
        yield emulator


@pytest.fixture
def stores(account, shop):
    """Two stores: the emulated Shopify one (its SKU and shipping method mapped) and another that knows no orders."""
    store = named(shopify_store(account, shop), "Acme Posters")
    SkuMapping.objects.create(store=store, sku=SKU, product_uid=POSTER, files=print_files())
    ShippingMethodMapping.objects.create(store=store, store_method="Standard Shipping",
                                         shipment_method_uid=ShipmentMethod.objects.order_by("uid").first().uid)
    other = named(make_store(account, domain="acme-mugs.myshopify.com"), "Acme Mugs")
    return store, other


def named(store: Store, name: str) -> Store:
    Store.objects.filter(pk=store.pk).update(name=name)
    store.name = name
    return store


def missed_order(shop):
    """An order the store never told Platen about, placed three hours ago."""
    product = shop.add_product("Poster", [{"sku": SKU, "title": "A3", "options": {"Size": "A3"}}])
    return shop.add_order([{"variant": product.variants[0], "quantity": 1}], created_at=shop.now() - timedelta(hours=3))


@pytest.mark.django_db
def test_without_javascript_the_form_answers_on_the_orders_page(merchant, stores, shop):
    store, _ = stores
    missed_order(shop)
    client = Client()
    client.login(username=merchant.username, password=PASSWORD)
    listing = client.get("/orders/").content.decode()
    assert "Why isn't my order here?" in listing and "Acme Mugs" in listing  # the box, with the store chooser
    page = client.get("/orders/why/", {"store": str(store.pk), "ref": "#1001"})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-cause="webhook_not_received"' in html and "Shopify never sent Platen its notification" in html
    assert "<h1>Orders</h1>" in html  # the whole page, not a fragment
    # The store is found by the order's number alone once Platen has seen it (here after Import now).
    done = client.post(f"/orders/why/{store.pk}/import/", {"ref": "#1001"}, follow=True).content.decode()
    assert "Order #1001 is imported." in done and 'data-cause="imported"' in done
    assert 'data-cause="imported"' in client.get("/orders/why/", {"ref": "1001"}).content.decode()


@pytest.fixture
def page(page_at_widths):
    return page_at_widths


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_ask_why_read_the_cause_in_place_and_fix_it_with_one_click(page: Page, merchant, stores, shop):
    store, _ = stores
    missed_order(shop)
    log_in(page, merchant, "/orders/")
    box = page.get_by_test_id("why-box")
    expect(box.get_by_role("heading", name="Why isn't my order here?")).to_be_visible()
    box.get_by_test_id("why-store").select_option(label="Acme Posters")
    box.get_by_label("Store order number").fill("#1001")
    box.get_by_role("button", name="Find out why").click()
    result = page.get_by_test_id("why-result")
    expect(result).to_have_attribute("data-cause", "webhook_not_received")
    expect(result).to_contain_text("Order #1001 was placed on")
    expect(result).to_contain_text("Shopify never sent Platen its notification and no pull has seen it yet; the next pull "
                                   "is due now.")  # the store's scheduled pull is overdue: the scheduler runs it next
    assert page.url.endswith("/orders/")  # answered in place
    assert page.evaluate(OVERFLOWS) == []
    shot(page, f"why-answer-{page.width}")

    result.get_by_role("button", name="Import it now").click()
    expect(page.get_by_text("Order #1001 is imported.")).to_be_visible()
    expect(page.get_by_test_id("why-result")).to_have_attribute("data-cause", "imported")
    order = Order.objects.get(store_id=store.pk)
    expect(page.get_by_test_id("why-message")).to_contain_text(f"Order #1001 is in Platen as order {order.pk}")
    assert page.evaluate(OVERFLOWS) == []
    shot(page, f"why-imported-{page.width}")
    page.get_by_test_id("why-result").get_by_role("link", name="Open the order").click()
    expect(page).to_have_url(f"{page.url.split('/orders')[0]}/orders/{order.pk}/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_order_the_store_does_not_know_is_said_plainly(page: Page, merchant, stores, shop):
    log_in(page, merchant, "/orders/")
    box = page.get_by_test_id("why-box")
    box.get_by_test_id("why-store").select_option(label="Acme Posters")
    box.get_by_label("Store order number").fill("4242")
    box.get_by_role("button", name="Find out why").click()
    expect(page.get_by_test_id("why-result")).to_have_attribute("data-cause", "not_found")
    expect(page.get_by_test_id("why-message")).to_have_text(
        "Shopify has no order 4242 in the store Acme Posters: check the number (as the store shows it, e.g. #1001).")
    assert page.evaluate(OVERFLOWS) == []


@pytest.mark.django_db
def test_the_recreate_button_makes_an_order_placed_before_connecting(merchant, stores, shop):
    store, _ = stores
    product = shop.add_product("Poster", [{"sku": SKU, "title": "A3", "options": {"Size": "A3"}}])
    shop.add_order([{"variant": product.variants[0], "quantity": 1}], created_at=store.connected_at - timedelta(hours=1))
    client = Client()
    client.login(username=merchant.username, password=PASSWORD)
    html = client.get("/orders/why/", {"store": str(store.pk), "ref": "#1001"}).content.decode()
    assert 'data-cause="placed_before_connection"' in html
    assert f'action="/orders/why/{store.pk}/recreate/"' in html and 'data-action="recreate"' in html
    answer = client.post(f"/orders/why/{store.pk}/recreate/", {"ref": "#1001"})
    order = Order.objects.get(store_id=store.pk)
    assert answer.status_code == 302 and answer["Location"] == f"/orders/{order.pk}/"
    assert order.order_reference_id == "#1001"
