"""Recreate (seed 000): a store order that did not import becomes a Platen order in one action, past the import's
own rules but not past the order's checks, linked to the store order so a later import makes no second order."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.models import Address, Order, OrderEvent
from platen.stores.connectors.base import StoreAddress, StoreLine, StoreOrder as StoreOrderData
from platen.stores.models import SkuMapping, Store, StoreOrder, StoreStatusChange
from platen.stores.reasons import Reason
from platen.stores.services import connections, recreate
from platen.stores.statuses import Bucket, Connection, SeenVia, StoreStatus
from tests.orders import factories as orders

POSTER_SKU = "POSTER-A3"


def make_store(account, *, platform="shopify", domain="acme.myshopify.com", api_base_url="", connected_days_ago=10) -> Store:
    connected = timezone.now() - timedelta(days=connected_days_ago)
    store = Store.objects.create(
        account=account, platform=platform, name="Acme shop", domain=domain, api_base_url=api_base_url,
        access_token_sealed=connections.seal("shpat_test"), webhook_secret_sealed=connections.seal("secret"),
        status=StoreStatus.ACTIVE, status_changed_at=connected, connected_at=connected)
    StoreStatusChange.objects.create(store=store, status=StoreStatus.ACTIVE, actor_label="tests", at=connected)
    return store


def store_order_data(external_id="450789469", number="#1001", *, lines=None, paid=False, shipping_method="",
                     placed_days_ago=1) -> StoreOrderData:
    placed = timezone.now() - timedelta(days=placed_days_ago)
    return StoreOrderData(
        external_id=external_id, number=number, placed_at=placed, updated_at=placed, currency="EUR", paid=paid,
        awaiting_fulfillment=True, store_status="Pending · Unfulfilled", email="ada@example.com",
        shipping_address=StoreAddress(first_name="Ada", last_name="Lovelace", address1="Unter den Linden 1",
                                      city="Berlin", post_code="10117", country="DE", email="ada@example.com"),
        shipping_method=shipping_method, graphql_id=f"gid://shopify/Order/{external_id}",
        lines=tuple(lines or [StoreLine(external_id="1001-1", quantity=2, variant_id="v-1", sku=POSTER_SKU,
                                        title="Poster A3", properties={"Name": "Ada"})]))


def recorded(store, data: StoreOrderData, *, bucket=Bucket.SKIPPED, code=Reason.NOT_PAID,
             reason="The order is not paid yet.") -> StoreOrder:
    return StoreOrder.objects.create(
        store=store, external_id=data.external_id, number=data.number, placed_at=data.placed_at,
        store_updated_at=data.updated_at, store_status=data.store_status, bucket=bucket, reason_code=code, reason=reason,
        snapshot=data.as_dict(), seen_via=SeenVia.PULL)


def map_poster(store) -> SkuMapping:
    return SkuMapping.objects.create(store=store, sku=POSTER_SKU, product_uid=orders.POSTER,
                                     files=[{"type": "default", "url": f"{orders.FILES}/print.pdf"}])


@pytest.fixture
def store(account):
    return make_store(account)


def path(store, ref: str) -> str:
    return f"/v4/stores/{store.pk}/orders/{ref}:recreate"


def test_a_skipped_unpaid_order_is_recreated_linked_and_checked(api, store, settle, files):
    map_poster(store)
    known = recorded(store, store_order_data())
    answer = api.post(path(store, "%231001"))  # the number the merchant sees, URL-encoded
    assert answer.status_code == 200, answer.content
    body = answer.json()
    order = Order.objects.get(pk=body["id"])
    assert (order.channel, order.source_key, order.external_id, order.store_id) == ("shopify", str(store.pk), "450789469", store.pk)
    assert body["orderReferenceId"] == "#1001"
    assert [(i.item_reference_id, i.product_uid, i.quantity) for i in order.items.all()] == [("1001-1", orders.POSTER, 2)]
    assert order.items.get().metadata == [{"key": "Name", "value": "Ada"}]  # the line's properties: personalization
    known.refresh_from_db()
    assert (known.bucket, known.order_id, known.reason_code) == (Bucket.IMPORTED, order.pk, "")
    created = OrderEvent.objects.get(order=order, type=events.ORDER_CREATED)
    assert created.actor_kind == "api_key"  # who recreated it, and what they overrode
    assert created.reason == "Recreated by hand from store order #1001. The store did not show it as paid."
    assert order.intake_request.status == "accepted" and order.intake_request.channel == "shopify"
    settle()  # the order's own checks run as for any order: the import's gates were skipped, not the checks
    order.refresh_from_db()
    assert order.fulfillment_status in ("passed", "created"), order.problems


def test_recreating_again_or_by_the_platform_id_answers_the_same_order(api, store):
    map_poster(store)
    recorded(store, store_order_data())
    first = api.post(path(store, "%231001")).json()["id"]
    assert api.post(path(store, "450789469")).json()["id"] == first
    assert api.post(path(store, "1001")).json()["id"] == first  # the number without its #
    assert Order.objects.filter(external_id="450789469").count() == 1


def test_the_recreated_order_holds_the_key_imports_create_with(store):
    """A webhook or pull of the same store order creates with (account, channel, store, platform id): taken."""
    map_poster(store)
    order = recreate.create(store, store_order_data(), Actor.system("tests"))
    twin = Order(account=store.account, order_reference_id="#1001", customer_reference_id="c", currency="EUR",
                 channel="shopify", store_id=store.pk, source_key=str(store.pk), external_id="450789469",
                 fulfillment_status="received", financial_status="pending", ordered_at=timezone.now(),
                 shipping_address=Address.objects.create(first_name="A", last_name="L", address_line1="U", city="B",
                                                         post_code="1", country="DE", email="a@example.com"))
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save(force_insert=True)
    assert Order.objects.filter(external_id="450789469").get() == order


def test_an_unresolved_item_needs_a_product_and_the_refusal_names_it(api, store, files):
    recorded(store, store_order_data(), bucket=Bucket.WAITING, code=Reason.SKU_NOT_MAPPED, reason="SKU POSTER-A3 is not mapped.")
    refused = api.post(path(store, "%231001"))
    assert refused.status_code == 400
    error = refused.json()
    assert error["code"] == "product_not_connected"
    assert "'Poster A3' (SKU POSTER-A3)" in error["message"]
    assert error["details"] == [{"field": "lines.1001-1", "message": "'Poster A3' (SKU POSTER-A3) needs a product."}]
    assert not Order.objects.exists()

    chosen = {"lines": {"1001-1": {"productUid": orders.POSTER, "files": [{"type": "default", "url": f"{orders.FILES}/print.pdf"}]}}}
    answer = api.post(path(store, "%231001"), chosen)
    assert answer.status_code == 200, answer.content
    item = Order.objects.get(pk=answer.json()["id"]).items.get()
    assert (item.product_uid, [f.url for f in item.files.all()]) == (orders.POSTER, [f"{orders.FILES}/print.pdf"])


def test_a_choice_for_a_line_the_order_does_not_have_is_refused(api, store):
    recorded(store, store_order_data())
    refused = api.post(path(store, "%231001"), {"lines": {"nope": {"productUid": orders.POSTER}}})
    assert refused.status_code == 400 and refused.json()["details"][0]["field"] == "lines.nope"


def test_ignored_items_are_left_out_and_an_all_ignored_order_is_refused(api, store):
    from platen.stores.models import StoreProduct, StoreVariant

    product = StoreProduct.objects.create(store=store, external_id="p-1", title="Car", synced_at=timezone.now())
    StoreVariant.objects.create(store=store, product=product, external_id="v-9", title="Red", connection=Connection.IGNORED)
    car = StoreLine(external_id="1001-2", quantity=1, variant_id="v-9", title="Red car")
    recorded(store, store_order_data(lines=[car]), code=Reason.ALL_ITEMS_IGNORED, reason="Every item is ignored.")
    refused = api.post(path(store, "%231001"))
    assert refused.status_code == 409 and refused.json()["code"] == "all_items_ignored"

    map_poster(store)
    poster = StoreLine(external_id="1002-1", quantity=1, variant_id="v-1", sku=POSTER_SKU, title="Poster A3")
    recorded(store, store_order_data("450789470", "#1002", lines=[poster, car]))
    answer = api.post(path(store, "%231002"))
    assert answer.status_code == 200, answer.content
    assert [i.item_reference_id for i in Order.objects.get(pk=answer.json()["id"]).items.all() if not i.is_ignored] == ["1002-1"]


def test_an_unmapped_shipping_method_needs_a_method(api, store):
    map_poster(store)
    recorded(store, store_order_data(shipping_method="Teleport"), bucket=Bucket.WAITING,
             code=Reason.SHIPPING_METHOD_NOT_MAPPED, reason="The shipping method Teleport is not mapped.")
    refused = api.post(path(store, "%231001"))
    assert refused.status_code == 400 and refused.json()["code"] == "shipping_method_not_mapped"
    assert "Teleport" in refused.json()["message"]
    answer = api.post(path(store, "%231001"), {"shipmentMethodUid": "normal"})
    assert answer.status_code == 200, answer.content
    assert Order.objects.get(pk=answer.json()["id"]).requested_shipment_method == "normal"


def test_a_store_order_cancelled_in_the_store_is_not_recreated(api, store):
    map_poster(store)
    data = store_order_data()
    data = StoreOrderData(**{**data.__dict__, "cancelled_at": timezone.now()})
    recorded(store, data, code=Reason.CANCELLED_IN_STORE, reason="The order was cancelled in the store.")
    refused = api.post(path(store, "%231001"))
    assert refused.status_code == 409 and refused.json()["code"] == "cancelled_in_store"


def test_another_accounts_store_is_not_found(other_api, store):
    recorded(store, store_order_data())
    answer = other_api.post(path(store, "%231001"))
    assert answer.status_code == 404 and answer.json()["code"] == "store_not_found"


def test_a_store_order_platen_never_saw_is_fetched_only_from_a_connected_store(api, store):
    connections.change_status(store, StoreStatus.DISCONNECTED, Actor.system())
    refused = api.post(path(store, "%231009"))
    assert refused.status_code == 409 and refused.json()["code"] == "store_not_active"


def test_the_recreate_button_makes_the_order_or_says_what_is_missing(account, store):
    from django.contrib.messages import get_messages
    from django.test import Client

    from platen.accounts import services as accounts

    web = Client()
    web.force_login(accounts.create_user(account, "merchant@example.com", "a-long-password-for-tests"))
    known = recorded(store, store_order_data(), bucket=Bucket.WAITING, code=Reason.SKU_NOT_MAPPED, reason="SKU POSTER-A3 is not mapped.")
    url = f"/stores/{store.pk}/orders/{known.pk}/recreate/"
    refused = web.post(url, {"next": "https://elsewhere.example/"})
    assert refused.status_code == 302 and "elsewhere" not in refused["Location"]
    assert any("Choose a product for 'Poster A3' (SKU POSTER-A3)" in str(m) for m in get_messages(refused.wsgi_request))
    assert not Order.objects.exists()

    map_poster(store)
    made = web.post(url)
    order = Order.objects.get()
    assert made.status_code == 302 and made["Location"] == f"/orders/{order.pk}/"
    assert web.post(url)["Location"] == f"/orders/{order.pk}/"  # again: the same order


def test_a_store_order_platen_never_saw_is_fetched_from_the_store_by_its_number(api, account, loopback_fetching):
    from platen.stores.models import ShippingMethodMapping
    from tests.emulators.shopify import ShopifyEmulator

    with ShopifyEmulator() as shop:
        store = make_store(account, domain=shop.domain, api_base_url=shop.url)
        Store.objects.filter(pk=store.pk).update(access_token_sealed=connections.seal(shop.token))
        map_poster(store)
        ShippingMethodMapping.objects.create(store=store, store_method="Standard Shipping", shipment_method_uid="normal")
        placed = shop.add_order([{"sku": POSTER_SKU, "title": "Poster A3", "quantity": 1}], financial_status="pending")
        assert api.post(path(store, "%239999")).status_code == 404  # no such number in the store
        answer = api.post(path(store, "%231001"))
        assert answer.status_code == 200, answer.content
        order = Order.objects.get(pk=answer.json()["id"])
        assert order.external_id == str(placed.id) and order.order_reference_id == "#1001"
        row = StoreOrder.objects.get(store=store, external_id=str(placed.id))
        assert (row.seen_via, row.bucket, row.order_id) == (SeenVia.RECREATE, Bucket.IMPORTED, order.pk)
        assert api.post(path(store, str(placed.id))).json()["id"] == str(order.pk)  # by the platform's id: the same

        shop.token = "rotated"
        refused = api.post(path(store, "%231002"))
        assert refused.status_code == 409 and refused.json()["code"] == "store_auth_failed"
        store.refresh_from_db()
        assert store.status == StoreStatus.AUTH_FAILED
