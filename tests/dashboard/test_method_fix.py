"""Choosing another shipping method for a failed order from its page (Django's client)."""

from __future__ import annotations

import re

import pytest

from platen.orders.models import Order
from platen.orders.statuses import Fulfillment
from tests.dashboard.conftest import ADDRESS, _client_for

pytestmark = pytest.mark.django_db


def method_card(html: str) -> str:
    start = html.index('data-testid="method-fix"')
    return html[start:html.index("</section>", start)]


def test_the_methods_that_deliver_show_by_name_with_price_and_days(merchant_client, make_order):
    order = make_order(shipmentMethodUid="pigeon")
    html = merchant_client.get(f"/orders/{order.id}/").content.decode()
    card = method_card(html)
    assert "Choose another shipping method" in card
    # Berlin, two posters in EUR: the catalog's quote, cheapest first, in words people read.
    assert "Tracked Post" in card and re.search(r"\d+\.\d\d EUR · \d+(–\d+)? days to deliver", card)
    assert "USPS" not in card  # does not deliver to Germany
    assert 'value="tracked_post"' in card and ">tracked_post<" not in card


def test_choosing_a_method_fixes_the_order_and_the_history_names_it(merchant_client, make_order, settle):
    order = make_order(shipmentMethodUid="pigeon")
    html = merchant_client.post(f"/orders/{order.id}/shipment-method/", {"method": "tracked_post"}, follow=True).content.decode()
    assert "The order now ships with Tracked Post" in html
    assert 'data-testid="method-fix"' not in html and 'data-testid="problems"' not in html
    assert "Shipment method changed from pigeon to Tracked Post" in html and "by merchant@acme.test" in html
    order.refresh_from_db()
    assert order.requested_shipment_method == "tracked_post" and order.total_incl_vat is not None

    merchant_client.post(f"/orders/{order.id}/reprocess/")
    settle()
    order.refresh_from_db()
    assert order.fulfillment_status == Fulfillment.CREATED and order.shipment_method_name == "Tracked Post"


def test_a_refused_method_is_a_message_and_changes_nothing(merchant_client, make_order):
    order = make_order(shipmentMethodUid="pigeon")
    html = merchant_client.post(f"/orders/{order.id}/shipment-method/", {"method": "owl"}, follow=True).content.decode()
    assert "There is no shipment method" in html and "owl" in html
    assert Order.objects.get(pk=order.pk).requested_shipment_method == "pigeon"


def test_another_account_cannot_change_it(make_order, other_merchant):
    order = make_order(shipmentMethodUid="pigeon")
    response = _client_for(other_merchant).post(f"/orders/{order.id}/shipment-method/", {"method": "express"})
    assert response.status_code == 404
    assert Order.objects.get(pk=order.pk).requested_shipment_method == "pigeon"


def test_an_order_without_a_method_problem_offers_no_method_form(merchant_client, make_order):
    order = make_order()
    assert order.fulfillment_status == Fulfillment.CREATED
    assert 'data-testid="method-fix"' not in merchant_client.get(f"/orders/{order.id}/").content.decode()
    response = merchant_client.post(f"/orders/{order.id}/shipment-method/", {"method": "express"}, follow=True)
    assert "not failed" in response.content.decode()
    assert Order.objects.get(pk=order.pk).requested_shipment_method == ""


def test_the_methods_show_while_other_problems_are_left(merchant_client, make_order):
    """Zürich without a phone (customs need one) and an unknown method: both are fixed on the page, in any order."""
    zurich = {**ADDRESS, "addressLine1": "Bahnhofstrasse 1", "city": "Zürich", "postCode": "8001", "country": "CH",
              "phone": None}
    order = make_order(shipmentMethodUid="pigeon", shippingAddress=zurich)
    assert {p["code"] for p in order.problems} == {"unknown_shipment_method", "cross_border_phone_required"}
    card = method_card(merchant_client.get(f"/orders/{order.id}/").content.decode())
    assert 'name="method"' in card and "Tracked Post" in card
