"""What happens to a job row after an attempt, after a worker dies, and when an operator retries it.

Every write to a claimed row is conditional on it still being the claim this worker made (RUNNING with
the same started_at): if the reaper took a job back from a worker it thought dead and another worker
claimed it, the first worker's late result changes nothing.
"""

from __future__ import annotations

import logging
import traceback
from datetime import timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks.utils import normalize_json
from django_tasks_db.models import DBTaskResult, get_date_max
from django_tasks_db.utils import retry

from platen.jobs import timing
from platen.jobs.definitions import DEFAULT_MAX_ATTEMPTS, Retry, WorkerLost
from platen.jobs.models import Job, PeriodicRun, WorkerHeartbeat
from platen.kit.errors import Conflict, NotFound

log = logging.getLogger("platen.jobs")

TRACEBACK_FRAMES = 12
TRACEBACK_CHARS = 8000


def job_extra(row: DBTaskResult, **more) -> dict:
    return {"job": str(row.id), "task": row.task_path.rsplit(".", 1)[-1], "attempt": len(row.worker_ids), **more}


@retry()  # a busy SQLite may refuse a write for a moment; the result must still be recorded
def _update_claimed(row: DBTaskResult, **fields) -> bool:
    updated = DBTaskResult.objects.filter(id=row.id, status=TaskResultStatus.RUNNING, started_at=row.started_at).update(**fields)
    if not updated:
        log.warning("job was taken over by another worker; result ignored", extra=job_extra(row))
    return bool(updated)


def record_success(row: DBTaskResult, return_value) -> None:
    try:
        value = normalize_json(return_value)
    except (TypeError, ValueError):
        value = repr(return_value)[:1000]
    if _update_claimed(row, status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now(), return_value=value,
                       exception_class_path="", traceback=""):
        log.info("job succeeded", extra=job_extra(row))


def record_failure(row: DBTaskResult, exc: BaseException, *, max_attempts: int | None = None, delay: timedelta | None = None) -> str:
    """Back to READY after a backoff (or the delay asked for), or dead when the attempts are used up.
    Returns "retry" or "dead"."""
    attempts = len(row.worker_ids)
    limit = max_attempts or _max_attempts(row)
    error = {"exception_class_path": f"{type(exc).__module__}.{type(exc).__qualname__}", "traceback": short_traceback(exc)}
    now = timezone.now()
    if attempts >= limit:
        if _update_claimed(row, status=TaskResultStatus.FAILED, finished_at=now, return_value=None, **error):
            log.error("job dead after %s attempts", attempts, extra=job_extra(row, error=repr(exc)[:500]))
        return "dead"
    if delay is None:
        delay = exc.after if isinstance(exc, Retry) and exc.after is not None else timing.backoff(attempts)
    run_after = now + max(delay, timedelta(0))
    if _update_claimed(row, status=TaskResultStatus.READY, run_after=run_after, **error):
        log.warning("job failed; retrying", extra=job_extra(row, error=repr(exc)[:500], retry_at=run_after.isoformat()))
    return "retry"


def short_traceback(exc: BaseException) -> str:
    text = "".join(traceback.format_exception(exc, limit=-TRACEBACK_FRAMES))
    return text if len(text) <= TRACEBACK_CHARS else "…" + text[-TRACEBACK_CHARS:]


def _max_attempts(row: DBTaskResult) -> int:
    try:
        return getattr(row.task, "max_attempts", DEFAULT_MAX_ATTEMPTS)
    except Exception:  # the job's code cannot be imported: still bounded, by the default
        return DEFAULT_MAX_ATTEMPTS


def reap_orphans() -> int:
    """Put RUNNING jobs of workers without a fresh heartbeat back to READY (or dead, when the crash used
    up the last attempt). Safe to run from many processes at once. Returns how many were taken back."""
    lease = timing.lease()
    cutoff = timezone.now() - lease
    alive = set(WorkerHeartbeat.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
    # started_at < cutoff: a job claimed moments ago by a worker still starting its heartbeat is left alone.
    running = Job.objects.filter(status=TaskResultStatus.RUNNING, started_at__lt=cutoff).values_list("id", "worker_ids")
    suspects = [(pk, ids) for pk, ids in running if not ids or ids[-1] not in alive]
    reaped = 0
    for pk, ids in suspects:
        with transaction.atomic():
            row = DBTaskResult.objects.select_for_update(skip_locked=True).filter(id=pk, status=TaskResultStatus.RUNNING).first()
            if row is None or row.worker_ids != ids:
                continue
            lost = WorkerLost(f"Worker {ids[-1] if ids else '?'} stopped sending heartbeats for over "
                              f"{lease.total_seconds():g} s while running this job (killed or crashed); it runs again.")
            outcome = record_failure(row, lost, delay=timedelta(0))
        log.warning("job taken back from a lost worker", extra=job_extra(row, worker=ids[-1] if ids else "", outcome=outcome))
        reaped += 1
    return reaped


def retry_dead(job_id, by: str) -> Job:
    """An operator's retry: the dead job starts over with fresh attempts, now. Its last error stays
    visible until the next attempt replaces it."""
    with transaction.atomic():
        job = Job.objects.select_for_update().filter(pk=job_id).first()
        if job is None:
            raise NotFound("No such job.")
        if job.status != TaskResultStatus.FAILED:
            raise Conflict(f"Only dead jobs can be retried; this one is {job.status_name}.")
        Job.objects.filter(pk=job.pk).update(
            status=TaskResultStatus.READY, worker_ids=[], run_after=get_date_max(), started_at=None, finished_at=None,
        )
    log.info("dead job retried by hand", extra={"job": str(job.pk), "task": job.task_name, "by": by})
    return Job.objects.get(pk=job.pk)


def prune_history() -> dict[str, int]:
    """Succeeded jobs and old period records go after timing.keep_finished(); dead jobs stay."""
    now = timezone.now()
    cutoff = now - timing.keep_finished()
    succeeded = DBTaskResult.objects.filter(status=TaskResultStatus.SUCCESSFUL, finished_at__lt=cutoff).delete()[0]
    # The newest record of each periodic job stays, whatever its age: it is what stops a long period running twice.
    newest = PeriodicRun.objects.values("name").annotate(last=Max("id")).values("last")
    runs = PeriodicRun.objects.filter(created_at__lt=cutoff).exclude(id__in=newest).delete()[0]
    workers = WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()[0]
    return {"succeeded": succeeded, "periodic_runs": runs, "workers": workers}
