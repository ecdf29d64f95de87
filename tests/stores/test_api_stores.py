"""The stores API: what is refused before any platform is asked, account scoping, the wire shape (never a secret),
settings, disconnect, Sync now on a store that is not active, history, the store orders Platen saw, mappings.
Connecting to a real (emulated) platform: tests/stores/test_connections.py."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from platen.kit.actors import Actor
from platen.stores.models import ShippingMethodMapping, SkuMapping, Store, StoreOrder, StoreStatusChange
from platen.stores.services import connections
from platen.stores.statuses import StoreStatus

POSTER = "flat_product_pf_a3_pt_200-gsm-uncoated_cl_4-0_ver"
SECRETS = ("shpat_secret_token_1", "whsec_signing_secret_1")


def make_store(account, platform="shopify", domain="acme.myshopify.com", **values) -> Store:
    """A connected store as connecting leaves it (status active with its first history row)."""
    now = timezone.now()
    store = Store.objects.create(account=account, platform=platform, domain=domain, status=StoreStatus.ACTIVE,
                                 access_token_sealed=connections.seal(SECRETS[0]), webhook_secret_sealed=connections.seal(SECRETS[1]),
                                 status_changed_at=now, connected_at=now, next_pull_at=now, **values)
    StoreStatusChange.objects.create(store=store, status=StoreStatus.ACTIVE, reason="Connected.", at=now)
    return store


def seen(store, number, bucket, reason_code="", reason="", minutes_ago=0) -> StoreOrder:
    return StoreOrder.objects.create(store=store, external_id=number.strip("#"), number=number, bucket=bucket,
                                     reason_code=reason_code, reason=reason, seen_via="pull", store_status="Paid · Unfulfilled",
                                     placed_at=timezone.now() - timedelta(minutes=minutes_ago))


def body(**changes) -> dict:
    return {"platform": "shopify", "domain": "acme.myshopify.com", "accessToken": SECRETS[0], "webhookSecret": SECRETS[1], **changes}


def assert_error(response, status, code, field=None):
    assert response.status_code == status, response.content
    data = response.json()
    assert set(data) == {"code", "message", "details"} and data["code"] == code
    if field:
        assert field in [d["field"] for d in data["details"]], data
    return data


# --- Connecting: refused before the platform is asked ---------------------------------------------------------


@pytest.mark.parametrize("changes, field, words", [
    ({"domain": "acme.com"}, "domain", "myshopify.com"),
    ({"domain": "https://my shop.myshopify.com"}, "domain", "myshopify.com"),
    ({"platform": "bigcommerce", "domain": "abc-123"}, "domain", "store hash"),
    ({"accessToken": "   "}, "accessToken", None),
    ({"apiBaseUrl": "ftp://emulator.test"}, "apiBaseUrl", "http"),
    ({"apiBaseUrl": "https://shop.example.com/admin/api"}, "apiBaseUrl", "only the scheme and host"),
    ({"apiBaseUrl": "http://127.0.0.1:9"}, "apiBaseUrl", "loopback"),
    ({"apiBaseUrl": "http://169.254.169.254"}, "apiBaseUrl", "link-local"),
    ({"pullIntervalMinutes": 1}, "pullIntervalMinutes", "5 to 1440"),
])
def test_connect_refuses_what_cannot_work_and_stores_nothing(api, changes, field, words):
    data = assert_error(api.post("/v4/stores", body(**changes)), 400, "invalid_request", field)
    if words:
        assert words in " ".join(d["message"] for d in data["details"])
    assert not Store.objects.exists()


def test_connect_refuses_an_unknown_platform_and_unknown_fields(api):
    assert_error(api.post("/v4/stores", body(platform="etsy")), 400, "invalid_request", "platform")
    assert_error(api.post("/v4/stores", body(importNotConnectedOrder=True)), 400, "invalid_request")
    assert not Store.objects.exists()


def test_a_second_connection_of_the_same_store_is_a_conflict(api, account):
    store = make_store(account)
    data = assert_error(api.post("/v4/stores", body(domain="ACME.myshopify.com")), 409, "store_exists")
    assert "already connected" in data["message"] and str(store.pk) in data["details"][0]["message"]
    assert Store.objects.count() == 1


# --- Reading: the wire shape, scoping ---------------------------------------------------------------------


def test_a_store_on_the_wire_has_its_connection_and_never_a_secret(api, account, settings):
    store = make_store(account, name="Acme")
    seen(store, "#1001", "imported")
    seen(store, "#1002", "waiting", "sku_not_mapped", "The SKU X is not mapped.")
    response = api.get(f"/v4/stores/{store.pk}")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == str(store.pk) and data["status"] == "active" and data["platform"] == "shopify"
    assert data["webhookUrl"] == f"{settings.PLATEN.base_url}/hooks/shopify/{store.pk}"
    assert data["orderCounts"] == {"imported": 1, "waiting": 1, "skipped": 0}
    assert {"statusReason", "statusChangedAt", "connectedAt", "importNotConnectedOrders", "pullIntervalMinutes",
            "lastPulledAt", "nextPullAt", "lastWebhookAt", "apiBaseUrl"} <= set(data)
    text = response.content.decode() + api.get("/v4/stores").content.decode()
    assert not any(secret in text for secret in SECRETS)
    assert "Sealed" not in text and "sealed" not in text


def test_other_accounts_stores_are_not_found(api, other_account):
    theirs = make_store(other_account)
    assert api.get("/v4/stores").json() == {"stores": []}
    paths = ["", "/history", "/orders", "/sku-mappings", "/shipping-mappings"]
    for path in paths:
        assert_error(api.get(f"/v4/stores/{theirs.pk}{path}"), 404, "store_not_found")
    for action in (":disconnect", ":reconnect", ":sync"):
        assert_error(api.post(f"/v4/stores/{theirs.pk}{action}"), 404, "store_not_found")
    assert_error(api.post(f"/v4/stores/{theirs.pk}/sku-mappings", {"sku": "A", "productUid": POSTER}), 404, "store_not_found")
    assert_error(api.post(f"/v4/stores/{theirs.pk}/shipping-mappings", {"storeMethod": "A", "shipmentMethodUid": "tracked_post"}),
                 404, "store_not_found")
    assert_error(api.delete(f"/v4/stores/{theirs.pk}/sku-mappings?sku=A"), 404, "store_not_found")
    assert_error(api.patch(f"/v4/stores/{theirs.pk}", {"name": "Mine now"}), 404, "store_not_found")
    assert_error(api.get(f"/v4/stores/{uuid.uuid4()}"), 404, "store_not_found")
    theirs.refresh_from_db()
    assert theirs.status == StoreStatus.ACTIVE and theirs.name == ""


def test_keys_are_required(anonymous_api, account):
    store = make_store(account)
    assert_error(anonymous_api.get(f"/v4/stores/{store.pk}"), 401, "unauthorized")


# --- Settings, disconnect, sync, history ---------------------------------------------------------------------


def test_settings_change_and_the_token_can_be_rotated(api, account):
    store = make_store(account)
    response = api.patch(f"/v4/stores/{store.pk}", {"name": "Acme EU", "importNotConnectedOrders": True,
                                                     "pullIntervalMinutes": 15, "accessToken": "shpat_new"})
    assert response.status_code == 200, response.content
    data = response.json()
    assert (data["name"], data["importNotConnectedOrders"], data["pullIntervalMinutes"]) == ("Acme EU", True, 15)
    store.refresh_from_db()
    assert connections.credentials(store).access_token == "shpat_new"
    assert connections.credentials(store).webhook_secret == SECRETS[1]
    assert_error(api.patch(f"/v4/stores/{store.pk}", {"pullIntervalMinutes": 100000}), 400, "invalid_request", "pullIntervalMinutes")


def test_disconnect_stops_the_store_and_sync_then_says_why(api, account):
    store = make_store(account)
    response = api.post(f"/v4/stores/{store.pk}:disconnect")
    assert response.status_code == 200 and response.json()["status"] == "disconnected"
    assert response.json()["nextPullAt"] is None
    data = assert_error(api.post(f"/v4/stores/{store.pk}:sync"), 409, "store_not_active")
    assert "disconnected" in data["message"] and "Reconnect" in data["message"]
    # Disconnecting twice changes nothing.
    assert api.post(f"/v4/stores/{store.pk}:disconnect").status_code == 200
    history = api.get(f"/v4/stores/{store.pk}/history").json()["history"]
    assert [h["status"] for h in history] == ["disconnected", "active"]
    assert history[0]["actor"] == "tests" and "Disconnected by tests" in history[0]["reason"]


def test_sync_of_an_auth_failed_store_is_refused_with_the_platforms_reason(api, account):
    store = make_store(account)
    connections.change_status(store, StoreStatus.AUTH_FAILED, Actor.system("pull"), reason="Shopify answered 401: Invalid API key or access token.")
    data = assert_error(api.post(f"/v4/stores/{store.pk}:sync"), 409, "store_not_active")
    assert "stopped syncing" in data["message"] and "Invalid API key" in data["message"]


# --- Store orders --------------------------------------------------------------------------------------------


def test_store_orders_with_their_bucket_and_reason(api, account):
    store = make_store(account)
    seen(store, "#1001", "imported", minutes_ago=30)
    seen(store, "#1002", "waiting", "sku_not_mapped", "The SKU MUG-RED is not mapped to a product.", minutes_ago=20)
    seen(store, "#1003", "skipped", "not_paid", "The order is not paid.", minutes_ago=10)
    orders = api.get(f"/v4/stores/{store.pk}/orders").json()["orders"]
    assert [o["number"] for o in orders] == ["#1003", "#1002", "#1001"]
    assert orders[1] | {"id": "", "lastSeenAt": "", "placedAt": ""} == {
        "id": "", "externalId": "1002", "number": "#1002", "placedAt": "", "storeStatus": "Paid · Unfulfilled",
        "bucket": "waiting", "reasonCode": "sku_not_mapped", "reason": "The SKU MUG-RED is not mapped to a product.",
        "orderId": None, "seenVia": "pull", "lastSeenAt": ""}
    assert [o["number"] for o in api.get(f"/v4/stores/{store.pk}/orders?bucket=skipped").json()["orders"]] == ["#1003"]
    assert [o["number"] for o in api.get(f"/v4/stores/{store.pk}/orders?reason=sku_not_mapped").json()["orders"]] == ["#1002"]
    assert_error(api.get(f"/v4/stores/{store.pk}/orders?bucket=lost"), 400, "invalid_request", "bucket")


# --- Mappings ------------------------------------------------------------------------------------------------


def test_sku_mappings_are_checked_against_the_catalog(api, account, settle):
    store = make_store(account)
    url = f"/v4/stores/{store.pk}/sku-mappings"
    assert_error(api.post(url, {"sku": "MUG-RED", "productUid": "no_such_product"}), 400, "invalid_request", "productUid")
    assert_error(api.post(url, {"sku": "MUG-RED", "productUid": POSTER, "files": [{"type": "cover", "url": "https://f.test/a.pdf"}]}),
                 400, "invalid_request", "files[0].type")
    response = api.post(url, {"sku": "MUG-RED", "productUid": POSTER, "files": [{"url": "https://files.test/poster.pdf"}]})
    assert response.status_code == 200, response.content
    assert response.json()["files"] == [{"type": "default", "url": "https://files.test/poster.pdf"}]
    api.post(url, {"sku": "MUG-RED", "productUid": POSTER})  # replaces
    assert [(m["sku"], m["productUid"], m["files"]) for m in api.get(url).json()["skuMappings"]] == [("MUG-RED", POSTER, [])]
    settle()  # the retry of waiting store orders runs
    assert api.delete(f"{url}?sku=MUG-RED").status_code == 204
    assert_error(api.delete(f"{url}?sku=MUG-RED"), 404, "not_found")
    assert not SkuMapping.objects.exists()


def test_shipping_mappings_are_checked_against_the_shipment_methods(api, account):
    store = make_store(account)
    url = f"/v4/stores/{store.pk}/shipping-mappings"
    assert_error(api.post(url, {"storeMethod": "Standard Shipping", "shipmentMethodUid": "teleport"}), 400,
                 "invalid_request", "shipmentMethodUid")
    assert api.post(url, {"storeMethod": "Standard Shipping", "shipmentMethodUid": "tracked_post"}).status_code == 200
    # The store's words are compared without case: the same method again replaces its mapping.
    assert api.post(url, {"storeMethod": "standard shipping", "shipmentMethodUid": "dhl_express_worldwide"}).status_code == 200
    assert [(m["storeMethod"], m["shipmentMethodUid"]) for m in api.get(url).json()["shippingMappings"]] == \
        [("standard shipping", "dhl_express_worldwide")]
    assert api.delete(f"{url}?storeMethod=STANDARD SHIPPING").status_code == 204
    assert not ShippingMethodMapping.objects.exists()
