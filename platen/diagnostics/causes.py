"""Why a store order is (not) in Platen: the diagnosis's cause codes, in the order they are checked, and their fixes.

A fix is something Platen can do or show: `href` is a dashboard page (connect the variant, the store's mappings,
reconnect, open the order) or an API endpoint taking a POST (sync now, import now, recreate). `dashboard` says
how the dashboard box offers it: a link to the page, or a button that posts to the dashboard's own action.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import quote


class Cause(StrEnum):
    STORE_NOT_ACTIVE = "store_not_active"
    PLACED_BEFORE_CONNECTION = "placed_before_connection"
    CANCELLED_IN_STORE = "cancelled_in_store"
    NOT_PAID = "not_paid"
    PAYMENT_PENDING = "payment_pending"
    STATUS_CHANGED = "status_changed"
    PRODUCT_NOT_CONNECTED = "product_not_connected"
    VARIANT_IGNORED = "variant_ignored"
    VARIANT_OPTIONS_CHANGED = "variant_options_changed"
    SKU_NOT_MAPPED = "sku_not_mapped"
    SHIPPING_METHOD_NOT_MAPPED = "shipping_method_not_mapped"
    AUTH_FAILING = "auth_failing"
    PROCESSING_DELAY = "processing_delay"
    WEBHOOK_NOT_RECEIVED = "webhook_not_received"
    REJECTED = "rejected"
    IMPORTED = "imported"
    NOT_FOUND = "not_found"


class Action(StrEnum):
    RECONNECT = "reconnect"
    RECREATE = "recreate"
    IMPORT_NOW = "import_now"
    SYNC_NOW = "sync_now"
    CONNECT_VARIANT = "connect_variant"
    MAP_SKU = "map_sku"
    MAP_SHIPPING_METHOD = "map_shipping_method"
    OPEN_ORDER = "open_order"
    COMPLETE_ORDER = "complete_order"  # a not-connected order: connect or ignore its items


# Actions the dashboard box offers as a button posting to its own view (the rest are links to pages).
POSTED = frozenset({Action.RECREATE, Action.IMPORT_NOW, Action.SYNC_NOW})


@dataclass(frozen=True)
class Fix:
    action: Action
    label: str
    href: str

    @property
    def posted(self) -> bool:
        return self.action in POSTED

    def as_dict(self) -> dict:
        return {"action": str(self.action), "label": self.label, "href": self.href}


def ref_path(ref: str) -> str:
    """A store order reference inside a URL path: '#1001' -> '%231001'."""
    return quote(ref, safe="")


def reconnect(store) -> Fix:
    return Fix(Action.RECONNECT, "Reconnect the store", f"/stores/{store.pk}/#reconnect")


def recreate(store, ref: str) -> Fix:
    return Fix(Action.RECREATE, "Recreate the order in Platen", f"/v4/stores/{store.pk}/orders/{ref_path(ref)}:recreate")


def import_now(store, ref: str, label: str = "Import it now") -> Fix:
    return Fix(Action.IMPORT_NOW, label, f"/v4/stores/{store.pk}/orders/{ref_path(ref)}:import")


def sync_now(store) -> Fix:
    return Fix(Action.SYNC_NOW, "Sync the store now", f"/v4/stores/{store.pk}:sync")


def connect_variant(store, product_external_id: str, what: str) -> Fix:
    return Fix(Action.CONNECT_VARIANT, f"Connect {what}", f"/stores/{store.pk}/products/{quote(product_external_id, safe='')}/")


def map_sku(store, sku: str) -> Fix:
    return Fix(Action.MAP_SKU, f"Map the SKU {sku}", f"/stores/{store.pk}/#map-sku")


def map_shipping_method(store, method: str) -> Fix:
    return Fix(Action.MAP_SHIPPING_METHOD, f"Map the shipping method '{method}'", f"/stores/{store.pk}/#map-method")


def open_order(order_id) -> Fix:
    return Fix(Action.OPEN_ORDER, "Open the order", f"/orders/{order_id}/")


def complete_order(order_id) -> Fix:
    return Fix(Action.COMPLETE_ORDER, "Connect its items", f"/orders/{order_id}/complete/")
