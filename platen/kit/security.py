"""Production HTTPS: what changes when PLATEN_BASE_URL is https, and the Content-Security-Policy header."""

from __future__ import annotations

from django.conf import settings

# Everything from Platen itself: the dashboard's htmx and the API docs' Swagger UI are vendored static files,
# run without eval or inline scripts. Inline styles stay allowed: templates and Swagger UI set style attributes.
CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
HSTS_SECONDS = 365 * 24 * 3600


def https_settings(config) -> dict:
    """Django settings for a Platen reached over HTTPS (usually through a TLS-terminating proxy)."""
    if not config.https:
        return {"PLATEN_CSP": ""}
    return {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SECURE_HSTS_SECONDS": HSTS_SECONDS,
        # The proxy in front terminates TLS and must set (overwrite) X-Forwarded-Proto; Django then knows the
        # request was https (secure cookies, CSRF origin checks, absolute URLs).
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
        "CSRF_TRUSTED_ORIGINS": [config.base_url],
        "PLATEN_CSP": CONTENT_SECURITY_POLICY,
    }


class ContentSecurityPolicyMiddleware:
    """Adds the policy to HTML pages (dashboard, admin, API docs); JSON needs none."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = settings.PLATEN_CSP
        if policy and response.get("Content-Type", "").startswith("text/html"):
            response.setdefault("Content-Security-Policy", policy)
        return response
