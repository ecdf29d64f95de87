"""Problem messages are sentences for people: no API calls, no wire field names; shipment methods by the
names people read."""

import re

import pytest

from platen.catalog.models import ShipmentMethod
from platen.catalog.services import evaluate_order
from platen.dashboard.templatetags.dashboard import shipment_method
from platen.orders.models import Order
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


def test_shipment_method_reads_as_a_name_not_a_uid():
    ShipmentMethod.objects.filter(uid="dhl_parcel").update(name="DHL Parcel")
    assert shipment_method(Order(shipment_method_name="UPS Express Saver")) == "UPS Express Saver"
    assert shipment_method(Order(requested_shipment_method="express")) == "Express"
    assert shipment_method(Order(requested_shipment_method="dhl_parcel, standard")) == "DHL Parcel, Standard"
