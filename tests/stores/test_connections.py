"""Connecting to a real (emulated) platform on loopback: the token is checked with one call, webhooks are
registered at Platen's URL, a refused token at any later call stops the store and e-mails the merchant once (through a
real SMTP server), reconnecting checks the new token and resumes, and the connection history keeps every step."""

from __future__ import annotations

import dataclasses

import pytest
from django.conf import settings
from django.test import override_settings

from platen.notifications.models import OutboxMessage
from platen.stores.models import Store
from platen.stores.services import connections
from platen.stores.statuses import StoreStatus
from tests.emulators.bigcommerce import BigCommerceEmulator
from tests.emulators.shopify import ShopifyEmulator
from tests.emulators.smtp import SmtpServer, smtp_settings
from tests.stores.test_api_stores import POSTER


@pytest.fixture
def bigcommerce(loopback_fetching):
    with BigCommerceEmulator(quota=10_000) as emulator:
        yield emulator


@pytest.fixture
def shopify(loopback_fetching):
    with ShopifyEmulator(plan="plus") as emulator:
        yield emulator


@pytest.fixture
def smtp():
    with SmtpServer() as server, smtp_settings(server):
        yield server


def connect_bigcommerce(api, shop, **changes):
    return api.post("/v4/stores", {"platform": "bigcommerce", "domain": shop.store_hash, "accessToken": shop.token,
                                   "webhookSecret": shop.client_secret, "apiBaseUrl": shop.url, **changes})


def test_connecting_checks_the_token_registers_webhooks_and_keeps_the_secrets_sealed(api, bigcommerce, settle):
    response = connect_bigcommerce(api, bigcommerce, importNotConnectedOrders=True, name="Acme BC")
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["platform"], data["domain"], data["name"], data["status"]) == ("bigcommerce", "abc123", "Acme BC", "active")
    assert data["importNotConnectedOrders"] is True and data["apiBaseUrl"] == bigcommerce.url
    assert data["connectedAt"] and data["nextPullAt"]
    assert bigcommerce.token not in response.content.decode() and bigcommerce.client_secret not in response.content.decode()
    # The token was tried with one call before anything was stored.
    assert [(m, p) for m, p, _ in bigcommerce.requests] == [("GET", "/stores/abc123/v2/orders/0")]

    store = Store.objects.get(pk=data["id"])
    assert bigcommerce.token not in store.access_token_sealed and bigcommerce.client_secret not in store.webhook_secret_sealed
    assert connections.credentials(store).access_token == bigcommerce.token
    settle()  # register webhooks, sync products, first pull
    destinations = {(h["scope"], h["destination"]) for h in bigcommerce.hooks}
    assert ("store/order/created", data["webhookUrl"]) in destinations
    assert data["webhookUrl"] == f"{settings.PLATEN.base_url}/hooks/bigcommerce/{store.pk}"
    assert [h["status"] for h in api.get(f"/v4/stores/{store.pk}/history").json()["history"]] == ["active"]


def test_connecting_a_shopify_store_subscribes_platen_to_its_order_topics(api, shopify, settle):
    response = api.post("/v4/stores", {"platform": "shopify", "domain": shopify.domain, "accessToken": shopify.token,
                                       "webhookSecret": shopify.secret, "apiBaseUrl": shopify.url})
    assert response.status_code == 200, response.content
    data = response.json()
    assert data["domain"] == "platen-demo.myshopify.com" and data["status"] == "active"
    settle()
    topics = {s.topic for s in shopify.subscriptions if s.uri == data["webhookUrl"]}
    assert {"ORDERS_CREATE", "ORDERS_PAID", "ORDERS_UPDATED", "ORDERS_CANCELLED"} <= topics
    # Connecting the same shop again (its short name, as people type it) is a conflict.
    again = api.post("/v4/stores", {"platform": "shopify", "domain": "platen-demo", "accessToken": shopify.token,
                                    "webhookSecret": shopify.secret, "apiBaseUrl": shopify.url})
    assert again.status_code == 409 and again.json()["code"] == "store_exists"


def test_shopify_refusing_the_token_while_connecting(api, shopify):
    response = api.post("/v4/stores", {"platform": "shopify", "domain": shopify.domain, "accessToken": "shpat_wrong",
                                       "webhookSecret": shopify.secret, "apiBaseUrl": shopify.url})
    assert response.status_code == 400 and "Shopify refused this access token" in response.json()["details"][0]["message"]


def test_a_refused_token_connects_nothing_and_says_what_to_do(api, bigcommerce):
    response = connect_bigcommerce(api, bigcommerce, accessToken="not-the-token")
    assert response.status_code == 400
    detail = response.json()["details"][0]
    assert detail["field"] == "accessToken" and "BigCommerce refused this access token" in detail["message"]
    assert not Store.objects.exists()


def test_a_platform_that_cannot_be_reached_now_does_not_stop_connecting(api, bigcommerce):
    bigcommerce.fail(1, status=503)
    assert connect_bigcommerce(api, bigcommerce).status_code == 200


def test_a_token_revoked_later_stops_the_store_emails_the_merchant_and_reconnecting_resumes(api, bigcommerce, settle, smtp):
    store_id = connect_bigcommerce(api, bigcommerce).json()["id"]
    bigcommerce.token = "rotated-in-the-store-admin"  # the merchant revoked the app's token: every call is now 401
    settle()  # registering the webhooks meets the 401
    store = api.get(f"/v4/stores/{store_id}").json()
    assert store["status"] == "auth_failed" and store["statusReason"] and store["nextPullAt"] is None

    message = OutboxMessage.objects.get(kind="store_auth_failed")
    assert message.status == "sent" and message.to == "ops@acme.test"
    [received] = smtp.wait_for(1)
    assert received.rcpt_tos == ["ops@acme.test"] and "stopped syncing" in received.subject
    assert "Reconnect" in message.body_text and f"/stores/{store_id}/" in message.body_text

    # The old token again: still refused, nothing changes.
    response = api.post(f"/v4/stores/{store_id}:reconnect", {})
    assert response.status_code == 400 and response.json()["details"][0]["field"] == "accessToken"
    assert api.get(f"/v4/stores/{store_id}").json()["status"] == "auth_failed"

    response = api.post(f"/v4/stores/{store_id}:reconnect", {"accessToken": "rotated-in-the-store-admin"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "active" and response.json()["statusReason"].startswith("Reconnected by")
    assert connections.credentials(Store.objects.get(pk=store_id)).access_token == "rotated-in-the-store-admin"
    settle()
    history = api.get(f"/v4/stores/{store_id}/history").json()["history"]
    assert [h["status"] for h in history] == ["active", "auth_failed", "active"]
    assert OutboxMessage.objects.filter(kind="store_auth_failed").count() == 1
    assert api.post(f"/v4/stores/{store_id}:sync").status_code == 200


def test_a_second_failure_after_reconnecting_tells_the_merchant_again(api, bigcommerce, settle):
    store = Store.objects.get(pk=connect_bigcommerce(api, bigcommerce).json()["id"])
    for n in range(2):
        bigcommerce.token = f"token-{n}"
        settle()
        assert Store.objects.get(pk=store.pk).status == StoreStatus.AUTH_FAILED
        assert api.post(f"/v4/stores/{store.pk}:reconnect", {"accessToken": f"token-{n}"}).status_code == 200
    assert OutboxMessage.objects.filter(kind="store_auth_failed").count() == 2


@pytest.mark.parametrize("base", ["http://127.0.0.1:9"])
def test_loopback_api_urls_are_refused_where_private_addresses_are_not_allowed(api, base):
    with override_settings(PLATEN=dataclasses.replace(settings.PLATEN, fetch_allow_private=False)):
        response = api.post("/v4/stores", {"platform": "bigcommerce", "domain": "abc123", "accessToken": "t",
                                           "webhookSecret": "s", "apiBaseUrl": base})
    assert response.status_code == 400 and response.json()["details"][0]["field"] == "apiBaseUrl"


def test_the_command_line_connects_and_lists_stores(account, bigcommerce, capsys):
    from platen import cli

    assert cli.main(["stores", "connect", "--account", str(account.pk), "--platform", "bigcommerce", "--domain", "abc123",
                     "--token", "wrong", "--secret", bigcommerce.client_secret, "--api-base-url", bigcommerce.url]) == 1
    assert "BigCommerce refused this access token" in capsys.readouterr().err
    assert cli.main(["stores", "connect", "--account", str(account.pk), "--platform", "bigcommerce", "--domain", "abc123",
                     "--token", bigcommerce.token, "--secret", bigcommerce.client_secret, "--api-base-url", bigcommerce.url]) == 0
    store_id = capsys.readouterr().out.strip()
    assert Store.objects.get(pk=store_id).status == StoreStatus.ACTIVE
    assert cli.main(["stores", "list"]) == 0
    listed = capsys.readouterr().out
    assert store_id in listed and "abc123" in listed and "active" in listed and bigcommerce.token not in listed


def test_an_order_waiting_for_its_sku_and_shipping_method_imports_once_both_are_mapped(api, bigcommerce, settle, files):
    """The mapping endpoints feed the imports' retry (stores.retry-waiting): runs where that part is installed."""
    pytest.importorskip("platen.stores.services.importing")
    from datetime import timedelta

    from django.utils import timezone

    from tests.orders import factories

    store_id = connect_bigcommerce(api, bigcommerce).json()["id"]
    settle()
    bigcommerce.add_order([{"sku": "MUG-RED", "quantity": 1, "name": "Red mug"}], shipping_method="Flat Rate",
                          created=timezone.now() + timedelta(seconds=2))
    assert api.post(f"/v4/stores/{store_id}:sync").status_code == 200
    settle()
    [waiting] = api.get(f"/v4/stores/{store_id}/orders").json()["orders"]
    assert waiting["bucket"] == "waiting" and waiting["orderId"] is None, waiting

    mappings = f"/v4/stores/{store_id}"
    assert api.post(f"{mappings}/shipping-mappings", {"storeMethod": "Flat Rate", "shipmentMethodUid": "usps_ground_advantage"}).status_code == 200
    assert api.post(f"{mappings}/sku-mappings", {"sku": "MUG-RED", "productUid": POSTER,
                                                  "files": [{"url": f"{factories.FILES}/print.pdf"}]}).status_code == 200
    settle()
    [imported] = api.get(f"/v4/stores/{store_id}/orders").json()["orders"]
    assert imported["bucket"] == "imported" and imported["orderId"], imported
