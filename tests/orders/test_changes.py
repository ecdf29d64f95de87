"""Cancel, shipping-address update, drafts and reprocess, with the seeds' rules: nothing changes once printed."""

import pytest

from platen.orders.models import Order
from tests.orders.factories import BERLIN, POSTER, advance, order_payload

pytestmark = pytest.mark.django_db
TO_PRINTED = ("in_production", "printed")  # settled orders start in created


@pytest.fixture
def order_id(api, settle):
    order_id = api.post("/v4/orders", order_payload()).json()["id"]
    settle()
    return order_id


def events_of(api, order_id):
    return [e["type"] for e in api.get(f"/v4/orders/{order_id}/events").json()["events"]]


def test_cancel(api, order_id):
    response = api.post(f"/v4/orders/{order_id}:cancel", {"reason": "customer changed their mind"})
    assert response.status_code == 200
    body = response.json()
    assert body["fulfillmentStatus"] == "canceled" and body["financialStatus"] == "canceled"
    assert {i["fulfillmentStatus"] for i in body["items"]} == {"canceled"}
    events = api.get(f"/v4/orders/{order_id}/events").json()["events"]
    assert events[-1]["type"] == "financial_status_changed"
    assert any(e["type"] == "cancel_requested" and e["reason"] == "customer changed their mind" for e in events)


def test_cancel_twice_changes_nothing_more(api, order_id):
    api.post(f"/v4/orders/{order_id}:cancel")
    count = len(events_of(api, order_id))
    assert api.post(f"/v4/orders/{order_id}:cancel").status_code == 200
    assert len(events_of(api, order_id)) == count


@pytest.mark.parametrize("statuses", [TO_PRINTED, TO_PRINTED + ("packaged",), TO_PRINTED + ("shipped", "delivered")])
def test_cancel_refused_once_printed(api, order_id, statuses):
    advance(order_id, *statuses)
    before = events_of(api, order_id)
    response = api.post(f"/v4/orders/{order_id}:cancel")
    assert response.status_code == 409
    assert response.json()["code"] == "order_already_printed" and "printed" in response.json()["message"]
    assert api.get(f"/v4/orders/{order_id}").json()["fulfillmentStatus"] == statuses[-1]
    assert events_of(api, order_id) == before


def test_cancel_allowed_while_in_production(api, order_id):
    advance(order_id, "in_production")
    assert api.post(f"/v4/orders/{order_id}:cancel").json()["fulfillmentStatus"] == "canceled"


def new_address(**changes):
    return {**BERLIN, "addressLine1": "Friedrichstrasse 43", "postCode": "10969", **changes}


def test_shipping_address_update(api, order_id):
    response = api.put(f"/v4/orders/{order_id}/shipping-address", new_address())
    assert response.status_code == 200
    assert response.json()["shippingAddress"]["addressLine1"] == "Friedrichstrasse 43"
    event = api.get(f"/v4/orders/{order_id}/events").json()["events"][-1]
    assert event["type"] == "shipping_address_updated"
    assert event["parameters"]["changed"]["post_code"] == {"from": "10117", "to": "10969"}


def test_address_country_never_changes(api, order_id):
    response = api.put(f"/v4/orders/{order_id}/shipping-address", new_address(country="AT", postCode="1010"))
    assert response.status_code == 409 and response.json()["code"] == "country_change_refused"
    assert api.get(f"/v4/orders/{order_id}").json()["shippingAddress"]["country"] == "DE"


def test_invalid_new_address_is_400_and_changes_nothing(api, order_id):
    response = api.put(f"/v4/orders/{order_id}/shipping-address", new_address(postCode="123"))
    assert response.status_code == 400
    assert response.json()["details"][0]["field"] == "shippingAddress.postCode"
    assert api.get(f"/v4/orders/{order_id}").json()["shippingAddress"]["postCode"] == "10117"


def test_address_schema_error_is_400(api, order_id):
    response = api.put(f"/v4/orders/{order_id}/shipping-address", {"firstName": "Ada"})
    assert response.status_code == 400
    assert {"lastName", "addressLine1", "city", "postCode", "country", "email"} <= {d["field"] for d in response.json()["details"]}


def test_address_update_allowed_until_printed(api, order_id):
    advance(order_id, "in_production")
    assert api.put(f"/v4/orders/{order_id}/shipping-address", new_address()).status_code == 200
    advance(order_id, "printed")
    response = api.put(f"/v4/orders/{order_id}/shipping-address", new_address(addressLine1="Elsewhere 1"))
    assert response.status_code == 409 and response.json()["code"] == "order_already_printed"


def test_address_of_canceled_order_is_refused(api, order_id):
    api.post(f"/v4/orders/{order_id}:cancel")
    assert api.put(f"/v4/orders/{order_id}/shipping-address", new_address()).status_code == 409


def test_fix_address_then_reprocess(api, settle):
    order = api.post("/v4/orders", order_payload(shippingAddress={**BERLIN, "postCode": "999"})).json()
    settle()
    assert api.get(f"/v4/orders/{order['id']}").json()["fulfillmentStatus"] == "failed"
    # The failed order keeps its bad address; fixing it is allowed, then a reprocess checks again.
    assert api.put(f"/v4/orders/{order['id']}/shipping-address", BERLIN).status_code == 200
    response = api.post(f"/v4/orders/{order['id']}:reprocess")
    assert response.status_code == 200 and response.json()["fulfillmentStatus"] == "received"
    settle()
    checked = api.get(f"/v4/orders/{order['id']}").json()
    assert checked["fulfillmentStatus"] == "created" and checked["problems"] == []
    types = events_of(api, order["id"])
    assert types.index("validation_failed") < types.index("reprocess_requested") < types.index("validation_passed")


def test_reprocess_of_a_passed_order_is_refused(api, order_id):
    response = api.post(f"/v4/orders/{order_id}:reprocess")
    assert response.status_code == 409 and response.json()["code"] == "nothing_to_reprocess"


@pytest.fixture
def draft_id(api):
    return api.post("/v4/orders", order_payload(orderType="draft")).json()["id"]


def test_patch_draft_replaces_items(api, draft_id):
    items = [{"itemReferenceId": "only", "productUid": POSTER, "quantity": 3}]
    response = api.patch(f"/v4/orders/{draft_id}", {"items": items, "customerReferenceId": "c-9"})
    assert response.status_code == 200
    body = response.json()
    assert [(i["itemReferenceId"], i["quantity"], i["fulfillmentStatus"]) for i in body["items"]] == [("only", 3, "draft")]
    assert body["customerReferenceId"] == "c-9" and body["orderType"] == "draft"
    assert events_of(api, draft_id)[-1] == "draft_updated"


def test_submit_a_draft(api, draft_id, settle):
    response = api.patch(f"/v4/orders/{draft_id}", {"orderType": "order"})
    body = response.json()
    assert (body["orderType"], body["fulfillmentStatus"], body["financialStatus"]) == ("order", "received", "pending")
    settle()
    assert api.get(f"/v4/orders/{draft_id}").json()["fulfillmentStatus"] == "created"
    assert "draft_submitted" in events_of(api, draft_id)


def test_patch_of_a_submitted_order_is_refused(api, order_id):
    response = api.patch(f"/v4/orders/{order_id}", {"customerReferenceId": "x"})
    assert response.status_code == 409 and response.json()["code"] == "not_a_draft"


def test_patch_schema_error(api, draft_id):
    response = api.patch(f"/v4/orders/{draft_id}", {"items": [{"itemReferenceId": "a", "quantity": 0}]})
    assert response.status_code == 400
    assert {"items[0].quantity", "items[0]"} & {d["field"] for d in response.json()["details"]}


def test_delete_draft(api, draft_id):
    response = api.delete(f"/v4/orders/{draft_id}")
    assert (response.status_code, response.json()) == (200, {"id": draft_id})
    assert api.get(f"/v4/orders/{draft_id}").status_code == 404
    assert not Order.objects.filter(pk=draft_id).exists()


def test_delete_of_a_submitted_order_is_refused(api, order_id):
    response = api.delete(f"/v4/orders/{order_id}")
    assert response.status_code == 409 and response.json()["code"] == "not_a_draft"
