"""A merchant fixes a failed order in a real browser (Debian's chromium): a wrong-size print file is replaced by
an upload or a new link, Reprocess, and the page follows the checks by itself to created, without a reload.
At 1366 px and 390 px, with nothing wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.dashboard.conftest import POSTER
from tests.dashboard.test_browser import log_in, shot
from tests.preflight import samples

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def failed_order(make_order, files, tmp_path):
    url = files.publish("browser-fix-a4.pdf", samples.good_poster(tmp_path).read_bytes(), "application/pdf")
    return make_order(items=[{"itemReferenceId": "poster", "productUid": POSTER, "quantity": 1,
                              "files": [{"type": "default", "url": url}]}])


def open_at(browser, live_server, width: int) -> Page:
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    context.set_default_timeout(10_000)
    return context.new_page()


def fits(page: Page, width: int) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= width


@pytest.mark.parametrize("width, how", [(1366, "upload"), (390, "link")])
def test_merchant_fixes_a_failed_order_and_the_page_follows_the_checks(browser, live_server, merchant, failed_order,
                                                                       files, settle, width, how):
    page = open_at(browser, live_server, width)
    log_in(page, merchant, f"/orders/{failed_order.id}/")
    expect(page.get_by_test_id("order-status")).to_contain_text("failed")
    item = page.get_by_test_id("fix-item")
    expect(item.get_by_test_id("item-problems")).to_contain_text("Page 1 has a trim box of 210 x 297 mm")
    item.get_by_text("Choose another product").click()  # every form open: still nothing wider than the screen
    expect(item.get_by_label("Product")).to_be_visible()
    fits(page, width)
    shot(page, f"20-fix-{width}")

    if how == "upload":
        item.get_by_label("or upload it from your computer").set_input_files(
            files={"name": "poster-a3.pdf", "mimeType": "application/pdf", "buffer": files.get("print.pdf")})
    else:
        item.get_by_label("Link to the file").fill(files.url("/files/print.pdf"))
    item.get_by_role("button", name="Use this file").click()
    expect(page.locator(".flash-success")).to_contain_text("was replaced")
    # The fixed problem left the page at once; the order waits for Reprocess.
    expect(page.get_by_test_id("problems")).to_have_count(0)
    expect(page.get_by_test_id("item-fixed")).to_be_visible()
    expect(page.get_by_test_id("history")).to_contain_text("Item poster changed" if how == "link" else "poster-a3.pdf uploaded")

    page.get_by_role("button", name="Reprocess").click()
    expect(page.get_by_test_id("following")).to_be_visible()
    expect(page.get_by_role("button", name="Reprocess")).to_have_count(0)
    fits(page, width)
    shot(page, f"21-following-{width}")
    page.evaluate("window.notReloaded = true")
    settle()  # the worker's part; the open page notices by itself
    expect(page.get_by_test_id("order-status")).to_contain_text("created", timeout=15_000)
    expect(page.get_by_test_id("following")).to_have_count(0)
    expect(page.get_by_test_id("history")).to_contain_text("Status changed from passed to created")
    assert page.evaluate("window.notReloaded") is True  # swapped in place by htmx, not reloaded
    expect(page.locator("#order-live[hx-trigger]")).to_have_count(0)  # settled: no more polling
    fits(page, width)
    shot(page, f"22-fixed-{width}")
    page.context.close()
