"""Scheduled pulls against the Shopify and BigCommerce emulators: cursor, overlap, progress kept page by page,
auth failures in the middle, transient failures retried, one pull per store at a time, the due-pull scheduler."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from platen.catalog.models import ShipmentMethod
from platen.intake.models import IntakeRequest
from platen.jobs import Retry, run_pending
from platen.kit.actors import Actor
from platen.orders.models import Order
from platen.stores.connectors.base import ConnectorError
from platen.stores.models import ShippingMethodMapping, SkuMapping, Store, StoreOrder, StoreProduct
from platen.stores import tasks
from platen.stores.services import connections, importing, pulls
from platen.stores.statuses import Bucket, StoreStatus
from tests.emulators.bigcommerce import BigCommerceEmulator
from tests.emulators.shopify import ShopifyEmulator
from tests.orders.factories import POSTER
from tests.stores.import_support import bigcommerce_store, make_store, print_files, shopify_store

pytestmark = pytest.mark.django_db
PULL = "platen.stores.tasks.pull_store"
SYNC_PRODUCTS = "platen.stores.tasks.sync_products"


def fresh(store) -> Store:
    return Store.objects.get(pk=store.pk)


def test_a_pull_records_every_order_and_moves_the_cursor_to_the_newest_change(store, shop):
    orders = shop.add_orders(3, spacing=timedelta(minutes=1))
    result = pulls.pull(store)
    assert (result.read, result.processed, result.stopped) == (3, 3, "")
    assert StoreOrder.objects.filter(seen_via="pull").count() == 3
    assert IntakeRequest.objects.filter(channel="shopify", store_id=store.pk).count() == 3
    store = fresh(store)
    assert store.pull_cursor == max(o.updated_at for o in orders)
    assert store.last_pulled_at is not None and store.last_pull_error == "" and store.pulling_until is None
    assert store.next_pull_at == store.last_pulled_at + timedelta(minutes=store.pull_interval_minutes)
    again = pulls.pull(store)  # the overlap reads them again: unchanged, nothing done
    assert (again.read, again.processed) == (3, 0) and IntakeRequest.objects.count() == 3


def test_a_pulled_order_with_mapped_items_is_imported(store, shop):
    product = shop.add_product("Poster", [{"sku": "PA3-MATTE", "options": {"Size": "A3"}}])
    shop.add_order([{"variant": product.variants[0], "quantity": 1}], shipping_title=None)
    SkuMapping.objects.create(store=store, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
    pulls.pull(store)
    row = StoreOrder.objects.get()
    assert row.bucket == Bucket.IMPORTED and Order.objects.get().intake_request.channel == "shopify"


def test_an_auth_failure_after_the_first_page_stops_the_store_and_keeps_the_cursor(store, shop):
    orders = shop.add_orders(15, spacing=timedelta(minutes=1))
    shop.fail(1, 401, after=1)  # page 1 (10 orders) answers, page 2 is refused
    result = pulls.pull(store)
    assert result.read == 10 and "reconnect" in result.stopped
    store = fresh(store)
    assert store.status == StoreStatus.AUTH_FAILED and "Shopify refused" in store.status_reason
    assert store.last_pull_error == store.status_reason and store.pulling_until is None
    assert store.pull_cursor == orders[9].updated_at  # the last order fully processed
    assert StoreOrder.objects.count() == 10
    assert pulls.pull(store).stopped == "the store is auth_failed"  # nothing is asked of the store meanwhile


def test_a_transient_failure_is_recorded_and_retried_from_the_cursor(store, shop):
    shop.add_orders(2, spacing=timedelta(minutes=1))
    shop.fail(1, 503)
    with pytest.raises(ConnectorError):
        pulls.pull(store)
    store = fresh(store)
    assert store.last_pull_error and store.pull_cursor is None and store.pulling_until is None
    assert store.status == StoreStatus.ACTIVE
    assert pulls.pull(store).processed == 2 and fresh(store).last_pull_error == ""


def test_one_pull_per_store_at_a_time(store, shop):
    Store.objects.filter(pk=store.pk).update(pulling_until=timezone.now() + timedelta(minutes=5))
    with pytest.raises(Retry):
        pulls.pull(fresh(store))
    Store.objects.filter(pk=store.pk).update(pulling_until=timezone.now() - timedelta(seconds=1))  # lease ran out
    assert pulls.pull(fresh(store)).stopped == ""


def test_due_stores_get_one_pull_each_and_others_none(account, store, shop):
    now = timezone.now()
    other = make_store(account, domain="later.myshopify.com")
    Store.objects.filter(pk=other.pk).update(next_pull_at=now + timedelta(minutes=30))
    stopped = make_store(account, domain="stopped.myshopify.com")
    connections.change_status(stopped, StoreStatus.DISCONNECTED, Actor.system("tests"))
    assert pulls.enqueue_due(now) == 1
    assert pulls.enqueue_due(now) == 0  # the due time is claimed once
    jobs = DBTaskResult.objects.filter(task_path=PULL)
    assert [j.args_kwargs["args"] for j in jobs] == [[str(store.pk)]]
    assert fresh(store).next_pull_at == now + timedelta(minutes=60)


def test_sync_now_queues_a_pull_that_imports_at_once_and_a_product_sync(store, shop):
    shop.add_orders(2, spacing=timedelta(minutes=1))
    shop.add_product("Sunset poster", [{"sku": "SUN-A3", "options": {"Size": "A3"}}])
    pulls.sync_now(store)
    assert DBTaskResult.objects.filter(task_path=PULL).count() == 1
    assert DBTaskResult.objects.filter(task_path=SYNC_PRODUCTS).count() == 1
    run_pending()
    assert StoreOrder.objects.count() == 2 and fresh(store).last_pulled_at is not None
    assert StoreProduct.objects.filter(store=store, title="Sunset poster").exists()
    assert fresh(store).products_synced_at is not None


def test_a_due_pull_queues_a_product_sync_once_they_were_read_a_day_ago(account, store):
    now = timezone.now()
    Store.objects.filter(pk=store.pk).update(products_synced_at=now - timedelta(hours=25))
    recent = make_store(account, domain="recent.myshopify.com", products_synced_at=now - timedelta(hours=23))
    new = make_store(account, domain="new.myshopify.com", connected_at=now - timedelta(minutes=5))  # its first read is queued
    assert pulls.enqueue_due(now) == 3
    syncs = DBTaskResult.objects.filter(task_path=SYNC_PRODUCTS)
    assert [j.args_kwargs["args"] for j in syncs] == [[str(store.pk)]]
    assert pulls.enqueue_due(now) == 0 and syncs.count() == 1  # only with a due pull
    assert {recent.pk, new.pk}.isdisjoint({j.args_kwargs["args"][0] for j in syncs})


def test_a_bigcommerce_pull_records_unpaid_and_hand_changed_orders_with_their_reasons(account, loopback_fetching):
    with BigCommerceEmulator(quota=10_000) as bc:
        store = bigcommerce_store(account, bc)
        SkuMapping.objects.create(store=store, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
        ShippingMethodMapping.objects.create(store=store, store_method="Flat Rate",
                                             shipment_method_uid=ShipmentMethod.objects.order_by("uid").first().uid)
        ready = bc.add_order([{"sku": "PA3-MATTE", "quantity": 1}])
        unpaid = bc.add_order([{"sku": "PA3-MATTE", "quantity": 1}], status_id=7)
        shipped = bc.add_order([{"sku": "PA3-MATTE", "quantity": 1}])
        bc.set_status(shipped, 10)
        pulls.pull(store)
    rows = {r.external_id: r for r in StoreOrder.objects.all()}
    assert rows[str(ready)].bucket == Bucket.IMPORTED and Order.objects.get().external_id == str(ready)
    assert rows[str(unpaid)].reason_code == "not_paid"
    assert rows[str(shipped)].reason_code == "status_changed"
    assert "'Awaiting Fulfillment'" in rows[str(shipped)].reason and "changed by hand" in rows[str(shipped)].reason


def test_paid_within_the_same_second_is_still_imported_by_the_next_pull(account, loopback_fetching):
    frozen = timezone.now().replace(microsecond=0)
    with ShopifyEmulator(now=lambda: frozen) as shop:
        store = shopify_store(account, shop)
        product = shop.add_product("Poster", [{"sku": "PA3-MATTE"}])
        order = shop.add_order([{"variant": product.variants[0]}], financial_status="pending", shipping_title=None)
        SkuMapping.objects.create(store=store, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
        pulls.pull(store)
        assert StoreOrder.objects.get().reason_code == "not_paid"
        shop.mark_paid(order.id)  # Shopify stamps it with the same second
        assert pulls.pull(fresh(store)).processed == 1
    assert StoreOrder.objects.get().bucket == Bucket.IMPORTED


def test_import_now_asks_the_store_again(store, shop):
    product = shop.add_product("Poster", [{"sku": "PA3-MATTE"}])
    order = shop.add_order([{"variant": product.variants[0]}], financial_status="pending", shipping_title=None)
    SkuMapping.objects.create(store=store, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
    pulls.pull(store)
    row = StoreOrder.objects.get()
    assert row.reason_code == "not_paid"
    shop.mark_paid(order.id)
    assert importing.import_now(row).bucket == Bucket.IMPORTED  # read from Shopify again: paid now
    assert Order.objects.get().intake_request.status == "accepted"


def test_the_retry_waiting_job_imports_orders_whose_sku_was_mapped(store, shop):
    product = shop.add_product("Poster", [{"sku": "PA3-MATTE"}])
    shop.add_order([{"variant": product.variants[0]}], shipping_title=None)
    pulls.pull(store)
    assert StoreOrder.objects.get().reason_code == "sku_not_mapped"
    with transaction.atomic():
        SkuMapping.objects.create(store=store, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
        tasks.enqueue_retry_waiting(store)
    run_pending()
    assert StoreOrder.objects.get().bucket == Bucket.IMPORTED
