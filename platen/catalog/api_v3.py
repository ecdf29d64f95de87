"""The v3 catalog endpoints and the v1 shipment-methods endpoint, at the original API's paths and in its shapes.

The catalog is the same for every account; any valid API key reads all of it.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Query, Router, Schema
from pydantic import Field

from platen.catalog import browse
from platen.catalog.models import Product
from platen.catalog.schemas_v3 import (
    CatalogDetailOut, CatalogOut, ProductDetailOut, ProductPriceOut, ProductSearchIn, ProductSearchOut, ShipmentMethodsOut,
    StockIn, StockOut,
)
from platen.kit.schemas import errors

router = Router(tags=["catalog (v3)"])
shipment_router = Router(tags=["shipment methods (v1)"])

Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$", description="ISO 3166-1 alpha-2, e.g. DE (the UK is GB).")]
# The original has three shipment types; Platen's "standard" tier is a normal service to it.
WIRE_TYPES = {"standard": "normal"}


@router.get("/catalogs", response={200: list[CatalogOut], **errors()}, by_alias=True)
def list_catalogs(request):
    return [{"catalog_uid": c.uid, "title": c.title} for c in browse.list_catalogs()]


@router.get("/catalogs/{catalogUid}", response={200: CatalogDetailOut, **errors(404)}, by_alias=True)
def get_catalog(request, catalogUid: str):  # noqa: N803 - the wire name shows in the OpenAPI document
    catalog = browse.get_catalog(catalogUid)
    return {
        "catalog_uid": catalog.uid,
        "title": catalog.title,
        "product_attributes": [
            {"product_attribute_uid": attribute.uid, "title": attribute.title,
             "values": [{"product_attribute_value_uid": v.uid, "title": v.title} for v in values]}
            for attribute, values in browse.catalog_attributes(catalog)
        ],
    }


@router.post("/catalogs/{catalogUid}/products:search", response={200: ProductSearchOut, **errors(404)}, by_alias=True)
def search_products(request, catalogUid: str, payload: ProductSearchIn):  # noqa: N803
    result = browse.search_products(catalogUid, payload.attribute_filters, payload.limit, payload.offset)
    return {"products": [_product(p) for p in result.products], "hits": {"attribute_hits": result.hits}}


@router.get("/products/{productUid}", response={200: ProductDetailOut, **errors(404)}, by_alias=True)
def get_product(request, productUid: str):  # noqa: N803
    product = browse.get_product(productUid)
    summary = _product(product)
    supported = set(summary["supported_countries"])
    return {
        **summary,
        "not_supported_countries": [c for c in browse.destinations() if c not in supported],
        "is_stockable": False,  # every product is printed on demand; stock per region is told by /v3/stock
        "is_printable": True,
        "valid_page_counts": browse.valid_page_counts(product),
    }


class PriceQuery(Schema):
    country: Country | None = None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$", description="ISO 4217, e.g. EUR.")] | None = None
    pageCount: Annotated[int, Field(ge=1, le=10_000, description="Required for multi-page products.")] | None = None  # noqa: N815


@router.get("/products/{productUid}/prices", response={200: list[ProductPriceOut], **errors(404)}, by_alias=True)
def get_prices(request, productUid: str, query: Query[PriceQuery]):  # noqa: N803
    rows = browse.price_list(productUid, country=query.country, currency=query.currency, page_count=query.pageCount)
    return [{"product_uid": r.product_uid, "country": r.country, "quantity": r.quantity, "price": r.price,
             "currency": r.currency, "page_count": r.page_count} for r in rows]


@router.post("/stock/region-availability", response={200: StockOut, **errors()}, by_alias=True)
def stock_availability(request, payload: StockIn):
    return {"products_availability": [
        {"product_uid": uid, "availability": [{"stock_region_uid": s.stock_region_uid, "status": s.status} for s in statuses]}
        for uid, statuses in browse.stock_availability(payload.products)
    ]}


@shipment_router.get("/shipment-methods", response={200: ShipmentMethodsOut, **errors()}, by_alias=True)
def list_shipment_methods(request, country: Country | None = None):
    return {"shipment_methods": [
        {"shipment_method_uid": v.method.uid, "type": WIRE_TYPES.get(v.method.type, v.method.type), "name": v.method.name,
         "is_business": v.method.is_business, "is_private": v.method.is_private, "has_tracking": v.method.has_tracking,
         "supported_countries": v.supported_countries}
        for v in browse.shipment_methods(country)
    ]}


def _product(p: Product) -> dict:
    return {
        "product_uid": p.uid,
        "attributes": {link.attribute.uid: link.value.uid for link in p.attribute_links.all()},
        "weight": {"value": p.weight_g, "measure_unit": "grams"},
        "dimensions": {name: {"value": mm, "measure_unit": "mm"} for name, mm in browse.dimensions_mm(p).items()},
        "supported_countries": browse.supported_countries(p.uid),
    }
