"""Every dashboard page fits a laptop (1366 px) and a phone (390 px): nothing scrolls the page sideways and no
table or dialog reaches past the viewport, with data as merchants really have it (long names and references,
signed file URLs, many items, failures with long reasons). Confirmations close with Escape.

Run with the browser tests (marker `browser`); PLATEN_SCREENSHOTS=/dir keeps a picture of every page.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from playwright.sync_api import Page, expect

from platen.accounts.models import Account
from platen.intake.models import IntakeRequest
from platen.jobs.models import Job
from platen.notifications.models import Endpoint, OutboxMessage
from platen.orders.models import Order
from tests.dashboard.conftest import ADDRESS, POSTER, order_body
from tests.dashboard.test_browser import log_in, shot
from tests.emulators.receiver import Receiver
from tests.orders import factories

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SIZES = {"laptop": {"width": 1366, "height": 800}, "phone": {"width": 390, "height": 844}}
LONG_NAME = "Druckerei Sonnenschein und Söhne Werbetechnik GmbH & Co. KG, Niederlassung Süd"
LONG_ADDRESS = {
    **ADDRESS, "firstName": "Maximiliane-Theodora", "lastName": "Wolfeschlegelsteinhausen",
    "companyName": "Internationale Kunst- und Fotodruck Vertriebsgesellschaft",
    "addressLine1": "Kurfürstendammstraße 123-125", "addressLine2": "Hinterhaus, 4. OG links",
    "email": "maximiliane.wolfeschlegelsteinhausen@kunst-und-fotodruck.example.com",
}
SIGNED = ("?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20261130%2Feu-central-1%2Fs3"
          "%2Faws4_request&X-Amz-Date=20261130T120000Z&X-Amz-Expires=604800&X-Amz-SignedHeaders=host"
          "&X-Amz-Signature=" + "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" * 2)

# Every table and open dialog (and confirmation panel) lies within the viewport, no table scrolls inside its box,
# and the page does not scroll sideways.
OVERFLOWS = """() => {
  const width = window.innerWidth, out = [];
  const scroll = document.documentElement.scrollWidth;
  if (scroll > width) {  // name the innermost elements that stick out
    const past = (e) => e.getBoundingClientRect().right > width + 0.5;
    const spills = (e) => e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).overflowX === "visible";
    const wide = [...document.querySelectorAll("body *")].filter((e) => (past(e) && ![...e.children].some(past)) ||
                                                                   (spills(e) && ![...e.children].some(spills)));
    out.push(`the page is ${scroll} px wide: ` + wide.slice(0, 3).map((e) => `${e.tagName.toLowerCase()}.${e.className}`).join(", "));
  }
  for (const el of document.querySelectorAll("table, dialog[open], details[open] > .confirm-panel")) {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) continue;
    if (r.right > width + 0.5 || r.left < -0.5) {
      const name = el.dataset.testid || el.className || el.tagName.toLowerCase();
      out.push(`${el.tagName.toLowerCase()} ${name} spans ${Math.round(r.left)}..${Math.round(r.right)} px`);
    }
  }
  for (const wrap of document.querySelectorAll(".table-wrap")) {
    if (wrap.scrollWidth > wrap.clientWidth + 1) {
      const table = wrap.querySelector("table");
      out.push(`table ${table ? table.dataset.testid : ""} scrolls sideways in its box (${wrap.scrollWidth} > ${wrap.clientWidth} px)`);
    }
  }
  return out;
}"""


@dataclass
class Data:
    failed: Order
    busy: Order
    rejected: IntakeRequest
    endpoint: Endpoint
    message: OutboxMessage


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


@pytest.fixture
def realistic(account, other_account, api, settle, receiver) -> Data:
    """What a busy merchant's dashboard holds, made through the real API and jobs."""
    Account.objects.filter(pk=account.pk).update(name=LONG_NAME)
    hook = api.post("/v4/webhooks", {"url": receiver.url + "/hooks/platen/orders/status-updates/" + "x" * 60,
                                     "events": ["order_status_updated", "order_item_status_updated"]})
    assert hook.status_code == 201, hook.content
    receiver.fail(3, status=503, body="Service Unavailable: the upstream order system is in maintenance " * 3)

    items = [{"itemReferenceId": f"wall-art-collection-autumn-2026-poster-{n:03d}", "productUid": POSTER, "quantity": n,
              "files": [{"type": "default", "url": f"{factories.FILES}/print.pdf{SIGNED}&n={n}"}]} for n in range(1, 13)]
    items[4]["files"][0]["url"] = f"{factories.FILES}/exports/2026/autumn/final-final-v7/poster-005-3mm-bleed.pdf{SIGNED}"
    failed = api.post("/v4/orders", order_body("SHOPIFY-#100045-AUTUMN-WALL-ART-REORDER-FOR-CUSTOMER-SERVICE",
                                               items=items, shippingAddress=LONG_ADDRESS))
    busy = api.post("/v4/orders", order_body("WOO-20261130-0001", items=items[:3] + items[5:9], shippingAddress=LONG_ADDRESS))
    for n in range(25):  # a full first page of the list
        api.post("/v4/orders", order_body(f"ETSY-{n:05d}-{'handmade-linocut-print-' * 2}{n}", shippingAddress=LONG_ADDRESS))
    bad = order_body("MANUAL-IMPORT-WITH-MANY-MISTAKES", items=items[:6], shippingAddress={**LONG_ADDRESS, "postCode": ""})
    for item in bad["items"]:
        item["files"].append({"type": "front", "url": "ftp://files.example.com/" + "nested/" * 20 + "front.pdf"})
    api.post("/v4/orders", bad)
    settle()
    return Data(
        failed=Order.objects.get(pk=failed.json()["id"]), busy=Order.objects.get(pk=busy.json()["id"]),
        rejected=IntakeRequest.objects.filter(status="rejected").latest("received_at"),
        endpoint=Endpoint.objects.get(), message=OutboxMessage.objects.order_by("created_at").first(),
    )


def merchant_pages(d: Data) -> list[str]:
    return [
        "/orders/", "/orders/?status=failed", f"/orders/{d.failed.id}/", f"/orders/{d.busy.id}/",
        f"/orders/{d.busy.id}/address/", "/requests/", f"/requests/{d.rejected.id}/", "/postbacks/",
        f"/postbacks/{d.endpoint.id}/", "/outbox/", f"/outbox/{d.message.id}/", "/settings/",
    ]


def operator_pages(d: Data) -> list[str]:
    job = Job.objects.order_by("-enqueued_at").first()
    return [p for p in merchant_pages(d) if p != "/settings/"] + ["/jobs/", f"/jobs/{job.id}/", "/accounts/"]


def overflows(page: Page, path: str, name: str) -> list[str]:
    response = page.goto(path)
    assert response.ok, f"{path} answered {response.status}"
    shot(page, name)
    found = [f"{path}: {problem}" for problem in page.evaluate(OVERFLOWS)]
    # Each confirmation, opened: a details.confirm panel or a <dialog> behind a data-dialog button.
    for opener in page.locator("details.confirm > summary, [data-dialog]").all():
        if opener.is_visible():
            opener.click()
            found += [f"{path} ({opener.inner_text()} open): {p}" for p in page.evaluate(OVERFLOWS)]
            page.keyboard.press("Escape")
            expect(page.locator("details.confirm[open], dialog[open]")).to_have_count(0)
    return found


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("role", ["merchant", "operator"])
def test_every_page_fits(browser, live_server, request, realistic, size, role):
    user = request.getfixturevalue(role)
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size])
    context.set_default_timeout(10_000)
    page = context.new_page()
    log_in(page, user)
    pages = merchant_pages(realistic) if role == "merchant" else operator_pages(realistic)
    found = []
    for n, path in enumerate(pages):
        found += overflows(page, path, f"layout-{role}-{size}-{n:02d}")
    context.close()
    assert found == [], "\n".join(found)


@pytest.mark.parametrize("size", SIZES)
def test_login_fits(browser, live_server, size):
    context = browser.new_context(base_url=live_server.url, viewport=SIZES[size])
    page = context.new_page()
    assert overflows(page, "/login/", f"layout-login-{size}") == []
    context.close()


def test_escape_closes_confirmations(browser, live_server, merchant, make_order):
    order = make_order("ESC-1")
    context = browser.new_context(base_url=live_server.url, viewport=SIZES["laptop"])
    page = context.new_page()
    log_in(page, merchant, f"/orders/{order.id}/")
    opener = page.get_by_text("Cancel order…")
    opener.click()
    confirm = page.get_by_role("button", name="Yes, cancel this order")
    expect(confirm).to_be_visible()
    page.keyboard.press("Escape")
    expect(confirm).to_be_hidden()
    expect(opener).to_be_focused()  # the keyboard user is back where they were
    opener.click()
    page.mouse.click(5, 400)  # a click outside closes it too, as a dialog's backdrop would
    expect(confirm).to_be_hidden()
    Order.objects.get(pk=order.id).refresh_from_db()
    assert Order.objects.get(pk=order.id).fulfillment_status != "canceled"

    # A <dialog> opened by a data-dialog button is a modal: Escape and its close button both close it.
    page.evaluate("""() => document.querySelector("main").insertAdjacentHTML("beforeend",
        '<button type="button" data-dialog="d1">Open it</button>' +
        '<dialog id="d1" class="dialog"><p>Sure?</p><button type="button" data-dialog-close>Go back</button></dialog>')""")
    dialog = page.locator("#d1")
    page.get_by_role("button", name="Open it").click()
    expect(dialog).to_be_visible()
    assert page.evaluate("document.querySelector('#d1').matches(':modal')")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.get_by_role("button", name="Open it").click()
    page.get_by_role("button", name="Go back").click()
    expect(dialog).to_be_hidden()
    context.close()
