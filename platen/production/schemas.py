"""Wire models of the partner API: the job queue (GET /v4/partner/jobs) and status reports (POST /v2/order/status)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from platen.kit.wire import IsoDateTime
from platen.orders.schemas import SIGNED_LINK, AddressOut

Text = Annotated[str, StringConstraints(max_length=2000)]
Short = Annotated[str, StringConstraints(max_length=255)]


# --- The job queue -----------------------------------------------------------------------------------------

class JobFacilityOut(Schema):
    id: str
    code: str
    name: str
    country: str


class JobCarrierServiceOut(Schema):
    carrier: str = Field(description="The carrier's code, e.g. dhl.")
    carrierName: str
    service: str = Field(description="The carrier's service, e.g. Paket.")


class JobShipmentMethodOut(Schema):
    uid: str | None
    name: str | None
    carrierService: JobCarrierServiceOut | None = Field(description="What the method becomes from this facility to the "
                                                                 "destination; null when no carrier service is mapped.")


class JobProductSpecOut(Schema):
    name: str | None = Field(description="The catalog's name of the product; null when the catalog no longer has it.")
    kind: str | None = Field(description="poster, canvas, framed_poster, t_shirt, hoodie, mug, greeting_card, photo_book.")
    size: str | None = Field(description='The print size without bleed, e.g. "297 × 420 mm".')
    widthMm: str | None
    heightMm: str | None
    bleedMm: str | None
    pageCount: int | None = Field(description="Pages of a multi-page product; null for single-page products.")


class JobPrintFileOut(Schema):
    type: str
    url: str = Field(description=f"The stored, checked print file served by Platen (never the merchant's URL). {SIGNED_LINK}")


class JobItemOut(Schema):
    orderItemId: str = Field(description="Platen's item id; reports name items by it (or by itemReferenceId).")
    itemReferenceId: str
    productUid: str | None
    product: JobProductSpecOut
    quantity: int
    status: str = Field(description="The item's fulfillmentStatus.")
    files: list[JobPrintFileOut]


class PartnerJobOut(Schema):
    orderId: str = Field(description="Platen's order id: the orderId of status reports.")
    orderReferenceId: str
    status: str = Field(description="The order's fulfillmentStatus, read live: a merchant's cancel shows at once.")
    canceled: bool = Field(description="The merchant (or the partner) canceled the order: do not produce it.")
    dueDate: date = Field(description="The production day, in the facility's time zone.")
    routedAt: datetime
    updatedAt: datetime = Field(description="When the order or the job last changed (what `since` compares).")
    facility: JobFacilityOut
    shipmentMethod: JobShipmentMethodOut
    shippingAddress: AddressOut
    addressChanged: bool = Field(description="The shipping address changed after the job was routed: use this one.")
    addressChangedAt: datetime | None
    items: list[JobItemOut]


class PartnerJobsOut(Schema):
    jobs: list[PartnerJobOut]


# --- Status reports ----------------------------------------------------------------------------------------

class StatusReportItemIn(Schema):
    orderItemId: Short = Field(description="Platen's item id or the item's itemReferenceId.")


class StatusReportIn(Schema):
    """The reference's partner report. `items` makes it partial: only those items move."""

    model_config = ConfigDict(extra="ignore")

    timestamp: IsoDateTime = Field(description="When it happened at the partner (ISO 8601).")
    orderId: Short = Field(description="Platen's order id (GET /v4/partner/jobs).")
    status: Literal["received", "error", "printed", "shipped", "cancelled"]
    message: Text | None = Field(None, description="For error and cancelled: why, in a sentence the merchant can read.")
    trackingCode: Short | None = Field(None, description="Required for shipped.")
    trackingLink: Annotated[str, StringConstraints(max_length=2048)] | None = Field(
        None, description="The carrier's tracking page; made from the carrier's template when left out.")
    items: list[StatusReportItemIn] | None = Field(None, max_length=1000, description="Only these items; all when left out.")
