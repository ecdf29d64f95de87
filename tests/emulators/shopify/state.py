"""The Shopify emulator's store state: constants, the manual clock, ids, the records (products, orders, fulfillments, webhook subscriptions)."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal


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
