"""One Shopify store behind the GraphQL Admin API, as a real HTTP server on loopback.

Built from /work/shared/reference/store-platforms.md and Shopify's published reference, not from Platen's connector:

- `POST /admin/api/{version}/graphql.json` with `X-Shopify-Access-Token`; a wrong or missing token answers 401
  `{"errors": "[API] Invalid API key or access token (unrecognized login or wrong password)"}`. Every answer
  carries `X-Shopify-API-Version` (an unsupported version falls forward to the oldest supported one).
- Queries run on a real GraphQL executor (graphql-core) against SHOPIFY_SDL: `orders`, `order`, `products`,
  `product`, `fulfillmentOrder`, `webhookSubscriptions`, `shop`; mutations `fulfillmentCreate`,
  `fulfillmentEventCreate`, `webhookSubscriptionCreate` (problems in `userErrors`). Connections take
  `first/after/last/before/reverse`, answer `nodes`, `edges {cursor node}` and `pageInfo`; max 250 a page.
  Search syntax in `query:` terms `updated_at:>=`, `created_at:<`, `name:`, `financial_status:`,
  `fulfillment_status:`, `status:`, `id:` (AND), values quoted or not.
- Calculated query cost, a leaky bucket per store: an object costs 1, a connection 2 + `first` x (its node's cost),
  scalars and enums 0, a mutation 10; the requested cost must be available before the query runs, the difference
  to the actual cost (counted on what was answered) is refunded. Not enough: `errors: [{"message": "Throttled",
  "extensions": {"code": "THROTTLED", ...}}]`, no `data`, `actualQueryCost: null`. Over 1000 for one query:
  MAX_COST_EXCEEDED. Plans: PLANS["standard"|"advanced"|"plus"] = (maximumAvailable, restoreRate).
  The bucket reads an injectable `clock` (seconds): with ManualClock tests advance time without sleeping.

Use:

    clock = ManualClock()
    with ShopifyEmulator(plan="standard", clock=clock) as shop:       # or .start() / .stop()
        credentials = Credentials("shopify", shop.domain, shop.token, shop.secret, api_base_url=shop.url)
        connector = Shopify(credentials, client=SafeHttpClient(allow_private=True), sleep=clock.advance)
        api.post("/v4/stores", json=shop.store_payload(importNotConnectedOrders=True))   # Platen's wire shape
        product = shop.add_product("Poster", [{"sku": "POSTER-A3", "options": {"Size": "A3"}}])
        order = shop.add_order(lines=[{"variant": product.variants[0], "quantity": 2,
                                       "properties": {"Name": "Ada"}}])   # paid, unfulfilled by default
        shop.add_order(created_at=..., financial_status="pending", shipping_title=None, shipping_address={...})
        shop.add_orders(20_000)                                          # fast, in memory (benchmarks)
        shop.update_order(order.id, financial_status="refunded")         # bumps updated_at
        shop.cancel_order(order.id); shop.mark_fulfilled(order.id); shop.hold(order.id)
        shop.rest_order(order.id)                                        # the webhook body (REST shape)
        shop.webhook_body("products/update", product.id); shop.privacy_payload("customers/redact", [order.id])
        shop.update_product(product.id, title="..."); shop.delete_product(product.id)
        shop.send_webhook("orders/create", shop.rest_order(order.id), target_url)   # -> Delivery (.status)
        shop.emit("orders/paid", order.id)          # to every subscription of that topic (webhookSubscriptionCreate)
        shop.resend(delivery)                       # the same delivery again (same ids, same bytes)
        shop.fulfillments                           # [Fulfillment] created by fulfillmentCreate (tracking, lines)
        shop.fulfillment_events, shop.subscriptions, shop.throttled, shop.costs (per answered query)
        shop.fail(2, 500); shop.fail(1, 401, after=3)   # scripted failures (after: let n requests through first)
        shop.token = "rotated"                          # every later request answers 401
        shop.drain()                                    # an empty cost bucket (the next query is THROTTLED)
        shop.last_query, shop.last_request, shop.requests

Order times are the shop's local time (fixed offset `utc_offset_hours`, -5 by default) in REST bodies and UTC
(`Z`) in GraphQL, as Shopify answers. Only the bucket uses `clock`; order timestamps use `now` (a callable
returning an aware datetime, the wall clock by default).
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import hmac
import itertools
import json
import re
import threading
import time
import urllib.error
import urllib.request
import uuid
import zlib
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from functools import lru_cache
from http.server import BaseHTTPRequestHandler

from graphql import (
    FieldNode, FragmentSpreadNode, GraphQLError, GraphQLObjectType, InlineFragmentNode,
    OperationDefinitionNode, build_schema, execute, get_named_type, is_leaf_type, parse, validate,
)
from graphql.utilities import value_from_ast_untyped

from tests.emulators.loopback import LoopbackServer

VERSIONS = ("2025-04", "2025-07", "2025-10", "2026-01", "2026-04")  # supported stable versions, oldest first
PLANS = {"standard": (1000.0, 100.0), "advanced": (2000.0, 200.0), "plus": (10000.0, 1000.0)}
SINGLE_QUERY_MAX_COST = 1000
MAX_PAGE = 250
MUTATION_COST = 10
INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)"
_SCRIPTED_ERRORS = {401: INVALID_TOKEN, 402: "Unavailable Shop", 403: "[API] This action requires merchant approval for read_orders scope.",
                    404: "Not Found", 423: "Locked", 500: "Internal Server Error", 502: "Bad Gateway",
                    503: "Service Unavailable", 504: "Gateway Timeout"}
FINANCIAL = ("pending", "authorized", "partially_paid", "paid", "partially_refunded", "refunded", "voided", "expired")


class ManualClock:
    """Seconds that move only when told: pass `clock.advance` as the connector's sleep."""

    def __init__(self, start: float = 1_000.0):
        self.now = start
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.now += max(0.0, seconds)


# --- Store state ----------------------------------------------------------------------------------

_ids = {kind: itertools.count(start) for kind, start in {
    "order": 5_960_000_000_001, "line": 14_100_000_000_001, "product": 8_900_000_000_001,
    "variant": 45_100_000_000_001, "fo": 6_700_000_000_001, "fol": 14_900_000_000_001,
    "fulfillment": 5_300_000_000_001, "event": 26_400_000_000_001, "webhook": 1_470_000_000_001,
    "customer": 7_800_000_000_001, "address": 9_100_000_000_001,
}.items()}
_id_lock = threading.Lock()


def new_id(kind: str) -> int:
    with _id_lock:
        return next(_ids[kind])


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def gid_number(value: str) -> int | None:
    tail = str(value).rsplit("/", 1)[-1]
    return int(tail) if tail.isdigit() else None


@dataclass(slots=True)
class Variant:
    id: int
    product_id: int
    title: str
    sku: str
    price: Decimal
    options: dict[str, str]


@dataclass(slots=True)
class Product:
    id: int
    title: str
    handle: str
    vendor: str
    product_type: str
    created_at: datetime
    updated_at: datetime
    variants: list[Variant] = field(default_factory=list)
    status: str = "ACTIVE"


@dataclass(slots=True)
class Line:
    id: int
    product_id: int | None
    variant_id: int | None
    title: str
    variant_title: str
    sku: str
    quantity: int
    price: Decimal
    properties: list[dict]  # [{"name", "value"}]
    vendor: str = "Platen Demo"
    fulfilled: int = 0

    @property
    def name(self) -> str:
        return f"{self.title} - {self.variant_title}" if self.variant_title else self.title


@dataclass(slots=True)
class FulfillmentOrderLine:
    id: int
    line: Line
    total: int
    remaining: int


@dataclass(slots=True)
class FulfillmentOrder:
    id: int
    order_id: int
    status: str  # OPEN, IN_PROGRESS, CLOSED, CANCELLED, ON_HOLD
    lines: list[FulfillmentOrderLine]
    created_at: datetime
    updated_at: datetime


@dataclass(slots=True)
class Fulfillment:
    id: int
    order_id: int
    status: str  # SUCCESS
    tracking: list[dict]  # [{"number", "url", "company"}]
    lines: list[tuple[int, int]]  # (line item id, quantity)
    notify_customer: bool
    created_at: datetime
    updated_at: datetime
    display_status: str = "FULFILLED"
    events: list[dict] = field(default_factory=list)


@dataclass(slots=True)
class Order:
    id: int
    number: int
    name: str
    email: str
    phone: str
    currency: str
    created_at: datetime
    updated_at: datetime
    financial_status: str  # REST words: paid, pending, authorized, partially_paid, refunded, voided, ...
    lines: list[Line]
    shipping_address: dict | None  # REST keys
    shipping_lines: list[dict]  # [{"title", "code", "source", "price"}]
    fulfillment_orders: list[FulfillmentOrder] = field(default_factory=list)
    fulfillments: list[Fulfillment] = field(default_factory=list)
    note_attributes: list[dict] = field(default_factory=list)
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
    closed_at: datetime | None = None
    note: str | None = None
    customer_id: int = 0

    @property
    def total(self) -> Decimal:
        return sum((line.price * line.quantity for line in self.lines), Decimal("0.00")) + sum(
            (Decimal(s.get("price", "0")) for s in self.shipping_lines), Decimal("0.00"))

    @property
    def display_fulfillment_status(self) -> str:
        statuses = {fo.status for fo in self.fulfillment_orders}
        if statuses and statuses <= {"ON_HOLD", "CLOSED", "CANCELLED"} and "ON_HOLD" in statuses:
            return "ON_HOLD"
        wanted = sum(line.quantity for line in self.lines)
        done = sum(line.fulfilled for line in self.lines)
        if done == 0:
            return "UNFULFILLED"
        return "FULFILLED" if done >= wanted else "PARTIALLY_FULFILLED"

    @property
    def rest_fulfillment_status(self) -> str | None:
        return {"FULFILLED": "fulfilled", "PARTIALLY_FULFILLED": "partial"}.get(self.display_fulfillment_status)


@dataclass
class Subscription:
    id: int
    topic: str  # GraphQL enum: ORDERS_CREATE
    uri: str
    format: str
    created_at: datetime
    include_fields: list[str] = field(default_factory=list)
    filter: str | None = None

    @property
    def rest_topic(self) -> str:
        return topic_name(self.topic)


@dataclass
class Delivery:
    """One webhook POST as sent (resend() repeats it byte for byte) and what the receiver answered."""

    url: str
    headers: dict[str, str]
    body: bytes
    status: int = 0
    answer: bytes = b""


def topic_name(enum_value: str) -> str:
    """ORDERS_CREATE -> orders/create (the REST topic webhooks carry in X-Shopify-Topic)."""
    head, _, tail = enum_value.partition("_")
    return f"{head.lower()}/{tail.lower()}"


def topic_enum(name: str) -> str:
    return name.replace("/", "_").upper()


# --- Query cost -----------------------------------------------------------------------------------


def _fields(selection_set, fragments) -> Iterable[FieldNode]:
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from _fields(selection.selection_set, fragments)
        elif isinstance(selection, FragmentSpreadNode):
            yield from _fields(fragments[selection.name.value].selection_set, fragments)


@dataclass(frozen=True)
class CostNode:
    """One object-valued field of a query, compiled once per query text: how it is counted."""

    key: str  # the response key (alias or name)
    connection: bool
    size: tuple  # for a connection: the AST values of `first` / `last`
    children: tuple[CostNode, ...]  # an object's fields, or a connection node's fields
    node_paths: tuple[tuple[str, str | None], ...] = ()  # a connection's ("nodes", None) / ("edges", node key)


def cost_plan(selection_set, parent: GraphQLObjectType, fragments) -> tuple[CostNode, ...]:
    """The object-valued fields under a selection (scalars, enums and pageInfo cost nothing)."""
    plan = []
    for node in _fields(selection_set, fragments):
        name = node.name.value
        if name.startswith("__") or name not in parent.fields:
            continue
        named = get_named_type(parent.fields[name].type)
        if is_leaf_type(named) or named.name == "PageInfo":
            continue
        key = node.alias.value if node.alias else name
        if named.name.endswith("Connection"):
            node_type = get_named_type(named.fields["nodes"].type)
            paths, children = [], ()
            for child in _fields(node.selection_set, fragments):
                child_key = child.alias.value if child.alias else child.name.value
                if child.name.value == "nodes":
                    paths.append((child_key, None))
                    children = cost_plan(child.selection_set, node_type, fragments)
                elif child.name.value == "edges":
                    for grandchild in _fields(child.selection_set, fragments):
                        if grandchild.name.value == "node":
                            paths.append((child_key, grandchild.alias.value if grandchild.alias else "node"))
                            children = cost_plan(grandchild.selection_set, node_type, fragments)
            size = tuple(a.value for a in node.arguments or () if a.name.value in ("first", "last"))
            plan.append(CostNode(key, True, size, children, tuple(paths)))
        else:
            plan.append(CostNode(key, False, (), cost_plan(node.selection_set, named, fragments)))
    return tuple(plan)


def requested_cost(plan: tuple[CostNode, ...], variables: dict) -> int:
    """Objects 1, connections 2 + first x (1 + the node's fields), nested connections multiplying; scalars 0."""
    total = 0
    for node in plan:
        if node.connection:
            size = next((value_from_ast_untyped(v, variables) for v in node.size), 0) or 0
            total += 2 + int(size) * (1 + requested_cost(node.children, variables))
        else:
            total += 1 + requested_cost(node.children, variables)
    return total


def actual_cost(plan: tuple[CostNode, ...], value) -> int:
    """The same count over what was answered: a connection's real number of nodes, a null object nothing."""
    if not isinstance(value, dict):
        return 0
    total = 0
    for node in plan:
        answered = value.get(node.key)
        if answered is None:
            continue
        if node.connection:
            total += 2
            for list_key, node_key in node.node_paths[:1]:
                for item in answered.get(list_key) or ():
                    total += 1 + actual_cost(node.children, item if node_key is None else item.get(node_key))
        elif isinstance(answered, list):
            total += 1 + max((actual_cost(node.children, item) for item in answered), default=0)
        else:
            total += 1 + actual_cost(node.children, answered)
    return total


# --- Search syntax and connections ----------------------------------------------------------------

_TERM = re.compile(r"""(-?)([a-z_]+):(>=|<=|>|<|)("([^"]*)"|'([^']*)'|\S+)""")


def parse_search(query: str | None) -> list[tuple[bool, str, str, str]]:
    """`updated_at:>='2026-11-01T00:00:00Z' financial_status:paid` -> [(negated, field, op, value)]."""
    terms = []
    for match in _TERM.finditer(query or ""):
        negated, name, op, raw, double, single = match.groups()
        value = double if double is not None else single if single is not None else raw
        terms.append((negated == "-", name, op or "=", value))
    return terms


def _parse_time(value: str) -> datetime:
    text = value.strip()
    if len(text) == 10:
        text += "T00:00:00Z"
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _compare(left, op: str, right) -> bool:
    return {"=": left == right, ">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}[op]


def _order_matches(order: Order, terms) -> bool:
    for negated, name, op, value in terms:
        if name in ("updated_at", "created_at", "processed_at"):
            moment = order.updated_at if name == "updated_at" else order.created_at
            ok = _compare(moment, op, _parse_time(value))
        elif name == "name":
            wanted = value if value.startswith("#") or not value.isdigit() else f"#{value}"
            ok = order.name.lower() == wanted.lower()
        elif name == "id":
            ok = _compare(order.id, op, int(gid_number(value) or 0))
        elif name == "financial_status":
            ok = order.financial_status == value.lower()
        elif name == "fulfillment_status":
            status, wanted = order.display_fulfillment_status, value.lower()
            ok = {"unfulfilled": status == "UNFULFILLED", "unshipped": status == "UNFULFILLED",
                  "partial": status == "PARTIALLY_FULFILLED", "fulfilled": status == "FULFILLED",
                  "shipped": status == "FULFILLED", "on_hold": status == "ON_HOLD"}.get(wanted, False)
        elif name == "status":
            state = "cancelled" if order.cancelled_at else "closed" if order.closed_at else "open"
            ok = value.lower() in ("any", state)
        else:
            continue  # Shopify ignores a field it does not filter on (and warns in extensions.search)
        if ok == negated:
            return False
    return True


def _cursor(key) -> str:
    return base64.urlsafe_b64encode(json.dumps(key, default=str).encode()).decode()


def _uncursor(cursor: str):
    try:
        return tuple(json.loads(base64.urlsafe_b64decode(cursor.encode())))
    except (ValueError, TypeError):
        raise GraphQLError(f"Invalid cursor for current pagination sort: {cursor!r}") from None


def _page_size(first, last) -> tuple[int, bool]:
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    size = first if first is not None else last
    if size < 0 or size > MAX_PAGE:
        raise GraphQLError(f"The {'first' if first is not None else 'last'} argument must be between 0 and {MAX_PAGE}.")
    return size, first is None


def connection(keys: list, items: list, *, first=None, after=None, last=None, before=None, reverse=False,
               match: Callable[[object], bool] | None = None, view: Callable = lambda item: item) -> dict:
    """A page of `items` (sorted ascending by `keys`, JSON-able tuples) as a GraphQL connection."""
    size, backwards = _page_size(first, last)
    lo, hi = 0, len(items)
    if reverse:
        positions = range(hi - 1, lo - 1, -1)
        if after is not None:
            positions = range(bisect.bisect_left(keys, _uncursor(after)) - 1, -1, -1)
        if before is not None:
            stop = bisect.bisect_right(keys, _uncursor(before))
            positions = range(positions.start, stop - 1, -1)
    else:
        start = bisect.bisect_right(keys, _uncursor(after)) if after is not None else 0
        stop = bisect.bisect_left(keys, _uncursor(before)) if before is not None else hi
        positions = range(start, stop)
    chosen: list[int] = []
    more = False
    walk = reversed(positions) if backwards else iter(positions)
    for position in walk:
        if match is None or match(items[position]):
            if len(chosen) == size:
                more = True
                break
            chosen.append(position)
    if backwards:
        chosen.reverse()
    nodes = [view(items[p]) for p in chosen]
    cursors = [_cursor(keys[p]) for p in chosen]
    return {
        "nodes": nodes,
        "edges": [{"node": n, "cursor": c} for n, c in zip(nodes, cursors)],
        "pageInfo": {"hasNextPage": more if not backwards else before is not None,
                     "hasPreviousPage": more if backwards else after is not None,
                     "startCursor": cursors[0] if cursors else None, "endCursor": cursors[-1] if cursors else None},
    }


def _listing(items: list, key: Callable) -> tuple[list, list]:
    pairs = sorted(((key(item), item) for item in items), key=lambda pair: pair[0])
    return [k for k, _ in pairs], [item for _, item in pairs]


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
    def __init__(self, emulator: ShopifyEmulator, order: Order):
        self.e, self.o = emulator, order
        self.id, self.legacyResourceId, self.name = gid("Order", order.id), str(order.id), order.name
        self.email, self.phone, self.note = order.email or None, order.phone or None, order.note
        self.createdAt = self.processedAt = _iso(order.created_at)
        self.updatedAt, self.cancelledAt, self.closedAt = _iso(order.updated_at), _iso(order.cancelled_at), _iso(order.closed_at)
        self.cancelReason = order.cancel_reason.upper() if order.cancel_reason else None
        self.closed, self.test, self.currencyCode = order.closed_at is not None, False, order.currency
        self.displayFinancialStatus = order.financial_status.upper()
        self.displayFulfillmentStatus = order.display_fulfillment_status
        self.customAttributes = [{"key": a["name"], "value": a.get("value")} for a in order.note_attributes]

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


# --- The emulator ---------------------------------------------------------------------------------


class ShopifyEmulator(LoopbackServer):
    name = "shopify"

    def __init__(self, *, shop: str = "platen-demo", token: str = "shpat_emulator_token", secret: str = "shpss_emulator_secret",
                 plan: str = "standard", maximum_available: float | None = None, restore_rate: float | None = None,
                 clock: Callable[[], float] = time.monotonic, now: Callable[[], datetime] | None = None,
                 utc_offset_hours: int = -5, currency: str = "USD", require_https_webhooks: bool = False):
        self.domain = f"{shop}.myshopify.com"
        self.shop_id = zlib.crc32(shop.encode()) % 90_000_000 + 10_000_000
        self.token, self.secret, self.currency = token, secret, currency
        plan_max, plan_rate = PLANS[plan]
        self.maximum_available = float(maximum_available or plan_max)
        self.restore_rate = float(restore_rate or plan_rate)
        self.clock = clock
        self.now = now or (lambda: datetime.now(UTC).replace(microsecond=0))
        self.tz = timezone(timedelta(hours=utc_offset_hours))
        self.require_https_webhooks = require_https_webhooks
        # State (read freely in tests; change through the helpers so updated_at and the listings follow).
        self.orders: dict[int, Order] = {}
        self.products: dict[int, Product] = {}
        self.fulfillments: list[Fulfillment] = []
        self.fulfillment_events: list[dict] = []
        self.subscriptions: list[Subscription] = []
        self.deliveries: list[Delivery] = []
        # What happened on the wire.
        self.requests = 0
        self.throttled = 0
        self.costs: list[dict] = []  # extensions.cost of every answered query, with "at" (clock)
        self.last_query: dict = {}  # {"query", "variables"} of the last GraphQL request executed
        self.last_request: tuple[str, dict[str, str]] = ("", {})  # (path, lower-case headers)
        self._available = self.maximum_available
        self._bucket_at = clock()
        self._script: deque[tuple[int, int]] = deque()  # (status, requests to let through first)
        self._lock = threading.RLock()
        self._version = 0
        self._listings: dict[str, tuple[int, list, list]] = {}
        self._next_number = 1001
        self._variants: dict[int, Variant] = {}

    # Serving ---------------------------------------------------------------------------------------

    def handler(self):
        return _handler(self)

    def graphql_url(self, version: str = "2026-01") -> str:
        return f"{self.url}/admin/api/{version}/graphql.json"

    def store_payload(self, **extra) -> dict:
        """The body of Platen's `POST /v4/stores` connecting this store (extra: importNotConnectedOrders, ...)."""
        return {"platform": "shopify", "domain": self.domain, "accessToken": self.token, "webhookSecret": self.secret,
                "apiBaseUrl": self.url, **extra}

    # Products --------------------------------------------------------------------------------------

    def add_product(self, title: str, variants: list[dict] | None = None, *, vendor: str = "Platen Demo",
                    product_type: str = "Poster") -> Product:
        """variants: [{"sku", "title"?, "price"?, "options": {"Size": "A3"}}]; one default variant when omitted."""
        at = self.now()
        product = Product(new_id("product"), title, re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-"), vendor,
                          product_type, at, at)
        for spec in variants or [{"sku": "", "options": {"Title": "Default Title"}}]:
            options = dict(spec.get("options") or {"Title": spec.get("title") or "Default Title"})
            variant = Variant(new_id("variant"), product.id, spec.get("title") or " / ".join(options.values()),
                              spec.get("sku", ""), Decimal(str(spec.get("price", "24.00"))), options)
            product.variants.append(variant)
            self._variants[variant.id] = variant
        with self._lock:
            self.products[product.id] = product
            self._changed()
        return product

    def update_product(self, product_id: int, **changes) -> Product:
        with self._lock:
            product = self.products[product_id]
            for name, value in changes.items():
                setattr(product, name, value)
            product.updated_at = self.now()
            self._changed()
            return product

    def delete_product(self, product_id: int) -> None:
        with self._lock:
            product = self.products.pop(product_id)
            for variant in product.variants:
                self._variants.pop(variant.id, None)
            self._changed()

    def variant(self, variant_id: int | None) -> Variant | None:
        return self._variants.get(variant_id) if variant_id else None

    # Orders ----------------------------------------------------------------------------------------

    def add_order(self, lines: list[dict] | None = None, *, financial_status: str = "paid", email: str = "ada@example.com",
                  shipping_address: dict | None = None, shipping_title: str | None = "Standard Shipping",
                  created_at: datetime | None = None, updated_at: datetime | None = None, currency: str | None = None,
                  note_attributes: dict | None = None, name: str | None = None) -> Order:
        """A new order, paid and unfulfilled unless told. lines: [{"variant": Variant} or {"sku", "title",
        "product_id", "variant_id"}, with "quantity" (1), "price", "properties" {"name": "value"}]; one
        line of a throwaway product when omitted. shipping_address: REST keys over a US default."""
        assert financial_status in FINANCIAL, financial_status
        at = (created_at or self.now()).astimezone(UTC)
        with self._lock:
            number = self._next_number
            self._next_number += 1
            order = Order(
                id=new_id("order"), number=number, name=name or f"#{number}", email=email, phone="", customer_id=new_id("customer"),
                currency=currency or self.currency, created_at=at, updated_at=(updated_at or at).astimezone(UTC),
                financial_status=financial_status, lines=[self._line(spec) for spec in lines or [{}]],
                shipping_address=None if shipping_address == {} else  # the default is shared: never changed in place
                {**_DEFAULT_ADDRESS, **shipping_address} if shipping_address else _DEFAULT_ADDRESS,
                shipping_lines=[] if shipping_title is None else [
                    {"id": new_id("address"), "title": shipping_title, "code": shipping_title, "source": "shopify", "price": "4.90"}],
                note_attributes=[{"name": k, "value": v} for k, v in (note_attributes or {}).items()],
            )
            order.fulfillment_orders.append(FulfillmentOrder(
                new_id("fo"), order.id, "OPEN", [FulfillmentOrderLine(new_id("fol"), line, line.quantity, line.quantity)
                                                 for line in order.lines], at, at))
            self.orders[order.id] = order
            self._changed()
        return order

    def add_orders(self, count: int, *, start: datetime | None = None, spacing: timedelta = timedelta(seconds=7),
                   lines_per_order: int = 2, **options) -> list[Order]:
        """Many orders quickly (benchmarks): one shared product with a few variants, created `spacing` apart."""
        product = self.add_product("Bulk Poster", [{"sku": f"BULK-{size}", "options": {"Size": size}} for size in ("A4", "A3", "A2")])
        begin = start or self.now() - spacing * count
        made = []
        for i in range(count):
            at = begin + spacing * i
            specs = [{"variant": product.variants[(i + k) % 3], "quantity": 1 + (i + k) % 2} for k in range(lines_per_order)]
            made.append(self.add_order(specs, created_at=at, **options))
        return made

    def _line(self, spec: dict) -> Line:
        variant: Variant | None = spec.get("variant")
        if variant is None and spec.get("variant_id"):
            variant = self.variant(int(spec["variant_id"]))
        product = self.products.get(variant.product_id) if variant else None
        if variant is None and not spec.get("sku") and not spec.get("title"):
            product = self.add_product("Art Print", [{"sku": "ART-PRINT-A3", "options": {"Size": "A3"}}])
            variant = product.variants[0]
        properties = spec.get("properties") or {}
        return Line(
            id=new_id("line"), product_id=product.id if product else spec.get("product_id"),
            variant_id=variant.id if variant else spec.get("variant_id"),
            title=spec.get("title") or (product.title if product else "Custom item"),
            variant_title=spec.get("variant_title", variant.title if variant else ""),
            sku=spec.get("sku", variant.sku if variant else ""), quantity=int(spec.get("quantity", 1)),
            price=Decimal(str(spec.get("price", variant.price if variant else "20.00"))),
            properties=[{"name": k, "value": v} for k, v in properties.items()] if isinstance(properties, dict) else list(properties),
        )

    def order(self, order_id: int) -> Order:
        return self.orders[int(order_id)]

    def update_order(self, order_id: int, **changes) -> Order:
        """Change fields (financial_status, email, shipping_address, note, ...) and bump updated_at."""
        with self._lock:
            order = self.orders[int(order_id)]
            for name, value in changes.items():
                if not hasattr(order, name):
                    raise AttributeError(name)
                setattr(order, name, value)
            return self._touch(order)

    def mark_paid(self, order_id: int) -> Order:
        return self.update_order(order_id, financial_status="paid")

    def cancel_order(self, order_id: int, reason: str = "customer") -> Order:
        """Cancelled in the admin: cancelled_at set, its open fulfillment orders closed."""
        with self._lock:
            order = self.orders[int(order_id)]
            order.cancelled_at, order.cancel_reason, order.closed_at = self.now().astimezone(UTC), reason, self.now().astimezone(UTC)
            for fo in order.fulfillment_orders:
                if fo.status in ("OPEN", "IN_PROGRESS", "ON_HOLD", "SCHEDULED"):
                    fo.status = "CLOSED"
            return self._touch(order)

    def hold(self, order_id: int) -> Order:
        """The merchant put the order's fulfilment on hold by hand: displayFulfillmentStatus ON_HOLD."""
        with self._lock:
            order = self.orders[int(order_id)]
            for fo in order.fulfillment_orders:
                if fo.status in ("OPEN", "IN_PROGRESS"):
                    fo.status = "ON_HOLD"
            return self._touch(order)

    def mark_fulfilled(self, order_id: int) -> Fulfillment:
        """The merchant marked the order fulfilled by hand (a fulfilment without tracking)."""
        order = self.orders[int(order_id)]
        created = self._fulfil(order, [(fo, [(fol, fol.remaining) for fol in fo.lines if fol.remaining])
                                       for fo in order.fulfillment_orders if fo.status in ("OPEN", "IN_PROGRESS")], {}, False)
        return created

    def _touch(self, order: Order) -> Order:
        order.updated_at = max(self.now().astimezone(UTC), order.updated_at)
        self._changed()
        return order

    def _changed(self) -> None:
        self._version += 1

    def _listing(self, name: str, items: Callable[[], list], key: Callable) -> tuple[list, list]:
        with self._lock:
            cached = self._listings.get(name)
            if cached is None or cached[0] != self._version:
                cached = (self._version, *_listing(items(), key))
                self._listings[name] = cached
            return cached[1], cached[2]

    def order_listing(self, sort_key: str) -> tuple[list, list]:
        key = {"UPDATED_AT": lambda o: (_iso(o.updated_at), o.id), "CREATED_AT": lambda o: (_iso(o.created_at), o.id),
               "PROCESSED_AT": lambda o: (_iso(o.created_at), o.id), "NUMBER": lambda o: (o.number, o.id)}.get(sort_key, lambda o: (o.id,))
        return self._listing(f"orders:{sort_key}", lambda: list(self.orders.values()), key)

    # REST shapes (webhook bodies) ------------------------------------------------------------------

    def _local(self, moment: datetime | None) -> str | None:
        return None if moment is None else moment.astimezone(self.tz).isoformat()

    def rest_line(self, order: Order, line: Line) -> dict:
        return {
            "id": line.id, "admin_graphql_api_id": gid("LineItem", line.id), "fulfillable_quantity": line.quantity - line.fulfilled,
            "fulfillment_service": "manual", "fulfillment_status": None if not line.fulfilled else
            ("fulfilled" if line.fulfilled >= line.quantity else "partial"), "gift_card": False, "grams": 200,
            "name": line.name, "price": str(line.price), "product_exists": line.product_id in self.products,
            "product_id": line.product_id, "properties": [dict(p) for p in line.properties], "quantity": line.quantity,
            "requires_shipping": True, "sku": line.sku or None, "taxable": True, "title": line.title,
            "total_discount": "0.00", "variant_id": line.variant_id, "variant_inventory_management": "shopify",
            "variant_title": line.variant_title or None, "vendor": line.vendor, "tax_lines": [], "discount_allocations": [],
        }

    def rest_order(self, order_id: int) -> dict:
        """The order as webhooks carry it: the REST resource, unwrapped (the field set of fixtures/shopify/order.json)."""
        order = self.orders[int(order_id)]
        subtotal = sum((line.price * line.quantity for line in order.lines), Decimal("0.00"))
        address = dict(order.shipping_address) if order.shipping_address else None
        return {
            "id": order.id, "admin_graphql_api_id": gid("Order", order.id), "buyer_accepts_marketing": False,
            "cancel_reason": order.cancel_reason, "cancelled_at": self._local(order.cancelled_at),
            "cart_token": uuid.uuid5(uuid.NAMESPACE_OID, f"cart{order.id}").hex, "checkout_id": order.id + 1,
            "checkout_token": uuid.uuid5(uuid.NAMESPACE_OID, f"checkout{order.id}").hex,
            "closed_at": self._local(order.closed_at), "confirmed": True, "contact_email": order.email,
            "created_at": self._local(order.created_at), "currency": order.currency, "email": order.email,
            "financial_status": order.financial_status, "fulfillment_status": order.rest_fulfillment_status,
            "gateway": "bogus", "landing_site": "/", "landing_site_ref": None, "location_id": None, "name": order.name,
            "note": order.note, "number": order.number - 1000, "order_number": order.number, "phone": order.phone or None,
            "presentment_currency": order.currency, "processed_at": self._local(order.created_at),
            "processing_method": "direct", "reference": None, "referring_site": "", "source": None,
            "source_name": "web", "subtotal_price": str(subtotal), "taxes_included": False, "test": False, "tags": "",
            "token": uuid.uuid5(uuid.NAMESPACE_OID, f"token{order.id}").hex, "total_discounts": "0.00",
            "total_line_items_price": str(subtotal), "total_price": str(order.total), "total_price_usd": str(order.total),
            "total_tax": "0.00", "total_weight": 200 * sum(line.quantity for line in order.lines),
            "updated_at": self._local(order.updated_at), "user_id": None, "browser_ip": None,
            "discount_codes": [], "note_attributes": [dict(a) for a in order.note_attributes],
            "payment_gateway_names": ["bogus"], "tax_lines": [],
            "line_items": [self.rest_line(order, line) for line in order.lines],
            "shipping_lines": [{"id": s.get("id"), "code": s.get("code"), "price": s.get("price", "0.00"),
                                "source": s.get("source"), "title": s["title"], "carrier_identifier": None,
                                "discounted_price": s.get("price", "0.00"), "tax_lines": []} for s in order.shipping_lines],
            "payment_details": {"avs_result_code": None, "credit_card_bin": "1", "cvv_result_code": None,
                                "credit_card_number": "•••• •••• •••• 1", "credit_card_company": "Bogus"},
            "billing_address": address, "shipping_address": address,
            "fulfillments": [self.rest_fulfillment(f) for f in order.fulfillments],
            "client_details": {"accept_language": None, "browser_ip": None, "session_hash": None, "user_agent": None},
            "customer": {"id": order.customer_id, "email": order.email, "accepts_marketing": False,
                         "created_at": self._local(order.created_at), "updated_at": self._local(order.created_at),
                         "first_name": (address or {}).get("first_name"), "last_name": (address or {}).get("last_name"),
                         "orders_count": 1, "state": "disabled", "total_spent": str(order.total), "last_order_id": order.id,
                         "note": None, "verified_email": True, "multipass_identifier": None, "tags": "",
                         "last_order_name": order.name, "default_address": address},
        }

    def rest_fulfillment(self, fulfillment: Fulfillment) -> dict:
        order = self.orders[fulfillment.order_id]
        tracking = fulfillment.tracking[0] if fulfillment.tracking else {}
        lines = {line.id: line for line in order.lines}
        return {
            "id": fulfillment.id, "admin_graphql_api_id": gid("Fulfillment", fulfillment.id), "order_id": order.id,
            "status": fulfillment.status.lower(), "service": "manual", "created_at": self._local(fulfillment.created_at),
            "updated_at": self._local(fulfillment.updated_at), "tracking_company": tracking.get("company"),
            "tracking_number": tracking.get("number"), "tracking_numbers": [t["number"] for t in fulfillment.tracking if t.get("number")],
            "tracking_url": tracking.get("url"), "tracking_urls": [t["url"] for t in fulfillment.tracking if t.get("url")],
            "line_items": [dict(self.rest_line(order, lines[line_id]), quantity=qty) for line_id, qty in fulfillment.lines],
        }

    def rest_product(self, product_id: int) -> dict:
        """The product as products/create|update webhooks carry it (fixtures/shopify/product.json, unwrapped)."""
        product = self.products[int(product_id)]
        names = list(product.variants[0].options) if product.variants else ["Title"]
        return {
            "id": product.id, "admin_graphql_api_id": gid("Product", product.id), "title": product.title, "body_html": "",
            "vendor": product.vendor, "product_type": product.product_type, "handle": product.handle, "tags": "",
            "status": product.status.lower(), "created_at": self._local(product.created_at),
            "updated_at": self._local(product.updated_at), "published_at": self._local(product.created_at),
            "template_suffix": None, "published_scope": "web", "images": [], "image": None,
            "options": [{"id": i + 1, "product_id": product.id, "name": name, "position": i + 1,
                         "values": sorted({v.options.get(name, "") for v in product.variants})} for i, name in enumerate(names)],
            "variants": [{
                "id": v.id, "admin_graphql_api_id": gid("ProductVariant", v.id), "product_id": product.id, "title": v.title,
                "price": str(v.price), "sku": v.sku, "position": i + 1, "inventory_policy": "deny", "compare_at_price": None,
                "fulfillment_service": "manual", "inventory_management": None, "taxable": True, "grams": 200,
                "requires_shipping": True, "created_at": self._local(product.created_at),
                "updated_at": self._local(product.updated_at),
                **{f"option{n + 1}": v.options.get(names[n]) if n < len(names) else None for n in range(3)},
            } for i, v in enumerate(product.variants)],
        }

    def privacy_payload(self, topic: str, order_ids: Iterable[int] = (), email: str = "ada@example.com") -> dict:
        """customers/data_request, customers/redact or shop/redact bodies, as Shopify documents them."""
        shop = {"shop_id": self.shop_id, "shop_domain": self.domain}
        ids = [int(i) for i in order_ids]
        customer = {"id": 207119551, "email": email, "phone": "555-625-1199"}
        if topic == "shop/redact":
            return shop
        if topic == "customers/redact":
            return {**shop, "customer": customer, "orders_to_redact": ids}
        if topic == "customers/data_request":
            return {**shop, "customer": customer, "orders_requested": ids, "data_request": {"id": 9999}}
        raise ValueError(topic)

    # Webhooks --------------------------------------------------------------------------------------

    def send_webhook(self, topic: str, body: dict | list | bytes, target_url: str, secret: str | None = None, *,
                     event_id: str | None = None, webhook_id: str | None = None, hmac_header: str | None = None,
                     timeout: float = 10.0) -> Delivery:
        """POST one delivery as Shopify does (compact JSON, every X-Shopify-* header, HMAC over the raw bytes).
        hmac_header overrides the signature (forgeries); "" leaves the header out."""
        raw = body if isinstance(body, bytes) else json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()
        digest = base64.b64encode(hmac.new((self.secret if secret is None else secret).encode(), raw, hashlib.sha256).digest()).decode()
        headers = {
            "Content-Type": "application/json", "User-Agent": "Shopify-Captain-Hook", "X-Shopify-Topic": topic,
            "X-Shopify-Hmac-Sha256": digest if hmac_header is None else hmac_header, "X-Shopify-Shop-Domain": self.domain,
            "X-Shopify-API-Version": "2026-01", "X-Shopify-Webhook-Id": webhook_id or str(uuid.uuid4()),
            "X-Shopify-Event-Id": event_id or str(uuid.uuid4()),
            "X-Shopify-Triggered-At": datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z"),
        }
        if hmac_header == "":
            del headers["X-Shopify-Hmac-Sha256"]
        delivery = Delivery(target_url, headers, raw)
        return self.resend(delivery, timeout=timeout)

    def resend(self, delivery: Delivery, *, timeout: float = 10.0) -> Delivery:
        """Shopify's retry of a delivery: the same ids, the same bytes."""
        request = urllib.request.Request(delivery.url, data=delivery.body, headers=delivery.headers, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=timeout) as answer:
                delivery.status, delivery.answer = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            delivery.status, delivery.answer = error.code, error.read()
        self.deliveries.append(delivery)
        return delivery

    def webhook_body(self, topic: str, resource_id: int | None = None) -> dict:
        if topic.startswith("orders/"):
            return self.rest_order(resource_id)
        if topic == "products/delete":
            return {"id": resource_id}
        if topic.startswith("products/"):
            return self.rest_product(resource_id)
        if topic == "app/uninstalled":
            return {"id": self.shop_id, "name": "Platen Demo", "email": "owner@example.com", "domain": self.domain,
                    "myshopify_domain": self.domain, "plan_name": "basic", "currency": self.currency}
        return self.privacy_payload(topic)

    def emit(self, topic: str, resource_id: int | None = None) -> list[Delivery]:
        """An event in the store: one delivery (one event id) to every subscription of the topic."""
        body = self.webhook_body(topic, resource_id)
        event_id = str(uuid.uuid4())
        return [self.send_webhook(topic, body, sub.uri, event_id=event_id)
                for sub in list(self.subscriptions) if sub.rest_topic == topic]

    # Scripted failures -----------------------------------------------------------------------------

    def fail(self, times: int = 1, status: int = 500, *, after: int = 0) -> None:
        """The next `times` requests (after letting `after` through) answer `status` (401 with Shopify's body)."""
        with self._lock:
            self._script.extend([(status, after)] + [(status, 0)] * (times - 1))

    # Answering -------------------------------------------------------------------------------------

    def _refill(self) -> float:
        at = self.clock()
        self._available = min(self.maximum_available, self._available + (at - self._bucket_at) * self.restore_rate)
        self._bucket_at = at
        return self._available

    def throttle_status(self) -> dict:
        with self._lock:
            return {"maximumAvailable": self.maximum_available, "currentlyAvailable": int(self._refill()),
                    "restoreRate": self.restore_rate}

    def drain(self, left: float = 0.0) -> None:
        """Empty the cost bucket down to `left` points, as another sync's burst would have."""
        with self._lock:
            self._refill()
            self._available = float(left)

    def answer(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, str], bytes]:
        match = re.fullmatch(r"/admin/api/([0-9]{4}-[0-9]{2}|unstable)/graphql\.json", path.split("?")[0])
        with self._lock:
            self.requests += 1
            self.last_request = (path, headers)
            if self._script:
                status, after = self._script[0]
                if after:
                    self._script[0] = (status, after - 1)
                else:
                    self._script.popleft()
                    return status, {}, json.dumps({"errors": _SCRIPTED_ERRORS.get(status, "Error")}).encode()
        if match is None:
            return 404, {}, json.dumps({"errors": "Not Found"}).encode()
        version = match.group(1) if match.group(1) in VERSIONS else VERSIONS[0]
        extra = {"X-Shopify-API-Version": version}
        if not hmac.compare_digest(headers.get("x-shopify-access-token", "").encode(), self.token.encode()):
            return 401, extra, json.dumps({"errors": INVALID_TOKEN}).encode()
        try:
            request = json.loads(body)
            query, variables = request["query"], request.get("variables") or {}
        except (ValueError, KeyError, TypeError):
            return 400, extra, json.dumps({"errors": {"query": "Required parameter missing or invalid"}}).encode()
        return 200, extra, json.dumps(self.execute(query, variables, request.get("operationName"))).encode()

    def execute(self, query: str, variables: dict, operation_name: str | None = None) -> dict:
        try:
            document = _parsed(query)
        except GraphQLError as error:
            return {"errors": [error.formatted]}
        errors = _validated(query)
        if errors:
            return {"errors": errors}
        operation = next((d for d in document.definitions if isinstance(d, OperationDefinitionNode)
                          and (operation_name is None or (d.name and d.name.value == operation_name))), None)
        fragments = {d.name.value: d for d in document.definitions if not isinstance(d, OperationDefinitionNode)}
        mutation = operation is not None and operation.operation.value == "mutation"
        if mutation:
            requested = MUTATION_COST * sum(1 for _ in _fields(operation.selection_set, fragments))
        else:
            plan = _plan(query, operation_name) if operation else ()
            requested = max(1, requested_cost(plan, variables))
        with self._lock:
            self.last_query = {"query": query, "variables": variables}
            if requested > SINGLE_QUERY_MAX_COST:
                return {"errors": [{
                    "message": f"Query cost is {requested}, which exceeds the single query max cost limit ({SINGLE_QUERY_MAX_COST}).",
                    "extensions": {"code": "MAX_COST_EXCEEDED", "cost": requested, "maxCost": SINGLE_QUERY_MAX_COST}}]}
            available = self._refill()
            if available + 1e-9 < requested:
                self.throttled += 1
                cost = {"requestedQueryCost": requested, "actualQueryCost": None, "throttleStatus": self._status()}
                self.costs.append({**cost, "at": self.clock()})
                return {"errors": [{"message": "Throttled", "extensions": {
                    "code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/rate-limits"}}],
                        "extensions": {"cost": cost}}
            self._available -= requested
            result = execute(SCHEMA, document, root_value=_Root(self), variable_values=variables,
                             operation_name=operation_name, field_resolver=_resolve, is_awaitable=_never)
            data = result.data
            actual = requested if mutation else max(1, actual_cost(plan, data))
            self._available = min(self.maximum_available, self._available + requested - actual)
            cost = {"requestedQueryCost": requested, "actualQueryCost": actual, "throttleStatus": self._status()}
            self.costs.append({**cost, "at": self.clock()})
        answer: dict = {"data": data}
        if result.errors:
            answer["errors"] = [error.formatted for error in result.errors]
        answer["extensions"] = {"cost": cost}
        return answer

    def _status(self) -> dict:
        return {"maximumAvailable": self.maximum_available, "currentlyAvailable": int(self._available),
                "restoreRate": self.restore_rate}

    # Mutations -------------------------------------------------------------------------------------

    def _fulfil(self, order: Order, plan: list[tuple[FulfillmentOrder, list[tuple[FulfillmentOrderLine, int]]]],
                tracking: dict, notify: bool) -> Fulfillment:
        at = self.now().astimezone(UTC)
        with self._lock:
            fulfillment = Fulfillment(new_id("fulfillment"), order.id, "SUCCESS",
                                      [tracking] if any(tracking.values()) else [], [], notify, at, at)
            for fo, picks in plan:
                for fol, quantity in picks:
                    fol.remaining -= quantity
                    fol.line.fulfilled += quantity
                    fulfillment.lines.append((fol.line.id, quantity))
                fo.status = "CLOSED" if all(fol.remaining == 0 for fol in fo.lines) else "IN_PROGRESS"
                fo.updated_at = at
            order.fulfillments.append(fulfillment)
            self.fulfillments.append(fulfillment)
            self._touch(order)
        return fulfillment

    def fulfillment_create(self, fulfillment: dict) -> dict:
        plan, order = [], None
        for group in fulfillment["lineItemsByFulfillmentOrder"]:
            found = self._fulfillment_order(group["fulfillmentOrderId"])
            if found is None:
                return _user_error(["fulfillment", "lineItemsByFulfillmentOrder", "fulfillmentOrderId"],
                                   f"Fulfillment order {group['fulfillmentOrderId']} does not exist.")
            owner, fo = found
            if order is not None and owner is not order:
                return _user_error(["fulfillment"], "All fulfillment orders must belong to the same order.")
            order = owner
            if fo.status not in ("OPEN", "IN_PROGRESS"):
                return _user_error(["fulfillment"], f"Fulfillment order {fo.id} has an unfulfillable status= {fo.status.lower()}.")
            wanted = group.get("fulfillmentOrderLineItems")
            if wanted is None:
                picks = [(fol, fol.remaining) for fol in fo.lines if fol.remaining]
            else:
                by_id = {gid("FulfillmentOrderLineItem", fol.id): fol for fol in fo.lines}
                picks = []
                for item in wanted:
                    fol = by_id.get(item["id"])
                    if fol is None:
                        return _user_error(["fulfillment", "lineItemsByFulfillmentOrder"],
                                           f"Invalid fulfillment order line item id: {item['id']}.")
                    if item["quantity"] <= 0 or item["quantity"] > fol.remaining:
                        return _user_error(["fulfillment", "lineItemsByFulfillmentOrder"],
                                           "Invalid fulfillment order line item quantity requested.")
                    picks.append((fol, item["quantity"]))
            if not picks:
                return _user_error(["fulfillment"], f"Fulfillment order {fo.id} has no line items left to fulfill.")
            plan.append((fo, picks))
        if order is None:
            return _user_error(["fulfillment", "lineItemsByFulfillmentOrder"], "Line items by fulfillment order can't be blank.")
        info = fulfillment.get("trackingInfo") or {}
        tracking = {"number": info.get("number") or (info.get("numbers") or [None])[0],
                    "url": info.get("url") or (info.get("urls") or [None])[0], "company": info.get("company")}
        created = self._fulfil(order, plan, tracking, bool(fulfillment.get("notifyCustomer")))
        return {"fulfillment": FulfillmentView(self, created), "userErrors": []}

    def _fulfillment_order(self, fo_gid: str) -> tuple[Order, FulfillmentOrder] | None:
        number = gid_number(fo_gid)
        for order in self.orders.values():
            for fo in order.fulfillment_orders:
                if fo.id == number:
                    return order, fo
        return None

    def fulfillment_event_create(self, event: dict) -> dict:
        number = gid_number(event["fulfillmentId"])
        fulfillment = next((f for f in self.fulfillments if f.id == number), None)
        if fulfillment is None:
            return {"fulfillmentEvent": None, "userErrors": [{"field": ["fulfillmentEvent", "fulfillmentId"],
                                                              "message": "Fulfillment does not exist."}]}
        at = self.now().astimezone(UTC)
        record = {"id": gid("FulfillmentEvent", new_id("event")), "status": event["status"], "message": event.get("message"),
                  "happenedAt": event.get("happenedAt") or _iso(at), "fulfillment_id": fulfillment.id}
        with self._lock:
            fulfillment.events.append(record)
            self.fulfillment_events.append(record)
            if event["status"] in ("DELIVERED", "IN_TRANSIT", "OUT_FOR_DELIVERY", "ATTEMPTED_DELIVERY", "FAILURE"):
                fulfillment.display_status = event["status"]
            fulfillment.updated_at = at
        return {"fulfillmentEvent": {k: v for k, v in record.items() if k != "fulfillment_id"}, "userErrors": []}

    def webhook_subscription_create(self, topic: str, webhook_subscription: dict) -> dict:
        uri = webhook_subscription.get("uri") or webhook_subscription.get("callbackUrl")
        if not uri:
            return _user_error(["webhookSubscription", "callbackUrl"], "Address can't be blank", payload="webhookSubscription")
        if self.require_https_webhooks and not uri.startswith("https://"):
            return _user_error(["webhookSubscription", "callbackUrl"], "Address protocol http:// is not supported",
                               payload="webhookSubscription")
        with self._lock:
            if any(s.topic == topic and s.uri == uri for s in self.subscriptions):
                return _user_error(["webhookSubscription", "callbackUrl"], "Address for this topic has already been taken",
                                   payload="webhookSubscription")
            subscription = Subscription(new_id("webhook"), topic, uri, webhook_subscription.get("format") or "JSON",
                                        self.now(), list(webhook_subscription.get("includeFields") or []),
                                        webhook_subscription.get("filter"))
            self.subscriptions.append(subscription)
        return {"webhookSubscription": _subscription_view(subscription), "userErrors": []}


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


def _handler(emulator: ShopifyEmulator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        wbufsize = -1  # headers and body leave in one write (no delayed-ACK stall between them)
        disable_nagle_algorithm = True

        def do_POST(self) -> None:  # noqa: N802 (the http.server naming)
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            status, headers, data = emulator.answer(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("X-Request-Id", str(uuid.uuid4()))
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:  # noqa: N802
            self.send_response(405 if "graphql.json" in self.path else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args) -> None:
            pass

    return Handler


# --- The schema: the part of the GraphQL Admin API (2026-01) served, trimmed to what an order hub reads ----
# Names and nullability follow Shopify's reference; a field absent here fails validation, as an unknown field does there.

SHOPIFY_SDL = """
scalar DateTime
scalar URL
scalar UnsignedInt64
scalar Decimal

enum CurrencyCode { USD EUR GBP CAD AUD NZD CHF JPY SEK NOK DKK PLN CZK HUF }
enum CountryCode { US CA GB IE DE FR NL BE LU AT CH IT ES PT DK SE NO FI PL CZ AU NZ JP }

enum OrderDisplayFinancialStatus { PENDING AUTHORIZED PARTIALLY_PAID PARTIALLY_REFUNDED VOIDED PAID REFUNDED EXPIRED }
enum OrderDisplayFulfillmentStatus {
  UNFULFILLED PARTIALLY_FULFILLED FULFILLED RESTOCKED PENDING_FULFILLMENT OPEN IN_PROGRESS ON_HOLD SCHEDULED
  REQUEST_DECLINED
}
enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY STAFF OTHER }
enum OrderSortKeys { CREATED_AT ID NUMBER PROCESSED_AT UPDATED_AT RELEVANCE }
enum ProductSortKeys { CREATED_AT ID TITLE UPDATED_AT RELEVANCE }
enum ProductStatus { ACTIVE ARCHIVED DRAFT }
enum FulfillmentOrderStatus { OPEN IN_PROGRESS CLOSED CANCELLED INCOMPLETE ON_HOLD SCHEDULED }
enum FulfillmentStatus { SUCCESS CANCELLED ERROR FAILURE OPEN PENDING }
enum FulfillmentDisplayStatus {
  ATTEMPTED_DELIVERY CANCELED CONFIRMED DELIVERED FAILURE FULFILLED IN_TRANSIT LABEL_PRINTED LABEL_PURCHASED
  OUT_FOR_DELIVERY PICKED_UP READY_FOR_PICKUP SUBMITTED
}
enum FulfillmentEventStatus {
  ATTEMPTED_DELIVERY CARRIER_PICKED_UP CONFIRMED DELAYED DELIVERED FAILURE IN_TRANSIT LABEL_PRINTED LABEL_PURCHASED
  OUT_FOR_DELIVERY READY_FOR_PICKUP
}
enum WebhookSubscriptionTopic {
  APP_UNINSTALLED ORDERS_CREATE ORDERS_UPDATED ORDERS_PAID ORDERS_CANCELLED ORDERS_FULFILLED ORDERS_PARTIALLY_FULFILLED
  ORDERS_DELETE ORDERS_EDITED PRODUCTS_CREATE PRODUCTS_UPDATE PRODUCTS_DELETE FULFILLMENTS_CREATE FULFILLMENTS_UPDATE
  SHOP_UPDATE
}
enum WebhookSubscriptionFormat { JSON XML }

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }

type MoneyV2 { amount: Decimal! currencyCode: CurrencyCode! }
type MoneyBag { shopMoney: MoneyV2! presentmentMoney: MoneyV2! }
type Attribute { key: String! value: String }
type SelectedOption { name: String! value: String! }

type MailingAddress {
  id: ID! firstName: String lastName: String name: String company: String address1: String address2: String
  city: String province: String provinceCode: String zip: String country: String countryCodeV2: CountryCode
  phone: String
}

type Shop { id: ID! name: String! email: String! myshopifyDomain: String! currencyCode: CurrencyCode! ianaTimezone: String! }

type Order {
  id: ID! legacyResourceId: UnsignedInt64! name: String! email: String phone: String note: String
  createdAt: DateTime! updatedAt: DateTime! processedAt: DateTime! cancelledAt: DateTime closedAt: DateTime
  cancelReason: OrderCancelReason closed: Boolean! test: Boolean!
  currencyCode: CurrencyCode! displayFinancialStatus: OrderDisplayFinancialStatus
  displayFulfillmentStatus: OrderDisplayFulfillmentStatus!
  totalPriceSet: MoneyBag! subtotalPriceSet: MoneyBag
  customAttributes: [Attribute!]!
  shippingAddress: MailingAddress billingAddress: MailingAddress
  lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): LineItemConnection!
  shippingLines(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): ShippingLineConnection!
  fulfillmentOrders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, query: String):
    FulfillmentOrderConnection!
  fulfillments(first: Int): [Fulfillment!]!
}
type OrderEdge { node: Order! cursor: String! }
type OrderConnection { nodes: [Order!]! edges: [OrderEdge!]! pageInfo: PageInfo! }

type LineItem {
  id: ID! name: String! title: String! variantTitle: String sku: String vendor: String
  quantity: Int! currentQuantity: Int! unfulfilledQuantity: Int! requiresShipping: Boolean!
  customAttributes: [Attribute!]! originalUnitPriceSet: MoneyBag!
  product: Product variant: ProductVariant
}
type LineItemEdge { node: LineItem! cursor: String! }
type LineItemConnection { nodes: [LineItem!]! edges: [LineItemEdge!]! pageInfo: PageInfo! }

type ShippingLine { id: ID title: String! code: String source: String carrierIdentifier: String originalPriceSet: MoneyBag! }
type ShippingLineEdge { node: ShippingLine! cursor: String! }
type ShippingLineConnection { nodes: [ShippingLine!]! edges: [ShippingLineEdge!]! pageInfo: PageInfo! }

type Product {
  id: ID! legacyResourceId: UnsignedInt64! title: String! handle: String! vendor: String! productType: String!
  status: ProductStatus! createdAt: DateTime! updatedAt: DateTime!
  variants(first: Int, after: String, last: Int, before: String, reverse: Boolean = false): ProductVariantConnection!
}
type ProductEdge { node: Product! cursor: String! }
type ProductConnection { nodes: [Product!]! edges: [ProductEdge!]! pageInfo: PageInfo! }

type ProductVariant {
  id: ID! legacyResourceId: UnsignedInt64! title: String! displayName: String! sku: String price: Decimal!
  selectedOptions: [SelectedOption!]! product: Product!
}
type ProductVariantEdge { node: ProductVariant! cursor: String! }
type ProductVariantConnection { nodes: [ProductVariant!]! edges: [ProductVariantEdge!]! pageInfo: PageInfo! }

type FulfillmentOrder {
  id: ID! status: FulfillmentOrderStatus! orderId: ID! createdAt: DateTime! updatedAt: DateTime!
  lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean = false):
    FulfillmentOrderLineItemConnection!
}
type FulfillmentOrderEdge { node: FulfillmentOrder! cursor: String! }
type FulfillmentOrderConnection { nodes: [FulfillmentOrder!]! edges: [FulfillmentOrderEdge!]! pageInfo: PageInfo! }

type FulfillmentOrderLineItem { id: ID! remainingQuantity: Int! totalQuantity: Int! sku: String lineItem: LineItem! }
type FulfillmentOrderLineItemEdge { node: FulfillmentOrderLineItem! cursor: String! }
type FulfillmentOrderLineItemConnection {
  nodes: [FulfillmentOrderLineItem!]! edges: [FulfillmentOrderLineItemEdge!]! pageInfo: PageInfo!
}

type FulfillmentTrackingInfo { number: String url: URL company: String }
type Fulfillment {
  id: ID! legacyResourceId: UnsignedInt64! name: String! status: FulfillmentStatus!
  displayStatus: FulfillmentDisplayStatus createdAt: DateTime! updatedAt: DateTime! order: Order!
  trackingInfo(first: Int): [FulfillmentTrackingInfo!]!
}
type FulfillmentEvent { id: ID! status: FulfillmentEventStatus! message: String happenedAt: DateTime! }

type UserError { field: [String!] message: String! }

type WebhookSubscription {
  id: ID! legacyResourceId: UnsignedInt64! topic: WebhookSubscriptionTopic! format: WebhookSubscriptionFormat!
  uri: String! callbackUrl: URL! createdAt: DateTime! updatedAt: DateTime! includeFields: [String!]! filter: String
}
type WebhookSubscriptionEdge { node: WebhookSubscription! cursor: String! }
type WebhookSubscriptionConnection {
  nodes: [WebhookSubscription!]! edges: [WebhookSubscriptionEdge!]! pageInfo: PageInfo!
}

type Query {
  shop: Shop!
  order(id: ID!): Order
  orders(first: Int, after: String, last: Int, before: String, reverse: Boolean = false, sortKey: OrderSortKeys = ID,
         query: String): OrderConnection!
  product(id: ID!): Product
  products(first: Int, after: String, last: Int, before: String, reverse: Boolean = false,
           sortKey: ProductSortKeys = ID, query: String): ProductConnection!
  fulfillmentOrder(id: ID!): FulfillmentOrder
  webhookSubscriptions(first: Int, after: String, last: Int, before: String, reverse: Boolean = false):
    WebhookSubscriptionConnection!
}

input FulfillmentOrderLineItemInput { id: ID! quantity: Int! }
input FulfillmentOrderLineItemsInput {
  fulfillmentOrderId: ID! fulfillmentOrderLineItems: [FulfillmentOrderLineItemInput!]
}
input FulfillmentTrackingInput { number: String url: URL company: String numbers: [String!] urls: [URL!] }
input FulfillmentInput {
  lineItemsByFulfillmentOrder: [FulfillmentOrderLineItemsInput!]! trackingInfo: FulfillmentTrackingInput
  notifyCustomer: Boolean = false
}
input FulfillmentEventInput {
  fulfillmentId: ID! status: FulfillmentEventStatus! message: String happenedAt: DateTime
  estimatedDeliveryAt: DateTime city: String province: String country: String zip: String address1: String
}
input WebhookSubscriptionInput {
  uri: String callbackUrl: URL format: WebhookSubscriptionFormat = JSON includeFields: [String!] filter: String
}

type FulfillmentCreatePayload { fulfillment: Fulfillment userErrors: [UserError!]! }
type FulfillmentEventCreatePayload { fulfillmentEvent: FulfillmentEvent userErrors: [UserError!]! }
type WebhookSubscriptionCreatePayload { webhookSubscription: WebhookSubscription userErrors: [UserError!]! }

type Mutation {
  fulfillmentCreate(fulfillment: FulfillmentInput!, message: String): FulfillmentCreatePayload
  fulfillmentEventCreate(fulfillmentEvent: FulfillmentEventInput!): FulfillmentEventCreatePayload
  webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!, webhookSubscription: WebhookSubscriptionInput!):
    WebhookSubscriptionCreatePayload
}
"""


SCHEMA = build_schema(SHOPIFY_SDL)  # UnsignedInt64 values are answered as strings, as Shopify does (the views hold str)
