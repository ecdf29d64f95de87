"""Reconciliation in the dashboard: "Reconcile now" on the store page (the card shows the last run, and follows a
queued or running one until its report is in), and a page with the store's runs and what each found (services in
platen/diagnostics/services/reconciliation.py)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from platen.dashboard.access import dashboard_view
from platen.diagnostics.services import reconciliation
from platen.stores.services import setup
from platen.stores.statuses import StoreStatus

RUNS_SHOWN = 30
TRIGGER_WORDS = {"schedule": "daily", "dashboard": "from the dashboard", "api": "through the API"}
REASON_WORDS = {
    "placed_before_connection": "placed before the store was connected", "store_not_active": "placed while the store was not connected",
    "not_paid": "not paid", "status_changed": "status changed in the store", "cancelled_in_store": "cancelled in the store",
    "product_not_connected": "products not connected", "all_items_ignored": "every item ignored",
    "sku_not_mapped": "SKU not mapped", "shipping_method_not_mapped": "shipping method not mapped", "rejected": "rejected at intake",
}


def reasons_in_words(reasons: dict) -> list[tuple[str, int]]:
    return sorted(((REASON_WORDS.get(code, code.replace("_", " ")), n) for code, n in (reasons or {}).items()),
                  key=lambda pair: -pair[1])


@dashboard_view
@require_POST
def reconcile_now(request, store_id):
    store = setup.get_store(request.scope, store_id)
    if store.status != StoreStatus.ACTIVE:
        messages.error(request, "Reconnect the store first: Platen cannot read its orders while it is not connected.")
    else:
        reconciliation.start(store, reconciliation.Trigger.DASHBOARD)
        messages.success(request, "Platen is comparing the store's orders of the last 7 days with its own and imports "
                                  "any it missed; the report appears on this page when it is done.")
    return redirect(f"/stores/{store.pk}/#reconcile")


@dashboard_view
def card(request, store_id):
    """The store page's reconciliation card alone: what it polls while a run is queued or running."""
    return render(request, "dashboard/stores/_reconcile_card.html", {"store": setup.get_store(request.scope, store_id)})


@dashboard_view
def runs(request, store_id):
    store = setup.get_store(request.scope, store_id)
    shown = list(reconciliation.runs(request.scope, store_id)[:RUNS_SHOWN])
    for run in shown:
        run.reason_words = reasons_in_words(run.reasons)
        run.trigger_words = TRIGGER_WORDS.get(run.trigger, run.trigger)
    return render(request, "dashboard/stores/reconciliations.html", {"store": store, "runs": shown})
