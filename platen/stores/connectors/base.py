"""The one interface every store platform implements, and the platform-blind shapes it answers in.

A connector knows its platform's protocol (paths, auth, signatures, pagination, rate limits, payload shapes)
and nothing of Platen's tables: it takes credentials and answers StoreOrder / StoreProductData values. After
the connector, nothing knows which platform an order came from.
"""

from __future__ import annotations

import dataclasses
import time
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from platen.kit import safehttp


# --- Errors ---------------------------------------------------------------------------------------


class ConnectorError(Exception):
    """The platform could not be asked or answered something unusable; `message` is a sentence for people."""

    def __init__(self, message: str, *, transient: bool = True, status: int | None = None):
        super().__init__(message)
        self.message, self.transient, self.status = message, transient, status


class AuthFailed(ConnectorError):
    """The platform refused the credentials (401/403): the store's syncing stops until it is reconnected."""

    def __init__(self, message: str, *, status: int | None = None):
        super().__init__(message, transient=False, status=status)


class InvalidSignature(Exception):
    """A webhook whose signature does not match its raw bytes (or is missing): answered 401, nothing stored."""


# --- Values ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    platform: str
    domain: str  # Shopify: <shop>.myshopify.com; BigCommerce: the store hash
    access_token: str
    webhook_secret: str = ""  # Shopify: the app's client secret; BigCommerce: the app's client secret
    api_base_url: str = ""  # blank: the platform's real API (see each connector's base_url())


@dataclass(frozen=True)
class StoreAddress:
    first_name: str = ""
    last_name: str = ""
    company: str = ""
    address1: str = ""
    address2: str = ""
    city: str = ""
    post_code: str = ""
    state: str = ""  # the state or province code where the platform gives one
    country: str = ""  # ISO 3166-1 alpha-2
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class StoreLine:
    external_id: str  # the platform's line item id (BigCommerce: the order-product id)
    quantity: int
    product_id: str = ""
    variant_id: str = ""
    sku: str = ""
    title: str = ""
    properties: dict[str, str] = field(default_factory=dict)  # line-item properties / custom attributes / options text
    options: dict[str, str] = field(default_factory=dict)  # the variant options as ordered {"Size": "M"}


@dataclass(frozen=True)
class StoreOrder:
    """A store order in the platform-blind shape; `as_dict()` is what StoreOrder.snapshot keeps."""

    external_id: str  # numeric id as a string (Shopify: legacyResourceId, the id webhooks use)
    number: str  # what the merchant sees: "#1001" (Shopify's name), "250" (BigCommerce)
    placed_at: datetime
    updated_at: datetime
    currency: str
    paid: bool  # fully paid
    awaiting_fulfillment: bool  # in the platform's importable state ("awaiting fulfillment"), whatever the payment
    store_status: str  # the platform's own words for people: "Paid · Unfulfilled", "Awaiting Payment"
    payment_pending: bool = False  # payment started, not complete (authorised, pending)
    cancelled_at: datetime | None = None
    email: str = ""
    shipping_address: StoreAddress | None = None
    shipping_method: str = ""  # the shipping line's title (or code when there is no title); "" when none
    lines: tuple[StoreLine, ...] = ()
    graphql_id: str = ""  # Shopify's global id, when known (fulfilment needs it)

    def as_dict(self) -> dict:
        return _jsonable(dataclasses.asdict(self))

    @classmethod
    def from_dict(cls, data: Mapping) -> StoreOrder:
        values = dict(data)
        for name in ("placed_at", "updated_at", "cancelled_at"):
            if values.get(name):
                values[name] = datetime.fromisoformat(values[name])
        if values.get("shipping_address"):
            values["shipping_address"] = StoreAddress(**values["shipping_address"])
        values["lines"] = tuple(StoreLine(**line) for line in values.get("lines") or ())
        return cls(**values)


@dataclass(frozen=True)
class StoreOrderRef:
    """What a light listing gives of an order: enough to find it in Platen; the order itself is fetch_order's."""

    external_id: str
    number: str
    placed_at: datetime


@dataclass(frozen=True)
class StoreVariantData:
    external_id: str
    sku: str = ""
    title: str = ""
    options: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class StoreProductData:
    external_id: str
    title: str
    variants: tuple[StoreVariantData, ...] = ()


@dataclass(frozen=True)
class WebhookEvent:
    """A verified webhook, parsed. `kind` says what it is about; the matching field carries it."""

    topic: str  # the platform's topic: "orders/create", "store/order/created", ...
    delivery_id: str  # the platform's id for this delivery: repeats carry the same one
    kind: str  # "order", "order_deleted", "product", "product_deleted", "privacy", "app_uninstalled", "other"
    resource_id: str = ""  # the order's or product's platform id
    order: StoreOrder | None = None  # for "order": the order as the webhook (or the fetch after it) gave it
    product: StoreProductData | None = None  # for "product"
    payload: dict = field(default_factory=dict)  # the parsed body, for privacy requests


@dataclass(frozen=True)
class TrackingPush:
    order_external_id: str
    tracking_number: str
    tracking_url: str = ""
    carrier: str = ""  # the carrier's name as people know it: "DHL Express"
    lines: tuple[tuple[str, int], ...] = ()  # (line external id, quantity); empty: every line still to fulfil
    order_graphql_id: str = ""


# --- The interface --------------------------------------------------------------------------------


class Connector(ABC):
    """One per platform (connectors/<platform>.py), registered in connectors/registry.py.

    Rate limits are obeyed inside the connector (it waits with `sleep`, read from the platform's own numbers);
    401/403 raise AuthFailed; other failures raise ConnectorError (transient unless retrying cannot help).
    """

    platform: str
    label: str  # "Shopify"

    def __init__(self, credentials: Credentials, *, client: safehttp.SafeHttpClient | None = None,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic):
        self.credentials = credentials
        self.client = client or safehttp.SafeHttpClient()
        self.sleep, self.clock = sleep, clock  # tests pass a manual clock for both

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> Connector:
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    @staticmethod
    @abstractmethod
    def verify_webhook(secret: str, headers: Mapping[str, str], raw_body: bytes) -> None:
        """Raise InvalidSignature unless the headers sign these exact bytes with `secret` (constant-time compare).
        `headers` has lower-case names."""

    @abstractmethod
    def parse_webhook(self, headers: Mapping[str, str], raw_body: bytes) -> WebhookEvent:
        """A verified delivery as a WebhookEvent (a thin payload is completed by fetching the order)."""

    @abstractmethod
    def orders_since(self, updated_since: datetime | None) -> Iterator[StoreOrder]:
        """Every order updated at or after `updated_since` (all when None), oldest change first where the platform
        can sort so, following the platform's pagination."""

    @abstractmethod
    def order_refs_since(self, updated_since: datetime | None) -> Iterator[StoreOrderRef]:
        """What orders_since lists, each order only as its StoreOrderRef: the cheapest listing the platform has
        (no line items, addresses or sub-resources), for comparisons that fetch the few full orders they need."""

    @abstractmethod
    def fetch_order(self, external_id: str) -> StoreOrder | None:
        """One order by its platform id; None when the platform does not know it."""

    @abstractmethod
    def find_order(self, number: str) -> StoreOrder | None:
        """One order by the number the merchant sees ("#1001", "1001", "250"); None when there is none."""

    @abstractmethod
    def products(self) -> Iterator[StoreProductData]:
        """Every product with its variants."""

    @abstractmethod
    def push_fulfillment(self, push: TrackingPush) -> str:
        """Tell the store the order shipped with this tracking; answer the platform's id of what was created."""

    def report_delivery(self, push: TrackingPush, fulfillment_id: str, status: str) -> bool:
        """Tell the store a fulfilled parcel was "delivered" or "returned", where the platform has a place for it;
        answer False where it has none (the default)."""
        return False

    @abstractmethod
    def register_webhooks(self, callback_url: str) -> list[str]:
        """Subscribe Platen's endpoint to the topics it handles; answer the topics subscribed."""


def _jsonable(value):
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value
