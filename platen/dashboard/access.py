"""Who sees what: operators see every account (scope None), merchants only their own."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render

from platen.kit.errors import NotFound


def scope_of(user):
    """The `account` argument for the query and change services (None means every account)."""
    if user.is_operator:
        return None
    if user.account_id is None:
        raise PermissionDenied("A merchant login without an account sees nothing.")
    return user.account


def dashboard_view(view):
    """Login required; sets request.scope; turns the services' NotFound into the 404 page."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _to_login(request)
        if not request.user.is_operator and request.user.account_id is None:
            # A merchant login without an account would otherwise see everything or nothing silently.
            return render(request, "dashboard/no_account.html", status=403)
        request.scope = scope_of(request.user)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


def _to_login(request) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # An htmx swap would follow the redirect and put the login page inside the table; ask for a full load.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = redirect_to_login(request.get_full_path())["Location"]
        return response
    return redirect_to_login(request.get_full_path())
