"""The store products API: a store's products and variants with their connection to the catalog, connecting and
ignoring them, a products sync; and Complete order for not-connected orders. Handlers only translate HTTP to
service calls; another account's store or order is a 404."""

from __future__ import annotations

from uuid import UUID

from ninja import Query, Router, Status

from platen.kit.actors import Actor
from platen.kit.pagination import page
from platen.kit.schemas import errors
from platen.kit.wire import parse_optional
from platen.orders import presenters as order_presenters
from platen.orders.schemas import OrderOut
from platen.orders.services import queries
from platen.stores.models import StoreProduct, StoreVariant
from platen.stores.schemas_products import (
    StoreItemConnectIn, StoreItemIgnoreIn, StoreProductFilters, StoreProductOut, StoreProductsOut, StoreSyncOut, StoreVariantConnectIn, StoreVariantOut,
)
from platen.stores.services import completion, products, setup

router = Router(tags=["store products"])
ERRORS = errors(404, 409)


def _actor(request) -> Actor:
    return Actor.api_key(request.api_key)


def _when(moment) -> str | None:
    return moment.isoformat() if moment else None


def variant_out(v: StoreVariant) -> dict:
    return {
        "id": str(v.pk), "externalId": v.external_id, "sku": v.sku, "title": v.title, "options": v.options or {},
        "connectionStatus": v.connection, "productUid": v.product_uid or None, "files": v.files or [],
        "optionsChangedAt": _when(v.options_changed_at), "updatedAt": v.updated_at.isoformat(),
    }


def product_out(p: StoreProduct, *, variants: bool = False) -> dict:
    return {
        "id": p.external_id, "storeId": str(p.store_id), "title": p.title, "syncedAt": p.synced_at.isoformat(),
        "variantCounts": {"connected": p.connected, "notConnected": p.not_connected, "ignored": p.ignored},
        "variants": [variant_out(v) for v in products.live_variants(p)] if variants else None,
    }


@router.get("/stores/{uuid:store_id}/products", response={200: StoreProductsOut, **ERRORS},
            summary="List a store's products with their variants' connection counts")
def list_products(request, store_id: UUID, filters: Query[StoreProductFilters]):
    store = setup.get_store(request.account, store_id)
    found = products.products_of(store, filters.connection)
    return {"products": [product_out(p) for p in page(found, filters.limit, filters.offset)], "total": found.count()}


@router.post("/stores/{uuid:store_id}/products:sync", response={202: StoreSyncOut, **ERRORS},
             summary="Read the store's products again (as a background job)")
def sync_products(request, store_id: UUID):
    store = setup.get_store(request.account, store_id)
    products.enqueue_sync(store)
    return Status(202, {"storeId": str(store.pk), "queued": True, "productsSyncedAt": _when(store.products_synced_at)})


# Before the product route: its {product_id} would otherwise take "123:ignore" too.
@router.post("/stores/{uuid:store_id}/products/{product_id}:ignore", response={200: StoreProductOut, **ERRORS},
             summary="Ignore every variant of a product in incoming orders")
def ignore_product(request, store_id: UUID, product_id: str):
    store = setup.get_store(request.account, store_id)
    products.ignore_product(products.product_of(store, product_id), _actor(request))
    return product_out(products.product_of(store, product_id), variants=True)


@router.get("/stores/{uuid:store_id}/products/{product_id}", response={200: StoreProductOut, **ERRORS},
            summary="A store product with its variants")
def get_product(request, store_id: UUID, product_id: str):
    store = setup.get_store(request.account, store_id)
    return product_out(products.product_of(store, product_id), variants=True)


@router.post("/stores/{uuid:store_id}/variants/{uuid:variant_id}:connect", response={200: StoreVariantOut, **ERRORS},
             summary="Connect a variant to a catalog product and its design files")
def connect_variant(request, store_id: UUID, variant_id: UUID, payload: StoreVariantConnectIn):
    variant = products.variant_of(setup.get_store(request.account, store_id), variant_id)
    return variant_out(products.connect_variant(variant, payload.productUid, payload.files, _actor(request)))


@router.post("/stores/{uuid:store_id}/variants/{uuid:variant_id}:ignore", response={200: StoreVariantOut, **ERRORS},
             summary="Ignore a variant in incoming orders")
def ignore_variant(request, store_id: UUID, variant_id: UUID):
    variant = products.variant_of(setup.get_store(request.account, store_id), variant_id)
    return variant_out(products.ignore_variant(variant, _actor(request)))


@router.post("/stores/{uuid:store_id}/variants/{uuid:variant_id}:disconnect", response={200: StoreVariantOut, **ERRORS},
             summary="Make a variant not connected again (incoming orders ask for it)")
def disconnect_variant(request, store_id: UUID, variant_id: UUID):
    variant = products.variant_of(setup.get_store(request.account, store_id), variant_id)
    return variant_out(products.disconnect_variant(variant, _actor(request)))


@router.post("/orders/{uuid:order_id}/items/{item_reference_id}:connect", response={200: OrderOut, **ERRORS},
             summary="Complete order: connect a not-connected item")
def connect_item(request, order_id: UUID, item_reference_id: str, payload: StoreItemConnectIn):
    completion.connect(request.account, order_id, item_reference_id, payload.productUid, payload.files,
                       _actor(request), payload.scope)
    return order_presenters.order(queries.get_order(request.account, order_id))


IGNORE_BODY = {"requestBody": {"required": False, "content": {"application/json": {"schema": StoreItemIgnoreIn.model_json_schema()}}}}


@router.post("/orders/{uuid:order_id}/items/{item_reference_id}:ignore", response={200: OrderOut, **ERRORS},
             openapi_extra=IGNORE_BODY, summary="Complete order: ignore a not-connected item")
def ignore_item(request, order_id: UUID, item_reference_id: str):
    scope = parse_optional(request.body, StoreItemIgnoreIn).scope  # no body: this item in this order
    completion.ignore(request.account, order_id, item_reference_id, _actor(request), scope)
    return order_presenters.order(queries.get_order(request.account, order_id))
