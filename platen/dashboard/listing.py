"""What the orders list and its CSV export share: the filters read from the query string, and what a
row says about an order (product, quantity, total, the first problem)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.utils import timezone

from platen.catalog.services import product_names
from platen.orders.models import Order, Package
from platen.orders.services import queries
from platen.orders.statuses import Fulfillment


@dataclass(frozen=True)
class OrderFilters:
    status: str = ""
    text: str = ""
    start: date | None = None  # the first day, in the viewer's time zone
    end: date | None = None  # the last day, included
    problem: str = ""  # "shipping": a package with a carrier exception, or returned

    SHIPPING = "shipping"

    @classmethod
    def from_query(cls, params) -> OrderFilters:
        status = params.get("status", "")
        return cls(
            status=status if status in Fulfillment._value2member_map_ else "",
            text=params.get("q", "").strip()[:255],
            start=_day(params.get("from")), end=_day(params.get("to")),
            problem=cls.SHIPPING if params.get("problem") == cls.SHIPPING else "",
        )

    @property
    def active(self) -> bool:
        return bool(self.status or self.text or self.start or self.end or self.problem)

    def as_params(self) -> dict[str, str]:
        """For links that keep the filters (chips, pages, CSV export, back after an action)."""
        return {"status": self.status, "q": self.text, "from": _iso(self.start), "to": _iso(self.end), "problem": self.problem}

    def orders(self, scope) -> QuerySet[Order]:
        # Days are the viewer's days: "to 30 Nov" in Berlin ends at Berlin's midnight, not UTC's.
        orders = queries.listing(scope, status=self.status, text=self.text, start=_midnight(self.start),
                                 end=_midnight(self.end + timedelta(days=1)) if self.end else None)
        return orders.filter(shipping_problems()) if self.problem == self.SHIPPING else orders


def shipping_problems() -> Q:
    """Orders with a parcel the carrier reports a problem with (lost, damaged, held...) or that came back."""
    return Q(pk__in=Package.objects.exclude(exception_code="").values("order_id")) | Q(fulfillment_status=Fulfillment.RETURNED)


@dataclass(frozen=True)
class Row:
    """One order as the list (and the CSV) shows it."""

    order: Order
    products: list[tuple[str, int]]  # (readable product, quantity) per item
    quantity: int
    total: Decimal | None
    problems: list[str]

    @property
    def product(self) -> str:
        return self.products[0][0] if self.products else ""

    @property
    def more_products(self) -> int:
        return max(len(self.products) - 1, 0)

    @property
    def problem(self) -> str:
        return self.problems[0] if self.problems else ""


def rows(orders) -> list[Row]:
    """Rows for orders fetched by `queries.listing` (items prefetched, `quantity` annotated)."""
    orders = list(orders)
    names = product_names({i.product_uid for o in orders for i in o.items.all()})
    return [_row(order, names) for order in orders]


def _row(order: Order, names: dict[str, str]) -> Row:
    items = list(order.items.all())
    products = [(names.get(i.product_uid) or i.product_uid or i.store_product_variant_id or "No product", i.quantity)
                for i in items]
    quantity = getattr(order, "quantity", None)
    return Row(
        order=order, products=products,
        quantity=quantity if quantity is not None else sum(i.quantity for i in items),
        total=order.total_incl_vat,
        problems=[p.get("message", "") for p in order.problems or [] if p.get("message")],
    )


def _midnight(day: date | None) -> datetime | None:
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone()) if day else None


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""
