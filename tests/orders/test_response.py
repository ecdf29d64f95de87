"""The order response in the reference's shape: shipment, receipts with VAT, totals, billing entity, return
address, processed files and previews (served by Platen through signed links), search results."""

from __future__ import annotations

import io
import time
import uuid
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone
from PIL import Image

from platen.accounts.models import BillingEntity
from platen.catalog.loader import load_catalog
from platen.catalog.models import ProductPrice, ProductPriceBreak, ShipmentRatePrice, VatRate
from platen.catalog.services import vat_rate
from platen.orders.models import Receipt
from platen.preflight import downloads
from platen.production import shipping
from platen.production.models import ProductionJob
from tests.orders.factories import BERLIN, POSTER, order_payload
from tests.orders.test_pipeline import create

pytestmark = pytest.mark.django_db

RECEIPT_TOTALS = [
    f"{part}{suffix}" for part in ("productsPrice", "packagingPrice", "shippingPrice")
    for suffix in ("Initial", "Discount", "", "Vat", "InclVat")
] + ["discount", "discountVat", "discountInclVat", "totalInitial", "total", "totalVat", "totalInclVat"]


def test_the_shipment_is_null_until_the_order_is_checked(api, settle, files):
    created = api.post("/v4/orders", order_payload()).json()
    assert created["shipment"] is None

    order = create(api, settle)
    job = ProductionJob.objects.get(order_id=order["id"])  # routed: the facility's carrier service sets the days
    service, handover = job.carrier_service, shipping.handover_day(job)
    shipment = order["shipment"]
    [package] = shipment.pop("packages")
    assert shipment == {
        "id": shipment["id"], "shipmentMethodName": "Tracked Post", "shipmentMethodUid": "tracked_post",
        "minDeliveryDays": service.min_days, "maxDeliveryDays": service.max_days,
        "minDeliveryDate": (handover + timedelta(days=service.min_days)).isoformat(),
        "maxDeliveryDate": (handover + timedelta(days=service.max_days)).isoformat(),
        "totalWeight": 2 * 90 + 185,  # two A3 posters and a t-shirt, grams
        "fulfillmentCountry": "DE", "packageCount": 1,
    }
    assert package["orderItemIds"] == [i["id"] for i in order["items"]]
    assert package["id"] and package["trackingCode"] is None and package["trackingUrl"] is None


def _catalog_unit_price(uid: str, quantity: int) -> Decimal:
    """One piece's price in EUR as the catalog's rows say (the quantity break that applies, if any)."""
    price_break = ProductPriceBreak.objects.filter(product__uid=uid, currency="EUR", min_quantity__lte=quantity) \
        .order_by("-min_quantity").first()
    return price_break.amount if price_break else ProductPrice.objects.get(product__uid=uid, currency="EUR").amount


def _catalog_shipping_price(method_uid: str, country: str, pieces: int) -> Decimal:
    """The method's price to `country` in EUR from the catalog's rates (a rate for the country wins)."""
    prices = [p for p in ShipmentRatePrice.objects.filter(rate__method__uid=method_uid, currency="EUR")
              .select_related("rate__region") if country in p.rate.region.countries and p.rate.country in ("", country)]
    price = max(prices, key=lambda p: p.rate.country)
    return price.amount + price.additional_item_amount * (pieces - 1)


def _with_vat(net: Decimal, rate: Decimal) -> tuple[float, float]:
    vat = (net * rate / 100).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return float(vat), float(net + vat)


def test_the_create_answer_has_the_receipt_and_total_from_the_catalogs_prices_and_vat(api, settle, files):
    created = api.post("/v4/orders", order_payload()).json()  # to Berlin: two A3 posters and a t-shirt
    assert created["fulfillmentStatus"] == "received" and created["shipment"] is None
    [receipt] = created["receipts"]
    assert receipt["orderId"] == created["id"] and receipt["transactionType"] == "order" and receipt["currency"] == "EUR"
    rate = VatRate.objects.get(country="DE").rate
    poster, shirt = created["items"]
    expected = []
    for item in (poster, shirt):
        unit = _catalog_unit_price(item["productUid"], item["quantity"])
        net = unit * item["quantity"]
        expected.append(("product", item["id"], float(unit), item["quantity"], float(net), *_with_vat(net, rate)))
    shipping = _catalog_shipping_price("tracked_post", "DE", pieces=3)  # the cheapest method to Germany
    expected.append(("shipping", str(uuid.uuid5(uuid.UUID(created["id"]), "shipment")), float(shipping), 1,
                     float(shipping), *_with_vat(shipping, rate)))
    assert [(x["type"], x["referenceId"], x["priceBase"], x["amount"], x["price"], x["vat"], x["priceInclVat"])
            for x in receipt["items"]] == expected
    assert receipt["items"][-1]["title"] == "Tracked Post"
    total = sum(Decimal(str(line[-1])) for line in expected)
    assert receipt["totalInclVat"] == float(total) and created["totalInclVat"] == f"{total:.2f}"
    assert receipt["productsPriceInclVat"] + receipt["shippingPriceInclVat"] == pytest.approx(float(total))
    assert api.get(f"/v4/orders/{created['id']}").json()["receipts"] == created["receipts"]  # as stored

    settle()  # the checks price the order again: the same receipt, and now the shipment it names
    checked = api.get(f"/v4/orders/{created['id']}").json()
    [again] = checked["receipts"]
    assert again["id"] == receipt["id"] and again["totalInclVat"] == receipt["totalInclVat"]
    assert again["items"][-1]["referenceId"] == checked["shipment"]["id"] == expected[-1][1]
    assert Receipt.objects.filter(order_id=created["id"]).count() == 1


def test_a_draft_is_priced_and_its_receipt_follows_its_changes(api):
    draft = api.post("/v4/orders", order_payload(orderType="draft")).json()
    assert draft["fulfillmentStatus"] == "draft" and draft["shipment"] is None
    [receipt] = draft["receipts"]
    assert [x["type"] for x in receipt["items"]] == ["product", "product", "shipping"]

    one_poster = [{"itemReferenceId": "poster-9", "productUid": POSTER, "quantity": 1,
                   "files": [{"type": "default", "url": "https://files.example.com/poster.pdf"}]}]
    patched = api.patch(f"/v4/orders/{draft['id']}", {"items": one_poster}).json()
    [rewritten] = patched["receipts"]
    assert rewritten["id"] == receipt["id"] and Receipt.objects.filter(order_id=draft["id"]).count() == 1
    [poster, shipping] = rewritten["items"]
    assert (poster["referenceId"], poster["amount"]) == (patched["items"][0]["id"], 1)
    assert poster["priceBase"] == float(_catalog_unit_price(POSTER, 1))
    assert shipping["price"] == float(_catalog_shipping_price("tracked_post", "DE", pieces=1))
    assert patched["totalInclVat"] == f"{rewritten['totalInclVat']:.2f}"
    assert Decimal(patched["totalInclVat"]) < Decimal(draft["totalInclVat"])

    unknown = [{**one_poster[0], "productUid": "no-such-product"}]
    unpriced = api.patch(f"/v4/orders/{draft['id']}", {"items": unknown}).json()
    assert unpriced["totalInclVat"] is None and unpriced["receipts"] == []
    assert not Receipt.objects.filter(order_id=draft["id"]).exists()


def test_an_unpriceable_order_answers_null_and_gains_its_receipt_after_a_fix(api, settle, files):
    items = order_payload()["items"]
    items[0]["productUid"] = "no-such-poster"
    created = api.post("/v4/orders", order_payload(items=items)).json()
    assert created["totalInclVat"] is None and created["receipts"] == [] and created["shipment"] is None
    settle()
    failed = api.get(f"/v4/orders/{created['id']}").json()
    assert failed["fulfillmentStatus"] == "failed" and failed["receipts"] == [] and failed["totalInclVat"] is None
    assert [(p["field"], p["code"]) for p in failed["problems"]] == [("items[0].productUid", "unknown_product")]

    fixed = api.patch(f"/v4/orders/{created['id']}", {"items": [{"itemReferenceId": "poster-1", "productUid": POSTER}]})
    assert fixed.status_code == 200, fixed.content
    assert api.post(f"/v4/orders/{created['id']}:reprocess").status_code == 200
    settle()
    order = api.get(f"/v4/orders/{created['id']}").json()
    assert order["fulfillmentStatus"] == "created"
    [receipt] = order["receipts"]
    assert [x["referenceId"] for x in receipt["items"]] == [*(i["id"] for i in order["items"]), order["shipment"]["id"]]
    assert receipt["items"][0]["priceBase"] == float(_catalog_unit_price(POSTER, 2))
    assert order["totalInclVat"] == f"{receipt['totalInclVat']:.2f}"


def test_a_failed_order_that_can_be_priced_keeps_its_receipt_but_has_no_shipment(api, settle, files):
    created = api.post("/v4/orders", order_payload(shippingAddress={**BERLIN, "postCode": "1"})).json()
    settle()
    order = api.get(f"/v4/orders/{created['id']}").json()
    assert order["fulfillmentStatus"] == "failed" and [p["code"] for p in order["problems"]] == ["invalid_address_postal_code"]
    assert order["shipment"] is None
    assert order["receipts"] == created["receipts"] and order["totalInclVat"] == created["totalInclVat"] is not None


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
    record(saved, list(saved.items.all()), checked=True)
    assert Receipt.objects.filter(order_id=order["id"]).count() == 1
    again = api.get(f"/v4/orders/{order['id']}").json()
    assert again["receipts"][0]["totalInclVat"] == order["receipts"][0]["totalInclVat"]
    assert again["receipts"][0]["id"] == order["receipts"][0]["id"]
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


def test_an_expired_link_is_refused(api, settle, files):
    order = create(api, settle)
    link = urlsplit(order["items"][0]["processedFileUrl"])
    name, query = link.path.rsplit("/", 1)[1], parse_qs(link.query)
    assert int(query["expires"][0]) >= time.time() + 7 * 24 * 3600  # valid for at least 7 days
    assert Client().get(_path(order["items"][0]["processedFileUrl"])).status_code == 200
    expired = downloads.signed_path("file", name, expires=int(time.time()) - 1)  # signed right, but past
    assert Client().get(expired).status_code == 404


def test_items_not_yet_fetched_have_no_processed_file_or_previews(api):
    body = api.post("/v4/orders", order_payload()).json()
    assert all(i["processedFileUrl"] is None and i["previews"] == [] and i["options"] == [] for i in body["items"])


def _path(link: str) -> str:
    parts = urlsplit(link)
    return f"{parts.path}?{parts.query}" if parts.query else parts.path
