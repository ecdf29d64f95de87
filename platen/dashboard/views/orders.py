"""Orders list (quick filters, search, dates, pages; htmx swaps the results) and order detail."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from platen.catalog.services import product_names
from platen.dashboard import history, listing
from platen.dashboard.access import dashboard_view
from platen.dashboard.htmx import page_or_results
from platen.dashboard.views.bulk import BULK_ACTIONS, pop_outcome
from platen.dashboard.views.order_fixes import fix_context
from platen.notifications.emails import estimate_words
from platen.dashboard.views.order_routing import routing_context
from platen.orders import rules
from platen.orders.services import queries
from platen.orders.statuses import Fulfillment

PAGE_SIZE = 25
AWAITING_PARCEL = frozenset({Fulfillment.CREATED, Fulfillment.IN_PRODUCTION, Fulfillment.PRINTED, Fulfillment.PACKAGED})
# Quick filters in the order an order lives through them.
STATUS_ORDER = list(Fulfillment)


@dashboard_view
def order_list(request):
    filters = listing.OrderFilters.from_query(request.GET)
    page = Paginator(filters.orders(request.scope), PAGE_SIZE).get_page(request.GET.get("page"))
    status, params = filters.status, filters.as_params()

    counts = queries.status_counts(request.scope)
    context = {
        "page": page, "rows": listing.rows(page.object_list), "status": status, "q": filters.text,
        "start": params["from"], "end": params["to"], "filtered": filters.active,
        "total": sum(counts.values()), "filters": params,
        "quick_filters": [(s, counts.get(s, 0)) for s in STATUS_ORDER if counts.get(s) or s == status],
        "problem": filters.problem, "shipping_problems": queries.scoped(request.scope).filter(listing.shipping_problems()).count(),
        "show_account": request.user.is_operator, "bulk_actions": BULK_ACTIONS, "bulk_outcome": pop_outcome(request),
    }
    return page_or_results(request, "dashboard/orders/list.html", "dashboard/orders/_results.html", context)


@dashboard_view
def order_detail(request, order_id):
    order = queries.get_order(request.scope, order_id)
    return render(request, "dashboard/orders/detail.html", detail_context(request, order))


def detail_context(request, order) -> dict:
    items = list(order.items.all())
    names = product_names(i.product_uid for i in items)
    for item in items:
        item.product_name = names.get(item.product_uid, "")
    allowed = rules.allowed(items)
    return {
        "order": order, "items": items,
        "has_preflight": any(f.preflight for i in items for f in i.files.all()),
        "timeline": history.timeline(queries.order_events(request.scope, order.id)),
        "parcels": parcels(order, items), "expected": estimate_words(order),
        "awaiting_parcel": order.fulfillment_status in AWAITING_PARCEL,
        "can_cancel": allowed.cancel, "can_edit_address": allowed.edit, "can_reprocess": allowed.reprocess,
        "can_approve": allowed.approve,
        "locked_reason": allowed.locked_reason,
        "show_account": request.user.is_operator,
        **fix_context(order, items), **routing_context(order),
    }



def parcels(order, items) -> list[dict]:
    """The parcels handed to carriers, as the order page lists them (tracking linked only when it is a web address)."""
    refs = {i.pk: i.item_reference_id for i in items}
    return [{
        "carrier": " ".join(x for x in (p.carrier_name, p.service_name) if x), "code": p.tracking_code,
        "url": p.tracking_url if p.tracking_url.startswith(("https://", "http://")) else "",
        "items": [refs.get(i.pk, "?") for i in p.items.all()],
        "shipped_at": p.shipped_at, "problem": p.exception_message,
    } for p in order.packages.all()]
