"""Problem messages are sentences for people: no API calls, no wire field names; phone examples of the
destination; shipment methods by the names people read."""

import re

import pytest

from platen.catalog.models import ShipmentMethod
from platen.catalog.services import evaluate_order
from platen.dashboard.templatetags.dashboard import shipment_method
from platen.orders.checks import address_problems
from platen.orders.models import Address, Order
from tests.catalog.factories import PHOTO_BOOK, POSTER_A4, order

pytestmark = pytest.mark.django_db
WIRE = re.compile(r"\b[a-z]+[A-Z]\w*\b|\b(GET|POST|PUT|PATCH|DELETE) /|\w\[\d+\]|/v\d/")


def test_rule_messages_name_no_api_call_or_wire_field():
    results = [
        evaluate_order(order(("no-such-product", 1), (PHOTO_BOOK, 1), (POSTER_A4, 1), shipment_method="teleport")),
        evaluate_order(order((POSTER_A4, 1), country="AU", state="NSW", shipment_method="standard")),
        evaluate_order(order((POSTER_A4, 1), country="CH")),
        evaluate_order(order((POSTER_A4, 1), country="BR", state="SP", currency="EUR")),
    ]
    messages = [p.message for r in results for p in r.problems]
    assert len(messages) >= 5
    for message in messages:
        assert not WIRE.search(message), message
    assert any("choose a product from the catalog" in m for m in messages)


@pytest.mark.parametrize(("country", "example"), [("DE", "+49 30 123456"), ("US", "+1 201-555-0123"), ("FR", "+33 1 23 45 67 89")])
def test_phone_example_is_of_the_destination(country, example):
    [problem] = address_problems(Address(country=country, phone="12", first_name="A", last_name="B",
                                         address_line1="x", city="y", post_code=""), "shippingAddress")[-1:]
    assert problem.code == "invalid_phone" and example in problem.message


def test_shipment_method_reads_as_a_name_not_a_uid():
    ShipmentMethod.objects.filter(uid="dhl_parcel").update(name="DHL Parcel")
    assert shipment_method(Order(shipment_method_name="UPS Express Saver")) == "UPS Express Saver"
    assert shipment_method(Order(requested_shipment_method="express")) == "Express"
    assert shipment_method(Order(requested_shipment_method="dhl_parcel, standard")) == "DHL Parcel, Standard"
