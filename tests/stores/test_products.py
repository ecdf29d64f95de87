"""Store products and variants: kept in step with the store (product webhooks, a full sync), connected to the
catalog (connect, ignore, disconnect), the store_product_* postbacks a merchant's receiver gets, and the API."""

from __future__ import annotations

import dataclasses

import pytest
from django.conf import settings
from django.db import transaction
from django.test import override_settings

from platen.kit.actors import Actor
from platen.kit.errors import InvalidRequest
from platen.notifications.models import Event
from platen.stores import resolution
from platen.stores.connectors.base import StoreLine, StoreProductData, StoreVariantData
from platen.stores.models import StoreProduct, StoreVariant
from platen.stores.services import connections, products
from platen.stores.statuses import Connection
from tests.emulators.receiver import Receiver
from tests.notifications.conftest import drive
from tests.stores import factories
from tests.stores.factories import POSTER

pytestmark = pytest.mark.django_db
MERCHANT = Actor("user", "1", "merchant@acme.test")
DESIGN = [{"type": "default", "url": "https://files.example.com/sunset.pdf"}]


def sunset(*variants: tuple[str, str, str, dict], title: str = "Sunset poster") -> StoreProductData:
    return StoreProductData("111", title, tuple(StoreVariantData(v[0], v[1], v[2], v[3]) for v in variants))


A3 = ("1", "SUN-A3", "A3", {"Size": "A3"})
A2 = ("2", "SUN-A2", "A2", {"Size": "A2"})


@pytest.fixture
def shop(account):
    return factories.store(account)


@pytest.fixture
def subscribed(api):
    """A merchant's receiver on loopback subscribed to the store product events through the API."""
    with override_settings(PLATEN=dataclasses.replace(settings.PLATEN, fetch_allow_private=True)), Receiver() as receiver:
        answer = api.post("/v4/webhooks", {"url": receiver.url, "events": [
            "store_product_created", "store_product_updated", "store_product_deleted"]})
        assert answer.status_code == 201, answer.content
        receiver.secret = answer.json()["secret"]
        yield receiver


def test_a_product_webhook_adds_then_updates_then_deletes(shop):
    assert products.apply_product(shop, sunset(A3, A2)) == "created"
    assert products.apply_product(shop, sunset(A3, A2)) == "unchanged"
    product = StoreProduct.objects.get(store=shop, external_id="111")
    assert sorted(product.variants.values_list("title", "connection")) == [("A2", "not_connected"), ("A3", "not_connected")]

    # A2 gone from the store, A3's options changed, a new A1: one update.
    assert products.apply_product(shop, sunset(("1", "SUN-A3", "A3 matte", {"Size": "A3", "Paper": "matte"}),
                                               ("3", "SUN-A1", "A1", {"Size": "A1"}))) == "updated"
    a3, a2 = StoreVariant.objects.get(external_id="1"), StoreVariant.objects.get(external_id="2")
    assert a3.options_changed_at is not None and a3.title == "A3 matte"
    assert a2.deleted_at is not None
    assert [v.external_id for v in products.live_variants(product)] == ["3", "1"]  # by title: A1, A3 matte

    assert products.remove_product(shop, "111") is True
    assert products.remove_product(shop, "111") is False  # a repeated webhook changes nothing
    product.refresh_from_db()
    assert product.deleted_at is not None and not products.live_variants(product)
    # Deleted variants no longer resolve: an order with one is not connected.
    assert resolution.resolve_lines(shop, [StoreLine("l1", 1, variant_id="1")])[0].state == "unresolved"


def test_every_change_is_a_postback_with_each_variants_connection(shop, subscribed):
    products.apply_product(shop, sunset(A3, A2))
    a3 = StoreVariant.objects.get(external_id="1")
    products.connect_variant(a3, POSTER, DESIGN, MERCHANT)
    products.ignore_variant(StoreVariant.objects.get(external_id="2"), MERCHANT)
    products.remove_product(shop, "111")
    drive()
    written = {str(e.uid): e.id for e in Event.objects.all()}
    received = sorted(subscribed.wait_for(4), key=lambda r: written[r.payload["id"]])  # no in-order rule: by event
    assert all(r.verified for r in received)
    assert [(r.payload["event"], {v["sku"]: v["connectionStatus"] for v in r.payload["variants"]}) for r in received] == [
        ("store_product_created", {"SUN-A3": "not_connected", "SUN-A2": "not_connected"}),
        ("store_product_updated", {"SUN-A3": "connected", "SUN-A2": "not_connected"}),
        ("store_product_updated", {"SUN-A3": "connected", "SUN-A2": "ignored"}),
        ("store_product_deleted", {"SUN-A3": "connected", "SUN-A2": "ignored"}),
    ]
    first = received[0].payload
    assert first["storeId"] == str(shop.pk) and first["productId"] == "111" and first["title"] == "Sunset poster"
    assert {"id", "externalId", "sku", "title", "connectionStatus"} <= set(first["variants"][0])
    assert Event.objects.filter(order__isnull=True, type__startswith="store_product_").count() == 4


def test_connecting_checks_the_product_and_the_files(shop):
    products.apply_product(shop, sunset(A3))
    a3 = StoreVariant.objects.get(external_id="1")
    with pytest.raises(InvalidRequest) as refused:
        products.connect_variant(a3, "unknown", [{"type": "default", "url": "not a url"}], MERCHANT)
    assert {d.field for d in refused.value.details} == {"productUid", "files[0].url"}
    with pytest.raises(InvalidRequest) as refused:
        products.connect_variant(a3, POSTER, DESIGN + DESIGN, MERCHANT)
    assert "given twice" in refused.value.details[0].message
    a3.refresh_from_db()
    assert a3.connection == Connection.NOT_CONNECTED

    products.connect_variant(a3, POSTER, DESIGN, MERCHANT)
    line = resolution.resolve_lines(shop, [StoreLine("l1", 1, variant_id="1")])[0]
    assert (line.state, line.product_uid, line.files) == ("connected", POSTER, DESIGN)
    products.disconnect_variant(a3, MERCHANT)
    assert resolution.resolve_lines(shop, [StoreLine("l1", 1, variant_id="1")])[0].reason_code == "product_not_connected"


def test_ignoring_a_product_ignores_every_variant_it_has(shop):
    products.apply_product(shop, sunset(A3, A2))
    products.ignore_product(StoreProduct.objects.get(external_id="111"), MERCHANT)
    assert set(StoreVariant.objects.filter(store=shop).values_list("connection", flat=True)) == {Connection.IGNORED}
    assert products.apply_product(shop, sunset(A3, A2, ("3", "SUN-A1", "A1", {"Size": "A1"}))) == "updated"
    assert StoreVariant.objects.get(external_id="3").connection == Connection.NOT_CONNECTED  # a new variant asks


def test_tabs_count_products_by_their_variants(shop):
    products.apply_product(shop, sunset(A3, A2))
    products.apply_product(shop, StoreProductData("222", "Toy car", (StoreVariantData("5", "CAR", "Red"),)))
    products.apply_product(shop, StoreProductData("333", "Mug", (StoreVariantData("6", "MUG", "11oz"),)))
    products.connect_variant(StoreVariant.objects.get(external_id="1"), POSTER, DESIGN, MERCHANT)
    products.ignore_variant(StoreVariant.objects.get(external_id="5"), MERCHANT)
    assert products.tab_counts(shop) == {"all": 3, "connected": 1, "not_connected": 2, "ignored": 1}
    poster = products.product_of(shop, "111")
    assert (poster.connected, poster.not_connected, poster.ignored) == (1, 1, 0)


# --- The API -----------------------------------------------------------------------------------------------------


def test_products_through_the_api(api, shop, settle):
    products.apply_product(shop, sunset(A3, A2))
    products.apply_product(shop, StoreProductData("222", "Toy car", (StoreVariantData("5", "CAR", "Red"),)))
    listed = api.get(f"/v4/stores/{shop.pk}/products").json()
    assert listed["total"] == 2
    assert [(p["title"], p["variantCounts"]) for p in listed["products"]] == [
        ("Sunset poster", {"connected": 0, "notConnected": 2, "ignored": 0}),
        ("Toy car", {"connected": 0, "notConnected": 1, "ignored": 0})]

    one = api.get(f"/v4/stores/{shop.pk}/products/111").json()
    a3 = next(v for v in one["variants"] if v["sku"] == "SUN-A3")
    answer = api.post(f"/v4/stores/{shop.pk}/variants/{a3['id']}:connect", {"productUid": POSTER, "files": DESIGN})
    assert answer.status_code == 200, answer.content
    assert answer.json()["connectionStatus"] == "connected" and answer.json()["productUid"] == POSTER

    answer = api.post(f"/v4/stores/{shop.pk}/products/222:ignore")
    assert answer.status_code == 200 and answer.json()["variantCounts"]["ignored"] == 1
    assert [p["id"] for p in api.get(f"/v4/stores/{shop.pk}/products?connection=connected").json()["products"]] == ["111"]
    assert [p["id"] for p in api.get(f"/v4/stores/{shop.pk}/products?connection=ignored").json()["products"]] == ["222"]
    assert api.get(f"/v4/stores/{shop.pk}/products?connection=gone").status_code == 400

    answer = api.post(f"/v4/stores/{shop.pk}/variants/{a3['id']}:disconnect")
    assert answer.json()["connectionStatus"] == "not_connected"
    answer = api.post(f"/v4/stores/{shop.pk}/variants/{a3['id']}:ignore")
    assert answer.json()["connectionStatus"] == "ignored"

    bad = api.post(f"/v4/stores/{shop.pk}/variants/{a3['id']}:connect", {"productUid": "nope", "files": DESIGN})
    assert bad.status_code == 400 and bad.json()["details"] == [{"field": "productUid", "message": "Choose a product from the catalog."}]

    queued = api.post(f"/v4/stores/{shop.pk}/products:sync")
    assert queued.status_code == 202 and queued.json()["queued"] is True
    with transaction.atomic():
        connections.change_status(shop, "disconnected", MERCHANT)
    refused = api.post(f"/v4/stores/{shop.pk}/products:sync")
    assert refused.status_code == 409 and refused.json()["code"] == "store_not_active"


def test_another_accounts_store_is_not_found(other_api, api, shop):
    products.apply_product(shop, sunset(A3))
    variant = StoreVariant.objects.get(external_id="1")
    for answer in (other_api.get(f"/v4/stores/{shop.pk}/products"),
                   other_api.get(f"/v4/stores/{shop.pk}/products/111"),
                   other_api.post(f"/v4/stores/{shop.pk}/variants/{variant.pk}:ignore"),
                   other_api.post(f"/v4/stores/{shop.pk}/products:sync")):
        assert answer.status_code == 404 and answer.json()["code"] == "store_not_found"
    assert api.get(f"/v4/stores/{shop.pk}/products/999").json()["code"] == "product_not_found"
    variant.refresh_from_db()
    assert variant.connection == Connection.NOT_CONNECTED


# --- A full sync against the platforms' emulators ---------------------------------------------------------------


@pytest.fixture
def loopback(loopback_fetching):
    """The emulators are on 127.0.0.1, which production refuses."""


def test_a_shopify_sync_adds_updates_and_deletes(account, loopback):
    from tests.emulators.shopify import ShopifyEmulator

    with ShopifyEmulator() as emulator:
        shop = factories.store(account, domain=emulator.domain, api_base_url=emulator.url, token=emulator.token,
                               secret=emulator.secret)
        poster = emulator.add_product("Sunset poster", [{"sku": "SUN-A3", "options": {"Size": "A3"}},
                                                        {"sku": "SUN-A2", "options": {"Size": "A2"}}])
        mug = emulator.add_product("Mug", [{"sku": "MUG-11", "options": {"Size": "11oz"}}])
        for n in range(5):  # more than one page of products
            emulator.add_product(f"Card {n}", [{"sku": f"CARD-{n}", "options": {"Size": "A6"}}])
        first = products.sync_products(shop)
        assert (first.created, first.updated, first.deleted, first.error) == (7, 0, 0, "")
        shop.refresh_from_db()
        assert shop.products_synced_at is not None
        a3 = StoreVariant.objects.get(store=shop, sku="SUN-A3")
        assert (a3.external_id, a3.options, a3.product.external_id) == (
            str(poster.variants[0].id), {"Size": "A3"}, str(poster.id))

        emulator.update_product(poster.id, title="Sunset poster (matte)")
        poster.variants[0].options = {"Size": "A3", "Paper": "Matte"}
        emulator.delete_product(mug.id)
        second = products.sync_products(shop)
        assert (second.created, second.updated, second.deleted, second.unchanged) == (0, 1, 1, 5)
        a3.refresh_from_db()
        assert a3.options_changed_at is not None and a3.product.title == "Sunset poster (matte)"
        assert StoreProduct.objects.get(store=shop, external_id=str(mug.id)).deleted_at is not None


def test_a_refused_token_in_the_middle_of_a_sync_marks_the_store_and_deletes_nothing(account, loopback):
    from tests.emulators.shopify import ShopifyEmulator

    with ShopifyEmulator() as emulator:
        shop = factories.store(account, domain=emulator.domain, api_base_url=emulator.url, token=emulator.token,
                               secret=emulator.secret)
        for n in range(6):
            emulator.add_product(f"Card {n}", [{"sku": f"CARD-{n}", "options": {"Size": "A6"}}])
        products.sync_products(shop)
        emulator.fail(1, 401, after=1)  # the first page answers, the second is refused
        result = products.sync_products(shop)
    assert result.error and "reconnect" in result.error
    shop.refresh_from_db()
    assert shop.status == "auth_failed" and shop.status_changes.last().status == "auth_failed"
    assert not StoreProduct.objects.filter(store=shop, deleted_at__isnull=False).exists()


def test_a_bigcommerce_sync(account, loopback):
    from tests.emulators.bigcommerce import BigCommerceEmulator

    with BigCommerceEmulator(quota=10_000) as emulator:
        shop = factories.store(account, platform="bigcommerce", domain=emulator.store_hash, api_base_url=emulator.url,
                               token=emulator.token, secret=emulator.client_secret)
        tee = emulator.add_product("T-shirt", [{"sku": "TEE-M", "options": {"Size": "M"}},
                                               {"sku": "TEE-4XL", "options": {"Size": "4XL"}}])
        assert products.sync_products(shop).created == 1
        assert sorted(StoreVariant.objects.filter(store=shop).values_list("sku", flat=True)) == ["TEE-4XL", "TEE-M"]
        emulator.products.pop(tee["id"])
        assert products.sync_products(shop).deleted == 1
    assert not products.live_variants(StoreProduct.objects.get(store=shop))
