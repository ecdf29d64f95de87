"""Wire field paths as people read them (orders/fields.py): the one mapping pages and e-mails use."""

import pytest

from platen.orders.fields import ItemName, field_label, names_from_payload, readable

NAMES = {0: ItemName("poster-1", ["default", "front"]), 1: ItemName("mug-2", [])}


@pytest.mark.parametrize(("path", "label"), [
    ("shippingAddress.postCode", "the shipping address's postal code"),
    ("shippingAddress.phone", "the shipping address's phone number"),
    ("returnAddress.country", "the return address's country"),
    ("recipient.federalTaxId", "the recipient's federal tax id"),
    ("items[0].files[1]", "item 'poster-1', file 2 (front)"),
    ("items[0].files[0]", "item 'poster-1', file 1"),
    ("items[0].files[1].url", "item 'poster-1', file 2 (front), URL"),
    ("items[1].productUid", "item 'mug-2', product"),
    ("items[1].pageCount", "item 'mug-2', page count"),
    ("items[0].files", "item 'poster-1', print files"),
    ("items[5].quantity", "item 6, quantity"),
    ("items", "the items"),
    ("shipmentMethodUid", "the shipment method"),
    ("currency", "the currency"),
    ("body", "the request"),
    ("", "the request"),
    ("metadata[2].value", "the order's note 3, value"),
    ("items[0].storeProductVariantId", "item 'poster-1', store product"),
    ("someNewField", "the some new field"),
])
def test_labels(path, label):
    assert field_label(path, NAMES) == label


def test_no_wire_name_survives_in_any_label():
    paths = ["shippingAddress.postCode", "items[0].productUid", "items[0].files[1]", "shipmentMethodUid",
             "shippingAddress.federalTaxId", "orderReferenceId", "items[1].pageCount"]
    for path in paths:
        label = field_label(path, NAMES)
        assert "[" not in label and "." not in label and not any(c.isupper() for c in label.replace("URL", "")), label


def test_names_from_a_raw_payload_tolerate_anything():
    body = {"items": [{"itemReferenceId": "a", "files": [{"type": "cover"}, "junk"]}, "junk", {"files": None}]}
    names = names_from_payload(body)
    assert names[0] == ItemName("a", ["cover", "default"]) and 1 not in names and names[2] == ItemName("", [])
    assert field_label("items[0].files[0]", names) == "item 'a', file 1 (cover)"
    assert field_label("items[2].quantity", names) == "item 3, quantity"
    assert names_from_payload([1, 2]) == {} and names_from_payload({"items": "x"}) == {}


def test_readable_keeps_the_wire_field():
    [p] = readable([{"field": "items[1].quantity", "code": "quantity_limit", "message": "Too many."}], NAMES)
    assert p == {"field": "items[1].quantity", "code": "quantity_limit", "message": "Too many.", "label": "item 'mug-2', quantity"}
