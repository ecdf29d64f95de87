"""Store actions from the order pages: Retry a push of tracking to the store, and Recreate an order from a store
order that did not import. POST, CSRF, then back to the page (PRG); refusals become messages."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from platen.dashboard.access import dashboard_view
from platen.dashboard.views.order_actions import refusals_as_messages
from platen.kit.actors import Actor
from platen.stores.services import fulfillments, recreate


@require_POST
@dashboard_view
def retry_push(request, order_id, fulfillment_id):
    with refusals_as_messages(request):
        fulfillments.retry(request.scope, order_id, fulfillment_id, Actor.user(request.user))
        messages.success(request, "Sending it to the store again; this page shows the outcome.")
    return redirect("dashboard:order", order_id=order_id)


@require_POST
@dashboard_view
def recreate_order(request, store_id, store_order_id):
    """The Recreate order button of a skipped or waiting store order: the order is made at once, past the import's
    rules the merchant chose to override; its items must resolve (or the error says which lack a product)."""
    with refusals_as_messages(request):
        order = recreate.recreate_store_order(request.scope, store_id, store_order_id, Actor.user(request.user))
        messages.success(request, f"Order {order.order_reference_id} was created from the store order.")
        return redirect("dashboard:order", order_id=order.id)
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("dashboard:store", args=[store_id])
    return redirect(back)
