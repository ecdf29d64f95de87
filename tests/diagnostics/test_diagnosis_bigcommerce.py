""""Why isn't my order here?" for BigCommerce: a scenario per cause that applies to it, built with the BigCommerce
emulator and the real services (pulls, thin webhooks through the hooks endpoint, product syncs, the connection
history), asserting the exact cause code, sentence and fixes. BigCommerce's order number is its id (250, #250);
its statuses are status_id values (11 Awaiting Fulfillment is the one Platen imports)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from platen.catalog.models import ShipmentMethod
from platen.diagnostics.services.diagnosis import diagnose
from platen.jobs import run_pending
from platen.kit.actors import Actor
from platen.orders.models import Order
from platen.stores.models import ShippingMethodMapping, SkuMapping, Store, StoreOrder, StoreVariant, StoreWebhook
from platen.stores.services import connections, products, pulls
from platen.stores.statuses import StoreStatus
from tests.diagnostics.test_diagnosis import assert_fixes_exist, at, fresh, hrefs
from tests.orders.factories import POSTER
from tests.stores.import_support import bigcommerce_store, print_files

pytestmark = pytest.mark.django_db
SKU = "PA3-MATTE"
TESTS = Actor.system("tests")
AWAITING_FULFILLMENT, INCOMPLETE, PENDING, AWAITING_PAYMENT, CANCELLED, AWAITING_SHIPMENT = 11, 0, 1, 7, 5, 9


@pytest.fixture
def store(account, bc, loopback_fetching):
    return bigcommerce_store(account, bc)


@pytest.fixture
def mapped(store):
    """The SKU and the shipping method mapped: a plain Awaiting Fulfillment order imports."""
    SkuMapping.objects.create(store=store, sku=SKU, product_uid=POSTER, files=print_files())
    ShippingMethodMapping.objects.create(store=store, store_method="Flat Rate",
                                         shipment_method_uid=ShipmentMethod.objects.order_by("uid").first().uid)
    return store


def poster(bc):
    return bc.add_product("Poster", [{"sku": SKU, "options": {"Size": "A3"}}])


def order(bc, **options) -> int:
    return bc.add_order([{"sku": SKU, "quantity": 2, "options": {"Size": "A3"}}], **options)


def placed_at(bc, oid: int) -> datetime:
    return bc.orders[oid].created


def deliver(bc, store, scope: str, oid: int):
    """A thin BigCommerce webhook, signed as BigCommerce signs it, through Platen's hooks endpoint."""
    body, headers = bc.webhook(scope, oid)
    answer = Client().post(f"/hooks/bigcommerce/{store.pk}", data=body, content_type="application/json", headers=headers)
    assert answer.status_code == 200, answer.content
    return answer


# --- Causes, in the order they are checked -----------------------------------------------------------------------


def test_placed_while_the_store_was_disconnected_and_it_still_is(store, bc, mapped):
    now = timezone.now().replace(microsecond=0)
    connections.change_status(store, StoreStatus.DISCONNECTED, TESTS, at=now - timedelta(hours=5))
    oid = order(bc, created=now - timedelta(hours=4))
    d = diagnose(fresh(store), f"#{oid}")
    assert (d.bucket, d.code) == ("missing", "store_not_active")
    assert d.message == (f"Order {oid} was placed on {at(placed_at(bc, oid))}, while the store's connection to Platen was "
                         f"disconnected (since {at(now - timedelta(hours=5))}): Platen imports only orders placed while the "
                         "store is connected.")
    assert hrefs(d) == [("reconnect", f"/stores/{store.pk}/#reconnect"),
                        ("recreate", f"/v4/stores/{store.pk}/orders/%23{oid}:recreate")]
    assert_fixes_exist(d)


def test_placed_while_disconnected_then_reconnected_is_skipped_and_recreate_makes_it(store, bc, mapped, api):
    now = timezone.now().replace(microsecond=0)
    connections.change_status(store, StoreStatus.DISCONNECTED, TESTS, at=now - timedelta(hours=5))
    oid = order(bc, created=now - timedelta(hours=4))
    connections.change_status(store, StoreStatus.ACTIVE, TESTS, at=now - timedelta(hours=3))
    pulls.pull(fresh(store))
    assert StoreOrder.objects.get().reason_code == "store_not_active"
    d = diagnose(fresh(store), str(oid))
    assert (d.bucket, d.code) == ("skipped", "store_not_active")
    assert d.message.endswith(f"(since {at(now - timedelta(hours=5))} until {at(now - timedelta(hours=3))}): Platen "
                              "imports only orders placed while the store is connected.")
    assert hrefs(d) == [("recreate", f"/v4/stores/{store.pk}/orders/{oid}:recreate")]
    answer = api.post(d.fixes[0].href)
    assert answer.status_code == 200, answer.json()
    assert diagnose(fresh(store), str(oid)).code == "imported"


def test_placed_before_the_store_was_connected(store, bc, mapped):
    oid = order(bc, created=store.connected_at - timedelta(hours=2))
    d = diagnose(store, str(oid))
    assert (d.bucket, d.code) == ("missing", "placed_before_connection")
    assert d.message == (f"Order {oid} was placed on {at(placed_at(bc, oid))}, before the store was connected to Platen "
                         f"({at(store.connected_at)}): Platen imports only orders placed after connecting.")
    assert d.evidence == {"storeOrderId": str(oid), "placedAt": placed_at(bc, oid).isoformat(),
                          "connectedAt": store.connected_at.isoformat()}
    assert hrefs(d) == [("recreate", f"/v4/stores/{store.pk}/orders/{oid}:recreate")]


def test_cancelled_in_the_store(store, bc, mapped):
    oid = order(bc)
    cancelled = timezone.now().replace(microsecond=0) + timedelta(minutes=3)
    bc.set_status(oid, CANCELLED, at=cancelled)
    pulls.pull(store)
    d = diagnose(fresh(store), str(oid))
    assert (d.bucket, d.code) == ("skipped", "cancelled_in_store")
    assert d.message == f"Order {oid} was cancelled in BigCommerce on {at(cancelled)}: there is nothing to print."
    assert d.fixes == []


@pytest.mark.parametrize(("status_id", "words"), [(AWAITING_PAYMENT, "Awaiting Payment"), (INCOMPLETE, "Incomplete")])
def test_not_paid(store, bc, mapped, status_id, words):
    oid = order(bc, status_id=status_id)
    pulls.pull(store)
    d = diagnose(fresh(store), str(oid))
    assert (d.bucket, d.code) == ("skipped", "not_paid")
    assert d.message == (f"Order {oid} is not paid in BigCommerce (its status is '{words}'): Platen imports only paid "
                         "orders, and imports this one when the store reports it paid.")
    assert d.evidence["storeStatus"] == words
    assert hrefs(d) == [("import_now", f"/v4/stores/{store.pk}/orders/{oid}:import")]


def test_payment_pending_then_paid_and_imported_with_import_now(store, bc, mapped, api):
    oid = order(bc, status_id=PENDING)
    pulls.pull(store)
    d = diagnose(fresh(store), f"#{oid}")
    assert (d.bucket, d.code) == ("skipped", "payment_pending")
    assert d.message == (f"Payment for order {oid} is still pending in BigCommerce (its status is 'Pending'): Platen imports "
                         "it as soon as the store reports it paid.")
    assert hrefs(d) == [("import_now", f"/v4/stores/{store.pk}/orders/%23{oid}:import")]
    bc.set_status(oid, AWAITING_FULFILLMENT)
    answer = api.post(d.fixes[0].href)
    assert answer.status_code == 200 and answer.json()["bucket"] == "imported", answer.json()
    assert diagnose(fresh(store), f"#{oid}").code == "imported"


def test_status_changed_by_hand(store, bc, mapped):
    oid = order(bc)
    bc.set_status(oid, AWAITING_SHIPMENT)
    pulls.pull(store)
    d = diagnose(fresh(store), str(oid))
    assert (d.bucket, d.code) == ("skipped", "status_changed")
    assert d.message == (f"Order {oid}'s status in BigCommerce is 'Awaiting Shipment', not 'Awaiting Fulfillment': the status "
                         "was changed away from the one Platen imports (by hand?).")
    assert hrefs(d) == [("recreate", f"/v4/stores/{store.pk}/orders/{oid}:recreate"),
                        ("import_now", f"/v4/stores/{store.pk}/orders/{oid}:import")]


def test_a_variant_not_connected_names_the_item_and_links_to_its_product(store, bc):
    product = poster(bc)
    products.sync_products(store)
    oid = order(bc)
    pulls.pull(store)
    d = diagnose(fresh(store), str(oid))
    assert (d.bucket, d.code) == ("skipped", "product_not_connected")
    line = bc.orders[oid].items[0]
    assert d.message == (f"In order {oid}, 'Poster' (variant A3, SKU {SKU}) is not connected to a print product in Platen: "
                         "connect it and import the order.")
    assert d.evidence["items"] == [{"lineId": str(line["id"]), "title": "Poster", "sku": SKU, "quantity": 2,
                                    "variantId": str(product["variants"][0]["id"]), "productId": str(product["id"]),
                                    "variant": "A3", "connection": "not_connected"}]
    assert hrefs(d) == [("connect_variant", f"/stores/{store.pk}/products/{product['id']}/"),
                        ("import_now", f"/v4/stores/{store.pk}/orders/{oid}:import")]
    assert d.fixes[0].label == "Connect Poster – A3"
    assert_fixes_exist(d)


def test_every_variant_ignored(store, bc):
    product = poster(bc)
    products.sync_products(store)
    products.ignore_variant(StoreVariant.objects.get(), TESTS)
    oid = order(bc)
    pulls.pull(store)
    d = diagnose(fresh(store), str(oid))
    assert (d.bucket, d.code) == ("skipped", "variant_ignored")
    assert d.message == (f"Every item of order {oid} is ignored in Platen ('Poster' (variant A3, SKU {SKU})): there is nothing "
                         "for Platen to print. Connect the variant if Platen should print it.")
    assert hrefs(d)[0] == ("connect_variant", f"/stores/{store.pk}/products/{product['id']}/")


def test_variant_options_changed_after_the_order_names_both_options(store, bc):
    product = poster(bc)
    products.sync_products(store)
    products.connect_variant(StoreVariant.objects.get(), POSTER, print_files(), TESTS)
    oid = order(bc, shipping_method="Carrier Pigeon")  # waits for its shipping method
    pulls.pull(store)
    assert StoreOrder.objects.get().reason_code == "shipping_method_not_mapped"
    product["variants"][0]["option_values"][0]["label"] = "A2"
    products.sync_products(store)
    changed = StoreVariant.objects.get().options_changed_at
    d = diagnose(fresh(store), str(oid))
    assert (d.bucket, d.code) == ("waiting", "variant_options_changed")
    # BigCommerce names a variant by its options (now A2), and its order lines carry the options as ordered.
    assert d.message == (f"The options of Poster – A2 in order {oid} were changed in the store on {at(changed)}, after the "
                         f"order was placed ({at(placed_at(bc, oid))}): it was ordered as Size: A3, the store now says "
                         "Size: A2. Check the variant's connection, then import the order.")
    assert (d.evidence["orderedOptions"], d.evidence["currentOptions"]) == ({"Size": "A3"}, {"Size": "A2"})
    assert hrefs(d)[0] == ("connect_variant", f"/stores/{store.pk}/products/{product['id']}/")


def test_sku_not_mapped(store, bc):
    oid = bc.add_order([{"sku": "MYSTERY-1", "name": "Mystery mug", "quantity": 1}])
    pulls.pull(store)
    d = diagnose(fresh(store), str(oid))
    assert (d.bucket, d.code) == ("waiting", "sku_not_mapped")
    assert d.message == (f"In order {oid}, the SKU MYSTERY-1 ('Mystery mug' (SKU MYSTERY-1)) is not mapped to a Platen "
                         "product: map it and the order is imported automatically.")
    assert hrefs(d) == [("map_sku", f"/stores/{store.pk}/#map-sku")]
    assert_fixes_exist(d)


def test_shipping_method_not_mapped(store, bc):
    SkuMapping.objects.create(store=store, sku=SKU, product_uid=POSTER, files=print_files())
    oid = order(bc, shipping_method="Carrier Pigeon")
    pulls.pull(store)
    d = diagnose(fresh(store), str(oid))
    assert (d.bucket, d.code) == ("waiting", "shipping_method_not_mapped")
    assert d.message == (f"Order {oid}'s shipping method 'Carrier Pigeon' is not mapped to a Platen shipping method: map it "
                         "and the order is imported automatically.")
    assert hrefs(d) == [("map_shipping_method", f"/stores/{store.pk}/#map-method")]


def test_authentication_failing_since_a_pull_was_refused(store, bc, mapped):
    oid = order(bc, created=timezone.now() - timedelta(hours=2))
    bc.fail(1, 401)
    pulls.pull(store)
    store = fresh(store)
    assert store.status == StoreStatus.AUTH_FAILED
    d = diagnose(store, str(oid))
    assert (d.bucket, d.code) == ("missing", "auth_failing")
    assert d.message == (f"BigCommerce has been refusing Platen's sign-in since {at(store.status_changed_at)}: Platen cannot "
                         f"read the store's orders (order {oid} among them) until you reconnect the store.")
    assert [f.action for f in d.fixes] == ["reconnect", "recreate"]


def test_a_token_refused_while_diagnosing_marks_the_store(store, bc, mapped):
    oid = order(bc)
    bc.fail(1, 401)
    d = diagnose(store, str(oid))
    assert d.code == "auth_failing" and fresh(store).status == StoreStatus.AUTH_FAILED


def test_inside_the_normal_processing_delay(store, bc, mapped):
    oid = order(bc)
    placed = placed_at(bc, oid)
    d = diagnose(store, str(oid), now=placed + timedelta(minutes=5))
    assert (d.bucket, d.code) == ("missing", "processing_delay")
    due = placed + timedelta(minutes=store.pull_interval_minutes + 15)
    assert d.message == (f"Order {oid} was placed on {at(placed)}, 5 minutes ago: that is within BigCommerce's normal delay, "
                         f"and it should appear in Platen by {at(due)}.")
    assert d.evidence["expectedBy"] == due.isoformat() and d.fixes == []


def test_webhook_never_received_then_import_now_imports_it(store, bc, mapped, api):
    oid = order(bc, created=timezone.now() - timedelta(hours=3))
    due = timezone.now().replace(microsecond=0) + timedelta(minutes=20)
    Store.objects.filter(pk=store.pk).update(next_pull_at=due)
    d = diagnose(fresh(store), str(oid))
    assert (d.bucket, d.code) == ("missing", "webhook_not_received")
    assert d.message == (f"Order {oid} was placed on {at(placed_at(bc, oid))}, but BigCommerce never sent Platen its "
                         f"notification and no pull has seen it yet; the next pull is due on {at(due)}.")
    assert d.evidence["webhooksReceived"] == 0
    assert hrefs(d) == [("import_now", f"/v4/stores/{store.pk}/orders/{oid}:import"), ("sync_now", f"/v4/stores/{store.pk}:sync")]
    answer = api.post(d.fixes[0].href)
    assert answer.status_code == 200 and answer.json()["bucket"] == "imported", answer.json()
    assert Order.objects.get().external_id == str(oid)


def test_another_order_s_notification_is_not_this_one_s(store, bc, mapped):
    """BigCommerce's webhooks are thin ({"data": {"type": "order", "id": 101}}) and its ids are short: a notification
    of order 1010 or of a product, or one whose timestamp holds the digits, does not count as order 101's."""
    oid = order(bc, created=timezone.now() - timedelta(hours=3), order_id=101)
    bc.add_order([{"sku": SKU, "quantity": 1}], order_id=1010)
    Store.objects.filter(pk=store.pk).update(status=StoreStatus.DISCONNECTED)  # the deliveries are kept, not imported
    deliver(bc, store, "store/order/created", 1010)
    product = bc.add_product("Mug", [{"sku": "MUG"}], product_id=5101)
    deliver(bc, store, "store/product/updated", product["id"])
    Store.objects.filter(pk=store.pk).update(status=StoreStatus.ACTIVE)
    run_pending()
    assert StoreWebhook.objects.count() == 2
    d = diagnose(fresh(store), str(oid))
    assert (d.code, d.evidence["webhooksReceived"]) == ("webhook_not_received", 0)
    assert "never sent Platen its notification" in d.message


def test_a_notification_received_but_not_yet_processed_is_inside_the_delay(store, bc, mapped):
    oid = order(bc, created=timezone.now() - timedelta(hours=3))
    deliver(bc, store, "store/order/created", oid)  # stored and queued; the job has not run
    received = StoreWebhook.objects.get().received_at
    now = received + timedelta(minutes=2)
    d = diagnose(fresh(store), str(oid), now=now)
    assert (d.bucket, d.code) == ("missing", "processing_delay")
    assert d.message == (f"Platen received BigCommerce's notification of order {oid} on {at(received)} and is still "
                         f"processing it: it should appear in Platen by {at(now + timedelta(minutes=15))}.")
    run_pending()
    assert diagnose(fresh(store), str(oid)).code == "imported"


def test_rejected_when_the_notification_arrived_while_disconnected(store, bc, mapped):
    oid = order(bc, created=timezone.now() - timedelta(hours=3))
    connections.change_status(store, StoreStatus.DISCONNECTED, TESTS, at=timezone.now() - timedelta(hours=1))
    deliver(bc, store, "store/order/created", oid)
    run_pending()
    connections.change_status(store, StoreStatus.ACTIVE, TESTS)
    d = diagnose(fresh(store), str(oid))
    assert (d.bucket, d.code) == ("missing", "rejected")
    assert d.message.startswith(f"Order {oid} reached Platen on ") and d.message.endswith(
        "but was rejected: nothing was imported: the store was disconnected when this store/order/created notification "
        "arrived. Reconnect the store to import its orders again.")
    assert [f.action for f in d.fixes] == ["recreate", "import_now"] and d.evidence["intakeRequestId"]


def test_imported_through_the_api_by_its_id_and_its_number(store, bc, mapped, api):
    oid = order(bc)
    pulls.pull(store)
    platen_order = Order.objects.get()
    for ref in (str(oid), f"%23{oid}"):
        answer = api.get(f"/v4/stores/{store.pk}/orders/{ref}/diagnosis")
        assert answer.status_code == 200, answer.json()
        body = answer.json()
        assert (body["bucket"], body["cause"]["code"]) == ("imported", "imported")
        assert body["cause"]["message"] == (
            f"Order {oid} is in Platen as order {platen_order.pk} (imported "
            f"{platen_order.created_at.astimezone(UTC).strftime('on %d %b %Y at %H:%M UTC')}); its status is "
            f"{platen_order.fulfillment_status}.")
        assert body["fixes"] == [{"action": "open_order", "label": "Open the order", "href": f"/orders/{platen_order.pk}/"}]


def test_not_found(store, bc, api):
    answer = api.get(f"/v4/stores/{store.pk}/orders/%239999/diagnosis")
    body = answer.json()
    assert answer.status_code == 200, body
    assert (body["bucket"], body["cause"]["code"], body["fixes"]) == ("missing", "not_found", [])
    assert body["cause"]["message"] == (f"BigCommerce has no order #9999 in the store {store}: check the number (as the store "
                                        "shows it, e.g. 250).")
