"""The browser for every browser test: one Debian chromium per test session (Playwright's sync API allows one per
thread, so the fixture must be defined once, here, and never imported into a test module), and pages on the live
server at a laptop's and a phone's width. Registered for the whole suite by tests/conftest.py (pytest_plugins)."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django would otherwise refuse ORM calls there.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


WIDTHS = (1366, 390)  # a laptop and a phone


@contextmanager
def new_page(browser, live_server, width: int = 1280, permissions: tuple[str, ...] = ()):
    """A fresh browser context's page on the live server, `width` px wide (page.width says which)."""
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    if permissions:
        context.grant_permissions(list(permissions), origin=live_server.url)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.width = width
    # The product loads nothing from the internet: fail on any request that leaves the live server.
    outside = []
    page.on("request", lambda r: outside.append(r.url) if not r.url.startswith(live_server.url) else None)
    yield page
    context.close()
    assert outside == [], f"requests outside the server: {outside}"


@pytest.fixture
def page(browser, live_server):
    with new_page(browser, live_server) as page:
        yield page


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page_at_widths(request, browser, live_server):
    """The page at a laptop's and at a phone's width: a test using it runs once for each."""
    with new_page(browser, live_server, request.param) as page:
        yield page
