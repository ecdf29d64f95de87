"""Cancel, reprocess and shipping-address edits from the order page."""

import pytest

from platen.orders.statuses import Financial, Fulfillment
from tests.dashboard.conftest import ADDRESS, move_to_printed

pytestmark = pytest.mark.django_db

VALID_FORM = {
    "firstName": "Ada", "lastName": "Byron", "companyName": "", "addressLine1": "Friedrichstr. 43", "addressLine2": "3. OG",
    "city": "Berlin", "postCode": "10969", "state": "", "email": "ada@example.com", "phone": "+49 30 123456",
    "federalTaxId": "", "stateTaxId": "",
}


def test_cancel(merchant_client, make_order):
    order = make_order("REF-1")
    response = merchant_client.post(f"/orders/{order.id}/cancel/", {"reason": "Customer changed their mind"}, follow=True)
    assert response.redirect_chain == [(f"/orders/{order.id}/", 302)]
    html = response.content.decode()
    assert "The order was canceled." in html
    order.refresh_from_db()
    assert order.fulfillment_status == Fulfillment.CANCELED and order.financial_status == Financial.CANCELED
    assert "Cancellation requested" in html and "Customer changed their mind" in html
    assert "Status changed from created to canceled" in html and "by merchant@acme.test" in html
    # Nothing left to cancel or edit.
    assert "Cancel order" not in html and "Edit shipping address" not in html
    assert "The order is canceled; it can no longer be changed." in html


def test_cancel_needs_post(merchant_client, make_order):
    order = make_order()
    assert merchant_client.get(f"/orders/{order.id}/cancel/").status_code == 405
    order.refresh_from_db()
    assert order.fulfillment_status == Fulfillment.CREATED


def test_cancel_needs_csrf(merchant, make_order):
    from django.test import Client

    order = make_order()
    client = Client(enforce_csrf_checks=True)
    client.force_login(merchant)
    assert client.post(f"/orders/{order.id}/cancel/").status_code == 403
    order.refresh_from_db()
    assert order.fulfillment_status == Fulfillment.CREATED


def test_cancel_refused_once_printed(merchant_client, make_order):
    order = make_order("REF-1")
    move_to_printed(order)
    html = merchant_client.get(f"/orders/{order.id}/").content.decode()
    assert "Cancel order" not in html and "Edit shipping address" not in html
    assert "Once an item is printed" in html
    # A stale page (or a hand-made POST) still cannot cancel: the service refuses and the page says why.
    response = merchant_client.post(f"/orders/{order.id}/cancel/", follow=True)
    assert "cannot be canceled" in response.content.decode()
    order.refresh_from_db()
    assert order.fulfillment_status == Fulfillment.PRINTED
    assert not order.events.filter(type="cancel_requested").exists()


def test_address_form_is_prefilled_and_country_read_only(merchant_client, make_order):
    order = make_order()
    html = merchant_client.get(f"/orders/{order.id}/address/").content.decode()
    assert 'name="firstName"' in html and 'value="Unter den Linden 1"' in html and 'value="10117"' in html
    assert 'name="country"' not in html
    assert 'data-testid="country">DE<' in html


def test_address_edit_saves_and_records_history(merchant_client, make_order):
    order = make_order()
    response = merchant_client.post(f"/orders/{order.id}/address/", VALID_FORM, follow=True)
    assert response.redirect_chain == [(f"/orders/{order.id}/", 302)]
    html = response.content.decode()
    assert "The shipping address was saved." in html
    address = order.shipping_address
    address.refresh_from_db()
    assert (address.last_name, address.address_line1, address.address_line2, address.post_code, address.country) == (
        "Byron", "Friedrichstr. 43", "3. OG", "10969", "DE")
    assert "Shipping address changed" in html
    assert "postal code: 10117 → 10969" in html and "last name: Lovelace → Byron" in html


def test_address_edit_with_invalid_post_code_changes_nothing(merchant_client, make_order):
    order = make_order()
    events_before = order.events.count()
    response = merchant_client.post(f"/orders/{order.id}/address/", {**VALID_FORM, "postCode": "ABC"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "The new address is not valid; nothing was changed." in html
    assert 'class="field has-error field-postCode"' in html
    assert "The postal code is not valid for Germany" in html
    assert 'value="ABC"' in html  # what was typed stays, to be corrected
    address = order.shipping_address
    address.refresh_from_db()
    assert (address.post_code, address.last_name) == ("10117", "Lovelace")
    assert order.events.count() == events_before


def test_address_edit_with_missing_and_too_long_fields(merchant_client, make_order):
    order = make_order()
    response = merchant_client.post(f"/orders/{order.id}/address/", {**VALID_FORM, "city": "", "firstName": "x" * 30})
    html = response.content.decode()
    assert 'class="field has-error field-city"' in html and "This field is required." in html
    assert 'class="field has-error field-firstName"' in html and "at most 25 characters" in html
    order.shipping_address.refresh_from_db()
    assert order.shipping_address.city == "Berlin"


def test_address_country_cannot_be_posted(merchant_client, make_order):
    order = make_order()
    merchant_client.post(f"/orders/{order.id}/address/", {**VALID_FORM, "country": "FR"})
    order.shipping_address.refresh_from_db()
    assert order.shipping_address.country == "DE"


def test_address_edit_refused_once_printed(merchant_client, make_order):
    order = make_order()
    move_to_printed(order)
    page = merchant_client.get(f"/orders/{order.id}/address/").content.decode()
    assert "can no longer be changed" in page and 'data-testid="address-form"' not in page
    response = merchant_client.post(f"/orders/{order.id}/address/", VALID_FORM)
    assert "already printed" in response.content.decode()
    order.shipping_address.refresh_from_db()
    assert order.shipping_address.post_code == "10117"


def test_fix_address_then_reprocess(merchant_client, make_order, settle):
    order = make_order("BAD-1", shippingAddress={**ADDRESS, "postCode": "ABC"})
    merchant_client.post(f"/orders/{order.id}/address/", {**VALID_FORM, "postCode": "10117"})
    response = merchant_client.post(f"/orders/{order.id}/reprocess/", follow=True)
    html = response.content.decode()
    assert "being checked again" in html
    assert "Reprocess requested" in html and "Status changed from failed to received" in html
    settle()
    order.refresh_from_db()
    assert order.fulfillment_status == Fulfillment.CREATED and order.problems == []


def test_reprocess_still_failing_shows_the_problems_again(merchant_client, make_order, settle):
    order = make_order("BAD-1", shippingAddress={**ADDRESS, "postCode": "ABC"})
    merchant_client.post(f"/orders/{order.id}/reprocess/")
    settle()
    html = merchant_client.get(f"/orders/{order.id}/").content.decode()
    assert "This order failed its checks" in html and "The postal code is not valid for Germany" in html


def test_reprocess_refused_for_passed_order(merchant_client, make_order):
    order = make_order()
    html = merchant_client.post(f"/orders/{order.id}/reprocess/", follow=True).content.decode()
    assert "Only failed orders can be reprocessed" in html


def test_items_show_the_product_name(merchant_client, make_order):
    order = make_order("REF-NAMES")
    html = merchant_client.get(f"/orders/{order.id}/").content.decode()
    assert '<div class="item-name">Poster A3 (200 gsm uncoated)</div>' in html
