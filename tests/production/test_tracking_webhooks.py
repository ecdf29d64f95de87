"""Tracking webhooks through real HTTP (a live server on loopback): verified over the raw bytes before
anything is stored, stored once per event, applied by the job in the carrier's time order, forward only."""

from __future__ import annotations

import json

import httpx
import pytest

from platen.orders import events
from platen.orders.models import OrderEvent
from platen.production.carriers.aftership import AfterShip
from platen.production.carriers.easypost import EasyPost
from platen.production.models import Tracker, TrackingEvent, TrackingInbox
from tests.production.factories import (
    carrier,
    created_order,
    fixture,
    poster_item,
    ship,
    source,
)

pytestmark = pytest.mark.django_db(transaction=True)  # the live server commits; so do the jobs

SECRET = "test-webhook-secret"


@pytest.fixture
def hooks(live_server):
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        yield client


@pytest.fixture
def easypost_source(db):
    return source("easypost", SECRET)


@pytest.fixture
def aftership_source(db):
    return source("aftership", SECRET)


def post(hooks, src, body: bytes, *, signature: str | None = None, provider=None):
    provider = provider or (EasyPost() if src.kind == "easypost" else AfterShip())
    headers = {"Content-Type": "application/json"}
    headers[provider.signature_header] = provider.sign(body, SECRET) if signature is None else signature
    return hooks.post(f"/hooks/tracking/{src.pk}", content=body, headers=headers)


def shipped_order(api, settle, code, carrier_code="fedex", name="FedEx"):
    carrier(carrier_code, name)
    order = created_order(api, settle, items=[poster_item()])
    package = ship(order, tracking_code=code, carrier_code=carrier_code)
    settle()  # the shipping step's own postbacks and e-mails
    return order, package


def history(order, type_=None):
    rows = OrderEvent.objects.filter(order=order).order_by("id")
    return [e for e in rows if type_ is None or e.type == type_]


def easypost_event(event_id, tracker_id, code, status, details, carrier_name="FedEx", detail=""):
    return json.dumps({"object": "Event", "id": event_id, "description": "tracker.updated", "status": "pending",
                       "result": {"object": "Tracker", "id": tracker_id, "tracking_code": code, "carrier": carrier_name,
                                  "status": status, "status_detail": detail, "updated_at": details[-1]["datetime"],
                                  "tracking_details": details}}).encode()


def detail(when, status, message, city="NEWARK", status_detail=""):
    return {"object": "TrackingDetail", "datetime": when, "status": status, "status_detail": status_detail, "message": message,
            "tracking_location": {"city": city, "state": "NJ", "country": "US", "zip": None}}


def test_a_signed_webhook_moves_the_order_to_in_transit(api, settle, hooks, easypost_source):
    order, package = shipped_order(api, settle, "1")
    body = fixture("easypost-event-tracker-updated-in_transit.json")

    answer = post(hooks, easypost_source, body)

    assert answer.status_code == 200 and answer.json() == {"received": True, "duplicate": False}
    inbox = TrackingInbox.objects.get()
    assert (inbox.external_id, bytes(inbox.body), inbox.outcome) == ("evt_1", body, "")  # stored raw, applied by the job
    settle()
    order.refresh_from_db()
    assert order.fulfillment_status == "in_transit"
    tracker = Tracker.objects.get(source=easypost_source)
    assert (tracker.external_id, tracker.package_id, tracker.status) == ("trk_1", package.pk, "in_transit")
    assert TrackingEvent.objects.filter(tracker=tracker).count() == 7
    moved = [e for e in history(order, events.ORDER_STATUS_CHANGED) if e.params["to"] == "in_transit"]
    assert len(moved) == 1
    assert (moved[0].actor_kind, moved[0].actor_label) == ("carrier", "FedEx via EasyPost")
    assert "Picked up" in moved[0].reason and "ORLANDO, FL, US" in moved[0].reason
    assert TrackingInbox.objects.get().outcome.startswith("Moved to in_transit")


def test_a_forged_or_missing_signature_is_refused_and_nothing_is_stored(api, settle, hooks, easypost_source):
    order, _ = shipped_order(api, settle, "1")
    body = fixture("easypost-event-tracker-updated-in_transit.json")
    forged = EasyPost().sign(body, "someone-elses-secret")

    for answer in (post(hooks, easypost_source, body, signature=forged), post(hooks, easypost_source, body, signature=""),
                   post(hooks, easypost_source, body + b"\n", signature=EasyPost().sign(body, SECRET))):
        assert answer.status_code == 401
        assert answer.json()["code"] == "invalid_signature" and answer.json()["details"] == []
    assert TrackingInbox.objects.count() == 0
    assert settle() == 0  # no job was queued
    order.refresh_from_db()
    assert order.fulfillment_status == "shipped"


def test_an_unknown_source_is_404(hooks, db):
    body = fixture("easypost-event-tracker-updated-in_transit.json")
    for path in ("/hooks/tracking/7c9e6679-7425-40de-944b-e07fc1f90ae7", "/hooks/tracking/not-a-source"):
        answer = hooks.post(path, content=body, headers={"X-Hmac-Signature": EasyPost().sign(body, SECRET)})
        assert answer.status_code == 404 and answer.json()["code"] == "tracking_source_not_found"


def test_a_repeated_webhook_is_acknowledged_and_changes_nothing(api, settle, hooks, easypost_source):
    order, _ = shipped_order(api, settle, "1")
    body = fixture("easypost-event-tracker-updated-in_transit.json")
    assert post(hooks, easypost_source, body).json()["duplicate"] is False
    settle()
    before = (len(history(order)), TrackingEvent.objects.count())

    again = post(hooks, easypost_source, body)

    assert again.status_code == 200 and again.json() == {"received": True, "duplicate": True}
    assert settle() == 0
    assert TrackingInbox.objects.count() == 1
    assert (len(history(order)), TrackingEvent.objects.count()) == before


def test_the_same_checkpoints_in_a_new_event_change_nothing(api, settle, hooks, easypost_source):
    order, _ = shipped_order(api, settle, "1")
    body = fixture("easypost-event-tracker-updated-in_transit.json")
    post(hooks, easypost_source, body)
    settle()
    before = (len(history(order)), TrackingEvent.objects.count())

    resent = json.loads(body)
    resent["id"] = "evt_2"  # the aggregator sends the same tracker again under a new event
    post(hooks, easypost_source, json.dumps(resent).encode())
    settle()

    assert TrackingInbox.objects.count() == 2
    assert (len(history(order)), TrackingEvent.objects.count()) == before
    assert TrackingInbox.objects.get(external_id="evt_2").outcome.startswith("Recorded; nothing moved. 0 new checkpoints")


def test_a_late_in_transit_after_delivered_is_recorded_but_never_moves_back(api, settle, hooks, easypost_source):
    order, _ = shipped_order(api, settle, "1")
    delivered = easypost_event("evt_9", "trk_1", "1", "delivered", [
        detail("2024-08-05T14:02:00Z", "delivered", "Delivered", "BROOKLYN")])
    post(hooks, easypost_source, delivered)
    settle()
    order.refresh_from_db()
    assert order.fulfillment_status == "delivered"  # shipped -> delivered at once: that was all we heard

    post(hooks, easypost_source, fixture("easypost-event-tracker-updated-in_transit.json"))  # older checkpoints, arriving late
    settle()

    order.refresh_from_db()
    assert order.fulfillment_status == "delivered"
    late = history(order, events.TRACKING_EVENT)
    assert len(late) == 7 and all(e.params["late"] for e in late)
    assert {e.params["message"] for e in late} >= {"Picked up", "Departed FedEx location"}
    assert not [e for e in history(order, events.ORDER_STATUS_CHANGED) if e.params["from"] == "delivered"]


def test_the_delivered_fixture_moves_once_and_keeps_later_scans_as_history(api, settle, hooks, easypost_source):
    order, _ = shipped_order(api, settle, "EZ4000000004", "ups", "UPS")
    post(hooks, easypost_source, fixture("easypost-event-tracker-updated-delivered.json"))
    settle()
    order.refresh_from_db()
    # By the carrier's clock "DELIVERED" came first; the scans stamped after it are history and move nothing back.
    assert order.fulfillment_status == "delivered"
    assert [e.params["to"] for e in history(order, events.ORDER_STATUS_CHANGED)][-1] == "delivered"
    assert len(history(order, events.TRACKING_EVENT)) == 5


def test_a_return_says_why(api, settle, hooks, aftership_source):
    order, package = shipped_order(api, settle, "RT123", "dhl", "DHL")
    checkpoints = [
        {"checkpoint_time": "2024-03-01T09:00:00+01:00", "tag": "InTransit", "subtag": "InTransit_002", "message": "Picked up", "location": "Berlin DE"},
        {"checkpoint_time": "2024-03-03T11:00:00+01:00", "tag": "Exception", "subtag": "Exception_003", "message": "Recipient refused the parcel", "location": "Hamburg DE"},
        {"checkpoint_time": "2024-03-06T08:00:00+01:00", "tag": "Exception", "subtag": "Exception_011", "message": "Returned to sender", "location": "Berlin DE"},
    ]
    body = json.dumps({"event": "tracking_update", "event_id": "as-1", "is_tracking_first_tag": False, "ts": 1709712000,
                       "msg": {"id": "as-trk-1", "slug": "dhl", "tracking_number": "RT123", "tag": "Exception",
                               "subtag": "Exception_011", "checkpoints": checkpoints}}).encode()

    assert post(hooks, aftership_source, body).status_code == 200
    settle()

    order.refresh_from_db()
    package.refresh_from_db()
    assert order.fulfillment_status == "returned"
    assert package.exception_code == "returned_refused"
    assert "refused" in package.exception_message
    returned = [e for e in history(order, events.ORDER_STATUS_CHANGED) if e.params["to"] == "returned"][0]
    assert "The recipient refused the parcel." in returned.reason and "Berlin DE" in returned.reason
    assert returned.actor_label == "DHL via AfterShip"
    exception = history(order, events.SHIPMENT_EXCEPTION)[0]  # the refusal itself was shown as it happened
    assert exception.params["code"] == "refused"


def test_a_lost_parcel_is_an_exception_and_the_status_stays(api, settle, hooks, easypost_source):
    order, package = shipped_order(api, settle, "LOST1")
    body = easypost_event("evt_l", "trk_l", "LOST1", "failure", [
        detail("2024-05-01T10:00:00Z", "in_transit", "Picked up"),
        detail("2024-05-04T10:00:00Z", "failure", "Package lost in transit", status_detail="lost"),
    ], detail="lost")

    post(hooks, easypost_source, body)
    settle()

    order.refresh_from_db()
    package.refresh_from_db()
    assert order.fulfillment_status == "in_transit"  # moved by the first checkpoint, not by the exception
    assert package.exception_code == "lost"
    assert package.exception_message.startswith("The carrier reports the parcel lost.")
    shown = history(order, events.SHIPMENT_EXCEPTION)
    assert len(shown) == 1 and shown[0].params["packageId"] == str(package.pk)


def test_a_signed_body_that_is_not_a_tracker_update_is_stored_and_ignored(hooks, easypost_source, settle):
    other = json.dumps({"object": "Event", "id": "evt_b", "description": "batch.created", "result": {"object": "Batch"}}).encode()
    for body in (other, b"not json at all"):
        assert post(hooks, easypost_source, body).status_code == 200
    settle()
    outcomes = dict(TrackingInbox.objects.values_list("external_id", "outcome"))
    assert outcomes["evt_b"] == "Ignored: batch.created is not about a tracker."
    assert [o for k, o in outcomes.items() if k != "evt_b"] == ["Ignored: The body is not JSON."]  # keyed by its SHA-256


def test_an_update_for_an_unknown_parcel_is_kept_with_its_outcome(hooks, easypost_source, settle):
    post(hooks, easypost_source, fixture("easypost-event-tracker-updated-in_transit.json"))
    settle()
    assert TrackingInbox.objects.get().outcome == "No shipped package has the tracking code 1."
    assert Tracker.objects.count() == 0
