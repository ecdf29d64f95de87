"""The order response in the reference's shape: shipment, receipts with VAT, totals, billing entity, return
address, processed files and previews (served by Platen through signed links), search results."""

from __future__ import annotations

import io
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from PIL import Image

from platen.accounts.models import BillingEntity
from platen.catalog.loader import load_catalog
from platen.catalog.services import vat_rate
from platen.orders.models import Receipt
from tests.orders.factories import order_payload
from tests.orders.test_pipeline import create

pytestmark = pytest.mark.django_db

RECEIPT_TOTALS = [
    f"{part}{suffix}" for part in ("productsPrice", "packagingPrice", "shippingPrice")
    for suffix in ("Initial", "Discount", "", "Vat", "InclVat")
] + ["discount", "discountVat", "discountInclVat", "totalInitial", "total", "totalVat", "totalInclVat"]


def test_shipment_and_receipts_are_absent_until_the_order_is_checked_and_priced(api, settle, files):
    created = api.post("/v4/orders", order_payload()).json()
    assert created["shipment"] is None and created["receipts"] == [] and created["totalInclVat"] is None

    order = create(api, settle)
    today = timezone.now().date()
    shipment = order["shipment"]
    [package] = shipment.pop("packages")
    assert shipment == {
        "id": shipment["id"], "shipmentMethodName": "Tracked Post", "shipmentMethodUid": "tracked_post",
        "minDeliveryDays": 3, "maxDeliveryDays": 6,
        "minDeliveryDate": (today + timedelta(days=3)).isoformat(), "maxDeliveryDate": (today + timedelta(days=6)).isoformat(),
        "totalWeight": 2 * 90 + 185,  # two A3 posters and a t-shirt, grams
        "fulfillmentCountry": "DE", "packageCount": 1,
    }
    assert package["orderItemIds"] == [i["id"] for i in order["items"]]
    assert package["id"] and package["trackingCode"] is None and package["trackingUrl"] is None


def test_the_receipt_has_product_and_shipping_lines_with_the_destinations_vat(api, settle, files):
    order = create(api, settle)  # to Berlin: 19 % German VAT
    [receipt] = order["receipts"]
    assert receipt["orderId"] == order["id"] and receipt["transactionType"] == "order" and receipt["currency"] == "EUR"
    lines = [(x["type"], x["referenceId"], x["title"], x["priceBase"], x["amount"], x["price"], x["vat"], x["priceInclVat"])
             for x in receipt["items"]]
    poster, shirt = order["items"]
    assert lines == [
        ("product", poster["id"], "Poster A3 (200 gsm uncoated)", 11.9, 2, 23.8, 4.52, 28.32),
        ("product", shirt["id"], "Classic unisex t-shirt (white, M)", 12.5, 1, 12.5, 2.38, 14.88),
        ("shipping", order["shipment"]["id"], "Tracked Post", 6.47, 1, 6.47, 1.23, 7.7),
    ]
    assert all(x["receiptId"] == receipt["id"] and x["currency"] == "EUR" and x["discount"] == 0 for x in receipt["items"])
    assert {k: receipt[k] for k in RECEIPT_TOTALS} == {
        "productsPriceInitial": 36.3, "productsPriceDiscount": 0, "productsPrice": 36.3, "productsPriceVat": 6.9,
        "productsPriceInclVat": 43.2,
        "packagingPriceInitial": 0, "packagingPriceDiscount": 0, "packagingPrice": 0, "packagingPriceVat": 0,
        "packagingPriceInclVat": 0,
        "shippingPriceInitial": 6.47, "shippingPriceDiscount": 0, "shippingPrice": 6.47, "shippingPriceVat": 1.23,
        "shippingPriceInclVat": 7.7,
        "discount": 0, "discountVat": 0, "discountInclVat": 0,
        "totalInitial": 42.77, "total": 42.77, "totalVat": 8.13, "totalInclVat": 50.9,
    }
    assert order["totalInclVat"] == "50.90"
    row = api.post("/v4/orders:search", {"ids": [order["id"]]}).json()["orders"][0]
    assert row["totalInclVat"] == "50.90" and row["customerReferenceId"] == "customer-42"


def test_checking_again_rewrites_the_one_receipt(api, settle, files):
    order = create(api, settle)
    from platen.orders.models import Order
    from platen.orders.services.pricing import record

    saved = Order.objects.select_related("shipping_address").get(pk=order["id"])
    record(saved, list(saved.items.all()))
    assert Receipt.objects.filter(order_id=order["id"]).count() == 1
    again = api.get(f"/v4/orders/{order['id']}").json()
    assert again["receipts"][0]["totalInclVat"] == order["receipts"][0]["totalInclVat"]
    assert again["shipment"]["id"] == order["shipment"]["id"]


def test_a_failed_order_has_no_shipment_or_receipt(api, settle):
    order = create(api, settle, items=[{"itemReferenceId": "x", "productUid": "nope", "quantity": 1,
                                         "files": [{"url": "https://files.example.com/a.pdf"}]}])
    assert order["fulfillmentStatus"] == "failed"
    assert order["shipment"] is None and order["receipts"] == [] and order["totalInclVat"] is None


def test_vat_rates_are_catalog_data(tmp_path):
    assert vat_rate("DE") == 19 and vat_rate("FI") == vat_rate("fi") and vat_rate("US") == 0
    assert vat_rate("NO") == 25  # quoted in the file: YAML would read NO as false
    edited = tmp_path / "catalog.yaml"
    from platen.catalog.loader import DEFAULT_PATH

    edited.write_text(DEFAULT_PATH.read_text().replace("  DE: 19\n", "  DE: 7\n"))
    load_catalog(edited)
    assert vat_rate("DE") == 7


def test_billing_entity_is_null_until_the_accounts_billing_details_are_complete(api, account, files, settle):
    # The original always sends a complete entity and its clients require its fields (mcp-server-gelato's
    # BillingEntity does): null, like the shipment, rather than a half entity with no address.
    order = create(api, settle)
    assert order["billingEntity"] is None
    details = BillingEntity.objects.create(account=account, company_name="Acme Prints GmbH", company_number="HRB 12345")
    assert api.get(f"/v4/orders/{order['id']}").json()["billingEntity"] is None
    with pytest.raises(ValidationError) as refused:
        details.full_clean()
    assert set(refused.value.message_dict) == {"recipient_name", "address_line1", "city", "post_code", "country", "email"}
    BillingEntity.objects.filter(pk=details.pk).update(
        company_vat_number="DE123456789", recipient_name="Accounts payable", address_line1="Torstrasse 1",
        city="Berlin", post_code="10119", country="DE", email="billing@acme.test")
    assert api.get(f"/v4/orders/{order['id']}").json()["billingEntity"] == {
        "companyName": "Acme Prints GmbH", "companyNumber": "HRB 12345", "companyVatNumber": "DE123456789",
        "recipientName": "Accounts payable", "addressLine1": "Torstrasse 1", "addressLine2": None, "city": "Berlin",
        "postCode": "10119", "state": None, "country": "DE", "email": "billing@acme.test", "phone": None,
    }


def test_the_return_address_is_echoed_in_its_own_shape(api):
    sent = {"companyName": "Acme Returns", "addressLine1": "Hafenstrasse 5", "addressLine2": "Tor 3", "city": "Hamburg",
            "postCode": "20457", "state": None, "country": "DE", "email": "returns@acme.test", "phone": "+49 40 123456"}
    body = api.post("/v4/orders", order_payload(returnAddress=sent)).json()
    assert body["returnAddress"] == sent
    assert "firstName" not in body["returnAddress"]


def test_processed_files_and_previews_are_signed_platen_links(api, other_api, settle, files):
    order = create(api, settle)
    poster, shirt = order["items"]
    for item in (poster, shirt):
        link = item["processedFileUrl"]
        assert link.startswith(settings.PLATEN.base_url + "/stored/files/") and "signature=" in link
        assert link != item["files"][0]["url"] and item["files"][0]["processedFileUrl"] == link
        [preview] = item["previews"]
        assert preview["type"] == item["files"][0]["type"]

    again = api.get(f"/v4/orders/{order['id']}").json()["items"][0]
    assert again["processedFileUrl"] == poster["processedFileUrl"] and again["previews"] == poster["previews"]

    anyone = Client()  # the link is the permission, as with a pre-signed storage URL: no key needed
    stored = anyone.get(_path(poster["processedFileUrl"]))
    assert stored.status_code == 200 and stored["Content-Type"] == "application/pdf"
    assert b"".join(stored.streaming_content).startswith(b"%PDF")
    assert "sandbox" in stored["Content-Security-Policy"] and stored["X-Content-Type-Options"] == "nosniff"
    for item in (poster, shirt):
        image = anyone.get(_path(item["previews"][0]["url"]))
        assert image.status_code == 200 and image["Content-Type"] == "image/png"
        thumbnail = Image.open(io.BytesIO(b"".join(image.streaming_content)))
        assert thumbnail.format == "PNG" and max(thumbnail.size) == 300

    link = _path(poster["processedFileUrl"])
    assert anyone.get(link.replace("signature=", "signature=x")).status_code == 404
    assert anyone.get(link.replace(".pdf?", ".png?")).status_code == 404  # the signature covers the name
    assert anyone.get(link.split("?")[0]).status_code == 404
    assert anyone.post(link).status_code == 405


def test_an_expired_link_is_refused(api, settle, files, monkeypatch):
    order = create(api, settle)
    link = _path(order["items"][0]["processedFileUrl"])
    import time as clock

    now = clock.time()
    monkeypatch.setattr("platen.preflight.downloads.time.time", lambda: now + 7 * 24 * 3600 - 1)
    assert Client().get(link).status_code == 200  # valid for at least 7 days
    monkeypatch.setattr("platen.preflight.downloads.time.time", lambda: now + 8 * 24 * 3600 + 1)
    assert Client().get(link).status_code == 404


def test_items_not_yet_fetched_have_no_processed_file_or_previews(api):
    body = api.post("/v4/orders", order_payload()).json()
    assert all(i["processedFileUrl"] is None and i["previews"] == [] and i["options"] == [] for i in body["items"])


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
