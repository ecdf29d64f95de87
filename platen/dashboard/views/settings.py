"""The merchant's settings: how checked orders go to production (the first of the Settings sections).

Going back to automatic while orders wait for approval asks first whether to release them.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.shortcuts import redirect, render

from platen.accounts import services as accounts
from platen.accounts.models import ApprovalMode
from platen.dashboard.access import dashboard_view
from platen.kit.actors import Actor
from platen.kit.errors import PlatenError
from platen.orders.services import approval

DELAY_HOURS = (6, 72)
SECTIONS = (("settings", "Approval"), ("settings_keys", "API keys"), ("settings_users", "Users"))


def error_text(exc: PlatenError) -> str:
    """A refusal as one sentence next to a one-field form: the field's problems, else the message."""
    return " ".join(d.message for d in exc.details) or exc.message


def settings_view(view):
    """A Settings section: merchants only (an operator sees where a merchant's settings are instead)."""

    @dashboard_view
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.scope is None:
            return render(request, "dashboard/settings/operator.html", {"sections": SECTIONS})
        return view(request, *args, **kwargs)

    return wrapper


@settings_view
def account_settings(request):
    account = accounts.current_account(request.scope.pk)
    error, confirm = "", None
    if request.method == "POST":
        mode = request.POST.get("approval_mode", "")
        hours = request.POST.get("approval_delay_hours", "")
        if mode not in ApprovalMode.values:
            error = "Choose how orders are approved."
        elif not hours.isdigit() or not DELAY_HOURS[0] <= int(hours) <= DELAY_HOURS[1]:
            error = f"The delay is a whole number of hours from {DELAY_HOURS[0]} to {DELAY_HOURS[1]}."
        elif mode == ApprovalMode.AUTOMATIC and account.approval_mode != mode:
            decision = request.POST.get("release", "")
            if decision in ("yes", "no"):
                return _switched_to_automatic(request, account, int(hours), release=decision == "yes")
            if waiting := approval.waiting_for_approval(account):
                confirm = {"waiting": waiting, "hours": hours}
            else:
                return _saved(request, account, mode, int(hours))
        else:
            return _saved(request, account, mode, int(hours))
    return render(request, "dashboard/settings.html", {
        "account": account, "modes": ApprovalMode.choices, "error": error, "delay_range": DELAY_HOURS,
        "confirm": confirm, "sections": SECTIONS,
    })


def _saved(request, account, mode: str, hours: int):
    accounts.set_approval(account, mode, hours)
    messages.success(request, "Settings saved. They apply to orders checked from now on.")
    return redirect("dashboard:settings")


def _switched_to_automatic(request, account, hours: int, *, release: bool):
    result = approval.switch_to_automatic(account, Actor.user(request.user), delay_hours=hours, release=release)
    text = "Approval is automatic: checked orders go to production at once."
    if release:
        text += f" {result.released} waiting order{'s' if result.released != 1 else ''} went to production."
        if result.skipped:
            text += f" {result.skipped} had changed meanwhile and {'were' if result.skipped != 1 else 'was'} left as {'they were' if result.skipped != 1 else 'it was'}."
    else:
        text += " The orders already waiting still wait for your approval (Orders, filtered by pending approval)."
    messages.success(request, text)
    return redirect("dashboard:settings")
