"""The Requests page: every arrival, with filters, rejection reasons and the raw body."""

from datetime import timedelta

import pytest
from django.utils import timezone

from platen.intake import services as intake
from platen.intake.models import IntakeRequest
from tests.dashboard.conftest import order_body

pytestmark = pytest.mark.django_db


def test_empty_requests_page_explains(merchant_client):
    html = merchant_client.get("/requests/").content.decode()
    assert "No requests yet" in html


def test_lists_accepted_and_rejected_with_reasons(merchant_client, make_order, api):
    order = make_order("REF-1")
    api.post("/v4/orders", {"orderReferenceId": "no-items"})
    html = merchant_client.get("/requests/").content.decode()
    assert 'data-status="accepted"' in html and f'href="/orders/{order.id}/">Open order' in html
    assert 'data-status="rejected"' in html
    assert "<strong>The customer reference:</strong> This field is required." in html
    assert "customerReferenceId" not in html
    assert "and 1 more" in html  # five reasons: three shown, the rest on the detail page


def test_filter_by_status_and_channel(merchant_client, make_order, api, account):
    make_order("REF-1")
    api.post("/v4/orders", body="not json")
    intake.receive(account, "ftp", "orders.csv contents")
    rejected = merchant_client.get("/requests/?status=rejected").content.decode()
    assert 'data-status="rejected"' in rejected and 'data-status="accepted"' not in rejected
    ftp = merchant_client.get("/requests/?channel=ftp").content.decode()
    assert ftp.count('data-status="received"') == 1 and "Waiting to be processed" in ftp
    assert 'data-status="accepted"' not in ftp
    none = merchant_client.get("/requests/?channel=etsy").content.decode()
    assert "No requests match these filters" in none


def test_filter_by_date(merchant_client, account):
    old = intake.receive(account, "api", "{}")
    IntakeRequest.objects.filter(pk=old.pk).update(received_at=timezone.now() - timedelta(days=10))
    new = intake.receive(account, "api", "{}")
    today = timezone.now().date()
    html = merchant_client.get("/requests/", {"from": today.isoformat()}).content.decode()
    assert str(new.id) in html and str(old.id) not in html
    html = merchant_client.get("/requests/", {"to": (today - timedelta(days=5)).isoformat()}).content.decode()
    assert str(old.id) in html and str(new.id) not in html
    # "to" includes the whole day.
    html = merchant_client.get("/requests/", {"from": today.isoformat(), "to": today.isoformat()}).content.decode()
    assert str(new.id) in html
    # A malformed date is ignored rather than an error.
    assert merchant_client.get("/requests/", {"from": "yesterday"}).status_code == 200


def test_htmx_gets_only_the_results(merchant_client, make_order):
    make_order()
    html = merchant_client.get("/requests/", headers={"HX-Request": "true"}).content.decode()
    assert 'data-status="accepted"' in html and "<html" not in html


def test_detail_pretty_prints_json_and_links_the_order(merchant_client, make_order):
    order = make_order("REF-1")
    request = IntakeRequest.objects.get(order=order)
    html = merchant_client.get(f"/requests/{request.id}/").content.decode()
    assert '  &quot;orderReferenceId&quot;: &quot;REF-1&quot;,' in html  # indented, escaped
    assert "JSON, formatted" in html
    assert f'href="/orders/{order.id}/"' in html
    # And the order links back to its request.
    assert f'href="/requests/{request.id}/"' in merchant_client.get(f"/orders/{order.id}/").content.decode()


def test_detail_of_rejected_shows_every_reason_and_raw_body(merchant_client, api):
    api.post("/v4/orders", body="<order>not json</order>")
    request = IntakeRequest.objects.get()
    html = merchant_client.get(f"/requests/{request.id}/").content.decode()
    assert "This request did not become an order" in html
    assert request.reasons
    for reason in request.reasons:
        assert f"<strong>The request:</strong> {reason['message']}" in html
    assert "&lt;order&gt;not json&lt;/order&gt;" in html and "as received" in html


def test_reasons_name_items_and_files_as_people_read_them(merchant_client, api):
    body = order_body("REF-BAD")
    body["items"][0]["itemReferenceId"] = "poster-1"
    body["items"][0]["files"].append({"type": "front", "url": "ftp://files.example/front.pdf"})
    del body["shippingAddress"]["postCode"]
    api.post("/v4/orders", body)
    request = IntakeRequest.objects.get()
    assert {r["field"] for r in request.reasons} == {"items[0].files[1].url", "shippingAddress.postCode"}
    html = merchant_client.get(f"/requests/{request.id}/").content.decode()
    assert "<strong>Item &#x27;poster-1&#x27;, file 2 (front), URL:</strong>" in html
    assert "<strong>The shipping address&#x27;s postal code:</strong>" in html
    reasons = html.split('data-testid="reasons"')[1].split("</section>")[0]
    assert "items[0]" not in reasons and "postCode" not in reasons


def test_duplicate_request_points_to_the_kept_order(merchant_client, api):
    body = order_body("REF-1")
    first = api.post("/v4/orders", body, headers={"Idempotency-Key": "k-1"}).json()
    api.post("/v4/orders", body, headers={"Idempotency-Key": "k-1"})
    duplicate = IntakeRequest.objects.get(status="duplicate")
    html = merchant_client.get(f"/requests/{duplicate.id}/").content.decode()
    assert "the same order sent again" in html and f'href="/orders/{first["id"]}/"' in html
    assert "k-1" in html


def test_an_interrupted_request_says_what_happened(merchant_client, account):
    cut_off = intake.receive(account, "api", "{}")
    IntakeRequest.objects.filter(pk=cut_off.pk).update(received_at=timezone.now() - timedelta(minutes=10))
    intake.mark_interrupted()
    listed = merchant_client.get("/requests/?status=interrupted").content.decode()
    assert 'data-status="interrupted"' in listed and "Cut off before Platen answered; no order was made" in listed
    detail = merchant_client.get(f"/requests/{cut_off.id}/").content.decode()
    assert "The connection ended before Platen answered" in detail and "the sender should send it again" in detail
