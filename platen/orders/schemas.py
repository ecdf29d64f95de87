"""Wire models of the order API. Field names are the wire names (camelCase), as merchants' clients send them."""

from __future__ import annotations

import re
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints, field_validator, model_validator

from platen.kit.geo import COUNTRY_CODES
from platen.kit.pagination import MAX_OFFSET
from platen.kit.wire import IsoDateTime
from platen.orders.statuses import Financial, Fulfillment, OrderType

FILE_TYPES = {"default", "front", "back", "neck-inner", "neck-outer", "sleeve-left", "sleeve-right", "inside"}
Count = lambda low, high: Annotated[int, Field(ge=low, le=high, strict=True)]  # noqa: E731  (JSON true is not 1)
Flag = Annotated[bool, Field(strict=True)]
Str = lambda n: Annotated[str, StringConstraints(max_length=n)]  # noqa: E731
Required = lambda n: Annotated[str, StringConstraints(min_length=1, max_length=n, strip_whitespace=True)]  # noqa: E731


class WireIn(Schema):
    # Clients of the original API send fields Platen does not use; they are ignored, not refused.
    model_config = ConfigDict(extra="ignore")


class MetadataEntry(WireIn):
    key: Required(100)
    value: Str(100)


Metadata = Annotated[list[MetadataEntry], Field(max_length=20)]


class AddressIn(WireIn):
    firstName: Required(25)
    lastName: Required(25)
    companyName: Str(60) | None = None
    addressLine1: Required(35)
    addressLine2: Str(35) | None = None
    city: Required(30)
    postCode: Required(15)
    state: Str(35) | None = None
    country: str
    email: Required(254)
    phone: Str(25) | None = None
    isBusiness: Flag | None = None
    federalTaxId: Str(50) | None = None
    stateTaxId: Str(50) | None = None
    registrationStateCode: Str(10) | None = None

    @field_validator("country")
    @classmethod
    def known_country(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z]{2}", value) or value not in COUNTRY_CODES:
            raise ValueError("Use a two-letter ISO 3166-1 country code in capitals, such as US, DE or GB (not UK)")
        return value


class ReturnAddressIn(WireIn):
    companyName: Str(60) | None = None
    addressLine1: Str(35) | None = None
    addressLine2: Str(35) | None = None
    city: Str(30) | None = None
    postCode: Str(15) | None = None
    state: Str(35) | None = None
    country: Str(2) | None = None
    email: Str(254) | None = None
    phone: Str(25) | None = None


class FileIn(WireIn):
    type: str = "default"
    url: Annotated[str, StringConstraints(min_length=1, max_length=2048)]

    @field_validator("type")
    @classmethod
    def known_type(cls, value: str) -> str:
        if value not in FILE_TYPES and not value.startswith("embroidery"):
            raise ValueError(f"Use one of {', '.join(sorted(FILE_TYPES))} or an embroidery placement")
        return value

    @field_validator("url")
    @classmethod
    def http_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value):
            raise ValueError("Give the file as an http or https URL")
        return value


class ItemIn(WireIn):
    itemReferenceId: Required(255)
    productUid: Str(255) | None = None
    storeProductVariantId: Str(255) | None = None
    pageCount: Count(1, 10000) | None = None
    quantity: Count(1, 100000)
    files: list[FileIn] = []
    metadata: Metadata = []

    @model_validator(mode="after")
    def product_named(self) -> ItemIn:
        if not self.productUid and not self.storeProductVariantId:
            raise ValueError("Give each item a product from the catalog (or a store product variant)")
        return self


def _unique_references(items: list[ItemIn] | None) -> list[ItemIn] | None:
    refs = [i.itemReferenceId for i in items or []]
    if len(refs) != len(set(refs)):
        raise ValueError("Each item needs its own item reference; two items share one")
    return items


class OrderCreateIn(WireIn):
    orderType: Literal["order", "draft"] = "order"
    orderReferenceId: Required(255)
    customerReferenceId: Required(255)
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=500)]
    metadata: Metadata = []
    shippingAddress: AddressIn
    returnAddress: ReturnAddressIn | None = None
    shipmentMethodUid: Str(255) | None = None
    preventDuplicate: Flag = False

    _unique_items = field_validator("items")(_unique_references)


class DraftPatchIn(WireIn):
    orderType: Literal["order", "draft"] | None = None
    orderReferenceId: Required(255) | None = None
    customerReferenceId: Required(255) | None = None
    currency: Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")] | None = None
    items: Annotated[list[ItemIn], Field(min_length=1, max_length=500)] | None = None
    metadata: Metadata | None = None
    shippingAddress: AddressIn | None = None
    returnAddress: ReturnAddressIn | None = None
    shipmentMethodUid: Str(255) | None = None

    _unique_items = field_validator("items")(_unique_references)


class SearchIn(WireIn):
    channels: list[str] | None = None
    countries: list[str] | None = None
    currencies: list[str] | None = None
    startDate: IsoDateTime | None = None
    endDate: IsoDateTime | None = None
    financialStatuses: list[Financial] | None = None
    fulfillmentStatuses: list[Fulfillment] | None = None
    ids: list[UUID] | None = None
    orderReferenceId: str | None = None
    orderReferenceIds: list[str] | None = None
    orderTypes: list[Literal["order", "draft"]] | None = None
    search: Str(255) | None = None
    storeIds: list[UUID] | None = None
    limit: Count(1, 100) = 50
    offset: Count(0, MAX_OFFSET) = 0


# ---- responses -------------------------------------------------------------------------------------


class AddressOut(Schema):
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
    isBusiness: bool | None = None
    federalTaxId: str | None = None
    stateTaxId: str | None = None
    registrationStateCode: str | None = None


class CheckOut(Schema):
    check: str = Field(description="readable, format, encryption, page_count, page_size, aspect_ratio, fonts, "
                                   "resolution, colour or transparency")
    passed: bool
    severity: Literal["error", "warning", "info"] = Field(description="A failed error-check fails the file; "
                                                                      "warnings and information never do.")
    message: str = Field(description="A sentence saying what was found and what to do about it.")
    page: int | None = Field(None, description="The page it is about, where it is about one.")


class PreflightOut(Schema):
    passed: bool
    checks: list[CheckOut]


class FileOut(Schema):
    type: str
    url: str
    preflight: PreflightOut | None = Field(None, description="The checks of the file against the item's product; "
                                                             "null until it has been fetched and checked.")


class ItemOut(Schema):
    id: str
    itemReferenceId: str
    productUid: str | None
    storeProductVariantId: str | None
    pageCount: int | None
    quantity: int
    fulfillmentStatus: Fulfillment
    isIgnored: bool
    files: list[FileOut]
    metadata: list[dict]


class PackageOut(Schema):
    trackingCode: str | None = None
    trackingUrl: str | None = None


class ShipmentOut(Schema):
    shipmentMethodName: str | None
    shipmentMethodUid: str | None
    minDeliveryDays: int | None
    maxDeliveryDays: int | None
    fulfillmentCountry: str | None
    packages: list[PackageOut]


class ProblemOut(Schema):
    field: str
    code: str
    message: str


class PriceOut(Schema):
    items: str | None
    shipping: str | None
    currency: str


class OrderOut(Schema):
    id: str
    orderType: OrderType
    orderReferenceId: str
    customerReferenceId: str
    fulfillmentStatus: Fulfillment
    financialStatus: Financial
    currency: str
    channel: str
    storeId: str | None
    createdAt: str
    updatedAt: str
    orderedAt: str
    items: list[ItemOut]
    shipment: ShipmentOut
    shippingAddress: AddressOut
    returnAddress: AddressOut | None
    metadata: list[dict]
    problems: list[ProblemOut] = Field(description="What stops the order now, one readable reason each.")
    price: PriceOut
    receipts: list[dict]
    connectedOrderIds: list[str]


class OrderSummaryOut(Schema):
    id: str
    orderType: OrderType
    orderReferenceId: str
    fulfillmentStatus: Fulfillment
    financialStatus: Financial
    channel: str
    country: str
    firstName: str
    lastName: str
    currency: str
    itemsCount: int | None
    storeId: str | None
    createdAt: str
    updatedAt: str
    orderedAt: str


class SearchOut(Schema):
    orders: list[OrderSummaryOut]


class ActorOut(Schema):
    kind: str
    id: str | None
    label: str


class EventOut(Schema):
    id: int
    type: str
    itemReferenceId: str | None
    actor: ActorOut
    reason: str
    parameters: dict
    createdAt: str


class EventsOut(Schema):
    events: list[EventOut]


class CancelIn(WireIn):
    reason: Str(500) | None = None


class PersonalizationIn(WireIn):
    files: Annotated[list[FileIn], Field(min_length=1, max_length=20)]
