"""The Stores pages in a real browser at 1366 px and 390 px, against an emulated Shopify store on loopback: a merchant
connects the store through the form, sees it Active with its platform icon, syncs it, sees it stop with the
platform's reason when the token is revoked (and gets the e-mail), and reconnects it with a new token."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from platen.notifications.models import OutboxMessage
from platen.stores.models import Store
from tests.dashboard.test_browser import log_in, shot
from tests.dashboard.test_layout import OVERFLOWS
from tests.emulators.shopify import ShopifyEmulator

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page_at_widths):
    return page_at_widths


@pytest.fixture
def shopify(loopback_fetching):
    with ShopifyEmulator(plan="plus") as emulator:
        yield emulator


def test_connect_a_store_see_it_active_sync_it_lose_the_token_and_reconnect(page: Page, merchant, shopify, settle):
    log_in(page, merchant, "/stores/")
    expect(page.get_by_test_id("empty")).to_contain_text("No stores yet")
    page.get_by_role("link", name="Connect a store").first.click()
    expect(page.get_by_role("heading", name="Connect a store")).to_be_visible()

    # A mistake first: the form says what to fix and keeps what was typed.
    page.get_by_label("Shop domain or store hash").fill("platen-demo.com")
    page.get_by_label("Access token").fill(shopify.token)
    page.get_by_label("Webhook secret").fill(shopify.secret)
    page.get_by_role("button", name="Connect store").click()
    expect(page.get_by_text("Use the shop's myshopify.com domain")).to_be_visible()
    assert page.evaluate(OVERFLOWS) == []
    shot(page, f"stores-connect-error-{page.width}")

    page.get_by_label("Shop domain or store hash").fill(shopify.domain)
    page.get_by_label("Access token").fill(shopify.token)
    page.get_by_label("Webhook secret").fill(shopify.secret)
    page.get_by_label("Import not connected orders").check()
    page.get_by_text("Advanced").click()
    page.get_by_label("API base URL").fill(shopify.url)
    page.get_by_role("button", name="Connect store").click()
    expect(page).to_have_url(re.compile(r"/stores/[0-9a-f-]{36}/$"))
    expect(page.get_by_text("platen-demo.myshopify.com is connected.")).to_be_visible()
    store = Store.objects.get()
    assert store.import_not_connected and store.api_base_url == shopify.url

    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="Stores").click()
    card = page.get_by_test_id("store")
    expect(card).to_have_count(1)
    expect(card.get_by_role("img", name="Shopify")).to_be_visible()
    expect(card.locator("[data-status=active]")).to_have_text("Active")
    assert page.evaluate(OVERFLOWS) == []
    shot(page, f"stores-list-active-{page.width}")

    card.get_by_role("link", name="platen-demo.myshopify.com").click()
    page.get_by_role("button", name="Sync now").click()
    expect(page.get_by_text("Platen is pulling the store's orders now")).to_be_visible()
    assert page.evaluate(OVERFLOWS) == []
    shot(page, f"stores-detail-{page.width}")

    # The merchant revokes the app's token in Shopify: the next call Platen makes (registering webhooks) is refused.
    shopify.token = "shpat_rotated"
    settle()
    page.goto("/stores/")
    card = page.get_by_test_id("store")
    expect(card.locator("[data-status=auth_failed]")).to_have_text("Auth failed")
    expect(card.get_by_test_id("auth-failed")).to_contain_text("Shopify refused Platen's access token")
    assert OutboxMessage.objects.get(kind="store_auth_failed").status == "sent"
    assert page.evaluate(OVERFLOWS) == []
    shot(page, f"stores-list-auth-failed-{page.width}")

    card.get_by_role("link", name="Reconnect").click()
    expect(page.get_by_role("button", name="Sync now")).to_have_count(0)
    page.get_by_label("New access token").fill("shpat_wrong")
    page.get_by_role("button", name="Reconnect").click()
    expect(page.get_by_text("Shopify refused this access token")).to_be_visible()
    page.get_by_label("New access token").fill("shpat_rotated")
    page.get_by_role("button", name="Reconnect").click()
    expect(page.get_by_text("The store is connected again")).to_be_visible()
    expect(page.locator("h1 [data-status=active]")).to_have_text("Active")
    expect(page.get_by_test_id("history")).to_contain_text("Auth failed")
    assert page.evaluate(OVERFLOWS) == []
    shot(page, f"stores-detail-reconnected-{page.width}")
