""""Why isn't my order here?" on the orders page: a store order number (and the store, when the account has several)
answered in place with the cause's sentence and its fix buttons (htmx); without JavaScript the same form reloads
the orders page with the answer. Import now and Recreate post here (CSRF, PRG) and come back to the answer."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from platen.dashboard.access import dashboard_view
from platen.dashboard.views import orders
from platen.dashboard.views.order_actions import refusals_as_messages
from platen.diagnostics.causes import Action
from platen.diagnostics.services import diagnosis
from platen.kit.actors import Actor
from platen.kit.errors import PlatenError
from platen.stores.services import recreate, setup
from platen.stores.statuses import Bucket

ANSWER = "dashboard/orders/_why_answer.html"


@dashboard_view
def why(request):
    answer = _answer(request)
    if request.headers.get("HX-Request"):
        response = render(request, ANSWER, {"why": answer})
        patch_vary_headers(response, ["HX-Request"])
        return response
    request.why = answer  # the orders page, with the answer in its box (no JavaScript)
    response = orders.order_list(request)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _answer(request) -> dict:
    ref = request.GET.get("ref", "").strip()
    stores = list(setup.stores(request.scope))
    chosen = request.GET.get("store", "")
    answer = {"ref": ref, "store_id": chosen, "error": "", "diagnosis": None, "store": None}
    if not ref:
        answer["error"] = "Enter the order's number as your store shows it, for example #1001."
        return answer
    store = _store(stores, chosen, ref)
    if store is None:
        answer["error"] = ("Choose the store the order was placed in." if stores else
                           "Connect a store first: Platen can only look for orders of connected stores.")
        return answer
    answer["store"], answer["store_id"] = store, str(store.pk)
    try:
        found = diagnosis.diagnose(store, ref)
    except PlatenError as exc:
        answer["error"] = exc.message
        return answer
    answer["diagnosis"] = found
    answer["fixes"] = [_button(store, ref, fix) for fix in found.fixes]
    return answer


def _store(stores: list, chosen: str, ref: str):
    """The chosen store; the only one; or the one store that knows an order with this number."""
    if chosen:
        return next((s for s in stores if str(s.pk) == chosen), None)
    if len(stores) == 1:
        return stores[0]
    known = {row.store_id for s in stores if (row := diagnosis.find_row(s, ref)) is not None}
    return next((s for s in stores if s.pk in known), None) if len(known) == 1 else None


def _button(store, ref: str, fix) -> dict:
    """A fix as the dashboard offers it: a link to a page, or a button posting to a dashboard action."""
    posts = {Action.IMPORT_NOW: reverse("dashboard:orders_why_import", args=[store.pk]),
             Action.RECREATE: reverse("dashboard:orders_why_recreate", args=[store.pk]),
             Action.SYNC_NOW: reverse("dashboard:store_sync", args=[store.pk])}
    return {"action": str(fix.action), "label": fix.label, "post": posts.get(fix.action, ""), "href": fix.href}


def _back(store_id, ref: str):
    return redirect(f"{reverse('dashboard:orders_why')}?{urlencode({'store': str(store_id), 'ref': ref})}")


@require_POST
@dashboard_view
def import_now(request, store_id):
    ref = request.POST.get("ref", "").strip()
    store = setup.get_store(request.scope, store_id)
    with refusals_as_messages(request):
        row = diagnosis.import_by_ref(store, ref)
        if row.bucket == Bucket.IMPORTED and row.order_id:
            messages.success(request, f"Order {row.number} is imported.")
        else:
            messages.warning(request, f"Order {row.number} is still not imported: {row.reason}")
    return _back(store.pk, ref)


@require_POST
@dashboard_view
def recreate_order(request, store_id):
    ref = request.POST.get("ref", "").strip()
    with refusals_as_messages(request):
        order = recreate.recreate(request.scope, store_id, ref, Actor.user(request.user))
        messages.success(request, f"Order {order.order_reference_id} was created from the store order.")
        return redirect("dashboard:order", order_id=order.id)
    return _back(store_id, ref)
