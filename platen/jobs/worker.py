"""`platen worker`: claims ready jobs and runs them, one at a time, with retry/dead bookkeeping and a
heartbeat. run_pending() is the same worker in batch mode inside the calling process.

Built on django_tasks_db's Worker (its claim: SELECT ... FOR UPDATE SKIP LOCKED on PostgreSQL, an
exclusive transaction on SQLite), with three changes: results go through platen.jobs.services (retries,
dead), a heartbeat thread lets the reaper tell a crashed worker from a busy one and also runs the reaper
itself (so a dead worker's jobs come back with no scheduler running), and a stop signal never calls
sys.exit (the job in flight finishes; a second signal interrupts it and puts it back to READY).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.utils import OperationalError
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks.base import TaskContext
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from platen.jobs import services, timing
from platen.jobs.definitions import Interrupted
from platen.jobs.models import WorkerHeartbeat
from platen.kit.errors import InvalidRequest

log = logging.getLogger("platen.jobs")


def new_worker_id(prefix: str = "") -> str:
    return f"{prefix}{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(6)}"[:64]


class Heartbeat:
    """A row per worker process, touched from a thread so a job that runs for an hour keeps it fresh. The same
    thread takes back dead workers' jobs every timing.reap_every() seconds, busy or not: every worker does,
    safely at once (services.reap_orphans locks each row with SKIP LOCKED and updates it conditionally)."""

    def __init__(self, worker_id: str, queues: list[str]):
        self.worker_id, self.queues = worker_id, ",".join(queues)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="platen-heartbeat", daemon=True)

    def start(self) -> None:
        now = timezone.now()
        WorkerHeartbeat.objects.update_or_create(worker_id=self.worker_id, defaults={
            "hostname": socket.gethostname()[:255], "pid": os.getpid(), "queues": self.queues[:255],
            "started_at": now, "seen_at": now,
        })
        self._thread.start()

    def _beat(self) -> None:
        next_reap = time.monotonic() + timing.reap_every()  # run() reaped once at start
        try:
            while not self._stop.wait(timing.heartbeat_every()):
                close_old_connections()  # this thread's own connection; recover from a dropped one
                try:
                    if not WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(seen_at=timezone.now()):
                        log.warning("heartbeat row was gone; worker keeps running", extra={"worker": self.worker_id})
                except Exception:
                    log.warning("heartbeat failed", exc_info=True, extra={"worker": self.worker_id})
                if time.monotonic() >= next_reap:
                    next_reap = time.monotonic() + timing.reap_every()
                    try:
                        services.reap_orphans()
                    except Exception:  # a database blip: the next round tries again
                        log.warning("could not take back lost workers' jobs", exc_info=True, extra={"worker": self.worker_id})
        finally:
            connection.close()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=30)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:  # stale rows are harmless: they only age out
            log.warning("could not remove heartbeat row", exc_info=True, extra={"worker": self.worker_id})


class JobWorker(Worker):
    def __init__(self, *, queues: list[str] | None = None, interval: float | None = None, batch: bool = False,
                 max_tasks: int | None = None, heartbeat: bool = True, worker_id: str | None = None):
        queues = queues or ["*"]
        super().__init__(
            queue_names=queues, interval=timing.worker_poll_every() if interval is None else interval, batch=batch,
            backend_name="default", startup_delay=False, max_tasks=max_tasks, worker_id=worker_id or new_worker_id(),
            excluded_queue_names=[],
        )
        self.heartbeat = Heartbeat(self.worker_id, queues) if heartbeat else None

    @property
    def tasks_run(self) -> int:
        return self._run_tasks

    def shutdown(self, signum, frame) -> None:
        if not self.running:
            log.warning("second stop signal; interrupting", extra={"worker": self.worker_id})
            raise KeyboardInterrupt
        log.info("stop signal; finishing the job in flight" if self.running_task else "stop signal",
                 extra={"worker": self.worker_id, "signal": signum})
        self.running = False

    def run(self) -> None:
        if self.heartbeat is not None:
            self.heartbeat.start()
            log.info("worker started", extra={"worker": self.worker_id, "queues": ",".join(self.queue_names)})
            services.reap_orphans()
        try:
            while self.running:
                if not connection.in_atomic_block:  # inside a caller's transaction (run_pending), keep it
                    close_old_connections()
                try:
                    row, looked = self.claim_next()
                except Exception:
                    if self.batch:
                        raise
                    # A database blip must not end the worker (nor, under `platen serve`, the whole tree).
                    log.exception("could not claim a job; trying again", extra={"worker": self.worker_id})
                    row, looked = None, False
                if row is not None:
                    self.run_task(row)
                elif self.batch and looked:
                    return
                if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                    return
                if self.running and row is None:
                    time.sleep(self.interval)
        finally:
            if self.heartbeat is not None:
                self.heartbeat.stop()
                log.info("worker stopped", extra={"worker": self.worker_id, "jobs_run": self._run_tasks})

    def claim_next(self) -> tuple[DBTaskResult | None, bool]:
        """(claimed row or None, whether the queue could be looked at)."""
        ready = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            ready = ready.filter(queue_name__in=self.queue_names)
        try:
            if not ready.exists():  # a plain read first, so idle polls take no write lock
                return None, True
            with exclusive_transaction(ready.db):
                row = ready.get_locked()
                if row is not None:
                    row.claim(self.worker_id)
            return row, True
        except OperationalError as exc:
            if is_locked_database_exception(exc):  # SQLite busy: try again on the next poll
                return None, False
            raise

    def run_task(self, row: DBTaskResult) -> None:
        self.running_task = True
        extra = services.job_extra(row, worker=self.worker_id)
        log.info("job started", extra=extra)
        task = None
        try:
            task = row.task
            value = self._call(task, row)
        except Exception as exc:
            services.record_failure(row, exc, max_attempts=getattr(task, "max_attempts", None))
        except BaseException as exc:  # a forced stop (second signal) or SystemExit from the job itself
            services.record_failure(row, Interrupted(f"The worker was stopped during this job ({type(exc).__name__}); it runs again."),
                                    max_attempts=getattr(task, "max_attempts", None), delay=timedelta(0))
            raise
        else:
            services.record_success(row, value)
        finally:
            self.running_task = False
            self._run_tasks += 1

    @staticmethod
    def _call(task, row: DBTaskResult):
        result = row.task_result
        args = [TaskContext(task_result=result), *result.args] if task.takes_context else list(result.args)
        if connection.in_atomic_block:
            # Only under run_pending inside a transaction (tests): a savepoint keeps a failing job from
            # leaving that transaction broken. Workers run jobs in autocommit; jobs open their own.
            with transaction.atomic():
                return task.call(*args, **result.kwargs)
        return task.call(*args, **result.kwargs)


def run_pending(limit: int | None = None) -> int:
    if limit is not None and limit < 1:
        return 0
    worker = JobWorker(batch=True, max_tasks=limit, heartbeat=False, interval=0, worker_id=new_worker_id("inline-"))
    worker.run()
    return worker.tasks_run


def parse_queues(text: str) -> list[str]:
    """"postbacks,email" -> ["postbacks", "email"]; empty means every queue of the task backend."""
    known = list(settings.TASKS["default"]["QUEUES"])
    queues = [q.strip() for q in text.split(",") if q.strip()] or known
    unknown = [q for q in queues if q not in known]
    if unknown:
        raise InvalidRequest(f"Unknown queue {unknown[0]!r}; use one or more of {', '.join(known)}.")
    return queues


def run_worker(queues: list[str]) -> int:
    """`platen worker`: runs until SIGTERM/SIGINT; the job in flight finishes first."""
    worker = JobWorker(queues=queues)
    worker.configure_signals()
    worker.run()
    return 0
