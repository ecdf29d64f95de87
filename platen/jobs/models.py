"""Job tables.

Jobs themselves are django_tasks_db's DBTaskResult rows, one row per job for its whole life:
  READY       waiting; run_after is when (a retry sets it to now + backoff)
  RUNNING     claimed; worker_ids[-1] is the worker, started_at the last attempt
  SUCCESSFUL  done
  FAILED      dead: max_attempts used up; shown to operators, retried only by hand
attempts = len(worker_ids) (one entry per claim, django-tasks' own definition); the last error is
exception_class_path + traceback; enqueued_at is the first enqueue. `Job` is a proxy that reads them.
"""

from __future__ import annotations

from django.db import models
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max

from platen.jobs.definitions import DEFAULT_MAX_ATTEMPTS

STATUS_NAMES = {
    TaskResultStatus.READY: "ready", TaskResultStatus.RUNNING: "running",
    TaskResultStatus.FAILED: "dead", TaskResultStatus.SUCCESSFUL: "succeeded",
}
STATUS_OF_NAME = {name: status for status, name in STATUS_NAMES.items()}


class Job(DBTaskResult):
    class Meta:
        proxy = True

    @property
    def status_name(self) -> str:
        return STATUS_NAMES.get(self.status, self.status.lower())

    @property
    def task_name(self) -> str:
        return self.task_path.rsplit(".", 1)[-1]

    @property
    def attempts(self) -> int:
        return len(self.worker_ids)

    @property
    def max_attempts(self) -> int:
        try:
            return getattr(self.task, "max_attempts", DEFAULT_MAX_ATTEMPTS)
        except Exception:  # the code behind task_path is gone or broken; the row must still be listable
            return DEFAULT_MAX_ATTEMPTS

    @property
    def args(self) -> list:
        return self.args_kwargs.get("args", [])

    @property
    def kwargs(self) -> dict:
        return self.args_kwargs.get("kwargs", {})

    @property
    def scheduled_for(self):
        """None when it may run at once."""
        return None if self.run_after == get_date_max() else self.run_after

    @property
    def error_type(self) -> str:
        return self.exception_class_path.rsplit(".", 1)[-1]

    @property
    def error_message(self) -> str:
        """The message from the traceback's last block ("ValueError: boom" -> "boom")."""
        if not self.traceback:
            return ""
        name = self.error_type + ":"
        lines = self.traceback.rstrip("\n").splitlines()
        for i in range(len(lines) - 1, -1, -1):
            if lines[i].startswith(name) or lines[i].startswith(self.exception_class_path + ":"):
                return "\n".join([lines[i].split(":", 1)[1].strip(), *lines[i + 1:]]).strip()
        return lines[-1].strip()


class WorkerHeartbeat(models.Model):
    """One row per running worker process, touched every few seconds. A RUNNING job whose worker's row
    is stale (or gone) belongs to a dead worker, and the reaper puts it back to READY."""

    worker_id = models.CharField(max_length=64, primary_key=True)
    hostname = models.CharField(max_length=255)
    pid = models.IntegerField()
    queues = models.CharField(max_length=255)
    started_at = models.DateTimeField()
    seen_at = models.DateTimeField(db_index=True)


class PeriodicRun(models.Model):
    """Who enqueued a periodic job for a period: the unique (name, period_start) insert decides, in the
    same transaction as the enqueue, so two schedulers never enqueue the same period twice."""

    name = models.CharField(max_length=100)
    period_start = models.DateTimeField()
    job_id = models.UUIDField()
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["name", "period_start"], name="jobs_one_run_per_period")]
