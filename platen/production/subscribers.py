"""Production's reactions to order history (subscribed in ProductionConfig.ready(); each runs inside the
transaction that writes the events)."""

from __future__ import annotations

from django.utils import timezone

from platen.orders import events
from platen.orders.models import OrderEvent
from platen.orders.statuses import Fulfillment
from platen.production import tasks
from platen.production.models import ProductionJob


def route_created_orders(entries: list[OrderEvent]) -> None:
    """An order that just became `created` is queued for routing and a job routes it (not when routing itself
    moved it back from on_hold: it routes that order in the same transaction)."""
    router = tasks.ROUTING_ACTOR
    created = [e.order_id for e in entries if e.type == events.ORDER_STATUS_CHANGED
               and (e.params or {}).get("to") == Fulfillment.CREATED
               and (e.actor_kind, e.actor_label) != (router.kind, router.label)]
    if created:
        from platen.production.services import routing

        routing.request(created)
        for order_id in created:
            tasks.enqueue_route(order_id)


def mark_address_changes(entries: list[OrderEvent]) -> None:
    """A shipping address changed after routing (the merchant may change it until printed): the partner's job is
    marked, so its queue shows the new address as changed (the job API reads the address live)."""
    changed = {e.order_id for e in entries if e.type == events.ADDRESS_UPDATED}
    if not changed:
        return
    now = timezone.now()
    ProductionJob.objects.filter(order_id__in=changed).update(address_changed_at=now, updated_at=now)
