"""GET /v4/products, GET /v4/products/{productUid} and POST /v4/orders:quote over HTTP."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from platen.catalog.models import Product

from .factories import HOODIE_BLACK_M, MUG_11OZ, PHOTO_BOOK, POSTER_A4

pytestmark = pytest.mark.django_db

RECIPIENT = {
    "firstName": "Anna", "lastName": "Schmidt", "addressLine1": "Hauptstr. 1", "city": "Berlin",
    "postCode": "10115", "country": "DE", "email": "anna@example.com",
}


def quote(catalog_api: Client, products: list[dict], **overrides):
    body = {"orderReferenceId": "order-77", "customerReferenceId": "cust-1", "currency": "EUR",
            "recipient": dict(RECIPIENT), "products": products}
    body.update(overrides)
    return catalog_api.post("/v4/orders:quote", data=json.dumps(body), content_type="application/json")


def test_the_catalog_needs_an_api_key(api_key):
    for client in (Client(), Client(HTTP_X_API_KEY="plk_wrong_key")):
        response = client.get("/v4/products")
        assert response.status_code == 401
        assert response.json()["code"] == "unauthorized"
    assert quote(Client(), [{"itemReferenceId": "a", "productUid": POSTER_A4, "quantity": 1}]).status_code == 401


def test_list_products(catalog_api):
    response = catalog_api.get("/v4/products")
    assert response.status_code == 200
    products = response.json()["products"]
    assert len(products) == min(50, Product.objects.count())
    assert set(products[0]) == {
        "productUid", "kind", "name", "dimensions", "fileTypes", "minPpi", "pageCount", "weight", "personalizable",
        "maxQuantity", "availability", "prices",
    }


def test_filter_products_by_kind(catalog_api):
    books = catalog_api.get("/v4/products", {"kind": "photo_book"}).json()["products"]
    assert len(books) == 2 and {b["kind"] for b in books} == {"photo_book"}
    hardcover = next(b for b in books if b["productUid"] == PHOTO_BOOK)
    assert hardcover["pageCount"] == {"min": 24, "max": 200, "step": 2}
    assert {"currency": "EUR", "price": 24.9, "pricePerExtraPage": 0.45} in hardcover["prices"]
    assert "CA" not in {a["region"] for a in hardcover["availability"]}


def test_an_unknown_kind_is_a_400_on_the_kind_field(catalog_api):
    response = catalog_api.get("/v4/products", {"kind": "sticker"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["details"][0]["field"] == "kind" and "photo_book" in body["details"][0]["message"]


def test_products_page_with_limit_and_offset(catalog_api):
    first = [p["productUid"] for p in catalog_api.get("/v4/products", {"limit": 5}).json()["products"]]
    second = [p["productUid"] for p in catalog_api.get("/v4/products", {"limit": 5, "offset": 5}).json()["products"]]
    assert len(first) == len(second) == 5 and not set(first) & set(second)
    everything = [p["productUid"] for p in catalog_api.get("/v4/products", {"limit": 100}).json()["products"]]
    assert everything[:10] == first + second


def test_get_one_product(catalog_api):
    response = catalog_api.get(f"/v4/products/{POSTER_A4}")
    assert response.status_code == 200
    poster = response.json()
    assert poster["productUid"] == POSTER_A4 and poster["kind"] == "poster"
    assert poster["dimensions"] == {"width": 210, "height": 297, "bleed": 3, "unit": "mm"}
    assert poster["fileTypes"] == ["pdf", "png", "jpeg", "tiff"] and poster["minPpi"] == 300
    assert poster["pageCount"] is None and poster["weight"] == {"value": 60, "unit": "g"}
    assert {"currency": "GBP", "price": 7.9, "pricePerExtraPage": None} in poster["prices"]
    assert {"region": "EU", "fulfillmentCountry": "DE", "inStock": True} in poster["availability"]


def test_stock_shows_per_region(catalog_api):
    hoodie = catalog_api.get(f"/v4/products/{HOODIE_BLACK_M}").json()
    stock = {a["region"]: a["inStock"] for a in hoodie["availability"]}
    assert stock == {"AU": False, "CA": True, "EU": True, "GB": True, "ROW": True, "US": True}


def test_an_unknown_product_is_a_404_in_the_error_shape(catalog_api):
    response = catalog_api.get("/v4/products/flat_product_pf_a9_nothing")
    assert response.status_code == 404
    body = response.json()
    assert body["code"] == "not_found" and body["details"] == []
    assert "flat_product_pf_a9_nothing" in body["message"]


def test_quote_prices_products_and_every_shipment_method(catalog_api):
    response = quote(catalog_api, [
        {"itemReferenceId": "poster-1", "productUid": POSTER_A4, "quantity": 2,
         "files": [{"type": "default", "url": "https://example.com/a4.pdf"}]},
        {"itemReferenceId": "book-1", "productUid": PHOTO_BOOK, "quantity": 1, "pageCount": 30},
    ])
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["orderReferenceId"] == "order-77"
    [q] = body["quotes"]
    assert q["itemReferenceIds"] == ["poster-1", "book-1"] and q["fulfillmentCountry"] == "DE" and q["id"]
    assert q["products"] == [
        {"itemReferenceId": "poster-1", "productUid": POSTER_A4, "quantity": 2, "price": 17.8, "currency": "EUR"},
        {"itemReferenceId": "book-1", "productUid": PHOTO_BOOK, "quantity": 1, "price": 27.6, "currency": "EUR"},
    ]
    # Three pieces: the first piece's rate plus two further pieces; cheapest first.
    assert [(s["shipmentMethodUid"], s["type"], s["price"]) for s in q["shipmentMethods"]] == [
        ("tracked_post", "normal", 6.47), ("dhl_parcel", "standard", 8.87), ("ups_express_saver", "express", 16.97),
    ]
    assert q["shipmentMethods"][0] == {
        "name": "Tracked Post", "shipmentMethodUid": "tracked_post", "type": "normal", "price": 6.47,
        "currency": "EUR", "minDeliveryDays": 3, "maxDeliveryDays": 6,
    }
    assert b'"price": 6.47' in response.content  # a JSON number, written exactly


def test_quote_rule_problems_are_a_400_with_one_detail_each(catalog_api):
    response = quote(catalog_api, [
        {"itemReferenceId": "a", "productUid": MUG_11OZ, "quantity": 1},
        {"itemReferenceId": "b", "productUid": "mug_product_msz_99-oz", "quantity": 1},
    ], recipient={**RECIPIENT, "country": "CH"})
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "quote_not_possible"
    assert [d["field"] for d in body["details"]] == ["products[1].productUid", "recipient.phone"]
    assert "the recipient's phone number" in body["details"][1]["message"]


def test_quote_request_validation_names_the_wire_field(catalog_api):
    response = quote(catalog_api, [{"itemReferenceId": "a", "productUid": MUG_11OZ, "quantity": 0}],
                     recipient={**RECIPIENT, "country": "de"})
    assert response.status_code == 400
    fields = {d["field"] for d in response.json()["details"]}
    assert fields == {"recipient.country", "products[0].quantity"}


def test_quote_item_reference_ids_must_be_unique(catalog_api):
    response = quote(catalog_api, [{"itemReferenceId": "a", "productUid": MUG_11OZ, "quantity": 1},
                                   {"itemReferenceId": "a", "productUid": POSTER_A4, "quantity": 1}])
    assert response.status_code == 400
    assert [d["field"] for d in response.json()["details"]] == ["products[1].itemReferenceId"]
