"""POST /v4/orders:search with every filter."""

import pytest

from tests.orders.factories import NEW_YORK, advance, order_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(api, settle):
    made = {
        "berlin": api.post("/v4/orders", order_payload(orderReferenceId="web-1")).json(),
        "draft": api.post("/v4/orders", order_payload(orderReferenceId="web-2", orderType="draft")).json(),
        "usd": api.post("/v4/orders", order_payload(orderReferenceId="shop-3", currency="USD", shippingAddress=NEW_YORK)).json(),
        "failed": api.post("/v4/orders", order_payload(orderReferenceId="shop-4", items=[{"itemReferenceId": "x", "productUid": "nope", "quantity": 1}])).json(),
    }
    settle()
    api.post(f"/v4/orders/{made['berlin']['id']}:cancel")
    return made


def ids(api, **filters):
    response = api.post("/v4/orders:search", filters)
    assert response.status_code == 200, response.content
    return [o["id"] for o in response.json()["orders"]]


def test_no_filter_lists_all_newest_first(api, orders):
    assert ids(api) == [orders[k]["id"] for k in ("failed", "usd", "draft", "berlin")]


def test_summary_fields(api, orders):
    row = api.post("/v4/orders:search", {"ids": [orders["usd"]["id"]]}).json()["orders"][0]
    assert row == {
        "id": orders["usd"]["id"], "orderType": "order", "orderReferenceId": "shop-3", "customerReferenceId": "customer-42",
        "fulfillmentStatus": "created", "financialStatus": "pending", "channel": "api", "country": "US",
        "firstName": "Grace", "lastName": "Hopper", "currency": "USD",
        # 2 x A3 poster 12.90 + t-shirt 13.50, USPS 4.69 + 2 x 0.99 for the further pieces; no VAT to the US
        "totalInclVat": "45.97", "connectedOrderIds": [], "itemsCount": 2, "storeId": None, "createdAt": row["createdAt"],
        "updatedAt": row["updatedAt"], "orderedAt": row["orderedAt"],
    }


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"fulfillmentStatuses": ["canceled"]}, ["berlin"]),
        ({"fulfillmentStatuses": ["failed", "draft"]}, ["failed", "draft"]),
        ({"financialStatuses": ["draft"]}, ["draft"]),
        ({"countries": ["US"]}, ["usd"]),
        ({"currencies": ["USD"]}, ["usd"]),
        ({"orderTypes": ["draft"]}, ["draft"]),
        ({"channels": ["api"]}, ["failed", "usd", "draft", "berlin"]),
        ({"channels": ["shopify"]}, []),
        ({"orderReferenceId": "web-2"}, ["draft"]),
        ({"orderReferenceIds": ["web-1", "shop-4"]}, ["failed", "berlin"]),
        ({"search": "shop"}, ["failed", "usd"]),
        ({"search": "hopper"}, ["usd"]),
        ({"search": "Grace Hopper"}, ["usd"]),
        ({"search": "Ada"}, ["failed", "draft", "berlin"]),
        ({"storeIds": ["7d0c4bd2-5b8d-4b8f-9b5e-1b2b3c4d5e6f"]}, []),
    ],
)
def test_filters(api, orders, filters, expected):
    assert ids(api, **filters) == [orders[k]["id"] for k in expected]


def test_ids_and_dates(api, orders):
    assert ids(api, ids=[orders["draft"]["id"]]) == [orders["draft"]["id"]]
    created = orders["usd"]["createdAt"]
    assert ids(api, startDate=created, endDate=created) == [orders["usd"]["id"]]
    assert ids(api, startDate="2999-01-01T00:00:00Z") == []


def test_limit_and_offset(api, orders):
    everything = ids(api)
    assert ids(api, limit=2) == everything[:2]
    assert ids(api, limit=2, offset=2) == everything[2:]


@pytest.mark.parametrize("filters", [{"limit": 101}, {"limit": 0}, {"offset": -1}, {"fulfillmentStatuses": ["lost"]}, {"ids": ["x"]}, {"startDate": "yesterday"}])
def test_bad_filters_are_400(api, orders, filters):
    response = api.post("/v4/orders:search", filters)
    assert response.status_code == 400
    assert response.json()["details"][0]["field"].startswith(next(iter(filters)))


def test_search_sees_production_progress(api, orders):
    advance(orders["usd"]["id"], "in_production")
    assert ids(api, fulfillmentStatuses=["in_production"]) == [orders["usd"]["id"]]
