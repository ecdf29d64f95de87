"""The Shopify emulator: one store served on loopback (products, orders, answering GraphQL, mutations)."""

from __future__ import annotations

import hmac
import json
import re
import threading
import time
import uuid
import zlib
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from http.server import BaseHTTPRequestHandler

from graphql import GraphQLError, OperationDefinitionNode, execute

from tests.emulators.loopback import LoopbackServer
from tests.emulators.shopify.state import (
    Delivery, FINANCIAL, Fulfillment, FulfillmentOrder, FulfillmentOrderLine, INVALID_TOKEN, Line, MUTATION_COST,
    Order, PLANS, Product, SINGLE_QUERY_MAX_COST, Subscription, VERSIONS, Variant, _SCRIPTED_ERRORS, gid,
    gid_number, new_id,
)
from tests.emulators.shopify.query import _fields, _listing, actual_cost, requested_cost
from tests.emulators.shopify.schema import SCHEMA
from tests.emulators.shopify.views import (
    FulfillmentView, _DEFAULT_ADDRESS, _Root, _iso, _never, _parsed, _plan, _resolve, _subscription_view,
    _user_error, _validated,
)
from tests.emulators.shopify.webhooks import WebhookSending


# --- The emulator ---------------------------------------------------------------------------------


class ShopifyEmulator(WebhookSending, LoopbackServer):
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
