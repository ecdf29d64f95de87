"""Postbacks end to end: orders made through the API, jobs driven in-process, a real receiver on loopback
that verifies every Standard Webhooks signature."""

from datetime import timedelta

import pytest
from django.utils import timezone

from platen.notifications.models import Attempt, Delivery, Endpoint
from platen.orders.models import OrderEvent
from platen.orders.statuses import Fulfillment as F
from platen.orders.models import Order
from tests.notifications.conftest import ALL_EVENTS, PRODUCTION, drive, fast_forward, move_on
from tests.orders.factories import advance, order_payload

pytestmark = pytest.mark.django_db


def create_order(api, **changes) -> str:
    response = api.post("/v4/orders", order_payload(**changes))
    assert response.status_code == 200, response.content
    return response.json()["id"]


def test_signed_status_postbacks_as_the_order_moves(api, receiver, subscribe):
    subscribe(receiver)
    order_id = create_order(api, orderReferenceId="REF-100")
    assert receiver.received == []  # nothing leaves before the jobs run (and the order committed)
    move_on(order_id, F.CREATED, F.IN_PRODUCTION)
    drive()
    assert all(r.verified for r in receiver.received)
    statuses = [p["fulfillmentStatus"] for p in receiver.payloads]
    # Born received, checked (the pipeline may pass through more states, such as uploading), then production.
    assert statuses[0] == "received" and "passed" in statuses and statuses[-2:] == ["created", "in_production"]
    assert len(statuses) == len(set(statuses))
    first = receiver.payloads[0]
    assert first["event"] == "order_status_updated" and first["orderId"] == order_id
    assert first["orderReferenceId"] == "REF-100" and first["storeId"] is None
    assert [(i["itemReferenceId"], i["fulfillmentStatus"]) for i in first["items"]] == [("poster-1", "received"), ("shirt-1", "received")]
    passed = next(p for p in receiver.payloads if p["fulfillmentStatus"] == "passed")
    assert [i["fulfillmentStatus"] for i in passed["items"]] == ["passed", "passed"]
    assert all(i["fulfillments"] == [] for i in first["items"])
    # The payload's id is the webhook-id, one per event.
    assert [r.webhook_id for r in receiver.received] == [p["id"] for p in receiver.payloads]
    assert len({r.webhook_id for r in receiver.received}) == len(statuses)
    # Each delivery is noted in the order's history.
    sent = OrderEvent.objects.filter(order_id=order_id, type="postback_sent")
    assert sent.count() == len(statuses) and sent.first().actor_label == "postbacks"


def test_only_subscribed_events_and_item_payloads(api, receiver, subscribe):
    subscribe(receiver, events=["order_item_status_updated"])
    order_id = create_order(api)
    drive()
    assert {p["event"] for p in receiver.payloads} == {"order_item_status_updated"}
    shirt = next(p for p in receiver.payloads if p["itemReferenceId"] == "shirt-1" and p["status"] == "passed")
    assert shirt["orderId"] == order_id and shirt["created"]
    assert set(shirt) == {"id", "event", "itemReferenceId", "orderReferenceId", "orderId", "storeId",
                          "fulfillmentCountry", "status", "comment", "created"}


def test_tracking_and_delivery_estimate_events(api, receiver, subscribe):
    """Production will write these history types; their postbacks are defined here."""
    from django.db import transaction

    from platen.kit.actors import Actor
    from platen.orders import events
    from platen.orders.models import Order

    subscribe(receiver, events=ALL_EVENTS)
    order_id = create_order(api)
    move_on(order_id, F.PRINTED)
    with transaction.atomic():
        order = Order.objects.get(pk=order_id)
        actor = Actor.system("production")
        events.save_all([
            events.event(order, "tracking_code_updated", actor, params={"trackingCode": "1Z999", "trackingUrl": "https://track.example/1Z999"}),
            events.event(order, "delivery_estimate_updated", actor, params={"minDeliveryDate": "2026-12-01", "maxDeliveryDate": "2026-12-03"}),
        ])
    advance(order_id, F.SHIPPED)
    drive()
    tracking = receiver.events("order_item_tracking_code_updated")
    assert [t["itemReferenceId"] for t in tracking] == ["poster-1", "shirt-1"]
    assert tracking[0]["trackingCode"] == "1Z999" and tracking[0]["trackingUrl"] == "https://track.example/1Z999"
    estimate = receiver.events("order_delivery_estimate_updated")[-1]  # after routing's own estimate
    assert (estimate["minDeliveryDate"], estimate["maxDeliveryDate"]) == ("2026-12-01", "2026-12-03")
    shipped = [p for p in receiver.events("order_status_updated") if p["fulfillmentStatus"] == "shipped"][0]
    assert shipped["items"][0]["fulfillments"][0]["trackingCode"] == "1Z999"


def test_retries_keep_the_webhook_id_and_replay_too(api, receiver, subscribe):
    endpoint = subscribe(receiver)
    receiver.fail(2, status=503)
    create_order(api)
    drive()
    assert [r.verified for r in receiver.received] == [True]  # first event failed; the second waits behind it
    d = Delivery.objects.filter(status="pending").order_by("event_id").first()
    assert d.attempts == 1 and d.next_attempt_at > timezone.now() + timedelta(seconds=20)
    fast_forward(seconds=40)
    fast_forward(minutes=3)
    ids = [r.webhook_id for r in receiver.received]
    assert ids[0] == ids[1] == ids[2] and ids[3] != ids[0]  # two retries, then the next event
    d.refresh_from_db()
    assert d.status == "succeeded" and d.attempts == 3
    assert [(a.status_code, a.trigger) for a in d.attempt_log.all()] == [(503, "first"), (503, "retry"), (200, "retry")]
    assert d.attempt_log.first().response_excerpt == "temporarily broken"
    replay = api.post(f"/v4/webhooks/{endpoint['id']}/deliveries/{d.id}:replay")
    assert replay.status_code == 202 and replay.json()["status"] == "pending"
    drive()
    assert receiver.received[-1].webhook_id == ids[0] and receiver.received[-1].verified
    # A replay is signed again with a fresh timestamp, under the same id.
    assert Attempt.objects.filter(delivery=d).last().trigger == "replay"


def test_4xx_is_not_retried_and_does_not_block(api, receiver, subscribe):
    subscribe(receiver)
    receiver.fail(1, status=422, body="unknown order")
    order_id = create_order(api)
    drive()
    failed, *later = Delivery.objects.filter(order_id=order_id).order_by("event_id")
    assert failed.status == "failed" and failed.attempts == 1 and "HTTP 422" in failed.last_error
    assert later and all(d.status == "succeeded" for d in later)
    fast_forward(days=4)
    assert len(receiver.received) == 1 + len(later)
    assert OrderEvent.objects.filter(order_id=order_id, type="postback_failed").count() == 1


@pytest.mark.parametrize("status", [408, 429])
def test_408_and_429_are_retried_honouring_retry_after(api, receiver, subscribe, status):
    subscribe(receiver)
    receiver.throttle("120", status=status)
    create_order(api)
    before = timezone.now()
    drive()
    d = Delivery.objects.filter(status="pending").order_by("event_id").first()
    wait = d.next_attempt_at - before
    assert timedelta(seconds=118) <= wait <= timedelta(seconds=125)
    fast_forward(seconds=60)
    assert len(receiver.received) == 1  # not yet: Retry-After said two minutes
    fast_forward(seconds=60)
    d.refresh_from_db()
    assert d.status == "succeeded" and d.attempts == 2
    assert not Delivery.objects.exclude(status="succeeded").exists()  # those that waited behind it went too


def test_a_receiver_that_hangs_times_out_and_is_retried(api, receiver, subscribe):
    subscribe(receiver)
    receiver.hang(1)
    create_order(api)
    drive()
    d = Delivery.objects.order_by("event_id").first()
    attempt = d.attempt_log.get()
    assert attempt.status_code is None and "within 1 seconds" in attempt.error and attempt.duration_ms >= 900
    assert d.status == "pending"
    fast_forward(minutes=1)
    d.refresh_from_db()
    assert d.status == "succeeded"


def test_in_order_while_the_receiver_is_down(api, receiver, subscribe):
    subscribe(receiver)
    order_id = create_order(api)
    drive()
    before = [p["fulfillmentStatus"] for p in receiver.payloads]
    assert before[0] == "received"
    current = Order.objects.get(pk=order_id).fulfillment_status
    three = PRODUCTION[PRODUCTION.index(current) + 1:][:3]  # e.g. created, in production, printed
    receiver.down()
    advance(order_id, three[0])
    drive()
    advance(order_id, *three[1:])
    drive()
    waiting = Delivery.objects.filter(order_id=order_id, status="pending").order_by("event_id")
    assert [d.attempts for d in waiting] == [1, 0, 0]  # only the oldest was tried; the others wait behind it
    assert "could not be reached" in waiting[0].last_error
    receiver.up()
    fast_forward(minutes=1)
    assert [p["fulfillmentStatus"] for p in receiver.payloads] == [*before, *three]
    assert not Delivery.objects.filter(status="pending").exists()


def test_a_dead_delivery_no_longer_blocks(api, receiver, subscribe):
    subscribe(receiver)
    receiver.fail(2, status=500)
    order_id = create_order(api)
    drive()
    first = Delivery.objects.filter(order_id=order_id).order_by("event_id").first()
    Delivery.objects.filter(pk=first.pk).update(retry_until=timezone.now())  # its 3 days are over
    fast_forward(hours=1)
    first.refresh_from_db()
    assert first.status == "dead" and "Gave up after 2 tries" in first.last_error
    assert receiver.payloads[-1]["fulfillmentStatus"] == Order.objects.get(pk=order_id).fulfillment_status


def test_test_event(api, receiver, subscribe):
    endpoint = subscribe(receiver)
    response = api.post(f"/v4/webhooks/{endpoint['id']}:test")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "succeeded" and body["event"] == "webhook_test" and body["attempts"][0]["statusCode"] == 200
    assert receiver.received[0].verified and receiver.payloads[0]["event"] == "webhook_test"
    receiver.fail(1, status=500)
    body = api.post(f"/v4/webhooks/{endpoint['id']}:test").json()
    assert body["status"] == "failed" and body["attempts"][0]["statusCode"] == 500
    assert Endpoint.objects.get(pk=endpoint["id"]).failing_since is None  # a test does not trip the breaker


def test_deliveries_listing_with_attempts(api, receiver, subscribe):
    endpoint = subscribe(receiver)
    receiver.fail(1, status=502)
    create_order(api)
    drive()
    listed = api.get(f"/v4/webhooks/{endpoint['id']}/deliveries").json()["deliveries"]
    assert listed and {d["status"] for d in listed} == {"pending"}  # the first failed, the rest wait behind it
    oldest = listed[-1]
    assert oldest["attempts"][0]["statusCode"] == 502 and oldest["eventId"] == oldest["payload"]["id"]
    assert oldest["nextAttemptAt"]
    assert api.get(f"/v4/webhooks/{endpoint['id']}/deliveries?status=succeeded").json()["deliveries"] == []
    assert api.get(f"/v4/webhooks/{endpoint['id']}/deliveries?status=bogus").status_code == 400


def test_moves_in_one_transaction_each_get_their_own_snapshot(api, receiver, subscribe):
    from django.db import transaction

    from platen.kit.actors import Actor
    from platen.orders.transitions import transition_items

    subscribe(receiver, events=["order_status_updated"])
    order_id = create_order(api)
    move_on(order_id, F.CREATED)
    with transaction.atomic():
        order = Order.objects.select_for_update().get(pk=order_id)
        items = list(order.items.all())
        transition_items(order, items, F.IN_PRODUCTION, Actor.system("production"))
        transition_items(order, items, F.PRINTED, Actor.system("production"))
    drive()
    last_two = receiver.payloads[-2:]
    assert [p["fulfillmentStatus"] for p in last_two] == ["in_production", "printed"]
    assert [i["fulfillmentStatus"] for i in last_two[0]["items"]] == ["in_production", "in_production"]
    assert [i["fulfillmentStatus"] for i in last_two[1]["items"]] == ["printed", "printed"]


def test_the_sweep_picks_up_a_crashed_try(api, receiver, subscribe):
    from platen.notifications import services

    subscribe(receiver)
    create_order(api)
    # A worker claimed the first delivery (lease) and died before recording anything.
    first = Delivery.objects.order_by("event_id").first()
    Delivery.objects.filter(pk=first.pk).update(attempts=1, next_attempt_at=timezone.now() + timedelta(minutes=5))
    drive()
    assert receiver.received == []  # leased, and the others wait behind it
    Delivery.objects.filter(pk=first.pk).update(next_attempt_at=timezone.now() - timedelta(minutes=2))
    assert services.wake_overdue() == 1
    drive()
    first.refresh_from_db()
    assert first.status == "succeeded" and receiver.received[0].webhook_id == str(first.event.uid)
    assert not Delivery.objects.filter(status="pending").exists()


def test_deleting_an_endpoint_stops_its_deliveries(api, receiver, subscribe):
    endpoint = subscribe(receiver)
    receiver.fail(1, status=500)
    create_order(api)
    drive()
    assert api.delete(f"/v4/webhooks/{endpoint['id']}").status_code == 204
    fast_forward(hours=1)
    assert len(receiver.received) == 1 and not Delivery.objects.exists()


def test_a_fault_on_our_side_counts_as_a_failed_try(api, receiver, subscribe):
    endpoint = subscribe(receiver)
    Endpoint.objects.filter(pk=endpoint["id"]).update(secret_encrypted="not a fernet token")
    create_order(api)
    drive()
    first = Delivery.objects.order_by("event_id").first()
    assert first.status == "pending" and first.attempts == 1 and "Platen could not send it" in first.last_error
    assert receiver.received == []
