"""Settings · Users: the account's dashboard logins and invitations; and the page an invitation link opens."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from platen.accounts import invitations, users, validation
from platen.dashboard.views.settings import SECTIONS, error_text, settings_view
from platen.kit.errors import NotFound, PlatenError


@settings_view
def user_list(request):
    form = {"email": "", "error": ""}
    if request.method == "POST":
        form["email"] = request.POST.get("email", "").strip()
        try:
            invitation = invitations.invite(request.scope, form["email"], request.user)
        except PlatenError as exc:
            form["error"] = error_text(exc)
        else:
            messages.success(request, f"An invitation is on its way to {invitation.email}. "
                                      f"Its link works once, for {invitations.VALID_FOR.days} days.")
            return redirect("dashboard:settings_users")
    return render(request, "dashboard/settings/users.html", {
        "logins": users.logins(request.scope), "invitations": invitations.open_invitations(request.scope),
        "form": form, "sections": SECTIONS, "valid_days": invitations.VALID_FOR.days,
    })


@settings_view
def user_remove(request, user_id):
    """POST removes; GET is the confirmation as a page, for browsers without JavaScript (with it, the list
    page asks in a dialog)."""
    if request.method == "POST":
        try:
            removed = users.remove_login(request.scope, user_id, request.user)
        except NotFound:
            raise
        except PlatenError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, f"{removed.username} can no longer log in to this account.")
        return redirect("dashboard:settings_users")
    member = users.logins(request.scope).filter(pk=user_id).first()
    if member is None:
        raise NotFound("No such login in this account.")
    return render(request, "dashboard/settings/confirm.html", {
        "sections": SECTIONS, "confirm": "dashboard/settings/_remove_user.html", "login": member,
    })


@require_POST
@settings_view
def invitation_withdraw(request, invitation_id):
    invitations.withdraw(request.scope, invitation_id)
    messages.success(request, "The invitation is withdrawn: its link no longer works.")
    return redirect("dashboard:settings_users")


def accept_invitation(request, token):
    """Public: whoever holds the link chooses a password, and is logged in to the account."""
    try:
        invitation = invitations.find_open(token)
    except NotFound as exc:
        return render(request, "dashboard/settings/invitation.html", {"problem": exc.message}, status=404)
    error = ""
    if request.method == "POST":
        password = request.POST.get("password", "")
        if password != request.POST.get("password2", ""):
            error = "The two passwords differ; type the same password twice."
        else:
            try:
                user = invitations.accept(token, password)
            except NotFound as exc:
                return render(request, "dashboard/settings/invitation.html", {"problem": exc.message}, status=404)
            except PlatenError as exc:
                error = error_text(exc)
            else:
                login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
                messages.success(request, f"Welcome to {invitation.account.name}. Your username is {user.username}.")
                return redirect("dashboard:orders")
    return render(request, "dashboard/settings/invitation.html", {
        "invitation": invitation, "error": error, "rules": validation.password_rules(),
    })
