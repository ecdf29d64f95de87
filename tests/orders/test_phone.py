"""Phone numbers: missing or invalid is a warning, unless customs or the chosen carrier need the number; then
the order fails with a sentence that says which, and an example number of the destination's country."""

from __future__ import annotations

import copy

import pytest
from django.test import Client

from platen.accounts import services as accounts
from platen.catalog.models import ShipmentMethod
from platen.catalog.services import phone_needed
from tests.orders.factories import BERLIN, NEW_YORK, TSHIRT
from tests.orders.test_pipeline import create

pytestmark = pytest.mark.django_db

US_EXAMPLE = "+1 201-555-0123"  # phonenumbers' example mobile number of each country
DE_EXAMPLE = "+49 1512 3456789"


def shipping(base, **changes) -> dict:
    address = {**copy.deepcopy(base), **changes}
    return {k: v for k, v in address.items() if v is not None}


def by_code(entries) -> dict:
    return {e["code"]: e for e in entries}


def test_a_bad_phone_the_shipment_does_not_need_is_a_warning(api, settle, files):
    order = create(api, settle, shippingAddress=shipping(BERLIN, phone="12"))
    assert order["fulfillmentStatus"] == "created" and order["problems"] == []
    warning = by_code(order["warnings"])["invalid_phone"]
    assert warning["field"] == "shippingAddress.phone"
    assert "'12'" in warning["message"] and "Germany" in warning["message"] and DE_EXAMPLE in warning["message"]


def test_a_missing_phone_the_shipment_does_not_need_is_a_warning(api, settle, files):
    order = create(api, settle, currency="USD", shippingAddress=shipping(NEW_YORK, phone=None))
    assert order["fulfillmentStatus"] == "created"
    assert US_EXAMPLE in by_code(order["warnings"])["missing_phone"]["message"]


def test_express_carrier_needs_the_phone(api, settle):
    order = create(api, settle, currency="USD", shipmentMethodUid="express", shippingAddress=shipping(NEW_YORK, phone=None))
    assert order["fulfillmentStatus"] == "failed"
    problem = by_code(order["problems"])["carrier_phone_required"]
    assert problem["field"] == "shippingAddress.phone"
    assert problem["message"] == (
        "The carrier for UPS Express Saver shipping to the United States needs the recipient's phone number: "
        f"add it to the shipping address with the country code, for example {US_EXAMPLE}."
    )
    assert order["warnings"] == []


def test_express_carrier_refuses_an_invalid_phone(api, settle):
    order = create(api, settle, currency="USD", shipmentMethodUid="ups_express_saver",
                   shippingAddress=shipping(NEW_YORK, phone="555"))
    message = by_code(order["problems"])["invalid_phone"]["message"]
    assert message.startswith("The carrier for UPS Express Saver shipping to the United States needs")
    assert "'555' is not a valid number" in message


def test_customs_need_a_valid_phone(api, settle):
    zurich = shipping(BERLIN, city="Zurich", postCode="8001", country="CH", phone="12")
    order = create(api, settle, items=[{"itemReferenceId": "s", "productUid": TSHIRT, "quantity": 1}], shippingAddress=zurich)
    assert order["fulfillmentStatus"] == "failed"
    [problem] = [p for p in order["problems"] if p["field"] == "shippingAddress.phone"]
    assert problem["code"] == "invalid_phone"
    assert "Shipments from Germany to Switzerland cross a customs border" in problem["message"]
    assert "+41 78 123 45 67" in problem["message"]


def test_which_methods_need_a_phone_is_catalog_data(api, settle, files):
    assert phone_needed("US", "ups_express_saver") == ("carrier", "UPS Express Saver")
    assert phone_needed("US", "usps_ground_advantage") is None
    assert phone_needed("CH", "tracked_post") == ("customs", "DE")
    ShipmentMethod.objects.filter(uid="ups_express_saver").update(requires_phone=False)
    from platen.catalog.models import CatalogVersion

    CatalogVersion.bump()  # a bulk update sends no signal
    order = create(api, settle, currency="USD", shipmentMethodUid="express", shippingAddress=shipping(NEW_YORK, phone=None))
    assert order["fulfillmentStatus"] == "created" and "missing_phone" in by_code(order["warnings"])


def test_warnings_and_previews_show_on_the_order_page(api, account, settle, files):
    order = create(api, settle, shippingAddress=shipping(BERLIN, phone="12"))
    client = Client()
    client.force_login(accounts.create_user(account, "merchant@acme.test", "correct horse battery staple"))
    page = client.get(f"/orders/{order['id']}/").content.decode()
    assert 'data-testid="warnings"' in page and "does not look like a valid number in Germany" in page
    assert "shippingAddress.phone" not in page.split('data-testid="warnings"')[1].split("</section>")[0]
    assert page.count('class="preview-thumb"') == 2
    thumbnail = page.split('class="preview-thumb" src="')[1].split('"')[0].replace("&amp;", "&")
    image = client.get(thumbnail)
    assert image.status_code == 200 and image["Content-Type"] == "image/png"
