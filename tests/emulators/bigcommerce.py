"""BigCommerce's REST API as a real HTTP server on loopback, built from /work/shared/reference/store-platforms.md
(BigCommerce and "Shape quirks"), not from Platen's connector.

What it speaks (every path under `/stores/{store_hash}/`, header `X-Auth-Token`):
- `GET v2/orders` with `status_id`, `min_date_modified`/`max_date_modified`/`min_date_created` (RFC 2822 or ISO 8601,
  inclusive), `page`, `limit` (50 by default, at most 250), `sort` (`date_modified:asc`, `id:desc`, ...): a bare
  JSON array, **204 No Content** when the page is empty. `GET v2/orders/{id}` (404 when unknown or archived),
  `PUT v2/orders/{id}` (`status_id`), `GET v2/orders/{id}/products|shipping_addresses|shipments` (bare arrays, paged,
  204 when empty), `POST v2/orders/{id}/shipments` (201; ships the items, the order becomes Shipped or Partially
  Shipped). Money is a string with 4 decimals, dates RFC 2822, `date_shipped` "" until shipped, `products`,
  `shipping_addresses` and `coupons` inside an order are `{url, resource}` links.
- `GET v3/catalog/products[?include=variants]` and `GET v3/catalog/products/{id}` (`{"data", "meta": {"pagination"}}`),
  `GET|POST v3/hooks`, `PUT v3/hooks/{id}`.
- A wrong token answers 401 (v2: `[{"status", "message"}]`, v3: `{"status", "title", "type", "errors"}`). Every answer
  carries X-Rate-Limit-Time-Window-Ms, -Time-Reset-Ms, -Requests-Quota and -Requests-Left; over the quota it answers
  429 without Retry-After. The window is fixed: it starts with the first request after the previous one ended.

Public helpers (stable: other tests use them):
- `BigCommerceEmulator(store_hash="abc123", token="bc-test-token", client_secret="bc-client-secret", quota=150,
  window_ms=30_000, clock=None, store_id="1025646")`; `start()`/`stop()` or `with`; `.url` is the API base to
  store as the store's api_base_url (the connector appends `/stores/{hash}/...`); `.store_hash`, `.token`,
  `.client_secret`. Pass `quota=` high for end-to-end tests that do not test rate limits (150 per 30 s is real).
- `clock`: a `ManualClock` (`clock.sleep(seconds)` advances it: give it to the connector as `sleep=`), or None for
  real time.
- `add_product(name, variants=[{"sku", "options": {"Size": "M"}}], sku="", product_id=None) -> dict` (the v3
  product with `variants`; without variants it gets the one base variant BigCommerce gives every product).
- `add_order(lines=[{"sku", "quantity", "name"?, "product_id"?, "variant_id"?, "options"?: {"Size": "M"},
  "properties"?: {"Engraving": "Ada"}, "price"?: "12.50"}], status_id=11, created=None, modified=None,
  email="buyer@example.com", shipping_method="Flat Rate", address=None, currency="USD", order_id=None) -> int`
  (a line's product and variant come from the catalog by SKU when not given; `address` overrides the default
  shipping address fields: first_name, last_name, street_1, street_2, city, state, zip, country_iso2, phone, ...).
- `set_status(order_id, status_id, at=None)`: the merchant changes the status by hand (date_modified moves).
- `touch(order_id, at=None)`, `archive_order(order_id)`, `order_json(order_id)` (the v2 order as served).
- `webhook(scope, resource_id, client_secret=None, *, webhook_id=None, timestamp=None, numeric_store_id=False)
  -> (body: bytes, headers: dict)`: a thin payload signed Standard-Webhooks style (`webhook-id`,
  `webhook-timestamp`, `webhook-signature: v1,<base64 HMAC-SHA256(client secret, "{id}.{timestamp}.{body}")>`);
  `store/order/statusUpdated` adds `data.status` from the order's last status change; `store/shipment/*` takes the
  shipment id and adds `data.orderId`.
- `send_webhook(scope, resource_id, target_url, client_secret=None, **same) -> (status, body text)` posts it for
  real; `deliver(scope, resource_id) -> [(destination, status)]` posts to every active hook registered for the scope.
- `fail(times=1, status=500)` answers the next n requests with that error (401 in BigCommerce's shape).
- Records: `requests` [(method, path with query, lower-case headers)], `shipments` {order_id: [shipment]},
  `hooks` [hook], `throttled` (how many 429s were answered), `orders` {id: Order} (`.status_id`, `.items`: the v2
  order products with their `id` = the line's external id and `quantity_shipped`, `.address`), `products` {id: dict}.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import threading
import time
import urllib.error
import urllib.request
import uuid
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlsplit

from tests.emulators.loopback import LoopbackServer

STATUSES = {
    0: "Incomplete", 1: "Pending", 2: "Shipped", 3: "Partially Shipped", 4: "Refunded", 5: "Cancelled", 6: "Declined",
    7: "Awaiting Payment", 8: "Awaiting Pickup", 9: "Awaiting Shipment", 10: "Completed", 11: "Awaiting Fulfillment",
    12: "Manual Verification Required", 13: "Disputed", 14: "Partially Refunded",
}
PAYMENT_STATUS = {1: "pending", 4: "refunded", 5: "void", 6: "declined", 14: "partially refunded", 0: "", 7: ""}
SHIPPING_PROVIDERS = {"", "auspost", "canadapost", "endicia", "usps", "fedex", "ups", "upsready", "upsonline", "shipperhq"}
ERROR_TYPE = "https://developer.bigcommerce.com/api-docs/getting-started/api-status-codes"
DEFAULT_ADDRESS = {
    "first_name": "Ada", "last_name": "Lovelace", "company": "", "street_1": "12 Analytical Row", "street_2": "",
    "city": "Austin", "state": "Texas", "zip": "78701", "country": "United States", "country_iso2": "US",
    "email": "buyer@example.com", "phone": "+1 512 555 0100",
}


def rfc2822(at: datetime) -> str:
    """BigCommerce v2's date format: "Tue, 05 Mar 2019 21:40:11 +0000"."""
    return format_datetime(at.astimezone(UTC)).replace("-0000", "+0000")


def money(value) -> str:
    return f"{Decimal(str(value)):.4f}"


def parse_date(text: str) -> datetime:
    """What BigCommerce's date filters accept: RFC 2822 or ISO 8601."""
    try:
        return parsedate_to_datetime(text)
    except (TypeError, ValueError):
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def sign(secret: str, webhook_id: str, timestamp: int | str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{webhook_id}.{timestamp}.".encode() + body, hashlib.sha256).digest()
    return "v1," + base64.b64encode(mac).decode()


class ManualClock:
    """Time for the rate-limit window that moves only when told: `sleep` is what the connector calls."""

    def __init__(self, start: float = 1000.0):
        self.value = start
        self.slept: list[float] = []
        self._lock = threading.Lock()

    def now(self) -> float:
        with self._lock:
            return self.value

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.slept.append(seconds)
            self.value += max(0.0, seconds)

    advance = sleep


class _RealClock:
    now = staticmethod(time.monotonic)


@dataclass
class Order:
    id: int
    status_id: int
    created: datetime
    modified: datetime
    currency: str
    email: str
    address: dict  # the one shipping address, with its id and shipping_method
    items: list[dict]  # v2 order products, with quantity_shipped
    previous_status_id: int = 0
    shipped_at: datetime | None = None
    archived: bool = False
    billing: dict = field(default_factory=dict)


class BigCommerceEmulator(LoopbackServer):
    name = "bigcommerce"

    def __init__(self, store_hash: str = "abc123", token: str = "bc-test-token", client_secret: str = "bc-client-secret",
                 *, quota: int = 150, window_ms: int = 30_000, clock: ManualClock | None = None, store_id: str = "1025646"):
        self.store_hash, self.token, self.client_secret, self.store_id = store_hash, token, client_secret, store_id
        self.quota, self.window_ms = quota, window_ms
        self.clock = clock or _RealClock()
        self.orders: dict[int, Order] = {}
        self.products: dict[int, dict] = {}
        self.shipments: dict[int, list[dict]] = {}
        self.hooks: list[dict] = []
        self.requests: list[tuple[str, str, dict[str, str]]] = []
        self.throttled = 0
        self._script: deque[int] = deque()
        self._window_started: float | None = None
        self._used = 0
        # Each kind of id in its own range, so that a test mixing up an order id and a product id fails.
        self._ids = {"order": 100, "product": 5000, "variant": 7000, "option_value": 9000, "item": 20_000,
                     "address": 40_000, "shipment": 60_000, "hook": 80_000}
        self._lock = threading.RLock()

    # Lifecycle -------------------------------------------------------------------------------------------

    def handler(self):
        return _handler(self)

    @property
    def api_root(self) -> str:
        return f"{self.url}/stores/{self.store_hash}"

    # Scripting ---------------------------------------------------------------------------------------------

    def _next(self, kind: str) -> int:
        self._ids[kind] += 1
        return self._ids[kind]

    def add_product(self, name: str, variants: list[dict] | None = None, *, sku: str = "", product_id: int | None = None,
                    price: str = "12.50") -> dict:
        with self._lock:
            pid = product_id or self._next("product")
            self._ids["product"] = max(self._ids["product"], pid)
            rows = []
            for variant in variants or [{"sku": sku, "options": {}}]:
                vid = variant.get("id") or self._next("variant")
                values = [{"id": self._next("option_value"), "label": value, "option_id": 70 + i,
                           "option_display_name": option}
                          for i, (option, value) in enumerate((variant.get("options") or {}).items())]
                rows.append({"id": vid, "product_id": pid, "sku": variant.get("sku", ""), "sku_id": None, "price": None,
                             "calculated_price": float(price), "inventory_level": 0, "option_values": values})
            product = {"id": pid, "name": name, "type": "physical", "sku": sku, "price": float(price), "is_visible": True,
                       "date_created": now().isoformat(), "date_modified": now().isoformat(), "variants": rows}
            self.products[pid] = product
            return product

    def delete_product(self, product_id: int) -> None:
        with self._lock:
            self.products.pop(product_id, None)

    def _catalog_variant(self, sku: str) -> tuple[dict, dict] | None:
        for product in self.products.values():
            for variant in product["variants"]:
                if sku and variant["sku"] == sku:
                    return product, variant
        return None

    def add_order(self, lines: list[dict], *, status_id: int = 11, created: datetime | None = None,
                  modified: datetime | None = None, email: str = "buyer@example.com", shipping_method: str = "Flat Rate",
                  address: dict | None = None, currency: str = "USD", order_id: int | None = None) -> int:
        with self._lock:
            oid = order_id or self._next("order")
            self._ids["order"] = max(self._ids["order"], oid)
            created = (created or now()).astimezone(UTC).replace(microsecond=0)
            shipping = {**DEFAULT_ADDRESS, "email": email, **(address or {})}
            shipping.update(id=self._next("address"), order_id=oid, shipping_method=shipping_method)
            items = [self._order_product(oid, shipping["id"], line) for line in lines]
            self.orders[oid] = Order(oid, status_id, created, (modified or created).astimezone(UTC).replace(microsecond=0),
                                     currency, email, shipping, items, billing={**DEFAULT_ADDRESS, "email": email})
            return oid

    def _order_product(self, oid: int, address_id: int, line: dict) -> dict:
        item_id = self._next("item")
        found = self._catalog_variant(line.get("sku", ""))
        product_id = line.get("product_id", found[0]["id"] if found else 0)
        variant_id = line.get("variant_id", found[1]["id"] if found else 0)
        name = line.get("name") or (found[0]["name"] if found else line.get("sku", "Item"))
        options = [("Multiple choice", k, v) for k, v in (line.get("options") or {}).items()]
        options += [("Text field", k, v) for k, v in (line.get("properties") or {}).items()]
        price = Decimal(str(line.get("price", "12.50")))
        return {
            "id": item_id, "order_id": oid, "product_id": product_id, "variant_id": variant_id,
            "order_address_id": address_id, "name": name, "name_customer": name, "name_merchant": name,
            "sku": line.get("sku", ""), "upc": "", "type": "physical", "base_price": money(price),
            "price_ex_tax": money(price), "price_inc_tax": money(price), "quantity": int(line.get("quantity", 1)),
            "total_ex_tax": money(price * int(line.get("quantity", 1))), "quantity_shipped": 0, "is_refunded": False,
            "product_options": [
                {"id": item_id * 10 + i, "option_id": 70 + i, "order_product_id": item_id, "product_option_id": 80 + i,
                 "display_name": key, "display_value": value, "value": value, "type": kind, "name": key.lower(),
                 "display_style": "Dropdown" if kind == "Multiple choice" else ""}
                for i, (kind, key, value) in enumerate(options)],
        }

    def set_status(self, order_id: int, status_id: int, at: datetime | None = None) -> None:
        with self._lock:
            order = self.orders[order_id]
            order.previous_status_id, order.status_id = order.status_id, status_id
            order.modified = (at or now()).astimezone(UTC).replace(microsecond=0)

    def touch(self, order_id: int, at: datetime | None = None) -> None:
        with self._lock:
            self.orders[order_id].modified = (at or now()).astimezone(UTC).replace(microsecond=0)

    def archive_order(self, order_id: int) -> None:
        with self._lock:
            self.orders[order_id].archived = True

    def fail(self, times: int = 1, status: int = 500) -> None:
        with self._lock:
            self._script.extend([status] * times)

    # Webhooks ----------------------------------------------------------------------------------------------

    def webhook(self, scope: str, resource_id: int | str, client_secret: str | None = None, *,
                webhook_id: str | None = None, timestamp: int | None = None,
                numeric_store_id: bool = False) -> tuple[bytes, dict[str, str]]:
        kind = scope.split("/")[1]
        data: dict = {"type": kind, "id": int(resource_id)}
        if kind == "shipment":  # resource_id is the shipment's; its order goes in data.orderId
            data["orderId"] = next((oid for oid, rows in self.shipments.items()
                                    if any(r["id"] == int(resource_id) for r in rows)), 0)
        if scope == "store/order/statusUpdated" and int(resource_id) in self.orders:
            order = self.orders[int(resource_id)]
            data["status"] = {"previous_status_id": order.previous_status_id, "new_status_id": order.status_id}
        created = int(time.time())
        payload = {"created_at": created, "store_id": int(self.store_id) if numeric_store_id else self.store_id,
                   "producer": f"stores/{self.store_hash}", "scope": scope, "data": data,
                   "hash": hashlib.sha1(json.dumps(data, sort_keys=True).encode()).hexdigest()}
        body = json.dumps(payload).encode()
        webhook_id = webhook_id or str(uuid.uuid4())
        timestamp = created if timestamp is None else timestamp
        headers = {"Content-Type": "application/json", "webhook-id": webhook_id, "webhook-timestamp": str(timestamp),
                   "webhook-signature": sign(client_secret or self.client_secret, webhook_id, timestamp, body)}
        return body, headers

    def send_webhook(self, scope: str, resource_id: int | str, target_url: str, client_secret: str | None = None,
                     *, extra_headers: dict[str, str] | None = None, **options) -> tuple[int, str]:
        body, headers = self.webhook(scope, resource_id, client_secret, **options)
        request = urllib.request.Request(target_url, data=body, headers={**headers, **(extra_headers or {})}, method="POST")
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback in tests)
                return response.status, response.read().decode()
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode()

    def deliver(self, scope: str, resource_id: int | str) -> list[tuple[str, int]]:
        """What BigCommerce does on an event: POST to every active hook for the scope, its headers echoed."""
        sent = []
        for hook in [h for h in self.hooks if h["scope"] == scope and h["is_active"]]:
            status, _ = self.send_webhook(scope, resource_id, hook["destination"], extra_headers=hook.get("headers") or {})
            sent.append((hook["destination"], status))
        return sent

    # Serving -----------------------------------------------------------------------------------------------

    def order_json(self, order_id: int) -> dict:
        with self._lock:
            return self._order_json(self.orders[order_id])

    def _order_json(self, order: Order) -> dict:
        base = f"{self.api_root}/v2/orders/{order.id}"
        subtotal = sum((Decimal(i["price_ex_tax"]) * i["quantity"] for i in order.items), Decimal(0))
        shipping = Decimal("4.9900")
        payment = PAYMENT_STATUS.get(order.status_id, "captured")
        return {
            "id": order.id, "customer_id": 0, "date_created": rfc2822(order.created),
            "date_modified": rfc2822(order.modified),
            "date_shipped": rfc2822(order.shipped_at) if order.shipped_at else "", "status_id": order.status_id,
            "status": STATUSES[order.status_id], "custom_status": STATUSES[order.status_id],
            "subtotal_ex_tax": money(subtotal), "subtotal_inc_tax": money(subtotal), "subtotal_tax": money(0),
            "base_shipping_cost": money(shipping), "shipping_cost_ex_tax": money(shipping),
            "shipping_cost_inc_tax": money(shipping),
            "total_ex_tax": money(subtotal + shipping), "total_inc_tax": money(subtotal + shipping), "total_tax": money(0),
            "items_total": sum(i["quantity"] for i in order.items),
            "items_shipped": sum(i["quantity_shipped"] for i in order.items),
            "payment_method": "Credit Card", "payment_status": payment, "refunded_amount": money(0),
            "currency_code": order.currency, "currency_exchange_rate": "1.0000000000",
            "default_currency_code": order.currency,
            "geoip_country_iso2": order.address.get("country_iso2", ""), "is_deleted": order.archived,
            "customer_message": "", "staff_notes": "", "order_source": "www", "channel_id": 1, "external_id": None,
            "billing_address": dict(order.billing),
            "products": {"url": f"{base}/products", "resource": f"/orders/{order.id}/products"},
            "shipping_addresses": {"url": f"{base}/shippingaddresses", "resource": f"/orders/{order.id}/shippingaddresses"},
            "coupons": {"url": f"{base}/coupons", "resource": f"/orders/{order.id}/coupons"},
        }

    def _address_json(self, order: Order) -> dict:
        shipped = sum(i["quantity_shipped"] for i in order.items)
        return {**order.address, "items_total": sum(i["quantity"] for i in order.items), "items_shipped": shipped,
                "base_cost": "4.9900", "cost_ex_tax": "4.9900", "cost_inc_tax": "4.9900", "cost_tax": "0.0000",
                "shipping_zone_id": 1, "shipping_zone_name": "United States", "form_fields": []}

    def answer(self, method: str, raw_path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes | None]:
        with self._lock:
            self.requests.append((method, raw_path, headers))
            limit_headers, allowed = self._count()
            if not allowed:
                self.throttled += 1
                too_many = {"status": 429, "title": "Too many requests", "type": ERROR_TYPE}
                return 429, limit_headers, json.dumps(too_many).encode()
            url = urlsplit(raw_path)
            parts = url.path.strip("/").split("/")
            if len(parts) < 3 or parts[0] != "stores" or parts[1] != self.store_hash or parts[2] not in ("v2", "v3"):
                return 404, limit_headers, _error("v2", 404, "The requested resource was not found.")
            version, route = parts[2], parts[3:]
            if self._script:
                status = self._script.popleft()
                text = "You have not been authorized." if status in (401, 403) else "Internal server error."
                return status, limit_headers, _error(version, status, text)
            if headers.get("x-auth-token") != self.token:
                return 401, limit_headers, _error(version, 401, "You have not been authorized.")
            query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
            try:
                data = json.loads(body) if body else None
            except ValueError:
                return 400, limit_headers, _error(version, 400, "The request body is not valid JSON.")
            try:
                status, payload = self._route(version, method, route, query, data)
            except _Fail as exc:
                return exc.status, limit_headers, _error(version, exc.status, exc.message)
            return status, limit_headers, None if payload is None else json.dumps(payload).encode()

    def _count(self) -> tuple[dict[str, str], bool]:
        at = self.clock.now()
        window = self.window_ms / 1000
        if self._window_started is None or at - self._window_started >= window:
            self._window_started, self._used = at, 0
        allowed = self._used < self.quota
        if allowed:
            self._used += 1
        reset_ms = max(0, math.ceil((self._window_started + window - at) * 1000))
        return {"X-Rate-Limit-Time-Window-Ms": str(self.window_ms), "X-Rate-Limit-Time-Reset-Ms": str(reset_ms),
                "X-Rate-Limit-Requests-Quota": str(self.quota),
                "X-Rate-Limit-Requests-Left": str(self.quota - self._used)}, allowed

    def _route(self, version: str, method: str, route: list[str], query: dict, data) -> tuple[int, object]:
        if version == "v2" and route[:1] == ["orders"]:
            if len(route) == 1 and method == "GET":
                return _page_or_204(self._list_orders(query), query)
            order = self.orders.get(_int(route[1])) if len(route) >= 2 else None
            if order is None or order.archived:
                raise _Fail(404, "The requested resource was not found.")
            if len(route) == 2 and method == "GET":
                return 200, self._order_json(order)
            if len(route) == 2 and method == "PUT":
                return 200, self._update_order(order, data or {})
            if len(route) == 3 and method == "GET" and route[2] == "products":
                return _page_or_204([dict(i) for i in order.items], query)
            if len(route) == 3 and method == "GET" and route[2] in ("shipping_addresses", "shippingaddresses"):
                return _page_or_204([self._address_json(order)], query)
            if len(route) == 3 and route[2] == "shipments" and method == "GET":
                return _page_or_204(list(self.shipments.get(order.id, [])), query)
            if len(route) == 3 and route[2] == "shipments" and method == "POST":
                return 201, self._ship(order, data or {})
        if version == "v3" and route[:2] == ["catalog", "products"]:
            with_variants = "variants" in query.get("include", "").split(",")
            if len(route) == 2 and method == "GET":
                rows = [_product_json(p, with_variants) for p in sorted(self.products.values(), key=lambda p: p["id"])]
                return 200, _v3_page(rows, query)
            product = self.products.get(_int(route[2])) if len(route) == 3 else None
            if product is None:
                raise _Fail(404, "The requested product was not found.")
            return 200, {"data": _product_json(product, with_variants), "meta": {}}
        if version == "v3" and route[:1] == ["hooks"]:
            return self._hooks(method, route, data or {})
        raise _Fail(404, "The requested resource was not found.")

    def _list_orders(self, query: dict) -> list[dict]:
        try:
            rows = [o for o in self.orders.values() if not o.archived]
            if query.get("status_id", "") != "":
                rows = [o for o in rows if o.status_id == int(query["status_id"])]
            for name, attr, keep in (("min_date_modified", "modified", lambda a, b: a >= b),
                                     ("max_date_modified", "modified", lambda a, b: a <= b),
                                     ("min_date_created", "created", lambda a, b: a >= b),
                                     ("max_date_created", "created", lambda a, b: a <= b)):
                if query.get(name):
                    bound = parse_date(query[name])
                    rows = [o for o in rows if keep(getattr(o, attr), bound)]
        except (ValueError, TypeError):
            raise _Fail(400, "The filter values are invalid.") from None
        key, _, direction = query.get("sort", "id:asc").partition(":")
        attribute = {"id": "id", "date_created": "created", "date_modified": "modified", "status_id": "status_id"}.get(key)
        if attribute is None or direction not in ("", "asc", "desc"):
            raise _Fail(400, f"The sort value {query['sort']!r} is invalid.")
        rows.sort(key=lambda o: (getattr(o, attribute), o.id), reverse=direction == "desc")
        return [self._order_json(o) for o in rows]

    def _update_order(self, order: Order, data: dict) -> dict:
        if "status_id" in data:
            if data["status_id"] not in STATUSES:
                raise _Fail(400, "The field 'status_id' is invalid.")
            order.previous_status_id, order.status_id = order.status_id, int(data["status_id"])
        order.modified = now()
        return self._order_json(order)

    def _ship(self, order: Order, data: dict) -> dict:
        if data.get("order_address_id") != order.address["id"]:
            raise _Fail(400, "The field 'order_address_id' is invalid.")
        if data.get("shipping_provider", "") not in SHIPPING_PROVIDERS:
            raise _Fail(400, "The field 'shipping_provider' is invalid.")
        items = data.get("items") or []
        if not items:
            raise _Fail(400, "The field 'items' is required.")
        by_id = {i["id"]: i for i in order.items}
        for item in items:
            line = by_id.get(item.get("order_product_id"))
            quantity = item.get("quantity")
            if line is None or not isinstance(quantity, int) or quantity < 1:
                raise _Fail(400, "The field 'items' is invalid.")
            if quantity > line["quantity"] - line["quantity_shipped"]:
                raise _Fail(400, f"The quantity for order product {line['id']} is more than is left to ship.")
        for item in items:
            by_id[item["order_product_id"]]["quantity_shipped"] += item["quantity"]
        at = now()
        done = all(i["quantity_shipped"] >= i["quantity"] for i in order.items)
        order.previous_status_id, order.status_id = order.status_id, 2 if done else 3
        order.shipped_at, order.modified = at, at
        shipment = {
            "id": self._next("shipment"), "order_id": order.id, "customer_id": 0, "order_address_id": order.address["id"],
            "date_created": rfc2822(at), "tracking_number": data.get("tracking_number", ""),
            "merchant_shipping_cost": "0.0000", "shipping_method": order.address["shipping_method"],
            "shipping_provider": data.get("shipping_provider", ""), "tracking_carrier": data.get("tracking_carrier", ""),
            "tracking_link": data.get("tracking_link", ""), "comments": data.get("comments", ""),
            "billing_address": dict(order.billing), "shipping_address": dict(order.address), "items": items,
        }
        self.shipments.setdefault(order.id, []).append(shipment)
        return shipment

    def _hooks(self, method: str, route: list[str], data: dict) -> tuple[int, object]:
        if len(route) == 1 and method == "GET":
            return 200, _v3_page(list(self.hooks), {"limit": "250"})
        if len(route) == 1 and method == "POST":
            if not data.get("scope") or not data.get("destination"):
                raise _Fail(422, "scope and destination are required.")
            if any(h["scope"] == data["scope"] and h["destination"] == data["destination"] for h in self.hooks):
                raise _Fail(422, "A hook with this scope and destination already exists.")
            stamp = int(time.time())
            hook = {"id": self._next("hook"), "client_id": "platen-app", "store_hash": self.store_hash,
                    "scope": data["scope"],
                    "destination": data["destination"], "headers": data.get("headers") or None,
                    "is_active": bool(data.get("is_active", True)), "created_at": stamp, "updated_at": stamp}
            self.hooks.append(hook)
            return 200, {"data": hook, "meta": {}}
        hook = next((h for h in self.hooks if len(route) == 2 and h["id"] == _int(route[1])), None)
        if hook is None:
            raise _Fail(404, "The hook was not found.")
        if method == "PUT":
            hook.update({k: v for k, v in data.items() if k in ("destination", "is_active", "headers")},
                        updated_at=int(time.time()))
        return 200, {"data": hook, "meta": {}}


class _Fail(Exception):
    def __init__(self, status: int, message: str):
        self.status, self.message = status, message


def _int(text: str) -> int:
    return int(text) if text.isdigit() else -1


def _error(version: str, status: int, message: str) -> bytes:
    if version == "v2":
        return json.dumps([{"status": status, "message": message}]).encode()
    return json.dumps({"status": status, "title": message, "type": ERROR_TYPE, "errors": {}}).encode()


def _page_or_204(rows: list, query: dict) -> tuple[int, object]:
    """v2 paging: a bare array, 204 No Content when the page is empty."""
    try:
        page, limit = int(query.get("page") or 1), int(query.get("limit") or 50)
    except ValueError:
        raise _Fail(400, "The page or limit value is invalid.") from None
    if page < 1 or not 1 <= limit <= 250:
        raise _Fail(400, "The page or limit value is invalid.")
    chunk = rows[(page - 1) * limit: page * limit]
    return (200, chunk) if chunk else (204, None)


def _v3_page(rows: list, query: dict) -> dict:
    page, limit = max(1, int(query.get("page") or 1)), min(250, max(1, int(query.get("limit") or 50)))
    total_pages = max(1, math.ceil(len(rows) / limit))
    links = {"current": f"?page={page}&limit={limit}"}
    if page > 1:
        links["previous"] = f"?page={page - 1}&limit={limit}"
    if page < total_pages:
        links["next"] = f"?page={page + 1}&limit={limit}"
    chunk = rows[(page - 1) * limit: page * limit]
    return {"data": chunk, "meta": {"pagination": {"total": len(rows), "count": len(chunk), "per_page": limit,
                                                   "current_page": page, "total_pages": total_pages, "links": links}}}


def _product_json(product: dict, with_variants: bool) -> dict:
    data = {k: v for k, v in product.items() if k != "variants"}
    if with_variants:
        data["variants"] = [dict(v) for v in product["variants"]]
    return data


def _handler(emulator: BigCommerceEmulator):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms delayed-ACK stall per request
        wbufsize = 64 * 1024

        def _serve(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, headers, data = emulator.answer(self.command, self.path, headers, body)
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            if data is not None:
                self.send_header("Content-Type", "application/json")
            if status != 204:  # a 204 carries no body and no length
                self.send_header("Content-Length", str(len(data or b"")))
            self.end_headers()
            if data:
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_DELETE = _serve  # noqa: N815 (the http.server naming)

        def log_message(self, *args) -> None:
            pass

    return Handler
