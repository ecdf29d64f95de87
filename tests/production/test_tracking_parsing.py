"""Every tracking fixture parsed as it is (the providers' real payloads), and the mapping's choices."""

import json

import pytest

from platen.production.carriers import aftership, easypost, mapping, shippo
from platen.production.carriers.base import (
    DELIVERED,
    EXCEPTION,
    IN_TRANSIT,
    RETURNED,
    SHIPPED,
)
from tests.production.factories import FIXTURES, fixture


def test_every_fixture_file_is_covered():
    parsed = {"easypost-event-tracker-updated-delivered.json", "easypost-event-tracker-updated-in_transit.json",
              "easypost-tracker-retrieve-pre_transit.json", "aftership-tracking-get-delivered.json",
              "shippo-track-get-usps-delivered.json"}
    assert {p.name for p in FIXTURES.glob("*.json")} == parsed


def test_easypost_webhook_in_transit():
    event = easypost.EasyPost().parse_webhook(fixture("easypost-event-tracker-updated-in_transit.json"))
    assert (event.event_id, event.description) == ("evt_1", "tracker.updated")
    tracker = event.tracker
    assert (tracker.external_id, tracker.tracking_code, tracker.carrier) == ("trk_1", "1", "FedEx")
    assert tracker.status == IN_TRANSIT  # result.status, not the event's own "pending"
    assert tracker.carrier_status == "in_transit/arrived_at_facility"
    assert str(tracker.expected_delivery) == "2024-08-05"
    assert len(tracker.checkpoints) == 7
    first, last = tracker.checkpoints[0], tracker.checkpoints[-1]
    assert (first.status, first.message, first.location) == (SHIPPED, "Shipment information sent to FedEx", "US")
    assert first.occurred_at.isoformat() == "2024-07-31T15:00:00+00:00"
    assert (last.status, last.location, last.carrier_status) == (IN_TRANSIT, "EDISON, NJ, US", "in_transit/arrived_at_facility")
    assert all(c.occurred_at.tzinfo is not None for c in tracker.checkpoints)


def test_easypost_webhook_delivered_orders_by_carrier_time():
    tracker = easypost.EasyPost().parse_webhook(fixture("easypost-event-tracker-updated-delivered.json")).tracker
    assert (tracker.external_id, tracker.tracking_code, tracker.status) == ("trk_...", "EZ4000000004", DELIVERED)
    times = [c.occurred_at for c in tracker.checkpoints]
    assert times == sorted(times)
    # The documentation's DELIVERED detail is stamped before the others: sorted by time, it comes first.
    assert tracker.checkpoints[0].status == DELIVERED
    assert tracker.checkpoints[1].location == ""  # every location field null
    assert [c.status for c in tracker.checkpoints[1:]] == [SHIPPED, IN_TRANSIT, IN_TRANSIT, IN_TRANSIT, IN_TRANSIT]


def test_easypost_tracker_retrieve():
    tracker = easypost.parse_tracker(json.loads(fixture("easypost-tracker-retrieve-pre_transit.json")))
    assert tracker.external_id == "trk_9135862729734d96ad2f9ed0f0565a27"
    assert (tracker.status, tracker.carrier, len(tracker.checkpoints)) == (SHIPPED, "USPS", 2)
    assert tracker.checkpoints[1].location == "HOUSTON, TX"


def test_aftership_tracking():
    tracking = json.loads(fixture("aftership-tracking-get-delivered.json"))["data"]["tracking"]
    tracker = aftership.parse_tracking(tracking)
    assert (tracker.external_id, tracker.tracking_code, tracker.carrier) == ("5b7658cec7c33c0e007de3c5", "111111111111", "fedex")
    assert (tracker.status, tracker.carrier_status) == (DELIVERED, "Delivered_001")
    assert len(tracker.checkpoints) == 14  # two share a time (23:14) with different subtags: both kept
    assert tracker.checkpoints[0].occurred_at.isoformat() == "2018-07-23T01:21:39-05:00"
    assert tracker.checkpoints[0].status == SHIPPED
    assert tracker.checkpoints[-1].status == DELIVERED and tracker.checkpoints[-1].location == "SAPPORO JP"
    assert [c.status for c in tracker.checkpoints].count(IN_TRANSIT) == 12


def test_aftership_webhook_envelope_and_signature():
    tracking = json.loads(fixture("aftership-tracking-get-delivered.json"))["data"]["tracking"]
    body = json.dumps({"event": "tracking_update", "event_id": "e-1", "is_tracking_first_tag": False,
                       "msg": tracking, "ts": 1534482646}).encode()
    provider = aftership.AfterShip()
    event = provider.parse_webhook(body)
    assert (event.event_id, event.description, event.tracker.status) == ("e-1", "tracking_update", DELIVERED)
    signed = {"aftership-hmac-sha256": provider.sign(body, "s3cret")}
    assert provider.verify(body, signed, "s3cret")
    assert not provider.verify(body + b" ", signed, "s3cret")
    assert not provider.verify(body, {}, "s3cret")


def test_shippo_track():
    tracker = shippo.parse_track(fixture("shippo-track-get-usps-delivered.json"))
    assert (tracker.tracking_code, tracker.carrier, tracker.status) == ("9205590164917337534322", "usps", DELIVERED)
    assert str(tracker.expected_delivery) == "2016-12-08"
    # tracking_status repeats the last history entry: one checkpoint, not two
    assert len(tracker.checkpoints) == 11
    assert tracker.checkpoints[0].status == "" and tracker.checkpoints[0].location == ""  # UNKNOWN, location null
    assert tracker.checkpoints[-1].status == DELIVERED


def test_easypost_signature_is_over_the_raw_bytes_with_an_nfkd_secret():
    provider, body = easypost.EasyPost(), fixture("easypost-event-tracker-updated-in_transit.json")
    signature = provider.sign(body, "ｓｅｃｒｅｔ")  # full-width letters: NFKD makes them "secret"
    assert signature.startswith("hmac-sha256-hex=")
    assert provider.verify(body, {"X-Hmac-Signature": signature}, "secret")
    assert not provider.verify(body, {"X-Hmac-Signature": signature}, "other")
    assert not provider.verify(body.replace(b'"1"', b'"2"'), {"X-Hmac-Signature": signature}, "secret")


@pytest.mark.parametrize(("subtag", "message", "status", "reason"), [
    ("Exception_011", "Returned to sender", RETURNED, mapping.RETURNED_REASON),
    ("Exception_010", "Return to sender: refused by recipient", RETURNED, mapping.REFUSED),
    ("Exception_003", "Customer refused delivery", EXCEPTION, mapping.REFUSED),
    ("Exception_013", "Shipment lost", EXCEPTION, mapping.LOST),
    ("Exception_012", "Package damaged", EXCEPTION, mapping.DAMAGED),
    ("Exception_004", "Held at customs", EXCEPTION, mapping.CUSTOMS_HOLD),
    ("AttemptFail_001", "Recipient not available", IN_TRANSIT, ""),
])
def test_aftership_reasons(subtag, message, status, reason):
    tag = subtag.split("_")[0]
    tracker = aftership.parse_tracking({"id": "t", "tracking_number": "1", "slug": "dhl", "tag": tag, "subtag": subtag,
                                        "checkpoints": [{"checkpoint_time": "2024-01-02T10:00:00", "tag": tag,
                                                         "subtag": subtag, "message": message}]})
    checkpoint = tracker.checkpoints[0]
    assert (checkpoint.status, checkpoint.reason) == (status, reason)
    assert checkpoint.occurred_at.isoformat() == "2024-01-02T10:00:00+00:00"  # no zone given: read as UTC


@pytest.mark.parametrize(("status", "detail", "meaning", "reason"), [
    ("return_to_sender", "return", RETURNED, mapping.RETURNED_REASON),
    ("failure", "lost", EXCEPTION, mapping.LOST),
    ("in_transit", "damaged", EXCEPTION, mapping.DAMAGED),
    ("error", "", EXCEPTION, mapping.TRACKING_ERROR),
    ("unknown", "", "", ""),
])
def test_easypost_statuses(status, detail, meaning, reason):
    tracker = easypost.parse_tracker({"id": "trk_x", "tracking_code": "X", "carrier": "UPS", "status": status,
                                      "status_detail": detail, "updated_at": "2024-01-01T00:00:00Z", "tracking_details": []})
    assert tracker.status == meaning
    if meaning:  # a tracker's own state becomes a checkpoint when no detail says it (an `error` tracker has none)
        assert (tracker.checkpoints[-1].status, tracker.checkpoints[-1].reason) == (meaning, reason)
