"""enqueue(): a job row inserted in the caller's transaction, so it exists if and only if the change commits."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django_tasks.base import Task, TaskResult

log = logging.getLogger("platen.jobs")

_SCALARS = (str, int, float, bool, type(None))


def enqueue(task: Task, *args, delay: timedelta | None = None, run_at: datetime | None = None, **kwargs) -> TaskResult:
    """Queue `task(*args, **kwargs)` to run no earlier than now+delay (or run_at). Returns the TaskResult
    (its .id is the job id)."""
    if not isinstance(task, Task):
        raise TypeError(f"{task!r} is not a job; declare it with @job.")
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("Call enqueue() inside transaction.atomic(), so the job commits with the change that causes it.")
    for value in (*args, *kwargs.values()):
        if not isinstance(value, _SCALARS):
            raise TypeError(f"Jobs take ids, not objects: pass str(obj.id) instead of {type(value).__name__}.")
    if delay is not None and run_at is not None:
        raise ValueError("Give either delay or run_at, not both.")
    if delay is not None:
        run_at = timezone.now() + delay
    if run_at is not None:
        task = task.using(run_after=run_at)
    result = task.enqueue(*args, **kwargs)
    log.info("job enqueued", extra={"job": result.id, "task": task.name, "queue": task.queue_name,
                                    "run_at": run_at.isoformat() if run_at else "now"})
    return result
