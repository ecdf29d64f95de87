"""Times in the viewer's time zone (the platen_tz cookie platen.js sets), the zone named on every page."""

from zoneinfo import ZoneInfo

import pytest
from django.utils import dateformat

from platen.intake.models import IntakeRequest

pytestmark = pytest.mark.django_db


def shown(value, zone: str) -> str:
    return dateformat.format(value.astimezone(ZoneInfo(zone)), "j M Y, H:i:s T")


def test_times_follow_the_viewers_zone_and_name_it(merchant_client, make_order):
    make_order("TZ-1")
    received = IntakeRequest.objects.get().received_at
    merchant_client.cookies["platen_tz"] = "America/New_York"
    html = merchant_client.get("/requests/").content.decode()
    local = shown(received, "America/New_York")
    assert local.endswith(("EST", "EDT")) and local in html
    assert "Times are shown in America/New_York (E" in html
    assert shown(received, "UTC") not in html


def test_without_a_zone_or_with_a_forged_one_times_are_utc(merchant_client, make_order):
    make_order("TZ-2")
    received = IntakeRequest.objects.get().received_at
    for cookie in (None, "Mars/Olympus", "../../etc/passwd", "Europe%2FNowhere"):
        if cookie is None:
            merchant_client.cookies.pop("platen_tz", None)
        else:
            merchant_client.cookies["platen_tz"] = cookie
        html = merchant_client.get("/requests/").content.decode()
        assert shown(received, "UTC") in html and "Times are shown in UTC." in html


@pytest.mark.parametrize("path", ["/orders/", "/requests/", "/outbox/", "/postbacks/", "/settings/"])
def test_every_page_names_the_zone(merchant_client, path):
    merchant_client.cookies["platen_tz"] = "Europe%2FBerlin"  # as the script writes it
    html = merchant_client.get(path).content.decode()
    assert 'data-testid="time-zone"' in html and "Times are shown in Europe/Berlin (CE" in html


def test_the_api_keeps_utc(api, make_order):
    order = make_order("TZ-3")
    api.client.cookies["platen_tz"] = "Asia/Tokyo"
    body = api.get(f"/v4/orders/{order.id}").json()
    assert body["createdAt"].endswith("+00:00")
