"""Background jobs of tracking back to the store (services/fulfillments.py): one push per Fulfillment row.

The service decides the outcome and keeps it on the row (pushed, retrying, waiting, failed); it raises
jobs.Retry after a transient failure so the job backs off, and stops asking before the job's attempts run out.
"""

from __future__ import annotations

from platen.jobs import enqueue, job

# A few more than the service's own limit: the service, not the job's dead end, says when it failed.
PUSH_MAX_ATTEMPTS = 18


@job(max_attempts=PUSH_MAX_ATTEMPTS)
def push_fulfillment(fulfillment_id: str) -> str:
    from platen.stores.services import fulfillments

    return fulfillments.push(int(fulfillment_id))


def enqueue_push(fulfillment_id: int) -> None:
    """Call inside the transaction that made (or reset) the Fulfillment row."""
    enqueue(push_fulfillment, str(fulfillment_id))
