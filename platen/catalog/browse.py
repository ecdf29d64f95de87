"""The catalog as the v3 catalog API shows it: catalogs and their attributes, attribute search, one product,
price lists per quantity break, stock per stock region and shipment methods. Read-only, the same for every account.

Where a country, a price or stock is involved, the answer comes from the cached snapshot through the same rules
order evaluation applies, so what is listed here is what an order gets.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Prefetch, QuerySet

from platen.catalog import snapshot
from platen.catalog.evaluation import CENT
from platen.catalog.models import (
    Catalog, Product, ProductAttribute, ProductAttributeLink, ProductAttributeValue, Region, ShipmentMethod, StockRegion,
)
from platen.catalog.snapshot import ProductFacts
from platen.kit.errors import Detail, InvalidRequest, NotFound
from platen.kit.geo import COUNTRY_CODES
from platen.kit.pagination import page

IN_STOCK, OUT_OF_STOCK = "in-stock", "out-of-stock"


def list_catalogs() -> list[Catalog]:
    return list(Catalog.objects.all())


def get_catalog(uid: str) -> Catalog:
    catalog = Catalog.objects.filter(uid=uid).first()
    if catalog is None:
        raise NotFound(f"No catalog has the catalogUid {uid}; list them with GET /v3/catalogs.")
    return catalog


def catalog_attributes(catalog: Catalog) -> list[tuple[ProductAttribute, list[ProductAttributeValue]]]:
    """The attributes the catalog's products have, each with the values they take, in the catalog's order."""
    values = (ProductAttributeValue.objects.filter(links__product__catalog=catalog).distinct()
              .select_related("attribute").order_by("attribute__uid", "position", "uid"))
    grouped: dict[int, tuple[ProductAttribute, list]] = {}
    for value in values:
        grouped.setdefault(value.attribute_id, (value.attribute, []))[1].append(value)
    return list(grouped.values())


@dataclass(frozen=True)
class SearchResult:
    products: list[Product]  # one page, with attribute links and dimensions prefetched
    hits: dict[str, dict[str, int]]  # attribute uid -> value uid -> products of the whole filtered set


def search_products(catalog_uid: str, filters: dict[str, list[str]], limit: int | None, offset: int | None) -> SearchResult:
    """Products of the catalog whose value is one of the listed values for every filtered attribute."""
    catalog = get_catalog(catalog_uid)
    known = {attribute.uid: {v.uid for v in values} for attribute, values in catalog_attributes(catalog)}
    problems = []
    for attribute, wanted in filters.items():
        if attribute not in known:
            problems.append(Detail(f"attributeFilters.{attribute}",
                                   f"The catalog {catalog.uid} has no attribute {attribute}; use one of {', '.join(sorted(known))}."))
        elif unknown := [v for v in wanted if v not in known[attribute]]:
            problems.append(Detail(f"attributeFilters.{attribute}",
                                   f"{attribute} has no value {', '.join(unknown)} in the catalog {catalog.uid}; "
                                   f"use one of {', '.join(sorted(known[attribute]))}."))
    if problems:
        raise InvalidRequest("The attribute filters are not valid.", problems)
    products = Product.objects.filter(catalog=catalog)
    for attribute, wanted in filters.items():
        if wanted:  # an empty list filters nothing
            matching = ProductAttributeLink.objects.filter(attribute__uid=attribute, value__uid__in=wanted)
            products = products.filter(pk__in=matching.values("product_id"))
    hits: dict[str, dict[str, int]] = defaultdict(dict)
    counted = (ProductAttributeLink.objects.filter(product__in=products)
               .values_list("attribute__uid", "value__uid").annotate(n=Count("pk")).order_by("attribute__uid", "value__uid"))
    for attribute, value, n in counted:
        hits[attribute][value] = n
    return SearchResult(list(page(detailed(products).order_by("uid"), limit, offset)), dict(hits))


def detailed(products: QuerySet[Product]) -> QuerySet[Product]:
    links = ProductAttributeLink.objects.select_related("attribute", "value")
    return products.prefetch_related(Prefetch("attribute_links", queryset=links), "dimensions")


def get_product(uid: str) -> Product:
    product = detailed(Product.objects.filter(uid=uid)).first()
    if product is None:
        raise NotFound(f"No product has the productUid {uid}; find one with POST /v3/catalogs/{{catalogUid}}/products:search.")
    return product


def dimensions_mm(product: Product) -> dict[str, Decimal]:
    """The finished product's measures; a product without any is as large as its print."""
    measures = {d.name: d.value_mm for d in product.dimensions.all()}
    return measures or {"Width": product.width_mm, "Height": product.height_mm}


def valid_page_counts(product: Product) -> list[int]:
    if not product.is_multi_page:
        return []
    return list(range(product.page_count_min, product.page_count_max + 1, product.page_count_step))


def destinations() -> list[str]:
    """Every country an order could name, in code order."""
    cat = snapshot.current()
    return sorted(COUNTRY_CODES | set(cat.region_by_country))


def supported_countries(uid: str) -> list[str]:
    """Countries the product ships to: a region that serves the country makes it and no restriction refuses it.

    Temporarily out-of-stock products still ship there (the stock endpoint tells when they cannot now).
    """
    cat = snapshot.current()
    facts = cat.products.get(uid)
    if facts is None:
        return []
    rules = cat.global_restrictions + cat.product_restrictions.get(uid, []) + cat.kind_restrictions.get(facts.kind, [])
    refused = set().union(*(r.countries for r in rules))
    return [country for country in destinations() if country not in refused
            and (region := cat.region_for(country)) is not None and region.code in facts.availability]


@dataclass(frozen=True)
class PriceRow:
    product_uid: str
    country: str
    quantity: int
    price: Decimal  # for the whole quantity
    currency: str
    page_count: int | None


def price_list(uid: str, *, country: str | None = None, currency: str | None = None,
               page_count: int | None = None) -> list[PriceRow]:
    """One row per country, currency and quantity break (quantity 1 first): what an item of that quantity costs.

    Without a country, every country the product ships to (each row names one, as the original's rows do; the
    price is the same everywhere, VAT aside). Empty when the product does not ship to the country or has no price
    in the currency.
    """
    cat = snapshot.current()
    facts = cat.products.get(uid)
    if facts is None:
        raise NotFound(f"No product has the productUid {uid}; find one with POST /v3/catalogs/{{catalogUid}}/products:search.")
    problems = []
    if country is not None and country not in destinations():
        problems.append(Detail("country", f"{country} is not a country code; use an ISO 3166-1 code such as DE."))
    if currency is not None and currency not in cat.currencies:
        problems.append(Detail("currency", f"Platen has no prices in {currency}; use one of {', '.join(sorted(cat.currencies))}."))
    if page_problem := _page_count_problem(facts, page_count):
        problems.append(Detail("pageCount", page_problem))
    if problems:
        raise InvalidRequest("The price query is not valid.", problems)
    shipped_to = supported_countries(uid)
    countries = shipped_to if country is None else [country] if country in shipped_to else []
    pages = page_count if facts.is_multi_page else None
    breaks = []
    for cur in sorted(facts.prices):
        if currency is not None and cur != currency:
            continue
        for quantity in [1, *(q for q, _ in facts.breaks.get(cur, ()))]:
            breaks.append((cur, quantity, (facts.unit_price(cur, pages, quantity) * quantity).quantize(CENT)))
    return [PriceRow(uid, to, quantity, price, cur, pages) for to in countries for cur, quantity, price in breaks]


def _page_count_problem(facts: ProductFacts, pages: int | None) -> str | None:
    if not facts.is_multi_page:
        return None if pages in (None, 1) else f"{facts.name} is a single-page product; leave pageCount out."
    low, high, step = facts.page_count_min, facts.page_count_max, facts.page_count_step
    if pages is None or pages < low or pages > high or (pages - low) % step:
        return f"{facts.name} takes {low} to {high} pages in steps of {step}; send one of them as pageCount."
    return None


@dataclass(frozen=True)
class StockStatus:
    stock_region_uid: str
    status: str


def stock_availability(uids: list[str]) -> list[tuple[str, list[StockStatus]]]:
    """Per product (in the order asked, each once) its status in every stock region; unknown uids get none.

    A stock region's status is in-stock when a Platen region reporting under it makes the product and has it in
    stock; a stock region no Platen region reports under is served by the rest-of-the-world region.
    """
    cat = snapshot.current()
    reporting: dict[str, list[str]] = defaultdict(list)
    rest_of_world = None
    for code, stock_region, is_rest in Region.objects.values_list("code", "stock_region", "rest_of_world"):
        if stock_region:
            reporting[stock_region].append(code)
        if is_rest:
            rest_of_world = code
    answer = []
    for uid in dict.fromkeys(uids):
        facts = cat.products.get(uid)
        statuses = []
        if facts is not None:
            for stock_region in StockRegion.values:
                codes = reporting.get(stock_region) or ([rest_of_world] if rest_of_world else [])
                in_stock = any(facts.availability.get(code) for code in codes)
                statuses.append(StockStatus(stock_region, IN_STOCK if in_stock else OUT_OF_STOCK))
        answer.append((uid, statuses))
    return answer


@dataclass(frozen=True)
class MethodView:
    method: ShipmentMethod
    supported_countries: list[str]


def shipment_methods(country: str | None = None) -> list[MethodView]:
    """Every shipment method with the countries it delivers to (through the region that serves each country)."""
    cat = snapshot.current()
    if country is not None and country not in destinations():
        raise InvalidRequest("The country is not valid.",
                             [Detail("country", f"{country} is not a country code; use an ISO 3166-1 code such as DE.")])
    embargoed = set().union(*(r.countries for r in cat.global_restrictions))
    served: dict[str, list[str]] = defaultdict(list)
    for destination in destinations():
        region = cat.region_for(destination)
        if region is None or destination in embargoed:
            continue
        for method_uid in {r.method_uid for r in cat.rates_by_region.get(region.code, []) if r.country in ("", destination)}:
            served[method_uid].append(destination)
    return [MethodView(method, served[method.uid]) for method in ShipmentMethod.objects.all()
            if country is None or country in served[method.uid]]
