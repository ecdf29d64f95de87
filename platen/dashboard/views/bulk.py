"""Bulk actions on the orders list: approve, reject, cancel or reprocess the selected orders in one POST.

Each order goes through its own service call; the answer (shown on the list after the redirect) says how
many succeeded and, for each one that could not, why in one sentence. Cancel and reject are confirmed first:
in a dialog with JavaScript, on a confirmation page without.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from platen.dashboard.access import dashboard_view
from platen.dashboard.templatetags.dashboard import human
from platen.kit.actors import Actor
from platen.kit.errors import NotFound, PlatenError
from platen.orders.services import bulk

REASON_MAX = 500
OUTCOME_KEY = "orders_bulk_outcome"


@dataclass(frozen=True)
class BulkAction:
    value: str
    label: str
    verb: str  # "canceled": "could not be canceled"
    done: str  # "{orders} {were} canceled."
    confirm: str = ""  # the question before a destructive action ("" = none)
    consequence: str = ""
    confirm_button: str = ""


BULK_ACTIONS = [
    BulkAction("approve", "Approve", "approved", "{orders} {were} approved and go to production."),
    BulkAction("reprocess", "Reprocess", "reprocessed", "{orders} {are} being checked again; the list shows the outcome."),
    BulkAction("reject", "Reject…", "rejected", "{orders} {were} rejected and canceled.", "Reject {orders}?",
               "Only orders waiting for approval are rejected; they are canceled and not produced.", "Yes, reject"),
    BulkAction("cancel", "Cancel…", "canceled", "{orders} {were} canceled.", "Cancel {orders}?",
               "Every item not yet printed is canceled. This cannot be undone.", "Yes, cancel"),
]
ACTIONS = {a.value: a for a in BULK_ACTIONS}


@require_POST
@dashboard_view
def bulk_action(request):
    chosen = request.POST.get("action", "")
    action = ACTIONS.get(chosen)
    ids = request.POST.getlist("ids")
    reason = request.POST.get("reason", "").strip()[:REASON_MAX]
    if action and action.confirm and ids and request.POST.get("confirmed") != "1":
        return _confirmation_page(request, action, ids)
    try:
        outcome = bulk.apply(request.scope, chosen, ids, Actor.user(request.user), reason=reason)
    except PlatenError as exc:
        request.session[OUTCOME_KEY] = {"tone": "error", "summary": exc.message, "problems": []}
        return back_to_list(request)
    request.session[OUTCOME_KEY] = _outcome_message(action, outcome)
    return back_to_list(request)


def pop_outcome(request) -> dict | None:
    """The last bulk answer, shown once (on the page the action redirected to)."""
    return request.session.pop(OUTCOME_KEY, None)


def back_to_list(request):
    return redirect(list_url(request))


def list_url(request) -> str:
    """The list the form was sent from, filters and page kept (only known query parameters)."""
    params = dict(parse_qsl(request.POST.get("back", "").lstrip("?")))
    kept = {k: params[k] for k in ("status", "q", "from", "to", "page") if params.get(k)}
    return reverse("dashboard:orders") + ("?" + urlencode(kept) if kept else "")


def _confirmation_page(request, action: BulkAction, ids: list[str]):
    """Without JavaScript there is no dialog: ask on a page of its own."""
    return render(request, "dashboard/orders/confirm.html", {
        "title": action.confirm.format(orders=_count(len(ids))), "text": action.consequence,
        "button": action.confirm_button, "with_reason": True,
        "hidden": [("action", action.value), ("back", request.POST.get("back", ""))] + [("ids", i) for i in ids],
        "post_to": reverse("dashboard:orders_bulk"), "back_url": list_url(request),
    })


def _outcome_message(action: BulkAction, outcome: bulk.Outcome) -> dict:
    done, refused = len(outcome.done), len(outcome.refused)
    one = done == 1
    summary = action.done.format(orders=_count(done), were="was" if one else "were", are="is" if one else "are") \
        if done else f"No order was {action.verb}."
    if refused:
        summary += f" {_count(refused)} could not be {action.verb}:"
    return {
        "tone": "success" if not refused else ("warning" if done else "error"),
        "summary": summary,
        "problems": [refusal_sentence(action, r) for r in outcome.refused],
    }


def refusal_sentence(action: BulkAction, refusal: bulk.Refusal) -> str:
    """Why one order was refused, in one sentence that starts with the id the list shows."""
    who = f"#{refusal.order_id[:8]}" + (f" ({refusal.reference})" if refusal.reference else "")
    status, code = human(refusal.status), refusal.error.code
    if isinstance(refusal.error, NotFound):
        return f"{who} is not an order of this account."
    if code == "order_already_printed":
        return f"{who} was already {status}, so it can no longer be {action.verb}."
    if code == "order_canceled":
        return f"{who} was already canceled." if action.value == "cancel" else \
            f"{who} was already canceled, so it can no longer be {action.verb}."
    if code == "not_pending_approval":
        return f"{who} is {status}, not waiting for approval, so it cannot be {action.verb}."
    if code == "nothing_to_reprocess":
        return f"{who} is {status}; only failed orders can be reprocessed."
    return f"{who} could not be {action.verb}: {refusal.error.message}"


def _count(n: int) -> str:
    return f"{n} order" if n == 1 else f"{n} orders"
