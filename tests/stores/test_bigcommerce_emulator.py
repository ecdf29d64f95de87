"""The BigCommerce emulator speaks the protocol of the reference (checked here with plain HTTP, not the connector)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from threading import Thread

import pytest

from tests.emulators.bigcommerce import BigCommerceEmulator, ManualClock

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def shop(clock):
    with BigCommerceEmulator(clock=clock) as emulator:
        yield emulator


def call(shop, method, path, body=None, token=None):
    """(status, lower-case headers, parsed body or None)."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{shop.api_root}/{path}", data=data, method=method, headers={
        "X-Auth-Token": shop.token if token is None else token, "Accept": "application/json",
        **({"Content-Type": "application/json"} if data else {})})
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            status, headers, raw = response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        status, headers, raw = exc.code, exc.headers, exc.read()
    return status, {k.lower(): v for k, v in headers.items()}, json.loads(raw) if raw else None


def test_a_wrong_token_is_refused_in_bigcommerce_shapes_with_the_rate_limit_headers(shop):
    status, headers, body = call(shop, "GET", "v2/orders", token="nope")
    assert status == 401 and body == [{"status": 401, "message": "You have not been authorized."}]
    assert {"x-rate-limit-time-window-ms", "x-rate-limit-time-reset-ms", "x-rate-limit-requests-quota",
            "x-rate-limit-requests-left"} <= set(headers)
    status, _, body = call(shop, "GET", "v3/catalog/products", token="")
    assert status == 401 and body["status"] == 401 and body["title"] and "errors" in body


def test_orders_are_bare_arrays_with_string_money_rfc2822_dates_and_linked_resources(shop):
    shop.add_product("Poster", [{"sku": "POSTER-A3", "options": {"Size": "A3"}}])
    oid = shop.add_order([{"sku": "POSTER-A3", "quantity": 2, "price": "12.5", "options": {"Size": "A3"},
                           "properties": {"Dedication": "For Ada"}}], created=T0)
    status, _, body = call(shop, "GET", "v2/orders")
    assert status == 200 and isinstance(body, list) and len(body) == 1
    order = body[0]
    assert order["id"] == oid and order["status_id"] == 11 and order["status"] == "Awaiting Fulfillment"
    assert re.fullmatch(r"\d+\.\d{4}", order["subtotal_ex_tax"]) and order["subtotal_ex_tax"] == "25.0000"
    assert order["date_created"] == "Mon, 02 Nov 2026 09:00:00 +0000" and order["date_shipped"] == ""
    assert parsedate_to_datetime(order["date_modified"]) == T0
    assert set(order["products"]) == {"url", "resource"} and set(order["shipping_addresses"]) == {"url", "resource"}
    status, _, items = call(shop, "GET", f"v2/orders/{oid}/products")
    assert status == 200 and items[0]["quantity"] == 2 and items[0]["sku"] == "POSTER-A3" and items[0]["variant_id"]
    assert {(o["display_name"], o["display_value"], o["type"]) for o in items[0]["product_options"]} == {
        ("Size", "A3", "Multiple choice"), ("Dedication", "For Ada", "Text field")}
    status, _, addresses = call(shop, "GET", f"v2/orders/{oid}/shipping_addresses")
    assert status == 200 and addresses[0]["country_iso2"] == "US" and addresses[0]["shipping_method"] == "Flat Rate"
    assert call(shop, "GET", "v2/orders/999999")[0] == 404


def test_pages_end_with_204_no_content_and_filters_sort_and_include_their_bounds(shop):
    for n in range(7):
        shop.add_order([{"sku": "X", "quantity": 1}], created=T0 + timedelta(minutes=n), status_id=11 if n % 2 else 7)
    assert [len(call(shop, "GET", f"v2/orders?limit=3&page={p}")[2] or []) for p in (1, 2, 3)] == [3, 3, 1]
    status, headers, body = call(shop, "GET", "v2/orders?limit=3&page=4")
    assert status == 204 and body is None and "x-rate-limit-requests-left" in headers
    since = (T0 + timedelta(minutes=4)).isoformat().replace("+", "%2B")
    ascending = call(shop, "GET", f"v2/orders?min_date_modified={since}&sort=date_modified:asc")[2]
    assert [parsedate_to_datetime(o["date_modified"]).minute for o in ascending] == [4, 5, 6]
    rfc = urllib.request.quote("Mon, 02 Nov 2026 09:05:00 +0000")
    descending = call(shop, "GET", f"v2/orders?min_date_modified={rfc}&sort=date_modified:desc")[2]
    assert [parsedate_to_datetime(o["date_modified"]).minute for o in descending] == [6, 5]
    assert {o["status_id"] for o in call(shop, "GET", "v2/orders?status_id=11")[2]} == {11}
    assert call(shop, "GET", "v2/orders?min_date_modified=2099-01-01T00:00:00Z")[0] == 204


def test_the_quota_runs_out_with_429_without_retry_after_until_the_window_resets(clock):
    with BigCommerceEmulator(clock=clock, quota=3, window_ms=30_000) as shop:
        lefts = [call(shop, "GET", "v2/orders")[1]["x-rate-limit-requests-left"] for _ in range(3)]
        assert lefts == ["2", "1", "0"]
        clock.sleep(10)
        status, headers, _ = call(shop, "GET", "v2/orders")
        assert status == 429 and "retry-after" not in headers and headers["x-rate-limit-requests-left"] == "0"
        assert headers["x-rate-limit-time-reset-ms"] == "20000" and shop.throttled == 1
        clock.sleep(20)
        status, headers, _ = call(shop, "GET", "v2/orders")
        assert status == 204 and headers["x-rate-limit-requests-left"] == "2"


def test_a_shipment_is_created_with_201_and_moves_the_order_to_shipped(shop):
    oid = shop.add_order([{"sku": "A", "quantity": 2}, {"sku": "B", "quantity": 1}])
    items = call(shop, "GET", f"v2/orders/{oid}/products")[2]
    address = call(shop, "GET", f"v2/orders/{oid}/shipping_addresses")[2][0]["id"]
    first = {"order_address_id": address, "tracking_number": "1Z1", "shipping_provider": "ups",
             "items": [{"order_product_id": items[0]["id"], "quantity": 2}]}
    status, _, shipment = call(shop, "POST", f"v2/orders/{oid}/shipments", first)
    assert status == 201 and shipment["tracking_number"] == "1Z1" and shipment["order_id"] == oid
    assert call(shop, "GET", f"v2/orders/{oid}")[2]["status"] == "Partially Shipped"
    too_many = {**first, "items": [{"order_product_id": items[0]["id"], "quantity": 1}]}
    assert call(shop, "POST", f"v2/orders/{oid}/shipments", too_many)[0] == 400
    assert call(shop, "POST", f"v2/orders/{oid}/shipments", {**first, "shipping_provider": "carrier-pigeon"})[0] == 400
    rest = {**first, "shipping_provider": "", "items": [{"order_product_id": items[1]["id"], "quantity": 1}]}
    assert call(shop, "POST", f"v2/orders/{oid}/shipments", rest)[0] == 201
    order = call(shop, "GET", f"v2/orders/{oid}")[2]
    assert order["status"] == "Shipped" and order["date_shipped"] != ""
    assert len(call(shop, "GET", f"v2/orders/{oid}/shipments")[2]) == 2
    assert call(shop, "PUT", f"v2/orders/{oid}", {"status_id": 10})[2]["status"] == "Completed"


def test_catalog_products_with_variants_and_v3_pagination(shop):
    for n in range(3):
        shop.add_product(f"Mug {n}", [{"sku": f"MUG-{n}-W", "options": {"Colour": "White"}},
                                      {"sku": f"MUG-{n}-B", "options": {"Colour": "Black"}}])
    status, _, body = call(shop, "GET", "v3/catalog/products?include=variants&limit=2&page=2")
    assert status == 200 and len(body["data"]) == 1
    assert body["meta"]["pagination"]["total"] == 3 and body["meta"]["pagination"]["total_pages"] == 2
    variant = body["data"][0]["variants"][1]
    assert variant["sku"] == "MUG-2-B" and variant["option_values"][0]["option_display_name"] == "Colour"
    assert "variants" not in call(shop, "GET", "v3/catalog/products")[2]["data"][0]


def test_hooks_are_registered_and_deliveries_are_signed_standard_webhooks_style(shop):
    received = []

    class Receiver(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            received.append(({k.lower(): v for k, v in self.headers.items()}, raw))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    Thread(target=server.serve_forever, daemon=True).start()
    try:
        target = f"http://127.0.0.1:{server.server_address[1]}/hooks/bigcommerce/x"
        body = {"scope": "store/order/statusUpdated", "destination": target, "is_active": True,
                "headers": {"X-Platen": "1"}}
        status, _, hook = call(shop, "POST", "v3/hooks", body)
        assert status == 200 and hook["data"]["scope"] == "store/order/statusUpdated"
        assert call(shop, "POST", "v3/hooks", body)[0] == 422
        oid = shop.add_order([{"sku": "A", "quantity": 1}], status_id=7)
        shop.set_status(oid, 11)
        assert shop.deliver("store/order/statusUpdated", oid) == [(target, 200)]
    finally:
        server.shutdown()
        server.server_close()
    headers, raw = received[0]
    payload = json.loads(raw)
    assert payload["scope"] == "store/order/statusUpdated" and payload["store_id"] == shop.store_id
    assert payload["data"] == {"type": "order", "id": oid, "status": {"previous_status_id": 7, "new_status_id": 11}}
    assert headers["x-platen"] == "1"
    signed = f"{headers['webhook-id']}.{headers['webhook-timestamp']}.".encode() + raw
    expected = base64.b64encode(hmac.new(shop.client_secret.encode(), signed, hashlib.sha256).digest()).decode()
    assert headers["webhook-signature"] == f"v1,{expected}"
    assert json.loads(shop.webhook("store/order/created", oid, numeric_store_id=True)[0])["store_id"] == int(shop.store_id)


def test_scripted_failures_come_first(shop):
    shop.fail(1, 500)
    shop.fail(1, 401)
    assert call(shop, "GET", "v2/orders")[0] == 500
    status, _, body = call(shop, "GET", "v3/catalog/products")
    assert status == 401 and body["status"] == 401
    assert call(shop, "GET", "v2/orders")[0] == 204
