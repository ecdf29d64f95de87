"""What an order's history becomes on the wire: postback events with the v4 API's names and payloads.

history type                 -> postback event
order_created                -> order_status_updated (the order as it was born: received)
order_status_changed         -> order_status_updated
item_status_changed          -> order_item_status_updated
tracking_code_updated        -> order_item_tracking_code_updated (one per item; no item = every item)
delivery_estimate_updated    -> order_delivery_estimate_updated

Each payload is a snapshot at its history entry: several moves written in one transaction give
several payloads, each with the item statuses of its own moment, not all the final state.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from platen.orders import events as history
from platen.orders.models import Order, OrderEvent, OrderItem, Package
from platen.orders.statuses import Fulfillment, derive_order_status
from platen.notifications.statuses import PostbackEvent

TRACKING_CODE_UPDATED = history.TRACKING_CODE_UPDATED
DELIVERY_ESTIMATE_UPDATED = history.DELIVERY_ESTIMATE_UPDATED

SOURCES = frozenset({
    history.ORDER_CREATED, history.ORDER_STATUS_CHANGED, history.ITEM_STATUS_CHANGED,
    TRACKING_CODE_UPDATED, DELIVERY_ESTIMATE_UPDATED,
})
# Tracking can only exist from production on; earlier statuses skip the history query.
_MAY_HAVE_TRACKING = frozenset({
    Fulfillment.PRINTED, Fulfillment.PACKAGED, Fulfillment.SHIPPED, Fulfillment.IN_TRANSIT,
    Fulfillment.DELIVERED, Fulfillment.RETURNED,
})


@dataclass
class Outgoing:
    type: PostbackEvent
    order: Order
    source: OrderEvent
    uid: uuid.UUID = field(default_factory=uuid.uuid4)
    payload: dict = field(default_factory=dict)


def translate(entries: list[OrderEvent]) -> list[Outgoing]:
    """The postback events for history entries just written (all of them of one order, in order)."""
    entries = [e for e in entries if e.type in SOURCES]
    if not entries:
        return []
    order = entries[0].order
    snapshot = _Snapshot(order, entries)
    out: list[Outgoing] = []
    for entry in entries:
        for kind, payload in snapshot.apply(entry):
            item = Outgoing(kind, order, entry)
            item.payload = {"id": str(item.uid), "event": str(kind), **payload}
            out.append(item)
    return out


class _Snapshot:
    """The order's item statuses as they were at each entry, rebuilt from the entries themselves."""

    def __init__(self, order: Order, entries: list[OrderEvent]):
        self.order = order
        self.items: list[OrderItem] = list(order.items.all())
        self.by_id = {i.pk: i for i in self.items}
        first_from: dict = {}
        for e in entries:
            if e.type == history.ITEM_STATUS_CHANGED and e.item_id not in first_from:
                first_from[e.item_id] = (e.params or {}).get("from")
        self.status = {i.pk: first_from.get(i.pk) or i.fulfillment_status for i in self.items}
        self._fulfillments: dict | None = None

    def apply(self, e: OrderEvent) -> list[tuple[PostbackEvent, dict]]:
        p = e.params or {}
        if e.type == history.ORDER_CREATED:
            born = derive_order_status([self.status[i.pk] for i in self.items if not i.is_ignored] or [Fulfillment.RECEIVED])
            return [(PostbackEvent.ORDER_STATUS_UPDATED, self._order_status(born, e))]
        if e.type == history.ORDER_STATUS_CHANGED:
            return [(PostbackEvent.ORDER_STATUS_UPDATED, self._order_status(p.get("to"), e))]
        if e.type == history.ITEM_STATUS_CHANGED:
            self.status[e.item_id] = p.get("to")
            item = self.by_id.get(e.item_id)
            return [(PostbackEvent.ORDER_ITEM_STATUS_UPDATED, {
                **self._item_head(item), "fulfillmentCountry": self.order.fulfillment_country or None,
                "status": p.get("to"), "comment": e.reason, "created": e.created_at.isoformat(),
            })] if item else []
        if e.type == TRACKING_CODE_UPDATED:
            self._fulfillments = None  # a new code: read them again for later snapshots
            items = [self.by_id[e.item_id]] if e.item_id in self.by_id else [i for i in self.items if not i.is_ignored]
            return [(PostbackEvent.ORDER_ITEM_TRACKING_CODE_UPDATED, {
                **self._item_head(item), **_tracking(p, self.order), "created": e.created_at.isoformat(),
            }) for item in items]
        if e.type == DELIVERY_ESTIMATE_UPDATED:
            return [(PostbackEvent.ORDER_DELIVERY_ESTIMATE_UPDATED, {
                **self._order_head(), "minDeliveryDate": p.get("minDeliveryDate"),
                "maxDeliveryDate": p.get("maxDeliveryDate"), "created": e.created_at.isoformat(),
            })]
        return []

    def _order_head(self) -> dict:
        o = self.order
        return {"orderId": str(o.pk), "storeId": str(o.store_id) if o.store_id else None, "orderReferenceId": o.order_reference_id}

    def _item_head(self, item: OrderItem) -> dict:
        return {"itemReferenceId": item.item_reference_id, **self._order_head()}

    def _order_status(self, status, e: OrderEvent) -> dict:
        fulfillments = self.fulfillments() if status in _MAY_HAVE_TRACKING else {}
        return {
            **self._order_head(), "fulfillmentStatus": status,
            "items": [{
                "itemReferenceId": i.item_reference_id, "fulfillmentStatus": self.status[i.pk],
                "fulfillments": fulfillments.get(i.pk, []),
            } for i in self.items],
            "created": e.created_at.isoformat(),
        }

    def fulfillments(self) -> dict:
        """Tracking per item: the order's packages (a parcel exists before its items move to shipped, in the same
        transaction), then codes from the history that no package holds."""
        if self._fulfillments is None:
            found: dict = {i.pk: [] for i in self.items}
            country = {"fulfillmentCountry": self.order.fulfillment_country or None}

            def add(item_ids, entry: dict) -> None:
                for item_id in item_ids:
                    if item_id in found and entry not in found[item_id]:
                        found[item_id].append(entry)

            for package in Package.objects.filter(order=self.order).prefetch_related("items").order_by("shipped_at", "id"):
                add([i.pk for i in package.items.all()], {**_tracking({
                    "trackingCode": package.tracking_code, "trackingUrl": package.tracking_url or None}, self.order), **country})
            for e in self.order.events.filter(type=TRACKING_CODE_UPDATED).order_by("id"):
                add([e.item_id] if e.item_id in found else list(found), {**_tracking(e.params or {}, self.order), **country})
            self._fulfillments = found
        return self._fulfillments


def _tracking(p: dict, order: Order) -> dict:
    return {
        "trackingCode": p.get("trackingCode"), "trackingUrl": p.get("trackingUrl"),
        "shipmentMethodName": p.get("shipmentMethodName") or order.shipment_method_name or None,
        "shipmentMethodUid": p.get("shipmentMethodUid") or order.shipment_method_uid or None,
    }


def ping_payload(uid: uuid.UUID, created) -> dict:
    return {"id": str(uid), "event": "webhook_test", "created": created.isoformat(),
            "message": "This is a test postback from Platen. Answer with any 2xx status to confirm it arrived."}
