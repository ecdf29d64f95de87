"""Catalogs, attributes, price breaks and dimensions as data: loaded from the file, edited in the admin, seen by the API."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from platen.accounts.models import User
from platen.catalog import models as m
from platen.catalog.loader import load_catalog
from platen.catalog.services import evaluate_order
from platen.kit.errors import InvalidRequest

from .factories import MUG_11OZ, POSTER_A4, TEE_WHITE_M, order
from .test_catalog_loader import shipped, write

pytestmark = pytest.mark.django_db


@pytest.fixture
def operator() -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser("ops", "ops@example.com", "a long password 123"))
    return client


def test_the_shipped_file_fills_catalogs_attributes_breaks_and_dimensions():
    poster = m.Product.objects.get(uid=POSTER_A4)
    assert poster.catalog.uid == "posters"
    assert {link.attribute.uid: link.value.uid for link in poster.attribute_links.select_related("attribute", "value")} == {
        "ProductType": "poster", "PaperFormat": "A4", "PaperType": "200-gsm-uncoated", "ColorType": "4-0", "Orientation": "ver"}
    assert [(b.currency, b.min_quantity) for b in poster.price_breaks.filter(currency="EUR")] == [("EUR", 10), ("EUR", 50), ("EUR", 100)]
    assert {d.name for d in poster.dimensions.all()} == {"Width", "Height", "Thickness"}
    assert dict(m.Region.objects.values_list("code", "stock_region")) == {
        "EU": "EU", "GB": "UK", "US": "US-CA", "CA": "US-CA", "AU": "OC", "ROW": "ROW"}
    assert not m.Product.objects.filter(catalog=None).exists()


def test_file_edits_of_attributes_and_breaks_apply_and_the_shipped_file_restores_them(tmp_path, api):
    data = shipped()
    tee = next(p for p in data["products"] if p["uid"] == TEE_WHITE_M)
    tee["attributes"] = {**tee["attributes"], "GarmentColor": "black"}
    tee["price_breaks"] = {20: {"EUR": 10.00}}
    tee["dimensions_mm"] = {"Width": 500}
    load_catalog(write(tmp_path, data))

    black = api.post("/v3/catalogs/t-shirts/products:search", {"attributeFilters": {"GarmentColor": ["black"]}}).json()
    assert TEE_WHITE_M in [p["productUid"] for p in black["products"]]
    assert [(p["quantity"], p["price"]) for p in api.get(f"/v3/products/{TEE_WHITE_M}/prices?country=DE&currency=EUR").json()] == [
        (1, 12.5), (20, 200.0)]
    assert evaluate_order(order((TEE_WHITE_M, 20))).items_price == Decimal("200.00")
    assert api.get(f"/v3/products/{TEE_WHITE_M}").json()["dimensions"] == {"Width": {"value": 500, "measureUnit": "mm"}}

    load_catalog()
    assert m.ProductAttributeLink.objects.get(product__uid=TEE_WHITE_M, attribute__uid="GarmentColor").value.uid == "white"
    assert sorted(m.ProductPriceBreak.objects.filter(product__uid=TEE_WHITE_M, currency="EUR").values_list(
        "min_quantity", flat=True)) == [10, 50]


@pytest.mark.parametrize(("mutate", "expected"), [
    (lambda d: d["products"][0].update(catalog="stickers"), "catalog 'stickers' is not defined"),
    (lambda d: d["products"][0].update(attributes={"PaperFormat": "A9"}), "PaperFormat 'A9' is not defined"),
    (lambda d: d["products"][0].update(attributes={"Gloss": "high"}), "Gloss 'high' is not defined"),
    (lambda d: d["product_attributes"][0].update(values=["A4"]), "'values' must map each value uid to its title"),
    (lambda d: d["catalogs"][0].update(uid="posters and more"), "letters, digits"),
    (lambda d: d["products"][0].update(price_breaks={1: {"EUR": 1}}), "greater than or equal to 2"),
    (lambda d: d["products"][0].update(price_breaks={"ten": {"EUR": 1}}), "'ten' is not a quantity"),
])
def test_bad_catalog_data_is_refused_with_a_reason(tmp_path, mutate, expected):
    data = shipped()
    mutate(data)
    with pytest.raises(InvalidRequest, match=expected):
        load_catalog(write(tmp_path, data))


def test_the_product_page_edits_attributes_breaks_and_dimensions_inline(operator):
    poster = m.Product.objects.get(uid=POSTER_A4)
    page = operator.get(reverse("admin:catalog_product_change", args=[poster.pk])).content.decode()
    for field in ('name="price_breaks-0-min_quantity"', 'name="attribute_links-0-value"', 'name="dimensions-0-value_mm"',
                  'name="catalog"'):
        assert field in page


def test_an_attribute_value_of_another_attribute_is_refused(operator):
    link = m.ProductAttributeLink.objects.get(product__uid=MUG_11OZ, attribute__uid="MugSize")
    wrong = m.ProductAttributeValue.objects.get(attribute__uid="GarmentSize", uid="M")
    link.value = wrong
    with pytest.raises(Exception, match="is not a value of MugSize"):
        link.full_clean()


def test_a_saved_price_break_reaches_prices_and_orders_at_once(api):
    mug = m.Product.objects.get(uid=MUG_11OZ)
    api.get(f"/v3/products/{MUG_11OZ}/prices")  # the catalog snapshot is warm
    m.ProductPriceBreak.objects.create(product=mug, currency="EUR", min_quantity=100, amount=Decimal("5.00"))
    assert (100, 500.0) in [(p["quantity"], p["price"]) for p in api.get(f"/v3/products/{MUG_11OZ}/prices?country=DE&currency=EUR").json()]
    assert evaluate_order(order((MUG_11OZ, 100))).items_price == Decimal("500.00")
