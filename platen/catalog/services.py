"""Catalog use cases: evaluate an order against the business rules, quote it, look products up.

Orders call evaluate_order on every create; it reads the cached snapshot (one small query) and never
writes. Problems carry wire field paths so callers can turn them straight into error details.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from platen.catalog import snapshot
from platen.catalog.evaluation import ShipmentOption, evaluate, phone_need
from platen.catalog.facts import PROBLEM_CODES, Evaluation, LineFacts, OrderFacts, Problem, ShipmentChoice
from platen.catalog.models import Product, ProductAvailability, ProductKind
from platen.kit.errors import Detail, InvalidRequest
from platen.kit.pagination import page

__all__ = [
    "PROBLEM_CODES", "Evaluation", "LineFacts", "OrderFacts", "Problem", "ShipmentChoice", "ShipmentOption",
    "Quote", "QuoteLine", "QuotedProduct", "evaluate_order", "get_product", "list_products", "personalizable", "product_names", "quote_order",
    "phone_needed", "vat_rate", "product_weights",
]


def evaluate_order(facts: OrderFacts, *, address_field: str = "shippingAddress") -> Evaluation:
    """Every rule problem of the order, the shipment chosen for it and the price of its items.

    address_field is the wire name of the address object in problem fields ("recipient" for quotes).
    """
    return evaluate(facts, address_field=address_field).evaluation


def phone_needed(country: str, method_uid: str | None) -> tuple[str, str] | None:
    """Why the recipient's phone number is needed for this destination and method: ("carrier", method name) or
    ("customs", the country shipped from); None when a missing or invalid number does not stop the shipment."""
    return phone_need(snapshot.current(), (country or "").strip().upper(), method_uid)


def vat_rate(country: str) -> Decimal:
    """The VAT rate in percent on orders shipped to `country` (catalog data; 0 where none is listed)."""
    return snapshot.current().vat_rates.get((country or "").strip().upper(), Decimal("0"))


def product_weights(uids) -> dict[str, int]:
    """Shipping weight in grams of one piece of each known product among `uids`."""
    return dict(Product.objects.filter(uid__in=set(uids)).values_list("uid", "weight_g"))


def _products() -> QuerySet[Product]:
    availability = ProductAvailability.objects.select_related("region").order_by("region__code")
    return Product.objects.prefetch_related("prices", Prefetch("availability", queryset=availability))


def get_product(uid: str) -> Product | None:
    """The product with its prices and availability prefetched, or None when no product has that uid."""
    return _products().filter(uid=uid).first()


def product_names(uids) -> dict[str, str]:
    """Readable names of the known products among `uids` (from the cached snapshot, no query when warm)."""
    products = snapshot.current().products
    return {uid: products[uid].name for uid in uids if uid in products}


def personalizable(uid: str) -> bool:
    product = snapshot.current().products.get(uid)
    return bool(product and product.personalizable)


def list_products(kind: str | None = None, limit: int | None = None, offset: int | None = None) -> list[Product]:
    if kind and kind not in ProductKind.values:
        raise InvalidRequest("The kind filter is not valid.",
                             [Detail("kind", f"Use one of: {', '.join(ProductKind.values)}.")])
    products = _products().order_by("kind", "uid")
    if kind:
        products = products.filter(kind=kind)
    return list(page(products, limit, offset))


@dataclass(frozen=True)
class QuoteLine:
    item_reference_id: str
    product_uid: str
    quantity: int
    page_count: int | None = None


@dataclass(frozen=True)
class QuotedProduct:
    item_reference_id: str
    product_uid: str
    quantity: int
    price: Decimal  # for the whole quantity
    currency: str


@dataclass(frozen=True)
class Quote:
    id: str
    item_reference_ids: list[str]
    fulfillment_country: str
    shipment_methods: list[ShipmentOption]  # cheapest first
    products: list[QuotedProduct]


def quote_order(*, country: str, currency: str, lines: list[QuoteLine], state: str | None = None,
                phone: str | None = None, federal_tax_id: str | None = None) -> list[Quote]:
    """Prices and shipment methods for an order that is not created; InvalidRequest lists every rule problem.

    One region serves each destination, so all items always land in one quote.
    """
    seen: set[str] = set()
    duplicates = []
    for i, line in enumerate(lines):
        if line.item_reference_id in seen:
            duplicates.append(Detail(f"products[{i}].itemReferenceId",
                                     f"The item reference '{line.item_reference_id}' is used twice; "
                                     "give every product its own."))
        seen.add(line.item_reference_id)
    if duplicates:
        raise InvalidRequest("The request is not valid.", duplicates)
    facts = OrderFacts(
        country=country, state=state, phone=phone, federal_tax_id=federal_tax_id, currency=currency,
        shipment_method=None,
        lines=[LineFacts(f"products[{i}]", line.product_uid, line.quantity, line.page_count)
               for i, line in enumerate(lines)],
    )
    outcome = evaluate(facts, address_field="recipient", shipment_field="recipient.country")
    problems = outcome.evaluation.problems
    if problems:
        raise InvalidRequest("This order cannot be made as asked; fix the problems listed in details.",
                             [Detail(p.field, p.message) for p in problems], code="quote_not_possible")
    currency = currency.strip().upper()
    products = [
        QuotedProduct(line.item_reference_id, line.product_uid, line.quantity,
                      outcome.line_prices[f"products[{i}]"], currency)
        for i, line in enumerate(lines)
    ]
    return [Quote(
        id=str(uuid.uuid4()),
        item_reference_ids=[line.item_reference_id for line in lines],
        fulfillment_country=outcome.region.fulfillment_country,
        shipment_methods=outcome.options,
        products=products,
    )]
