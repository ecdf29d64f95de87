"""The order API's shapes as an existing client knows them, written from ../shared/reference/order-api.md
(not from Platen's code): strict models that refuse a missing field or a wrong type, and allow extra fields.

Field names are the wire names. Where the reference says a value can be absent (`shipment` until known,
`replenishmentDate?`, `validPageCounts?`) the model says so; everything else is required.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel


class Wire(BaseModel):
    # strict: a number sent as text, or text as a number, is drift; extra fields are a client's business.
    model_config = ConfigDict(extra="allow", strict=True)


Number = float  # strict JSON mode: a JSON number (integer or not), never a string
Country = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]
Day = date  # YYYY-MM-DD

Fulfillment = Literal[
    "draft", "received", "uploading", "passed", "failed", "created", "pending_approval", "pending_personalization",
    "not_connected", "on_hold", "in_production", "printed", "packaged", "shipped", "in_transit", "delivered",
    "returned", "canceled",
]
Financial = Literal["draft", "pending", "invoiced", "to_be_invoiced", "paid", "canceled", "partially_refunded",
                    "refunded", "refused"]


class Error(Wire):
    class Detail(Wire):
        field: str
        message: str

    code: str
    message: str
    details: list[Detail]


# ---- orders -------------------------------------------------------------------------------------------------


class File(Wire):
    type: str
    url: str


class Option(Wire):
    id: str
    type: str
    productUid: str
    quantity: int


class Item(Wire):
    id: str
    itemReferenceId: str
    productUid: str | None
    files: list[File]
    processedFileUrl: str | None
    quantity: int
    pageCount: int | None
    fulfillmentStatus: Fulfillment
    previews: list[File]
    options: list[Option]
    storeProductVariantId: str | None
    isIgnored: bool


class Address(Wire):
    firstName: str | None = None
    lastName: str | None = None
    companyName: str | None = None
    addressLine1: str | None = None
    addressLine2: str | None = None
    city: str | None = None
    postCode: str | None = None
    state: str | None = None
    country: str | None = None
    email: str | None = None
    phone: str | None = None


class ShippingAddress(Address):
    firstName: str
    lastName: str
    addressLine1: str
    city: str
    postCode: str
    country: Country
    email: str


class BillingEntity(Address):
    """Null until the account's billing details are given; when present, as complete as the original's."""

    companyName: str
    recipientName: str
    addressLine1: str
    city: str
    postCode: str
    country: Country
    email: str
    companyNumber: str | None = None
    companyVatNumber: str | None = None


class Package(Wire):
    id: str
    orderItemIds: list[str]
    trackingCode: str | None
    trackingUrl: str | None


class Shipment(Wire):
    """Null until known; when present, every field is set."""

    id: str
    shipmentMethodName: str
    shipmentMethodUid: str
    minDeliveryDays: int
    maxDeliveryDays: int
    minDeliveryDate: Day
    maxDeliveryDate: Day
    totalWeight: int  # grams
    fulfillmentCountry: Country
    packageCount: int
    packages: list[Package]


class ReceiptItem(Wire):
    id: str
    receiptId: str
    referenceId: str
    type: str
    title: str
    currency: str
    priceBase: Number
    amount: Number
    priceInitial: Number
    discount: Number
    price: Number
    vat: Number
    priceInclVat: Number
    createdAt: datetime
    updatedAt: datetime


class Receipt(Wire):
    id: str
    orderId: str
    transactionType: str
    currency: str
    items: list[ReceiptItem]
    productsPriceInitial: Number
    productsPriceDiscount: Number
    productsPrice: Number
    productsPriceVat: Number
    productsPriceInclVat: Number
    shippingPriceInitial: Number
    shippingPriceDiscount: Number
    shippingPrice: Number
    shippingPriceVat: Number
    shippingPriceInclVat: Number
    discount: Number
    discountVat: Number
    discountInclVat: Number
    totalInitial: Number
    total: Number
    totalVat: Number
    totalInclVat: Number


class Order(Wire):
    id: str
    orderType: Literal["order", "draft"]
    orderReferenceId: str
    customerReferenceId: str
    fulfillmentStatus: Fulfillment
    financialStatus: Financial
    currency: str
    channel: str
    storeId: str | None
    createdAt: datetime
    updatedAt: datetime
    orderedAt: datetime
    totalInclVat: str
    connectedOrderIds: list[str]
    items: list[Item]
    shippingAddress: ShippingAddress
    billingEntity: BillingEntity | None
    returnAddress: Address | None
    shipment: Shipment | None
    receipts: list[Receipt]


class OrderSummary(Wire):
    id: str
    orderReferenceId: str
    fulfillmentStatus: Fulfillment
    financialStatus: Financial
    channel: str
    country: Country
    firstName: str
    lastName: str
    itemsCount: int
    customerReferenceId: str
    orderType: Literal["order", "draft"]
    currency: str
    totalInclVat: str
    connectedOrderIds: list[str]
    storeId: str | None
    createdAt: datetime
    updatedAt: datetime
    orderedAt: datetime


class SearchResult(Wire):
    orders: list[OrderSummary]


class QuoteMethod(Wire):
    shipmentMethodUid: str
    name: str
    price: Number
    currency: str


class QuoteProduct(Wire):
    itemReferenceId: str
    productUid: str
    quantity: int
    price: Number
    currency: str


class Quote(Wire):
    """Prices and shipment methods per item group (the reference names no more than that)."""

    itemReferenceIds: list[str]
    shipmentMethods: list[QuoteMethod]
    products: list[QuoteProduct]


class Quotes(Wire):
    quotes: list[Quote]


# ---- catalog, prices, stock, shipment methods --------------------------------------------------------------


class Measure(Wire):
    value: Number
    measureUnit: str


class CatalogSummary(Wire):
    catalogUid: str
    title: str


Catalogs = RootModel[list[CatalogSummary]]


class AttributeValue(Wire):
    productAttributeValueUid: str
    title: str


class Attribute(Wire):
    productAttributeUid: str
    title: str
    values: list[AttributeValue]


class Catalog(CatalogSummary):
    productAttributes: list[Attribute]


class FoundProduct(Wire):
    productUid: str
    attributes: dict[str, str]
    weight: Measure
    dimensions: dict[str, Measure]
    supportedCountries: list[Country]


class Hits(Wire):
    attributeHits: dict[str, dict[str, int]]


class ProductSearch(Wire):
    products: list[FoundProduct]
    hits: Hits


class Product(Wire):
    productUid: str
    attributes: dict[str, str]
    weight: Measure
    supportedCountries: list[Country]
    notSupportedCountries: list[Country]
    isStockable: bool
    isPrintable: bool
    validPageCounts: list[int] | None = None
    dimensions: dict[str, Measure]


class Price(Wire):
    productUid: str
    country: Country
    quantity: int
    price: Number
    currency: str
    pageCount: int | None


Prices = RootModel[list[Price]]


class Availability(Wire):
    stockRegionUid: Literal["US-CA", "EU", "UK", "AS", "OC", "SA", "ROW"]
    status: str
    replenishmentDate: str | None = None


class ProductAvailability(Wire):
    productUid: str
    availability: list[Availability]


class Stock(Wire):
    productsAvailability: list[ProductAvailability]


class ShipmentMethod(Wire):
    shipmentMethodUid: str
    type: Literal["normal", "express", "pallet"]
    name: str
    isBusiness: bool
    isPrivate: bool
    hasTracking: bool
    supportedCountries: list[Country]


class ShipmentMethods(Wire):
    shipmentMethods: list[ShipmentMethod]
