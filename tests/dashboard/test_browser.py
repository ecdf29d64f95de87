"""The dashboard in a real browser (Debian's chromium through Playwright) against a live server.

Set PLATEN_SCREENSHOTS=/some/dir to keep a screenshot of every page visited.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from platen.kit.security import CONTENT_SECURITY_POLICY
from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from tests.dashboard.conftest import ADDRESS, PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("PLATEN_SCREENSHOTS")


def shot(page: Page, name: str, full_page: bool = True) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SCREENSHOTS}/{name}.png", full_page=full_page)


def log_in(page: Page, user, path: str = "/orders/") -> None:
    page.goto(path)
    expect(page).to_have_url(re.compile(r"/login/\?next="))
    shot(page, "01-login")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(path) + "$"))
    page.wait_for_load_state()  # the URL changes before deferred scripts (htmx) have run


def rows(page: Page):
    return page.get_by_test_id("orders-table").locator("tbody tr")


def test_orders_flow_filter_search_edit_cancel(page: Page, merchant, make_order, other_api):
    make_order("FLOW-1")
    make_order("FLOW-2", shippingAddress={**ADDRESS, "firstName": "Grace", "lastName": "Hopper", "postCode": "ABC"})
    make_order("FLOW-3", shippingAddress={**ADDRESS, "firstName": "Katherine", "lastName": "Johnson"})
    make_order("THEIRS-1", client=other_api)

    log_in(page, merchant)
    expect(page.get_by_test_id("account-name")).to_have_text("Acme Prints")
    expect(rows(page)).to_have_count(3)
    expect(page.get_by_text("THEIRS-1")).to_have_count(0)
    shot(page, "02-orders")

    # Quick filter: htmx swaps the results and pushes the URL.
    page.locator(".chip", has_text="Failed").click()
    expect(page).to_have_url(re.compile(r"status=failed"))
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("FLOW-2")
    expect(page.locator(".chip.is-active")).to_contain_text("Failed")
    shot(page, "03-orders-failed")

    # Back to all, then search as you type (no Enter): only htmx can make this happen.
    page.locator(".chip", has_text="All").click()
    expect(rows(page)).to_have_count(3)
    search = page.get_by_label("Search orders")
    search.press_sequentially("johnson")
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("FLOW-3")
    expect(page).to_have_url(re.compile(r"q=johnson"))
    expect(search).to_be_focused()
    search.fill("")
    search.press_sequentially("FLOW-1")
    expect(rows(page)).to_have_count(1)
    shot(page, "04-orders-search")

    # Open it.
    page.get_by_role("link", name="FLOW-1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("FLOW-1")
    expect(page.get_by_test_id("order-status")).to_contain_text("created")
    expect(page.get_by_test_id("history")).to_contain_text("Status changed from passed to created")
    shot(page, "05-order")

    # Edit the address: a bad post code is refused and changes nothing, then a good one is saved.
    page.get_by_role("link", name="Edit shipping address").click()
    expect(page.get_by_test_id("country")).to_have_text("DE")
    page.get_by_label("Post code").fill("ABC")
    page.get_by_role("button", name="Save address").click()
    expect(page.locator(".field-postCode .field-error")).to_contain_text("not valid for Germany")
    expect(page.get_by_role("alert")).to_contain_text("nothing was changed")
    shot(page, "06-address-error")
    page.get_by_label("Post code").fill("10969")
    page.get_by_label("Address line 2").fill("Hinterhaus")
    page.get_by_role("button", name="Save address").click()
    expect(page.locator(".flash-success")).to_have_text("The shipping address was saved.")
    expect(page.get_by_test_id("shipping-address")).to_contain_text("10969 Berlin")
    expect(page.get_by_test_id("shipping-address")).to_contain_text("Hinterhaus")

    # Cancel, with the confirm step and a reason.
    page.get_by_text("Cancel order…").click()
    page.get_by_label("Reason").fill("Customer asked by e-mail")
    shot(page, "07-cancel-confirm", full_page=False)
    page.get_by_role("button", name="Yes, cancel this order").click()
    expect(page.locator(".flash-success")).to_have_text("The order was canceled.")
    expect(page.get_by_test_id("order-status")).to_contain_text("canceled")
    history = page.get_by_test_id("history")
    expect(history).to_contain_text("Cancellation requested")
    expect(history).to_contain_text("Customer asked by e-mail")
    expect(history).to_contain_text("Status changed from created to canceled")
    expect(history).to_contain_text("Shipping address changed")
    expect(history).to_contain_text("postal code: 10117 → 10969")
    expect(page.get_by_text("Cancel order…")).to_have_count(0)
    shot(page, "08-order-canceled")

    order = Order.objects.get(order_reference_id="FLOW-1")
    assert order.fulfillment_status == Fulfillment.CANCELED and order.shipping_address.post_code == "10969"


def test_failed_order_fix_and_reprocess(page: Page, merchant, make_order, settle):
    order = make_order("BAD-1", shippingAddress={**ADDRESS, "postCode": "ABC"})
    log_in(page, merchant, f"/orders/{order.id}/")
    expect(page.get_by_test_id("problems")).to_contain_text("The postal code is not valid for Germany")
    shot(page, "09-order-failed")
    page.get_by_role("link", name="Edit shipping address").click()
    page.get_by_label("Post code").fill("10117")
    page.get_by_role("button", name="Save address").click()
    page.get_by_role("button", name="Reprocess").click()
    expect(page.locator(".flash-success")).to_contain_text("being checked again")
    expect(page.get_by_test_id("history")).to_contain_text("Reprocess requested")
    settle()  # the worker's part: the checks run, the order goes to production
    page.reload()
    expect(page.get_by_test_id("order-status")).to_contain_text("created")
    expect(page.get_by_test_id("problems")).to_have_count(0)


def test_print_file_checks_on_the_order_page(page: Page, merchant, make_order, files, tmp_path):
    from tests.preflight import samples

    a4_poster = "flat_product_pf_a4_pt_200-gsm-uncoated_cl_4-0_ver"  # the sample's size

    url = files.publish("browser-a4.pdf", samples.font_in_form_xobject(tmp_path).read_bytes(), "application/pdf")
    order = make_order("FILES-1", items=[{"itemReferenceId": "item-1", "productUid": a4_poster, "quantity": 1,
                                          "files": [{"type": "default", "url": url}]}])
    log_in(page, merchant, f"/orders/{order.id}/")
    checks = page.get_by_test_id("preflight-file")
    expect(checks).to_have_count(1)
    expect(checks.locator(".badge")).to_have_text("failed")
    expect(checks.locator(".check-failed").first).to_contain_text("Page 1 uses the font Helvetica, which is not embedded")
    expect(page.get_by_test_id("items")).to_contain_text("check failed")
    checks.get_by_text("All 9 checks").click()
    expect(checks.locator(".check-all .check-passed").first).to_contain_text("The file is a readable PDF with 1 page.")
    expect(checks.locator(".check-all .check-info")).to_have_count(2)
    shot(page, "10-print-file-checks")


def test_requests_page(page: Page, merchant, make_order, api):
    make_order("REF-1")
    api.post("/v4/orders", {"orderReferenceId": "REF-2", "items": []})
    log_in(page, merchant, "/requests/")
    table = page.get_by_test_id("requests-table")
    expect(table.locator("tbody tr")).to_have_count(2)
    shot(page, "10-requests")
    page.get_by_label("Status").select_option("rejected")
    expect(page).to_have_url(re.compile(r"status=rejected"))
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table).to_contain_text("This field is required.")
    table.locator("a.row-link").first.click()
    expect(page.get_by_test_id("reasons")).to_contain_text("The customer reference: This field is required.")
    expect(page.get_by_test_id("raw-body")).to_contain_text('"orderReferenceId": "REF-2"')
    shot(page, "11-request-rejected")


def test_other_accounts_order_is_a_404_page(page: Page, merchant, other_api, make_order):
    theirs = make_order("THEIRS-1", client=other_api)
    log_in(page, merchant)
    response = page.goto(f"/orders/{theirs.id}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("We could not find that page")
    shot(page, "12-not-found")


def test_works_without_javascript(browser, live_server, merchant, make_order):
    make_order("NOJS-1")
    make_order("NOJS-2", shippingAddress={**ADDRESS, "firstName": "Grace", "lastName": "Hopper"})
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, merchant)
    page.get_by_label("Search orders").fill("Hopper")
    page.get_by_role("button", name="Search").click()
    expect(page).to_have_url(re.compile(r"q=Hopper"))
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("NOJS-2")
    page.get_by_role("link", name="NOJS-2").click()
    page.get_by_text("Cancel order…").click()
    page.get_by_role("button", name="Yes, cancel this order").click()
    expect(page.get_by_test_id("order-status")).to_contain_text("canceled")
    context.close()


def test_small_screen(browser, live_server, merchant, make_order):
    order = make_order("PHONE-1")
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    log_in(page, merchant)
    expect(rows(page)).to_have_count(1)
    # The table fits: less important columns are hidden rather than scrolled off.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "13-orders-phone")
    page.goto(f"/orders/{order.id}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "14-order-phone")
    context.close()


def test_operator_sees_every_account(page: Page, operator, make_order, other_api):
    make_order("MINE-1")
    make_order("THEIRS-1", client=other_api)
    log_in(page, operator)
    expect(page.get_by_test_id("account-name")).to_contain_text("All accounts")
    expect(rows(page)).to_have_count(2)
    expect(page.get_by_test_id("orders-table")).to_contain_text("Other Shop")
    shot(page, "15-orders-operator")


def test_empty_states(page: Page, merchant):
    log_in(page, merchant)
    expect(page.get_by_test_id("empty")).to_contain_text("No orders yet")
    shot(page, "16-orders-empty")
    page.get_by_role("link", name="Requests").first.click()
    expect(page.get_by_test_id("empty")).to_contain_text("No requests yet")


# ---- offline and under the Content-Security-Policy (production HTTPS) ---------------------------------------
# The API docs page and the dashboard with nothing but loopback reachable, under the policy https turns on.

LOOPBACK = {"127.0.0.1", "localhost", "::1"}


@pytest.fixture
def csp(settings):
    settings.PLATEN_CSP = CONTENT_SECURITY_POLICY


@pytest.fixture
def offline_page(browser, live_server):
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
