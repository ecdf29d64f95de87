"""Wire models of the v3 catalog API and the v1 shipment-methods API, in the shapes clients of the original parse.

Attribute uids, value uids and dimension names are data (dictionary keys), not field names: they keep their case.
"""

from __future__ import annotations

import datetime
from typing import Annotated

from ninja import Field

from platen.catalog.schemas import Camel, Number
from platen.kit.pagination import MAX_OFFSET


class CatalogOut(Camel):
    catalog_uid: str
    title: str


class AttributeValueOut(Camel):
    product_attribute_value_uid: str
    title: str


class AttributeOut(Camel):
    product_attribute_uid: str
    title: str
    values: list[AttributeValueOut]


class CatalogDetailOut(CatalogOut):
    product_attributes: list[AttributeOut] = Field(description="The attributes the catalog's products have, with their values.")


class ProductSearchIn(Camel):
    attribute_filters: dict[str, list[Annotated[str, Field(max_length=100)]]] = Field(
        default_factory=dict, description="Attribute uid -> accepted value uids; a product matches every attribute listed.")
    limit: Annotated[int, Field(ge=1, le=100)] | None = Field(None, description="At most 100; 50 when left out.")
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] | None = None


class Measure(Camel):
    value: Number
    measure_unit: str


class GramsWeight(Camel):
    value: int
    measure_unit: str


class SearchProductOut(Camel):
    product_uid: str
    attributes: dict[str, str] = Field(description="Attribute uid -> value uid.")
    weight: GramsWeight = Field(description="In grams.")
    dimensions: dict[str, Measure] = Field(description="Of the finished product, in mm: Width, Height, Thickness, ...")
    supported_countries: list[str]


class Hits(Camel):
    attribute_hits: dict[str, dict[str, int]] = Field(description="Attribute uid -> value uid -> matching products.")


class ProductSearchOut(Camel):
    products: list[SearchProductOut]
    hits: Hits


class ProductDetailOut(SearchProductOut):
    not_supported_countries: list[str]
    is_stockable: bool
    is_printable: bool
    valid_page_counts: list[int] = Field(description="Empty for single-page products.")


class ProductPriceOut(Camel):
    product_uid: str
    country: str = Field(description="The country asked for; without one, a row per country the product ships to.")
    quantity: int
    price: Number = Field(description="For the whole quantity.")
    currency: str
    page_count: int | None


class StockIn(Camel):
    products: list[Annotated[str, Field(min_length=1, max_length=255)]] = Field(min_length=1, max_length=250)


class StockStatusOut(Camel):
    stock_region_uid: str
    status: str = Field(description="in-stock or out-of-stock.")
    replenishment_date: datetime.date | None = None


class ProductStockOut(Camel):
    product_uid: str
    availability: list[StockStatusOut] = Field(description="Empty for an unknown productUid.")


class StockOut(Camel):
    products_availability: list[ProductStockOut]


class ShipmentMethodOut(Camel):
    shipment_method_uid: str
    type: str = Field(description="normal, express or pallet.")
    name: str
    is_business: bool
    is_private: bool
    has_tracking: bool
    supported_countries: list[str]


class ShipmentMethodsOut(Camel):
    shipment_methods: list[ShipmentMethodOut]
