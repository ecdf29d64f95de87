"""Postback and e-mail fixtures: a real receiver on loopback, endpoints made through the API, and the
jobs driven in-process (run_pending). Time is moved by setting next_attempt_at, never by sleeping."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings

from platen.jobs import run_pending
from platen.notifications import services
from platen.notifications.models import Delivery
from platen.notifications.statuses import DeliveryStatus
from tests.dashboard.conftest import make_order, merchant, merchant_client, operator, operator_client, other_merchant  # noqa: F401
from platen.orders.models import Order
from platen.orders.statuses import Fulfillment as F
from tests.emulators.receiver import Receiver
from tests.orders.factories import advance

# A public receiver written as an address: registering it needs no name lookup (tests reach loopback only, see
# tests/network_guard.py) and no test ever sends to it.
PUBLIC_HOOKS = "https://93.184.215.14"
ALL_EVENTS = ["order_status_updated", "order_item_status_updated", "order_item_tracking_code_updated",
              "order_delivery_estimate_updated"]


@pytest.fixture(autouse=True)
def loopback_allowed(loopback_fetching):
    """Receivers (and the print files orders point at) are on 127.0.0.1, which production refuses.
    A short postback timeout for the hang test."""
    with override_settings(PLATEN=dataclasses.replace(settings.PLATEN, fetch_allow_private=True), PLATEN_POSTBACK_TIMEOUT=1.0):
        yield


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def subscribe(api):
    """Add an endpoint for the receiver through the API; the receiver then checks signatures with its secret."""

    def make(receiver: Receiver, events=("order_status_updated",), client=None) -> dict:
        response = (client or api).post("/v4/webhooks", {"url": receiver.url, "events": list(events)})
        assert response.status_code == 201, response.content
        body = response.json()
        receiver.secret = body["secret"]
        return body

    return make


def drive() -> int:
    """Run every ready job, including the ones those jobs enqueue, until nothing is ready."""
    total = 0
    for _ in range(50):
        ran = run_pending()
        total += ran
        if not ran:
            return total
    raise AssertionError("jobs kept enqueueing jobs")


def fast_forward(**delta) -> int:
    """Let pending deliveries' waits pass: move their next_attempt_at back by `delta`, wake them, run the jobs."""
    for d in Delivery.objects.filter(status=DeliveryStatus.PENDING, next_attempt_at__isnull=False):
        Delivery.objects.filter(pk=d.pk).update(next_attempt_at=d.next_attempt_at - timedelta(**delta))
    services.wake_overdue(overdue_by=timedelta(0))
    return drive()


PRODUCTION = [F.PASSED, F.CREATED, F.IN_PRODUCTION, F.PRINTED, F.PACKAGED, F.SHIPPED, F.IN_TRANSIT, F.DELIVERED]


def move_on(order_id, *targets) -> None:
    """Run the pipeline's jobs, then move the order through those of `targets` it has not reached yet
    (the intake pipeline may itself take a passed order on to created)."""
    drive()
    current = Order.objects.get(pk=order_id).fulfillment_status
    for target in targets:
        for step in PRODUCTION[PRODUCTION.index(current) + 1 : PRODUCTION.index(target) + 1]:
            advance(order_id, step)
            current = step
