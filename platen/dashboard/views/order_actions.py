"""Cancel, reprocess and address edit. POST, CSRF, then redirect back to the order (PRG).

The services decide what is allowed; a refusal (PlatenError) becomes a message on the page.
"""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from platen.dashboard.access import dashboard_view
from platen.dashboard.forms import AddressForm
from platen.kit.actors import Actor
from platen.kit.errors import NotFound, PlatenError
from platen.orders import rules
from platen.orders.services import approval, changes, queries

REASON_MAX = 500


@require_POST
@dashboard_view
def cancel(request, order_id):
    reason = request.POST.get("reason", "").strip()[:REASON_MAX]
    with _refusals_as_messages(request):
        changes.cancel(request.scope, order_id, Actor.user(request.user), reason=reason)
        messages.success(request, "The order was canceled.")
    return redirect("dashboard:order", order_id=order_id)


@require_POST
@dashboard_view
def reprocess(request, order_id):
    with _refusals_as_messages(request):
        changes.reprocess(request.scope, order_id, Actor.user(request.user))
        messages.success(request, "The order is being checked again; its status and history show the outcome.")
    return redirect("dashboard:order", order_id=order_id)


@require_POST
@dashboard_view
def approve(request, order_id):
    with _refusals_as_messages(request):
        approval.approve(request.scope, order_id, Actor.user(request.user))
        messages.success(request, "The order was approved and goes to production.")
    return redirect("dashboard:order", order_id=order_id)


@require_POST
@dashboard_view
def reject(request, order_id):
    reason = request.POST.get("reason", "").strip()[:REASON_MAX]
    with _refusals_as_messages(request):
        approval.reject(request.scope, order_id, Actor.user(request.user), reason=reason)
        messages.success(request, "The order was rejected and canceled.")
    return redirect("dashboard:order", order_id=order_id)


@dashboard_view
def edit_address(request, order_id):
    order = queries.get_order(request.scope, order_id)
    if request.method != "POST":
        return _address_page(request, order, AddressForm.for_address(order.shipping_address))
    form = AddressForm(request.POST, country=order.shipping_address.country)
    address_in = form.to_address_in()
    if address_in is None:
        return _address_page(request, order, form)
    try:
        changes.update_shipping_address(request.scope, order_id, address_in, Actor.user(request.user))
    except NotFound:
        raise
    except PlatenError as exc:
        form.add_details(exc.details)
        return _address_page(request, order, form, error=exc.message)
    messages.success(request, "The shipping address was saved.")
    return redirect("dashboard:order", order_id=order_id)


def _address_page(request, order, form, error: str = ""):
    context = {"order": order, "form": form, "error": error, "locked_reason": rules.allowed(list(order.items.all())).locked_reason}
    return render(request, "dashboard/orders/address.html", context)


@contextmanager
def _refusals_as_messages(request):
    """Show a service's refusal as an error message instead of a crash; NotFound stays a 404."""
    try:
        yield
    except NotFound:
        raise
    except PlatenError as exc:
        detail = " ".join(d.message for d in exc.details)
        messages.error(request, f"{exc.message} {detail}".strip())
