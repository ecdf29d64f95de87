"""Partner status reports (POST /v2/order/status, the reference's format) over real HTTP: the full sequence with
tracking, partial reports by items, duplicates that change nothing, refused moves, bad bodies, another partner's
order; history written with the partner as actor, postbacks checked on a real receiver on loopback."""

from __future__ import annotations

import pytest
from django.utils import timezone

from platen.orders.models import OrderEvent
from platen.production.models import Carrier
from tests.emulators.receiver import Receiver
from tests.production import factories

pytestmark = pytest.mark.django_db

ALL_POSTBACKS = ["order_status_updated", "order_item_status_updated", "order_item_tracking_code_updated",
                 "order_delivery_estimate_updated"]


@pytest.fixture
def receiver(api):
    with Receiver() as r:
        response = api.post("/v4/webhooks", {"url": r.url, "events": ALL_POSTBACKS})
        assert response.status_code == 201, response.content
        r.secret = response.json()["secret"]
        yield r


@pytest.fixture
def job_order(api, settle, files, partner):
    """The API's view of an order whose job is at the partner's facility."""
    order = factories.created_order(api, settle)
    factories.move_job(order, factories.facility(owner=partner),
                       carrier_service=factories.carrier_service(order.shipment_method_uid))
    return api.get(f"/v4/orders/{order.id}").json()


def report(order_id: str, status: str, **fields) -> dict:
    return {"timestamp": timezone.now().isoformat(), "orderId": order_id, "status": status, **fields}


def history(order_id: str) -> list[tuple[str, str, str]]:
    return [(e.type, e.actor_kind, e.actor_label) for e in OrderEvent.objects.filter(order_id=order_id).order_by("id")]


def test_received_printed_shipped_with_tracking(api, settle, papi, partner, job_order, receiver):
    order_id = job_order["id"]
    settle()
    receiver.received.clear()

    received = papi.post("/v2/order/status", report(order_id, "received"))
    assert received.status_code == 200, received.content
    assert received.json() == papi.get(f"/v4/partner/jobs/{order_id}").json()  # the answer is the job, as GET shows it
    assert received.json()["status"] == "in_production"
    printed = papi.post("/v2/order/status", report(order_id, "printed"))
    assert printed.status_code == 200 and printed.json()["status"] == "printed"
    shipped = papi.post("/v2/order/status", report(order_id, "shipped", trackingCode="JJD0001",
                                                   trackingLink="https://track.example.com/JJD0001"))
    assert shipped.status_code == 200, shipped.content
    assert shipped.json()["status"] == "shipped" and {i["status"] for i in shipped.json()["items"]} == {"shipped"}

    merchant_view = api.get(f"/v4/orders/{order_id}").json()
    assert merchant_view["fulfillmentStatus"] == "shipped"
    statuses = [t for t, *_ in history(order_id)]
    assert statuses.count("partner_report") == 3
    reports = OrderEvent.objects.filter(order_id=order_id, type="partner_report").order_by("id")
    assert [r.params["status"] for r in reports] == ["received", "printed", "shipped"]
    assert all((r.actor_kind, r.actor_id, r.actor_label) == ("partner", str(partner.id), "Print Berlin") for r in reports)
    assert reports[2].params["trackingCode"] == "JJD0001"
    moves = OrderEvent.objects.filter(order_id=order_id, type="order_status_changed").order_by("id")
    assert [(m.params["from"], m.params["to"]) for m in moves][-3:] == [
        ("created", "in_production"), ("in_production", "printed"), ("printed", "shipped")]
    assert all(m.actor_kind == "partner" for m in moves[len(moves) - 3:])

    settle()  # postbacks: each step reached the merchant, with the tracking code and link
    assert [p["fulfillmentStatus"] for p in receiver.events("order_status_updated")] == ["in_production", "printed", "shipped"]
    tracking = receiver.events("order_item_tracking_code_updated")
    assert len(tracking) == 2 and {t["trackingCode"] for t in tracking} == {"JJD0001"}
    assert {t["trackingUrl"] for t in tracking} == {"https://track.example.com/JJD0001"}


def test_a_duplicate_report_gets_the_same_answer_and_changes_nothing(api, settle, papi, job_order, receiver):
    order_id = job_order["id"]
    for body in (report(order_id, "received"), report(order_id, "printed"),
                 report(order_id, "shipped", trackingCode="JJD0002", trackingLink="https://track.example.com/JJD0002")):
        first = papi.post("/v2/order/status", body)
        assert first.status_code == 200, first.content
        settle()
        before, arrived = history(order_id), len(receiver.received)
        again = papi.post("/v2/order/status", body)
        assert (again.status_code, again.json()) == (200, first.json())
        settle()
        assert history(order_id) == before and len(receiver.received) == arrived
    # A late `received` after shipping changes nothing either.
    late = papi.post("/v2/order/status", report(order_id, "received"))
    assert late.status_code == 200 and late.json()["status"] == "shipped"


def test_a_partial_report_moves_only_the_named_items(api, papi, job_order):
    order_id = job_order["id"]
    items = {i["itemReferenceId"]: i["id"] for i in job_order["items"]}
    by_id = papi.post("/v2/order/status", report(order_id, "printed", items=[{"orderItemId": items["poster-1"]}]))
    assert by_id.status_code == 200, by_id.content
    statuses = {i["itemReferenceId"]: i["status"] for i in by_id.json()["items"]}
    assert statuses == {"poster-1": "printed", "shirt-1": "created"}
    by_reference = papi.post("/v2/order/status", report(order_id, "shipped", trackingCode="JJD0003",
                                                       items=[{"orderItemId": "poster-1"}]))
    assert by_reference.status_code == 200, by_reference.content
    statuses = {i["itemReferenceId"]: i["status"] for i in by_reference.json()["items"]}
    assert statuses == {"poster-1": "shipped", "shirt-1": "created"}
    assert api.get(f"/v4/orders/{order_id}").json()["fulfillmentStatus"] == "created"  # the least advanced item sets the pace
    # The tracking link comes from the carrier's template when the report has none.
    package = OrderEvent.objects.filter(order_id=order_id, type="tracking_code_updated").get()
    assert package.params["trackingUrl"] == Carrier.objects.get(code="testpost").tracking_url("JJD0003")
    unknown = papi.post("/v2/order/status", report(order_id, "printed", items=[{"orderItemId": "mug-9"}]))
    assert unknown.status_code == 400 and unknown.json()["code"] == "unknown_item"
    assert unknown.json()["details"] == [{"field": "items", "message": "No item mug-9 in this order."}]


def test_forbidden_moves_are_refused_with_the_reason_and_change_nothing(api, papi, job_order):
    order_id = job_order["id"]
    assert papi.post("/v2/order/status", report(order_id, "shipped", trackingCode="JJD0004")).status_code == 200
    before = history(order_id)
    for status, code in (("cancelled", "order_already_printed"), ("error", "transition_refused")):
        refused = papi.post("/v2/order/status", report(order_id, status, message="The printer broke."))
        assert refused.status_code == 409, refused.content
        assert refused.json()["code"] == code and refused.json()["message"].endswith(".")
    assert history(order_id) == before
    assert api.get(f"/v4/orders/{order_id}").json()["fulfillmentStatus"] == "shipped"


def test_error_fails_the_order_with_the_partners_words(api, papi, partner, job_order):
    order_id = job_order["id"]
    failed = papi.post("/v2/order/status", report(order_id, "error", message="The file prints blank on our press."))
    assert failed.status_code == 200, failed.content
    order = api.get(f"/v4/orders/{order_id}").json()
    assert order["fulfillmentStatus"] == "failed"
    assert order["problems"][-1]["message"] == "The file prints blank on our press."
    event = OrderEvent.objects.get(order_id=order_id, type="partner_report")
    assert (event.reason, event.params["status"], event.actor_label) == ("The file prints blank on our press.", "error", partner.name)


def test_cancelled_by_the_partner_before_printing(api, papi, job_order):
    order_id = job_order["id"]
    canceled = papi.post("/v2/order/status", report(order_id, "cancelled", message="We cannot source this canvas."))
    assert canceled.status_code == 200 and canceled.json()["canceled"] is True
    assert api.get(f"/v4/orders/{order_id}").json()["fulfillmentStatus"] == "canceled"
    again = papi.post("/v2/order/status", report(order_id, "cancelled", message="We cannot source this canvas."))
    assert (again.status_code, again.json()) == (200, canceled.json())


def test_unknown_or_another_partners_order_is_not_found(api, papi, partner_api, job_order):
    other = partner_api(factories.partner("Print Lyon"))
    for client, order_id in ((other, job_order["id"]), (papi, "00000000-0000-0000-0000-000000000000"), (papi, "not-an-id")):
        missing = client.post("/v2/order/status", report(order_id, "printed"))
        assert missing.status_code == 404 and missing.json()["code"] == "order_not_found"
    assert api.get(f"/v4/orders/{job_order['id']}").json()["fulfillmentStatus"] == "created"
    assert not OrderEvent.objects.filter(order_id=job_order["id"], type="partner_report").exists()


@pytest.mark.parametrize("body, field", [
    ({"orderId": "x", "status": "printed"}, "timestamp"),
    ({"timestamp": "2026-01-01T00:00:00Z", "status": "printed"}, "orderId"),
    ({"timestamp": "2026-01-01T00:00:00Z", "orderId": "x", "status": "packed"}, "status"),
    ({"timestamp": "2026-01-01T00:00:00Z", "orderId": "x", "status": "printed", "items": [{}]}, "items[0].orderItemId"),
    ({"timestamp": "yesterday", "orderId": "x", "status": "printed"}, "timestamp"),
])
def test_a_bad_body_is_a_400_in_the_one_error_shape(papi, body, field):
    refused = papi.post("/v2/order/status", body)
    assert refused.status_code == 400, refused.content
    assert refused.json()["code"] == "invalid_request" and field in [d["field"] for d in refused.json()["details"]]
    assert papi.post("/v2/order/status", body=b"[1, 2]").status_code == 400


def test_shipped_needs_a_tracking_code(papi, job_order):
    refused = papi.post("/v2/order/status", report(job_order["id"], "shipped"))
    assert refused.status_code == 400 and refused.json()["code"] == "tracking_code_missing"
    assert refused.json()["details"][0]["field"] == "trackingCode"
