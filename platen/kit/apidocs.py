"""The interactive API docs (/v4/docs): Swagger UI from Platen's own static files, so they work offline and
under the Content-Security-Policy (no CDN, no inline script)."""

from __future__ import annotations

from django.shortcuts import render
from ninja.openapi.docs import Swagger


class OfflineSwagger(Swagger):
    default_settings = {
        "layout": "BaseLayout",
        "deepLinking": True,
        "validatorUrl": None,  # Swagger UI would otherwise send the document to validator.swagger.io
    }

    def render_page(self, request, api, **kwargs):
        settings = {**self.settings, "url": self.get_openapi_url(api, kwargs)}
        return render(request, "dashboard/api_docs.html", {"api": api, "swagger_settings": settings})
