"""No HTML to an API client: every error under the API prefixes leaves in the one error shape.

Django and ninja answer a few errors themselves before Platen's handlers run (no route: 404, wrong method:
405 with Allow, a body over the size limit); this middleware turns whichever of those is not JSON yet into
`{"code", "message", "details"}`, keeping the status and headers such as Allow and Retry-After.
"""

from __future__ import annotations

from django.http import JsonResponse

from platen.kit.errors import for_status

# /hooks/ is where store webhooks arrive; /v1/ to /v4/ are the API generations the reference names.
API_PREFIXES = ("/v1/", "/v2/", "/v3/", "/v4/", "/hooks/")
KEPT_HEADERS = ("Allow", "Retry-After", "WWW-Authenticate")


def is_api_path(path: str) -> bool:
    return path.startswith(API_PREFIXES)


class JsonErrorsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 400 or not is_api_path(request.path):
            return response
        if response.get("Content-Type", "").startswith("application/json"):
            return response
        error = for_status(response.status_code)
        json = JsonResponse(error.as_dict(), status=response.status_code)
        for header in KEPT_HEADERS:
            if header in response:
                json[header] = response[header]
        return json
