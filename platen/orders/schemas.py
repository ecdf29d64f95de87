"""Wire models of the order API. Field names are the wire names (camelCase), as merchants' clients send them."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from ninja import Schema
from pydantic import (
    BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints, ValidationInfo, field_validator, model_validator,
)

from platen.kit.geo import COUNTRY_CODES
from platen.kit.pagination import MAX_OFFSET
from platen.kit.wire import IsoDateTime
from platen.orders.statuses import Financial, Fulfillment, OrderType

FILE_TYPES = {"default", "front", "back", "neck-inner", "neck-outer", "sleeve-left", "sleeve-right", "inside"}
EMBROIDERY_PLACEMENTS = 8  # embroidery-<placement> types; no garment has more places to embroider
MAX_FILES_PER_ITEM = len(FILE_TYPES) + EMBROIDERY_PLACEMENTS  # one file per type (placement)
Count = lambda low, high: Annotated[int, Field(ge=low, le=high, strict=True)]  # noqa: E731  (JSON true is not 1)
Flag = Annotated[bool, Field(strict=True)]
Str = lambda n: Annotated[str, StringConstraints(max_length=n)]  # noqa: E731
Required = lambda n: Annotated[str, StringConstraints(min_length=1, max_length=n, strip_whitespace=True)]  # noqa: E731


FILE_TYPE_HELP = f"Use one of {', '.join(sorted(FILE_TYPES))} or an embroidery placement"


def is_file_type(value: str) -> bool:
    return value in FILE_TYPES or value.startswith("embroidery")


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
    # Checked by known_country below (a real code, with a sentence); the pattern is for the OpenAPI document.
    country: str = Field(json_schema_extra={"pattern": r"^[A-Z]{2}$", "minLength": 2, "maxLength": 2})
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
    type: Str(64) = "default"
    url: Annotated[str, StringConstraints(min_length=1, max_length=2048)]

    @field_validator("type")
    @classmethod
    def known_type(cls, value: str) -> str:
        if not is_file_type(value):
            raise ValueError(FILE_TYPE_HELP)
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
    files: Annotated[list[FileIn], Field(max_length=MAX_FILES_PER_ITEM, description=
                     "At most one file per type (placement).")] = []
    metadata: Metadata = []

    @field_validator("files", mode="before")
    @classmethod
    def few_files(cls, value, info: ValidationInfo):
        # Checked before the files are read: 20,000 of them would otherwise all be parsed first.
        if isinstance(value, list) and len(value) > MAX_FILES_PER_ITEM:
            raise ValueError(f"Item {info.data.get('itemReferenceId', '')!r} has {len(value)} files; an item takes one "
                             f"file per type (placement), so at most {MAX_FILES_PER_ITEM}")
        return value

    @field_validator("files")
    @classmethod
    def one_file_per_type(cls, files: list[FileIn], info: ValidationInfo) -> list[FileIn]:
        return _one_file_per_type(files, f"Item {info.data.get('itemReferenceId', '')!r}")

    @model_validator(mode="after")
    def product_named(self) -> ItemIn:
        if not self.productUid and not self.storeProductVariantId:
            raise ValueError("Give each item a product from the catalog (or a store product variant)")
        return self


def _one_file_per_type(files: list[FileIn], whose: str) -> list[FileIn]:
    types = [f.type for f in files]
    repeated = sorted({t for t in types if types.count(t) > 1})
    if repeated:
        raise ValueError(f"{whose} has more than one {' and more than one '.join(repeated)} file; "
                         "give each type (placement) one file")
    return files


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
    channels: list[Str(20)] | None = None
    countries: list[Str(2)] | None = None
    currencies: list[Str(3)] | None = None
    startDate: IsoDateTime | None = None
    endDate: IsoDateTime | None = None
    financialStatuses: list[Financial] | None = None
    fulfillmentStatuses: list[Fulfillment] | None = None
    ids: list[UUID] | None = None
    orderReferenceId: Str(255) | None = None
    orderReferenceIds: list[Str(255)] | None = None
    orderTypes: list[Literal["order", "draft"]] | None = None
    search: Str(255) | None = None
    storeIds: list[UUID] | None = None
    limit: Count(1, 100) = 50
    offset: Count(0, MAX_OFFSET) = 0


# ---- responses -------------------------------------------------------------------------------------

# Money in receipts is a JSON number, as in the reference; float() of a two-place Decimal prints that decimal.
Number = Annotated[Decimal, PlainSerializer(float, return_type=float)]


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


SIGNED_LINK = "A Platen link to the stored copy, signed and valid for at least 7 days; read the order again for a fresh one."


class FileOut(Schema):
    type: str
    url: str = Field(description="The URL the file was sent with.")
    processedFileUrl: str | None = Field(description=f"The fetched file as checked; null until then. {SIGNED_LINK}")
    preflight: PreflightOut | None = Field(None, description="The checks of the file against the item's product; "
                                                             "null until it has been fetched and checked.")


class PreviewOut(Schema):
    type: str = Field(description="The file type it shows (default, front, back...).")
    url: str = Field(description=f"A PNG of the file's first page, 300 px on its longer side. {SIGNED_LINK}")


class OptionOut(Schema):
    id: str
    type: str
    productUid: str
    quantity: int


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
    processedFileUrl: str | None = Field(description=f"The item's (first) print file as fetched and checked; null until then. {SIGNED_LINK}")
    previews: list[PreviewOut] = Field(description="One per print file, once it has been fetched and drawn.")
    options: list[OptionOut]
    metadata: list[dict]


class PackageOut(Schema):
    id: str
    orderItemIds: list[str]
    trackingCode: str | None = Field(description="Set when the package ships.")
    trackingUrl: str | None = Field(description="Set when the package ships.")


class ShipmentOut(Schema):
    id: str
    shipmentMethodName: str
    shipmentMethodUid: str
    minDeliveryDays: int
    maxDeliveryDays: int
    minDeliveryDate: str = Field(description="YYYY-MM-DD: the delivery days counted from the day the order was checked.")
    maxDeliveryDate: str = Field(description="YYYY-MM-DD")
    totalWeight: int = Field(description="Grams.")
    fulfillmentCountry: str
    packageCount: int
    packages: list[PackageOut] = Field(description="Each parcel handed to a carrier, with its tracking; then one parcel "
                                                   "still to ship (tracking null) with the items no parcel holds yet.")


class ReturnAddressOut(Schema):
    companyName: str | None
    addressLine1: str | None
    addressLine2: str | None
    city: str | None
    postCode: str | None
    state: str | None
    country: str | None
    email: str | None
    phone: str | None


class BillingEntityOut(Schema):
    companyName: str
    companyNumber: str | None
    companyVatNumber: str | None
    recipientName: str
    addressLine1: str
    addressLine2: str | None
    city: str
    postCode: str
    state: str | None
    country: str
    email: str
    phone: str | None


class ReceiptItemOut(Schema):
    id: str
    receiptId: str
    referenceId: str = Field(description="The order item's id (type product) or the shipment's id (type shipping).")
    type: str = Field(description="product or shipping")
    title: str
    currency: str
    priceBase: Number = Field(description="One piece, without VAT.")
    amount: int = Field(description="Pieces.")
    priceInitial: Number
    discount: Number
    price: Number
    vat: Number
    priceInclVat: Number
    createdAt: str
    updatedAt: str


class ReceiptOut(Schema):
    id: str
    orderId: str
    transactionType: str = Field(description="order: what the order costs, written when it is checked and priced.")
    currency: str
    items: list[ReceiptItemOut]
    productsPriceInitial: Number
    productsPriceDiscount: Number
    productsPrice: Number
    productsPriceVat: Number
    productsPriceInclVat: Number
    packagingPriceInitial: Number
    packagingPriceDiscount: Number
    packagingPrice: Number
    packagingPriceVat: Number
    packagingPriceInclVat: Number
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
    totalInclVat: str | None = Field(description="The receipt's total with VAT, e.g. \"23.45\"; null until priced.")
    connectedOrderIds: list[str] = Field(description="The other orders of the same request when routing split it "
                                                     "(no one facility makes every item); they share orderReferenceId.")
    items: list[ItemOut]
    shipment: ShipmentOut | None = Field(description="null until the order is checked and priced with a chosen "
                                                     "shipment method; then every field is set.")
    shippingAddress: AddressOut
    billingEntity: BillingEntityOut | None = Field(description="The account's billing details; null until they are "
                                                            "complete, then every required field is set.")
    returnAddress: ReturnAddressOut | None = Field(description="As sent with the order.")
    receipts: list[ReceiptOut] = Field(description="Empty until the order is priced (when its checks pass).")
    metadata: list[dict]
    problems: list[ProblemOut] = Field(description="What stops the order now, one readable reason each.")
    warnings: list[ProblemOut] = Field(description="What to look at that does not stop the order (e.g. a phone "
                                                   "number the carrier does not need).")
    price: PriceOut


class OrderSummaryOut(Schema):
    id: str
    orderType: OrderType
    orderReferenceId: str
    customerReferenceId: str
    fulfillmentStatus: Fulfillment
    financialStatus: Financial
    channel: str
    country: str
    firstName: str
    lastName: str
    currency: str
    totalInclVat: str | None
    connectedOrderIds: list[str]
    itemsCount: int
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


class DeletedOut(Schema):
    id: str = Field(description="The deleted draft's id.")


class EventsOut(Schema):
    events: list[EventOut]


class CancelIn(WireIn):
    reason: Str(500) | None = None


class PersonalizationIn(WireIn):
    files: Annotated[list[FileIn], Field(min_length=1, max_length=MAX_FILES_PER_ITEM)]

    @field_validator("files")
    @classmethod
    def one_file_per_type(cls, files: list[FileIn]) -> list[FileIn]:
        return _one_file_per_type(files, "The item")


# ---- fixing a failed order in place (PATCH of a submitted order) ------------------------------------


class ItemFixIn(WireIn):
    itemReferenceId: Required(255)
    productUid: Required(255) | None = Field(None, description="Another product from the catalog for this item.")
    pageCount: Count(1, 10000) | None = Field(None, description="The new page count; null removes it.")
    quantity: Count(1, 100000) | None = None
    files: Annotated[list[FileIn], Field(min_length=1, max_length=MAX_FILES_PER_ITEM)] | None = Field(
        None, description="Each file replaces the item's file of the same type; files of other types stay.")

    @field_validator("files")
    @classmethod
    def one_file_per_type(cls, files: list[FileIn] | None) -> list[FileIn] | None:
        return files if files is None else _one_file_per_type(files, "The item")

    @model_validator(mode="after")
    def something_to_change(self) -> ItemFixIn:
        if not self.model_fields_set & {"productUid", "pageCount", "quantity", "files"}:
            raise ValueError("Say what to change on this item: files, productUid, pageCount or quantity")
        return self


class OrderFixIn(BaseModel):
    """The changes to a failed order: its failed items, each named by its itemReferenceId, and its shipment method."""

    # Draft fields sent to a submitted order are kept (in model_extra) to refuse them with the reason (409).
    # A plain pydantic model: ninja's Schema drops unknown fields before they could be seen.
    model_config = ConfigDict(extra="allow")

    items: Annotated[list[ItemFixIn], Field(min_length=1, max_length=500)] | None = None
    shipmentMethodUid: Str(255) | None = Field(
        None, description="Another shipment method for a failed order: normal, standard, express, a method uid, or a "
                          "comma-separated list of them (as at create).")

    _unique_items = field_validator("items")(_unique_references)
