"""The Stores pages through Django's test client: the list with platform, status and counts, scoping, the connect
form's refusals, settings, disconnect, mappings, store orders with waiting and skipped first, the auth-failed state.
Connecting to an emulated platform, Sync now and reconnecting in a browser: test_stores_browser.py."""

from __future__ import annotations

from platen.kit.actors import Actor
from platen.notifications.models import OutboxMessage
from platen.stores.models import ShippingMethodMapping, SkuMapping, Store
from platen.stores.services import connections
from platen.stores.statuses import StoreStatus
from tests.stores.test_api_stores import POSTER, make_store, seen


def test_the_stores_page_shows_each_store_with_its_platform_status_and_counts(merchant_client, account, other_account):
    shop = make_store(account, name="Acme Shopify")
    big = make_store(account, platform="bigcommerce", domain="abc123")
    make_store(other_account, domain="theirs.myshopify.com")
    seen(shop, "#1001", "imported")
    seen(shop, "#1002", "waiting", "sku_not_mapped", "The SKU X is not mapped.")
    connections.change_status(big, StoreStatus.DISCONNECTED, Actor.system())
    html = merchant_client.get("/stores/").content.decode()
    assert 'href="/stores/" class="is-active" aria-current="page">Stores' in html
    assert "Acme Shopify" in html and "abc123" in html and "theirs.myshopify.com" not in html
    assert 'data-platform="shopify"' in html and 'data-platform="bigcommerce"' in html
    assert ">Active</span>" in html and ">Disconnected</span>" in html
    assert "1 imported" in html and "1 waiting" in html
    assert "Connect a store" in html


def test_operators_see_every_accounts_stores_but_do_not_connect_them(operator_client, account, other_account):
    make_store(account, name="Acme Shopify")
    make_store(other_account, domain="theirs.myshopify.com")
    html = operator_client.get("/stores/").content.decode()
    assert "Acme Shopify" in html and "theirs.myshopify.com" in html and "Other Shop" in html
    assert "Connect a store" not in html
    assert operator_client.get("/stores/connect/").status_code == 302


def test_another_accounts_store_is_not_found(merchant_client, other_account):
    theirs = make_store(other_account)
    assert merchant_client.get(f"/stores/{theirs.pk}/").status_code == 404
    for action in ("sync", "disconnect", "reconnect", "settings", "sku-mappings", "shipping-mappings"):
        assert merchant_client.post(f"/stores/{theirs.pk}/{action}/", {"sku": "A", "product_uid": POSTER}).status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == StoreStatus.ACTIVE and not SkuMapping.objects.exists()


def test_the_connect_form_says_what_to_fix_and_keeps_what_was_typed(merchant_client):
    response = merchant_client.post("/stores/connect/", {"platform": "shopify", "domain": "acme.com", "access_token": "",
                                                         "webhook_secret": "s", "api_base_url": "http://169.254.169.254"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "myshopify.com domain" in html and "Enter the access token." in html and "link-local" in html
    assert 'value="acme.com"' in html and "<details class=\"store-advanced\" open>" in html
    assert not Store.objects.exists()


def test_store_page_settings_disconnect_and_mappings(merchant_client, account):
    store = make_store(account)
    seen(store, "#1001", "imported", minutes_ago=1)
    seen(store, "#1002", "skipped", "placed_before_connection", "The order was placed before the store was connected.", minutes_ago=50)
    seen(store, "#1003", "waiting", "shipping_method_not_mapped", "The shipping method Express Intl is not mapped.", minutes_ago=40)
    html = merchant_client.get(f"/stores/{store.pk}/").content.decode()
    # Waiting and skipped first, then the imported ones; each with its reason.
    assert html.index("#1003") < html.index("#1002") < html.index("#1001")
    assert "The shipping method Express Intl is not mapped." in html
    assert f'href="/stores/{store.pk}/products/"' in html and "Sync now" in html
    assert f"/hooks/shopify/{store.pk}" in html

    response = merchant_client.post(f"/stores/{store.pk}/settings/", {"name": "Acme", "import_not_connected": "on",
                                                                      "pull_interval_minutes": "2"})
    assert response.status_code == 400 and "from 5 to 1440" in response.content.decode()
    response = merchant_client.post(f"/stores/{store.pk}/settings/", {"name": "Acme", "import_not_connected": "on",
                                                                      "pull_interval_minutes": "30"})
    assert response.status_code == 302
    store.refresh_from_db()
    assert (store.name, store.import_not_connected, store.pull_interval_minutes) == ("Acme", True, 30)

    response = merchant_client.post(f"/stores/{store.pk}/sku-mappings/", {"sku": "MUG-RED", "product_uid": "nope"})
    assert response.status_code == 400 and "There is no catalog product nope" in response.content.decode()
    assert merchant_client.post(f"/stores/{store.pk}/sku-mappings/", {"sku": "MUG-RED", "product_uid": POSTER}).status_code == 302
    assert merchant_client.post(f"/stores/{store.pk}/shipping-mappings/",
                                {"store_method": "Express Intl", "shipment_method_uid": "dhl_express_worldwide"}).status_code == 302
    html = merchant_client.get(f"/stores/{store.pk}/").content.decode()
    assert "MUG-RED" in html and "Express Intl" in html
    merchant_client.post(f"/stores/{store.pk}/shipping-mappings/remove/", {"store_method": "express intl"})
    assert not ShippingMethodMapping.objects.exists()

    merchant_client.post(f"/stores/{store.pk}/disconnect/")
    store.refresh_from_db()
    assert store.status == StoreStatus.DISCONNECTED
    response = merchant_client.post(f"/stores/{store.pk}/sync/", follow=True)
    assert "Reconnect it first" in response.content.decode()


def test_an_auth_failed_store_says_so_with_the_reason_and_the_merchant_gets_one_email(merchant_client, account, settle):
    store = make_store(account, name="Acme Shopify")
    reason = "Shopify answered 401: [API] Invalid API key or access token (unrecognized login or wrong password)"
    connections.change_status(store, StoreStatus.AUTH_FAILED, Actor.system("pull"), reason=reason)
    connections.change_status(store, StoreStatus.AUTH_FAILED, Actor.system("webhooks"), reason=reason)  # no second e-mail
    settle()
    html = merchant_client.get("/stores/").content.decode()
    assert ">Auth failed</span>" in html and "Invalid API key" in html and "Reconnect" in html
    html = merchant_client.get(f"/stores/{store.pk}/").content.decode()
    assert "This store stopped syncing" in html and "Invalid API key" in html and 'data-testid="reconnect-form"' in html
    assert "Sync now" not in html
    message = OutboxMessage.objects.get(kind="store_auth_failed")
    assert message.to == "ops@acme.test" and message.status == "sent"
    assert message.subject == "Your store Acme Shopify stopped syncing: reconnect it"
    assert "Invalid API key" in message.body_text and "Reconnect with the new token" in message.body_text.replace("\n", " ")
    assert f"/stores/{store.pk}/" in message.body_text
