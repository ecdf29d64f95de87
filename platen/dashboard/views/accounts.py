"""Operators: merchant accounts, and holding or releasing their orders."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from platen.accounts.models import Account
from platen.dashboard.access import dashboard_view
from platen.orders.services import holds


def _operators_only(request) -> None:
    if request.scope is not None:
        raise Http404("No such page.")  # merchants do not learn that the page exists


@dashboard_view
def account_list(request):
    _operators_only(request)
    return render(request, "dashboard/accounts.html", {"accounts": Account.objects.order_by("name")})


@require_POST
@dashboard_view
def hold(request, account_id):
    _operators_only(request)
    account = _account(account_id)
    reason = request.POST.get("reason", "").strip()[:300] or "Held by an operator."
    holds.hold_account(account, reason)
    messages.success(request, f"{account.name} is on hold: its checked orders wait until you release it.")
    return redirect("dashboard:accounts")


@require_POST
@dashboard_view
def release(request, account_id):
    _operators_only(request)
    account = _account(account_id)
    resumed = holds.release_account(account)
    messages.success(request, f"{account.name} is released; {resumed} held order(s) resume.")
    return redirect("dashboard:accounts")


def _account(account_id) -> Account:
    account = Account.objects.filter(pk=account_id).first()
    if account is None:
        raise Http404("No such account.")
    return account
