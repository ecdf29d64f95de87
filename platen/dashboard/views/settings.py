"""The merchant's settings: how checked orders go to production."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from platen.accounts import services as accounts
from platen.accounts.models import ApprovalMode
from platen.dashboard.access import dashboard_view

DELAY_HOURS = (6, 72)


@dashboard_view
def account_settings(request):
    if request.scope is None:
        return render(request, "dashboard/settings.html", {"operator": True})
    account = accounts.current_account(request.scope.pk)
    error = ""
    if request.method == "POST":
        mode = request.POST.get("approval_mode", "")
        hours = request.POST.get("approval_delay_hours", "")
        if mode not in ApprovalMode.values:
            error = "Choose how orders are approved."
        elif not hours.isdigit() or not DELAY_HOURS[0] <= int(hours) <= DELAY_HOURS[1]:
            error = f"The delay is a whole number of hours from {DELAY_HOURS[0]} to {DELAY_HOURS[1]}."
        else:
            accounts.set_approval(account, mode, int(hours))
            messages.success(request, "Settings saved. They apply to orders checked from now on.")
            return redirect("dashboard:settings")
    return render(request, "dashboard/settings.html", {
        "account": account, "modes": ApprovalMode.choices, "error": error, "delay_range": DELAY_HOURS,
    })
