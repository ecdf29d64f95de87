"""Catalog endpoints: products (read-only, the same for every account) and the order quote."""

from __future__ import annotations

from dataclasses import asdict

from typing import Annotated

from ninja import Router
from pydantic import Field

from platen.catalog import services
from platen.catalog.models import Product, ProductKind
from platen.catalog.schemas import ProductList, ProductOut, QuoteIn, QuoteResponse
from platen.kit.errors import NotFound
from platen.kit.pagination import MAX_OFFSET
from platen.kit.schemas import errors

router = Router(tags=["catalog"])


@router.get("/products", response={200: ProductList, **errors()}, by_alias=True)
def list_products(request, kind: ProductKind | None = None, limit: Annotated[int, Field(ge=1, le=100)] | None = None,
                  offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] | None = None):
    return {"products": [_product(p) for p in services.list_products(kind, limit, offset)]}


@router.get("/products/{productUid}", response={200: ProductOut, **errors(404)}, by_alias=True)
def get_product(request, productUid: str):  # noqa: N803 - the wire name shows in the OpenAPI document
    product = services.get_product(productUid)
    if product is None:
        raise NotFound(f"No product has the productUid {productUid}; list them with GET /v4/products.")
    return _product(product)


@router.post("/orders:quote", response={200: QuoteResponse, **errors()}, by_alias=True)
def quote_order(request, payload: QuoteIn):
    recipient = payload.recipient
    quotes = services.quote_order(
        country=recipient.country, state=recipient.state, phone=recipient.phone,
        federal_tax_id=recipient.federal_tax_id, currency=payload.currency,
        lines=[services.QuoteLine(p.item_reference_id, p.product_uid, p.quantity, p.page_count)
               for p in payload.products],
    )
    return {
        "order_reference_id": payload.order_reference_id,
        "quotes": [
            {
                "id": q.id,
                "item_reference_ids": q.item_reference_ids,
                "fulfillment_country": q.fulfillment_country,
                "shipment_methods": [
                    {"name": o.name, "shipment_method_uid": o.uid, "type": o.type, "price": o.price,
                     "currency": o.currency, "min_delivery_days": o.min_days, "max_delivery_days": o.max_days}
                    for o in q.shipment_methods
                ],
                "products": [asdict(p) for p in q.products],
            }
            for q in quotes
        ],
    }


def _product(p: Product) -> dict:
    multi = p.is_multi_page
    return {
        "product_uid": p.uid,
        "kind": p.kind,
        "name": p.name,
        "dimensions": {"width": p.width_mm, "height": p.height_mm, "bleed": p.bleed_mm},
        "file_types": p.file_types,
        "min_ppi": p.min_ppi,
        "page_count": {"min": p.page_count_min, "max": p.page_count_max, "step": p.page_count_step} if multi else None,
        "weight": {"value": p.weight_g},
        "personalizable": p.personalizable,
        "max_quantity": p.max_quantity,
        "availability": [
            {"region": a.region.code, "fulfillment_country": a.region.fulfillment_country, "in_stock": a.in_stock}
            for a in p.availability.all()
        ],
        "prices": [
            {"currency": pr.currency, "price": pr.amount, "price_per_extra_page": pr.per_extra_page if multi else None}
            for pr in p.prices.all()
        ],
    }
