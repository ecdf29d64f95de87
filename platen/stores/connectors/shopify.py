"""Shopify through its GraphQL Admin API (REST is legacy); webhooks still carry the REST resource's JSON.

One endpoint, `POST {base}/admin/api/2026-01/graphql.json` with `X-Shopify-Access-Token`, where base is the
store's API base URL (scheme + host) or `https://<shop>.myshopify.com`.

Rate limit: Shopify charges each query its calculated cost from a leaky bucket per app and store. Every answer
says `extensions.cost = {requestedQueryCost, actualQueryCost, throttleStatus {maximumAvailable,
currentlyAvailable, restoreRate}}`; the requested cost must be available before a query runs and the unused part
is refunded. `_Bucket` keeps the last throttle status and the requested cost of each query shape, and before
sending one waits (self.sleep) exactly until the bucket holds that cost: `(cost - available) / restoreRate`.
A THROTTLED answer (possible only when the bucket's state was not known yet) waits the same way and sends the
same query again. Nothing about a plan is written here: the numbers come from the answers.

Page size (orders_since, products): steady-state throughput is restoreRate / actual cost per order, whatever
the page size, because the refund gives back what a page did not use; the requested cost only has to fit in
the bucket and under Shopify's single-query maximum (SINGLE_QUERY_MAX_COST, the same on every plan). Bigger
pages spend fewer requests and fewer fixed connection points (2 a page) per order, so the page is the largest
whose requested cost fits both limits, computed from the first answer's requestedQueryCost. Line items per
order (ORDER_LINES) trade the other way: each one counted in every order's requested cost, shrinking the page;
an order with more lines than that gets the rest in a follow-up query of its own. Waiting for each page's full
requested cost keeps the bucket nearly full, so the first bucketful is not spent as a burst (ten seconds on a
Standard plan, nothing next to a long pull); after that each wait is exactly the points the last page used.

Line options: a REST line item (a webhook) names only the variant's title ("A3 / Matte"), not the option names
(GraphQL could add them through variant.selectedOptions, at a point per line). So that a webhook and a pull of
one order parse to equal values, StoreLine.options stays empty and StoreLine.title is the line's name ("Poster -
A3 / Matte"); the option names come with the products (StoreVariantData.options).
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import hmac
import json
import logging
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime

from platen.kit import safehttp
from platen.stores.connectors.base import (
    AuthFailed, Connector, ConnectorError, InvalidSignature, StoreAddress, StoreLine, StoreOrder, StoreOrderRef,
    StoreProductData, StoreVariantData, TrackingPush, WebhookEvent,
)

log = logging.getLogger("platen.stores.shopify")

VERSION = "2026-01"
SINGLE_QUERY_MAX_COST = 1000  # Shopify's cap for any one query, on every plan
MAX_PAGE = 250
ORDER_LINES = 10  # line items read with each order; more come in a follow-up query
PRODUCT_VARIANTS = 50  # variants read with each product; more come in a follow-up query
# The first page of a listing, before its cost per item is known: well under the single-query cap. An order ref
# costs 1 point (an object of scalars), so a full page of them (252) fits every plan's bucket from the start.
FIRST_PAGE = {"orders": 10, "products": 4, "order_refs": MAX_PAGE}
THROTTLED_RETRIES = 8
AUTH_SENTENCE = "Shopify refused Platen's access token: reconnect the store."

ORDER_TOPICS = ("orders/create", "orders/paid", "orders/updated", "orders/cancelled", "orders/fulfilled")
PRODUCT_TOPICS = ("products/create", "products/update")
PRIVACY_TOPICS = ("customers/data_request", "customers/redact", "shop/redact")
# What register_webhooks subscribes. The privacy topics are subscribed in the app's configuration, once for all
# shops (Shopify does not take them through webhookSubscriptionCreate); Platen receives them all the same.
SUBSCRIBED_TOPICS = (*ORDER_TOPICS, *PRODUCT_TOPICS, "products/delete", "app/uninstalled")

FINANCIAL_WORDS = {
    "paid": "Paid", "pending": "Payment pending", "authorized": "Payment authorized", "partially_paid": "Partially paid",
    "partially_refunded": "Partially refunded", "refunded": "Refunded", "voided": "Voided", "expired": "Expired",
}
FULFILLMENT_WORDS = {
    "unfulfilled": "Unfulfilled", "partially_fulfilled": "Partially fulfilled", "fulfilled": "Fulfilled",
    "restocked": "Restocked", "on_hold": "On hold", "scheduled": "Scheduled", "in_progress": "In progress",
    "open": "Open", "pending_fulfillment": "Pending fulfillment", "request_declined": "Request declined",
}
PAYMENT_PENDING = {"pending", "authorized", "partially_paid"}
AWAITING = {"unfulfilled", "partially_fulfilled"}
DELIVERY_EVENTS = {"delivered": "DELIVERED"}  # Shopify has no fulfilment event for a returned parcel

_LINE_FIELDS = "id sku quantity name variant { id } product { id } customAttributes { key value }"
_ORDER_FIELDS = f"""
  id legacyResourceId name email createdAt updatedAt cancelledAt currencyCode
  displayFinancialStatus displayFulfillmentStatus
  shippingAddress {{ firstName lastName company address1 address2 city provinceCode zip countryCodeV2 phone }}
  shippingLines(first: 1) {{ nodes {{ title code }} }}
  lineItems(first: {ORDER_LINES}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {_LINE_FIELDS} }} }}
"""
ORDERS_QUERY = f"""
query PlatenOrders($first: Int!, $after: String, $query: String) {{
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ {_ORDER_FIELDS} }}
  }}
}}"""
ORDER_REFS_QUERY = """
query PlatenOrderRefs($first: Int!, $after: String, $query: String) {
  orders(first: $first, after: $after, sortKey: UPDATED_AT, query: $query) {
    pageInfo { hasNextPage endCursor }
    nodes { id legacyResourceId name createdAt }
  }
}"""
ORDER_QUERY = f"query PlatenOrder($id: ID!) {{ order(id: $id) {{ {_ORDER_FIELDS} }} }}"
ORDER_LINES_QUERY = f"""
query PlatenOrderLines($id: ID!, $after: String) {{
  order(id: $id) {{ lineItems(first: 100, after: $after) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {_LINE_FIELDS} }} }} }}
}}"""
_VARIANT_FIELDS = "id sku title selectedOptions { name value }"
PRODUCTS_QUERY = f"""
query PlatenProducts($first: Int!, $after: String) {{
  products(first: $first, after: $after, sortKey: ID) {{
    pageInfo {{ hasNextPage endCursor }}
    nodes {{ id title variants(first: {PRODUCT_VARIANTS}) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {_VARIANT_FIELDS} }} }} }}
  }}
}}"""
PRODUCT_VARIANTS_QUERY = f"""
query PlatenProductVariants($id: ID!, $after: String) {{
  product(id: $id) {{ variants(first: 100, after: $after) {{ pageInfo {{ hasNextPage endCursor }} nodes {{ {_VARIANT_FIELDS} }} }} }}
}}"""
FULFILLMENT_ORDERS_QUERY = """
query PlatenFulfillmentOrders($id: ID!) {
  order(id: $id) {
    fulfillments(first: 20) { id trackingInfo(first: 5) { number } }
    fulfillmentOrders(first: 5) {
      nodes { id status lineItems(first: 50) { nodes { id remainingQuantity lineItem { id } } } }
    }
  }
}"""
FULFILLMENT_CREATE = """
mutation PlatenFulfillmentCreate($fulfillment: FulfillmentInput!) {
  fulfillmentCreate(fulfillment: $fulfillment) { fulfillment { id status } userErrors { field message } }
}"""
FULFILLMENT_EVENT_CREATE = """
mutation PlatenFulfillmentEvent($event: FulfillmentEventInput!) {
  fulfillmentEventCreate(fulfillmentEvent: $event) { fulfillmentEvent { id status } userErrors { field message } }
}"""
WEBHOOK_CREATE = """
mutation PlatenWebhook($topic: WebhookSubscriptionTopic!, $subscription: WebhookSubscriptionInput!) {
  webhookSubscriptionCreate(topic: $topic, webhookSubscription: $subscription) {
    webhookSubscription { id } userErrors { field message }
  }
}"""


class _TooCostly(ConnectorError):
    """A query whose requested cost is over the single-query cap or the bucket's size: it can never run as it is
    (a listing retries with a smaller page; anything else fails for good)."""

    def __init__(self, requested: int):
        super().__init__(f"Shopify refused a request of Platen's as too costly ({requested} points).", transient=False)
        self.requested = requested


class _Bucket:
    """What Shopify last said about this store's cost bucket, and what each query shape asked for."""

    def __init__(self):
        self.available: float | None = None
        self.read_at = 0.0  # when `available` was read (the connector's clock)
        self.maximum: float | None = None
        self.restore_rate: float | None = None
        self.requested: dict[str, int] = {}  # query shape -> its last requestedQueryCost
        self.throttled = 0  # THROTTLED answers received (after the first, there should be none)

    def read(self, shape: str, cost: Mapping | None, at: float) -> None:
        if not cost:
            return
        if cost.get("requestedQueryCost") is not None:
            self.requested[shape] = int(cost["requestedQueryCost"])
        status = cost.get("throttleStatus") or {}
        if status.get("restoreRate"):
            self.available, self.read_at = float(status["currentlyAvailable"]), at
            self.maximum = float(status["maximumAvailable"])
            self.restore_rate = float(status["restoreRate"])

    def available_at(self, now: float) -> float:
        """What the bucket holds now: the last answer's figure plus what was restored since (the time spent
        importing a page counts towards the next one's wait), never more than the bucket holds."""
        restored = self.available + max(0.0, now - self.read_at) * self.restore_rate
        return min(restored, self.maximum) if self.maximum else restored

    def wait_for(self, cost: int | None, now: float) -> float:
        """Seconds to wait until `cost` points are in the bucket (0 when unknown or already there)."""
        if cost is None or self.available is None or not self.restore_rate:
            return 0.0
        available = self.available_at(now)
        return 0.0 if available >= cost else (cost - available) / self.restore_rate

    def spent(self, cost: int, now: float) -> None:
        """After waiting for `cost`: it is there now, whatever the last answer said."""
        if self.available is not None:
            self.available, self.read_at = max(self.available_at(now), float(cost)), now


class Shopify(Connector):
    platform = "shopify"
    label = "Shopify"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.bucket = _Bucket()
        self._page_sizes: dict[str, int] = {}

    # --- Webhooks -----------------------------------------------------------------------------------

    @staticmethod
    def verify_webhook(secret: str, headers: Mapping[str, str], raw_body: bytes) -> None:
        given = headers.get("x-shopify-hmac-sha256", "")
        if not secret or not given:
            raise InvalidSignature("The delivery has no Shopify signature.")
        expected = base64.b64encode(hmac.new(secret.encode(), raw_body, hashlib.sha256).digest())
        if not hmac.compare_digest(expected, given.strip().encode()):
            raise InvalidSignature("The Shopify signature does not match the delivery.")

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> WebhookEvent:
        topic = headers.get("x-shopify-topic", "")
        delivery_id = headers.get("x-shopify-event-id") or headers.get("x-shopify-webhook-id") or ""
        try:
            body = json.loads(raw_body)
        except ValueError:
            raise ConnectorError("The Shopify delivery is not JSON.", transient=False) from None
        if not isinstance(body, dict):
            raise ConnectorError("The Shopify delivery is not a JSON object.", transient=False)
        try:
            if topic in ORDER_TOPICS:
                order = order_from_rest(body)
                return WebhookEvent(topic, delivery_id, "order", resource_id=order.external_id, order=order)
            if topic in PRODUCT_TOPICS:
                product = product_from_rest(body)
                return WebhookEvent(topic, delivery_id, "product", resource_id=product.external_id, product=product)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ConnectorError(f"Platen could not read the Shopify {topic} delivery ({type(exc).__name__}: {exc}).",
                                 transient=False) from None
        if topic == "products/delete":
            return WebhookEvent(topic, delivery_id, "product_deleted", resource_id=str(body.get("id", "")))
        if topic == "orders/delete":
            return WebhookEvent(topic, delivery_id, "order_deleted", resource_id=str(body.get("id", "")))
        if topic in PRIVACY_TOPICS:
            return WebhookEvent(topic, delivery_id, "privacy", payload=body)
        if topic == "app/uninstalled":
            return WebhookEvent(topic, delivery_id, "app_uninstalled", payload=body)
        return WebhookEvent(topic, delivery_id, "other", payload=body)

    # --- Reading --------------------------------------------------------------------------------------

    def orders_since(self, updated_since: datetime | None) -> Iterator[StoreOrder]:
        for node in self._pages("orders", ORDERS_QUERY, {"query": _updated_since(updated_since)}):
            yield self._complete(order_from_graphql(node), node)

    def order_refs_since(self, updated_since: datetime | None) -> Iterator[StoreOrderRef]:
        for node in self._pages("order_refs", ORDER_REFS_QUERY, {"query": _updated_since(updated_since)}):
            yield StoreOrderRef(external_id=_text(node.get("legacyResourceId")) or legacy_id(node["id"]),
                                number=_text(node.get("name")), placed_at=_time(node.get("createdAt")))

    def fetch_order(self, external_id: str) -> StoreOrder | None:
        node = self._query("order", ORDER_QUERY, {"id": order_gid(external_id)}).get("order")
        return self._complete(order_from_graphql(node), node) if node else None

    def find_order(self, number: str) -> StoreOrder | None:
        wanted = number.strip()
        name = f"#{wanted}" if wanted.isdigit() else wanted
        data = self._query("orders:1", ORDERS_QUERY, {"first": 1, "query": f'name:"{name}"'})
        for node in data["orders"]["nodes"]:
            if node["name"].lower() == name.lower():
                return self._complete(order_from_graphql(node), node)
        return None

    def products(self) -> Iterator[StoreProductData]:
        for node in self._pages("products", PRODUCTS_QUERY, {}):
            variants = list(node["variants"]["nodes"])
            page = node["variants"]["pageInfo"]
            while page["hasNextPage"]:
                more = self._query("product_variants", PRODUCT_VARIANTS_QUERY, {"id": node["id"], "after": page["endCursor"]})
                variants += more["product"]["variants"]["nodes"]
                page = more["product"]["variants"]["pageInfo"]
            yield StoreProductData(
                external_id=legacy_id(node["id"]), title=node["title"],
                variants=tuple(StoreVariantData(
                    external_id=legacy_id(v["id"]), sku=v.get("sku") or "", title=v.get("title") or "",
                    options={o["name"]: o["value"] for o in v.get("selectedOptions") or ()}) for v in variants))

    def _complete(self, order: StoreOrder, node: Mapping) -> StoreOrder:
        """The order with every line item, following the order's own line pagination past ORDER_LINES."""
        page = (node.get("lineItems") or {}).get("pageInfo") or {}
        if not page.get("hasNextPage"):
            return order
        lines = list(order.lines)
        while page.get("hasNextPage"):
            data = self._query("order_lines", ORDER_LINES_QUERY, {"id": node["id"], "after": page["endCursor"]})
            connection = data["order"]["lineItems"]
            lines += [line_from_graphql(item) for item in connection["nodes"]]
            page = connection["pageInfo"]
        return dataclasses.replace(order, lines=tuple(lines))

    def _pages(self, shape: str, query: str, variables: dict) -> Iterator[dict]:
        """Every node of a root connection, page by page, the page as large as the cost limits allow."""
        after = None
        while True:
            first = self._page_sizes.get(shape) or FIRST_PAGE[shape]
            key = f"{shape}:{first}"
            try:
                data = self._query(key, query, {**variables, "first": first, "after": after})
            except _TooCostly as too_costly:
                if first == 1:
                    raise ConnectorError("Shopify refused even one item per page as too costly for this store's "
                                         "request limit.", transient=False) from None
                self.bucket.requested[key] = too_costly.requested
                self._resize(shape, first, key)
                self._page_sizes[shape] = min(self._page_sizes[shape], first - 1)
                continue
            connection = next(iter(data.values()))
            yield from connection["nodes"]
            self._resize(shape, first, key)
            if not connection["pageInfo"]["hasNextPage"]:
                return
            after = connection["pageInfo"]["endCursor"]

    def _resize(self, shape: str, first: int, key: str) -> None:
        """The largest page whose requested cost fits the bucket and the single-query cap, from what this one cost
        (2 points for the connection, the rest per item)."""
        requested = self.bucket.requested.get(key)
        if requested is None or first <= 0:
            return
        per_item = max(1.0, (requested - 2) / first)
        ceiling = min(SINGLE_QUERY_MAX_COST, self.bucket.maximum or SINGLE_QUERY_MAX_COST)
        self._page_sizes[shape] = max(1, min(MAX_PAGE, int((ceiling - 2) // per_item)))
        if self._page_sizes[shape] != first:
            # The next page's cost is known in advance: requested cost grows linearly with `first`.
            self.bucket.requested[f"{shape}:{self._page_sizes[shape]}"] = int(2 + per_item * self._page_sizes[shape] + 0.999)

    # --- Writing --------------------------------------------------------------------------------------

    def push_fulfillment(self, push: TrackingPush) -> str:
        order_id = push.order_graphql_id or order_gid(push.order_external_id)
        order = self._query("fulfillment_orders", FULFILLMENT_ORDERS_QUERY, {"id": order_id}).get("order")
        if order is None:
            raise ConnectorError("Shopify no longer has this order, so the tracking could not be added to it.", transient=False)
        for existing in order.get("fulfillments") or ():
            if push.tracking_number and any(t.get("number") == push.tracking_number for t in existing.get("trackingInfo") or ()):
                return existing["id"]  # pushed before (an answer lost on the way back): the same fulfilment
        groups = _fulfillment_groups(order["fulfillmentOrders"]["nodes"], push.lines)
        if not groups:
            raise ConnectorError("Shopify has nothing left to fulfil on this order (it was fulfilled, cancelled or put on "
                                 "hold in the store), so the tracking could not be added.", transient=False)
        tracking = {"number": push.tracking_number}
        if push.tracking_url:
            tracking["url"] = push.tracking_url
        if push.carrier:
            tracking["company"] = push.carrier
        data = self._query("fulfillment_create", FULFILLMENT_CREATE, {"fulfillment": {
            "lineItemsByFulfillmentOrder": groups, "trackingInfo": tracking, "notifyCustomer": False}})
        payload = data["fulfillmentCreate"] or {}
        _raise_user_errors(payload, "Shopify refused the fulfilment")
        return payload["fulfillment"]["id"]

    def report_delivery(self, push: TrackingPush, fulfillment_id: str, status: str) -> bool:
        event_status = DELIVERY_EVENTS.get(status)
        if event_status is None:
            return False
        fulfillment = fulfillment_id if fulfillment_id.startswith("gid://") else f"gid://shopify/Fulfillment/{fulfillment_id}"
        data = self._query("fulfillment_event", FULFILLMENT_EVENT_CREATE, {"event": {
            "fulfillmentId": fulfillment, "status": event_status,
            "happenedAt": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")}})
        _raise_user_errors(data["fulfillmentEventCreate"] or {}, "Shopify refused the delivery update")
        return True

    def register_webhooks(self, callback_url: str) -> list[str]:
        subscribed = []
        for topic in SUBSCRIBED_TOPICS:
            data = self._query("webhook_create", WEBHOOK_CREATE, {
                "topic": topic.replace("/", "_").upper(), "subscription": {"uri": callback_url, "format": "JSON"}})
            payload = data["webhookSubscriptionCreate"] or {}
            errors = [e for e in payload.get("userErrors") or () if "already been taken" not in e.get("message", "")]
            if errors:
                _raise_user_errors({"userErrors": errors}, f"Shopify refused the {topic} webhook")
            subscribed.append(topic)
        return subscribed

    # --- The one GraphQL call -------------------------------------------------------------------------

    @property
    def endpoint(self) -> str:
        base = (self.credentials.api_base_url or f"https://{self.credentials.domain}").rstrip("/")
        return f"{base}/admin/api/{VERSION}/graphql.json"

    def _query(self, shape: str, query: str, variables: dict) -> dict:
        """Run one query or mutation, waiting first for its cost, once more after any THROTTLED answer."""
        body = json.dumps({"query": query, "variables": variables}).encode()
        headers = {"X-Shopify-Access-Token": self.credentials.access_token, "Content-Type": "application/json",
                   "Accept": "application/json"}
        for _ in range(THROTTLED_RETRIES + 1):
            expected = self.bucket.requested.get(shape)
            if (wait := self.bucket.wait_for(expected, self.clock())) > 0:
                self.sleep(wait)
                self.bucket.spent(expected, self.clock())
            answer = self._post(body, headers)
            cost = (answer.get("extensions") or {}).get("cost")
            self.bucket.read(shape, cost, self.clock())  # read after the answer: never more restored than there is
            errors = answer.get("errors") or []
            if not isinstance(errors, list):  # the REST-style {"errors": "..."}
                errors = [{"message": str(errors)}]
            codes = {(e.get("extensions") or {}).get("code") for e in errors}
            if "MAX_COST_EXCEEDED" in codes:
                raise _TooCostly(int(next(e["extensions"].get("cost", 0) for e in errors if e.get("extensions"))))
            if "THROTTLED" in codes:
                self.bucket.throttled += 1
                log.info("shopify throttled", extra={"shape": shape, "cost": cost})
                if self.bucket.maximum is not None and self.bucket.requested.get(shape, 0) > self.bucket.maximum:
                    raise _TooCostly(self.bucket.requested[shape])  # could never run: the bucket is smaller
                if self.bucket.available is None:  # no numbers to wait on: a second, as Shopify's 429 would say
                    self.sleep(1.0)
                continue
            if errors:
                messages = "; ".join(str(e.get("message", e)) for e in errors)[:300]
                raise ConnectorError(f"Shopify could not answer Platen's request: {messages}",
                                     transient=bool(codes & {"INTERNAL_SERVER_ERROR", "SERVICE_UNAVAILABLE", "TIMEOUT"}))
            if not isinstance(answer.get("data"), dict):
                raise ConnectorError("Shopify answered without data.", transient=True)
            return answer["data"]
        raise ConnectorError("Shopify kept saying the store's request limit was used up; Platen will try again later.")

    def _post(self, body: bytes, headers: dict) -> dict:
        try:
            answer = self.client.request("POST", self.endpoint, headers=headers, body=body)
        except safehttp.FetchFailed as exc:
            raise ConnectorError(f"Shopify could not be reached: {exc.reason}", transient=exc.transient) from None
        if answer.status in (401, 403):
            raise AuthFailed(AUTH_SENTENCE, status=answer.status)
        if answer.status == 402:
            raise ConnectorError("Shopify says the store is frozen (its plan is unpaid): Platen will try again later.",
                                 status=402)
        if answer.status == 404:
            raise ConnectorError(f"Shopify does not know the store {self.credentials.domain}: check the shop domain.",
                                 transient=False, status=404)
        if answer.status == 423:
            raise ConnectorError("Shopify says the store is locked: Platen will try again later.", status=423)
        if answer.status == 429 or answer.status >= 500:
            raise ConnectorError(f"Shopify answered {answer.status}; Platen will try again later.", status=answer.status)
        if answer.status >= 400:
            raise ConnectorError(f"Shopify refused Platen's request ({answer.status}).", transient=False, status=answer.status)
        try:
            data = answer.json()
        except ValueError:
            raise ConnectorError("Shopify answered something that is not JSON; Platen will try again later.") from None
        if not isinstance(data, dict):
            raise ConnectorError("Shopify answered an unexpected shape; Platen will try again later.")
        return data


# --- Shapes -------------------------------------------------------------------------------------------


def order_gid(external_id: str) -> str:
    return external_id if str(external_id).startswith("gid://") else f"gid://shopify/Order/{external_id}"


def legacy_id(global_id: str | None) -> str:
    """gid://shopify/ProductVariant/123 -> "123" (the numeric id REST payloads and webhooks use)."""
    return str(global_id).rsplit("/", 1)[-1] if global_id else ""


def _updated_since(at: datetime | None) -> str | None:
    """The search term for orders changed at or after `at` (None: every order)."""
    return None if at is None else f"updated_at:>='{at.astimezone(UTC).strftime('%Y-%m-%dT%H:%M:%SZ')}'"


def _time(value: str | None) -> datetime | None:
    if not value:
        return None
    moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _text(value) -> str:
    return "" if value is None else str(value)


def store_status(financial: str, fulfillment: str, cancelled: bool) -> str:
    """Shopify's words as the admin shows them: "Paid · Unfulfilled"."""
    words = [FINANCIAL_WORDS.get(financial, financial.replace("_", " ").capitalize()),
             FULFILLMENT_WORDS.get(fulfillment, fulfillment.replace("_", " ").capitalize())]
    return " · ".join((["Cancelled"] if cancelled else []) + [w for w in words if w])


def order_from_rest(data: Mapping) -> StoreOrder:
    """A REST order (a webhook body; a wrapped {"order": ...} is accepted too) in the platform-blind shape."""
    if set(data) == {"order"}:
        data = data["order"]
    financial = (data.get("financial_status") or "").lower()
    fulfillment = {None: "unfulfilled", "": "unfulfilled", "partial": "partially_fulfilled"}.get(
        data.get("fulfillment_status"), str(data.get("fulfillment_status")).lower())
    cancelled_at = _time(data.get("cancelled_at"))
    address = data.get("shipping_address")
    shipping = (data.get("shipping_lines") or [{}])[0]
    return StoreOrder(
        external_id=str(data["id"]), number=_text(data.get("name")) or f"#{data.get('order_number', data['id'])}",
        placed_at=_time(data.get("created_at")), updated_at=_time(data.get("updated_at") or data.get("created_at")),
        currency=_text(data.get("currency")), paid=financial == "paid",
        awaiting_fulfillment=fulfillment in AWAITING and cancelled_at is None,
        store_status=store_status(financial, fulfillment, cancelled_at is not None),
        payment_pending=financial in PAYMENT_PENDING, cancelled_at=cancelled_at,
        email=_text(data.get("email") or data.get("contact_email")),
        shipping_address=StoreAddress(
            first_name=_text(address.get("first_name")), last_name=_text(address.get("last_name")),
            company=_text(address.get("company")), address1=_text(address.get("address1")),
            address2=_text(address.get("address2")), city=_text(address.get("city")), post_code=_text(address.get("zip")),
            state=_text(address.get("province_code")), country=_text(address.get("country_code")),
            email=_text(data.get("email")), phone=_text(address.get("phone")),
        ) if address else None,
        shipping_method=_text(shipping.get("title") or shipping.get("code")),
        lines=tuple(StoreLine(
            external_id=str(item["id"]), quantity=int(item.get("quantity") or 0), product_id=_text(item.get("product_id")),
            variant_id=_text(item.get("variant_id")), sku=_text(item.get("sku")),
            title=_text(item.get("name") or item.get("title")),
            properties={_text(p.get("name")): _text(p.get("value")) for p in item.get("properties") or () if p.get("name")},
        ) for item in data.get("line_items") or ()),
        graphql_id=_text(data.get("admin_graphql_api_id")) or order_gid(str(data["id"])),
    )


def line_from_graphql(item: Mapping) -> StoreLine:
    return StoreLine(
        external_id=legacy_id(item["id"]), quantity=int(item.get("quantity") or 0),
        product_id=legacy_id((item.get("product") or {}).get("id")), variant_id=legacy_id((item.get("variant") or {}).get("id")),
        sku=_text(item.get("sku")), title=_text(item.get("name")),
        properties={a["key"]: _text(a.get("value")) for a in item.get("customAttributes") or () if a.get("key")},
    )


def order_from_graphql(node: Mapping) -> StoreOrder:
    financial = (node.get("displayFinancialStatus") or "").lower()
    fulfillment = (node.get("displayFulfillmentStatus") or "").lower()
    cancelled_at = _time(node.get("cancelledAt"))
    address = node.get("shippingAddress")
    shipping = ((node.get("shippingLines") or {}).get("nodes") or [{}])[0]
    return StoreOrder(
        external_id=_text(node.get("legacyResourceId")) or legacy_id(node["id"]), number=_text(node.get("name")),
        placed_at=_time(node.get("createdAt")), updated_at=_time(node.get("updatedAt") or node.get("createdAt")),
        currency=_text(node.get("currencyCode")), paid=financial == "paid",
        awaiting_fulfillment=fulfillment in AWAITING and cancelled_at is None,
        store_status=store_status(financial, fulfillment, cancelled_at is not None),
        payment_pending=financial in PAYMENT_PENDING, cancelled_at=cancelled_at, email=_text(node.get("email")),
        shipping_address=StoreAddress(
            first_name=_text(address.get("firstName")), last_name=_text(address.get("lastName")),
            company=_text(address.get("company")), address1=_text(address.get("address1")),
            address2=_text(address.get("address2")), city=_text(address.get("city")), post_code=_text(address.get("zip")),
            state=_text(address.get("provinceCode")), country=_text(address.get("countryCodeV2")),
            email=_text(node.get("email")), phone=_text(address.get("phone")),
        ) if address else None,
        shipping_method=_text(shipping.get("title") or shipping.get("code")),
        lines=tuple(line_from_graphql(item) for item in (node.get("lineItems") or {}).get("nodes") or ()),
        graphql_id=_text(node.get("id")),
    )


def product_from_rest(data: Mapping) -> StoreProductData:
    """A REST product (products/create|update body; {"product": ...} accepted) in the platform-blind shape."""
    if set(data) == {"product"}:
        data = data["product"]
    names = [_text(o.get("name")) for o in data.get("options") or ()]
    variants = []
    for v in data.get("variants") or ():
        options = {}
        for n in range(3):
            value = v.get(f"option{n + 1}")
            if value is not None:
                options[names[n] if n < len(names) and names[n] else f"Option {n + 1}"] = _text(value)
        variants.append(StoreVariantData(external_id=str(v["id"]), sku=_text(v.get("sku")), title=_text(v.get("title")),
                                         options=options))
    return StoreProductData(external_id=str(data["id"]), title=_text(data.get("title")), variants=tuple(variants))


def _fulfillment_groups(fulfillment_orders: list[dict], lines: tuple[tuple[str, int], ...]) -> list[dict]:
    """lineItemsByFulfillmentOrder for the wanted lines (all that remain when none are named), from the open
    fulfilment orders, each quantity capped at what remains."""
    wanted = {str(line_id): quantity for line_id, quantity in lines}
    groups = []
    for fo in fulfillment_orders:
        if fo["status"] not in ("OPEN", "IN_PROGRESS"):
            continue
        items = []
        for item in fo["lineItems"]["nodes"]:
            line_id, remaining = legacy_id(item["lineItem"]["id"]), int(item["remainingQuantity"])
            quantity = remaining if not wanted else min(remaining, wanted.get(line_id, 0))
            if quantity > 0:
                items.append({"id": item["id"], "quantity": quantity})
                if wanted:
                    wanted[line_id] -= quantity
        if items:
            groups.append({"fulfillmentOrderId": fo["id"], "fulfillmentOrderLineItems": items})
    return groups


def _raise_user_errors(payload: Mapping, what: str) -> None:
    errors = payload.get("userErrors") or []
    if errors:
        raise ConnectorError(f"{what}: " + "; ".join(e.get("message", "") for e in errors), transient=False)
