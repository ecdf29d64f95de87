"""The order endpoints of the reference, driven by a client written from the reference, against `platen web`."""

import uuid

import pytest

from tests.orders.factories import BERLIN, POSTER, order_payload


def new_reference() -> str:
    return f"contract-{uuid.uuid4().hex[:12]}"


def settle_and_print(web, order_id: str) -> None:
    """What the worker and a print partner would do: check the order, fetch its files, then print it."""
    web.python(f"""
from platen.jobs import run_pending
from tests.orders.factories import advance
while run_pending():
    pass
advance({order_id!r}, "in_production", "printed")
""")


def test_create_answers_200_once(client):
    body, key = order_payload(orderReferenceId=new_reference()), uuid.uuid4().hex
    first = client.create_order(body, idempotency_key=key)
    again = client.create_order(body, idempotency_key=key)  # a client's retry of the same create
    assert again.id == first.id
    assert first.orderReferenceId == body["orderReferenceId"] and first.channel == "api"
    assert [i.itemReferenceId for i in first.items] == [i["itemReferenceId"] for i in body["items"]]
    assert first.shippingAddress.country == "DE"
    assert first.shipment is None  # not known before the order is routed and shipped
    found = client.search_orders(orderReferenceIds=[body["orderReferenceId"]])
    assert [o.id for o in found.orders] == [first.id]


def test_prevent_duplicate_returns_the_existing_order(client):
    body = order_payload(orderReferenceId=new_reference(), preventDuplicate=True)
    assert client.create_order(body).id == client.create_order(body).id


def test_get_and_404(client, anonymous):
    order = client.create_order(order_payload(orderReferenceId=new_reference()))
    assert client.get_order(order.id).id == order.id
    assert client.error("GET", f"/v4/orders/{uuid.uuid4()}", 404).code
    assert anonymous.error("GET", f"/v4/orders/{order.id}", 401).code


def test_search_filters_and_paging(client):
    reference = new_reference()
    created = [client.create_order(order_payload(orderReferenceId=f"{reference}-{n}")) for n in range(3)]
    found = client.search_orders(search=reference, limit=2)
    assert len(found.orders) == 2
    rest = client.search_orders(search=reference, limit=2, offset=2)
    assert {o.id for o in found.orders + rest.orders} == {o.id for o in created}
    one = client.search_orders(ids=[created[0].id], countries=["DE"], orderTypes=["order"])
    [summary] = one.orders
    assert (summary.firstName, summary.country, summary.itemsCount) == (BERLIN["firstName"], "DE", 2)
    assert client.error("POST", "/v4/orders:search", 400, json={"limit": 101}).details


def test_quote_makes_no_order(client):
    reference = new_reference()
    quotes = client.quote({
        "orderReferenceId": reference, "customerReferenceId": "customer-1", "currency": "EUR",
        "recipient": {"country": "DE", "firstName": "Ada", "lastName": "Lovelace", "addressLine1": "Unter den Linden 1",
                      "city": "Berlin", "postCode": "10117", "email": "ada@example.com"},
        "products": [{"itemReferenceId": "poster-1", "productUid": POSTER, "quantity": 2}],
    })
    [quote] = quotes.quotes
    assert quote.itemReferenceIds == ["poster-1"] and quote.shipmentMethods and quote.products[0].price > 0
    assert client.search_orders(orderReferenceIds=[reference]).orders == []


def test_cancel_200_then_409_once_printed(client, web):
    order = client.create_order(order_payload(orderReferenceId=new_reference()))
    canceled = client.cancel(order.id)
    assert canceled.fulfillmentStatus == "canceled"
    printed = client.create_order(order_payload(orderReferenceId=new_reference()))
    settle_and_print(web, printed.id)
    refused = client.error("POST", f"/v4/orders/{printed.id}:cancel", 409)
    assert "printed" in refused.message
    assert client.get_order(printed.id).fulfillmentStatus == "printed"


def ship_and_split(web, order_id: str, tracking_code: str, other_id: str) -> None:
    """What the worker, routing and a print partner would do: check both orders, put them in one split group
    (routing splits an order no one facility can make), then the partner ships the first one."""
    web.python(f"""
import uuid
from platen.jobs import run_pending
from platen.orders.models import Order
from platen.production.services import progress
from tests.production.factories import as_partner, job_for
while run_pending():
    pass
Order.objects.filter(pk__in=[{order_id!r}, {other_id!r}]).update(split_group=uuid.uuid4())
job = job_for(Order.objects.get(pk={order_id!r}))
progress.ship(job.partner, job.order_id, as_partner(job.partner), tracking_code={tracking_code!r})
""")


def test_shipped_order_has_its_package_and_connected_orders(client, web):
    reference = new_reference()
    order = client.create_order(order_payload(orderReferenceId=reference))
    other = client.create_order(order_payload(orderReferenceId=reference, items=order_payload()["items"][:1]))
    ship_and_split(web, order.id, "00340434161094042557", other.id)
    shipped = client.get_order(order.id)  # parsed by the reference's strict model
    assert shipped.fulfillmentStatus == "shipped" and shipped.connectedOrderIds == [other.id]
    assert shipped.shipment.packageCount == 1 and shipped.shipment.fulfillmentCountry == "DE"
    [package] = shipped.shipment.packages
    assert package.trackingCode == "00340434161094042557" and package.trackingUrl.endswith(package.trackingCode)
    assert sorted(package.orderItemIds) == sorted(i.id for i in shipped.items)
    waiting = client.get_order(other.id)  # not shipped yet: one parcel to come, without tracking
    assert waiting.connectedOrderIds == [order.id]
    assert [(p.trackingCode, p.orderItemIds) for p in waiting.shipment.packages] == [(None, [waiting.items[0].id])]
    found = client.search_orders(orderReferenceIds=[reference])
    assert {o.id: o.connectedOrderIds for o in found.orders} == {order.id: [other.id], other.id: [order.id]}


def test_draft_patch_submit_and_delete(client):
    draft = client.create_order(order_payload(orderReferenceId=new_reference(), orderType="draft"))
    assert (draft.orderType, draft.fulfillmentStatus, draft.financialStatus) == ("draft", "draft", "draft")
    only_poster = [{"itemReferenceId": "poster-9", "productUid": POSTER, "quantity": 1,
                    "files": [{"type": "default", "url": "https://files.example.com/poster.pdf"}]}]
    patched = client.patch_draft(draft.id, {"items": only_poster, "customerReferenceId": "customer-7"})
    assert [i.itemReferenceId for i in patched.items] == ["poster-9"] and patched.customerReferenceId == "customer-7"
    submitted = client.patch_draft(draft.id, {"orderType": "order"})
    assert submitted.orderType == "order" and submitted.fulfillmentStatus != "draft"
    assert client.error("DELETE", f"/v4/orders/{draft.id}", 409).code  # no longer a draft

    doomed = client.create_order(order_payload(orderReferenceId=new_reference(), orderType="draft"))
    client.delete_draft(doomed.id)
    client.error("GET", f"/v4/orders/{doomed.id}", 404)


def test_shipping_address_changes_but_never_the_country(client):
    order = client.create_order(order_payload(orderReferenceId=new_reference()))
    moved = client.set_shipping_address(order.id, {**BERLIN, "addressLine1": "Friedrichstrasse 43", "postCode": "10969"})
    assert (moved.shippingAddress.addressLine1, moved.shippingAddress.postCode) == ("Friedrichstrasse 43", "10969")
    refused = client.error("PUT", f"/v4/orders/{order.id}/shipping-address", (400, 409),
                           json={**BERLIN, "country": "FR", "postCode": "75001", "city": "Paris"})
    assert refused.details
    assert client.get_order(order.id).shippingAddress.country == "DE"


@pytest.mark.parametrize("method, path", [("GET", "/v4/orders/not-an-id"), ("GET", "/v3/catalogs/no-such-catalog"),
                                          ("GET", "/v3/products/no-such-product"), ("GET", "/v1/no-such-thing")])
def test_unknown_things_are_404_json(client, method, path):
    client.error(method, path, 404)


@pytest.mark.parametrize("method, path", [("GET", "/v3/catalogs"), ("GET", "/v1/shipment-methods"),
                                          ("POST", "/v4/orders:search"), ("POST", "/v4/orders")])
def test_every_family_wants_the_key(anonymous, method, path):
    anonymous.error(method, path, 401, json={})
