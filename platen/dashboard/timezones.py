"""Times in the viewer's time zone: the browser names it (platen.js sets the platen_tz cookie), UTC otherwise.

Stored times stay UTC; only what templates render is converted (the API's ISO times are not touched).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import unquote
from zoneinfo import ZoneInfo, available_timezones

from django.utils import timezone

COOKIE = "platen_tz"


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_from(name: str | None) -> ZoneInfo | None:
    """The zone for an IANA name, or None for anything else (a cookie is the viewer's to write)."""
    name = unquote(name or "").strip()
    return ZoneInfo(name) if name in _known() else None


class ViewerTimeZoneMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        zone = zone_from(request.COOKIES.get(COOKIE))
        if zone is None:
            timezone.deactivate()
        else:
            timezone.activate(zone)
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
