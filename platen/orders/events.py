"""Order event types and their small factories. Events are appended, never changed."""

from platen.kit.actors import Actor
from platen.orders.models import Order, OrderEvent, OrderItem

ORDER_CREATED = "order_created"
DRAFT_CREATED = "draft_created"
ORDER_STATUS_CHANGED = "order_status_changed"
ITEM_STATUS_CHANGED = "item_status_changed"
FINANCIAL_STATUS_CHANGED = "financial_status_changed"
VALIDATION_FAILED = "validation_failed"
VALIDATION_PASSED = "validation_passed"
ADDRESS_UPDATED = "shipping_address_updated"
DRAFT_UPDATED = "draft_updated"
DRAFT_SUBMITTED = "draft_submitted"
REPROCESS_REQUESTED = "reprocess_requested"
DUPLICATE_SUBMISSION = "duplicate_submission"
CANCEL_REQUESTED = "cancel_requested"


def event(order: Order, type: str, actor: Actor, *, reason: str = "", params: dict | None = None, item: OrderItem | None = None) -> OrderEvent:
    """An unsaved event; callers save it (or bulk_create several) inside their transaction."""
    return OrderEvent(
        order=order, item=item, type=type, actor_kind=actor.kind, actor_id=actor.id,
        actor_label=actor.label, reason=reason, params=params or {},
    )


def record(order: Order, type: str, actor: Actor, *, reason: str = "", params: dict | None = None, item: OrderItem | None = None) -> OrderEvent:
    ev = event(order, type, actor, reason=reason, params=params, item=item)
    ev.save()
    return ev
