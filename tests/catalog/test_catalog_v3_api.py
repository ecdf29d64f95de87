"""The v3 catalog endpoints over HTTP, checked against values computed from the shipped catalog file.

Every answer is also parsed with the strict client models of tests/contract/shapes.py (written from the
reference), as a client of the original would.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

import pytest
import yaml
from pydantic import TypeAdapter

from platen.catalog import models as m
from platen.catalog.loader import DEFAULT_PATH
from platen.catalog.services import evaluate_order

from tests.contract import shapes as wire

from .factories import CARD_A5_FOLDED, FRAMED_A4, HOODIE_BLACK_M, PHOTO_BOOK, POSTER_A4, TEE_WHITE_M, order

CATALOGS = TypeAdapter(list[wire.CatalogSummary])
PRICES = TypeAdapter(list[wire.Price])

pytestmark = pytest.mark.django_db

FILE = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
PRODUCTS = {p["uid"]: p for p in FILE["products"]}
ATTRIBUTES = {a["uid"]: a for a in FILE["product_attributes"]}


def in_catalog(catalog: str) -> list[dict]:
    return sorted((p for p in FILE["products"] if p.get("catalog") == catalog), key=lambda p: p["uid"])


def matching(catalog: str, filters: dict[str, list[str]]) -> list[dict]:
    return [p for p in in_catalog(catalog) if all(not wanted or p["attributes"].get(a) in wanted for a, wanted in filters.items())]


def hits_of(products: list[dict]) -> dict[str, dict[str, int]]:
    counts: dict[str, Counter] = {}
    for p in products:
        for attribute, value in p["attributes"].items():
            counts.setdefault(attribute, Counter())[value] += 1
    return {a: dict(c) for a, c in counts.items()}


def search(api, catalog: str, body: dict):
    return api.post(f"/v3/catalogs/{catalog}/products:search", body)


def assert_error(response, status: int, code: str, field: str | None = None):
    assert response.status_code == status, response.content
    body = wire.Error.model_validate(response.json())
    assert body.code == code
    if field is not None:
        assert field in [d.field for d in body.details], body.details
    return body


def test_catalogs_are_listed_as_in_the_file(api):
    response = api.get("/v3/catalogs")
    assert response.status_code == 200
    catalogs = CATALOGS.validate_python(response.json())
    assert [(c.catalogUid, c.title) for c in catalogs] == [(c["uid"], c["title"]) for c in FILE["catalogs"]]
    assert {"posters", "canvas", "framed-posters", "t-shirts", "hoodies", "mugs", "cards", "photo-books"} <= {
        c.catalogUid for c in catalogs}


@pytest.mark.parametrize("catalog", [c["uid"] for c in FILE["catalogs"]])
def test_a_catalog_lists_the_attributes_and_values_its_products_have(api, catalog):
    response = api.get(f"/v3/catalogs/{catalog}")
    assert response.status_code == 200
    detail = wire.Catalog.model_validate(response.json())
    used = hits_of(in_catalog(catalog))
    assert detail.catalogUid == catalog
    assert [a.productAttributeUid for a in detail.productAttributes] == sorted(used)
    for attribute in detail.productAttributes:
        declared = ATTRIBUTES[attribute.productAttributeUid]
        assert attribute.title == declared["title"]
        in_file_order = [str(v) for v in declared["values"] if str(v) in used[attribute.productAttributeUid]]
        assert [(v.productAttributeValueUid, v.title) for v in attribute.values] == [
            (v, declared["values"][v]) for v in in_file_order]


def test_an_unknown_catalog_is_a_json_404(api):
    assert "catalogUid stickers" in assert_error(api.get("/v3/catalogs/stickers"), 404, "not_found").message
    assert_error(search(api, "stickers", {}), 404, "not_found")


@pytest.mark.parametrize(("catalog", "filters"), [
    ("t-shirts", {}),
    ("t-shirts", {"GarmentColor": ["black"]}),
    ("t-shirts", {"GarmentColor": ["black", "white"], "GarmentSize": ["M"]}),
    ("t-shirts", {"GarmentSize": []}),  # an empty list filters nothing
    ("posters", {"PaperFormat": ["A4", "A3"], "Orientation": ["ver"]}),
    ("framed-posters", {"FrameColor": ["white"]}),
    ("photo-books", {"ProductType": ["photobooks-softcover"]}),
    ("cards", {"FoldingType": ["fold-ver"], "PaperFormat": ["A6"]}),
])
def test_search_filters_by_attributes_and_counts_hits_over_the_filtered_set(api, catalog, filters):
    response = search(api, catalog, {"attributeFilters": filters})
    assert response.status_code == 200, response.content
    result = wire.ProductSearch.model_validate(response.json())
    expected = matching(catalog, filters)
    assert expected, "a filter that matches nothing tests nothing"
    assert [p.productUid for p in result.products] == [p["uid"] for p in expected]
    assert result.hits.attributeHits == hits_of(expected)
    for product in result.products:
        entry = PRODUCTS[product.productUid]
        assert product.attributes == {a: str(v) for a, v in entry["attributes"].items()}
        assert (product.weight.value, product.weight.measureUnit) == (entry["weight_g"], "grams")


def test_a_filter_nothing_matches_is_an_empty_page(api):
    result = wire.ProductSearch.model_validate(search(api, "t-shirts", {
        "attributeFilters": {"GarmentColor": ["black"], "GarmentSize": ["S"]}}).json())
    assert result.products == [] and result.hits.attributeHits == {}


def test_search_pages_with_limit_and_offset_and_counts_every_page(api):
    everything = matching("t-shirts", {})
    first = wire.ProductSearch.model_validate(search(api, "t-shirts", {"limit": 2}).json())
    rest = wire.ProductSearch.model_validate(search(api, "t-shirts", {"limit": 2, "offset": 2}).json())
    assert [p.productUid for p in first.products + rest.products] == [p["uid"] for p in everything[:4]]
    assert first.hits == rest.hits and first.hits.attributeHits == hits_of(everything)
    assert len(wire.ProductSearch.model_validate(search(api, "t-shirts", {}).json()).products) == len(everything)  # default 50


@pytest.mark.parametrize(("body", "field"), [
    ({"limit": 101}, "limit"),
    ({"limit": 0}, "limit"),
    ({"offset": -1}, "offset"),
    ({"attributeFilters": {"GarmentColor": "black"}}, "attributeFilters.GarmentColor"),
    ({"attributeFilters": {"PaperFormat": ["A4"]}}, "attributeFilters.PaperFormat"),  # no such attribute in t-shirts
    ({"attributeFilters": {"GarmentColor": ["purple"]}}, "attributeFilters.GarmentColor"),
])
def test_bad_search_input_is_a_400_on_the_field(api, body, field):
    assert_error(search(api, "t-shirts", body), 400, "invalid_request", field)


def test_one_product_with_countries_pages_and_dimensions(api):
    response = api.get(f"/v3/products/{PHOTO_BOOK}")
    assert response.status_code == 200
    book = wire.Product.model_validate(response.json())
    entry = PRODUCTS[PHOTO_BOOK]
    assert book.attributes == {a: str(v) for a, v in entry["attributes"].items()}
    assert book.validPageCounts == list(range(24, 201, 2))
    assert {name: d.value for name, d in book.dimensions.items()} == entry["dimensions_mm"]
    assert {d.measureUnit for d in book.dimensions.values()} == {"mm"}
    assert (book.isPrintable, book.isStockable) == (True, False)
    # Not bound in the CA region; sanctions apply to every product.
    assert "DE" in book.supportedCountries and "US" in book.supportedCountries
    assert {"CA", "RU"} <= set(book.notSupportedCountries)
    assert not set(book.supportedCountries) & set(book.notSupportedCountries)
    assert book.supportedCountries == sorted(book.supportedCountries)


def test_supported_countries_follow_the_restrictions_orders_obey(api):
    framed = wire.Product.model_validate(api.get(f"/v3/products/{FRAMED_A4}").json())
    assert {"BR", "IN", "MX", "ZA", "RU"} <= set(framed.notSupportedCountries)
    for country in ("BR", "JP"):
        refused = [p.code for p in evaluate_order(order((FRAMED_A4, 1), country=country, phone="+1 1", federal_tax_id="1")).problems]
        assert ("destination_not_allowed" in refused) == (country in framed.notSupportedCountries)
    poster = wire.Product.model_validate(api.get(f"/v3/products/{POSTER_A4}").json())
    assert poster.validPageCounts == [] and "BR" in poster.supportedCountries


def test_a_product_without_dimensions_measures_its_print(api):
    product = m.Product.objects.create(uid="flat_product_pf_a2_test", kind="poster", name="Poster A2", width_mm=420,
                                       height_mm=594, file_types=["pdf"], weight_g=120)
    body = wire.Product.model_validate(api.get(f"/v3/products/{product.uid}").json())
    assert {name: d.value for name, d in body.dimensions.items()} == {"Width": 420, "Height": 594}
    assert body.attributes == {} and body.supportedCountries == []  # made in no region yet


def test_an_unknown_product_is_a_json_404(api):
    for path in ("/v3/products/flat_product_pf_a9_nothing", "/v3/products/flat_product_pf_a9_nothing/prices"):
        assert "flat_product_pf_a9_nothing" in assert_error(api.get(path), 404, "not_found").message


def test_prices_have_one_entry_per_quantity_break(api):
    response = api.get(f"/v3/products/{POSTER_A4}/prices?country=DE&currency=EUR")
    assert response.status_code == 200
    prices = PRICES.validate_python(response.json())
    entry = PRODUCTS[POSTER_A4]
    unit = {1: Decimal(str(entry["prices"]["EUR"]))} | {
        q: Decimal(str(amounts["EUR"])) for q, amounts in entry["price_breaks"].items()}
    assert [(p.quantity, Decimal(str(p.price))) for p in prices] == [(q, u * q) for q, u in sorted(unit.items())]
    assert {(p.productUid, p.country, p.currency, p.pageCount) for p in prices} == {(POSTER_A4, "DE", "EUR", None)}


def test_the_price_list_is_what_an_order_pays(api):
    for p in PRICES.validate_python(api.get(f"/v3/products/{CARD_A5_FOLDED}/prices?country=GB&currency=GBP").json()):
        charged = evaluate_order(order((CARD_A5_FOLDED, p.quantity), country="GB", currency="GBP")).items_price
        assert Decimal(str(p.price)) == charged
    # One piece below a break pays the price before it.
    assert evaluate_order(order((CARD_A5_FOLDED, 9), country="GB", currency="GBP")).items_price == Decimal("2.80") * 9


def test_prices_in_every_currency_and_country_when_none_is_asked(api):
    prices = PRICES.validate_python(api.get(f"/v3/products/{TEE_WHITE_M}/prices").json())
    entry = PRODUCTS[TEE_WHITE_M]
    # Every row names a country (the original's clients read it as required): each one the product ships to.
    shipped_to = api.get(f"/v3/products/{TEE_WHITE_M}").json()["supportedCountries"]
    assert sorted({p.country for p in prices}) == sorted(shipped_to) and "DE" in shipped_to
    germany = [p for p in prices if p.country == "DE"]
    assert sorted((p.currency, p.quantity) for p in germany) == sorted(
        (c, q) for c in entry["prices"] for q in [1, *entry["price_breaks"]])
    assert len(prices) == len(germany) * len(shipped_to)  # the same price list everywhere, VAT aside


def test_multi_page_prices_need_a_valid_page_count(api):
    assert_error(api.get(f"/v3/products/{PHOTO_BOOK}/prices?currency=EUR"), 400, "invalid_request", "pageCount")
    assert_error(api.get(f"/v3/products/{PHOTO_BOOK}/prices?pageCount=25"), 400, "invalid_request", "pageCount")
    [price] = PRICES.validate_python(api.get(f"/v3/products/{PHOTO_BOOK}/prices?country=DE&currency=EUR&pageCount=30").json())
    assert (price.quantity, price.price, price.pageCount) == (1, 27.6, 30)  # 24.90 + 6 extra pages x 0.45


@pytest.mark.parametrize(("query", "field"), [
    ("country=DEU", "country"), ("country=XX", "country"), ("currency=eur", "currency"), ("currency=JPY", "currency"),
    ("pageCount=0", "pageCount"), ("pageCount=2", "pageCount"),
])
def test_bad_price_queries_are_a_400(api, query, field):
    assert_error(api.get(f"/v3/products/{POSTER_A4}/prices?{query}"), 400, "invalid_request", field)


def test_no_prices_for_a_country_the_product_does_not_ship_to(api):
    assert api.get(f"/v3/products/{FRAMED_A4}/prices?country=BR").json() == []


def test_stock_per_stock_region(api):
    response = api.post("/v3/stock/region-availability", {"products": [HOODIE_BLACK_M, PHOTO_BOOK, "no-such-product", HOODIE_BLACK_M]})
    assert response.status_code == 200
    stock = wire.Stock.model_validate(response.json())
    assert [p.productUid for p in stock.productsAvailability] == [HOODIE_BLACK_M, PHOTO_BOOK, "no-such-product"]
    hoodie, book, unknown = ({s.stockRegionUid: s.status for s in p.availability} for p in stock.productsAvailability)
    # Hoodies are out of stock in the AU region (Oceania); AS and SA are served by the rest-of-the-world region.
    assert hoodie == {"US-CA": "in-stock", "EU": "in-stock", "UK": "in-stock", "AS": "in-stock", "OC": "out-of-stock",
                      "SA": "in-stock", "ROW": "in-stock"}
    assert book["US-CA"] == "in-stock"  # made in the US region, though not in CA
    assert unknown == {}


def test_stock_follows_an_admin_change_of_a_region(api):
    m.ProductAvailability.objects.filter(product__uid=TEE_WHITE_M, region__code="ROW").update(in_stock=False)
    m.CatalogVersion.bump()  # a bulk update sends no row signal
    [tee] = wire.Stock.model_validate(api.post("/v3/stock/region-availability", {"products": [TEE_WHITE_M]}).json()).productsAvailability
    assert {s.stockRegionUid for s in tee.availability if s.status == "out-of-stock"} == {"AS", "SA", "ROW"}


@pytest.mark.parametrize("body", [{"products": []}, {"products": [POSTER_A4] * 251}, {"products": "x"}, {}])
def test_bad_stock_requests_are_a_400(api, body):
    assert_error(api.post("/v3/stock/region-availability", body), 400, "invalid_request", "products")


def test_the_catalog_is_the_same_for_every_account(api, other_api):
    for path in ("/v3/catalogs", "/v3/catalogs/mugs", f"/v3/products/{POSTER_A4}", f"/v3/products/{POSTER_A4}/prices",
                 "/v1/shipment-methods"):
        mine, theirs = api.get(path), other_api.get(path)
        assert mine.status_code == theirs.status_code == 200 and mine.json() == theirs.json()
    body = {"attributeFilters": {"MugSize": ["11-oz"]}}
    assert search(api, "mugs", body).json() == search(other_api, "mugs", body).json()


@pytest.mark.parametrize(("method", "path"), [
    ("get", "/v3/catalogs"), ("get", "/v3/catalogs/posters"), ("post", "/v3/catalogs/posters/products:search"),
    ("get", f"/v3/products/{POSTER_A4}"), ("get", f"/v3/products/{POSTER_A4}/prices"),
    ("post", "/v3/stock/region-availability"), ("get", "/v1/shipment-methods"),
])
def test_every_endpoint_needs_an_api_key(anonymous_api, method, path):
    response = anonymous_api.get(path) if method == "get" else anonymous_api.post(path, {"products": [POSTER_A4]})
    assert_error(response, 401, "unauthorized")
