"""Store connections' reactions (subscribed in StoresConfig.ready(); each runs inside the transaction that writes
the change): a store order's parcels, deliveries and returns are queued to be told to the store."""

from __future__ import annotations

from platen.orders import events
from platen.orders.models import OrderEvent
from platen.stores.statuses import StoreStatus

SHIPPED, DELIVERED, RETURNED = "shipped", "delivered", "returned"


def tell_stores(entries: list[OrderEvent]) -> None:
    """A parcel handed to the carrier (its tracking code), delivered or returned: one Fulfillment per order, kind
    and tracking code, with its push job. An order that moved without naming its parcels means all of them."""
    parcels, whole = {}, {}
    for e in entries:
        p = e.params or {}
        if e.type == events.TRACKING_CODE_UPDATED and p.get("trackingCode"):
            parcels[(e.order_id, SHIPPED, p["trackingCode"])] = None
        elif e.type == events.ITEM_STATUS_CHANGED and p.get("to") in (DELIVERED, RETURNED) and p.get("trackingCode"):
            parcels[(e.order_id, str(p["to"]), p["trackingCode"])] = None
        elif e.type == events.ORDER_STATUS_CHANGED and p.get("to") in (SHIPPED, DELIVERED, RETURNED):
            whole[(e.order_id, str(p["to"]))] = None
    whole = [key for key in whole if not any(o == key[0] and k == key[1] for o, k, _ in parcels)]
    if parcels or whole:
        from platen.stores.services import fulfillments

        fulfillments.queue(parcels, whole)


def resume_on_reconnect(sender, instance, created: bool, **kwargs) -> None:
    """post_save of StoreStatusChange (written only by connections.change_status, in its transaction): a store
    active again gets what waited for it."""
    if created and instance.status == StoreStatus.ACTIVE:
        from platen.stores.services import fulfillments

        fulfillments.resume(instance.store_id)
