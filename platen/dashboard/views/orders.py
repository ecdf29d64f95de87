"""Orders list (quick filters, search, pages; htmx swaps the results) and order detail."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render

from platen.dashboard import history
from platen.dashboard.access import dashboard_view
from platen.dashboard.htmx import page_or_results
from platen.orders.services import queries
from platen.orders.statuses import PRINTED_OR_LATER, Fulfillment

PAGE_SIZE = 25
# Quick filters in the order an order lives through them.
STATUS_ORDER = list(Fulfillment)


@dashboard_view
def order_list(request):
    status = request.GET.get("status", "")
    status = status if status in Fulfillment._value2member_map_ else ""
    text = request.GET.get("q", "").strip()[:255]

    orders = queries.scoped(request.scope).select_related("shipping_address", "account").annotate(items_count=Count("items"))
    if status:
        orders = orders.filter(fulfillment_status=status)
    if text:
        orders = orders.filter(queries.text_match(text))
    page = Paginator(orders.order_by("-created_at", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))

    counts = queries.status_counts(request.scope)
    context = {
        "page": page, "status": status, "q": text, "total": sum(counts.values()),
        "filters": {"status": status, "q": text},
        "quick_filters": [(s, counts.get(s, 0)) for s in STATUS_ORDER if counts.get(s) or s == status],
        "show_account": request.user.is_operator,
    }
    return page_or_results(request, "dashboard/orders/list.html", "dashboard/orders/_results.html", context)


@dashboard_view
def order_detail(request, order_id):
    order = queries.get_order(request.scope, order_id)
    return render(request, "dashboard/orders/detail.html", detail_context(request, order))


def detail_context(request, order) -> dict:
    items = list(order.items.all())
    locked = locked_reason(items)
    stuck = any(not i.is_ignored and i.fulfillment_status in (Fulfillment.FAILED, Fulfillment.NOT_CONNECTED) for i in items)
    return {
        "order": order, "items": items,
        "timeline": history.timeline(queries.order_events(request.scope, order.id)),
        "can_cancel": not locked, "can_edit_address": not locked, "can_reprocess": stuck,
        "locked_reason": locked,
        "show_account": request.user.is_operator,
    }


def locked_reason(items) -> str:
    """Why the order can no longer be canceled or edited ("" when it can); the services enforce the same rules."""
    statuses = {i.fulfillment_status for i in items}
    if statuses & PRINTED_OR_LATER:
        return "Once an item is printed, the order can no longer be canceled or changed."
    if statuses == {Fulfillment.CANCELED}:
        return "This order is canceled."
    return ""

