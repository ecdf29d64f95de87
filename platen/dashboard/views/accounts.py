"""Operators: merchant accounts (create, edit, invite their first login), and holding or releasing their orders."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from platen.accounts import invitations, services as accounts, users
from platen.accounts.models import Account
from platen.dashboard.access import dashboard_view
from platen.dashboard.views.settings import error_text
from platen.kit.errors import NotFound, PlatenError
from platen.orders.services import holds


def _operators_only(request) -> None:
    if request.scope is not None:
        raise Http404("No such page.")  # merchants do not learn that the page exists


@dashboard_view
def account_list(request):
    _operators_only(request)
    return render(request, "dashboard/accounts.html", {"accounts": Account.objects.order_by("name")})


@dashboard_view
def account_create(request):
    _operators_only(request)
    form = {"name": "", "email": "", "invite": True, "errors": {}, "message": ""}
    if request.method == "POST":
        form.update(name=request.POST.get("name", ""), email=request.POST.get("email", ""), invite=request.POST.get("invite") == "on")
        try:
            account = accounts.create_account(form["name"], form["email"])
        except PlatenError as exc:
            form.update(message=exc.message, errors={d.field: d.message for d in exc.details})
        else:
            messages.success(request, f"The account {account.name} was created.")
            if form["invite"]:
                _invite_first_login(request, account)
            return redirect("dashboard:account_edit", account_id=account.pk)
    return render(request, "dashboard/account_form.html", {"form": form})


@dashboard_view
def account_edit(request, account_id):
    _operators_only(request)
    account = _account(account_id)
    form = {"name": account.name, "email": account.email, "errors": {}, "message": ""}
    invite = {"email": "", "error": ""}
    if request.method == "POST" and request.POST.get("action") == "invite":
        invite["email"] = request.POST.get("email", "")
        try:
            invitation = invitations.invite(account, invite["email"], request.user)
        except PlatenError as exc:
            invite["error"] = error_text(exc)
        else:
            messages.success(request, f"An invitation is on its way to {invitation.email}.")
            return redirect("dashboard:account_edit", account_id=account.pk)
    elif request.method == "POST":
        form.update(name=request.POST.get("name", ""), email=request.POST.get("email", ""))
        try:
            account = accounts.update_account(account.pk, form["name"], form["email"])
        except NotFound:
            raise
        except PlatenError as exc:
            form.update(message=exc.message, errors={d.field: d.message for d in exc.details})
        else:
            messages.success(request, f"The account {account.name} was saved.")
            return redirect("dashboard:accounts")
    return render(request, "dashboard/account_form.html", {
        "account": account, "form": form, "invite": invite,
        "logins": users.logins(account), "invitations": invitations.open_invitations(account),
    })


def _invite_first_login(request, account) -> None:
    try:
        invitations.invite(account, account.email, request.user)
    except PlatenError as exc:
        messages.warning(request, f"No invitation was sent: {exc.message}")
    else:
        messages.success(request, f"{account.email} is invited to the account's dashboard.")


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
