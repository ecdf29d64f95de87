"""The contract between orders (and quotes) and the catalog: what an order says, what the catalog answers.

Import these from platen.catalog.services; they live here only to keep that module free of cycles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class LineFacts:
    field: str  # wire path prefix for problems, e.g. "items[0]"
    product_uid: str
    quantity: int
    page_count: int | None


@dataclass(frozen=True)
class OrderFacts:
    country: str  # ISO 3166-1 alpha-2 of the shipping address
    state: str | None
    phone: str | None
    federal_tax_id: str | None
    currency: str  # ISO 4217
    shipment_method: str | None  # "normal"/"standard"/"express", a method uid, a comma-separated list, or None = cheapest
    lines: list[LineFacts]


@dataclass(frozen=True)
class Problem:
    field: str  # e.g. "items[1].productUid", "shippingAddress.phone", "shipmentMethodUid"
    code: str  # stable snake_case, see PROBLEM_CODES
    message: str  # one sentence: what is wrong and what to do


@dataclass(frozen=True)
class ShipmentChoice:
    method_uid: str
    method_name: str
    min_delivery_days: int
    max_delivery_days: int
    fulfillment_country: str
    price: Decimal
    currency: str


@dataclass(frozen=True)
class Evaluation:
    problems: list[Problem]
    shipment: ShipmentChoice | None  # None when problems prevent choosing one
    items_price: Decimal | None  # sum of product prices x quantity in the order currency
    line_prices: dict[str, Decimal] = field(default_factory=dict)  # LineFacts.field -> price of the whole line

    @property
    def ok(self) -> bool:
        return not self.problems


# Every code evaluate_order can return, with the field it is reported on.
PROBLEM_CODES = {
    "unknown_product": "items[i].productUid",
    "destination_not_allowed": "items[i].productUid, or shippingAddress.country when nothing ships there",
    "not_available_in_region": "items[i].productUid",
    "out_of_stock": "items[i].productUid",
    "quantity_limit": "items[i].quantity (per item), or items (per order)",
    "page_count": "items[i].pageCount",
    "cross_border_phone_required": "shippingAddress.phone",
    "cross_border_tax_id_required": "shippingAddress.federalTaxId",
    "unknown_shipment_method": "shipmentMethodUid",
    "shipment_method_unavailable": "shipmentMethodUid",
    "currency_not_supported": "currency, or items[i].productUid when only that product lacks a price",
}
