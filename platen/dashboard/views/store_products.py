"""A store's products (tabs All / Connected / Not connected / Ignored, per product its variants' counts: red for not
connected, grey for ignored), a product's variants with Connect and Ignore, and "Complete order" for an order that
came in with items not connected (per item Connect or Ignore, each with its scope). POST, then back (PRG); the
services decide what is allowed and their refusals become messages."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from platen.catalog import snapshot
from platen.dashboard.access import dashboard_view
from platen.dashboard.views.order_actions import refusals_as_messages
from platen.dashboard.views.order_fixes import FILE_LABELS, _product_groups
from platen.kit.actors import Actor
from platen.orders.schemas import FILE_TYPES
from platen.orders.services import queries
from platen.orders.statuses import Fulfillment
from platen.stores.services import completion, products, setup
from platen.stores.statuses import Connection

PAGE_SIZE = 50
TABS = [("", "All"), (Connection.CONNECTED, "Connected"), (Connection.NOT_CONNECTED, "Not connected"),
        (Connection.IGNORED, "Ignored")]
# The design's placements the forms offer, the face first.
PLACEMENTS = [(t, FILE_LABELS.get(t, t)) for t in ["default", "front", "back", "inside", "sleeve-left", "sleeve-right",
                                                    "neck-inner", "neck-outer"] if t in FILE_TYPES]


@dashboard_view
def product_list(request, store_id):
    store = setup.get_store(request.scope, store_id)
    show = request.GET.get("show", "")
    show = show if show in {c for c, _ in TABS} else ""
    counts = products.tab_counts(store)
    page = Paginator(products.products_of(store, show or None), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "dashboard/stores/products.html", {
        "store": store, "show": show, "page": page, "rows": page.object_list, "filters": {"show": show},
        "tabs": [(value, label, counts[value or "all"]) for value, label in TABS],
    })


@dashboard_view
def product_detail(request, store_id, product_id):
    store = setup.get_store(request.scope, store_id)
    product = products.product_of(store, product_id)
    variants = products.live_variants(product)
    names = snapshot.current().products
    for v in variants:
        chosen = names.get(v.product_uid)
        v.product_name = chosen.name if chosen else v.product_uid
    return render(request, "dashboard/stores/products_detail.html", {
        "store": store, "product": product, "variants": variants, "product_groups": _product_groups(),
        "placements": PLACEMENTS,
    })


@require_POST
@dashboard_view
def product_sync(request, store_id):
    store = setup.get_store(request.scope, store_id)
    with refusals_as_messages(request):
        products.enqueue_sync(store)
        messages.success(request, "The store's products are being read again; this page shows them once that is done.")
    return redirect("dashboard:store_products", store_id=store.pk)


@require_POST
@dashboard_view
def product_ignore(request, store_id, product_id):
    store = setup.get_store(request.scope, store_id)
    product = products.product_of(store, product_id)
    with refusals_as_messages(request):
        products.ignore_product(product, Actor.user(request.user))
        messages.success(request, f"Every variant of {product.title} is ignored: incoming orders leave them out.")
    return _to_product(store, product)


@require_POST
@dashboard_view
def variant_action(request, store_id, variant_id, action):
    store = setup.get_store(request.scope, store_id)
    variant = products.variant_of(store, variant_id)
    actor = Actor.user(request.user)
    with refusals_as_messages(request):
        if action == "connect":
            products.connect_variant(variant, request.POST.get("product", ""), _files(request), actor)
            messages.success(request, f"{variant.title or variant.sku} is connected: incoming orders with it are made "
                                      "without asking.")
        elif action == "ignore":
            products.ignore_variant(variant, actor)
            messages.success(request, f"{variant.title or variant.sku} is ignored: incoming orders leave it out.")
        else:
            products.disconnect_variant(variant, actor)
            messages.success(request, f"{variant.title or variant.sku} is not connected any more.")
    return _to_product(store, variant.product)


# --- Complete order --------------------------------------------------------------------------------------------


@dashboard_view
def complete_page(request, order_id):
    order = queries.get_order(request.scope, order_id)
    if order.fulfillment_status != Fulfillment.NOT_CONNECTED:
        messages.info(request, "This order is not waiting to be completed.")
        return redirect("dashboard:order", order_id=order.id)
    lines = completion.lines(order)
    names = snapshot.current().products
    for line in lines:
        variant = line.variant
        line.suggested = variant.product_uid if variant is not None and variant.connection == Connection.CONNECTED else ""
        line.suggested_url = next((f["url"] for f in (variant.files if line.suggested else [])), "")
        line.product_name = names[line.item.product_uid].name if line.item.product_uid in names else line.item.product_uid
    return render(request, "dashboard/orders/_complete.html", {
        "order": order, "lines": [line for line in lines if not line.decision],
        "decided": [line for line in lines if line.decision], "product_groups": _product_groups(),
        "placements": PLACEMENTS, "connect_scopes": completion.CONNECT_SCOPES.items(),
        "ignore_scopes": completion.IGNORE_SCOPES.items(),
    })


@require_POST
@dashboard_view
def complete_item(request, order_id, item_id):
    order = queries.get_order(request.scope, order_id)
    item = next((i for i in order.items.all() if i.pk == item_id), None)
    if item is None:
        return redirect("dashboard:order_complete", order_id=order.id)
    actor = Actor.user(request.user)
    with refusals_as_messages(request):
        if request.POST.get("action") == "connect":
            completion.connect_item(order, item, request.POST.get("product", ""), _files(request), actor,
                                    request.POST.get("scope") or completion.Scope.VARIANT)
            said = f"Item {item.item_reference_id} is connected."
        else:
            completion.ignore_item(order, item, actor, request.POST.get("scope") or completion.Scope.ORDER)
            said = f"Item {item.item_reference_id} is ignored."
        order.refresh_from_db(fields=["fulfillment_status"])
        if order.fulfillment_status == Fulfillment.NOT_CONNECTED:
            messages.success(request, said)
        else:
            messages.success(request, f"{said} The order is complete: it goes on to its checks."
                             if order.fulfillment_status != Fulfillment.CANCELED
                             else f"{said} Every item was ignored, so the order was canceled.")
            return redirect("dashboard:order", order_id=order.id)
    return redirect("dashboard:order_complete", order_id=order.id)


def _files(request) -> list[dict]:
    """The design given in the form: one placement and its link (nothing when the link is left empty)."""
    url = request.POST.get("url", "").strip()
    return [{"type": request.POST.get("type") or "default", "url": url}] if url else []


def _to_product(store, product):
    return redirect("dashboard:store_product", store_id=store.pk, product_id=product.external_id)
