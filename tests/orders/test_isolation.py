"""Another account's orders and requests are invisible: every endpoint answers 404, and nothing changes."""

import uuid

import pytest

from platen.intake.models import IntakeRequest
from platen.orders.models import Order, OrderEvent
from tests.orders.factories import BERLIN, order_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def theirs(other_api):
    order = other_api.post("/v4/orders", order_payload()).json()
    draft = other_api.post("/v4/orders", order_payload(orderType="draft")).json()
    return {"order": order["id"], "draft": draft["id"], "request": str(IntakeRequest.objects.first().id)}


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/v4/orders/{order}", None),
        ("get", "/v4/orders/{order}/events", None),
        ("post", "/v4/orders/{order}:cancel", None),
        ("post", "/v4/orders/{order}:reprocess", None),
        ("put", "/v4/orders/{order}/shipping-address", BERLIN),
        ("patch", "/v4/orders/{draft}", {"orderType": "order"}),
        ("delete", "/v4/orders/{draft}", None),
        ("get", "/v4/requests/{request}", None),
    ],
)
def test_other_accounts_ids_are_404(api, theirs, method, path, body):
    before = (Order.objects.count(), OrderEvent.objects.count())
    response = api.call(method, path.format(**theirs), body)
    assert response.status_code == 404
    assert response.json()["code"] in {"order_not_found", "request_not_found"}
    assert (Order.objects.count(), OrderEvent.objects.count()) == before


@pytest.mark.parametrize("path", ["/v4/orders/{id}", "/v4/orders/{id}/events", "/v4/requests/{id}"])
def test_unknown_ids_look_the_same(api, theirs, path):
    unknown = api.get(path.format(id=uuid.uuid4()))
    other = api.get(path.format(id=theirs["order"] if "orders" in path else theirs["request"]))
    assert unknown.status_code == other.status_code == 404
    assert unknown.json()["code"] == other.json()["code"]


def test_search_and_request_list_show_only_own(api, theirs):
    assert api.post("/v4/orders:search", {}).json()["orders"] == []
    assert api.post("/v4/orders:search", {"ids": [theirs["order"]]}).json()["orders"] == []
    assert api.get("/v4/requests").json()["requests"] == []


def test_malformed_ids_are_404_in_the_error_shape(api):
    response = api.get("/v4/orders/not-a-uuid")
    assert response.status_code == 404
    assert set(response.json()) == {"code", "message", "details"}
