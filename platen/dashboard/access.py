"""Who sees what: operators see every account (scope None), merchants only their own."""

from __future__ import annotations

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from platen.kit.errors import NotFound


def scope_of(user):
    """The `account` argument for the query and change services."""
    return None if user.is_operator else user.account


def dashboard_view(view):
    """Login required; sets request.scope; turns the services' NotFound into the 404 page."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_operator and request.user.account_id is None:
            # A merchant login without an account would otherwise see everything or nothing silently.
            return render(request, "dashboard/no_account.html", status=403)
        request.scope = scope_of(request.user)
        try:
            return view(request, *args, **kwargs)
        except NotFound as exc:
            raise Http404(exc.message) from None

    return wrapper
