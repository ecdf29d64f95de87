"""A worker killed (SIGKILL) in the middle of a postback: the job runs again on another worker and the
receiver gets every event, in order per order; a repeat carries the same webhook-id."""

import signal

import pytest
from django.utils import timezone

from platen.jobs.models import WorkerHeartbeat
from platen.notifications.models import Delivery, Event
from platen.notifications.statuses import DeliveryStatus
from tests.emulators.receiver import Receiver
from tests.jobs.conftest import platen, wait_for  # noqa: F401  (the real-process fixture)
from tests.jobs.test_processes import LEASE
from tests.orders.factories import advance, order_payload

pytestmark = pytest.mark.processes
MOVES = ("received", "uploading", "passed")  # each one an order_status_updated postback (a draft sends none)


def test_a_killed_worker_loses_no_postback(platen, api, tmp_path):  # noqa: F811
    with Receiver() as receiver:
        response = api.post("/v4/webhooks", {"url": receiver.url, "events": ["order_status_updated"]})
        receiver.secret = response.json()["secret"]
        receiver.hang(1)  # the first postback gets no answer: the worker is killed while it waits
        orders = [api.post("/v4/orders", order_payload(orderType="draft")).json()["id"] for _ in range(2)]
        for order_id in orders:
            advance(order_id, *MOVES)
        expected = Event.objects.count()
        assert expected == 2 * len(MOVES)

        platen.env["PLATEN_FETCH_ALLOW_PRIVATE"] = "1"  # the receiver is on loopback
        first = platen.start("worker", "--queues", "postbacks")
        receiver.wait_for(1, timeout=30)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
        stale = lambda: not WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - LEASE).exists()  # noqa: E731
        wait_for(stale, "the killed worker's heartbeat to go stale")

        platen.start("worker", "--queues", "postbacks")  # takes the lost job back at start, then delivers
        done = lambda: Delivery.objects.filter(status=DeliveryStatus.SUCCEEDED).count() == expected  # noqa: E731
        wait_for(done, "every delivery to succeed", timeout=60)

    ids = [r.webhook_id for r in receiver.received]
    assert set(ids) == {str(uid) for uid in Event.objects.values_list("uid", flat=True)}  # none lost
    assert len(ids) == expected + 1 and ids.count(ids[0]) == 2  # the killed one came again, with its own id
    assert all(r.verified for r in receiver.received[1:])
    for order_id in orders:  # per order, in the order the events happened
        arrived = [r.payload["fulfillmentStatus"] for r in receiver.received[1:] if r.payload["orderId"] == order_id]
        assert arrived == list(MOVES)
