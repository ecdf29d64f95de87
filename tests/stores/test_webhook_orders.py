"""StoreWebhook.order_external_id: read from each delivery's body (stores.webhook_orders), backfilled by migration
0004 for the deliveries stored before it."""

from __future__ import annotations

import importlib
import json

import pytest
from django.apps import apps

from platen.intake import services as intake
from platen.stores.models import StoreWebhook
from platen.stores.webhook_orders import order_external_id
from tests.stores import factories

BACKFILL = importlib.import_module("platen.stores.migrations.0004_storewebhook_order_external_id").backfill


@pytest.mark.parametrize(("topic", "body", "expected"), [
    ("orders/create", {"id": 5_000_000_001, "name": "#1001", "line_items": []}, "5000000001"),  # Shopify: the order
    ("orders/delete", {"id": 820982911946154508}, "820982911946154508"),
    ("store/order/statusUpdated", {"scope": "store/order/statusUpdated", "data": {"type": "order", "id": 250}}, "250"),
    ("products/update", {"id": 632910392, "title": "Poster"}, ""),  # not about an order
    ("store/product/updated", {"scope": "store/product/updated", "data": {"type": "product", "id": 77}}, ""),
    ("customers/redact", {"orders_to_redact": [1, 2]}, ""),
    ("orders/create", ["not", "an", "object"], ""),
    ("orders/create", {"id": True}, ""),
])
def test_the_order_a_body_is_about(topic, body, expected):
    assert order_external_id(topic, json.dumps(body).encode()) == expected


def test_a_body_that_is_not_json_names_no_order():
    assert order_external_id("orders/create", b"\xff{not json") == ""


@pytest.mark.django_db
def test_the_migration_fills_the_order_of_deliveries_stored_before_it(account):
    store = factories.store(account)

    def stored(delivery: str, topic: str, body: dict | None) -> StoreWebhook:
        request = intake.receive(account, "shopify", json.dumps(body), store_id=store.pk) if body is not None else None
        return StoreWebhook.objects.create(store=store, delivery_id=delivery, topic=topic, intake_request=request)

    about_1001 = stored("a", "orders/updated", {"id": 1001, "name": "#1001"})
    about_100 = stored("b", "orders/paid", {"id": 100, "note": "see order 1001"})
    product = stored("c", "products/update", {"id": 1001, "title": "Poster"})
    bodiless = stored("d", "orders/create", None)
    BACKFILL(apps, None)
    filled = dict(StoreWebhook.objects.values_list("pk", "order_external_id"))
    assert filled == {about_1001.pk: "1001", about_100.pk: "100", product.pk: "", bodiless.pk: ""}
    assert list(StoreWebhook.objects.filter(store=store, order_external_id="100")) == [about_100]
