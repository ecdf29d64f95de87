"""The import rules, through the import service with store orders built by hand (no platform needed)."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta

import pytest
from django.db import connection
from django_tasks_db.models import DBTaskResult

from platen.catalog.models import ShipmentMethod
from platen.intake import services as intake
from platen.intake.models import IntakeRequest
from platen.kit.actors import Actor
from platen.notifications.models import OutboxMessage
from platen.notifications.statuses import EmailKind
from platen.orders.models import Order, OrderEvent
from platen.stores.models import ShippingMethodMapping, SkuMapping, StoreOrder, StoreProduct, StoreVariant
from platen.stores.services import connections, importing
from platen.stores.statuses import Bucket, Connection, SeenVia, StoreStatus
from tests.orders.factories import POSTER, advance
from tests.stores.import_support import CONNECTED, make_store, poster_line, print_files, store_order

pytestmark = pytest.mark.django_db
CHECKS = "platen.orders.tasks.check_order"


@pytest.fixture
def store(account):
    return make_store(account)


@pytest.fixture
def mapped(store):
    return SkuMapping.objects.create(store=store, sku="PA3-MATTE", product_uid=POSTER, files=print_files())


def arrive(store, data, via=SeenVia.WEBHOOK) -> StoreOrder:
    import json

    request = intake.receive(store.account, store.platform, json.dumps(data.as_dict()), store_id=store.id)
    return importing.import_order(store, data, via, request)


def test_a_paid_unfulfilled_order_becomes_one_received_order_with_its_checks_queued(store, mapped):
    row = arrive(store, store_order())
    assert row.bucket == Bucket.IMPORTED and row.reason == ""
    order = Order.objects.get()
    assert row.order_id == order.pk
    assert (order.channel, order.store_id, order.source_key, order.external_id) == ("shopify", store.id, str(store.id), "450789469")
    assert order.order_reference_id == "#1001" and order.customer_reference_id == "ada@example.com"
    assert order.fulfillment_status == "received"
    item = order.items.get()
    assert (item.item_reference_id, item.product_uid, item.quantity, item.store_product_variant_id) == ("11001", POSTER, 2, "8001")
    assert item.metadata == [{"key": "Dedication", "value": "For Ada"}]
    assert [f.url for f in item.files.all()] == [print_files()[0]["url"]]
    assert order.events.get(type="order_created").actor_label == "Shopify"
    assert DBTaskResult.objects.filter(task_path=CHECKS).count() == 1
    request = IntakeRequest.objects.get()
    assert (request.status, request.order_id, request.channel, request.store_id) == ("accepted", order.pk, "shopify", store.id)


def test_the_same_order_seen_twice_stays_one_order(store, mapped):
    first = arrive(store, store_order(), SeenVia.WEBHOOK)
    second = arrive(store, store_order(), SeenVia.PULL)
    assert first.pk == second.pk and Order.objects.count() == 1 and StoreOrder.objects.count() == 1
    assert sorted(IntakeRequest.objects.values_list("status", flat=True)) == ["accepted", "duplicate"]


def test_an_older_update_after_a_newer_one_changes_nothing(store, mapped):
    newer = store_order(updated_at=CONNECTED + timedelta(days=2))
    arrive(store, newer)
    older = dataclasses.replace(newer, updated_at=CONNECTED + timedelta(days=1, hours=1), paid=False, store_status="Pending")
    row = arrive(store, older)
    row.refresh_from_db()
    assert row.store_updated_at == newer.updated_at and row.store_status == "Paid · Unfulfilled"
    assert row.bucket == Bucket.IMPORTED and Order.objects.count() == 1


def test_an_update_stamped_the_same_second_may_not_undo_paid_or_cancelled(store, mapped):
    paid = store_order()
    arrive(store, paid)
    row = arrive(store, dataclasses.replace(paid, paid=False, store_status="Pending"))  # the create, delivered late
    assert row.bucket == Bucket.IMPORTED and row.store_status == "Paid · Unfulfilled"
    cancelled = dataclasses.replace(paid, cancelled_at=paid.updated_at)
    assert arrive(store, cancelled).order.fulfillment_status == "canceled"  # same second, but forward: applied


def test_an_unpaid_order_is_skipped_then_imported_when_the_paid_update_comes(store, mapped):
    placed = CONNECTED + timedelta(days=1)
    row = arrive(store, store_order(paid=False, payment_pending=True, store_status="Payment pending · Unfulfilled"))
    assert (row.bucket, row.reason_code) == (Bucket.SKIPPED, "not_paid")
    assert "pending" in row.reason and "'Payment pending · Unfulfilled'" in row.reason and not Order.objects.exists()
    row = arrive(store, store_order(updated_at=placed + timedelta(hours=1)))
    assert row.bucket == Bucket.IMPORTED and Order.objects.count() == 1


def test_an_order_never_paid_says_so(store, mapped):
    row = arrive(store, store_order(paid=False, store_status="Unpaid · Unfulfilled"))
    assert row.reason == ("The order is not paid in Shopify (its status is 'Unpaid · Unfulfilled'): Platen imports only "
                          "paid orders, and imports this one when the store reports it paid.")


def test_orders_placed_before_the_store_was_connected_are_skipped_for_good(store, mapped):
    before = CONNECTED - timedelta(hours=3)
    row = arrive(store, store_order(at=before))
    assert (row.bucket, row.reason_code) == (Bucket.SKIPPED, "placed_before_connection")
    assert "before the store was connected" in row.reason
    row = arrive(store, store_order(at=before, updated_at=CONNECTED + timedelta(days=1)))  # a later update: still not
    assert row.bucket == Bucket.SKIPPED and not Order.objects.exists()


def test_orders_placed_while_the_store_was_disconnected_are_skipped(store, mapped):
    connections.change_status(store, StoreStatus.DISCONNECTED, Actor.system("tests"), at=CONNECTED + timedelta(days=1))
    connections.change_status(store, StoreStatus.ACTIVE, Actor.system("tests"), at=CONNECTED + timedelta(days=2))
    row = arrive(store, store_order(at=CONNECTED + timedelta(days=1, hours=5)))
    assert (row.bucket, row.reason_code) == (Bucket.SKIPPED, "store_not_active")
    assert "was disconnected" in row.reason
    assert arrive(store, store_order(at=CONNECTED + timedelta(days=3), external_id="2", number="#1002")).bucket == Bucket.IMPORTED


def test_a_status_changed_by_hand_is_recorded_with_the_store_s_words(store, mapped):
    row = arrive(store, store_order(awaiting_fulfillment=False, store_status="Paid · Fulfilled"))
    assert (row.bucket, row.reason_code) == (Bucket.SKIPPED, "status_changed")
    assert row.reason == ("The order's status in Shopify is 'Paid · Fulfilled', not 'Unfulfilled': Platen imports only "
                          "paid orders awaiting fulfilment; was the status changed by hand?")


def test_an_unmapped_sku_waits_and_imports_when_the_mapping_is_added(store):
    row = arrive(store, store_order())
    assert (row.bucket, row.reason_code) == (Bucket.WAITING, "sku_not_mapped")
    assert "PA3-MATTE" in row.reason and "'Poster A3 / Matte'" in row.reason
    SkuMapping.objects.create(store=store, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
    assert importing.retry_waiting(store) == 1
    row.refresh_from_db()
    assert row.bucket == Bucket.IMPORTED and row.order.items.get().product_uid == POSTER
    assert row.order.intake_request.status == "accepted"  # the retry gets its own intake request
    assert importing.retry_waiting(store) == 0 and Order.objects.count() == 1


def test_an_unmapped_shipping_method_waits_until_it_is_mapped(store, mapped):
    row = arrive(store, store_order(shipping_method="Next day (DHL)"))
    assert (row.bucket, row.reason_code) == (Bucket.WAITING, "shipping_method_not_mapped")
    assert "'Next day (DHL)'" in row.reason
    method = ShipmentMethod.objects.order_by("uid").first()
    ShippingMethodMapping.objects.create(store=store, store_method="next day (dhl)", shipment_method_uid=method.uid)
    importing.retry_waiting(store)
    row.refresh_from_db()
    assert row.bucket == Bucket.IMPORTED and row.order.requested_shipment_method == method.uid


def test_a_variant_not_connected_is_skipped_without_the_setting(store):
    product = StoreProduct.objects.create(store=store, external_id="7001", title="Poster", synced_at=CONNECTED)
    StoreVariant.objects.create(store=store, product=product, external_id="8001", sku="PA3-MATTE", title="A3 / Matte")
    row = arrive(store, store_order())
    assert (row.bucket, row.reason_code) == (Bucket.SKIPPED, "product_not_connected")
    assert row.reason.startswith("'Poster A3 / Matte' (SKU PA3-MATTE) is not connected")


def test_with_import_not_connected_every_item_waits_in_a_not_connected_order(account, mapped):
    store = mapped.store
    store.import_not_connected = True
    store.save()
    product = StoreProduct.objects.create(store=store, external_id="7002", title="Mug", synced_at=CONNECTED)
    StoreVariant.objects.create(store=store, product=product, external_id="8002", sku="MUG-W", title="White")
    mug = poster_line(external_id="11002", product_id="7002", variant_id="8002", sku="MUG-W", title="Mug / White", quantity=1)
    row = arrive(store, store_order(lines=(poster_line(), mug)))
    order = row.order
    assert row.bucket == Bucket.IMPORTED and order.fulfillment_status == "not_connected"
    items = {i.item_reference_id: i for i in order.items.all()}
    assert {i.fulfillment_status for i in items.values()} == {"not_connected"}
    assert items["11001"].product_uid == POSTER and items["11002"].product_uid == ""
    assert items["11002"].store_product_variant_id == "8002"
    assert [p["code"] for p in order.problems] == ["product_not_connected"] and "'Mug / White'" in order.problems[0]["message"]
    assert DBTaskResult.objects.filter(task_path=CHECKS).count() == 0  # the checks run once it is completed
    assert order.events.filter(type="order_created").exists() and not order.events.filter(type="item_status_changed").exists()
    if "not_connected" in {k.value for k in EmailKind}:  # the completion part e-mails the merchant, naming the items
        mail = OutboxMessage.objects.get(order=order, kind="not_connected")
        assert [i["reference"] for i in mail.context["items"]] == ["11002"]


def test_an_order_whose_items_are_all_ignored_is_not_imported(store):
    product = StoreProduct.objects.create(store=store, external_id="7001", title="Poster", synced_at=CONNECTED)
    StoreVariant.objects.create(store=store, product=product, external_id="8001", connection=Connection.IGNORED)
    row = arrive(store, store_order())
    assert (row.bucket, row.reason_code) == (Bucket.SKIPPED, "all_items_ignored")


def test_an_ignored_item_beside_a_connected_one_is_kept_ignored(store, mapped):
    product = StoreProduct.objects.create(store=store, external_id="7003", title="Gift card", synced_at=CONNECTED)
    StoreVariant.objects.create(store=store, product=product, external_id="8003", connection=Connection.IGNORED)
    gift = poster_line(external_id="11003", variant_id="8003", sku="GIFT", title="Gift card", quantity=1)
    row = arrive(store, store_order(lines=(poster_line(), gift)))
    items = {i.item_reference_id: i for i in row.order.items.all()}
    assert items["11003"].is_ignored and items["11003"].fulfillment_status == "canceled"
    assert row.order.fulfillment_status == "received"


def test_an_address_that_does_not_fit_makes_the_order_failed_with_problems(store, mapped):
    long_street = dataclasses.replace(store_order().shipping_address, address1="Very Long Street Name That Goes On 123456")
    row = arrive(store, store_order(shipping_address=long_street))
    order = row.order
    assert order.fulfillment_status == "failed"
    assert order.problems[0]["field"] == "shippingAddress.addressLine1" and "at most 35" in order.problems[0]["message"]


def test_a_cancellation_in_the_store_cancels_the_order_while_it_may(store, mapped):
    arrive(store, store_order())
    row = arrive(store, store_order(updated_at=CONNECTED + timedelta(days=2), cancelled_at=CONNECTED + timedelta(days=2)))
    assert row.order.fulfillment_status == "canceled" and row.bucket == Bucket.IMPORTED
    assert row.order.events.filter(type="cancel_requested", actor_label="Shopify").exists()


def test_a_cancellation_after_printing_is_refused_and_the_merchant_told_once(store, mapped):
    row = arrive(store, store_order())
    advance(row.order_id, "uploading", "passed", "created", "in_production", "printed")
    for hours in (1, 2):
        cancelled = store_order(updated_at=CONNECTED + timedelta(days=2, hours=hours), cancelled_at=CONNECTED + timedelta(days=2))
        row = arrive(store, cancelled)
    order = Order.objects.get()
    assert order.fulfillment_status == "printed"
    assert OrderEvent.objects.filter(order=order, type=importing.CANCEL_TOO_LATE).count() == 1
    assert "too late" in row.reason or "already printed" in row.reason
    mail = OutboxMessage.objects.get(order=order, kind="needs_action")
    assert "#1001" in mail.subject and "already printed" in mail.body_text


def test_a_store_order_cancelled_before_import_is_skipped(store, mapped):
    row = arrive(store, store_order(cancelled_at=CONNECTED + timedelta(days=1, hours=1)))
    assert (row.bucket, row.reason_code) == (Bucket.SKIPPED, "cancelled_in_store")


def test_a_new_address_in_the_store_follows_before_printing(store, mapped):
    arrive(store, store_order())
    moved = dataclasses.replace(store_order().shipping_address, address1="Friedrichstrasse 43", post_code="10117")
    row = arrive(store, store_order(updated_at=CONNECTED + timedelta(days=2), shipping_address=moved))
    assert row.order.shipping_address.address_line1 == "Friedrichstrasse 43"
    assert row.order.events.filter(type="shipping_address_updated").exists()


def test_import_now_reapplies_the_rules_to_the_last_copy(store):
    row = arrive(store, store_order())
    assert row.bucket == Bucket.WAITING
    SkuMapping.objects.create(store=store, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
    connections.change_status(store, StoreStatus.DISCONNECTED, Actor.system("tests"))  # no platform to ask: the snapshot
    assert importing.import_now(StoreOrder.objects.get()).bucket == Bucket.IMPORTED


@pytest.mark.django_db(transaction=True)
def test_a_webhook_and_a_pull_of_the_same_order_at_the_same_moment_make_one_order(account):
    store = make_store(account)
    SkuMapping.objects.create(store=store, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
    data = store_order()
    n = 6
    barrier = threading.Barrier(n)
    errors: list = []

    def run(via: str) -> None:
        try:
            barrier.wait(timeout=30)
            importing.import_order(store, data, via)
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(SeenVia.WEBHOOK if i % 2 else SeenVia.PULL,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert Order.objects.count() == 1 and StoreOrder.objects.count() == 1
    assert StoreOrder.objects.get().order_id == Order.objects.get().pk
