"""Background jobs of production. They take ids, reload, re-check state and are idempotent.

- `route` (production.route): enqueued when an order becomes `created` (ProductionConfig.ready subscribes to
  the order history); routes that order and the other waiting ones with it, in batches.
- `reroute_held` (production.reroute-held): routes again the orders routing put on hold, as soon as a
  facility can take them. Services that add stock, capacity or facilities call `enqueue_reroute_held()` in
  their transaction; the scheduler also runs it every 15 minutes (which catches each new production day).
"""

from __future__ import annotations

from datetime import timedelta

from platen.jobs import enqueue, job, periodic
from platen.kit.actors import Actor
from platen.orders import events
from platen.orders.statuses import Fulfillment

ROUTING_ACTOR = Actor.system("routing")  # services.routing.ROUTER (tasks import no services at load time)


@job(queue="default", max_attempts=10)
def route(order_id: str) -> None:
    from platen.production.services import routing

    routing.route_waiting(order_id)


@periodic("production.reroute-held", every=timedelta(minutes=15))
def reroute_held() -> None:
    from platen.production.services import routing

    routing.reroute_held()


def enqueue_route(order_id) -> None:
    enqueue(route, str(order_id))


def enqueue_reroute_held() -> None:
    """Call inside the transaction that added stock, capacity or a facility (or changed what one makes)."""
    enqueue(reroute_held)


def on_history(entries) -> None:
    """Order-history subscriber: an order that just became `created` is queued for routing and a job routes it
    (not when routing itself moved it back from on_hold: it routes that order in the same transaction)."""
    created = [e.order_id for e in entries if e.type == events.ORDER_STATUS_CHANGED
               and (e.params or {}).get("to") == Fulfillment.CREATED
               and (e.actor_kind, e.actor_label) != (ROUTING_ACTOR.kind, ROUTING_ACTOR.label)]
    if created:
        from platen.production.services import routing

        routing.request(created)
        for order_id in created:
            enqueue_route(order_id)
