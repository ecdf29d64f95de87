"""Postbacks for every production and shipping step, driven through the real flow: an order made through the
API and checked by the jobs, a job at a partner's facility, the partner's steps (production.services.progress),
the carrier's moves (transition_items, as tracking makes them), and a real receiver verifying each signature."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from platen.kit.actors import Actor
from platen.orders.models import Order, Package
from platen.orders.statuses import Fulfillment as F
from platen.orders.transitions import transition_items
from platen.production.models import Carrier
from platen.production.services import progress
from tests.notifications.conftest import ALL_EVENTS, drive
from tests.production.factories import as_partner, created_order, job_for

pytestmark = pytest.mark.django_db
CODE = "00340434161094042557"
CARRIER = Actor.system("DHL")


def carrier_moves(order_id, target: F, reason: str = "") -> None:
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        items = [i for i in order.items.all() if not i.is_ignored]
        transition_items(order, items, target, CARRIER, reason=reason, siblings=items)


def since(receiver, start: int) -> list[dict]:
    return receiver.payloads[start:]


def test_each_production_and_shipping_step_is_posted_back_in_order(api, receiver, subscribe):
    subscribe(receiver, events=ALL_EVENTS)
    order = created_order(api, drive, orderReferenceId="REF-PROD")
    job = job_for(order)
    partner, actor = job.partner, as_partner(job.partner)
    seen = len(receiver.payloads)

    progress.start(partner, order.pk, actor)
    progress.mark_printed(partner, order.pk, actor)
    progress.pack(partner, order.pk, ["poster-1", "shirt-1"], actor)
    drive()
    steps = since(receiver, seen)
    assert [p["fulfillmentStatus"] for p in steps if p["event"] == "order_status_updated"] == ["in_production", "printed", "packaged"]
    moves = [(p["itemReferenceId"], p["status"]) for p in steps if p["event"] == "order_item_status_updated"]
    assert moves == [(ref, status) for status in ("in_production", "printed", "packaged") for ref in ("poster-1", "shirt-1")]
    packed = next(p for p in steps if p["event"] == "order_item_status_updated" and p["status"] == "packaged")
    assert packed["comment"] == "Items verified against the order and packed." and packed["fulfillmentCountry"] == "DE"

    seen = len(receiver.payloads)
    progress.ship(partner, order.pk, actor, tracking_code=CODE)
    drive()
    shipped = since(receiver, seen)
    url = Package.objects.get(order=order).tracking_url
    assert url == Carrier.objects.get(code="dhl").tracking_url(CODE)  # the carrier's own tracking page
    # The order moved, then the tracking code per item, then the new estimate (one transaction, its order kept).
    assert [p["event"] for p in shipped] == ["order_item_status_updated"] * 2 + ["order_status_updated"] \
        + ["order_item_tracking_code_updated"] * 2 + ["order_delivery_estimate_updated"]
    status = next(p for p in shipped if p["event"] == "order_status_updated")
    assert status["fulfillmentStatus"] == "shipped"
    for item in status["items"]:
        assert item["fulfillmentStatus"] == "shipped"
        assert item["fulfillments"] == [{"trackingCode": CODE, "trackingUrl": url, "shipmentMethodName": order.shipment_method_name,
                                         "shipmentMethodUid": order.shipment_method_uid, "fulfillmentCountry": "DE"}]
    codes = [p for p in shipped if p["event"] == "order_item_tracking_code_updated"]
    assert [p["itemReferenceId"] for p in codes] == ["poster-1", "shirt-1"]
    assert all((p["trackingCode"], p["trackingUrl"], p["orderId"]) == (CODE, url, str(order.pk)) for p in codes)
    assert set(codes[0]) == {"id", "event", "itemReferenceId", "orderReferenceId", "orderId", "storeId", "trackingCode",
                             "trackingUrl", "shipmentMethodName", "shipmentMethodUid", "created"}
    [estimate] = [p for p in shipped if p["event"] == "order_delivery_estimate_updated"]
    today, service = timezone.localdate(), job.carrier_service  # the estimate counts from the day it shipped
    assert (estimate["minDeliveryDate"], estimate["maxDeliveryDate"]) == \
        ((today + timedelta(days=service.min_days)).isoformat(), (today + timedelta(days=service.max_days)).isoformat())

    # The partner's retry of the same shipment says nothing new.
    seen = len(receiver.payloads)
    progress.ship(partner, order.pk, actor, tracking_code=CODE)
    drive()
    assert since(receiver, seen) == []

    carrier_moves(order.pk, F.IN_TRANSIT)
    carrier_moves(order.pk, F.DELIVERED)
    drive()
    last = since(receiver, seen)
    assert [p["fulfillmentStatus"] for p in last if p["event"] == "order_status_updated"] == ["in_transit", "delivered"]
    delivered = [p for p in last if p["event"] == "order_status_updated"][-1]
    assert all(i["fulfillments"][0]["trackingCode"] == CODE for i in delivered["items"])  # tracking stays on later steps
    assert all(r.verified for r in receiver.received)
    assert len({r.webhook_id for r in receiver.received}) == len(receiver.received)


def test_a_returned_parcel_is_posted_back_with_why(api, receiver, subscribe):
    subscribe(receiver, events=["order_status_updated", "order_item_status_updated"])
    order = created_order(api, drive, orderReferenceId="REF-BACK")
    job = job_for(order)
    progress.ship(job.partner, order.pk, as_partner(job.partner), tracking_code=CODE)
    carrier_moves(order.pk, F.RETURNED, "The recipient refused the parcel.")
    drive()
    returned = [p for p in receiver.payloads if p.get("status") == "returned" or p.get("fulfillmentStatus") == "returned"]
    assert [p["event"] for p in returned] == ["order_item_status_updated"] * 2 + ["order_status_updated"]
    assert all(p["comment"] == "The recipient refused the parcel." for p in returned[:2])
    # Shipping straight from created walks every step on the way: each one is posted back.
    statuses = [p["fulfillmentStatus"] for p in receiver.payloads if p["event"] == "order_status_updated"]
    assert statuses[statuses.index("created"):] == ["created", "in_production", "printed", "shipped", "returned"]
