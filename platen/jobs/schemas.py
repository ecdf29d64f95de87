"""Wire models of the jobs API (camelCase, like the rest of v4)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema


class JobErrorOut(Schema):
    type: str
    message: str
    traceback: str


class JobOut(Schema):
    id: str
    task: str
    taskPath: str
    queue: str
    status: str
    args: list[Any]
    kwargs: dict[str, Any]
    attempts: int
    maxAttempts: int
    lastError: JobErrorOut | None
    enqueuedAt: datetime
    lastAttemptAt: datetime | None
    runAfter: datetime | None
    finishedAt: datetime | None


class JobCounts(Schema):
    ready: int
    running: int
    dead: int


class JobsOut(Schema):
    jobs: list[JobOut]
    counts: JobCounts


def job_out(job) -> dict:
    return {
        "id": str(job.pk), "task": job.task_name, "taskPath": job.task_path, "queue": job.queue_name,
        "status": job.status_name, "args": job.args, "kwargs": job.kwargs,
        "attempts": job.attempts, "maxAttempts": job.max_attempts,
        "lastError": {"type": job.exception_class_path, "message": job.error_message, "traceback": job.traceback}
        if job.exception_class_path else None,
        "enqueuedAt": job.enqueued_at, "lastAttemptAt": job.started_at, "runAfter": job.scheduled_for,
        "finishedAt": job.finished_at,
    }
