"""Tracking back to the store: when a store order ships, the store gets a fulfilment with the parcel's tracking and
lines (Shopify's fulfillmentCreate on the emulator), retried like any job; a failure is visible on the order page
(with a Retry) and in its history; a refused access marks the store auth_failed and the push waits for the
reconnect; delivered reaches the store where the platform has a place for it."""

from __future__ import annotations

import pytest
from django.test import Client

from platen.accounts import services as accounts
from platen.jobs import Retry
from platen.jobs.models import Job
from platen.kit.errors import Conflict, NotFound
from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.models import Order, OrderEvent
from platen.stores.connectors.base import StoreLine, StoreOrder as StoreOrderData
from platen.stores.models import Fulfillment, ShippingMethodMapping, Store, StoreStatusChange
from platen.stores.services import connections, fulfillments, recreate
from platen.stores.statuses import PushState, StoreStatus
from platen.dashboard import history
from tests.orders.factories import advance
from tests.production import factories as production
from tests.stores.test_recreate import POSTER_SKU, make_store, map_poster, store_order_data

PASSWORD = "a-long-password-for-tests"
TESTS = Actor.system("tests")


@pytest.fixture
def store(account, shop, loopback_fetching):
    store = make_store(account, domain=shop.domain, api_base_url=shop.url)
    Store.objects.filter(pk=store.pk).update(access_token_sealed=connections.seal(shop.token),
                                             webhook_secret_sealed=connections.seal(shop.secret))
    store.refresh_from_db()
    map_poster(store)
    ShippingMethodMapping.objects.create(store=store, store_method="Standard Shipping", shipment_method_uid="normal")
    return store


def created_from_shop(store, shop, settle, quantity: int = 2) -> tuple[Order, object]:
    """An emulated Shopify order, read through the connector, made a Platen order (linked to its store order) and
    through the checks and routing to `created`."""
    placed = shop.add_order([{"sku": POSTER_SKU, "title": "Poster A3", "quantity": quantity}])
    with connections.connector_for(store) as connector:
        data = connector.fetch_order(str(placed.id))
    order = recreate.create(store, data, TESTS)
    settle()
    order.refresh_from_db()
    assert order.fulfillment_status == "created", (order.fulfillment_status, order.problems)
    return order, placed


def push_row(order, kind="shipped") -> Fulfillment:
    return Fulfillment.objects.get(order=order, kind=kind)


def test_a_shipped_store_order_gets_its_fulfilment_with_tracking_in_the_store(store, shop, settle, files):
    order, placed = created_from_shop(store, shop, settle)
    package = production.ship(order, tracking_code="1Z999AA10123456784", carrier_code="ups")
    row = push_row(order)
    assert (row.state, row.tracking_code, row.store_order.external_id) == (PushState.PENDING, package.tracking_code, str(placed.id))
    settle()

    [made] = shop.fulfillments
    assert made.order_id == placed.id
    assert [t["number"] for t in made.tracking] == ["1Z999AA10123456784"]
    assert made.tracking[0]["url"] == package.tracking_url and made.tracking[0]["company"] == package.carrier_name
    assert made.lines == [(placed.lines[0].id, 2)]  # the store's own line, with the parcel's quantity
    row.refresh_from_db()
    assert row.state == PushState.PUSHED and row.pushed_at and row.external_id
    pushed = OrderEvent.objects.get(order=order, type=events.STORE_FULFILLMENT_PUSHED)
    assert pushed.reason == "Tracking 1Z999AA10123456784 sent to Shopify"
    assert history.entry(pushed).title == "Tracking 1Z999AA10123456784 sent to Shopify"

    production.ship(order, tracking_code="1Z999AA10123456784", carrier_code="ups")  # the partner retries: nothing new
    settle()
    assert len(shop.fulfillments) == 1 and Fulfillment.objects.filter(order=order).count() == 1


def test_a_transient_failure_is_retried_then_sent(store, shop, settle, files):
    order, _ = created_from_shop(store, shop, settle)
    production.ship(order, tracking_code="TRK-RETRY")
    row = push_row(order)
    shop.fail(1, 503)
    with pytest.raises(Retry):
        fulfillments.push(row.pk)
    row.refresh_from_db()
    assert row.state == PushState.RETRYING and row.attempts == 1 and row.last_error
    assert not shop.fulfillments
    assert fulfillments.push(row.pk) == PushState.PUSHED
    assert len(shop.fulfillments) == 1


def test_retries_run_out_into_a_visible_failure_with_a_retry(store, shop, settle, files, client_for):
    order, _ = created_from_shop(store, shop, settle)
    production.ship(order, tracking_code="TRK-DOWN")
    row = push_row(order)
    Fulfillment.objects.filter(pk=row.pk).update(attempts=fulfillments.MAX_ATTEMPTS - 1)
    shop.fail(1, 503)
    assert fulfillments.push(row.pk) == PushState.FAILED
    failed = OrderEvent.objects.get(order=order, type=events.STORE_FULFILLMENT_FAILED)
    assert history.entry(failed).title == "Sending tracking to Shopify failed"
    assert "Choose Retry" in failed.reason

    web = client_for(store.account)
    page = web.get(f"/orders/{order.pk}/").content.decode()
    assert "Sending tracking to Shopify failed:" in page and "Retry</button>" in page
    retried = web.post(f"/orders/{order.pk}/store-push/{row.pk}/retry/")
    assert retried.status_code == 302
    row.refresh_from_db()
    assert row.state == PushState.PENDING
    settle()
    row.refresh_from_db()
    assert row.state == PushState.PUSHED and len(shop.fulfillments) == 1
    assert "sent to Shopify" in web.get(f"/orders/{order.pk}/").content.decode()


def test_a_refusal_that_retrying_cannot_help_fails_at_once(store, shop, settle, files):
    order, placed = created_from_shop(store, shop, settle)
    production.ship(order, tracking_code="TRK-CLOSED")
    shop.mark_fulfilled(placed.id)  # fulfilled by hand in the store: nothing left to fulfil
    settle()
    row = push_row(order)
    assert row.state == PushState.FAILED and row.attempts == 1 and row.last_error
    assert OrderEvent.objects.filter(order=order, type=events.STORE_FULFILLMENT_FAILED).count() == 1


def test_a_refused_access_marks_the_store_and_the_push_waits_for_the_reconnect(store, shop, settle, files):
    order, _ = created_from_shop(store, shop, settle)
    production.ship(order, tracking_code="TRK-AUTH")
    real_token, shop.token = shop.token, "rotated"  # the merchant rotated the app's token
    settle()
    row = push_row(order)
    store.refresh_from_db()
    assert store.status == StoreStatus.AUTH_FAILED
    assert row.state == PushState.WAITING and not shop.fulfillments
    failed = OrderEvent.objects.get(order=order, type=events.STORE_FULFILLMENT_FAILED)
    assert failed.params["waiting"] is True and "once the store is reconnected" in failed.reason

    shop.token = real_token
    connections.change_status(store, StoreStatus.ACTIVE, TESTS, reason="Reconnected")  # queues what waited
    with pytest.raises(Conflict):  # a Retry at the same time queues nothing more: one job per push
        fulfillments.retry(store.account, order.pk, row.pk, TESTS)
    assert Job.objects.filter(task_path__endswith="push_fulfillment", status="READY").count() == 1
    settle()
    row.refresh_from_db()
    assert row.state == PushState.PUSHED and len(shop.fulfillments) == 1


def test_delivered_reaches_the_store_after_its_shipment(store, shop, settle, files):
    order, _ = created_from_shop(store, shop, settle)
    production.ship(order, tracking_code="TRK-DELIVERED")
    advance(order.pk, "delivered")  # the order moves without naming its parcel: every parcel of it was delivered
    row = push_row(order, "delivered")
    assert fulfillments.push(row.pk) == PushState.WAITING  # its shipment has not reached the store yet
    settle()
    row.refresh_from_db()
    assert push_row(order).state == PushState.PUSHED
    assert row.state == PushState.PUSHED
    assert [e["status"] for e in shop.fulfillment_events] == ["DELIVERED"]
    told = OrderEvent.objects.get(order=order, type=events.STORE_FULFILLMENT_PUSHED, params__kind="delivered")
    assert history.entry(told).title == "Delivery reported to Shopify"


def test_orders_not_from_a_store_push_nothing(api, settle, files):
    order = production.created_order(api, settle)
    production.ship(order)
    assert not Fulfillment.objects.exists()


def created_from_snapshot(account, settle) -> tuple[Store, Order]:
    """A store order Platen recorded (no platform asked), made an order and routed: for what needs no connector."""
    store = make_store(account, api_base_url="http://127.0.0.1:9")
    map_poster(store)
    order = recreate.create(store, store_order_data(), TESTS)
    settle()
    order.refresh_from_db()
    assert order.fulfillment_status == "created", (order.fulfillment_status, order.problems)
    return store, order


def test_each_parcel_and_each_delivery_is_one_push_queued_with_the_change(account, settle, files):
    store, order = created_from_snapshot(account, settle)
    connections.change_status(store, StoreStatus.DISCONNECTED, TESTS, reason="Paused by the merchant")
    production.ship(order, tracking_code="TRK-PAUSED")
    production.ship(order, tracking_code="TRK-PAUSED")  # the partner sends it again: the same parcel
    assert [(r.kind, r.tracking_code, r.state) for r in Fulfillment.objects.filter(order=order)] == [
        ("shipped", "TRK-PAUSED", PushState.PENDING)]
    assert Job.objects.filter(task_path__endswith="push_fulfillment", status="READY").count() == 1
    advance(order.pk, "delivered")
    assert [(r.kind, r.tracking_code) for r in Fulfillment.objects.filter(order=order)] == [
        ("shipped", "TRK-PAUSED"), ("delivered", "TRK-PAUSED")]

    settle()  # the store is not connected: nothing is asked of it, the pushes wait
    rows = list(Fulfillment.objects.filter(order=order))
    assert [r.state for r in rows] == [PushState.WAITING, PushState.WAITING]
    assert "not connected" in rows[0].last_error and rows[0].attempts == 0
    assert not OrderEvent.objects.filter(order=order, type__startswith="store_fulfillment").exists()
    with pytest.raises(Conflict):  # Retry asks for the store to be connected first
        fulfillments.retry(account, order.pk, rows[0].pk, TESTS)
    assert StoreStatusChange.objects.filter(store=store).count() == 2


def test_another_accounts_order_push_cannot_be_retried(account, other_account, settle, files):
    store, order = created_from_snapshot(account, settle)
    production.ship(order, tracking_code="TRK-1")
    row = push_row(order)
    with pytest.raises(NotFound):
        fulfillments.retry(other_account, order.pk, row.pk, TESTS)


def test_store_lines_follow_the_parcels_items():
    data = store_order_data(lines=[StoreLine("L1", 2, variant_id="v1", sku="A"), StoreLine("L2", 1, variant_id="v2", sku="B")])
    from platen.orders.models import OrderItem

    by_reference = OrderItem(item_reference_id="L2", quantity=1, position=0)
    by_variant = OrderItem(item_reference_id="x", store_product_variant_id="v1", quantity=2, position=5)
    by_position = OrderItem(item_reference_id="y", quantity=1, position=1)
    assert fulfillments.store_lines([by_reference, by_variant], data) == (("L2", 1), ("L1", 2))
    assert fulfillments.store_lines([by_position], data) == (("L2", 1),)
    assert fulfillments.store_lines([by_position], None) == ()
    assert isinstance(data, StoreOrderData)


@pytest.fixture
def client_for(db):
    def make(account) -> Client:
        user = accounts.create_user(account, f"merchant-{account.pk.hex[:6]}@example.com", PASSWORD)
        web = Client()
        web.force_login(user)
        return web

    return make
