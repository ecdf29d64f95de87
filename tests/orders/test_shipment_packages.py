"""shipment.packages[] and connectedOrderIds in the order response and search results."""

import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from platen.orders.models import Order
from platen.production.services import progress
from tests.production.factories import as_partner, created_order, job_for

pytestmark = pytest.mark.django_db


def test_each_parcel_is_a_package_and_the_rest_waits_in_one(api, settle):
    order = created_order(api, settle)
    job = job_for(order)
    actor = as_partner(job.partner)
    items = {i.item_reference_id: str(i.pk) for i in order.items.all()}
    progress.ship(job.partner, order.pk, actor, tracking_code="PARCEL-1", item_ids=["poster-1"])
    shipment = api.get(f"/v4/orders/{order.pk}").json()["shipment"]
    first, waiting = shipment["packages"]
    assert shipment["packageCount"] == 2
    assert (first["orderItemIds"], first["trackingCode"]) == ([items["poster-1"]], "PARCEL-1")
    assert first["trackingUrl"].endswith("PARCEL-1")
    assert (waiting["orderItemIds"], waiting["trackingCode"], waiting["trackingUrl"]) == ([items["shirt-1"]], None, None)

    progress.ship(job.partner, order.pk, actor, tracking_code="PARCEL-2", item_ids=["shirt-1"])
    body = api.get(f"/v4/orders/{order.pk}").json()
    assert body["fulfillmentStatus"] == "shipped" and body["shipment"]["packageCount"] == 2
    assert [(p["trackingCode"], p["orderItemIds"]) for p in body["shipment"]["packages"]] == \
        [("PARCEL-1", [items["poster-1"]]), ("PARCEL-2", [items["shirt-1"]])]


def test_connected_orders_in_search_without_a_query_per_order(api, other_api, settle):
    def search() -> list[dict]:
        response = api.post("/v4/orders:search", {"orderReferenceId": "SPLIT-1"})
        assert response.status_code == 200, response.content
        return response.json()["orders"]

    group = uuid.uuid4()
    first, second = (created_order(api, settle, orderReferenceId="SPLIT-1") for _ in range(2))
    Order.objects.filter(pk__in=[first.pk, second.pk]).update(split_group=group)
    theirs = created_order(other_api, settle, orderReferenceId="SPLIT-1")
    Order.objects.filter(pk=theirs.pk).update(split_group=group)  # never shown across accounts
    with CaptureQueriesContext(connection) as two:
        found = search()
    assert {o["id"]: o["connectedOrderIds"] for o in found} == {str(first.pk): [str(second.pk)], str(second.pk): [str(first.pk)]}
    more = [created_order(api, settle, orderReferenceId="SPLIT-1") for _ in range(3)]
    Order.objects.filter(pk__in=[o.pk for o in more]).update(split_group=group)
    with CaptureQueriesContext(connection) as five:
        found = search()
    assert len(found) == 5 and all(len(o["connectedOrderIds"]) == 4 for o in found)
    assert len(five) == len(two)
    assert api.get(f"/v4/orders/{first.pk}").json()["connectedOrderIds"] == [str(o.pk) for o in (second, *more)]
