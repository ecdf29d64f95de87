"""Open alerts where the merchant looks (the orders page, a store's page): each with its sentence, what to do and a
link to the page where to do it, and Dismiss (services in platen/diagnostics/services/alerts.py)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from platen.dashboard.access import dashboard_view
from platen.diagnostics.services import alerts
from platen.kit.actors import Actor

SHOWN = 5  # a banner, not a list: the rest are counted


def banner(request, store=None) -> dict:
    """The template context of dashboard/alerts/_banner.html: the first few open alerts and how many more there are."""
    open_alerts = alerts.open_alerts(request.scope, store)
    if store is not None:  # the store page says that its sign-in fails in its own section, with the Reconnect form
        open_alerts = open_alerts.exclude(key__startswith="auth:")
    rows = list(open_alerts[:SHOWN + 1])
    more = open_alerts.count() - SHOWN if len(rows) > SHOWN else 0
    return {"alerts": [alerts.shown(a) for a in rows[:SHOWN]], "more": more, "show_account": request.user.is_operator,
            "back": request.get_full_path()}


@require_POST
@dashboard_view
def dismiss(request, alert_id):
    alert = alerts.dismiss(request.scope, alert_id, Actor.user(request.user))
    messages.success(request, f"Dismissed: {alerts.shown(alert).sentence}")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        back = reverse("dashboard:orders")
    return redirect(back)
