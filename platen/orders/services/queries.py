"""Reading orders, always scoped to the caller's account (None = an operator, who sees all)."""

from __future__ import annotations

import re
import uuid
from datetime import datetime

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from platen.kit.errors import NotFound
from platen.orders.models import Order, OrderEvent, OrderItem
from platen.orders.schemas import SearchIn


def scoped(account) -> QuerySet[Order]:
    orders = Order.objects.all()
    return orders if account is None else orders.filter(account=account)


def with_details(orders: QuerySet[Order]) -> QuerySet[Order]:
    return orders.select_related("shipping_address", "return_address", "account__billing_entity") \
        .prefetch_related("items__files", "receipts__items",
                          Prefetch("packages__items", queryset=OrderItem.objects.only("pk", "position", "order_id")))


def attach_connected(orders: list[Order]) -> list[Order]:
    """Set `connected_ids` on each order (the other orders of its split group, same account) with one query for
    the whole page, so presenting search results needs no query per order."""
    groups = {o.split_group for o in orders if o.split_group is not None}
    members: dict = {}
    if groups:
        accounts = {o.account_id for o in orders}
        rows = Order.objects.filter(split_group__in=groups, account_id__in=accounts) \
            .order_by("created_at", "pk").values_list("split_group", "account_id", "pk")
        for group, account_id, pk in rows:
            members.setdefault((group, account_id), []).append(pk)
    for o in orders:
        o.connected_ids = [str(pk) for pk in members.get((o.split_group, o.account_id), []) if pk != o.pk]
    return orders


def get_order(account, order_id) -> Order:
    order = with_details(scoped(account)).filter(pk=_uuid(order_id)).first() if _uuid(order_id) else None
    if order is None:
        raise NotFound(f"No order {order_id} exists for this account.", code="order_not_found")
    return order


def get_item(account, order_id, item_reference_id: str) -> OrderItem:
    return item_named(get_order(account, order_id).items.all(), order_id, item_reference_id)


def item_named(items, order_id, item_reference_id: str) -> OrderItem:
    """The order's item with that itemReferenceId, or a 404."""
    item = next((i for i in items if i.item_reference_id == item_reference_id), None)
    if item is None:
        raise NotFound(f"Order {order_id} has no item {item_reference_id!r}.", code="item_not_found")
    return item


def locked_order(account, order_id) -> Order:
    """The order, row-locked for the rest of the caller's transaction."""
    order = scoped(account).select_for_update(of=("self",)).select_related("shipping_address").filter(pk=_uuid(order_id)).first() if _uuid(order_id) else None
    if order is None:
        raise NotFound(f"No order {order_id} exists for this account.", code="order_not_found")
    return order


def brief(account, order_id) -> dict | None:
    """{"order_reference_id", "fulfillment_status"} of the caller's order, or None when there is no such order."""
    pk = _uuid(order_id)
    return scoped(account).filter(pk=pk).values("order_reference_id", "fulfillment_status").first() if pk else None


def order_events(account, order_id) -> list[OrderEvent]:
    order = get_order(account, order_id)
    return list(order.events.select_related("item").order_by("id"))


def search(account, filters: SearchIn) -> list[Order]:
    orders = scoped(account).select_related("shipping_address").annotate(items_count=Count("items"))
    exact = {
        "channel__in": filters.channels, "shipping_address__country__in": filters.countries,
        "currency__in": filters.currencies, "financial_status__in": filters.financialStatuses,
        "fulfillment_status__in": filters.fulfillmentStatuses, "id__in": filters.ids,
        "order_type__in": filters.orderTypes, "store_id__in": filters.storeIds,
        "order_reference_id": filters.orderReferenceId, "order_reference_id__in": filters.orderReferenceIds,
        "created_at__gte": filters.startDate, "created_at__lte": filters.endDate,
    }
    orders = orders.filter(**{k: v for k, v in exact.items() if v is not None})
    if filters.search:
        orders = orders.filter(text_match(filters.search))
    return attach_connected(list(orders.order_by("-created_at")[filters.offset : filters.offset + filters.limit]))


# The dashboard shows an order's id as its first 8 hex digits ("a1b2c3d4…"); people paste it back with or without
# "#". At most 8: PostgreSQL compares the text form, which has a hyphen after them.
SHORT_ID = re.compile(r"#?([0-9a-f]{6,8})…?", re.IGNORECASE)


def text_match(text: str) -> Q:
    """Shipping first/last name (or both, 'Ada Lovelace'), e-mail, order or customer reference, the order id
    itself or the short id the dashboard shows."""
    text = text.strip()
    match = (Q(order_reference_id__icontains=text) | Q(customer_reference_id__icontains=text)
             | Q(shipping_address__first_name__icontains=text) | Q(shipping_address__last_name__icontains=text)
             | Q(shipping_address__email__icontains=text))
    first, _, last = text.partition(" ")
    if last:
        match |= Q(shipping_address__first_name__icontains=first, shipping_address__last_name__icontains=last.strip())
    if _uuid(text):
        match |= Q(pk=_uuid(text))
    elif short := SHORT_ID.fullmatch(text):
        match |= Q(id__istartswith=short.group(1).lower())
    return match


def listing(account, *, status: str = "", text: str = "", start: datetime | None = None,
            end: datetime | None = None) -> QuerySet[Order]:
    """The dashboard's order list and its CSV export: newest first, with what their rows show.
    `start` is inclusive, `end` exclusive (the midnight after the last day asked for)."""
    orders = (scoped(account).select_related("shipping_address", "account").prefetch_related("items")
              .annotate(items_count=Count("items"), quantity=Sum("items__quantity")))
    if status:
        orders = orders.filter(fulfillment_status=status)
    if text:
        orders = orders.filter(text_match(text))
    if start:
        orders = orders.filter(created_at__gte=start)
    if end:
        orders = orders.filter(created_at__lt=end)
    return orders.order_by("-created_at", "-pk")


def status_counts(account) -> dict[str, int]:
    rows = scoped(account).values("fulfillment_status").annotate(n=Count("id")).order_by()
    return {row["fulfillment_status"]: row["n"] for row in rows}


def _uuid(value) -> uuid.UUID | None:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
