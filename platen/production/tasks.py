"""Background jobs of production. They take ids, reload, re-check state and are idempotent; the services are
imported inside the jobs (they enqueue these jobs themselves).

- `route` (production.route): enqueued when an order becomes `created` (subscribers.route_created_orders);
  routes that order and the other waiting ones with it, in batches.
- `reroute_held` (production.reroute-held): routes again the orders routing put on hold, as soon as a
  facility can take them. Services that add stock, capacity or facilities call `enqueue_reroute_held()` in
  their transaction; the scheduler also runs it every 15 minutes (which catches each new production day).
- tracking: applying a stored tracking webhook, and polling carriers without webhooks.
"""

from __future__ import annotations

from datetime import timedelta

from platen.jobs import enqueue, job, periodic
from platen.kit.actors import Actor

ROUTING_ACTOR = Actor.system("routing")  # services.routing.ROUTER (tasks import no services at load time)

# --- Routing (services/routing.py) ----------------------------------------------------------------------------


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


# --- Tracking (services/tracking.py, services/tracking_polls.py) -------------------------------------
# The services are imported inside the jobs: they enqueue these jobs themselves.


@job(max_attempts=10)
def apply_tracking_webhook(inbox_id: str) -> None:
    from platen.production.services import tracking

    tracking.apply_inbox(int(inbox_id))


@job(max_attempts=3)
def poll_tracker(tracker_id: str) -> None:
    """One carrier poll; its own failures back off on the tracker (next_poll_at), not through job retries."""
    from platen.production.services import tracking_polls

    tracking_polls.poll(int(tracker_id))


@periodic("production.poll-trackers", every=timedelta(minutes=5))
def poll_due_trackers() -> None:
    """Queue a poll for every tracker that is due (carriers without webhooks)."""
    from platen.production.services import tracking_polls

    tracking_polls.enqueue_due()


def enqueue_tracking_webhook(inbox_id: int) -> None:
    enqueue(apply_tracking_webhook, str(inbox_id))


def enqueue_tracker_poll(tracker_id: int) -> None:
    enqueue(poll_tracker, str(tracker_id))
