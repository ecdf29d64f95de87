"""The BigCommerce connector against the emulator: webhooks, pulls, products, shipments, rate limits, failures."""

from __future__ import annotations

import base64
import json
import time
import urllib.request
from datetime import UTC, datetime, timedelta

import pytest
from standardwebhooks.webhooks import Webhook

from platen.stores.connectors import registry
from platen.stores.connectors.base import AuthFailed, ConnectorError, Credentials, InvalidSignature, TrackingPush
from platen.stores.connectors.bigcommerce import BigCommerce
from tests.emulators.bigcommerce import BigCommerceEmulator, ManualClock

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def shop(clock):
    with BigCommerceEmulator(clock=clock) as emulator:
        yield emulator


def connect(shop, local_client, clock, **changes) -> BigCommerce:
    values = {"platform": "bigcommerce", "domain": shop.store_hash, "access_token": shop.token,
              "webhook_secret": shop.client_secret, "api_base_url": shop.url, **changes}
    return BigCommerce(Credentials(**values), client=local_client, sleep=clock.sleep)


@pytest.fixture
def bc(shop, local_client, clock):
    return connect(shop, local_client, clock)


def order_lists(shop) -> list[str]:
    return [path for method, path, _ in shop.requests if method == "GET" and path.split("?")[0].endswith("/v2/orders")]


# --- Webhooks ---------------------------------------------------------------------------------------------------


def test_a_signed_webhook_verifies_and_a_forged_stale_or_unsigned_one_does_not(shop):
    body, headers = shop.webhook("store/order/created", 250)
    lower = {k.lower(): v for k, v in headers.items()}
    BigCommerce.verify_webhook(shop.client_secret, lower, body)
    with pytest.raises(InvalidSignature):
        BigCommerce.verify_webhook(shop.client_secret, lower, body.replace(b"250", b"251"))
    with pytest.raises(InvalidSignature):
        BigCommerce.verify_webhook("another-secret", lower, body)
    for missing in ("webhook-id", "webhook-timestamp", "webhook-signature"):
        with pytest.raises(InvalidSignature):
            BigCommerce.verify_webhook(shop.client_secret, {k: v for k, v in lower.items() if k != missing}, body)
    stale_body, stale = shop.webhook("store/order/created", 250, timestamp=int(time.time()) - 301)
    with pytest.raises(InvalidSignature, match="5 minutes"):
        BigCommerce.verify_webhook(shop.client_secret, {k.lower(): v for k, v in stale.items()}, stale_body)
    # Several signatures (a secret being rotated): one that matches is enough.
    several = {**lower, "webhook-signature": "v1,bm90IGl0 " + lower["webhook-signature"]}
    BigCommerce.verify_webhook(shop.client_secret, several, body)


def test_the_signature_is_standard_webhooks_keyed_with_the_client_secret_bytes(shop):
    """Checked against the standardwebhooks library: its secret is base64, BigCommerce's key is the secret's bytes."""
    body, headers = shop.webhook("store/order/updated", 250, webhook_id="msg_1")
    library = Webhook("whsec_" + base64.b64encode(shop.client_secret.encode()).decode())
    library.verify(body, {k.lower(): v for k, v in headers.items()})
    stamp = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    signed = {"webhook-id": "msg_1", "webhook-timestamp": headers["webhook-timestamp"],
              "webhook-signature": library.sign("msg_1", stamp, body.decode())}
    BigCommerce.verify_webhook(shop.client_secret, signed, body)
    # A retry is a new attempt: a fresh timestamp and signature, the same webhook-id (the delivery id).
    again, retried = shop.webhook("store/order/updated", 250, webhook_id="msg_1", timestamp=int(time.time()) + 60)
    BigCommerce.verify_webhook(shop.client_secret, {k.lower(): v for k, v in retried.items()}, again)


def test_a_thin_order_webhook_is_completed_by_fetching_the_order(shop, bc):
    shop.add_product("Poster", [{"sku": "POSTER-A3", "options": {"Size": "A3"}}])
    oid = shop.add_order([{"sku": "POSTER-A3", "quantity": 2, "options": {"Size": "A3"}}], created=T0)
    body, headers = shop.webhook("store/order/created", oid, webhook_id="delivery-1", numeric_store_id=True)
    event = bc.parse_webhook({k.lower(): v for k, v in headers.items()}, body)
    assert (event.kind, event.topic, event.delivery_id, event.resource_id) == (
        "order", "store/order/created", "delivery-1", str(oid))
    assert event.order.external_id == str(oid) and event.order.lines[0].sku == "POSTER-A3" and event.order.paid

    shop.set_status(oid, 7)
    body, headers = shop.webhook("store/order/statusUpdated", oid)
    event = bc.parse_webhook({k.lower(): v for k, v in headers.items()}, body)
    assert event.kind == "order" and event.order.store_status == "Awaiting Payment" and not event.order.paid
    assert event.payload["data"]["status"] == {"previous_status_id": 11, "new_status_id": 7}

    body, headers = shop.webhook("store/order/archived", oid)
    shop.archive_order(oid)
    event = bc.parse_webhook({k.lower(): v for k, v in headers.items()}, body)
    assert (event.kind, event.resource_id, event.order) == ("order_deleted", str(oid), None)


def test_product_and_app_webhooks_and_the_delivery_id_without_a_header(shop, bc):
    product = shop.add_product("Mug", [{"sku": "MUG-W", "options": {"Colour": "White"}}])
    body, headers = shop.webhook("store/product/updated", product["id"])
    event = bc.parse_webhook({k.lower(): v for k, v in headers.items()}, body)
    assert event.kind == "product" and event.product.title == "Mug"
    assert event.product.variants[0].options == {"Colour": "White"}
    body, _ = shop.webhook("store/product/deleted", product["id"])
    event = bc.parse_webhook({}, body)
    assert event.kind == "product_deleted" and event.resource_id == str(product["id"])
    assert event.delivery_id.startswith("sha256:") and event.delivery_id == bc.parse_webhook({}, body).delivery_id
    oid = shop.add_order([{"sku": "MUG-W", "quantity": 1}])
    shop.shipments[oid] = [{"id": 9001}]
    body, _ = shop.webhook("store/shipment/created", 9001)
    event = bc.parse_webhook({}, body)
    assert (event.kind, event.resource_id) == ("other", str(oid))
    body, _ = shop.webhook("store/app/uninstalled", 1)
    assert bc.parse_webhook({}, body).kind == "app_uninstalled"


def test_a_webhook_about_another_store_of_the_same_app_changes_nothing(shop, local_client, clock):
    other = connect(shop, local_client, clock, domain="zz999")  # same app, same client secret, another store
    body, headers = shop.webhook("store/order/created", shop.add_order([{"sku": "A", "quantity": 1}]))
    BigCommerce.verify_webhook(shop.client_secret, {k.lower(): v for k, v in headers.items()}, body)
    requests = len(shop.requests)
    with pytest.raises(ConnectorError, match="another BigCommerce store") as refused:
        other.parse_webhook({k.lower(): v for k, v in headers.items()}, body)
    assert not refused.value.transient and len(shop.requests) == requests


def test_the_registry_knows_the_connector():
    assert registry.connector_class("bigcommerce") is BigCommerce


# --- Orders -----------------------------------------------------------------------------------------------------


def test_an_order_in_the_platform_blind_shape(shop, bc):
    oid = shop.add_order(
        [{"sku": "TEE-M", "quantity": 3, "name": "Tee", "product_id": 77, "variant_id": 88,
          "options": {"Size": "M"}, "properties": {"Back print": "Team Ada"}}],
        created=T0, modified=T0 + timedelta(hours=1), email="ada@example.com", shipping_method="Express",
        currency="EUR", address={"first_name": "Ada", "street_1": "Main 1", "street_2": "Flat 2", "zip": "10117",
                                 "city": "Berlin", "state": "Berlin", "country_iso2": "DE", "phone": "+49 30 1"})
    order = bc.fetch_order(str(oid))
    assert (order.external_id, order.number, order.currency, order.email) == (str(oid), str(oid), "EUR", "ada@example.com")
    assert order.placed_at == T0 and order.updated_at == T0 + timedelta(hours=1) and order.cancelled_at is None
    assert order.paid and order.awaiting_fulfillment and not order.payment_pending
    assert order.store_status == "Awaiting Fulfillment"
    assert order.shipping_method == "Express"
    address = order.shipping_address
    assert (address.address1, address.address2, address.post_code, address.country, address.phone) == (
        "Main 1", "Flat 2", "10117", "DE", "+49 30 1")
    line = order.lines[0]
    assert (line.product_id, line.variant_id, line.sku, line.quantity, line.title) == ("77", "88", "TEE-M", 3, "Tee")
    assert line.options == {"Size": "M"} and line.properties == {"Back print": "Team Ada"}
    assert int(line.external_id) == shop.orders[oid].items[0]["id"]
    assert address.state == "Berlin"  # no list of states for Germany: as given
    texan_id = shop.add_order([{"sku": "A", "quantity": 1}], address={"state": "Texas", "country_iso2": "US"})
    texan = bc.fetch_order(str(texan_id))
    assert texan.shipping_address.state == "TX"
    assert bc.find_order(f"#{oid}") == order and bc.find_order(f" {oid} ") == order
    assert bc.fetch_order("999999") is None and bc.find_order("#abc") is None
    assert order.as_dict()["placed_at"] == T0.isoformat()


@pytest.mark.parametrize(("status_id", "paid", "awaiting", "pending", "cancelled"), [
    (11, True, True, False, False), (7, False, False, False, False), (1, False, False, True, False),
    (0, False, False, False, False), (5, False, False, False, True), (2, True, False, False, False),
    (9, True, False, False, False), (4, False, False, False, False), (12, False, False, True, False),
])
def test_payment_and_fulfilment_from_the_status_id(shop, bc, status_id, paid, awaiting, pending, cancelled):
    order = bc.fetch_order(str(shop.add_order([{"sku": "A", "quantity": 1}], status_id=status_id)))
    assert (order.paid, order.awaiting_fulfillment, order.payment_pending, order.cancelled_at is not None) == (
        paid, awaiting, pending, cancelled)


def test_the_pull_pages_oldest_change_first_and_ends_at_a_short_page(shop, bc):
    ids = [shop.add_order([{"sku": "A", "quantity": 1}], created=T0 + timedelta(minutes=n)) for n in range(120)]
    pulled = [o.external_id for o in bc.orders_since(None)]
    assert pulled == [str(i) for i in ids]
    assert len(order_lists(shop)) == 3
    assert all("sort=date_modified%3Aasc" in path and "limit=50" in path for path in order_lists(shop))


def test_order_refs_since_reads_only_the_order_list_250_a_page(shop, bc):
    ids = [shop.add_order([{"sku": "A", "quantity": 1}], created=T0 + timedelta(minutes=n)) for n in range(260)]
    shop.set_status(ids[0], 5, at=T0 + timedelta(days=1))  # changed last: listed last
    refs = list(bc.order_refs_since(T0 + timedelta(minutes=1)))
    assert [r.external_id for r in refs] == [str(i) for i in ids[1:]] + [str(ids[0])]
    assert (refs[-1].number, refs[-1].placed_at) == (str(ids[0]), T0)
    assert len(shop.requests) == len(order_lists(shop)) == 2  # no products or addresses request per order
    assert all("limit=250" in path for path in order_lists(shop))


def test_the_pull_ends_at_the_204_of_an_empty_page(shop, bc):
    for _ in range(50):  # a full page, all changed in the same second: page numbers step on within it
        shop.add_order([{"sku": "A", "quantity": 1}], created=T0)
    assert len(list(bc.orders_since(None))) == 50
    assert "page=2" in order_lists(shop)[-1]
    assert list(bc.orders_since(T0 + timedelta(days=1))) == []


def test_the_pull_starts_at_its_cursor(shop, bc):
    ids = [shop.add_order([{"sku": "A", "quantity": 1}], created=T0 + timedelta(minutes=n)) for n in range(5)]
    shop.set_status(ids[0], 5, at=T0 + timedelta(hours=1))
    pulled = list(bc.orders_since(T0 + timedelta(minutes=3, microseconds=500)))
    assert [o.external_id for o in pulled] == [str(ids[3]), str(ids[4]), str(ids[0])]
    assert pulled[-1].cancelled_at == T0 + timedelta(hours=1)
    assert "min_date_modified=2026-11-02T09%3A03%3A00%2B00%3A00" in order_lists(shop)[0]


def test_an_order_changed_during_the_pull_is_not_lost_nor_any_behind_it(shop, bc):
    ids = [shop.add_order([{"sku": "A", "quantity": 1}], created=T0 + timedelta(minutes=n)) for n in range(120)]
    seen = []
    for order in bc.orders_since(None):
        seen.append(order.external_id)
        if len(seen) == 10:
            shop.set_status(ids[2], 5, at=T0 + timedelta(days=1))  # jumps to the end of the sorted list
    assert set(seen) == {str(i) for i in ids}
    assert seen.count(str(ids[2])) == 2


# --- Products, shipments, hooks ---------------------------------------------------------------------------------


def test_products_are_listed_with_their_variants_across_pages(shop, bc):
    for n in range(260):
        shop.add_product(f"Card {n}", [{"sku": f"CARD-{n}-S", "options": {"Size": "S", "Paper": "Matte"}},
                                      {"sku": f"CARD-{n}-L", "options": {"Size": "L", "Paper": "Matte"}}])
    shop.add_product("Sticker", sku="STICKER")
    products = list(bc.products())
    assert len(products) == 261
    card = products[0]
    assert card.title == "Card 0" and [v.sku for v in card.variants] == ["CARD-0-S", "CARD-0-L"]
    assert card.variants[1].options == {"Size": "L", "Paper": "Matte"} and card.variants[1].title == "L / Matte"
    sticker = products[-1]
    assert [(v.sku, v.title, v.options) for v in sticker.variants] == [("STICKER", "Sticker", {})]


def test_tracking_is_pushed_as_a_shipment_once(shop, bc):
    oid = shop.add_order([{"sku": "A", "quantity": 2}, {"sku": "B", "quantity": 1}])
    push = TrackingPush(str(oid), "00340434161094042557", "https://track.example/00340434161094042557", "DHL Express")
    shipment_id = bc.push_fulfillment(push)
    [shipment] = shop.shipments[oid]
    assert shipment_id == str(shipment["id"])
    assert (shipment["shipping_provider"], shipment["tracking_carrier"], shipment["tracking_link"]) == (
        "", "dhl", "https://track.example/00340434161094042557")
    assert shipment["order_address_id"] == shop.orders[oid].address["id"]
    assert sorted((i["order_product_id"], i["quantity"]) for i in shipment["items"]) == sorted(
        (i["id"], i["quantity"]) for i in shop.orders[oid].items)
    assert bc.push_fulfillment(push) == shipment_id and len(shop.shipments[oid]) == 1  # a retried push
    assert shop.orders[oid].status_id == 2


def test_some_lines_ship_first_and_delivery_completes_only_a_fully_shipped_order(shop, bc):
    oid = shop.add_order([{"sku": "A", "quantity": 2}, {"sku": "B", "quantity": 1}])
    first, second = (str(i["id"]) for i in shop.orders[oid].items)
    push = TrackingPush(str(oid), "1Z999", carrier="UPS", lines=((first, 5),))  # 2 are left: 2 ship
    shipment_id = bc.push_fulfillment(push)
    assert shop.shipments[oid][0]["items"] == [{"order_product_id": int(first), "quantity": 2}]
    assert shop.shipments[oid][0]["shipping_provider"] == "ups" and shop.orders[oid].status_id == 3
    assert bc.report_delivery(push, shipment_id, "delivered") is False and shop.orders[oid].status_id == 3
    rest = TrackingPush(str(oid), "1Z1000", carrier="Carrier Pigeon")
    bc.push_fulfillment(rest)
    assert shop.shipments[oid][1]["items"] == [{"order_product_id": int(second), "quantity": 1}]
    assert shop.shipments[oid][1]["shipping_provider"] == "" and "tracking_carrier" not in json.dumps(
        {k: v for k, v in shop.shipments[oid][1].items() if v})
    assert bc.report_delivery(rest, "x", "returned") is False
    assert bc.report_delivery(rest, "x", "delivered") is True and shop.orders[oid].status_id == 10
    assert bc.report_delivery(rest, "x", "delivered") is True
    with pytest.raises(ConnectorError) as failed:
        bc.push_fulfillment(TrackingPush(str(oid), "1Z2000"))
    assert not failed.value.transient


def test_webhooks_are_registered_once_per_scope(shop, bc):
    scopes = bc.register_webhooks("https://platen.example/hooks/bigcommerce/s1")
    assert "store/order/created" in scopes and "store/order/statusUpdated" in scopes
    assert sorted(h["scope"] for h in shop.hooks) == sorted(scopes) and all(h["is_active"] for h in shop.hooks)
    shop.hooks[0]["is_active"] = False
    bc.register_webhooks("https://platen.example/hooks/bigcommerce/s1")
    assert len(shop.hooks) == len(scopes) and all(h["is_active"] for h in shop.hooks)


# --- Rate limits and failures -----------------------------------------------------------------------------------


def test_the_pull_waits_for_the_window_when_no_request_is_left(clock, local_client):
    with BigCommerceEmulator(clock=clock, quota=10, window_ms=30_000) as shop:
        for n in range(30):
            shop.add_order([{"sku": "A", "quantity": 1}], created=T0 + timedelta(minutes=n))
        assert len(list(connect(shop, local_client, clock).orders_since(None))) == 30
        assert shop.throttled == 0 and len(shop.requests) == 61
        assert clock.slept == [30.0] * 6  # every tenth answer said none left: wait for the reset


def test_a_429_waits_the_reset_and_is_sent_again(clock, local_client):
    with BigCommerceEmulator(clock=clock, quota=3, window_ms=30_000) as shop:
        oid = shop.add_order([{"sku": "A", "quantity": 1}])
        for _ in range(3):  # another app of the store spends the quota
            request = urllib.request.Request(f"{shop.api_root}/v2/orders", headers={"X-Auth-Token": shop.token})
            urllib.request.urlopen(request, timeout=5).close()
        clock.sleep(12)
        assert connect(shop, local_client, clock).fetch_order(str(oid)).external_id == str(oid)
        assert shop.throttled == 1 and clock.slept == [12, 18.0]


def test_a_refused_token_is_auth_failed_with_a_sentence_for_the_merchant(shop, local_client, clock, bc):
    with pytest.raises(AuthFailed) as refused:
        list(connect(shop, local_client, clock, access_token="revoked").orders_since(None))
    assert refused.value.status == 401 and "Reconnect the store" in refused.value.message and not refused.value.transient
    shop.fail(1, 403)
    with pytest.raises(AuthFailed, match="permissions"):
        bc.fetch_order("1")


def test_server_errors_and_an_unreachable_platform_are_transient(shop, bc, local_client, clock):
    shop.add_order([{"sku": "A", "quantity": 1}])
    shop.fail(1, 503)
    with pytest.raises(ConnectorError) as failed:
        list(bc.orders_since(None))
    assert failed.value.transient and failed.value.status == 503 and not isinstance(failed.value, AuthFailed)
    assert len(list(bc.orders_since(None))) == 1
    gone = connect(shop, local_client, clock, api_base_url="http://127.0.0.1:9")
    with pytest.raises(ConnectorError) as unreachable:
        gone.fetch_order("1")
    assert unreachable.value.transient


def test_the_api_base_url_replaces_only_scheme_and_host(shop, local_client, clock):
    real = connect(shop, local_client, clock, api_base_url="")
    assert real.base_url() == f"https://api.bigcommerce.com/stores/{shop.store_hash}"
    moved = connect(shop, local_client, clock, api_base_url=f"{shop.url}/ignored/path")
    assert moved.base_url() == f"{shop.url}/stores/{shop.store_hash}"
