"""Settings · API keys: create (the key is shown once), list with last use, revoke after a confirmation."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render

from platen.accounts import services as accounts
from platen.dashboard.views.settings import SECTIONS, error_text, settings_view
from platen.kit.errors import NotFound, PlatenError

NEW_KEY = "new-api-key"  # the key just made, in the session only until the next page shows it


@settings_view
def key_list(request):
    form = {"name": "", "error": ""}
    if request.method == "POST":
        form["name"] = request.POST.get("name", "").strip()
        if not form["name"]:
            form["error"] = "Give the key a name, such as the system that will use it."
        else:
            try:
                issued = accounts.issue_api_key(request.scope, form["name"])
            except PlatenError as exc:
                form["error"] = error_text(exc)
            else:
                request.session[NEW_KEY] = {"id": str(issued.api_key.pk), "secret": issued.secret}
                return redirect("dashboard:settings_keys")
    return render(request, "dashboard/settings/keys.html", {
        "keys": accounts.api_keys(request.scope), "new_key": request.session.pop(NEW_KEY, None), "form": form,
        "sections": SECTIONS,
    })


@settings_view
def key_revoke(request, key_id):
    """POST revokes; GET is the confirmation as a page, for browsers without JavaScript (with it, the list
    page asks in a dialog)."""
    if request.method == "POST":
        key = accounts.revoke_key_of(request.scope, key_id)
        messages.success(request, f"The key “{key.name or key.prefix}” is revoked: requests with it are refused from now on.")
        return redirect("dashboard:settings_keys")
    key = accounts.api_keys(request.scope).filter(pk=key_id, revoked_at__isnull=True).first()
    if key is None:
        raise NotFound("No such API key in this account.")
    return render(request, "dashboard/settings/confirm.html", {
        "sections": SECTIONS, "confirm": "dashboard/settings/_revoke_key.html", "key": key,
    })
