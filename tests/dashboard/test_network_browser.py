"""The Network page in a real browser at 1366 px and 390 px: partners and facilities fit the screen, low stock
stands out, an operator adds stock and fixes a facility form's mistakes."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from platen.production.models import Facility, Material
from tests.dashboard.test_browser import log_in, shot
from tests.dashboard.test_layout import OVERFLOWS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(page_at_widths):
    return page_at_widths


def test_the_network_page_shows_the_network_and_stock_can_be_added(page: Page, operator):
    Material.objects.filter(facility__code="jp-tokyo-1", code="mug-blank-11oz").update(quantity=4)
    log_in(page, operator, "/network/")
    expect(page.get_by_role("heading", name="Network", exact=True)).to_be_visible()
    expect(page.get_by_test_id("partner")).to_have_count(7)
    tokyo = page.locator('[data-code="jp-tokyo-1"]')
    expect(tokyo).to_contain_text("Kobo Print Tokyo")
    expect(tokyo).to_contain_text("0 / 200")
    low = tokyo.locator("[data-low=true]")
    expect(low).to_have_count(1)
    expect(low).to_contain_text("mug-blank-11oz 4")
    assert low.evaluate("e => getComputedStyle(e).backgroundColor") != \
        tokyo.locator(".stock-item:not(.is-low)").first.evaluate("e => getComputedStyle(e).backgroundColor")
    assert page.evaluate(OVERFLOWS) == []
    shot(page, f"network-{page.width}")

    tokyo.get_by_role("link", name="Kobo Print Tokyo").click()
    expect(page).to_have_url(re.compile(r"/network/facilities/"))
    page.get_by_label("Material").fill("mug-blank-11oz")
    page.get_by_label("Add units").fill("300")
    page.get_by_role("button", name="Add stock").click()
    expect(page.get_by_text("Kobo Print Tokyo now has 304 of mug-blank-11oz.")).to_be_visible()
    assert Material.objects.get(facility__code="jp-tokyo-1", code="mug-blank-11oz").quantity == 304
    assert page.evaluate(OVERFLOWS) == []
    shot(page, f"network-facility-{page.width}")

    page.get_by_label("Time zone").fill("Mars/Olympus")
    page.get_by_label("Daily capacity").fill("250")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Mars/Olympus is not a time zone")).to_be_visible()
    assert page.evaluate(OVERFLOWS) == []
    page.get_by_label("Time zone").fill("Asia/Tokyo")
    page.get_by_role("button", name="Save").click()
    expect(page).to_have_url(re.compile(r"/network/$"))
    expect(page.locator('[data-code="jp-tokyo-1"]')).to_contain_text("0 / 250")
    assert Facility.objects.get(code="jp-tokyo-1").daily_capacity == 250
