"""Background jobs of the notifications domain. They take ids, reload, check and act; running twice is harmless.

A delivery's retries are scheduled on its own row (next_attempt_at), not by the job system: the job only
wakes the delivery up, so a duplicate or early wake-up does nothing and a lost one is found by the sweep.
"""

from datetime import timedelta

from platen.jobs import job, periodic

# The domain modules are imported inside the jobs: they enqueue these jobs themselves.


@job(queue="postbacks", max_attempts=5)
def deliver(delivery_id: str) -> None:
    from platen.notifications import delivery

    delivery.attempt(delivery_id)


@job(queue="email", max_attempts=10)
def send_email(message_id: str) -> None:
    from platen.notifications import emails

    emails.send(message_id)


@periodic("notifications.sweep", every=timedelta(minutes=1))
def sweep() -> None:
    """Wake deliveries that are overdue (their wake-up was lost or their try crashed)."""
    from platen.notifications import services

    services.wake_overdue()
