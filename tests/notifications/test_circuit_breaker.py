"""The circuit breaker: an endpoint that fails for 3 days is disabled, its merchant e-mailed, and it can be
enabled again and the missed deliveries replayed. Time is moved on the rows (failing_since, next_attempt_at)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from platen.notifications.models import Delivery, Endpoint, OutboxMessage
from platen.orders.models import OrderEvent
from tests.notifications.conftest import drive, fast_forward
from tests.orders.factories import order_payload

pytestmark = pytest.mark.django_db


def test_failing_for_three_days_disables_and_emails_the_merchant(api, receiver, subscribe):
    endpoint = subscribe(receiver)
    receiver.down()
    order_id = api.post("/v4/orders", order_payload()).json()["id"]
    drive()
    ep = Endpoint.objects.get(pk=endpoint["id"])
    assert ep.active and ep.failing_since is not None
    fast_forward(minutes=1)  # another failure, less than 3 days in: still on
    assert Endpoint.objects.get(pk=ep.pk).active
    Endpoint.objects.filter(pk=ep.pk).update(failing_since=timezone.now() - timedelta(days=3, minutes=1))
    fast_forward(hours=2)
    ep.refresh_from_db()
    assert not ep.active and ep.disabled_at and "Fix the receiver" in ep.disabled_reason
    assert set(Delivery.objects.values_list("status", flat=True)) == {"dead"}
    assert OrderEvent.objects.filter(order_id=order_id, type="postback_failed").exists()
    message = OutboxMessage.objects.get(kind="endpoint_disabled")
    assert message.status == "sent" and message.to == "ops@acme.test"
    assert message.subject == f"Postbacks to {receiver.url} were stopped"
    assert f"/postbacks/{ep.pk}/" in message.body_text and "could not be reached" in message.body_text
    listed = api.get("/v4/webhooks").json()["webhooks"][0]
    assert listed["active"] is False and listed["disabledReason"]

    # Nothing new is queued for a disabled endpoint, and replay asks to enable it first.
    receiver.up()
    api.post("/v4/orders", order_payload())
    drive()
    assert receiver.received == [] and Delivery.objects.filter(status="pending").count() == 0
    dead = Delivery.objects.order_by("event_id").first()
    refused = api.post(f"/v4/webhooks/{ep.pk}/deliveries/{dead.pk}:replay")
    assert refused.status_code == 409 and refused.json()["code"] == "endpoint_disabled"

    # The merchant checks it with a test, enables it and replays what was missed, in order.
    assert api.post(f"/v4/webhooks/{ep.pk}:test").json()["status"] == "succeeded"
    assert api.post(f"/v4/webhooks/{ep.pk}:enable").json()["active"] is True
    for d in Delivery.objects.filter(status="dead").order_by("event_id"):
        assert api.post(f"/v4/webhooks/{ep.pk}/deliveries/{d.pk}:replay").status_code == 202
    drive()
    assert not Delivery.objects.exclude(status="succeeded").exists()
    replayed = [r for r in receiver.received if r.payload["event"] != "webhook_test"]
    assert replayed[0].payload["fulfillmentStatus"] == "received" and all(r.verified for r in replayed)


def test_a_success_resets_the_clock(api, receiver, subscribe):
    endpoint = subscribe(receiver)
    receiver.fail(1, status=500)
    api.post("/v4/orders", order_payload())
    drive()
    assert Endpoint.objects.get(pk=endpoint["id"]).failing_since is not None
    fast_forward(minutes=1)
    assert Endpoint.objects.get(pk=endpoint["id"]).failing_since is None


def test_4xx_answers_do_not_trip_the_breaker(api, receiver, subscribe):
    endpoint = subscribe(receiver)
    receiver.fail(20, status=400)  # every event refused
    api.post("/v4/orders", order_payload())
    drive()
    assert Endpoint.objects.get(pk=endpoint["id"]).failing_since is None
