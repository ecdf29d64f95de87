from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from platen.api import api
from platen.kit.apierrors import is_api_path
from platen.dashboard.views.login import ThrottledAdminAuthenticationForm
from platen.kit.errors import NotFound, PlatenError

admin.site.login_form = ThrottledAdminAuthenticationForm  # the admin's login counts failures like the dashboard's

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("platen.dashboard.urls")),
    path("stored/", include("platen.preflight.urls")),  # signed links to stored print files and previews
    path("", api.urls),
]


def _json_for_api(request, error: PlatenError, fallback):
    if is_api_path(request.path):
        return JsonResponse(error.as_dict(), status=error.status)
    return fallback(request)


def handler404(request, exception=None):
    from platen.dashboard.views import page_not_found

    return _json_for_api(request, NotFound(), page_not_found)


def handler500(request):
    from platen.dashboard.views import server_error

    error = PlatenError("Something went wrong on our side; it has been logged. Try again.", [], "internal_error", 500)
    return _json_for_api(request, error, server_error)
