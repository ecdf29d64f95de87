"""Alerts: each kind opens once while its condition lasts, with an e-mail (outbox) and a postback to a real
receiver, and resolves when the condition ends."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from django.db import connection
from django.test.utils import CaptureQueriesContext

from platen.diagnostics.models import Alert, StatusSpan
from platen.diagnostics.services import alerts, analytics_spans
from platen.kit.actors import Actor
from platen.notifications.models import OutboxMessage
from platen.orders import events
from platen.orders.models import Order, OrderEvent
from platen.stores.models import Store, StoreOrder, StoreWebhook
from platen.stores.services import connections
from platen.stores.statuses import Bucket, SeenVia, StoreStatus
from tests.emulators.receiver import Receiver
from tests.notifications.conftest import drive
from tests.orders.factories import advance
from tests.stores import factories

pytestmark = pytest.mark.django_db
TESTS = Actor.system("tests")


@pytest.fixture
def subscribed(api):
    with override_settings(PLATEN=dataclasses.replace(settings.PLATEN, fetch_allow_private=True)), Receiver() as receiver:
        answer = api.post("/v4/webhooks", {"url": receiver.url, "events": ["store_sync_alert", "order_stuck"]})
        assert answer.status_code == 201, answer.content
        receiver.secret = answer.json()["secret"]
        yield receiver


@pytest.fixture
def shop(account):
    return factories.store(account)


def mails(kind: str) -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(kind=kind))


def alert_postbacks(receiver, count: int) -> list[dict]:
    drive()
    return [r.payload for r in receiver.wait_for(count)]


def open_alerts(kind: str) -> list[Alert]:
    return list(Alert.objects.filter(kind=kind, resolved_at__isnull=True))


def test_an_auth_failure_opens_a_store_sync_alert_once_without_a_second_e_mail(shop, subscribed):
    connections.change_status(shop, StoreStatus.AUTH_FAILED, TESTS, reason="Shopify refused Platen's access token.")
    alerts.sweep()
    [alert] = open_alerts("store_sync_alert")
    assert alert.key == f"auth:{shop.pk}" and "Reconnect" in alert.message
    [opened] = alert_postbacks(subscribed, 1)
    assert opened["event"] == "store_sync_alert" and opened["alert"]["state"] == "opened"
    assert opened["alert"]["storeId"] == str(shop.pk) and "Reconnect" in opened["alert"]["whatToDo"]
    assert len(mails("store_auth_failed")) == 1 and mails("store_sync_alert") == []

    connections.change_status(shop, StoreStatus.ACTIVE, TESTS)
    alerts.sweep()
    assert open_alerts("store_sync_alert") == [] and Alert.objects.get().resolved_at is not None
    resolved = alert_postbacks(subscribed, 2)[1]
    assert resolved["alert"]["state"] == "resolved" and resolved["alert"]["id"] == opened["alert"]["id"]


def test_webhooks_silent_while_pulls_find_orders_open_a_store_sync_alert(shop, subscribed):
    now = timezone.now()
    for minutes in (300, 290, 280, 270):  # a webhook every 10 minutes, then none for four and a half hours
        hook = StoreWebhook.objects.create(store=shop, delivery_id=f"d{minutes}", topic="orders/create")
        StoreWebhook.objects.filter(pk=hook.pk).update(received_at=now - timedelta(minutes=minutes))
    Store.objects.filter(pk=shop.pk).update(last_webhook_at=now - timedelta(minutes=270))
    alerts.sweep(now)
    assert open_alerts("store_sync_alert") == []  # silent, but pulls found nothing: the store may just be quiet
    for n in (1, 2):
        StoreOrder.objects.create(store=shop, external_id=f"77{n}", number=f"#77{n}", placed_at=now, bucket=Bucket.IMPORTED,
                                  snapshot={}, seen_via=SeenVia.PULL)
    alerts.sweep(now)
    alerts.sweep(now)
    [alert] = open_alerts("store_sync_alert")
    assert alert.key == f"webhooks:{shop.pk}" and alert.details["pulledSince"] == 2
    [mail] = mails("store_sync_alert")
    assert mail.context["title"] == f"Your store {shop} stopped sending order notifications"
    assert "found 2 new orders" in mail.context["message"] and "Reconnect" in mail.context["todo"]
    [opened] = alert_postbacks(subscribed, 1)
    assert opened["alert"]["details"]["reason"] == "webhooks_silent"
    drive()
    assert OutboxMessage.objects.get(pk=mail.pk).subject == mail.context["title"]

    Store.objects.filter(pk=shop.pk).update(last_webhook_at=now)
    alerts.sweep(now)
    assert open_alerts("store_sync_alert") == [] and len(mails("store_sync_alert")) == 1
    assert alert_postbacks(subscribed, 2)[1]["alert"]["state"] == "resolved"


def _order(shop) -> Order:
    return factories.not_connected_order(shop, [factories.Line(None, sku="X-1", title="Poster")])


def _at(order, moment, to: str = "") -> None:
    """Date the order's history (its moves to `to` only, when given) at `moment`."""
    moves = OrderEvent.objects.filter(order=order)
    (moves.filter(type=events.ORDER_STATUS_CHANGED, params__to=to) if to else moves).update(created_at=moment)
    analytics_spans.rebuild([order.pk])  # the status-time rollup follows the history it is made from


def test_orders_in_a_status_far_longer_than_normal_open_one_order_stuck_alert(shop, subscribed):
    now = timezone.now()
    for n in range(10):  # the normal: 10 minutes in production
        order = _order(shop)
        advance(order.pk, "received", "passed", "created", "in_production", "printed")
        _at(order, now - timedelta(days=1, minutes=n * 30))
        _at(order, now - timedelta(days=1, minutes=n * 30 - 10), to="printed")
    late = _order(shop)
    advance(late.pk, "received", "passed", "created", "in_production")
    _at(late, now - timedelta(hours=3))
    fresh = _order(shop)
    advance(fresh.pk, "received", "passed", "created", "in_production")  # just started: not stuck

    alerts.sweep(now)
    alerts.sweep(now)
    [alert] = open_alerts("order_stuck")
    assert alert.key == "status:in_production" and alert.details["orderIds"] == [str(late.pk)]
    assert (alert.details["normalSeconds"], alert.details["limitSeconds"]) == (600, 3600)
    [mail] = mails("order_stuck")
    assert mail.context["message"] == ("1 order has been in production for longer than 60 minutes; normally "
                                       "9 in 10 orders leave this status within 10 minutes.")
    assert mail.context["items"] == [f"Order {late.order_reference_id}: in production since "
                                     f"{(now - timedelta(hours=3)):%d %b %Y %H:%M} UTC"]
    assert "contact Platen support" in mail.context["todo"]
    [opened] = alert_postbacks(subscribed, 1)
    assert opened["event"] == "order_stuck" and opened["alert"]["details"]["count"] == 1

    advance(late.pk, "printed")
    alerts.sweep(now)
    assert open_alerts("order_stuck") == [] and len(mails("order_stuck")) == 1
    resolved = alert_postbacks(subscribed, 2)[1]
    assert resolved["event"] == "order_stuck" and resolved["alert"]["state"] == "resolved"


def test_the_stuck_sweep_reads_the_status_rollup_in_a_few_queries_whatever_the_history(account, shop):
    now = timezone.now()
    for n in range(12):  # the normal: 10 minutes in production, with a long history of earlier moves
        order = _order(shop)
        advance(order.pk, "received", "passed", "created", "in_production", "printed", "packaged")
        _at(order, now - timedelta(days=2, minutes=n))
        _at(order, now - timedelta(days=2, minutes=n - 10), to="printed")
    late = _order(shop)
    advance(late.pk, "received", "passed", "created", "in_production")
    _at(late, now - timedelta(hours=2))
    history = OrderEvent._meta.db_table
    with CaptureQueriesContext(connection) as queries:
        alerts.orders_stuck(account.pk, now)
    [alert] = open_alerts("order_stuck")
    assert alert.details["orderIds"] == [str(late.pk)] and alert.details["normalSeconds"] == 600
    assert not [q["sql"] for q in queries if history in q["sql"]]  # the rollup, never the order history
    # No query per order: the counts, a p90 and a stuck list per status with a normal, the open alerts of the others
    # and opening this one (its e-mail and postback) made 28 when written.
    assert len(queries) <= 30, len(queries)

    # The rollup is what counts: an open span closed (the order moved on) means no order is stuck any longer.
    StatusSpan.objects.filter(order=late, left_at__isnull=True).update(left_at=now, seconds=7200)
    alerts.orders_stuck(account.pk, now)
    assert open_alerts("order_stuck") == []


def test_a_jump_in_todays_failed_share_opens_a_failure_rate_alert(shop):
    now = timezone.now()
    before = [_order(shop) for _ in range(10)]
    Order.objects.filter(pk__in=[o.pk for o in before]).update(created_at=now - timedelta(days=2))
    today = [_order(shop) for _ in range(10)]
    for order in today[:3]:
        advance(order.pk, "received", "failed")
    alerts.sweep(now)
    alerts.sweep(now)
    [alert] = open_alerts("failure_rate")
    assert alert.details == {"failedToday": 3, "ordersToday": 10, "shareToday": 0.3, "sharePrevious7Days": 0.0}
    [mail] = mails("failure_rate")
    assert mail.context["message"] == "3 of today's 10 orders failed (30%), against 0% over the previous 7 days."
    assert mail.context["title"] == "30% of today's orders failed" and "reprocess" in mail.context["todo"]

    for _ in range(10):
        _order(shop)  # a better afternoon: 3 of 20
    alerts.sweep(timezone.now())
    assert open_alerts("failure_rate") == [] and len(mails("failure_rate")) == 1
