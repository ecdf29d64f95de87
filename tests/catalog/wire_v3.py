"""A small client model of the v3 catalog and v1 shipment-method answers, written from the reference's shapes.

Strict: every field the reference names is required with its JSON type (no coercion), extra fields are allowed.
A response that drifts from the shape fails validation.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, StrictBool, StrictFloat, StrictInt, StrictStr, TypeAdapter

Number = StrictInt | StrictFloat


class Wire(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class Catalog(Wire):
    catalogUid: StrictStr
    title: StrictStr


class AttributeValue(Wire):
    productAttributeValueUid: StrictStr
    title: StrictStr


class Attribute(Wire):
    productAttributeUid: StrictStr
    title: StrictStr
    values: list[AttributeValue]


class CatalogDetail(Catalog):
    productAttributes: list[Attribute]


class Measure(Wire):
    value: Number
    measureUnit: StrictStr


class SearchProduct(Wire):
    productUid: StrictStr
    attributes: dict[str, StrictStr]
    weight: Measure
    dimensions: dict[str, Measure]
    supportedCountries: list[StrictStr]


class Hits(Wire):
    attributeHits: dict[str, dict[str, StrictInt]]


class Search(Wire):
    products: list[SearchProduct]
    hits: Hits


class Product(Wire):
    productUid: StrictStr
    attributes: dict[str, StrictStr]
    weight: Measure
    supportedCountries: list[StrictStr]
    notSupportedCountries: list[StrictStr]
    isStockable: StrictBool
    isPrintable: StrictBool
    validPageCounts: list[StrictInt] | None = None
    dimensions: dict[str, Measure]


class Price(Wire):
    productUid: StrictStr
    country: StrictStr  # every row names one (the reference; the original's clients require it)
    quantity: StrictInt
    price: Number
    currency: StrictStr
    pageCount: StrictInt | None


class StockStatus(Wire):
    stockRegionUid: StrictStr
    status: StrictStr
    replenishmentDate: StrictStr | None = None


class ProductStock(Wire):
    productUid: StrictStr
    availability: list[StockStatus]


class Stock(Wire):
    productsAvailability: list[ProductStock]


class ShipmentMethod(Wire):
    shipmentMethodUid: StrictStr
    type: StrictStr
    name: StrictStr
    isBusiness: StrictBool
    isPrivate: StrictBool
    hasTracking: StrictBool
    supportedCountries: list[StrictStr]


class ShipmentMethods(Wire):
    shipmentMethods: list[ShipmentMethod]


class Error(Wire):
    code: StrictStr
    message: StrictStr
    details: list[dict[str, StrictStr]]


Catalogs = TypeAdapter(list[Catalog])
Prices = TypeAdapter(list[Price])
