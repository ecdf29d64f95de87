"""Stores, their products and not-connected orders, made through the ORM as the importer makes them (BRIEF: every
item of a not-connected order born `not_connected`, product_uid filled for resolved items, blank otherwise, the
item's storeProductVariantId = Platen's id of the store variant; no checks queued)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.models import Address, ItemFile, Order, OrderItem
from platen.orders.statuses import Financial, Fulfillment
from platen.orders.transitions import start
from platen.stores.connectors.base import StoreLine, StoreOrder as StoreOrderData
from platen.stores.models import Store, StoreOrder, StoreProduct, StoreStatusChange, StoreVariant
from platen.stores.services import connections
from platen.stores.statuses import Bucket, Connection, SeenVia, StoreStatus
from tests.orders import factories as order_factories

_numbers = itertools.count(1001)
POSTER = order_factories.POSTER
TSHIRT = order_factories.TSHIRT


def store(account, *, platform: str = "shopify", domain: str | None = None, api_base_url: str = "",
          import_not_connected: bool = True, name: str = "Acme Posters", token: str = "shpat_test",
          secret: str = "whsec-test") -> Store:
    now = timezone.now()
    made = Store.objects.create(
        account=account, platform=platform, name=name, domain=domain or f"acme-{next(_numbers)}.myshopify.com",
        api_base_url=api_base_url, access_token_sealed=connections.seal(token), webhook_secret_sealed=connections.seal(secret),
        status=StoreStatus.ACTIVE, status_changed_at=now, connected_at=now, import_not_connected=import_not_connected)
    StoreStatusChange.objects.create(store=made, status=StoreStatus.ACTIVE, actor_label="tests", at=now)
    return made


def product(shop: Store, title: str, variants: list[tuple[str, str]], *, external_id: str | None = None) -> StoreProduct:
    """A store product with variants given as (title, sku); the variants' store ids are made up."""
    made = StoreProduct.objects.create(store=shop, external_id=external_id or str(next(_numbers)), title=title,
                                       synced_at=timezone.now())
    for variant_title, sku in variants:
        StoreVariant.objects.create(store=shop, product=made, external_id=str(next(_numbers)), sku=sku,
                                    title=variant_title, options={"Size": variant_title})
    return made


def variant(shop: Store, title: str) -> StoreVariant:
    return StoreVariant.objects.get(store=shop, title=title)


@dataclass
class Line:
    """One line of a store order: its variant (None: known by SKU only) and what it resolved to."""

    variant: StoreVariant | None
    quantity: int = 1
    sku: str = ""
    title: str = ""
    product_uid: str = ""  # filled: the line was connected when the order came in
    files: list[dict] = field(default_factory=list)


def not_connected_order(shop: Store, lines: list[Line], *, reference: str | None = None) -> Order:
    """The Platen order and the store order it came from, as the importer writes them, in one transaction."""
    number = next(_numbers)
    reference = reference or f"#{number}"
    external_id = str(9_000_000 + number)
    store_lines = tuple(StoreLine(
        external_id=f"line-{number}-{n}", quantity=line.quantity,
        product_id=line.variant.product.external_id if line.variant else "", variant_id=line.variant.external_id if line.variant else "",
        sku=line.sku or (line.variant.sku if line.variant else ""), title=line.title or (line.variant.title if line.variant else "")
    ) for n, line in enumerate(lines))
    now = timezone.now()
    data = StoreOrderData(external_id=external_id, number=reference, placed_at=now, updated_at=now, currency="EUR",
                          paid=True, awaiting_fulfillment=True, store_status="Paid · Unfulfilled", lines=store_lines)
    actor = Actor.channel(shop.platform)
    with transaction.atomic():
        order = Order(account_id=shop.account_id, order_reference_id=reference, customer_reference_id="store-customer",
                      currency="EUR", channel=shop.platform, store_id=shop.pk, source_key=str(shop.pk),
                      external_id=external_id, shipping_address=Address.objects.create(**_address()), ordered_at=now)
        start(order, Fulfillment.NOT_CONNECTED, Financial.PENDING)
        order.save(force_insert=True)
        for n, (line, store_line) in enumerate(zip(lines, store_lines)):
            item = OrderItem.objects.create(
                order=order, position=n, item_reference_id=store_line.external_id, product_uid=line.product_uid,
                store_product_variant_id=str(line.variant.pk) if line.variant else "", quantity=line.quantity,
                fulfillment_status=Fulfillment.NOT_CONNECTED)
            for k, f in enumerate(line.files):
                ItemFile.objects.create(item=item, position=k, type=f["type"], url=f["url"])
        StoreOrder.objects.create(store=shop, external_id=external_id, number=reference, placed_at=now, store_updated_at=now,
                                  store_status=data.store_status, bucket=Bucket.IMPORTED, order=order,
                                  snapshot=data.as_dict(), seen_via=SeenVia.WEBHOOK)
        # Last: the history's subscribers (the not-connected e-mail) read the items and the store order's lines.
        events.record(order, events.ORDER_CREATED, actor, params={"channel": shop.platform, "items": len(lines)})
    return Order.objects.get(pk=order.pk)


def _address() -> dict:
    b = order_factories.BERLIN
    return {"first_name": b["firstName"], "last_name": b["lastName"], "address_line1": b["addressLine1"], "city": b["city"],
            "post_code": b["postCode"], "country": b["country"], "email": b["email"], "phone": b["phone"]}


def connected(v: StoreVariant, product_uid: str = POSTER, url: str = "https://files.example.com/print.pdf") -> StoreVariant:
    StoreVariant.objects.filter(pk=v.pk).update(connection=Connection.CONNECTED, product_uid=product_uid,
                                                files=[{"type": "default", "url": url}])
    v.refresh_from_db()
    return v
