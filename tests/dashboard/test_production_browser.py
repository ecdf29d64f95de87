"""A print partner works its queue in a real browser (Debian's chromium), at 1366 px and at 390 px: logs in and
lands on its queue (a merchant's cancel shows there), opens a job, marks it printed, packs it (a mismatch refused
first, nothing changed), ships it with a tracking code, and downloads the packing slip and the label. Another
partner gets a 404 for the same job. Nothing is wider than the screen."""

from __future__ import annotations

import io
import re

import pytest
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from tests.dashboard.conftest import PASSWORD, order_body
from tests.dashboard.test_browser import shot
from tests.dashboard.test_browser_fixes import open_at
from tests.dashboard.test_layout import OVERFLOWS
from tests.production import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in_partner(page: Page, user) -> None:
    page.goto("/login/")
    page.get_by_label("Username").fill(user.username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(r"/production/$"))  # a partner's home is its queue
    page.wait_for_load_state()


def fits(page: Page) -> None:
    assert page.evaluate(OVERFLOWS) == []


def pdf_text(page: Page, link: str) -> str:
    response = page.context.request.get(link)  # with the page's login
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.body())).pages)


@pytest.mark.parametrize("width", [1366, 390])
def test_partner_prints_packs_and_ships_from_its_queue(browser, live_server, partner, facility, make_order, api, width):
    items = order_body()["items"]
    items.append({**items[0], "itemReferenceId": "item-2", "quantity": 1})
    order = make_order("PRESS-1", items=items)
    job = factories.move_job(order, facility, carrier_service=factories.carrier_service())
    canceled = make_order("GONE-1")
    factories.move_job(canceled, facility)
    assert api.post(f"/v4/orders/{canceled.id}:cancel").status_code == 200  # before printing: reaches the queue at once
    factories.facility("US", owner=partner, name="Printwerk Chicago", city="Chicago", time_zone="America/Chicago")
    user = factories.login(partner, f"press-{width}@printwerk.test", PASSWORD)

    page = open_at(browser, live_server, width)
    log_in_partner(page, user)
    expect(page.get_by_test_id("account-name")).to_contain_text("Printwerk")
    expect(page.locator(".main-nav a")).to_have_text(["Production"])
    today = page.get_by_test_id("queue-today")
    expect(today.locator("tbody tr")).to_have_count(2)
    gone = today.locator("tr", has_text="GONE-1")
    expect(gone.get_by_test_id("canceled-mark")).to_contain_text("Canceled: do not produce")
    expect(gone.locator(".badge")).to_have_text("canceled")
    expect(page.get_by_test_id("facility-filter")).to_be_visible()  # two facilities: a filter for each
    fits(page)
    shot(page, f"40-production-queue-{width}")

    today.get_by_role("link", name="PRESS-1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("PRESS-1")
    expect(page.get_by_test_id("job-items")).to_contain_text("Poster A3 (200 gsm uncoated)")
    expect(page.get_by_test_id("shipping-address")).to_contain_text("Unter den Linden 1")
    fits(page)
    shot(page, f"41-production-job-{width}")
    page.get_by_text("Report a problem…").click()  # its confirmation stays on the screen too; Escape closes it
    expect(page.get_by_label("What is wrong")).to_be_visible()
    fits(page)
    page.keyboard.press("Escape")
    expect(page.locator("details.confirm[open]")).to_have_count(0)

    page.get_by_role("button", name="Mark printed").click()
    expect(page.locator(".flash-success")).to_have_text("Marked printed.")
    expect(page.get_by_test_id("job-status")).to_contain_text("printed")

    # Packing: the scanner reads one item (its code and Enter) and a stray code; the other item is missing. The page
    # says so as codes arrive, and the server refuses the mismatch: nothing is packed.
    first, second = order.items.order_by("position")
    scan = page.get_by_test_id("scan-box")
    for code in (str(first.pk), "STRAY-1"):
        scan.press_sequentially(code)
        scan.press("Enter")
    expect(page.get_by_test_id("scan-status")).to_have_text(
        "Not part of this order: STRAY-1. 1 of 2 items still to scan or tick.")
    page.get_by_role("button", name="Check and pack").click()
    error = page.get_by_test_id("pack-error")
    expect(error).to_contain_text("nothing was packed")
    expect(error).to_contain_text("item-2: Not scanned: find this item before packing.")
    expect(error).to_contain_text("STRAY-1: Not part of this order: put it aside.")
    expect(page.get_by_test_id("job-status")).to_contain_text("printed")
    assert Order.objects.get(pk=order.pk).fulfillment_status == Fulfillment.PRINTED
    fits(page)
    shot(page, f"42-production-pack-refused-{width}")

    # What was scanned stayed in the box: take the stray code out, tick the second item, pack.
    expect(page.get_by_test_id("scan-box")).to_have_value(re.compile(str(first.pk)))
    page.get_by_test_id("scan-box").fill(f"{first.pk}\n")
    page.get_by_test_id("packing").get_by_label(re.compile("item-2")).check()
    expect(page.get_by_test_id("scan-status")).to_have_text("Every item is here.")
    page.get_by_role("button", name="Check and pack").click()
    expect(page.locator(".flash-success")).to_have_text("Every item matched the order: the parcel is packed.")
    expect(page.get_by_test_id("job-status")).to_contain_text("packaged")

    # Shipping: the routed carrier is chosen already; the tracking code goes in.
    shipping = page.get_by_test_id("shipping")
    expect(shipping.get_by_label("Carrier")).to_have_value("testpost")
    expect(shipping.get_by_label("Service")).to_have_value("Paket")
    shipping.get_by_label("Tracking code").fill("00340434161094042557")
    fits(page)
    shot(page, f"43-production-ship-{width}")
    shipping.get_by_role("button", name="Mark shipped").click()
    expect(page.locator(".flash-success")).to_have_text("Shipped with tracking code 00340434161094042557.")
    expect(page.get_by_test_id("job-status")).to_contain_text("shipped")
    expect(page.get_by_test_id("packages")).to_contain_text("00340434161094042557")
    expect(page.get_by_test_id("history")).to_contain_text("Handed to Testpost with tracking code 00340434161094042557")
    fits(page)
    shot(page, f"44-production-shipped-{width}")

    slip = pdf_text(page, page.get_by_test_id("slip-link").get_attribute("href"))
    assert "PRESS-1" in slip and str(first.pk) in slip and str(second.pk) in slip and "Ada Lovelace" in slip
    label = pdf_text(page, page.get_by_test_id("label-link").get_attribute("href"))
    assert "00340434161094042557" in label and "Printwerk Berlin" in label and "Unter den Linden 1" in label
    assert job.order.packages.get().tracking_code == "00340434161094042557"
    page.context.close()


def test_another_partner_gets_a_404(browser, live_server, facility, make_order):
    job = factories.move_job(make_order("PRESS-2"), facility)
    other = factories.login(factories.partner("Elsewhere Print"), "press@elsewhere.test", PASSWORD)
    page = open_at(browser, live_server, 1366)
    log_in_partner(page, other)
    expect(page.get_by_test_id("queue")).not_to_contain_text("PRESS-2")
    response = page.goto(f"/production/{job.order_id}/")
    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page.context.close()
