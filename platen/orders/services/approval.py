"""The merchant's decisions on a checked order: approve, reject, supply personalization; and going back to
automatic approval, which may release the orders still waiting."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from platen.accounts.models import Account, ApprovalMode
from platen.accounts.services import set_approval
from platen.kit.actors import Actor
from platen.kit.errors import Conflict, PlatenError
from platen.orders import events, pipeline, tasks
from platen.orders.models import ItemFile, Order
from platen.orders.schemas import FileIn
from platen.orders.services.changes import cancel
from platen.orders.services.queries import item_named, locked_order
from platen.orders.statuses import Fulfillment
from platen.orders.transitions import transition_items


def approve(account, order_id, actor: Actor) -> Order:
    with transaction.atomic():
        order = locked_order(account, order_id)
        items = list(order.items.all())
        _require_pending_approval(order, items)
        events.record(order, events.APPROVED, actor)
        pipeline.approve(order, items, actor, "Approved by the merchant.")
        return order


def reject(account, order_id, actor: Actor, reason: str = "") -> Order:
    with transaction.atomic():
        order = locked_order(account, order_id)
        _require_pending_approval(order, list(order.items.all()))
    return cancel(account, order_id, actor, reason=reason or "Rejected at approval.")


def personalize(account, order_id, item_reference_id: str, files: list[FileIn], actor: Actor) -> Order:
    """Attach the customer's artwork to an item waiting for it; the item goes through the checks again."""
    with transaction.atomic():
        order = locked_order(account, order_id)
        items = list(order.items.all())
        item = item_named(items, order_id, item_reference_id)
        require_waiting_for_personalization(item)
        item.files.all().delete()
        ItemFile.objects.bulk_create(ItemFile(item=item, position=n, type=f.type, url=f.url) for n, f in enumerate(files))
        personalized(order, items, item, actor, [f.url for f in files])
        return order


def require_waiting_for_personalization(item) -> None:
    if item.fulfillment_status != Fulfillment.PENDING_PERSONALIZATION:
        raise Conflict(f"Item {item.item_reference_id} is {item.fulfillment_status}, not waiting for personalization.",
                       code="not_pending_personalization")


def personalized(order: Order, items, item, actor: Actor, files: list[str]) -> None:
    """The item's artwork is attached: record it and send the item through the checks again."""
    events.record(order, events.PERSONALIZED, actor, item=item, params={"files": files})
    transition_items(order, [item], Fulfillment.RECEIVED, actor, reason="Personalization received.", siblings=items)
    tasks.enqueue_check(order)


def _require_pending_approval(order: Order, items) -> None:
    if not any(i.fulfillment_status == Fulfillment.PENDING_APPROVAL for i in items):
        raise Conflict(f"Only orders waiting for approval can be approved or rejected; this order is {order.fulfillment_status}.",
                       code="not_pending_approval")


@dataclass(frozen=True)
class Released:
    released: int
    skipped: int  # approved, canceled or changed by someone else meanwhile


def waiting_for_approval(account: Account) -> int:
    return _waiting(account).count()


def switch_to_automatic(account: Account, actor: Actor, *, release: bool, delay_hours: int | None = None) -> Released:
    """Automatic from now on; with `release`, every order still waiting is approved, each in its own transaction
    (with its history), so one that changed meanwhile is skipped without holding the others back."""
    set_approval(account, ApprovalMode.AUTOMATIC, delay_hours)
    if not release:
        return Released(0, 0)
    released = skipped = 0
    for order_id in list(_waiting(account).values_list("pk", flat=True)):
        try:
            approve(account, order_id, actor)
        except PlatenError:
            skipped += 1
        else:
            released += 1
    return Released(released, skipped)


def _waiting(account: Account):
    return (Order.objects.filter(account=account, items__fulfillment_status=Fulfillment.PENDING_APPROVAL)
            .order_by("created_at").distinct())
