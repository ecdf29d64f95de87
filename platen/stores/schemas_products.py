"""Wire models of the store products API: products and variants with their connection, and Complete order."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Schema
from pydantic import Field

from platen.kit.pagination import MAX_OFFSET
from platen.orders.schemas import MAX_FILES_PER_ITEM, FileIn

ConnectionName = Literal["connected", "not_connected", "ignored"]


class StoreProductFilters(Schema):
    connection: ConnectionName | None = Field(None, description="connected: at least one variant connected; "
                                              "not_connected: at least one waiting; ignored: every variant ignored.")
    limit: Annotated[int, Field(ge=1, le=100)] = 50
    offset: Annotated[int, Field(ge=0, le=MAX_OFFSET)] = 0


class StoreVariantCountsOut(Schema):
    connected: int
    notConnected: int
    ignored: int


class StoreVariantOut(Schema):
    id: str = Field(description="Platen's id of the variant (storeProductVariantId of order items).")
    externalId: str = Field(description="The store's own id of the variant.")
    sku: str
    title: str
    options: dict[str, str]
    connectionStatus: ConnectionName
    productUid: str | None = Field(description="The catalog product it is made as, when connected.")
    files: list[dict]
    optionsChangedAt: str | None = Field(description="When the store changed the variant's options (orders placed "
                                         "before may not match it).")
    updatedAt: str


class StoreProductOut(Schema):
    id: str = Field(description="The store's own id of the product.")
    storeId: str
    title: str
    variantCounts: StoreVariantCountsOut
    syncedAt: str
    variants: list[StoreVariantOut] | None = Field(None, description="Only when one product is asked for.")


class StoreProductsOut(Schema):
    products: list[StoreProductOut]
    total: int


class StoreSyncOut(Schema):
    storeId: str
    queued: bool
    productsSyncedAt: str | None = Field(description="When the last complete sync finished.")


class StoreVariantConnectIn(Schema):
    productUid: Annotated[str, Field(min_length=1, max_length=255)]
    files: Annotated[list[FileIn], Field(max_length=MAX_FILES_PER_ITEM)] = []


class StoreItemConnectIn(StoreVariantConnectIn):
    scope: Literal["order", "variant"] = Field("variant", description="order: this item in this order only; "
                                               "variant: also every incoming order with this variant.")


class StoreItemIgnoreIn(Schema):
    scope: Literal["order", "variant", "product"] = Field("order", description="order: this item in this order; "
                                                          "variant: this variant in all incoming orders; product: "
                                                          "every variant of the product in all incoming orders.")
