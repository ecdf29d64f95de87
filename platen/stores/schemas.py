"""Wire models of the stores API (camelCase wire names). Tokens and secrets go in, never out."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from ninja import Schema
from pydantic import ConfigDict, Field, StringConstraints

from platen.kit.pagination import MAX_OFFSET
from platen.orders.schemas import FileIn
from platen.stores.statuses import Bucket

Text = lambda n: Annotated[str, StringConstraints(max_length=n)]  # noqa: E731
# Tokens travel in HTTP headers: visible ASCII only.
Secret = Annotated[str, StringConstraints(min_length=1, max_length=1000, strip_whitespace=True, pattern=r"^[!-~]+$")]


class StoreIn(Schema):
    model_config = ConfigDict(extra="forbid")  # a misspelt setting must not be dropped silently

    platform: Literal["shopify", "bigcommerce"]
    domain: Text(255) = Field(description="Shopify: the shop's <shop>.myshopify.com domain. BigCommerce: the store hash.")
    accessToken: Secret = Field(description="The app's Admin API access token (Shopify) or API account token (BigCommerce). "
                                            "Stored encrypted; never shown again.")
    webhookSecret: Secret = Field(description="The secret the platform signs webhooks with (the app's client secret).")
    apiBaseUrl: Text(500) | None = Field(None, description="Scheme and host of the platform's API when it is not the "
                                                           "platform's own (a self-hosted or emulated store).")
    importNotConnectedOrders: bool = False
    name: Text(120) | None = None
    pullIntervalMinutes: int | None = Field(None, description="How often Platen pulls the store's orders (5 to 1440; 60 by default).")


class StorePatch(Schema):
    model_config = ConfigDict(extra="forbid")

    name: Text(120) | None = None
    importNotConnectedOrders: bool | None = None
    pullIntervalMinutes: int | None = None
    accessToken: Secret | None = Field(None, description="A new access token (rotation); the status does not change: "
                                                         "reconnect a store whose token was refused.")
    webhookSecret: Secret | None = None


class ReconnectIn(Schema):
    model_config = ConfigDict(extra="forbid")

    accessToken: Secret | None = Field(None, description="A new access token; without it the stored one is checked again.")
    webhookSecret: Secret | None = None


class StoreOut(Schema):
    id: str
    platform: str
    domain: str
    name: str
    status: str = Field(description="active, disconnected or auth_failed")
    statusReason: str
    statusChangedAt: datetime
    connectedAt: datetime
    importNotConnectedOrders: bool
    pullIntervalMinutes: int
    lastPulledAt: datetime | None
    nextPullAt: datetime | None
    lastPullError: str
    lastWebhookAt: datetime | None
    webhookUrl: str = Field(description="Where Platen receives this store's webhooks.")
    apiBaseUrl: str
    orderCounts: dict[str, int] = Field(description="Store orders Platen saw, by bucket: imported, waiting, skipped.")


class StoresOut(Schema):
    stores: list[StoreOut]


class StatusChangeOut(Schema):
    status: str
    reason: str
    actor: str
    at: datetime


class HistoryOut(Schema):
    history: list[StatusChangeOut]


class StoreOrderFilters(Schema):
    bucket: Bucket | None = None
    reason: Text(50) | None = Field(None, description="A reason code, such as sku_not_mapped.")
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0


class StoreOrderOut(Schema):
    id: str
    externalId: str
    number: str
    placedAt: datetime
    storeStatus: str
    bucket: str
    reasonCode: str
    reason: str
    orderId: str | None
    seenVia: str
    lastSeenAt: datetime


class StoreOrdersOut(Schema):
    orders: list[StoreOrderOut]


class SkuMappingIn(Schema):
    sku: Text(255)
    productUid: Text(255)
    files: Annotated[list[FileIn], Field(max_length=16)] | None = None


class SkuMappingOut(Schema):
    sku: str
    productUid: str
    files: list[dict]
    createdAt: datetime


class SkuMappingsOut(Schema):
    skuMappings: list[SkuMappingOut]


class ShippingMappingIn(Schema):
    storeMethod: Text(255)
    shipmentMethodUid: Text(100)


class ShippingMappingOut(Schema):
    storeMethod: str
    shipmentMethodUid: str
    createdAt: datetime


class ShippingMappingsOut(Schema):
    shippingMappings: list[ShippingMappingOut]
