"""Platen's Shopify connector against the Shopify emulator (GraphQL on loopback) and Shopify's published payloads."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platen.kit.safehttp import SafeHttpClient, Timeouts
from platen.stores.connectors.base import AuthFailed, ConnectorError, Credentials, InvalidSignature, TrackingPush
from platen.stores.connectors.registry import connector_class
from platen.stores.connectors.shopify import Shopify, order_from_rest, product_from_rest
from tests.emulators.receiver import Receiver
from tests.emulators.shopify import ManualClock, ShopifyEmulator

FIXTURES = Path("/work/shared/fixtures/shopify")
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def shop(clock):
    with ShopifyEmulator(clock=clock) as emulator:
        yield emulator


def connect(shop: ShopifyEmulator, clock: ManualClock, *, token: str | None = None) -> Shopify:
    credentials = Credentials("shopify", shop.domain, token or shop.token, shop.secret, api_base_url=shop.url)
    return Shopify(credentials, client=SafeHttpClient(allow_private=True, timeouts=Timeouts(2, 5, 10)), sleep=clock.advance, clock=clock)


@pytest.fixture
def shopify(shop, clock):
    with connect(shop, clock) as connector:
        yield connector


def fixture(name: str) -> dict:
    return json.loads((FIXTURES / name).read_text())


def signed(secret: str, body: bytes) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


# --- Published payloads, as they are ---------------------------------------------------------------


def test_the_registry_names_this_connector():
    assert connector_class("shopify") is Shopify


def test_requests_go_to_the_versioned_graphql_endpoint_with_the_token(shop, shopify):
    shopify.fetch_order("1")
    path, headers = shop.last_request
    assert path == "/admin/api/2026-01/graphql.json"
    assert headers["x-shopify-access-token"] == shop.token and headers["content-type"] == "application/json"
    assert shopify.endpoint == f"{shop.url}/admin/api/2026-01/graphql.json"
    with Shopify(Credentials("shopify", "demo.myshopify.com", "t"), client=SafeHttpClient()) as real:
        assert real.endpoint == "https://demo.myshopify.com/admin/api/2026-01/graphql.json"


def test_the_published_order_parses_as_it_is():
    order = order_from_rest(fixture("order.json")["order"])
    assert (order.external_id, order.number, order.currency, order.email) == ("450789469", "#1001", "USD", "bob.norman@hostmail.com")
    assert order.placed_at == datetime(2008, 1, 10, 16, 0, tzinfo=UTC) and order.placed_at.tzinfo is not None
    assert not order.paid and order.payment_pending and order.awaiting_fulfillment  # authorized, not captured
    assert order.store_status == "Payment authorized · Unfulfilled" and order.cancelled_at is None
    assert order.shipping_method == "Free Shipping"
    address = order.shipping_address
    assert (address.city, address.state, address.country, address.post_code, address.company) == ("Louisville", "KY", "US", "40202", "")
    first = order.lines[0]
    assert (first.external_id, first.product_id, first.variant_id, first.sku, first.quantity) == (
        "466157049", "632910392", "39072856", "IPOD2008GREEN", 1)
    assert first.title == "IPod Nano - 8gb - green" and first.properties == {"Custom Engraving": "Happy Birthday"}
    assert len(order.lines) == 3 and order.graphql_id == "gid://shopify/Order/450789469"
    assert order_from_rest(fixture("order.json")) == order  # the wrapped shape is read too


def test_every_published_order_in_the_list_parses():
    orders = [order_from_rest(item) for item in fixture("orders.json")["orders"]]
    assert orders and all(o.external_id and o.lines == () for o in orders)  # published without line items
    assert orders[0].store_status == "Partially refunded · Unfulfilled" and not orders[0].paid


def test_the_published_products_parse_with_their_options():
    product = product_from_rest(fixture("product.json")["product"])
    assert (product.external_id, product.title, len(product.variants)) == ("632910392", "IPod Nano - 8GB", 4)
    assert product.variants[0].options == {"Title": "Pink"} and product.variants[0].sku == "IPOD2008PINK"
    assert all(product_from_rest(item).variants for item in fixture("products.json"))  # a bare list


def test_paid_and_awaiting_fulfilment_from_rest_words():
    body = fixture("order.json")["order"]
    paid = order_from_rest({**body, "financial_status": "paid"})
    assert paid.paid and paid.awaiting_fulfillment and paid.store_status == "Paid · Unfulfilled"
    partial = order_from_rest({**body, "financial_status": "paid", "fulfillment_status": "partial"})
    assert partial.awaiting_fulfillment and partial.store_status == "Paid · Partially fulfilled"
    done = order_from_rest({**body, "financial_status": "paid", "fulfillment_status": "fulfilled"})
    assert not done.awaiting_fulfillment and done.store_status == "Paid · Fulfilled"
    cancelled = order_from_rest({**body, "financial_status": "paid", "cancelled_at": "2008-01-11T09:00:00-05:00"})
    assert not cancelled.awaiting_fulfillment and cancelled.cancelled_at == datetime(2008, 1, 11, 14, 0, tzinfo=UTC)
    assert cancelled.store_status.startswith("Cancelled")


# --- Webhooks ----------------------------------------------------------------------------------------


def test_webhook_signature_good_forged_and_missing(shop):
    order = shop.add_order(lines=[{"sku": "POSTER-A3", "title": "Poster", "properties": {"Name": "Ada"}}])
    with Receiver() as receiver:
        shop.send_webhook("orders/create", shop.rest_order(order.id), receiver.url)
        (received,) = receiver.wait_for(1)
    Shopify.verify_webhook(shop.secret, received.headers, received.body)
    with pytest.raises(InvalidSignature):
        Shopify.verify_webhook(shop.secret, received.headers, received.body.replace(b"Ada", b"Eve"))
    with pytest.raises(InvalidSignature):
        Shopify.verify_webhook("another app's secret", received.headers, received.body)
    with pytest.raises(InvalidSignature):
        Shopify.verify_webhook(shop.secret, {k: v for k, v in received.headers.items() if k != "x-shopify-hmac-sha256"},
                               received.body)
    with pytest.raises(InvalidSignature):
        Shopify.verify_webhook("", received.headers, received.body)


@settings(max_examples=100, deadline=None)
@given(body=st.binary(max_size=2000), secret=st.text(min_size=1, max_size=40), flip=st.integers(min_value=0))
def test_a_signature_holds_for_exactly_the_bytes_it_signed(body, secret, flip):
    headers = {"x-shopify-hmac-sha256": signed(secret, body)}
    Shopify.verify_webhook(secret, headers, body)
    if body:
        changed = bytearray(body)
        changed[flip % len(body)] ^= 0x01
        with pytest.raises(InvalidSignature):
            Shopify.verify_webhook(secret, headers, bytes(changed))
    with pytest.raises(InvalidSignature):
        Shopify.verify_webhook(secret, headers, body + b" ")


def test_an_order_webhook_parses_to_the_same_order_as_the_pull(shop, shopify):
    product = shop.add_product("Poster", [{"sku": "POSTER-A3", "options": {"Size": "A3"}}])
    order = shop.add_order([{"variant": product.variants[0], "quantity": 2, "properties": {"Name": "Ada"}}])
    with Receiver() as receiver:
        shop.send_webhook("orders/paid", shop.rest_order(order.id), receiver.url, event_id="evt-1")
        (received,) = receiver.wait_for(1)
    event = shopify.parse_webhook(received.headers, received.body)
    assert (event.topic, event.kind, event.delivery_id, event.resource_id) == ("orders/paid", "order", "evt-1", str(order.id))
    pulled = shopify.fetch_order(str(order.id))
    assert event.order == pulled
    assert pulled.lines[0].properties == {"Name": "Ada"} and pulled.lines[0].variant_id == str(product.variants[0].id)


@pytest.mark.parametrize("raw", [b"not json", b"[1, 2]", b'{"name": "#1001"}', b'{"id": 1, "created_at": "yesterday"}'])
def test_an_unreadable_order_delivery_is_a_permanent_failure(shopify, raw):
    with pytest.raises(ConnectorError) as failure:
        shopify.parse_webhook({"x-shopify-topic": "orders/create", "x-shopify-event-id": "e"}, raw)
    assert not failure.value.transient


@pytest.mark.parametrize("topic, kind", [
    ("products/create", "product"), ("products/update", "product"), ("products/delete", "product_deleted"),
    ("customers/data_request", "privacy"), ("customers/redact", "privacy"), ("shop/redact", "privacy"),
    ("app/uninstalled", "app_uninstalled"), ("orders/cancelled", "order"), ("orders/fulfilled", "order"),
    ("orders/updated", "order"), ("orders/create", "order"), ("collections/create", "other"),
])
def test_every_topic_parses_to_its_kind(shop, shopify, topic, kind):
    product = shop.add_product("Mug", [{"sku": "MUG-W", "options": {"Colour": "White"}}])
    order = shop.add_order([{"variant": product.variants[0]}])
    resource = order.id if topic.startswith("orders/") else product.id
    body = shop.webhook_body(topic, resource) if topic != "collections/create" else {"id": 1}
    raw = json.dumps(body).encode()
    event = shopify.parse_webhook({"x-shopify-topic": topic, "x-shopify-webhook-id": "wh-1"}, raw)
    assert event.kind == kind and event.delivery_id == "wh-1"  # no event id: the webhook id
    if kind == "product":
        assert event.product.variants[0].options == {"Colour": "White"} and event.resource_id == str(product.id)
    if kind == "product_deleted":
        assert event.resource_id == str(product.id)
    if kind == "privacy":
        assert event.payload["shop_domain"] == shop.domain
    if kind == "order":
        assert event.order.external_id == str(order.id)


# --- Pulling orders ----------------------------------------------------------------------------------


def test_orders_since_follows_every_page_oldest_change_first(shop, shopify):
    made = shop.add_orders(75, start=T0)
    pulled = list(shopify.orders_since(None))
    assert [o.external_id for o in pulled] == [str(o.id) for o in made]
    assert len(shop.costs) >= 4  # a first small page, then pages sized from its cost
    assert all(o.paid and o.awaiting_fulfillment and o.store_status == "Paid · Unfulfilled" for o in pulled)


def test_orders_since_asks_only_for_orders_changed_at_or_after_the_cursor(shop, shopify):
    made = shop.add_orders(30, start=T0, spacing=timedelta(minutes=1))
    cursor = made[20].updated_at
    shop.update_order(made[3].id, financial_status="refunded")  # updated now: after the cursor
    pulled = list(shopify.orders_since(cursor))
    assert [o.external_id for o in pulled] == [str(o.id) for o in made[20:]] + [str(made[3].id)]
    assert pulled[-1].store_status == "Refunded · Unfulfilled" and not pulled[-1].paid
    assert "updated_at:>=" in shop.last_query["variables"]["query"]


def test_order_refs_since_lists_the_same_orders_a_page_of_250_at_one_point_each(shop, shopify):
    made = shop.add_orders(260, start=T0, spacing=timedelta(minutes=1))
    shop.update_order(made[3].id, financial_status="refunded")  # updated now: listed last
    cursor = made[200].updated_at
    refs = list(shopify.order_refs_since(cursor))
    full = list(shopify.orders_since(cursor))
    assert [(r.external_id, r.number, r.placed_at) for r in refs] == [(o.external_id, o.number, o.placed_at) for o in full]
    assert [r.external_id for r in refs][-1] == str(made[3].id) and len(refs) == 61
    before = len(shop.costs)
    assert len(list(shopify.order_refs_since(None))) == 260
    pages = shop.costs[before:]  # a full page at once: an order ref is one point
    assert [(c["requestedQueryCost"], c["actualQueryCost"]) for c in pages] == [(2 + 250, 2 + 250), (2 + 250, 2 + 10)]
    assert shop.last_query["query"].count("{") == 4  # no line items, addresses or shipping lines asked for


def test_hand_changes_in_the_store_are_read(shop, shopify):
    held, fulfilled, cancelled, pending = (shop.add_order(created_at=T0 + timedelta(minutes=i)) for i in range(4))
    shop.hold(held.id)
    shop.mark_fulfilled(fulfilled.id)
    shop.cancel_order(cancelled.id)
    shop.update_order(pending.id, financial_status="pending")
    by_id = {o.external_id: o for o in shopify.orders_since(None)}
    assert by_id[str(held.id)].store_status == "Paid · On hold" and not by_id[str(held.id)].awaiting_fulfillment
    assert by_id[str(fulfilled.id)].store_status == "Paid · Fulfilled"
    assert by_id[str(cancelled.id)].cancelled_at is not None and not by_id[str(cancelled.id)].awaiting_fulfillment
    assert by_id[str(pending.id)].payment_pending and not by_id[str(pending.id)].paid


def test_an_order_with_more_lines_than_a_page_is_read_whole(shop, shopify):
    order = shop.add_order([{"sku": f"SKU-{i}", "title": f"Item {i}"} for i in range(23)])
    pulled = shopify.fetch_order(str(order.id))
    assert [line.sku for line in pulled.lines] == [f"SKU-{i}" for i in range(23)]
    assert [o for o in shopify.orders_since(None)][0] == pulled


def test_fetch_and_find_orders(shop, shopify):
    shop.add_orders(5, start=T0)
    order = shop.add_order()
    assert shopify.fetch_order(str(order.id)).number == order.name
    assert shopify.fetch_order("999999") is None
    for number in (order.name, order.name.lstrip("#"), f" {order.name} "):
        assert shopify.find_order(number).external_id == str(order.id)
    assert shopify.find_order("#999999") is None


def test_products_follow_every_page_and_long_variant_lists(shop, shopify):
    for i in range(11):
        shop.add_product(f"Poster {i:02}", [{"sku": f"P{i}-{s}", "options": {"Size": s}} for s in ("A4", "A3")])
    big = shop.add_product("Big T-shirt", [{"sku": f"T-{n}", "options": {"Size": str(n), "Colour": "Red"}} for n in range(60)])
    products = list(shopify.products())
    assert len(products) == 12 and len({p.external_id for p in products}) == 12
    last = products[-1]
    assert last.external_id == str(big.id) and len(last.variants) == 60
    assert last.variants[59].options == {"Size": "59", "Colour": "Red"} and last.variants[59].sku == "T-59"
    assert products[0].variants[1].external_id == str(shop.products[int(products[0].external_id)].variants[1].id)


# --- Rate limits --------------------------------------------------------------------------------------


def test_the_pull_waits_exactly_for_the_cost_and_is_never_throttled(shop, shopify, clock):
    shop.add_orders(400, start=T0)
    pulled = list(shopify.orders_since(None))
    assert len(pulled) == 400
    assert shop.throttled == 0 and shopify.bucket.throttled == 0
    assert_at_the_ceiling(shop, clock, initial=1000)


def assert_at_the_ceiling(shop: ShopifyEmulator, clock: ManualClock, initial: float) -> None:
    """Each wait is exactly what the previous answer said was missing for the next query, at the answer's restore
    rate; so, page after page, the pull spends the bucket as fast as it refills and no faster."""
    answered = [c for c in shop.costs if c["actualQueryCost"] is not None]
    assert len(answered) >= 3
    for before, after in zip(answered, answered[1:]):
        status = before["throttleStatus"]
        missing = max(0, after["requestedQueryCost"] - status["currentlyAvailable"])
        assert after["at"] - before["at"] == pytest.approx(missing / status["restoreRate"])
        assert after["requestedQueryCost"] <= shop.maximum_available
    for before, after in zip(answered[1:], answered[2:-1]):  # full pages in a row: the wait is the points spent
        assert after["at"] - before["at"] == pytest.approx(before["actualQueryCost"] / shop.restore_rate, abs=1.01 / shop.restore_rate)
    # In all: the points every query but the last spent, plus what the last one asked for, less what the bucket held
    # at the start; nothing more than the whole-point rounding of currentlyAvailable at each wait.
    points = sum(c["actualQueryCost"] for c in answered[:-1]) + answered[-1]["requestedQueryCost"] - initial
    assert sum(clock.slept) == pytest.approx(points / shop.restore_rate, abs=len(answered) / shop.restore_rate)


def test_time_spent_between_pages_counts_towards_the_next_wait():
    """The caller imports each order before asking for more: the points restored meanwhile are not waited for again,
    so importing and waiting overlap (and the bucket is still never overdrawn)."""
    def pull(work_per_order: float) -> tuple[float, int]:
        clock = ManualClock()
        with ShopifyEmulator(clock=clock) as shop, connect(shop, clock) as shopify:
            shop.add_orders(200, start=T0)
            shop.drain()
            for _order in shopify.orders_since(None):
                clock.now += work_per_order  # the bucket refills while the order is imported
            return sum(clock.slept), shop.throttled

    idle_wait, idle_throttled = pull(0.0)
    busy_wait, busy_throttled = pull(0.1)  # 20 s of work over the pull
    assert idle_throttled == busy_throttled == 1  # only the first query, before any answer told the bucket's state
    assert busy_wait <= idle_wait - 15, (idle_wait, busy_wait)


def test_a_drained_bucket_throttles_once_then_never_again(shop, clock):
    shop.add_orders(120, start=T0)
    shop.drain()  # the state right after another sync's burst
    with connect(shop, clock) as shopify:
        assert len(list(shopify.orders_since(None))) == 120
        assert shopify.bucket.throttled == 1
    assert shop.throttled == 1


@pytest.mark.parametrize("plan, maximum, rate", [("advanced", None, None), ("plus", None, None), ("standard", 500.0, 50.0)])
def test_no_plan_is_assumed(clock, plan, maximum, rate):
    with ShopifyEmulator(plan=plan, maximum_available=maximum, restore_rate=rate, clock=clock) as shop:
        shop.add_orders(300, start=T0)
        shop.drain()  # start empty, so that the restore rate is what paces the pull
        with connect(shop, clock) as shopify:
            assert len(list(shopify.orders_since(None))) == 300
        assert shop.throttled == 1  # the first query, before any answer told the bucket's state
        assert_at_the_ceiling(shop, clock, initial=0)


def test_a_bucket_smaller_than_the_first_page_shrinks_the_page(clock):
    with ShopifyEmulator(maximum_available=300.0, restore_rate=30.0, clock=clock) as shop:
        shop.add_orders(40, start=T0)
        with connect(shop, clock) as shopify:
            assert len(list(shopify.orders_since(None))) == 40
        assert max(c["requestedQueryCost"] for c in shop.costs if c["actualQueryCost"] is not None) <= 300


# --- Failures ------------------------------------------------------------------------------------------


def test_a_refused_token_is_auth_failed_with_a_sentence_for_the_merchant(shop, clock):
    with connect(shop, clock, token="shpat_revoked") as shopify, pytest.raises(AuthFailed) as failure:
        list(shopify.orders_since(None))
    assert failure.value.message == "Shopify refused Platen's access token: reconnect the store."
    assert failure.value.status == 401 and not failure.value.transient


def test_auth_failure_in_the_middle_of_a_pull(shop, shopify):
    shop.add_orders(60, start=T0)
    shop.fail(1, 401, after=2)
    pulled = []
    with pytest.raises(AuthFailed):
        for order in shopify.orders_since(None):
            pulled.append(order)
    assert 0 < len(pulled) < 60


def test_server_errors_are_transient_and_graphql_errors_are_not(shop, shopify):
    shop.fail(1, 503)
    with pytest.raises(ConnectorError) as failure:
        shopify.fetch_order("1")
    assert failure.value.transient and failure.value.status == 503
    with pytest.raises(ConnectorError) as failure:
        shopify._query("bad", "{ orders(first: 1) { nodes { notAField } } }", {})  # noqa: SLF001
    assert not failure.value.transient and "notAField" in failure.value.message


@pytest.mark.parametrize("status, transient", [(403, None), (402, True), (404, False), (502, True)])
def test_other_http_answers(shop, shopify, status, transient):
    shop.fail(1, status)
    with pytest.raises(ConnectorError) as failure:
        shopify.fetch_order("1")
    assert failure.value.status == status
    if transient is None:
        assert isinstance(failure.value, AuthFailed)
    else:
        assert failure.value.transient is transient and not isinstance(failure.value, AuthFailed)


def test_an_unreachable_store_is_transient(clock):
    shop = ShopifyEmulator(clock=clock).start()
    shop.stop()
    with connect(shop, clock) as shopify, pytest.raises(ConnectorError) as failure:
        shopify.fetch_order("1")
    assert failure.value.transient and not isinstance(failure.value, AuthFailed)


# --- Writing back --------------------------------------------------------------------------------------


def test_push_fulfillment_creates_a_fulfillment_with_tracking(shop, shopify):
    order = shop.add_order([{"sku": "A", "title": "Poster", "quantity": 2}, {"sku": "B", "title": "Card"}])
    push = TrackingPush(str(order.id), "1Z999AA10123456784", "https://www.ups.com/track?tracknum=1Z999AA10123456784", "UPS")
    fulfillment_id = shopify.push_fulfillment(push)
    (created,) = shop.fulfillments
    assert fulfillment_id == f"gid://shopify/Fulfillment/{created.id}"
    assert created.tracking == [{"number": push.tracking_number, "url": push.tracking_url, "company": "UPS"}]
    assert sorted(created.lines) == sorted([(order.lines[0].id, 2), (order.lines[1].id, 1)])
    assert created.notify_customer is False and order.display_fulfillment_status == "FULFILLED"
    assert shopify.push_fulfillment(push) == fulfillment_id and len(shop.fulfillments) == 1  # a retry is the same


def test_push_fulfillment_of_some_lines(shop, shopify):
    order = shop.add_order([{"sku": "A", "title": "Poster", "quantity": 3}, {"sku": "B", "title": "Card"}])
    shopify.push_fulfillment(TrackingPush(str(order.id), "TRACK-1", lines=((str(order.lines[0].id), 2),)))
    assert shop.fulfillments[0].lines == [(order.lines[0].id, 2)]
    assert order.display_fulfillment_status == "PARTIALLY_FULFILLED"
    shopify.push_fulfillment(TrackingPush(str(order.id), "TRACK-2"))
    assert sorted(shop.fulfillments[1].lines) == sorted([(order.lines[0].id, 1), (order.lines[1].id, 1)])


def test_push_fulfillment_refused_when_the_store_has_nothing_left(shop, shopify):
    held, cancelled = shop.add_order(), shop.add_order()
    shop.hold(held.id)
    shop.cancel_order(cancelled.id)
    for order in (held, cancelled):
        with pytest.raises(ConnectorError) as failure:
            shopify.push_fulfillment(TrackingPush(str(order.id), "TRACK-1"))
        assert not failure.value.transient and "nothing left to fulfil" in failure.value.message
    with pytest.raises(ConnectorError) as failure:
        shopify.push_fulfillment(TrackingPush("424242", "TRACK-1"))
    assert not failure.value.transient


def test_user_errors_become_a_permanent_failure_with_shopifys_message(shop, shopify):
    order = shop.add_order()
    shop.fulfillment_create = lambda fulfillment: {  # the store refuses, as Shopify does for a bad location
        "fulfillment": None, "userErrors": [{"field": ["fulfillment"], "message": "Location is not active."}]}
    with pytest.raises(ConnectorError) as failure:
        shopify.push_fulfillment(TrackingPush(str(order.id), "TRACK-1"))
    assert failure.value.message == "Shopify refused the fulfilment: Location is not active." and not failure.value.transient


def test_report_delivery_where_shopify_has_a_place_for_it(shop, shopify):
    order = shop.add_order()
    push = TrackingPush(str(order.id), "TRACK-1")
    fulfillment_id = shopify.push_fulfillment(push)
    assert shopify.report_delivery(push, fulfillment_id, "delivered") is True
    assert shop.fulfillments[0].display_status == "DELIVERED" and shop.fulfillment_events[0]["status"] == "DELIVERED"
    assert shopify.report_delivery(push, fulfillment_id, "returned") is False  # no fulfilment event for a return
    assert len(shop.fulfillment_events) == 1


def test_register_webhooks_subscribes_every_topic_once(shop, shopify):
    url = "https://platen.example/hooks/shopify/3f0c"
    topics = shopify.register_webhooks(url)
    assert set(topics) == {"orders/create", "orders/paid", "orders/updated", "orders/cancelled", "orders/fulfilled",
                           "products/create", "products/update", "products/delete", "app/uninstalled"}
    assert sorted(s.rest_topic for s in shop.subscriptions) == sorted(topics)
    assert all(s.uri == url and s.format == "JSON" for s in shop.subscriptions)
    assert shopify.register_webhooks(url) == topics and len(shop.subscriptions) == len(topics)
