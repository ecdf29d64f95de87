"""Dashboard pages. platen/urls.py's 404/500 handlers call page_not_found and server_error."""

from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader


def page_not_found(request, exception=None):
    return render(request, "dashboard/404.html", status=404)


def server_error(request):
    # No request context: the page must render even when the database or the session is the problem.
    return HttpResponseServerError(loader.get_template("dashboard/500.html").render({}))


__all__ = ["page_not_found", "server_error"]
