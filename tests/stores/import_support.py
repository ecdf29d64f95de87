"""Stores and store orders for the import tests, built as the connections service and a connector would."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta

from platen.catalog.models import ShipmentMethod
from platen.stores.connectors.base import StoreAddress, StoreLine, StoreOrder
from platen.stores.models import ShippingMethodMapping, Store, StoreStatusChange
from platen.stores.services.connections import seal
from platen.stores.statuses import StoreStatus
from tests.orders import factories

CONNECTED = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
SECRET = "shpss_test_secret"


def make_store(account, *, platform: str = "shopify", connected_at: datetime = CONNECTED, api_base_url: str = "",
               domain: str = "", token: str = "shpat_test_token", secret: str = SECRET, **values) -> Store:
    store = Store.objects.create(
        account=account, platform=platform, name=f"Acme {platform}", domain=domain or f"acme-{platform}.myshopify.com",
        api_base_url=api_base_url, access_token_sealed=seal(token), webhook_secret_sealed=seal(secret),
        status=StoreStatus.ACTIVE, status_changed_at=connected_at, connected_at=connected_at, next_pull_at=connected_at,
        **values)
    StoreStatusChange.objects.create(store=store, status=StoreStatus.ACTIVE, actor_label="tests", at=connected_at)
    return store


BERLIN = StoreAddress(first_name="Ada", last_name="Lovelace", address1="Unter den Linden 1", city="Berlin",
                      post_code="10117", country="DE", phone="+49 30 1234567", email="ada@example.com")


def poster_line(**values) -> StoreLine:
    return dataclasses.replace(StoreLine(external_id="11001", quantity=2, product_id="7001", variant_id="8001",
                                         sku="PA3-MATTE", title="Poster A3 / Matte", properties={"Dedication": "For Ada"}),
                               **values)


def store_order(*, at: datetime | None = None, **values) -> StoreOrder:
    at = at or CONNECTED + timedelta(days=1)
    order = StoreOrder(
        external_id="450789469", number="#1001", placed_at=at, updated_at=at, currency="EUR", paid=True,
        awaiting_fulfillment=True, store_status="Paid · Unfulfilled", email="ada@example.com", shipping_address=BERLIN,
        shipping_method="", lines=(poster_line(),),
    )
    return dataclasses.replace(order, **values)


def print_files() -> list[dict]:
    return [{"type": "default", "url": f"{factories.FILES}/print.pdf"}]


def shopify_store(account, shop, **values) -> Store:
    """A store connected to the Shopify emulator `shop` a day ago (its orders are placed after that)."""
    return make_store(account, domain=shop.domain, token=shop.token, secret=shop.secret, api_base_url=shop.url,
                      connected_at=shop.now() - timedelta(days=1), **values)


def bigcommerce_store(account, bc, **values) -> Store:
    return make_store(account, platform="bigcommerce", domain=bc.store_hash, token=bc.token, secret=bc.client_secret,
                      api_base_url=bc.url, connected_at=datetime.now(UTC) - timedelta(days=1), **values)


def map_shipping(store, words: str) -> None:
    """The store's shipping method `words` mapped to the catalog's first shipment method."""
    method = ShipmentMethod.objects.order_by("uid").first()
    ShippingMethodMapping.objects.create(store=store, store_method=words, shipment_method_uid=method.uid)
