"""Who sees what: operators see every account (scope None), merchants only their own, print partners only their
own production jobs (partner_view; request.partner_scope)."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render

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
        if is_partner_login(request.user):
            # A print partner's login has no merchant pages: its production queue is its home.
            return _to_page(request, "dashboard:production")
        if not request.user.is_operator and request.user.account_id is None:
            # A merchant login without an account would otherwise see everything or nothing silently.
            return render(request, "dashboard/no_account.html", status=403)
        request.scope = scope_of(request.user)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


def is_partner_login(user) -> bool:
    """A print partner's login: linked to a partner, not an operator, no merchant account."""
    return bool(getattr(user, "partner_id", None)) and not user.is_operator and user.account_id is None


def partner_view(view):
    """Login required; only partner logins (request.partner_scope = their partner) and operators (None, every
    partner's jobs); anyone else gets the 404 page. The services' NotFound (another partner's job) is a 404 too."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return _to_login(request)
        if request.user.is_operator:
            request.partner_scope = None
        elif is_partner_login(request.user):
            request.partner_scope = request.user.partner
        else:
            raise Http404("Production pages are for print partners.")
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper


def _to_page(request, url_name: str) -> HttpResponse:
    if request.headers.get("HX-Request"):
        response = HttpResponse(status=204)
        response["HX-Redirect"] = redirect(url_name)["Location"]
        return response
    return redirect(url_name)


def _to_login(request) -> HttpResponse:
    if request.headers.get("HX-Request"):
        # An htmx swap would follow the redirect and put the login page inside the table; ask for a full load.
        response = HttpResponse(status=204)
        response["HX-Redirect"] = redirect_to_login(request.get_full_path())["Location"]
        return response
    return redirect_to_login(request.get_full_path())
