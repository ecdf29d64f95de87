"""Store webhooks through real HTTP (a live server on loopback), signed by the platform emulators with the real
algorithms: verified before anything is stored, stored once per delivery, processed by the job."""

from __future__ import annotations

import importlib.util
import uuid
from datetime import timedelta

import httpx
import pytest

from platen.intake.models import IntakeRequest
from platen.jobs import run_pending
from platen.orders.models import Order
from platen.stores.models import SkuMapping, Store, StoreOrder, StoreVariant, StoreWebhook
from platen.stores.services import pulls
from platen.stores.statuses import Bucket, StoreStatus
from tests.emulators.bigcommerce import BigCommerceEmulator
from tests.orders.factories import POSTER
from tests.stores.import_support import bigcommerce_store, map_shipping, print_files

pytestmark = pytest.mark.django_db(transaction=True)  # the live server commits; so do the jobs


@pytest.fixture
def store(mapped_store):
    return mapped_store


@pytest.fixture
def hooks_url(live_server):
    return f"{live_server.url}/hooks"


def poster_order(shop, **options):
    product = shop.add_product("Poster", [{"sku": "PA3-MATTE", "options": {"Size": "A3"}}]) \
        if not shop.products else next(iter(shop.products.values()))
    return shop.add_order([{"variant": product.variants[0], "quantity": 2, "properties": {"Dedication": "For Ada"}}], **options)


def process() -> None:
    run_pending()


def test_an_order_webhook_is_stored_acknowledged_and_imported_by_the_job(store, shop, hooks_url):
    order = poster_order(shop)
    url = f"{hooks_url}/shopify/{store.pk}"
    delivery = shop.send_webhook("orders/create", shop.rest_order(order.id), url)
    assert delivery.status == 200
    hook = StoreWebhook.objects.get()
    assert hook.topic == "orders/create" and hook.delivery_id == delivery.headers["X-Shopify-Event-Id"]
    assert hook.intake_request.raw_body.encode() == delivery.body and hook.intake_request.channel == "shopify"
    assert hook.order_external_id == str(order.id)  # read on receipt: diagnosis finds it before processing
    assert Store.objects.get().last_webhook_at is not None
    process()
    row = StoreOrder.objects.get()
    assert row.bucket == Bucket.IMPORTED and row.seen_via == "webhook" and row.number == order.name
    platen_order = Order.objects.get()
    assert (platen_order.external_id, platen_order.order_reference_id) == (str(order.id), order.name)
    assert platen_order.items.get().metadata == [{"key": "Dedication", "value": "For Ada"}]
    hook.refresh_from_db()
    assert hook.processed_at is not None and order.name in hook.outcome
    assert IntakeRequest.objects.get().status == "accepted"


def test_a_repeated_delivery_answers_200_and_changes_nothing(store, shop, hooks_url):
    order = poster_order(shop)
    delivery = shop.send_webhook("orders/create", shop.rest_order(order.id), f"{hooks_url}/shopify/{store.pk}")
    process()
    again = shop.resend(delivery)
    assert again.status == 200 and b'"duplicate":true' in again.answer.replace(b" ", b"")
    process()
    assert StoreWebhook.objects.count() == 1 and IntakeRequest.objects.count() == 1 and Order.objects.count() == 1


@pytest.mark.parametrize("signature", ["forged", "missing", "other secret"])
def test_a_forged_or_unsigned_webhook_is_refused_and_nothing_is_stored(store, shop, hooks_url, signature):
    order = poster_order(shop)
    url = f"{hooks_url}/shopify/{store.pk}"
    if signature == "other secret":
        delivery = shop.send_webhook("orders/create", shop.rest_order(order.id), url, secret="not-the-app-secret")
    else:
        delivery = shop.send_webhook("orders/create", shop.rest_order(order.id), url,
                                     hmac_header="" if signature == "missing" else "AAAAforgedAAAA=")
    assert delivery.status == 401
    assert b'"code": "invalid_signature"' in delivery.answer or b'"code":"invalid_signature"' in delivery.answer
    assert not StoreWebhook.objects.exists() and not IntakeRequest.objects.exists() and not StoreOrder.objects.exists()


def test_unknown_stores_and_wrong_platforms_are_404_and_tracking_hooks_still_answer(store, shop, hooks_url):
    body = shop.rest_order(poster_order(shop).id)
    assert shop.send_webhook("orders/create", body, f"{hooks_url}/shopify/{uuid.uuid4()}").status == 404
    assert shop.send_webhook("orders/create", body, f"{hooks_url}/bigcommerce/{store.pk}").status == 404
    assert shop.send_webhook("orders/create", body, f"{hooks_url}/shopify/not-an-id").status == 404
    tracking = httpx.post(f"{hooks_url}/tracking/{uuid.uuid4()}", content=b"{}")
    assert tracking.status_code == 404 and tracking.json()["code"] == "tracking_source_not_found"
    assert not StoreWebhook.objects.exists()


def test_webhooks_arriving_out_of_order_keep_the_newest_state(store, shop, hooks_url):
    order = poster_order(shop, financial_status="pending")
    pending = shop.rest_order(order.id)
    shop.mark_paid(order.id)
    shop.cancel_order(order.id)
    cancelled = shop.rest_order(order.id)
    url = f"{hooks_url}/shopify/{store.pk}"
    shop.send_webhook("orders/cancelled", cancelled, url)
    process()
    shop.send_webhook("orders/create", pending, url)  # the older one, delivered late
    process()
    row = StoreOrder.objects.get()
    assert (row.bucket, row.reason_code) == (Bucket.SKIPPED, "cancelled_in_store")
    assert not Order.objects.exists()
    assert StoreWebhook.objects.order_by("received_at").last().outcome.startswith(f"Order {order.name}: An older update")


def test_unpaid_then_paid_by_webhooks(store, shop, hooks_url):
    order = poster_order(shop, financial_status="pending")
    url = f"{hooks_url}/shopify/{store.pk}"
    shop.send_webhook("orders/create", shop.rest_order(order.id), url)
    process()
    assert StoreOrder.objects.get().reason_code == "not_paid"
    shop.mark_paid(order.id)
    shop.send_webhook("orders/paid", shop.rest_order(order.id), url)
    process()
    assert StoreOrder.objects.get().bucket == Bucket.IMPORTED and Order.objects.count() == 1


def test_a_webhook_and_a_pull_of_the_same_order_make_one_order(store, shop, hooks_url):
    order = poster_order(shop)
    shop.send_webhook("orders/create", shop.rest_order(order.id), f"{hooks_url}/shopify/{store.pk}")
    process()
    result = pulls.pull(Store.objects.get())
    assert result.read == 1 and result.processed == 0  # already seen as it is
    shop.update_order(order.id, note="gift wrap", updated_at=order.updated_at + timedelta(seconds=5))  # a later change
    assert pulls.pull(Store.objects.get()).processed == 1
    assert Order.objects.count() == 1 and StoreOrder.objects.get().seen_via == "pull"


def test_a_webhook_for_a_disconnected_store_is_recorded_and_says_why_nothing_was_imported(store, shop, hooks_url):
    from platen.kit.actors import Actor
    from platen.stores.services import connections

    connections.change_status(store, StoreStatus.DISCONNECTED, Actor.system("tests"))
    order = poster_order(shop)
    assert shop.send_webhook("orders/create", shop.rest_order(order.id), f"{hooks_url}/shopify/{store.pk}").status == 200
    process()
    hook = StoreWebhook.objects.get()
    assert "the store was disconnected" in hook.outcome
    assert IntakeRequest.objects.get().status == "rejected" and not Order.objects.exists()


def test_app_uninstalled_disconnects_the_store(store, shop, hooks_url):
    shop.send_webhook("app/uninstalled", shop.webhook_body("app/uninstalled"), f"{hooks_url}/shopify/{store.pk}")
    process()
    store.refresh_from_db()
    assert store.status == StoreStatus.DISCONNECTED and "uninstalled" in store.status_reason
    assert store.status_changes.last().actor_label == "Shopify"


def test_a_thin_bigcommerce_webhook_is_completed_by_fetching_the_order(account, hooks_url, loopback_fetching):
    with BigCommerceEmulator(quota=10_000) as bc:
        store = bigcommerce_store(account, bc)
        SkuMapping.objects.create(store=store, sku="PA3-MATTE", product_uid=POSTER, files=print_files())
        map_shipping(store, "Flat Rate")
        order_id = bc.add_order([{"sku": "PA3-MATTE", "quantity": 1, "properties": {"Engraving": "Ada"}}])
        status, _ = bc.send_webhook("store/order/created", order_id, f"{hooks_url}/bigcommerce/{store.pk}")
        assert status == 200
        process()
    hook = StoreWebhook.objects.get()
    assert hook.topic == "store/order/created" and hook.delivery_id and hook.order_external_id == str(order_id)
    row = StoreOrder.objects.get()
    assert row.bucket == Bucket.IMPORTED and row.external_id == str(order_id) and row.number == str(order_id)
    assert Order.objects.get().channel == "bigcommerce"


def test_product_webhooks_reach_the_store_s_products(store, shop, hooks_url):
    product = shop.add_product("Poster", [{"sku": "PA3-MATTE", "options": {"Size": "A3"}}])
    url = f"{hooks_url}/shopify/{store.pk}"
    shop.send_webhook("products/create", shop.rest_product(product.id), url)
    process()
    hook = StoreWebhook.objects.get()
    if importlib.util.find_spec("platen.stores.services.products") is None:  # the products part is not installed
        assert hook.outcome.startswith("Skipped") and hook.processed_at is not None
        return
    assert hook.outcome == "Product 'Poster': created." and hook.order_external_id == ""
    assert StoreVariant.objects.get(store=store).sku == "PA3-MATTE"
    shop.send_webhook("products/delete", {"id": product.id}, url)
    process()
    assert StoreWebhook.objects.order_by("id").last().outcome == f"Product {product.id} was removed."
