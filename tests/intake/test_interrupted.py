"""Requests cut off before their answer end as `interrupted` (by a scheduled sweep), never as orders later."""

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from platen.intake import services as intake
from platen.intake.models import IntakeRequest
from platen.intake.statuses import Outcome
from platen.jobs.scheduler import Scheduler
from platen.kit.actors import Actor
from platen.kit.errors import Conflict
from platen.orders.models import Order
from platen.orders.services.create import create_from_intake
from tests.orders.factories import order_payload

pytestmark = pytest.mark.django_db


def arrived(account, minutes_ago: int, channel: str = "api", body: str = "{}") -> IntakeRequest:
    request = intake.receive(account, channel, body)
    IntakeRequest.objects.filter(pk=request.pk).update(received_at=timezone.now() - timedelta(minutes=minutes_ago))
    request.refresh_from_db()
    return request


@pytest.fixture
def cut_off(account):
    """An API order whose web process died before the answer: stored, never interpreted."""
    return arrived(account, minutes_ago=10, body=json.dumps(order_payload()))


def test_the_scheduled_sweep_marks_only_stale_requests_answered_while_waiting(account, cut_off, settle):
    fresh = arrived(account, minutes_ago=1)
    later = arrived(account, minutes_ago=60, channel="ftp")  # processed by jobs, not while the sender waits
    assert "intake.mark-interrupted" in Scheduler().tick()
    settle()
    for request in (cut_off, fresh, later):
        request.refresh_from_db()
    assert cut_off.status == Outcome.INTERRUPTED and cut_off.order is None
    assert timezone.now() - cut_off.processed_at < timedelta(minutes=1)
    assert fresh.status == later.status == Outcome.RECEIVED
    assert not Order.objects.exists()


def test_an_interrupted_request_never_becomes_an_order(cut_off):
    stale_copy = IntakeRequest.objects.get(pk=cut_off.pk)  # what a slow web process still holds in memory
    assert intake.mark_interrupted() == 1
    with pytest.raises(Conflict):
        create_from_intake(stale_copy, Actor.system("test"))
    assert not Order.objects.exists()
    assert IntakeRequest.objects.get(pk=cut_off.pk).status == Outcome.INTERRUPTED


def test_an_answered_request_is_not_swept(account, api):
    api.post("/v4/orders", order_payload())
    IntakeRequest.objects.update(received_at=timezone.now() - timedelta(hours=1))
    assert intake.mark_interrupted() == 0
    assert IntakeRequest.objects.get().status == Outcome.ACCEPTED


def test_the_api_lists_interrupted_requests_with_the_time(api, cut_off):
    intake.mark_interrupted()
    listed = api.get("/v4/requests?status=interrupted")
    [found] = listed.json()["requests"]
    assert found["id"] == str(cut_off.id) and found["status"] == "interrupted" and found["processedAt"]

