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


def _order_action(service, done: str, *, with_reason: bool = False):
    """A POST that calls one order service as the logged-in user, then shows the order again (PRG)."""

    @require_POST
    @dashboard_view
    def view(request, order_id):
        extra = {"reason": request.POST.get("reason", "").strip()[:REASON_MAX]} if with_reason else {}
        with refusals_as_messages(request):
            service(request.scope, order_id, Actor.user(request.user), **extra)
            messages.success(request, done)
        return redirect("dashboard:order", order_id=order_id)

    return view


cancel = _order_action(changes.cancel, "The order was canceled.", with_reason=True)
reprocess = _order_action(changes.reprocess, "The order is being checked again; its status and history show the outcome.")
approve = _order_action(approval.approve, "The order was approved and goes to production.")
reject = _order_action(approval.reject, "The order was rejected and canceled.", with_reason=True)


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
def refusals_as_messages(request):
    """Show a service's refusal as an error message instead of a crash; NotFound stays a 404."""
    try:
        yield
    except NotFound:
        raise
    except PlatenError as exc:
        detail = " ".join(d.message for d in exc.details)
        messages.error(request, f"{exc.message} {detail}".strip())
