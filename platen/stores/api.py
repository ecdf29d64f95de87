"""The stores API: connect a store, its settings and connection, the store orders Platen saw, SKU and shipping
mappings. Merchant keys only, scoped to the key's account (another account's store is a 404)."""

from __future__ import annotations

from uuid import UUID

from ninja import Query, Router, Status

from platen.kit.actors import Actor
from platen.kit.schemas import errors
from platen.stores import presenters
from platen.stores.schemas import (
    HistoryOut, ReconnectIn, ShippingMappingIn, ShippingMappingOut, ShippingMappingsOut, SkuMappingIn, SkuMappingOut,
    SkuMappingsOut, StoreIn, StoreOrderFilters, StoreOrdersOut, StoreOut, StorePatch, StoresOut,
)
from platen.stores.services import mappings, setup

router = Router(tags=["stores"])
ERRORS = errors(404, 409)
STORE = "/stores/{uuid:store_id}"


def _actor(request) -> Actor:
    return Actor.api_key(request.api_key)


@router.post("/stores", response={200: StoreOut, **ERRORS}, summary="Connect a store (Shopify or BigCommerce)")
def connect_store(request, payload: StoreIn):
    store = setup.connect(request.account, setup.StoreSetup(
        platform=payload.platform, domain=payload.domain, access_token=payload.accessToken,
        webhook_secret=payload.webhookSecret, api_base_url=payload.apiBaseUrl or "",
        import_not_connected=payload.importNotConnectedOrders, name=payload.name or "",
        pull_interval_minutes=payload.pullIntervalMinutes), _actor(request))
    return presenters.store(store)


@router.get("/stores", response={200: StoresOut, **ERRORS}, summary="The account's stores")
def list_stores(request):
    return {"stores": presenters.stores(setup.stores(request.account))}


@router.get(STORE, response={200: StoreOut, **ERRORS}, summary="A store and its connection")
def get_store(request, store_id: UUID):
    return presenters.store(setup.get_store(request.account, store_id))


@router.patch(STORE, response={200: StoreOut, **ERRORS}, summary="Change a store's settings or rotate its token")
def patch_store(request, store_id: UUID, payload: StorePatch):
    store = setup.update(request.account, store_id, {
        "name": payload.name, "import_not_connected": payload.importNotConnectedOrders,
        "pull_interval_minutes": payload.pullIntervalMinutes, "access_token": payload.accessToken,
        "webhook_secret": payload.webhookSecret,
    }, _actor(request))
    return presenters.store(store)


@router.post(STORE + ":disconnect", response={200: StoreOut, **ERRORS}, summary="Stop syncing a store")
def disconnect_store(request, store_id: UUID):
    return presenters.store(setup.disconnect(request.account, store_id, _actor(request)))


@router.post(STORE + ":reconnect", response={200: StoreOut, **ERRORS},
             summary="Connect a disconnected or refused store again (optionally with a new token)")
def reconnect_store(request, store_id: UUID, payload: ReconnectIn | None = None):
    payload = payload or ReconnectIn()
    return presenters.store(setup.reconnect(request.account, store_id, _actor(request),
                                            access_token=payload.accessToken or "", webhook_secret=payload.webhookSecret or ""))


@router.post(STORE + ":sync", response={200: StoreOut, **ERRORS}, summary="Pull the store's orders now")
def sync_store(request, store_id: UUID):
    return presenters.store(setup.sync_now(request.account, store_id, _actor(request)))


@router.get(STORE + "/history", response={200: HistoryOut, **ERRORS}, summary="The connection history, newest first")
def store_history(request, store_id: UUID):
    return {"history": [presenters.status_change(c) for c in setup.history(request.account, store_id)]}


@router.get(STORE + "/orders", response={200: StoreOrdersOut, **ERRORS},
            summary="Every store order Platen saw: imported, waiting or skipped, with the reason")
def store_orders(request, store_id: UUID, filters: Query[StoreOrderFilters]):
    rows = setup.store_orders(request.account, store_id, bucket=filters.bucket, reason=filters.reason)
    return {"orders": [presenters.store_order(o) for o in rows[filters.offset : filters.offset + filters.limit]]}


@router.get(STORE + "/sku-mappings", response={200: SkuMappingsOut, **ERRORS}, summary="The store's SKU mappings")
def list_sku_mappings(request, store_id: UUID):
    return {"skuMappings": [presenters.sku_mapping(m) for m in mappings.sku_mappings(request.account, store_id)]}


@router.post(STORE + "/sku-mappings", response={200: SkuMappingOut, **ERRORS},
             summary="Map a store SKU to a catalog product (replaces the SKU's mapping)")
def add_sku_mapping(request, store_id: UUID, payload: SkuMappingIn):
    files = [f.model_dump() for f in payload.files or []]
    return presenters.sku_mapping(mappings.map_sku(request.account, store_id, payload.sku, payload.productUid, files))


@router.delete(STORE + "/sku-mappings", response={204: None, **ERRORS}, summary="Remove a SKU mapping (?sku=)")
def delete_sku_mapping(request, store_id: UUID, sku: str):
    mappings.unmap_sku(request.account, store_id, sku)
    return Status(204, None)


@router.get(STORE + "/shipping-mappings", response={200: ShippingMappingsOut, **ERRORS}, summary="The store's shipping-method mappings")
def list_shipping_mappings(request, store_id: UUID):
    return {"shippingMappings": [presenters.shipping_mapping(m) for m in mappings.shipping_mappings(request.account, store_id)]}


@router.post(STORE + "/shipping-mappings", response={200: ShippingMappingOut, **ERRORS},
             summary="Map a store's shipping method to a Platen shipment method")
def add_shipping_mapping(request, store_id: UUID, payload: ShippingMappingIn):
    return presenters.shipping_mapping(mappings.map_shipping(request.account, store_id, payload.storeMethod, payload.shipmentMethodUid))


@router.delete(STORE + "/shipping-mappings", response={204: None, **ERRORS}, summary="Remove a shipping-method mapping (?storeMethod=)")
def delete_shipping_mapping(request, store_id: UUID, storeMethod: str):  # noqa: N803  (the wire name)
    mappings.unmap_shipping(request.account, store_id, storeMethod)
    return Status(204, None)
