"""Declaring jobs: @job, @periodic, Retry. Imported while apps load, so no model imports here.

A job is a django-tasks Task that also knows how many attempts it gets; rows live in
django_tasks_db's DBTaskResult table (see platen.jobs.models.Job for how attempts and errors are kept).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django_tasks.base import Task

DEFAULT_MAX_ATTEMPTS = 10
PERIODIC_MAX_ATTEMPTS = 3  # the next period runs it again anyway


@dataclass(frozen=True, slots=True, kw_only=True)
class JobTask(Task):
    max_attempts: int = DEFAULT_MAX_ATTEMPTS

    def __post_init__(self) -> None:
        # Explicit base call: zero-argument super() does not work in a slotted dataclass on 3.11.
        Task.__post_init__(self)
        if self.max_attempts < 1:
            raise ValueError("max_attempts must be at least 1.")


def job(function: Callable | None = None, *, queue: str = "default", max_attempts: int = DEFAULT_MAX_ATTEMPTS):
    """@job or @job(queue="postbacks", max_attempts=20). Jobs take ids (str) only, reload, re-check state
    and are idempotent: they run at least once, and again after a retry or a worker crash."""

    def wrap(f: Callable) -> JobTask:
        return JobTask(func=f, queue_name=queue, max_attempts=max_attempts)

    return wrap(function) if function is not None else wrap


class Retry(Exception):
    """Raise from a job to be retried after `after` (e.g. an HTTP Retry-After) instead of the usual
    backoff. It still counts as an attempt, so max_attempts bounds it."""

    def __init__(self, after: timedelta | None = None, reason: str = ""):
        self.after = after
        self.reason = reason
        super().__init__(reason or (f"retry requested in {after.total_seconds():g} s" if after else "retry requested"))


class WorkerLost(Exception):
    """Recorded as a job's error when the worker that ran it stopped sending heartbeats (killed, crashed)."""


class Interrupted(Exception):
    """Recorded when a worker was forced to stop in the middle of a job; the job runs again."""


@dataclass(frozen=True)
class Periodic:
    name: str
    every: timedelta
    task: JobTask


PERIODIC: dict[str, Periodic] = {}


def periodic(name: str, *, every: timedelta, queue: str = "default", max_attempts: int = PERIODIC_MAX_ATTEMPTS):
    """Registers a job the scheduler enqueues at most once per period (periods are aligned to the clock,
    so every=5 min runs at :00, :05, ...). Put it in an app's tasks.py: the scheduler imports those."""
    if every < timedelta(seconds=1):
        raise ValueError("A periodic job runs at most once a second.")

    def wrap(f: Callable) -> JobTask:
        task = job(f, queue=queue, max_attempts=max_attempts)
        known = PERIODIC.get(name)
        if known is not None and known.task.module_path != task.module_path:
            raise ValueError(f"Periodic job name {name!r} is already used by {known.task.module_path}.")
        PERIODIC[name] = Periodic(name, every, task)
        return task

    return wrap
