"""The orders list in a real browser: bulk cancel behind a confirmation dialog (Escape closes it), draft
buttons, date filters, and no sideways scrolling at 1366 and 390 px."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest
from playwright.sync_api import Page, expect

from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from tests.dashboard.conftest import ADDRESS, move_to_printed
from tests.dashboard.test_browser import log_in, rows, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def row(page: Page, reference: str):
    return rows(page).filter(has=page.get_by_role("link", name=reference, exact=True))


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), \
        page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")


def test_bulk_cancel_asks_first_and_escape_changes_nothing(page: Page, merchant, make_order):
    keep, first, second, printed = make_order("KEEP-1"), make_order("BULK-1"), make_order("BULK-2"), make_order("BULK-3")
    move_to_printed(printed)
    log_in(page, merchant)
    dialog = page.get_by_test_id("confirm-dialog")
    cancel = page.get_by_test_id("bulk-bar").get_by_role("button", name="Cancel…")
    expect(cancel).to_be_disabled()  # nothing selected yet

    page.get_by_label("Select every order on this page").check()
    expect(page.get_by_test_id("bulk-bar")).to_contain_text("4 selected")
    row(page, "KEEP-1").get_by_role("checkbox").uncheck()
    expect(page.get_by_test_id("bulk-bar")).to_contain_text("3 selected")
    expect(page.get_by_label("Select every order on this page")).not_to_be_checked()

    cancel.click()
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("heading")).to_have_text("Cancel 3 orders?")
    shot(page, "20-bulk-cancel-confirm", full_page=False)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    assert all(s != Fulfillment.CANCELED for s in Order.objects.values_list("fulfillment_status", flat=True))

    cancel.click()
    dialog.get_by_label("Reason").fill("The shop closed")
    dialog.get_by_role("button", name="Yes, cancel").click()
    answer = page.get_by_test_id("bulk-outcome")
    expect(answer).to_contain_text("2 orders were canceled. 1 order could not be canceled:")
    expect(answer).to_contain_text(f"#{str(printed.id)[:8]} (BULK-3) was already printed, so it can no longer be canceled.")
    shot(page, "21-bulk-cancel-done")
    status = {o.order_reference_id: o.fulfillment_status for o in Order.objects.all()}
    assert status == {"KEEP-1": Fulfillment.CREATED, "BULK-1": Fulfillment.CANCELED, "BULK-2": Fulfillment.CANCELED,
                      "BULK-3": Fulfillment.PRINTED}
    assert first.events.filter(type="cancel_requested", reason="The shop closed").exists()
    assert keep and second


def test_draft_buttons_submit_and_delete(page: Page, merchant, make_order):
    make_order("DRAFT-SUBMIT", orderType="draft")
    make_order("DRAFT-DELETE", orderType="draft")
    log_in(page, merchant)
    row(page, "DRAFT-SUBMIT").get_by_role("button", name="Submit").click()
    expect(page.locator(".flash-success")).to_contain_text("The draft DRAFT-SUBMIT was submitted")

    row(page, "DRAFT-DELETE").get_by_role("button", name="Delete…").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog.get_by_role("heading")).to_have_text("Delete the draft DRAFT-DELETE?")
    expect(dialog.get_by_label("Reason")).to_be_hidden()
    dialog.get_by_role("button", name="Go back").click()
    expect(dialog).to_be_hidden()
    assert Order.objects.filter(order_reference_id="DRAFT-DELETE").exists()
    row(page, "DRAFT-DELETE").get_by_role("button", name="Delete…").click()
    dialog.get_by_role("button", name="Yes, delete the draft").click()
    expect(page.locator(".flash-success")).to_contain_text("The draft DRAFT-DELETE was deleted.")
    expect(rows(page)).to_have_count(1)
    assert Order.objects.get().order_type == "order"


def test_date_filter_and_short_id_search(page: Page, merchant, make_order):
    old = make_order("OLD-1")
    Order.objects.filter(pk=old.pk).update(created_at=datetime(2026, 3, 1, 12, tzinfo=UTC))
    make_order("NEW-1")
    log_in(page, merchant)
    expect(rows(page)).to_have_count(2)
    page.get_by_label("Created to").fill("2026-03-01")
    expect(page).to_have_url(re.compile(r"to=2026-03-01"))
    assert "back=" not in page.url and "ids=" not in page.url  # the bulk form's fields are not filters
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("OLD-1")
    page.get_by_label("Created to").fill("")
    expect(rows(page)).to_have_count(2)
    page.get_by_label("Search orders").press_sequentially(str(old.id)[:8])
    expect(rows(page)).to_have_count(1)
    expect(rows(page).first).to_contain_text("OLD-1")


@pytest.mark.parametrize("width", [1366, 390])
def test_orders_list_fits_the_screen(browser, live_server, operator, make_order, other_api, width):
    make_order("FAILED-WITH-A-RATHER-LONG-REFERENCE-0001",
               shippingAddress={**ADDRESS, "postCode": "ABC", "firstName": "Maximiliane", "lastName": "Mustermann-Lüdenscheid"})
    make_order("DRAFT-1", orderType="draft")
    make_order("THEIRS-1", client=other_api)
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, operator)  # the operator's list has the most columns (account)
    expect(rows(page)).to_have_count(3)
    no_sideways_scroll(page)
    if width >= 1366:  # on a laptop the whole table is visible, no scrolling inside it either
        assert page.evaluate("(w => w.scrollWidth <= w.clientWidth)(document.querySelector('.table-wrap'))")
    shot(page, f"22-orders-list-{width}")

    page.get_by_label("Select every order on this page").check()
    page.get_by_test_id("bulk-bar").get_by_role("button", name="Reject…").click()
    dialog = page.get_by_test_id("confirm-dialog")
    expect(dialog).to_be_visible()
    box = dialog.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    no_sideways_scroll(page)
    shot(page, f"23-orders-dialog-{width}", full_page=False)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    context.close()


def test_bulk_cancel_without_javascript_asks_on_a_page(browser, live_server, merchant, make_order):
    make_order("NOJS-1")
    make_order("NOJS-2")
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    log_in(page, merchant, "/orders/?q=NOJS")
    # The boxes sit inside the search form but belong to the bulk form (form="list-actions").
    row(page, "NOJS-1").get_by_role("checkbox").check()
    row(page, "NOJS-2").get_by_role("checkbox").check()
    page.get_by_test_id("bulk-bar").get_by_role("button", name="Cancel…").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel 2 orders?")
    page.get_by_label("Reason").fill("No script")
    page.get_by_role("button", name="Yes, cancel").click()
    expect(page).to_have_url(re.compile(r"/orders/\?q=NOJS"))
    expect(page.get_by_test_id("bulk-outcome")).to_have_text("2 orders were canceled.")
    assert set(Order.objects.values_list("fulfillment_status", flat=True)) == {Fulfillment.CANCELED}
    context.close()
