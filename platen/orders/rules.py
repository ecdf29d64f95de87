"""What may be done to an order now: the seeds' rules in one place, for the services and the pages.

Nothing is canceled or edited once an item is printed; a canceled order is not edited; only failed items are
reprocessed (a not-connected store order goes on through Complete order: stores.services.completion).
"""

from __future__ import annotations

from dataclasses import dataclass

from platen.kit.errors import Conflict
from platen.orders.models import OrderItem
from platen.orders.statuses import PRINTED_OR_LATER, Fulfillment

REPROCESSABLE = frozenset({Fulfillment.FAILED})


@dataclass(frozen=True)
class Allowed:
    cancel: bool
    edit: bool
    reprocess: bool
    approve: bool  # approve or reject
    locked_reason: str  # why cancel and edit are not allowed ("" when they are)


def allowed(items: list[OrderItem]) -> Allowed:
    refusal = edit_refusal(items, "changed")
    return Allowed(
        cancel=refusal is None, edit=refusal is None, reprocess=bool(stuck_items(items)),
        approve=any(i.fulfillment_status == Fulfillment.PENDING_APPROVAL for i in items),
        locked_reason=refusal.message if refusal else "",
    )


def edit_refusal(items: list[OrderItem], verb: str) -> Conflict | None:
    printed = [i for i in items if i.fulfillment_status in PRINTED_OR_LATER]
    if printed:
        return Conflict(
            f"The order cannot be {verb}: item {printed[0].item_reference_id} is already {printed[0].fulfillment_status}. "
            "Once an item is printed, the order can no longer be canceled or edited.",
            code="order_already_printed",
        )
    if items and all(i.fulfillment_status == Fulfillment.CANCELED for i in items):
        return Conflict("The order is canceled; it can no longer be changed.", code="order_canceled")
    return None


def stuck_items(items: list[OrderItem]) -> list[OrderItem]:
    return [i for i in items if not i.is_ignored and i.fulfillment_status in REPROCESSABLE]
