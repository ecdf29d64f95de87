"""Submit or delete a draft from the orders list. POST, CSRF, then back to the list (PRG)."""

from __future__ import annotations

from contextlib import contextmanager

from django.contrib import messages
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from platen.dashboard.access import dashboard_view
from platen.dashboard.views.bulk import back_to_list, list_url
from platen.kit.actors import Actor
from platen.kit.errors import NotFound, PlatenError
from platen.orders.schemas import DraftPatchIn
from platen.orders.services import changes, queries


@require_POST
@dashboard_view
def submit(request, order_id):
    reference = queries.get_order(request.scope, order_id).order_reference_id
    with _refusal_as_message(request):
        changes.patch_draft(request.scope, order_id, DraftPatchIn(orderType="order"), Actor.user(request.user))
        messages.success(request, f"The draft {reference} was submitted; its checks are running.")
    return back_to_list(request)


@require_POST
@dashboard_view
def delete(request, order_id):
    reference = queries.get_order(request.scope, order_id).order_reference_id
    if request.POST.get("confirmed") != "1":
        return render(request, "dashboard/orders/confirm.html", {
            "title": f"Delete the draft {reference}?", "text": "The draft is removed for good; nothing was produced.",
            "button": "Yes, delete the draft", "hidden": [("back", request.POST.get("back", ""))],
            "post_to": reverse("dashboard:order_delete_draft", args=[order_id]), "back_url": list_url(request),
        })
    with _refusal_as_message(request):
        changes.delete_draft(request.scope, order_id, Actor.user(request.user))
        messages.success(request, f"The draft {reference} was deleted.")
    return back_to_list(request)


@contextmanager
def _refusal_as_message(request):
    """A service's refusal (e.g. the draft was submitted meanwhile) becomes an error message; NotFound stays a 404."""
    try:
        yield
    except NotFound:
        raise
    except PlatenError as exc:
        messages.error(request, exc.message)
