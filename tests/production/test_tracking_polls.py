"""Polling a carrier without webhooks: the scheduled job asks the Shippo-shaped emulator (real HTTP on loopback)
through the SSRF-safe client, applies the answer, backs off on failures, and stops once delivered."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.utils import timezone

from platen.orders import events
from platen.orders.models import OrderEvent
from platen.production import tasks
from platen.production.models import Tracker
from platen.production.services import tracking_polls
from tests.emulators.carrier import CarrierEmulator
from tests.production.factories import carrier, created_order, poster_item, ship

BERKELEY = {"city": "Berkeley", "state": "CA", "zip": "94705", "country": "US"}
OAKLAND = {"city": "Oakland", "state": "CA", "zip": "94615", "country": "US"}


@pytest.fixture
def emulator():
    with CarrierEmulator(token="shippo_test_secret") as emulator:
        yield emulator


@pytest.fixture
def polled(api, settle, emulator):
    """A shipped order whose carrier (usps) is polled through Shippo at the emulator."""
    carrier("usps", "USPS", poll_client="shippo", api_base_url=emulator.url, token="shippo_test_secret")
    order = created_order(api, settle, items=[poster_item()])
    package = ship(order, tracking_code="9205590164917337534322", carrier_code="usps")
    settle()
    return order, package


def poll_now(settle, package):
    """Make the package's tracker due (the clock moved on) and run the scheduled job and the polls it queued."""
    Tracker.objects.filter(package=package).update(next_poll_at=timezone.now() - timedelta(seconds=1))
    tasks.poll_due_trackers.call()
    settle()
    return Tracker.objects.get(package=package)


def test_polling_moves_shipped_to_in_transit_to_delivered_and_stops(polled, emulator, settle):
    order, package = polled
    number = package.tracking_code
    tracker = Tracker.objects.get(package=package)
    assert tracker.next_poll_at is not None  # shipping started the polling

    emulator.add("usps", number, "UNKNOWN", "The shipping label has been created.", "2016-12-07T02:00:00Z")
    tracker = poll_now(settle, package)
    order.refresh_from_db()
    assert order.fulfillment_status == "shipped" and emulator.polls(number) == 1
    assert tracker.next_poll_at > timezone.now() + timedelta(hours=5)  # nothing new: ask again in hours, not minutes

    emulator.add("usps", number, "TRANSIT", "Your shipment has arrived at the USPS facility.", "2016-12-07T22:05:00Z",
                 location=OAKLAND, substatus="package_arrived")
    poll_now(settle, package)
    order.refresh_from_db()
    assert order.fulfillment_status == "in_transit"

    emulator.add("usps", number, "DELIVERED", "Your shipment has been delivered at the destination mailbox.",
                 "2016-12-08T15:19:00Z", location=BERKELEY, substatus="delivered")
    tracker = poll_now(settle, package)
    order.refresh_from_db()
    assert order.fulfillment_status == "delivered"
    assert tracker.next_poll_at is None  # delivered: polling stops
    moves = OrderEvent.objects.filter(order=order, type=events.ORDER_STATUS_CHANGED).order_by("id")
    assert [e.params["to"] for e in moves][-2:] == ["in_transit", "delivered"]
    assert moves.last().actor_label == "USPS" and "Berkeley, CA, US" in moves.last().reason
    path, headers = emulator.requests[-1]
    assert path == f"/tracks/usps/{number}" and headers["authorization"] == "ShippoToken shippo_test_secret"

    tasks.poll_due_trackers.call()
    settle()
    assert emulator.polls(number) == 3  # not asked again


def test_a_failing_carrier_backs_off_and_a_refused_token_waits_a_day(polled, emulator, settle):
    _, package = polled
    emulator.fail(1, 503)
    tracker = poll_now(settle, package)
    first_wait = tracker.next_poll_at - timezone.now()
    assert tracker.poll_failures == 1 and "503" in tracker.poll_error
    assert timedelta(minutes=10) < first_wait < timedelta(minutes=20)

    emulator.fail(1, 503)
    tracker = poll_now(settle, package)
    assert tracker.poll_failures == 2 and tracker.next_poll_at - timezone.now() > first_wait  # doubled

    emulator.token = "rotated"
    tracker = poll_now(settle, package)
    assert "token" in tracker.poll_error and tracker.next_poll_at - timezone.now() > timedelta(hours=20)

    emulator.token = "shippo_test_secret"
    emulator.add("usps", package.tracking_code, "TRANSIT", "Accepted at the origin facility.", "2016-12-07T19:04:00Z")
    tracker = poll_now(settle, package)
    assert (tracker.poll_failures, tracker.poll_error) == (0, "")


def test_a_returned_parcel_says_why_and_polling_stops(polled, emulator, settle):
    order, package = polled
    emulator.add("usps", package.tracking_code, "TRANSIT", "Accepted at the origin facility.", "2016-12-07T19:04:00Z")
    emulator.add("usps", package.tracking_code, "RETURNED", "Unclaimed: being returned to the sender.", "2017-01-07T10:00:00Z",
                 substatus="package_unclaimed")
    tracker = poll_now(settle, package)
    order.refresh_from_db()
    package.refresh_from_db()
    assert order.fulfillment_status == "returned"
    assert package.exception_code == "returned_not_picked_up"
    assert package.exception_message.startswith("The parcel was not picked up in time.")
    assert tracker.next_poll_at is None


def test_the_carrier_api_goes_through_the_address_policy(polled, emulator, settings):
    _, package = polled
    settings.PLATEN = dataclasses.replace(settings.PLATEN, fetch_allow_private=False)  # production: no loopback
    tracker = Tracker.objects.get(package=package)

    outcome = tracking_polls.poll(tracker.pk)

    tracker.refresh_from_db()
    assert "loopback" in outcome and tracker.poll_failures == 1 and tracker.next_poll_at > timezone.now()
    assert emulator.requests == []  # refused before connecting


def test_polling_gives_up_visibly_after_sixty_days(polled, emulator, settle):
    order, package = polled
    type(package).objects.filter(pk=package.pk).update(shipped_at=timezone.now() - timedelta(days=61))

    tracker = poll_now(settle, package)

    package.refresh_from_db()
    order.refresh_from_db()
    assert tracker.next_poll_at is None and emulator.requests == []
    assert package.exception_code == "expired" and "Tracking stopped after 60 days" in package.exception_message
    assert order.fulfillment_status == "shipped"
    assert OrderEvent.objects.filter(order=order, type=events.SHIPMENT_EXCEPTION, params__code="expired").exists()
