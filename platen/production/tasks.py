"""Background jobs of the production domain. They take ids, reload, check and act; running twice is harmless."""

from __future__ import annotations

from datetime import timedelta

from platen.jobs import enqueue, job, periodic

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


# --- Routing (placeholder until h-routing is merged) ---------------------------------------------------------

@job(max_attempts=5)
def reroute_held() -> None:
    from platen.production.services import routing

    routing.reroute_held()


def enqueue_reroute_held() -> None:
    enqueue(reroute_held)
