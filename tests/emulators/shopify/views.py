"""The GraphQL views the Shopify emulator answers through (the default resolver reads attributes; methods take (info, **arguments)), the root and the query helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from functools import lru_cache
from typing import TYPE_CHECKING

from graphql import OperationDefinitionNode, parse, validate

from tests.emulators.shopify.state import (
    Fulfillment, FulfillmentOrder, Line, Order, Product, Subscription, Variant, gid, gid_number,
)
from tests.emulators.shopify.query import CostNode, _order_matches, connection, cost_plan, parse_search
from tests.emulators.shopify.schema import SCHEMA

if TYPE_CHECKING:
    from tests.emulators.shopify.server import ShopifyEmulator


# --- GraphQL views (the default resolver reads attributes; methods take (info, **arguments)) -------


def _iso(moment: datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _money(amount: Decimal, currency: str) -> dict:
    money = {"amount": str(amount), "currencyCode": currency}
    return {"shopMoney": money, "presentmentMoney": money}


def _address(rest: dict | None) -> dict | None:
    if not rest:
        return None
    return {"id": gid("MailingAddress", rest.get("id") or 0), "firstName": rest.get("first_name"),
            "lastName": rest.get("last_name"), "name": rest.get("name"), "company": rest.get("company"),
            "address1": rest.get("address1"), "address2": rest.get("address2"), "city": rest.get("city"),
            "province": rest.get("province"), "provinceCode": rest.get("province_code"), "zip": rest.get("zip"),
            "country": rest.get("country"), "countryCodeV2": rest.get("country_code"), "phone": rest.get("phone")}


class ProductView:
    def __init__(self, emulator: ShopifyEmulator, product: Product):
        self.e, self.p = emulator, product
        self.id = gid("Product", product.id)
        self.legacyResourceId = str(product.id)
        self.title, self.handle, self.vendor = product.title, product.handle, product.vendor
        self.productType, self.status = product.product_type, product.status
        self.createdAt, self.updatedAt = _iso(product.created_at), _iso(product.updated_at)

    def variants(self, info, first=None, after=None, last=None, before=None, reverse=False):
        keys = [(v.id,) for v in self.p.variants]
        return connection(keys, self.p.variants, first=first, after=after, last=last, before=before, reverse=reverse,
                          view=lambda v: VariantView(self.e, v, self))


class VariantView:
    def __init__(self, emulator: ShopifyEmulator, variant: Variant, product_view: ProductView | None = None):
        self.e, self.v, self._product = emulator, variant, product_view
        self.id = gid("ProductVariant", variant.id)
        self.legacyResourceId = str(variant.id)
        self.title, self.sku, self.price = variant.title, variant.sku, str(variant.price)
        self.selectedOptions = [{"name": k, "value": v} for k, v in variant.options.items()]

    @property
    def displayName(self) -> str:
        product = self.e.products.get(self.v.product_id)
        return f"{product.title if product else ''} - {self.v.title}"

    @property
    def product(self):
        product = self.e.products.get(self.v.product_id)
        return self._product or (ProductView(self.e, product) if product else None)


class LineView:
    def __init__(self, emulator: ShopifyEmulator, order: Order, line: Line):
        self.e, self.l = emulator, line
        self.id = gid("LineItem", line.id)
        self.name, self.title, self.variantTitle = line.name, line.title, line.variant_title or None
        self.sku, self.vendor, self.quantity = line.sku or None, line.vendor, line.quantity
        self.currentQuantity = line.quantity
        self.unfulfilledQuantity = line.quantity - line.fulfilled
        self.requiresShipping = True
        self.customAttributes = [{"key": p["name"], "value": p.get("value")} for p in line.properties]
        self.originalUnitPriceSet = _money(line.price, order.currency)

    @property
    def variant(self):
        variant = self.e.variant(self.l.variant_id)
        return VariantView(self.e, variant) if variant else None

    @property
    def product(self):
        product = self.e.products.get(self.l.product_id)
        return ProductView(self.e, product) if product else None


class FulfillmentOrderView:
    def __init__(self, emulator: ShopifyEmulator, order: Order, fo: FulfillmentOrder):
        self.e, self.o, self.fo = emulator, order, fo
        self.id, self.status, self.orderId = gid("FulfillmentOrder", fo.id), fo.status, gid("Order", order.id)
        self.createdAt, self.updatedAt = _iso(fo.created_at), _iso(fo.updated_at)

    def lineItems(self, info, first=None, after=None, last=None, before=None, reverse=False):
        keys = [(line.id,) for line in self.fo.lines]
        return connection(keys, self.fo.lines, first=first, after=after, last=last, before=before, reverse=reverse,
                          view=lambda fol: {"id": gid("FulfillmentOrderLineItem", fol.id), "remainingQuantity": fol.remaining,
                                            "totalQuantity": fol.total, "sku": fol.line.sku or None,
                                            "lineItem": LineView(self.e, self.o, fol.line)})


class FulfillmentView:
    def __init__(self, emulator: ShopifyEmulator, fulfillment: Fulfillment):
        self.e, self.f = emulator, fulfillment
        self.id, self.legacyResourceId = gid("Fulfillment", fulfillment.id), str(fulfillment.id)
        self.status, self.displayStatus = fulfillment.status, fulfillment.display_status
        self.createdAt, self.updatedAt = _iso(fulfillment.created_at), _iso(fulfillment.updated_at)
        order = emulator.orders.get(fulfillment.order_id)
        self.name = f"{order.name}-F{order.fulfillments.index(fulfillment) + 1}" if order else ""

    @property
    def order(self):
        return OrderView(self.e, self.e.orders[self.f.order_id])

    def trackingInfo(self, info, first=None):
        return self.f.tracking[:first] if first is not None else list(self.f.tracking)


class OrderView:
    """Fields are read when the query asks for them (a listing of ids and names builds nothing else)."""

    def __init__(self, emulator: ShopifyEmulator, order: Order):
        self.e, self.o = emulator, order

    id = property(lambda self: gid("Order", self.o.id))
    legacyResourceId = property(lambda self: str(self.o.id))
    name = property(lambda self: self.o.name)
    email = property(lambda self: self.o.email or None)
    phone = property(lambda self: self.o.phone or None)
    note = property(lambda self: self.o.note)
    createdAt = processedAt = property(lambda self: _iso(self.o.created_at))
    updatedAt = property(lambda self: _iso(self.o.updated_at))
    cancelledAt = property(lambda self: _iso(self.o.cancelled_at))
    closedAt = property(lambda self: _iso(self.o.closed_at))
    cancelReason = property(lambda self: self.o.cancel_reason.upper() if self.o.cancel_reason else None)
    closed = property(lambda self: self.o.closed_at is not None)
    test = False
    currencyCode = property(lambda self: self.o.currency)
    displayFinancialStatus = property(lambda self: self.o.financial_status.upper())
    displayFulfillmentStatus = property(lambda self: self.o.display_fulfillment_status)
    customAttributes = property(lambda self: [{"key": a["name"], "value": a.get("value")} for a in self.o.note_attributes])

    @property
    def totalPriceSet(self):
        return _money(self.o.total, self.o.currency)

    subtotalPriceSet = totalPriceSet

    @property
    def shippingAddress(self):
        return _address(self.o.shipping_address)

    billingAddress = shippingAddress

    def lineItems(self, info, first=None, after=None, last=None, before=None, reverse=False):
        keys = [(line.id,) for line in self.o.lines]
        return connection(keys, self.o.lines, first=first, after=after, last=last, before=before, reverse=reverse,
                          view=lambda line: LineView(self.e, self.o, line))

    def shippingLines(self, info, first=None, after=None, last=None, before=None, reverse=False):
        keys = [(i,) for i in range(len(self.o.shipping_lines))]
        return connection(keys, self.o.shipping_lines, first=first, after=after, last=last, before=before, reverse=reverse,
                          view=lambda s: {"id": gid("ShippingLine", s.get("id", 0)), "title": s["title"], "code": s.get("code"),
                                          "source": s.get("source"), "carrierIdentifier": None,
                                          "originalPriceSet": _money(Decimal(s.get("price", "0")), self.o.currency)})

    def fulfillmentOrders(self, info, first=None, after=None, last=None, before=None, reverse=False, query=None):
        keys = [(fo.id,) for fo in self.o.fulfillment_orders]
        return connection(keys, self.o.fulfillment_orders, first=first, after=after, last=last, before=before,
                          reverse=reverse, view=lambda fo: FulfillmentOrderView(self.e, self.o, fo))

    def fulfillments(self, info, first=None):
        chosen = self.o.fulfillments[:first] if first is not None else self.o.fulfillments
        return [FulfillmentView(self.e, f) for f in chosen]


def _user_error(path: list[str], message: str, *, payload: str = "fulfillment") -> dict:
    return {payload: None, "userErrors": [{"field": path, "message": message}]}


def _subscription_view(s: Subscription) -> dict:
    return {"id": gid("WebhookSubscription", s.id), "legacyResourceId": str(s.id), "topic": s.topic, "format": s.format,
            "uri": s.uri, "callbackUrl": s.uri, "createdAt": _iso(s.created_at), "updatedAt": _iso(s.created_at),
            "includeFields": s.include_fields, "filter": s.filter}


class _Root:
    """Root fields (queries and mutations), resolved by graphql-core's default resolver."""

    def __init__(self, emulator: ShopifyEmulator):
        self.e = emulator

    def shop(self, info):
        e = self.e
        return {"id": gid("Shop", e.shop_id), "name": "Platen Demo", "email": "owner@example.com",
                "myshopifyDomain": e.domain, "currencyCode": e.currency, "ianaTimezone": "America/New_York"}

    def order(self, info, id):
        found = self.e.orders.get(gid_number(id) or -1) if id.startswith("gid://shopify/Order/") else None
        return OrderView(self.e, found) if found else None

    def orders(self, info, first=None, after=None, last=None, before=None, reverse=False, sortKey="ID", query=None):
        terms = parse_search(query)
        keys, items = self.e.order_listing(sortKey)
        return connection(keys, items, first=first, after=after, last=last, before=before, reverse=reverse,
                          match=(lambda o: _order_matches(o, terms)) if terms else None,
                          view=lambda o: OrderView(self.e, o))

    def product(self, info, id):
        found = self.e.products.get(gid_number(id) or -1) if id.startswith("gid://shopify/Product/") else None
        return ProductView(self.e, found) if found else None

    def products(self, info, first=None, after=None, last=None, before=None, reverse=False, sortKey="ID", query=None):
        key = {"TITLE": lambda p: (p.title, p.id), "UPDATED_AT": lambda p: (_iso(p.updated_at), p.id),
               "CREATED_AT": lambda p: (_iso(p.created_at), p.id)}.get(sortKey, lambda p: (p.id,))
        keys, items = self.e._listing(f"products:{sortKey}", lambda: list(self.e.products.values()), key)
        return connection(keys, items, first=first, after=after, last=last, before=before, reverse=reverse,
                          view=lambda p: ProductView(self.e, p))

    def fulfillmentOrder(self, info, id):
        found = self.e._fulfillment_order(id)
        return FulfillmentOrderView(self.e, *found) if found else None

    def webhookSubscriptions(self, info, first=None, after=None, last=None, before=None, reverse=False):
        subs = self.e.subscriptions
        return connection([(s.id,) for s in subs], subs, first=first, after=after, last=last, before=before,
                          reverse=reverse, view=_subscription_view)

    def fulfillmentCreate(self, info, fulfillment, message=None):
        return self.e.fulfillment_create(fulfillment)

    def fulfillmentEventCreate(self, info, fulfillmentEvent):
        return self.e.fulfillment_event_create(fulfillmentEvent)

    def webhookSubscriptionCreate(self, info, topic, webhookSubscription):
        return self.e.webhook_subscription_create(topic, webhookSubscription)


_DEFAULT_ADDRESS = {
    "first_name": "Ada", "last_name": "Lovelace", "name": "Ada Lovelace", "company": None, "address1": "350 Fifth Avenue",
    "address2": "Floor 21", "city": "New York", "province": "New York", "province_code": "NY", "zip": "10118",
    "country": "United States", "country_code": "US", "phone": "+12125550100", "latitude": None, "longitude": None,
}


def _resolve(source, info, **arguments):
    """graphql-core's default resolver, minus what this schema never needs: dict key or attribute, called with
    (info, **arguments) when it is a method."""
    value = source.get(info.field_name) if type(source) is dict else getattr(source, info.field_name, None)
    return value(info, **arguments) if callable(value) else value


def _never(value) -> bool:
    return False  # no resolver here is async


@lru_cache(maxsize=256)
def _parsed(query: str):
    return parse(query)


@lru_cache(maxsize=256)
def _plan(query: str, operation_name: str | None) -> tuple[CostNode, ...]:
    document = _parsed(query)
    operation = next(d for d in document.definitions if isinstance(d, OperationDefinitionNode)
                     and (operation_name is None or (d.name and d.name.value == operation_name)))
    fragments = {d.name.value: d for d in document.definitions if not isinstance(d, OperationDefinitionNode)}
    return cost_plan(operation.selection_set, SCHEMA.query_type, fragments)


@lru_cache(maxsize=256)
def _validated(query: str) -> list[dict]:
    return [error.formatted for error in validate(SCHEMA, _parsed(query))]
