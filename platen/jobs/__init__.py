"""Background jobs: declared with @job, queued with enqueue() inside the change's transaction, run by
`platen worker` (retries with backoff, then dead and visible), periodic ones enqueued by `platen scheduler`.

Imported while apps load: nothing here may import models at module level.
"""

from platen.jobs.definitions import Retry, job, periodic
from platen.jobs.enqueueing import enqueue


def run_pending(limit: int | None = None) -> int:
    """Claim and run ready jobs in this process through the worker's own code path (claim, run,
    retry/dead bookkeeping) until none is ready; returns how many ran. For tests and one-off runs."""
    from platen.jobs.worker import run_pending as run

    return run(limit)


__all__ = ["Retry", "enqueue", "job", "periodic", "run_pending"]
