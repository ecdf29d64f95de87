"""GET /v4/requests: every arrival is listed with its outcome, so a rejected request is never invisible."""

import pytest

from tests.orders.factories import order_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def arrivals(api):
    accepted = api.post("/v4/orders", order_payload()).json()["id"]
    api.post("/v4/orders", {"orderReferenceId": "broken"})
    api.post("/v4/orders", body="<xml/>")
    return accepted


def test_lists_every_request_newest_first(api, arrivals):
    rows = api.get("/v4/requests").json()["requests"]
    assert [r["status"] for r in rows] == ["rejected", "rejected", "accepted"]
    assert rows[2]["orderId"] == arrivals and rows[2]["channel"] == "api"
    assert {"field": "body", "message": "Send the body as a JSON object."} in rows[0]["reasons"]
    assert {r["field"] for r in rows[1]["reasons"]} >= {"customerReferenceId", "currency", "items", "shippingAddress"}
    assert all(r["body"] is None for r in rows)


def test_filters(api, arrivals):
    assert [r["status"] for r in api.get("/v4/requests?status=accepted").json()["requests"]] == ["accepted"]
    assert len(api.get("/v4/requests?status=rejected").json()["requests"]) == 2
    assert api.get("/v4/requests?channel=shopify").json()["requests"] == []
    assert api.get("/v4/requests?startDate=2999-01-01T00:00:00Z").json()["requests"] == []
    assert len(api.get("/v4/requests?limit=1").json()["requests"]) == 1
    assert api.get("/v4/requests?status=lost").status_code == 400


def test_dates_with_any_offset_are_read_in_utc(api, arrivals):
    # +19:18 is valid ISO 8601 but beyond what PostgreSQL stores: it is folded into UTC, not a server error.
    assert len(api.get("/v4/requests?startDate=1405-08-08T03:58:35.262%2B19:18").json()["requests"]) == 3
    assert len(api.get("/v4/requests?endDate=2999-01-01T00:00:00-23:59").json()["requests"]) == 3
    out_of_range = api.get("/v4/requests?startDate=0001-01-01T00:00:00%2B10:00")
    assert out_of_range.status_code == 400 and "out of range" in out_of_range.text


def test_one_request_shows_its_raw_body(api, arrivals):
    rejected = api.get("/v4/requests?status=rejected").json()["requests"][0]
    detail = api.get(f"/v4/requests/{rejected['id']}").json()
    assert detail["body"] == "<xml/>" and detail["status"] == "rejected"


def test_query_errors_name_the_parameter(api):
    response = api.get("/v4/requests?limit=abc&status=lost")
    assert response.status_code == 400
    assert {d["field"] for d in response.json()["details"]} == {"limit", "status"}


def test_absurd_offsets_are_400_not_a_database_error(api):
    response = api.get("/v4/requests?offset=5735491997854320002819514433536")
    assert response.status_code == 400 and response.json()["details"][0]["field"] == "offset"
    assert api.post("/v4/orders:search", {"offset": 10**30}).status_code == 400
