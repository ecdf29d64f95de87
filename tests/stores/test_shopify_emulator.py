"""The Shopify emulator speaks the protocol of the reference, checked on the wire (not through Platen's connector)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from tests.emulators.receiver import Receiver
from tests.emulators.shopify import INVALID_TOKEN, ManualClock, ShopifyEmulator

FIXTURES = Path("/work/shared/fixtures/shopify")
T0 = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def clock():
    return ManualClock()


@pytest.fixture
def shop(clock):
    with ShopifyEmulator(clock=clock) as emulator:
        yield emulator


@pytest.fixture(scope="module")
def http():
    with httpx.Client(timeout=10) as client:  # one client for the module: its TLS set-up once, not per request
        yield client


@pytest.fixture
def ask(http):
    def ask(shop: ShopifyEmulator, query: str, variables: dict | None = None, *, token: str | None = None,
            version: str = "2026-01") -> httpx.Response:
        headers = {} if token == "" else {"X-Shopify-Access-Token": token or shop.token}
        return http.post(shop.graphql_url(version), json={"query": query, "variables": variables or {}}, headers=headers)

    return ask


def test_a_wrong_or_missing_token_answers_401_with_shopifys_words(shop, ask):
    for token in ("shpat_wrong", ""):
        answer = ask(shop, "{ shop { name } }", token=token)
        assert answer.status_code == 401
        assert answer.json() == {"errors": INVALID_TOKEN}


def test_answers_carry_the_api_version_and_an_unsupported_one_falls_forward(shop, ask):
    assert ask(shop, "{ shop { myshopifyDomain } }").headers["x-shopify-api-version"] == "2026-01"
    old = ask(shop, "{ shop { myshopifyDomain } }", version="2019-04")
    assert old.status_code == 200 and old.headers["x-shopify-api-version"] == "2025-04"
    assert old.json()["data"]["shop"]["myshopifyDomain"] == shop.domain


def test_an_unknown_field_is_a_graphql_error_on_http_200(shop, ask):
    answer = ask(shop, "{ orders(first: 1) { nodes { id noSuchField } } }")
    assert answer.status_code == 200
    assert "noSuchField" in answer.json()["errors"][0]["message"] and "data" not in answer.json()


def test_orders_paginate_with_cursors_sorted_by_update(shop, ask):
    made = shop.add_orders(7, start=T0)
    shop.update_order(made[0].id, note="gift wrap")  # now the most recently updated
    query = """query($after: String) { orders(first: 3, after: $after, sortKey: UPDATED_AT) {
        pageInfo { hasNextPage endCursor } edges { cursor node { legacyResourceId updatedAt } } } }"""
    seen, after, pages = [], None, 0
    while True:
        connection = ask(shop, query, {"after": after}).json()["data"]["orders"]
        pages += 1
        seen += [edge["node"]["legacyResourceId"] for edge in connection["edges"]]
        assert connection["pageInfo"]["endCursor"] == connection["edges"][-1]["cursor"]
        if not connection["pageInfo"]["hasNextPage"]:
            break
        after = connection["pageInfo"]["endCursor"]
    assert pages == 3
    assert seen == [str(o.id) for o in made[1:]] + [str(made[0].id)]


def test_search_syntax_filters_orders(shop, ask):
    early = shop.add_order(created_at=T0)
    unpaid = shop.add_order(created_at=T0 + timedelta(hours=1), financial_status="pending")
    late = shop.add_order(created_at=T0 + timedelta(hours=2))
    shop.mark_fulfilled(late.id)

    def ids(search: str) -> list[str]:
        answer = ask(shop, "query($q: String) { orders(first: 10, query: $q) { nodes { legacyResourceId } } }", {"q": search})
        return [node["legacyResourceId"] for node in answer.json()["data"]["orders"]["nodes"]]

    since = (T0 + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert set(ids(f"updated_at:>='{since}'")) >= {str(unpaid.id), str(late.id)} and str(early.id) not in ids(f"updated_at:>='{since}'")
    assert ids(f"created_at:<'{since}'") == [str(early.id)]
    assert ids("financial_status:pending") == [str(unpaid.id)]
    assert ids("fulfillment_status:unfulfilled financial_status:paid") == [str(early.id)]
    assert ids(f"name:{early.name}") == ids(f"name:'{early.name[1:]}'") == [str(early.id)]


def test_cost_is_two_plus_the_objects_requested_and_the_rest_is_refunded(shop, clock, ask):
    shop.add_orders(3, start=T0, lines_per_order=1)
    answer = ask(shop, "{ orders(first: 10) { nodes { id lineItems(first: 5) { nodes { id variant { id } } } } } }").json()
    cost = answer["extensions"]["cost"]
    assert cost["requestedQueryCost"] == 2 + 10 * (1 + 2 + 5 * 2)  # nested connections multiply
    assert cost["actualQueryCost"] == 2 + 3 * (1 + 2 + 1 * 2)
    assert cost["throttleStatus"] == {"maximumAvailable": 1000.0, "currentlyAvailable": 1000 - cost["actualQueryCost"],
                                      "restoreRate": 100.0}


def test_throttled_when_the_requested_cost_is_not_available_and_the_bucket_restores_with_time(shop, clock, ask):
    shop.add_orders(300, start=T0)
    query = "{ orders(first: 200) { nodes { id lineItems(first: 1) { nodes { id } } } } }"  # requested 2 + 200 x 4
    first = ask(shop, query).json()
    assert first["extensions"]["cost"]["requestedQueryCost"] == 802
    left = first["extensions"]["cost"]["throttleStatus"]["currentlyAvailable"]
    throttled = ask(shop, query).json()
    assert throttled == {
        "errors": [{"message": "Throttled", "extensions": {"code": "THROTTLED",
                                                           "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
        "extensions": {"cost": {"requestedQueryCost": 802, "actualQueryCost": None,
                                "throttleStatus": {"maximumAvailable": 1000.0, "currentlyAvailable": left, "restoreRate": 100.0}}},
    }
    clock.advance((802 - left) / 100.0)
    assert "data" in ask(shop, query).json()
    assert shop.throttled == 1


def test_plans_and_custom_buckets(clock, ask):
    for plan, expected in (("standard", (1000.0, 100.0)), ("advanced", (2000.0, 200.0)), ("plus", (10000.0, 1000.0))):
        with ShopifyEmulator(plan=plan, clock=clock) as emulator:
            status = ask(emulator, "{ shop { name } }").json()["extensions"]["cost"]["throttleStatus"]
            assert (status["maximumAvailable"], status["restoreRate"]) == expected


def test_a_query_over_the_single_query_maximum_is_refused(shop, ask):
    answer = ask(shop, "{ orders(first: 250) { nodes { id lineItems(first: 50) { nodes { id } } } } }").json()
    assert answer["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED" and "data" not in answer


def test_page_size_limits(shop, ask):
    assert "250" in ask(shop, "{ orders(first: 251) { nodes { id } } }").json()["errors"][0]["message"]
    assert ask(shop, "{ orders { nodes { id } } }").json()["errors"][0]["message"] == "you must provide one of first or last"


def test_fulfillment_create_fulfils_the_fulfillment_order_and_records_tracking(shop, ask):
    order = shop.add_order([{"sku": "A", "title": "Poster", "quantity": 2}, {"sku": "B", "title": "Card"}])
    fo = ask(shop, """query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 5) { nodes { id status
             lineItems(first: 10) { nodes { id remainingQuantity lineItem { id sku } } } } } } }""",
             {"id": f"gid://shopify/Order/{order.id}"}).json()["data"]["order"]["fulfillmentOrders"]["nodes"][0]
    assert fo["status"] == "OPEN"
    first_line = fo["lineItems"]["nodes"][0]
    mutation = """mutation($f: FulfillmentInput!) { fulfillmentCreate(fulfillment: $f) {
                  fulfillment { id status trackingInfo { number url company } } userErrors { field message } } }"""
    partial = {"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo["id"],
                                                "fulfillmentOrderLineItems": [{"id": first_line["id"], "quantity": 2}]}],
               "trackingInfo": {"number": "1Z999", "url": "https://ups.example/1Z999", "company": "UPS"}, "notifyCustomer": False}
    created = ask(shop, mutation, {"f": partial}).json()
    assert created["extensions"]["cost"]["requestedQueryCost"] == 10
    payload = created["data"]["fulfillmentCreate"]
    assert payload["userErrors"] == [] and payload["fulfillment"]["status"] == "SUCCESS"
    assert payload["fulfillment"]["trackingInfo"] == [{"number": "1Z999", "url": "https://ups.example/1Z999", "company": "UPS"}]
    assert shop.fulfillments[0].lines == [(order.lines[0].id, 2)] and shop.fulfillments[0].notify_customer is False
    assert order.display_fulfillment_status == "PARTIALLY_FULFILLED" and order.fulfillment_orders[0].status == "IN_PROGRESS"

    again = ask(shop, mutation, {"f": partial}).json()["data"]["fulfillmentCreate"]
    assert again["fulfillment"] is None and "quantity" in again["userErrors"][0]["message"]
    rest = {"lineItemsByFulfillmentOrder": [{"fulfillmentOrderId": fo["id"]}], "trackingInfo": {"number": "1Z1000"}}
    assert ask(shop, mutation, {"f": rest}).json()["data"]["fulfillmentCreate"]["userErrors"] == []
    assert order.display_fulfillment_status == "FULFILLED" and order.fulfillment_orders[0].status == "CLOSED"
    closed = ask(shop, mutation, {"f": rest}).json()["data"]["fulfillmentCreate"]
    assert closed["userErrors"][0]["message"].endswith("has an unfulfillable status= closed.")


def test_fulfillment_event_and_webhook_subscription_mutations(shop, ask):
    order = shop.add_order()
    fulfillment = shop.mark_fulfilled(order.id)
    event = ask(shop, """mutation($e: FulfillmentEventInput!) { fulfillmentEventCreate(fulfillmentEvent: $e) {
                fulfillmentEvent { id status } userErrors { field message } } }""",
                {"e": {"fulfillmentId": f"gid://shopify/Fulfillment/{fulfillment.id}", "status": "DELIVERED"}}).json()
    assert event["data"]["fulfillmentEventCreate"]["fulfillmentEvent"]["status"] == "DELIVERED"
    assert fulfillment.display_status == "DELIVERED" and shop.fulfillment_events[0]["status"] == "DELIVERED"

    mutation = """mutation($t: WebhookSubscriptionTopic!, $s: WebhookSubscriptionInput!) {
                  webhookSubscriptionCreate(topic: $t, webhookSubscription: $s) {
                  webhookSubscription { id topic uri format } userErrors { field message } } }"""
    created = ask(shop, mutation, {"t": "ORDERS_CREATE", "s": {"uri": "https://platen.example/hooks", "format": "JSON"}}).json()
    assert created["data"]["webhookSubscriptionCreate"]["webhookSubscription"]["topic"] == "ORDERS_CREATE"
    twice = ask(shop, mutation, {"t": "ORDERS_CREATE", "s": {"callbackUrl": "https://platen.example/hooks"}}).json()
    assert twice["data"]["webhookSubscriptionCreate"]["userErrors"][0]["message"] == "Address for this topic has already been taken"
    bad_topic = ask(shop, mutation, {"t": "CUSTOMERS_REDACT", "s": {"uri": "https://platen.example/hooks"}}).json()
    assert "errors" in bad_topic  # the privacy topics are not subscribed through the API
    assert [(s.rest_topic, s.uri) for s in shop.subscriptions] == [("orders/create", "https://platen.example/hooks")]


def test_rest_order_has_the_fixture_field_set_and_the_same_state_as_graphql(shop, ask):
    order = shop.add_order([{"sku": "POSTER-A3", "title": "Poster", "variant_title": "A3", "properties": {"Name": "Ada"}}])
    rest = shop.rest_order(order.id)
    fixture = json.loads((FIXTURES / "order.json").read_text())["order"]
    assert set(fixture) <= set(rest)
    assert set(fixture["line_items"][0]) <= set(rest["line_items"][0])
    assert set(fixture["shipping_address"]) <= set(rest["shipping_address"])
    assert rest["line_items"][0]["properties"] == [{"name": "Name", "value": "Ada"}]
    assert rest["financial_status"] == "paid" and rest["fulfillment_status"] is None and rest["name"] == order.name
    assert rest["created_at"].endswith("-05:00")
    node = ask(shop, """query($id: ID!) { order(id: $id) { legacyResourceId name createdAt displayFinancialStatus
               lineItems(first: 5) { nodes { id sku customAttributes { key value } } } } }""",
               {"id": rest["admin_graphql_api_id"]}).json()["data"]["order"]
    assert (node["legacyResourceId"], node["name"], node["displayFinancialStatus"]) == (str(rest["id"]), rest["name"], "PAID")
    assert datetime.fromisoformat(node["createdAt"]) == datetime.fromisoformat(rest["created_at"])
    line = node["lineItems"]["nodes"][0]
    assert (line["id"], line["sku"]) == (rest["line_items"][0]["admin_graphql_api_id"], "POSTER-A3")
    assert line["customAttributes"] == [{"key": "Name", "value": "Ada"}]
    shop.cancel_order(order.id)
    assert shop.rest_order(order.id)["cancelled_at"] is not None


def test_send_webhook_posts_every_header_signed_over_the_raw_bytes(shop):
    order = shop.add_order()
    with Receiver() as receiver:
        delivery = shop.send_webhook("orders/create", shop.rest_order(order.id), receiver.url + "/hooks/shopify/1")
        assert delivery.status == 200
        shop.resend(delivery)
        first, second = receiver.wait_for(2)
    expected = base64.b64encode(hmac.new(shop.secret.encode(), first.body, hashlib.sha256).digest()).decode()
    assert first.headers["x-shopify-hmac-sha256"] == expected
    assert first.headers["x-shopify-topic"] == "orders/create" and first.headers["x-shopify-shop-domain"] == shop.domain
    for name in ("x-shopify-api-version", "x-shopify-webhook-id", "x-shopify-event-id", "x-shopify-triggered-at"):
        assert first.headers[name]
    assert json.loads(first.body)["id"] == order.id  # unwrapped
    assert (second.body, second.headers["x-shopify-event-id"]) == (first.body, first.headers["x-shopify-event-id"])


def test_emit_delivers_to_each_subscription_of_the_topic(shop):
    product = shop.add_product("Mug", [{"sku": "MUG-W", "options": {"Colour": "White"}}])
    with Receiver() as receiver:
        shop.webhook_subscription_create("PRODUCTS_UPDATE", {"uri": receiver.url + "/a"})
        shop.webhook_subscription_create("ORDERS_CREATE", {"uri": receiver.url + "/b"})
        assert [d.status for d in shop.emit("products/update", product.id)] == [200]
        (received,) = receiver.wait_for(1)
    assert received.path.endswith("/a") and json.loads(received.body)["variants"][0]["option1"] == "White"


def test_scripted_failures_and_a_rotated_token(shop, ask):
    shop.fail(1, 500)
    shop.fail(1, 401, after=1)
    assert ask(shop, "{ shop { name } }").status_code == 500
    assert ask(shop, "{ shop { name } }").status_code == 200
    assert ask(shop, "{ shop { name } }").status_code == 401
    assert ask(shop, "{ shop { name } }").status_code == 200
    shop.token = "rotated"
    assert ask(shop, "{ shop { name } }", token="shpat_emulator_token").status_code == 401


def test_many_orders_are_made_in_memory(shop, ask):
    made = shop.add_orders(2000, start=T0)
    assert len(shop.orders) == 2000 and made[-1].name == "#3000"
    answer = ask(shop, "{ orders(first: 5, reverse: true, sortKey: UPDATED_AT) { nodes { name } } }").json()
    assert answer["data"]["orders"]["nodes"][0]["name"] == "#3000"
