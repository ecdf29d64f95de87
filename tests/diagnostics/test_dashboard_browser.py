"""The diagnostics in the dashboard, in chromium at 1366 and 390 px: the store page's reconciliation card (Reconcile
now against the Shopify emulator, the report appearing by itself with its counts and the healed order), the open
alerts (sentence, what to do, the fix's link, Dismiss) and the operators' "Why isn't my order here?" box across
accounts, answered in place."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import Page, expect

from platen.catalog.models import ShipmentMethod
from platen.diagnostics.models import Alert
from platen.diagnostics.services import alerts
from platen.jobs import run_pending
from platen.kit.actors import Actor
from platen.orders.models import Order
from platen.stores.models import ShippingMethodMapping, SkuMapping, Store
from platen.stores.services import connections
from platen.stores.statuses import StoreStatus
from tests.dashboard.conftest import PASSWORD, merchant, operator  # noqa: F401 (fixtures)
from tests.dashboard.test_browser import log_in, shot
from tests.dashboard.test_layout import OVERFLOWS
from tests.emulators.shopify import ShopifyEmulator
from tests.orders.factories import POSTER
from tests.stores import factories
from tests.stores.import_support import print_files, shopify_store

SKU = "PA3-MATTE"
TESTS = Actor.system("tests")


@pytest.fixture
def page(page_at_widths):
    return page_at_widths


@pytest.fixture
def shop(loopback_fetching):
    with ShopifyEmulator() as emulator:
        yield emulator


@pytest.fixture
def store(account, shop) -> Store:
    """The emulated Shopify store, "Acme Posters", its SKU and shipping method mapped: a paid order imports."""
    made = shopify_store(account, shop)
    Store.objects.filter(pk=made.pk).update(name="Acme Posters")
    made.name = "Acme Posters"
    SkuMapping.objects.create(store=made, sku=SKU, product_uid=POSTER, files=print_files())
    ShippingMethodMapping.objects.create(store=made, store_method="Standard Shipping",
                                         shipment_method_uid=ShipmentMethod.objects.order_by("uid").first().uid)
    return made


def missed_order(shop):
    """An order the store never told Platen about, placed three hours ago."""
    product = shop.add_product("Poster", [{"sku": SKU, "title": "A3", "options": {"Size": "A3"}}])
    return shop.add_order([{"variant": product.variants[0], "quantity": 1}], created_at=shop.now() - timedelta(hours=3))


def fits(page: Page, name: str) -> None:
    assert page.evaluate(OVERFLOWS) == []
    shot(page, f"{name}-{page.width}")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reconcile_now_and_the_report_appears_with_the_healed_order(page: Page, live_server, merchant, store, shop):
    missed = missed_order(shop)
    log_in(page, merchant, f"/stores/{store.pk}/")
    card = page.get_by_test_id("reconcile")
    expect(card).to_contain_text("Not run yet")
    card.get_by_role("button", name="Reconcile now").click()
    expect(page.get_by_text("Platen is comparing the store's orders of the last 7 days")).to_be_visible()
    expect(page.get_by_test_id("reconcile-run")).to_have_attribute("data-status", "queued")
    fits(page, "reconcile-queued")

    run_pending()  # the worker runs the queued run; the card follows it without a reload
    expect(page.get_by_test_id("reconcile-run")).to_have_attribute("data-status", "done")
    counts = page.get_by_test_id("reconcile-counts")
    expect(counts.locator('[data-count="missing"]')).to_have_text("1 (1 imported now)")
    expect(counts.locator('[data-count="imported"]')).to_have_text("0")
    healed = Order.objects.get(external_id=str(missed.id))
    expect(page.get_by_test_id("healed")).to_have_text(missed.name)
    fits(page, "reconcile-done")
    page.get_by_test_id("healed").click()
    expect(page).to_have_url(f"{live_server.url}/orders/{healed.pk}/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_open_alerts_say_what_to_do_link_the_fix_and_can_be_dismissed(page: Page, live_server, merchant, account):
    shop = factories.store(account, name="Acme Posters")
    connections.change_status(shop, StoreStatus.AUTH_FAILED, TESTS, reason="Shopify refused Platen's access token.")
    alerts.sweep()
    Alert.objects.create(account=account, kind="failure_rate", key="failure_rate", opened_at=timezone.now(),
                         message="3 of today's 10 orders failed (30%), against 0% over the previous 7 days. What to do: "
                                 "Open the failed orders to see why each failed.")
    log_in(page, merchant, "/orders/")
    banner = page.get_by_test_id("alerts")
    expect(banner.get_by_role("heading")).to_have_text("2 things need your attention")
    expect(banner.get_by_test_id("alert")).to_have_count(2)
    failures = banner.locator('[data-kind="failure_rate"]')
    expect(failures.get_by_test_id("alert-message")).to_have_text(
        "3 of today's 10 orders failed (30%), against 0% over the previous 7 days.")
    expect(failures.get_by_test_id("alert-todo")).to_have_text("What to do: Open the failed orders to see why each failed.")
    sync = banner.locator('[data-kind="store_sync_alert"]')
    expect(sync.get_by_test_id("alert-message")).to_contain_text("refused Platen's access token for your store Acme Posters")
    fits(page, "alerts-orders")

    sync.get_by_role("link", name="Reconnect the store").click()
    expect(page).to_have_url(f"{live_server.url}/stores/{shop.pk}/#reconnect")
    # The store page says it in its own section, with the Reconnect form, not a second time as an alert.
    expect(page.get_by_test_id("auth-failed")).to_be_visible()
    expect(page.get_by_test_id("alerts")).to_have_count(0)
    expect(page.get_by_test_id("reconnect-form")).to_be_visible()
    fits(page, "alerts-store")
    page.goto("/orders/")
    page.get_by_test_id("alerts").locator('[data-kind="store_sync_alert"]').get_by_role("button", name="Dismiss").click()
    expect(page.get_by_text("Dismissed: ")).to_be_visible()
    expect(page).to_have_url(f"{live_server.url}/orders/")

    expect(page.get_by_test_id("alerts").get_by_role("heading")).to_have_text("Needs your attention")
    expect(page.get_by_test_id("alert")).to_have_attribute("data-kind", "failure_rate")
    page.get_by_test_id("alert").get_by_role("link", name="Open the failed orders").click()
    expect(page).to_have_url(f"{live_server.url}/orders/?status=failed")


@pytest.fixture
def other_store(other_account) -> Store:
    return factories.store(other_account, name="Other Mugs")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_operators_ask_why_across_accounts_and_fix_it_in_place(page: Page, operator, store, other_store, shop):
    missed_order(shop)
    log_in(page, operator, "/orders/")
    box = page.get_by_test_id("why-box")
    expect(box.get_by_role("heading", name="Why isn't my order here?")).to_be_visible()
    chooser = box.get_by_test_id("why-store")
    expect(chooser.locator("option")).to_have_text(["Any store", "Acme Prints · Acme Posters", "Other Shop · Other Mugs"])
    chooser.select_option(label="Acme Prints · Acme Posters")
    box.get_by_label("Store order number").fill("#1001")
    box.get_by_role("button", name="Find out why").click()
    result = page.get_by_test_id("why-result")
    expect(result).to_have_attribute("data-cause", "webhook_not_received")
    expect(result).to_contain_text("Shopify never sent Platen its notification")
    assert page.url.endswith("/orders/")  # answered in place
    fits(page, "why-operator")

    result.get_by_role("button", name="Import it now").click()
    expect(page.get_by_text("Order #1001 is imported.")).to_be_visible()
    order = Order.objects.get(store_id=store.pk)
    expect(page.get_by_test_id("why-message")).to_contain_text(f"Order #1001 is in Platen as order {order.pk}")
    assert order.account_id == store.account_id  # imported into the store's account, not the operator's


@pytest.mark.django_db
def test_an_operator_s_box_finds_the_store_that_knows_the_order(operator, store, other_store, shop):
    """Without choosing a store: the one store (of any account) that knows the number is taken."""
    shop_order = missed_order(shop)
    client = Client()
    client.login(username=operator.username, password=PASSWORD)
    client.post(f"/orders/why/{store.pk}/import/", {"ref": shop_order.name})
    html = client.get("/orders/why/", {"ref": shop_order.name}).content.decode()
    assert 'data-cause="imported"' in html and "<h1>Orders</h1>" in html
    assert 'Acme Prints · Acme Posters</option>' in html and 'Other Shop · Other Mugs</option>' in html
