"""A store order's whole journey through the real interfaces of a live server on loopback, for each platform's
emulator: the merchant connects the store with `POST /v4/stores` and maps its SKU and shipping method; the store
order arrives by a signed webhook (a forged one is refused) AND by a pull (`:sync`), and is one Platen order; it
is checked and routed on the demo network; the partner ships it through its API; the store shows the fulfilment
with the tracking (Shopify's fulfillmentCreate, BigCommerce's shipment); the carrier's delivery reaches the store
where the platform has a place for it (Shopify's fulfilment event; BigCommerce's order status Completed)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import httpx
import pytest

from platen.accounts import services as accounts
from platen.orders import events
from platen.orders.models import Order, OrderEvent
from platen.production.carriers.easypost import EasyPost
from platen.production.services import keys as partner_keys
from platen.production.services import tracking
from platen.stores.models import Fulfillment, StoreOrder
from platen.stores.statuses import PushState
from tests.emulators.bigcommerce import BigCommerceEmulator
from tests.emulators.shopify import ShopifyEmulator
from tests.orders import factories as orders
from tests.production.test_end_to_end import TRACKING_CODE, easypost_update

pytestmark = pytest.mark.django_db(transaction=True)  # the live server commits; so do the jobs

SKU = "POSTER-A3"


@pytest.fixture
def web(live_server):
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        yield client


@pytest.fixture
def merchant(account):
    return accounts.issue_api_key(account, name="shop").secret


def call(web, key, method, path, body=None):
    return web.request(method, path, headers={"X-API-KEY": key}, json=body)


def connect(web, key, body: dict) -> dict:
    """The store connected through the API as a merchant's script does, with its SKU and shipping method mapped."""
    answer = call(web, key, "POST", "/v4/stores", body)
    assert answer.status_code == 200, answer.text
    store = answer.json()
    assert store["id"] and store["status"] == "active"
    sku = call(web, key, "POST", f"/v4/stores/{store['id']}/sku-mappings", {
        "sku": SKU, "productUid": orders.POSTER, "files": [{"type": "default", "url": f"{orders.FILES}/print.pdf"}]})
    assert sku.status_code == 200, sku.text
    return store


def map_shipping(web, key, store: dict, method: str) -> None:
    answer = call(web, key, "POST", f"/v4/stores/{store['id']}/shipping-mappings", {"storeMethod": method, "shipmentMethodUid": "usps_ground_advantage"})
    assert answer.status_code == 200, answer.text


def after_connecting() -> datetime:
    """A moment after the connection: the platforms keep whole seconds, so "now" could read as before it."""
    return datetime.now(UTC).replace(microsecond=0) + timedelta(seconds=1)


def hook_path(store: dict) -> str:
    return urlsplit(store["webhookUrl"]).path if store.get("webhookUrl") else f"/hooks/{store['platform']}/{store['id']}"


def one_order(store: dict, external_id) -> Order:
    """Exactly one Platen order for the store order, however many times it arrived."""
    found = list(Order.objects.filter(store_id=store["id"], external_id=str(external_id)))
    assert len(found) == 1, list(StoreOrder.objects.filter(store_id=store["id"]).values("bucket", "reason"))
    assert StoreOrder.objects.filter(store_id=store["id"], external_id=str(external_id)).count() == 1
    return found[0]


def produce_and_ship(web, merchant, order: Order, settle) -> None:
    """Routed on the demo network; its partner reports received, printed and shipped with a tracking code (API)."""
    checked = call(web, merchant, "GET", f"/v4/orders/{order.pk}").json()
    assert checked["fulfillmentStatus"] == "created", checked
    job = Order.objects.get(pk=order.pk).production_job
    partner = partner_keys.issue_key(job.partner, name="press").secret
    for status, more in (("received", {}), ("printed", {}), ("shipped", {"trackingCode": TRACKING_CODE})):
        answer = call(web, partner, "POST", "/v2/order/status", {
            "timestamp": "2026-11-30T09:00:00Z", "orderId": str(order.pk), "status": status, "message": "", **more})
        assert answer.status_code == 200, answer.text
    settle()
    assert Order.objects.get(pk=order.pk).fulfillment_status == "shipped"


def carrier_delivers(web, settle) -> None:
    """The carrier reports the parcel delivered through EasyPost (signed webhook), as in issue 9."""
    source, secret = tracking.create_source("easypost", "EasyPost main")
    provider = EasyPost()
    body = easypost_update("evt_delivered", "delivered", [("2026-11-30T12:00:00Z", "in_transit", "Departed facility"),
                                                          ("2026-12-01T10:00:00Z", "delivered", "Delivered, front door")])
    answer = web.post(f"/hooks/tracking/{source.pk}", content=body,
                      headers={provider.signature_header: provider.sign(body, secret), "Content-Type": "application/json"})
    assert answer.status_code == 200, answer.text
    settle()


def history(web, merchant, order: Order) -> list[dict]:
    return call(web, merchant, "GET", f"/v4/orders/{order.pk}/events").json()["events"]


def test_a_shopify_order_comes_in_twice_is_made_once_and_its_tracking_and_delivery_reach_the_store(
        web, merchant, settle, files):
    with ShopifyEmulator(plan="plus") as shop:
        store = connect(web, merchant, {"platform": "shopify", "domain": shop.domain, "accessToken": shop.token,
                                        "webhookSecret": shop.secret, "apiBaseUrl": shop.url})
        map_shipping(web, merchant, store, "Standard Shipping")
        product = shop.add_product("Poster", [{"sku": SKU, "options": {"Size": "A3"}}])
        placed = shop.add_order([{"variant": product.variants[0], "quantity": 2, "properties": {"Name": "Ada"}}],
                                shipping_title="Standard Shipping", created_at=after_connecting())

        # The webhook: a forgery is refused and stores nothing; the signed delivery is acknowledged.
        url = web.base_url.join(hook_path(store))
        forged = shop.send_webhook("orders/create", shop.rest_order(placed.id), str(url), secret="not-the-secret")
        assert forged.status == 401
        delivered = shop.send_webhook("orders/create", shop.rest_order(placed.id), str(url))
        assert delivered.status == 200, delivered.answer
        assert shop.resend(delivered).status == 200  # Shopify's retry of the same delivery
        settle()
        order = one_order(store, placed.id)

        # The pull finds the same store order: still one order.
        assert call(web, merchant, "POST", f"/v4/stores/{store['id']}:sync").status_code == 200
        settle()
        order = one_order(store, placed.id)
        assert order.channel == "shopify" and order.order_reference_id == "#1001"
        assert [i.metadata for i in order.items.all()] == [[{"key": "Name", "value": "Ada"}]]

        produce_and_ship(web, merchant, order, settle)
        [made] = shop.fulfillments
        assert made.order_id == placed.id and [t["number"] for t in made.tracking] == [TRACKING_CODE]
        assert made.lines == [(placed.lines[0].id, 2)]
        assert shop.order(placed.id).display_fulfillment_status == "FULFILLED"

        carrier_delivers(web, settle)
        assert call(web, merchant, "GET", f"/v4/orders/{order.pk}").json()["fulfillmentStatus"] == "delivered"
        assert [e["status"] for e in shop.fulfillment_events] == ["DELIVERED"]

    told = [e for e in history(web, merchant, order) if e.get("type") == events.STORE_FULFILLMENT_PUSHED]
    assert len(told) == 2, history(web, merchant, order)
    assert set(Fulfillment.objects.filter(order=order).values_list("kind", "state")) == {
        ("shipped", PushState.PUSHED), ("delivered", PushState.PUSHED)}
    assert not OrderEvent.objects.filter(order=order, type=events.STORE_FULFILLMENT_FAILED).exists()


def test_a_bigcommerce_order_comes_in_twice_is_made_once_and_its_shipment_reaches_the_store(
        web, merchant, settle, files):
    with BigCommerceEmulator(quota=10_000) as bc:
        store = connect(web, merchant, {"platform": "bigcommerce", "domain": bc.store_hash, "accessToken": bc.token,
                                        "webhookSecret": bc.client_secret, "apiBaseUrl": bc.url})
        map_shipping(web, merchant, store, "Flat Rate")
        bc.add_product("Poster", [{"sku": SKU, "options": {"Size": "A3"}}])
        placed = bc.add_order([{"sku": SKU, "quantity": 1, "properties": {"Name": "Ada"}}], shipping_method="Flat Rate",
                              created=after_connecting())

        url = str(web.base_url.join(hook_path(store)))
        status, _ = bc.send_webhook("store/order/created", placed, url, client_secret="not-the-secret")
        assert status == 401
        status, text = bc.send_webhook("store/order/created", placed, url)
        assert status == 200, text
        settle()
        order = one_order(store, placed)
        assert call(web, merchant, "POST", f"/v4/stores/{store['id']}:sync").status_code == 200
        settle()
        order = one_order(store, placed)
        assert order.channel == "bigcommerce" and order.order_reference_id == str(placed)

        produce_and_ship(web, merchant, order, settle)
        [shipment] = bc.shipments[placed]
        assert shipment["tracking_number"] == TRACKING_CODE
        assert [(i["order_product_id"], i["quantity"]) for i in shipment["items"]] == \
            [(bc.orders[placed].items[0]["id"], 1)]

        carrier_delivers(web, settle)  # BigCommerce's shipments have no delivered state: the order becomes Completed
        assert len(bc.shipments[placed]) == 1 and bc.orders[placed].status_id == 10
    assert set(Fulfillment.objects.filter(order=order).values_list("kind", "state")) == {
        ("shipped", PushState.PUSHED), ("delivered", PushState.PUSHED)}
    assert not OrderEvent.objects.filter(order=order, type=events.STORE_FULFILLMENT_FAILED).exists()
