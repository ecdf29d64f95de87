"""The one place where fulfilment and financial statuses change.

Each move is checked against the tables in statuses.py, the order status is re-derived from the items,
and every change is written to the history in the caller's transaction.
"""

from __future__ import annotations

from django.db import transaction

from platen.kit.actors import Actor
from platen.kit.errors import Conflict
from platen.orders import events
from platen.orders.models import Order, OrderEvent, OrderItem
from platen.orders.statuses import FINANCIAL_TRANSITIONS, ITEM_TRANSITIONS, Financial, Fulfillment, derive_order_status


class TransitionRefused(Conflict):
    def __init__(self, message: str):
        super().__init__(message, code="transition_refused")


def transition_items(order: Order, items: list[OrderItem], target: Fulfillment, actor: Actor, *, reason: str = "",
                     params: dict | None = None, siblings: list[OrderItem] | None = None,
                     before: list[OrderEvent] = (), after: list[OrderEvent] = (), order_fields: list[str] = ()) -> None:
    """Move `items` of a saved `order` to `target`, or refuse the whole move when any one of them may not.

    `siblings` are all the order's items when the caller has them (saves a query); they include `items`.
    `before`/`after`: unsaved history of the same change, written with the move's in one insert (in that order);
    `order_fields`: other fields of `order` the caller changed, saved in the move's update of the order.
    """
    _require_transaction()
    everything = siblings if siblings is not None else _with_moving(list(order.items.all()), items)
    pending = plan_items(order, everything, items, target, actor, reason=reason, params=params)
    OrderItem.objects.bulk_update(items, ["fulfillment_status"])
    order.save(update_fields=list(dict.fromkeys(["fulfillment_status", "updated_at", *order_fields])))
    events.save_all([*before, *pending, *after])


def plan_items(order: Order, everything: list[OrderItem], items: list[OrderItem], target: Fulfillment, actor: Actor, *,
               reason: str = "", params: dict | None = None) -> list:
    """The move itself, in memory: check it against the table, set the statuses, re-derive the order's, and
    return the events to write. `transition_items` persists it; a new order is inserted once, already moved."""
    target = Fulfillment(target)
    for item in items:
        if target not in ITEM_TRANSITIONS[Fulfillment(item.fulfillment_status)]:
            raise TransitionRefused(
                f"Item {item.item_reference_id} is {item.fulfillment_status} and cannot move to {target}."
            )
    pending = []
    for item in items:
        pending.append(events.event(order, events.ITEM_STATUS_CHANGED, actor, reason=reason, item=item,
                                    params={"from": item.fulfillment_status, "to": target, **(params or {})}))
        item.fulfillment_status = target
    derived = derive_order_status([i.fulfillment_status for i in everything if not i.is_ignored])
    if derived != order.fulfillment_status:
        pending.append(events.event(order, events.ORDER_STATUS_CHANGED, actor, reason=reason,
                                    params={"from": order.fulfillment_status, "to": derived}))
        order.fulfillment_status = derived
    return pending


def _with_moving(loaded: list[OrderItem], moving: list[OrderItem]) -> list[OrderItem]:
    by_id = {i.pk: i for i in moving}
    return [by_id.get(i.pk, i) for i in loaded]


def start(order: Order, status: Fulfillment, financial: Financial) -> None:
    """The birth statuses of an unsaved order whose items are all born in `status`; later moves go through the table."""
    order.fulfillment_status = derive_order_status([status])
    order.financial_status = financial


def transition_financial(order: Order, target: Financial, actor: Actor, *, reason: str = "") -> None:
    _require_transaction()
    target = Financial(target)
    current = Financial(order.financial_status)
    if current == target:
        return
    if target not in FINANCIAL_TRANSITIONS[current]:
        raise TransitionRefused(f"The order's financial status is {current} and cannot move to {target}.")
    order.financial_status = target
    order.save(update_fields=["financial_status", "updated_at"])
    events.record(order, events.FINANCIAL_STATUS_CHANGED, actor, reason=reason, params={"from": current, "to": target})


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("status transitions must run inside the service's transaction")
