"""Endpoint health on the Postbacks pages: last attempt, last error, failing since, the red badge; one query."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from platen.notifications import health, queries
from platen.notifications.models import Attempt, Delivery, Endpoint, Event

pytestmark = pytest.mark.django_db


def endpoint(account, url, *, failing_since=None) -> Endpoint:
    return Endpoint.objects.create(account=account, url=url, events=["order_status_updated"], failing_since=failing_since)


def attempts(endpoint, *results) -> None:
    """One delivery per result: (status_code, error), in time order."""
    for n, (code, error) in enumerate(results):
        event = Event.objects.create(account=endpoint.account, type="order_status_updated", payload={})
        d = Delivery.objects.create(event=event, endpoint=endpoint, retry_until=timezone.now())
        Attempt.objects.create(delivery=d, number=1, started_at=timezone.now() + timedelta(seconds=n),
                               duration_ms=5, status_code=code, error=error)


def test_health_of_each_endpoint_in_one_query(account):
    now = timezone.now()
    good, bad, quiet = (endpoint(account, "https://good.example/hook"), endpoint(account, "https://bad.example/hook", failing_since=now),
                        endpoint(account, "https://quiet.example/hook"))
    attempts(good, (500, ""), (200, ""))
    attempts(bad, (200, ""), (None, "Connection refused"), (503, ""))
    with CaptureQueriesContext(connection) as queries_run:
        rows = {e.url: e.health for e in health.listed(queries.endpoints_with_counts(account))}
    assert len(queries_run) == 1
    ok = rows["https://good.example/hook"]
    assert ok.last_attempt_ok and ok.last_attempt_result == "HTTP 200" and ok.last_error == "HTTP 500" and not ok.failing
    failing = rows["https://bad.example/hook"]
    assert failing.failing and failing.failing_since == now
    assert failing.last_attempt_result == "HTTP 503" and failing.last_error == "HTTP 503"
    never = rows["https://quiet.example/hook"]
    assert never.last_attempt_at is None and never.last_attempt_ok is None and not never.failing


def test_postback_pages_show_health_and_the_red_badge(merchant_client, account):
    bad = endpoint(account, "https://bad.example/hook", failing_since=timezone.now())
    attempts(bad, (None, "Connection refused"))
    listing = merchant_client.get("/postbacks/").content.decode()
    assert 'class="badge tone-danger" data-status="failing"' in listing and "Connection refused" in listing
    detail = merchant_client.get(f"/postbacks/{bad.id}/").content.decode()
    assert 'data-status="failing"' in detail and "Failing since" in detail and "Connection refused" in detail
