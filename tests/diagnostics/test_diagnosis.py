""""Why isn't my order here?": a scenario per cause, built with the Shopify emulator and the real services (pulls,
webhooks through the hooks endpoint, product syncs, the connection history), asserting the exact cause code,
sentence and fixes; and that every fix's link or endpoint exists and works."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import resolve
from django.utils import timezone

from platen.catalog.models import ShipmentMethod
from platen.jobs import run_pending
from platen.kit.actors import Actor
from platen.orders.models import Order
from platen.stores.models import ShippingMethodMapping, SkuMapping, Store, StoreOrder, StoreVariant, StoreWebhook
from platen.stores.services import connections, products, pulls
from platen.stores.statuses import StoreStatus
from tests.emulators.shopify import ShopifyEmulator
from tests.orders.factories import POSTER
from tests.stores.import_support import print_files, shopify_store

from platen.diagnostics.services.diagnosis import diagnose

pytestmark = pytest.mark.django_db
SKU = "PA3-MATTE"
TESTS = Actor.system("tests")


def at(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%d %b %Y at %H:%M UTC")


@pytest.fixture
def shop():
    with ShopifyEmulator() as emulator:
        yield emulator


@pytest.fixture
def store(account, shop, loopback_fetching):
    return shopify_store(account, shop)


@pytest.fixture
def mapped(store):
    """The SKU and the shipping method mapped: a plain paid order imports."""
    SkuMapping.objects.create(store=store, sku=SKU, product_uid=POSTER, files=print_files())
    ShippingMethodMapping.objects.create(store=store, store_method="Standard Shipping",
                                         shipment_method_uid=ShipmentMethod.objects.order_by("uid").first().uid)
    return store


def poster(shop):
    return shop.add_product("Poster", [{"sku": SKU, "title": "A3", "options": {"Size": "A3"}}])


def order(shop, **options):
    product = next(iter(shop.products.values()), None) or poster(shop)
    return shop.add_order([{"variant": product.variants[0], "quantity": 2}], **options)


def fresh(store) -> Store:
    return Store.objects.get(pk=store.pk)


def hrefs(d) -> list[tuple[str, str]]:
    return [(f.action, f.href) for f in d.fixes]


def assert_fixes_exist(d) -> None:
    for fix in d.fixes:
        resolve(urlsplit(fix.href).path)  # a real page or API endpoint (Resolver404 otherwise)


# --- Causes, in the order they are checked -----------------------------------------------------------------------


def test_placed_while_the_store_was_disconnected_and_it_still_is(store, shop, mapped):
    now = shop.now()
    connections.change_status(store, StoreStatus.DISCONNECTED, TESTS, at=now - timedelta(hours=5))
    placed = order(shop, created_at=now - timedelta(hours=4))
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("missing", "store_not_active")
    assert d.message == (f"Order #1001 was placed on {at(placed.created_at)}, while the store's connection to Platen was "
                         f"disconnected (since {at(now - timedelta(hours=5))}): Platen imports only orders placed while the "
                         "store is connected.")
    assert d.evidence["storeStatus"] == "disconnected" and d.evidence["activeAgainAt"] is None
    assert hrefs(d) == [("reconnect", f"/stores/{store.pk}/#reconnect"),
                        ("recreate", f"/v4/stores/{store.pk}/orders/%231001:recreate")]
    assert_fixes_exist(d)


def test_placed_while_disconnected_then_reconnected_is_skipped_and_recreate_makes_it(store, shop, mapped, api):
    now = shop.now()
    connections.change_status(store, StoreStatus.DISCONNECTED, TESTS, at=now - timedelta(hours=5))
    placed = order(shop, created_at=now - timedelta(hours=4))
    connections.change_status(store, StoreStatus.ACTIVE, TESTS, at=now - timedelta(hours=3))
    pulls.pull(fresh(store))
    assert StoreOrder.objects.get().reason_code == "store_not_active"
    d = diagnose(fresh(store), "1001")
    assert (d.bucket, d.code) == ("skipped", "store_not_active")
    assert d.message == (f"Order #1001 was placed on {at(placed.created_at)}, while the store's connection to Platen was "
                         f"disconnected (since {at(now - timedelta(hours=5))} until {at(now - timedelta(hours=3))}): Platen "
                         "imports only orders placed while the store is connected.")
    assert hrefs(d) == [("recreate", f"/v4/stores/{store.pk}/orders/1001:recreate")]
    answer = api.post(d.fixes[0].href)
    assert answer.status_code == 200, answer.json()
    assert diagnose(fresh(store), "#1001").code == "imported"


def test_placed_before_the_store_was_connected(store, shop, mapped):
    placed = order(shop, created_at=store.connected_at - timedelta(hours=2))
    d = diagnose(store, "#1001")
    assert (d.bucket, d.code) == ("missing", "placed_before_connection")
    assert d.message == (f"Order #1001 was placed on {at(placed.created_at)}, before the store was connected to Platen "
                         f"({at(store.connected_at)}): Platen imports only orders placed after connecting.")
    assert d.evidence == {"storeOrderId": str(placed.id), "placedAt": placed.created_at.isoformat(),
                          "connectedAt": store.connected_at.isoformat()}
    assert hrefs(d) == [("recreate", f"/v4/stores/{store.pk}/orders/%231001:recreate")]


def test_not_paid(store, shop, mapped):
    order(shop, financial_status="expired")
    pulls.pull(store)
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("skipped", "not_paid")
    assert d.message == ("Order #1001 is not paid in Shopify (its status is 'Expired · Unfulfilled'): Platen imports only "
                         "paid orders, and imports this one when the store reports it paid.")
    assert hrefs(d) == [("import_now", f"/v4/stores/{store.pk}/orders/%231001:import")]


def test_payment_pending_then_paid_and_imported_with_import_now(store, shop, mapped, api):
    placed = order(shop, financial_status="pending")
    pulls.pull(store)
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("skipped", "payment_pending")
    assert d.message == ("Payment for order #1001 is still pending in Shopify (its status is 'Payment pending · Unfulfilled'): "
                         "Platen imports it as soon as the store reports it paid.")
    assert d.fixes[0].label == "Import it now (once paid)"
    shop.mark_paid(placed.id)
    answer = api.post(d.fixes[0].href)
    assert answer.status_code == 200 and answer.json()["bucket"] == "imported", answer.json()
    assert diagnose(fresh(store), "#1001").code == "imported"


def test_status_changed_by_hand(store, shop, mapped):
    placed = order(shop)
    shop.hold(placed.id)
    pulls.pull(store)
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("skipped", "status_changed")
    status = StoreOrder.objects.get().store_status
    assert d.message == (f"Order #1001's status in Shopify is '{status}', not 'Unfulfilled': the status was changed away "
                         "from the one Platen imports (by hand?).")
    assert [f.action for f in d.fixes] == ["recreate", "import_now"]


def test_a_variant_not_connected_names_the_item_and_links_to_its_product(store, shop):
    product = poster(shop)
    products.sync_products(store)
    placed = order(shop)
    pulls.pull(store)
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("skipped", "product_not_connected")
    line = placed.lines[0]
    assert d.message == (f"In order #1001, '{line.name}' (variant A3, SKU {SKU}) is not connected to a print product in "
                         "Platen: connect it and import the order.")
    assert d.evidence["items"] == [{"lineId": str(line.id), "title": line.name, "sku": SKU, "quantity": 2,
                                    "variantId": str(product.variants[0].id), "productId": str(product.id), "variant": "A3",
                                    "connection": "not_connected"}]
    assert hrefs(d) == [("connect_variant", f"/stores/{store.pk}/products/{product.id}/"),
                        ("import_now", f"/v4/stores/{store.pk}/orders/%231001:import")]
    assert d.fixes[0].label == "Connect Poster – A3"
    assert_fixes_exist(d)


def test_every_variant_ignored(store, shop):
    product = poster(shop)
    products.sync_products(store)
    products.ignore_variant(StoreVariant.objects.get(), TESTS)
    placed = order(shop)
    pulls.pull(store)
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("skipped", "variant_ignored")
    assert d.message == (f"Every item of order #1001 is ignored in Platen ('{placed.lines[0].name}' (variant A3, SKU {SKU})): "
                         "there is nothing for Platen to print. Connect the variant if Platen should print it.")
    assert hrefs(d)[0] == ("connect_variant", f"/stores/{store.pk}/products/{product.id}/")


def test_variant_options_changed_after_the_order(store, shop):
    product = poster(shop)
    products.sync_products(store)
    variant = StoreVariant.objects.get()
    products.connect_variant(variant, POSTER, print_files(), TESTS)
    placed = order(shop, shipping_title="Carrier Pigeon")  # waits for its shipping method
    pulls.pull(store)
    assert StoreOrder.objects.get().reason_code == "shipping_method_not_mapped"
    product.variants[0].options = {"Size": "A2"}
    shop.update_product(product.id)
    products.sync_products(store)
    changed = StoreVariant.objects.get().options_changed_at
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("waiting", "variant_options_changed")
    assert d.message == (f"The options of Poster – A3 in order #1001 were changed in the store on {at(changed)}, after the "
                         f"order was placed ({at(placed.created_at)}): the store now says Size: A2. Check the variant's "
                         "connection, then import the order.")
    assert d.evidence["currentOptions"] == {"Size": "A2"}
    assert hrefs(d)[0] == ("connect_variant", f"/stores/{store.pk}/products/{product.id}/")


def test_sku_not_mapped(store, shop):
    shop.add_order([{"sku": "MYSTERY-1", "title": "Mystery mug", "quantity": 1}])
    pulls.pull(store)
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("waiting", "sku_not_mapped")
    assert d.message == ("In order #1001, the SKU MYSTERY-1 ('Mystery mug' (SKU MYSTERY-1)) is not mapped to a Platen product: "
                         "map it and the order is imported automatically.")
    assert hrefs(d) == [("map_sku", f"/stores/{store.pk}/#map-sku")]
    assert d.fixes[0].label == "Map the SKU MYSTERY-1"
    assert_fixes_exist(d)


def test_shipping_method_not_mapped(store, shop):
    SkuMapping.objects.create(store=store, sku=SKU, product_uid=POSTER, files=print_files())
    order(shop, shipping_title="Carrier Pigeon")
    pulls.pull(store)
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("waiting", "shipping_method_not_mapped")
    assert d.message == ("Order #1001's shipping method 'Carrier Pigeon' is not mapped to a Platen shipping method: map it "
                         "and the order is imported automatically.")
    assert hrefs(d) == [("map_shipping_method", f"/stores/{store.pk}/#map-method")]


def test_authentication_failing_since_a_pull_was_refused(store, shop, mapped):
    order(shop, created_at=shop.now() - timedelta(hours=2))
    shop.fail(1, 401)
    pulls.pull(store)
    store = fresh(store)
    assert store.status == StoreStatus.AUTH_FAILED
    d = diagnose(store, "#1001")
    assert (d.bucket, d.code) == ("missing", "auth_failing")
    assert d.message == (f"Shopify has been refusing Platen's sign-in since {at(store.status_changed_at)}: Platen cannot read "
                         "the store's orders (order #1001 among them) until you reconnect the store.")
    assert [f.action for f in d.fixes] == ["reconnect", "recreate"]


def test_inside_the_normal_processing_delay(store, shop, mapped):
    placed = order(shop)
    now = placed.created_at + timedelta(minutes=5)
    d = diagnose(store, "#1001", now=now)
    assert (d.bucket, d.code) == ("missing", "processing_delay")
    due = placed.created_at + timedelta(minutes=75)
    assert d.message == (f"Order #1001 was placed on {at(placed.created_at)}, 5 minutes ago: that is within Shopify's normal "
                         f"delay, and it should appear in Platen by {at(due)}.")
    assert d.evidence["expectedBy"] == due.isoformat() and d.fixes == []


def test_webhook_never_received_then_import_now_imports_it(store, shop, mapped, api):
    placed = order(shop, created_at=shop.now() - timedelta(hours=3))
    due = timezone.now().replace(microsecond=0) + timedelta(minutes=20)
    Store.objects.filter(pk=store.pk).update(next_pull_at=due)
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("missing", "webhook_not_received")
    assert d.message == (f"Order #1001 was placed on {at(placed.created_at)}, but Shopify never sent Platen its notification "
                         f"and no pull has seen it yet; the next pull is due on {at(due)}.")
    assert hrefs(d) == [("import_now", f"/v4/stores/{store.pk}/orders/%231001:import"), ("sync_now", f"/v4/stores/{store.pk}:sync")]
    assert_fixes_exist(d)
    answer = api.post(d.fixes[0].href)
    assert answer.status_code == 200 and answer.json()["bucket"] == "imported", answer.json()
    assert Order.objects.get().external_id == str(placed.id)


def test_rejected_when_the_notification_arrived_while_disconnected(store, shop, mapped):
    placed = order(shop, created_at=shop.now() - timedelta(hours=3))
    connections.change_status(store, StoreStatus.DISCONNECTED, TESTS, at=timezone.now() - timedelta(hours=1))
    deliver(shop, store, "orders/create", shop.rest_order(placed.id))
    run_pending()
    connections.change_status(store, StoreStatus.ACTIVE, TESTS)
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("missing", "rejected")
    assert d.message.startswith("Order #1001 reached Platen on ") and d.message.endswith(
        "but was rejected: nothing was imported: the store was disconnected when this orders/create notification arrived. "
        "Reconnect the store to import its orders again.")
    assert [f.action for f in d.fixes] == ["recreate", "import_now"] and d.evidence["intakeRequestId"]


def test_imported_through_the_api_by_its_number(store, shop, mapped, api):
    placed = order(shop)
    pulls.pull(store)
    platen_order = Order.objects.get()
    answer = api.get(f"/v4/stores/{store.pk}/orders/%231001/diagnosis")
    assert answer.status_code == 200, answer.json()
    assert answer.json() == {
        "storeOrderRef": "#1001", "bucket": "imported",
        "cause": {"code": "imported", "message": f"Order #1001 is in Platen as order {platen_order.pk} (imported "
                                                 f"{timezone.localtime(platen_order.created_at, UTC).strftime('on %d %b %Y at %H:%M UTC')}); "
                                                 f"its status is {platen_order.fulfillment_status}.",
                  "evidence": {"storeOrderId": str(placed.id), "orderId": str(platen_order.pk),
                               "status": platen_order.fulfillment_status, "importedAt": platen_order.created_at.isoformat(),
                               "seenVia": "pull"}},
        "fixes": [{"action": "open_order", "label": "Open the order", "href": f"/orders/{platen_order.pk}/"}]}
    by_id = api.get(f"/v4/stores/{store.pk}/orders/{placed.id}/diagnosis").json()
    assert by_id["cause"]["code"] == "imported"


def test_not_found(store, shop, api):
    answer = api.get(f"/v4/stores/{store.pk}/orders/%239999/diagnosis")
    assert answer.status_code == 200
    body = answer.json()
    assert (body["bucket"], body["cause"]["code"], body["fixes"]) == ("missing", "not_found", [])
    assert body["cause"]["message"] == (f"Shopify has no order #9999 in the store {store}: check the number (as the store "
                                        "shows it, e.g. #1001).")


def test_another_accounts_store_is_a_404(store, other_api):
    answer = other_api.get(f"/v4/stores/{store.pk}/orders/%231001/diagnosis")
    assert answer.status_code == 404 and answer.json()["code"] == "store_not_found"
    assert other_api.post(f"/v4/stores/{store.pk}/orders/%231001:import").status_code == 404


# --- Webhooks as Shopify sends them, through Platen's hooks endpoint ---------------------------------------------


def deliver(shop, store, topic: str, body: dict):
    raw = json.dumps(body, separators=(",", ":")).encode()
    digest = base64.b64encode(hmac.new(shop.secret.encode(), raw, hashlib.sha256).digest()).decode()
    answer = Client().post(f"/hooks/shopify/{store.pk}", data=raw, content_type="application/json", headers={
        "X-Shopify-Topic": topic, "X-Shopify-Hmac-Sha256": digest, "X-Shopify-Shop-Domain": shop.domain,
        "X-Shopify-Webhook-Id": str(uuid.uuid4()), "X-Shopify-Event-Id": str(uuid.uuid4()),
        "X-Shopify-API-Version": "2026-01"})
    assert answer.status_code == 200, answer.content
    return answer


def test_a_notification_received_but_not_yet_processed_is_inside_the_delay(store, shop, mapped):
    placed = order(shop, created_at=shop.now() - timedelta(hours=3))
    deliver(shop, store, "orders/create", shop.rest_order(placed.id))  # stored and queued; the job has not run
    received = StoreWebhook.objects.get().received_at
    now = received + timedelta(minutes=2)
    d = diagnose(fresh(store), "#1001", now=now)
    assert (d.bucket, d.code) == ("missing", "processing_delay")
    assert d.message == (f"Platen received Shopify's notification of order #1001 on {at(received)} and is still processing it: "
                         f"it should appear in Platen by {at(now + timedelta(minutes=15))}.")
    run_pending()
    assert diagnose(fresh(store), "#1001").code == "imported"


def test_imported_waiting_for_its_items_to_be_connected(store, shop):
    Store.objects.filter(pk=store.pk).update(import_not_connected=True)
    ShippingMethodMapping.objects.create(store=store, store_method="Standard Shipping",
                                         shipment_method_uid=ShipmentMethod.objects.order_by("uid").first().uid)
    poster(shop)
    products.sync_products(store)
    order(shop)
    pulls.pull(fresh(store))
    platen_order = Order.objects.get()
    d = diagnose(fresh(store), "#1001")
    assert (d.bucket, d.code) == ("imported", "imported")
    assert d.message.endswith("its status is waiting for its items to be connected.")
    assert hrefs(d) == [("open_order", f"/orders/{platen_order.pk}/"), ("complete_order", f"/orders/{platen_order.pk}/complete/")]
    assert_fixes_exist(d)
