"""The analytics page in a real browser (Debian's chromium) at 1366 and 390 px: the charts are SVG images with their
title and figures, the numbers are the fixed data set's (tests/diagnostics/test_analytics.py), a stuck order links to
its page, each CSV download holds the same rows as the API, and nothing is wider than the screen. Operators see
every account and pick a facility; another merchant never sees these orders."""

from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from playwright.sync_api import expect

from platen.diagnostics.services import analytics
from platen.diagnostics.services.analytics_csv import csv_text
from tests.dashboard.test_browser import log_in, shot
from tests.dashboard.test_browser_fixes import open_at
from tests.dashboard.test_layout import OVERFLOWS
from tests.diagnostics.test_analytics import FILE, FROM, TO, data  # noqa: F401 (the fixed data set)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PAGE = f"/analytics/?from={FROM}&to={TO}"


@pytest.mark.parametrize("width", [1366, 390])
def test_merchant_reads_the_charts_and_downloads_the_figures(browser, live_server, merchant, account, data, width):
    page = open_at(browser, live_server, width)
    log_in(page, merchant, PAGE)
    if width > 600:
        expect(page.locator(".main-nav a[aria-current]")).to_have_text("Analytics")
    expect(page.get_by_role("heading", name="Analytics", level=1)).to_be_visible()

    volume = page.get_by_test_id("an-volume")
    expect(volume.get_by_test_id("an-total")).to_have_text("6 orders")
    expect(volume.get_by_test_id("an-trend")).to_contain_text("Up 500% from 1 orders")
    chart = volume.get_by_role("img", name="Orders per day")
    expect(chart).to_be_visible()
    assert chart.locator("rect.chart-bar").count() == 14  # one column per day of the range
    box = chart.bounding_box()
    assert box["width"] <= width and box["height"] > 80  # scaled to the card, still readable

    expect(page.get_by_test_id("an-rate")).to_have_text("50%")
    expect(page.get_by_role("img", name="Success rate per day")).to_be_visible()
    expect(page.get_by_test_id("an-reasons").locator("svg")).to_contain_text(FILE["message"][:40])
    expect(page.get_by_test_id("an-times").locator("tr[data-status=received]")).to_contain_text("10 min")  # median 600 s
    stuck = page.get_by_test_id("an-stuck")
    expect(stuck.locator("tbody tr")).to_have_count(1)
    shot(page, f"analytics-{width}")
    assert page.evaluate(OVERFLOWS) == []

    link = volume.get_by_role("link", name="Download CSV")
    response = page.context.request.get(link.get_attribute("href") if link.get_attribute("href").startswith("/")
                                        else f"/analytics/{link.get_attribute('href')}")
    assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    expected = csv_text("volume", analytics.volume(account, analytics.filters(FROM, TO), "day")["rows"])
    assert response.text() == expected and len(list(csv.reader(io.StringIO(response.text())))) == 1 + 5

    stuck.get_by_role("link", name=data[5].order_reference_id).click()
    expect(page).to_have_url(re.compile(rf"/orders/{data[5].pk}/$"))


def test_week_view_and_filters(merchant, data):
    client = Client()
    client.force_login(merchant)
    html = client.get(f"{PAGE}&interval=week&channel=shopify").content.decode()
    assert "Orders per week" in html and 'data-testid="an-total">2 orders' in html


def test_operators_see_every_account_and_other_merchants_none(operator, other_merchant, data):
    client = Client()
    client.force_login(operator)
    html = client.get(PAGE).content.decode()
    assert 'data-testid="an-total">8 orders' in html and "Every account" in html
    assert client.get(f"/analytics/stuck.csv?from={FROM}&to={TO}")["Content-Type"].startswith("text/csv")
    theirs = Client()
    theirs.force_login(other_merchant)
    html = theirs.get(PAGE).content.decode()
    assert 'data-testid="an-total">2 orders' in html and data[5].order_reference_id not in html
    assert theirs.get("/analytics/nothing.csv").status_code == 404
