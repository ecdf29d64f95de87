"""Print partners' pages: who may open them, the queue's lists, each production step through the pages (and
refusals as sentences, changing nothing), print files as signed links, and the packing slip and label PDFs."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from pypdf import PdfReader

from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from platen.production.models import ProductionJob
from platen.production.shipping import local_now
from tests.dashboard.conftest import PASSWORD, _client_for, order_body
from tests.production import factories

pytestmark = pytest.mark.django_db
F = Fulfillment


@pytest.fixture
def other_partner():
    return factories.partner("Elsewhere Print")


@pytest.fixture
def carrier_service():
    return factories.carrier_service()


@pytest.fixture
def partner_user(partner):
    return factories.login(partner, "press@printwerk.test", PASSWORD)


@pytest.fixture
def partner_client(partner_user) -> Client:
    return _client_for(partner_user)


@pytest.fixture
def other_partner_client(other_partner) -> Client:
    return _client_for(factories.login(other_partner, "press@elsewhere.test", PASSWORD))


@pytest.fixture
def job(make_order, facility, carrier_service):
    return factories.move_job(make_order("JOB-1"), facility, carrier_service=carrier_service)


def two_items(reference: str) -> dict:
    body = order_body(reference)
    body["items"].append({**body["items"][0], "itemReferenceId": "item-2", "quantity": 1})
    return body["items"]


def url(job, step: str = "") -> str:
    return f"/production/{job.order_id}/" + (f"{step}/" if step else "")


def statuses(order: Order) -> set[str]:
    return set(order.items.values_list("fulfillment_status", flat=True))


def pdf_text(response) -> str:
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def bars(page) -> int:
    """The filled rectangles drawn on a PDF page: a barcode is dozens of them."""
    return page.get_contents().get_data().count(b" re")


# ---- who may open what --------------------------------------------------------------------------------


def test_partner_login_lands_on_its_queue(client, partner_user):
    response = client.post("/login/", {"username": partner_user.username, "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/production/"
    # Merchant pages send a partner to its queue instead of saying "no account".
    for path in ("/", "/orders/", "/settings/", "/requests/"):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"] == "/production/", path
    assert client.get("/production/").status_code == 200


def test_partner_navigation_shows_only_its_pages(partner_client, merchant_client, operator_client):
    html = partner_client.get("/production/").content.decode()
    nav = html.split('<nav class="main-nav"')[1].split("</nav>")[0]
    assert "Production" in nav and "Orders" not in nav and "Settings" not in nav and "Postbacks" not in nav
    assert "Printwerk" in html and "print partner" in html
    merchant_nav = merchant_client.get("/orders/").content.decode().split('<nav class="main-nav"')[1].split("</nav>")[0]
    assert "Production" not in merchant_nav
    operator_nav = operator_client.get("/orders/").content.decode().split('<nav class="main-nav"')[1].split("</nav>")[0]
    assert "Production" in operator_nav


def test_production_pages_need_a_partner_or_operator(client, merchant_client, job):
    assert client.get("/production/")["Location"] == "/login/?next=/production/"
    assert merchant_client.get("/production/").status_code == 404
    assert merchant_client.get(url(job)).status_code == 404
    assert merchant_client.post(url(job, "printed")).status_code == 404
    assert statuses(job.order) == {F.CREATED}


def test_another_partners_job_is_a_404_and_stays_untouched(other_partner_client, job):
    assert other_partner_client.get(url(job)).status_code == 404
    assert other_partner_client.get(f"{url(job)}packing-slip.pdf").status_code == 404
    assert other_partner_client.get(f"{url(job)}shipping-label.pdf").status_code == 404
    for step, data in (("start", {}), ("printed", {}), ("problem", {"message": "No paper."}), ("pack", {"scanned": "item-1"}),
                       ("ship", {"carrier": "testpost", "tracking_code": "X1"})):
        assert other_partner_client.post(url(job, step), data).status_code == 404
    assert statuses(job.order) == {F.CREATED}
    assert "JOB-1" not in other_partner_client.get("/production/").content.decode()


def test_operator_sees_every_partners_jobs(operator_client, job, make_order, other_partner):
    theirs = factories.move_job(make_order("THEIRS-1"), factories.facility(owner=other_partner))
    html = operator_client.get("/production/").content.decode()
    assert "JOB-1" in html and "THEIRS-1" in html and "Elsewhere Print" in html
    assert operator_client.get(url(theirs)).status_code == 200


# ---- the queue ----------------------------------------------------------------------------------------


def test_queue_lists_jobs_by_when_they_are_due(partner_client, make_order, facility, other_partner):
    today = local_now(facility).date()
    factories.move_job(make_order("DUE-TODAY"), facility)
    factories.move_job(make_order("LATE-1"), facility, due=today - timedelta(days=2))
    factories.move_job(make_order("LATER-1"), facility, due=today + timedelta(days=3))
    shipped = factories.move_job(make_order("SHIPPED-1"), facility, due=today - timedelta(days=1))
    factories.move_job(make_order("NOT-MINE"), factories.facility(owner=other_partner))
    factories.carrier_service()
    partner_client.post(url(shipped, "printed"))
    partner_client.post(url(shipped, "pack"), {"items": [str(i.pk) for i in shipped.order.items.all()]})
    partner_client.post(url(shipped, "ship"), {"carrier": "testpost", "tracking_code": "00340434161094042557"})
    assert Order.objects.get(pk=shipped.order_id).fulfillment_status == F.SHIPPED

    html = partner_client.get("/production/").content.decode()
    late = html.split('data-testid="queue-late"')[1].split("</section>")[0]
    due = html.split('data-testid="queue-today"')[1].split("</section>")[0]
    upcoming = html.split('data-testid="queue-upcoming"')[1].split("</section>")[0]
    assert "LATE-1" in late and "DUE-TODAY" in due and "LATER-1" in upcoming
    assert "2 days late" in late
    assert "SHIPPED-1" not in html and "NOT-MINE" not in html
    assert "Poster A3 (200 gsm uncoated)" in due  # product names in the row

    done = partner_client.get("/production/?show=done").content.decode()
    assert "SHIPPED-1" in done and "DUE-TODAY" not in done
    today_only = partner_client.get("/production/?show=today").content.decode()
    assert "DUE-TODAY" in today_only and "LATE-1" not in today_only


def test_queue_by_facility_each_on_its_own_clock(partner_client, partner, facility, make_order):
    chicago = factories.facility("US", owner=partner, name="Printwerk Chicago", city="Chicago", time_zone="America/Chicago")
    factories.move_job(make_order("BERLIN-1"), facility)
    factories.move_job(make_order("CHICAGO-1"), chicago)  # due today in Chicago, whatever the date in Berlin
    html = partner_client.get("/production/").content.decode()
    due = html.split('data-testid="queue-today"')[1].split("</section>")[0]
    assert "BERLIN-1" in due and "CHICAGO-1" in due and 'data-testid="facility-filter"' in html
    html = partner_client.get(f"/production/?facility={chicago.code}").content.decode()
    assert "CHICAGO-1" in html and "BERLIN-1" not in html
    assert f'show=late&amp;facility={chicago.code}' in html  # the lists keep the facility
    assert f'<option value="{chicago.code}" selected>' in html
    done = partner_client.get(f"/production/?facility={chicago.code}&show=done").content.decode()
    assert "No jobs here." in done


def test_a_partner_without_jobs_sees_an_empty_queue(partner_client):
    html = partner_client.get("/production/").content.decode()
    assert "Nothing is late." in html and "Nothing is due today." in html and "No jobs for later days yet." in html
    assert "No jobs here." in partner_client.get("/production/?show=done").content.decode()


def test_queue_refreshes_itself_as_a_fragment(partner_client, job):
    response = partner_client.get("/production/?show=today", headers={"HX-Request": "true"})
    html = response.content.decode()
    assert html.lstrip().startswith("<div id=\"queue\"") and "JOB-1" in html and "<html" not in html


def test_merchant_cancel_shows_at_once_in_the_queue(partner_client, job, api):
    assert api.post(f"/v4/orders/{job.order_id}:cancel").status_code == 200
    html = partner_client.get("/production/").content.decode()
    due = html.split('data-testid="queue-today"')[1].split("</section>")[0]
    assert "JOB-1" in due and 'data-testid="canceled-mark"' in due
    page = partner_client.get(url(job)).content.decode()
    assert 'data-testid="canceled-alert"' in page and "Mark printed" not in page
    # A step asked anyway is refused with a sentence and changes nothing.
    response = partner_client.post(url(job, "printed"), follow=True)
    assert "was canceled by the merchant; do not produce it" in response.content.decode()
    assert statuses(job.order) == {F.CANCELED}


def test_address_changed_after_routing_is_marked(partner_client, job):
    ProductionJob.objects.filter(pk=job.pk).update(address_changed_at=job.routed_at + timedelta(hours=1))
    assert 'data-testid="address-changed-mark"' in partner_client.get("/production/").content.decode()
    page = partner_client.get(url(job)).content.decode()
    assert 'data-testid="address-changed-alert"' in page and "print the packing slip and the label again" in page


# ---- the job page and its steps ----------------------------------------------------------------------


def test_job_page_shows_what_to_make_and_where_it_goes(partner_client, job, files):
    html = partner_client.get(url(job)).content.decode()
    assert "Poster A3 (200 gsm uncoated)" in html and "Paper Format: A3" in html and "Size: 297 × 420 mm" in html
    assert "Unter den Linden 1" in html and "10117 Berlin" in html
    assert "Testpost Paket" in html  # the carrier service routing chose
    assert "Start production" in html and "Mark printed" in html
    assert "Order received via api" in html  # the order's history
    item = job.order.items.get()
    assert str(item.pk) in html  # the item's code, as on the packing slip
    # The print file is Platen's signed link to the stored copy, never the merchant's URL.
    assert files.url("/files/print.pdf") not in html
    link = html.split('data-testid="print-file"')[0].rsplit('href="', 1)[1].split('"')[0].replace("&amp;", "&")
    assert link.startswith("/stored/files/") and "signature=" in link
    download = partner_client.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_steps_from_created_to_shipped(partner_client, partner_user, make_order, facility, carrier_service):
    job = factories.move_job(make_order("STEPS-1", items=two_items("STEPS-1")), facility, carrier_service=carrier_service)
    order = job.order
    first, second = order.items.order_by("position")

    response = partner_client.post(url(job, "start"), follow=True)
    assert "Production started." in response.content.decode() and statuses(order) == {F.IN_PRODUCTION}
    response = partner_client.post(url(job, "printed"), follow=True)
    assert "Marked printed." in response.content.decode() and statuses(order) == {F.PRINTED}

    # Packing: one item missing and a stranger's code are refused, with both named; nothing changes.
    response = partner_client.post(url(job, "pack"), {"scanned": f"{first.pk}\nSOMETHING-ELSE\n"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "What was scanned does not match the order; nothing was packed." in html
    assert "item-2</strong>: Not scanned: find this item before packing." in html
    assert "SOMETHING-ELSE</strong>: Not part of this order: put it aside." in html
    assert f"{first.pk}\nSOMETHING-ELSE" in html  # what was scanned stays in the box
    assert statuses(order) == {F.PRINTED}

    # Scanned and ticked together: every item once -> packaged.
    response = partner_client.post(url(job, "pack"), {"scanned": f"{first.pk}\r\n", "items": [str(second.pk)]}, follow=True)
    assert "Every item matched the order: the parcel is packed." in response.content.decode()
    assert statuses(order) == {F.PACKAGED}
    job.refresh_from_db()
    assert sorted(job.packed_items) == sorted([str(first.pk), str(second.pk)])

    # Shipping: the form offers the routed carrier; without a tracking code it says what to enter.
    page = partner_client.get(url(job)).content.decode()
    assert '<option value="testpost" selected>Testpost</option>' in page and 'value="Paket"' in page
    response = partner_client.post(url(job, "ship"), {"carrier": "testpost", "service": "Paket", "tracking_code": " "})
    assert response.status_code == 400 and "Enter the carrier&#x27;s tracking code" in response.content.decode()
    assert statuses(order) == {F.PACKAGED}
    shipped = {"carrier": "testpost", "service": "Paket", "tracking_code": "00340434161094042557"}
    response = partner_client.post(url(job, "ship"), shipped, follow=True)
    html = response.content.decode()
    assert "Shipped with tracking code 00340434161094042557." in html
    assert statuses(order) == {F.SHIPPED}
    package = order.packages.get()
    assert (package.carrier_code, package.service_name, package.tracking_code) == ("testpost", "Paket", "00340434161094042557")
    assert package.tracking_url == "https://track.example.test/testpost?code=00340434161094042557"
    assert "track.example.test/testpost?code=00340434161094042557" in html

    # Each step is in the order's history, by the partner (as when it reports through its API key).
    history = list(order.events.filter(type="order_status_changed").values_list("params__to", "actor_kind", "actor_id"))
    by_partner = ("partner", str(job.partner_id))
    assert history[-4:] == [(s, *by_partner) for s in ("in_production", "printed", "packaged", "shipped")]
    assert order.events.filter(type="items_packed", actor_kind="partner", actor_id=str(job.partner_id)).exists()
    # A step asked again changes nothing and says so.
    response = partner_client.post(url(job, "printed"), follow=True)
    assert "Nothing changed" in response.content.decode() and statuses(order) == {F.SHIPPED}


def test_partner_reports_a_problem_and_the_order_fails_with_its_words(partner_client, partner_user, job):
    response = partner_client.post(url(job, "problem"), {"message": "  "}, follow=True)
    assert "Say what is wrong" in response.content.decode() and statuses(job.order) == {F.CREATED}
    response = partner_client.post(url(job, "problem"), {"message": "The print file is blank on page 2."}, follow=True)
    assert "The problem was reported" in response.content.decode()
    order = Order.objects.get(pk=job.order_id)
    assert order.fulfillment_status == F.FAILED
    assert order.problems[-1]["message"] == "The print file is blank on page 2."
    assert order.events.filter(type="order_status_changed", params__to="failed", actor_kind="partner").exists()
    assert "Report a problem" not in partner_client.get(url(job)).content.decode()


def test_partner_history_leaves_out_the_merchants_postbacks_and_names(partner_client, operator_client, job):
    job.order.events.create(type="postback_sent", actor_kind="system",
                            params={"endpoint": "https://merchant.example.test/hook", "event": "order_status_updated"})
    partner_client.post(url(job, "start"))
    html = partner_client.get(url(job)).content.decode()
    assert "merchant.example.test" not in html
    assert "Order received via api" in html and "by the merchant" in html and "API key" not in html
    assert f"by {job.partner.name} (print partner)" in html  # the partner's own steps keep its name
    operator_html = operator_client.get(url(job)).content.decode()
    assert "merchant.example.test" in operator_html and "via API key “tests”" in operator_html


# ---- papers ---------------------------------------------------------------------------------------------


def test_packing_slip_pdf(partner_client, make_order, facility, carrier_service):
    job = factories.move_job(make_order("SLIP-1", items=two_items("SLIP-1")), facility, carrier_service=carrier_service)
    response = partner_client.get(f"{url(job)}packing-slip.pdf")
    text = pdf_text(response)
    assert "Packing slip" in text and "SLIP-1" in text
    assert "Poster A3 (200 gsm uncoated)" in text and "Paper Format: A3" in text
    for item in job.order.items.all():
        assert str(item.pk) in text and f"Item {item.item_reference_id}" in text
    assert "Ada Lovelace" in text and "Unter den Linden 1" in text and "10117 Berlin" in text
    assert "2 items, 3 pieces" in text
    assert 'filename="packing-slip-SLIP-1.pdf"' in response["Content-Disposition"]


def test_shipping_label_names_the_merchants_return_address(partner_client, make_order, facility):
    returns = {"companyName": "Acme Returns", "addressLine1": "Hafenstrasse 5", "city": "Hamburg", "postCode": "20457",
               "country": "DE"}
    job = factories.move_job(make_order("RET-1", returnAddress=returns), facility)
    text = pdf_text(partner_client.get(f"{url(job)}shipping-label.pdf"))
    assert "Returns: Acme Returns, Hafenstrasse 5, 20457 Hamburg, DE" in text
    assert "Tracked Post" in text  # no carrier service routed: the shipment method


def test_shipping_label_pdf_before_and_after_shipping(partner_client, job):
    text = pdf_text(partner_client.get(f"{url(job)}shipping-label.pdf"))
    assert "Printwerk Berlin" in text and "Printwerk" in text  # from the facility
    assert "Ada Lovelace" in text and "Unter den Linden 1" in text and "DE" in text
    assert "Testpost" in text and "Paket" in text and "Order JOB-1" in text
    assert "Not known yet" in text
    page = PdfReader(io.BytesIO(partner_client.get(f"{url(job)}shipping-label.pdf").content)).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (288, 432)  # 4 × 6 in
    bars_before = bars(page)

    partner_client.post(url(job, "printed"))
    partner_client.post(url(job, "pack"), {"items": [str(job.order.items.get().pk)]})
    partner_client.post(url(job, "ship"), {"carrier": "testpost", "service": "Paket", "tracking_code": "JJD000390007701"})
    response = partner_client.get(f"{url(job)}shipping-label.pdf")
    text = pdf_text(response)
    assert "JJD000390007701" in text and "Not known yet" not in text
    assert bars(PdfReader(io.BytesIO(response.content)).pages[0]) > bars_before + 20  # the tracking code's barcode
