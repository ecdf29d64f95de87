"""The API docs page and the dashboard in a real browser: offline (nothing but loopback reachable) and under
the Content-Security-Policy that production HTTPS turns on."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from platen.kit.security import CONTENT_SECURITY_POLICY
from tests.dashboard.test_browser import log_in, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
def csp(settings):
    settings.PLATEN_CSP = CONTENT_SECURITY_POLICY


@pytest.fixture
def offline_page(browser, live_server):  # noqa: F811
    """A page that can reach only loopback (anything else is blocked and noted), and notes every CSP report
    and script error."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(15_000)
    blocked, problems = [], []

    def only_loopback(route):
        if urlsplit(route.request.url).hostname in LOOPBACK:
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    yield page
    context.close()
    assert blocked == [], f"requests that would leave the machine: {blocked}"
    assert problems == [], f"errors in the browser (CSP violations, scripts): {problems}"


@pytest.mark.parametrize("width", [1366, 390])
def test_api_docs_render_offline_under_the_csp(offline_page, csp, width):
    page = offline_page
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto("/v4/docs")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    operation = page.locator(".opblock").filter(has_text="Create an order or a draft")
    expect(operation).to_have_count(1)
    assert page.locator(".opblock").count() > 10  # every operation of the document
    operation.locator(".opblock-summary").click()  # expands: Swagger UI's scripts run
    expect(page.get_by_text("Repeat a create safely")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    shot(page, f"20-api-docs-{width}")


def test_dashboard_htmx_works_under_the_csp(offline_page, csp, merchant, make_order, api):
    page = offline_page
    make_order("CSP-1")
    api.post("/v4/orders", {"orderReferenceId": "CSP-2", "items": []})
    log_in(page, merchant, "/requests/")
    table = page.get_by_test_id("requests-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    page.get_by_label("Status").select_option("rejected")  # htmx swaps the results in place
    expect(page).to_have_url(re.compile(r"status=rejected"))
    expect(table.locator("tbody tr")).to_have_count(1)
    assert page.evaluate("window.htmx !== undefined")
