"""Postbacks and Outbox in a real browser (Debian's chromium) against a live server and a loopback receiver."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.dashboard.test_browser import browser, log_in, page, shot  # noqa: F401  (fixtures)
from tests.notifications.conftest import drive
from tests.orders.factories import order_payload

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_add_endpoint_test_it_and_read_the_outbox(page: Page, merchant, api, receiver):  # noqa: F811 (the fixture)
    log_in(page, merchant, "/postbacks/")
    expect(page.get_by_test_id("empty")).to_contain_text("No endpoints yet")
    page.get_by_label("URL or e-mail address").fill(receiver.url)
    page.get_by_role("checkbox", name="order_item_status_updated").check()
    page.get_by_role("button", name="Add endpoint").click()
    expect(page.get_by_test_id("secret")).to_be_visible()
    receiver.secret = re.search(r"whsec_\S+", page.get_by_test_id("secret").inner_text()).group(0)
    shot(page, "postbacks-01-secret")

    page.get_by_role("button", name="Send test").click()
    expect(page.get_by_text("The test event was delivered")).to_be_visible()
    expect(page.get_by_test_id("secret")).to_have_count(0)  # shown once
    assert receiver.received[0].verified

    receiver.fail(1, status=503, body="maintenance window")
    payload = order_payload(orderReferenceId="REF-BROWSER")
    payload["shippingAddress"]["postCode"] = "1011"  # fails its checks: an e-mail too
    api.post("/v4/orders", payload)
    drive()
    page.reload()
    page.get_by_text("1 attempt").first.click()
    expect(page.get_by_test_id("attempt").first).to_contain_text("HTTP")
    shot(page, "postbacks-02-deliveries")

    page.get_by_role("link", name="Outbox").click()
    expect(page.get_by_test_id("messages")).to_contain_text("Order REF-BROWSER needs your action: failed")
    shot(page, "outbox-01-list")
    page.get_by_test_id("messages").get_by_role("link").first.click()
    expect(page.get_by_test_id("text-body")).to_contain_text("shippingAddress.postCode")
    shot(page, "outbox-02-message")
