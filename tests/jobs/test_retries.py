"""Failures: backoff with jitter, Retry(after=), dead after max_attempts, retry by hand, jobs of lost workers."""

import random
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from platen.jobs import run_pending, services, timing
from platen.jobs.models import WorkerHeartbeat
from platen.kit.errors import Conflict, NotFound
from tests.jobs import sample_jobs
from tests.jobs.conftest import enqueue_committed, job, make_due
from tests.jobs.sample_jobs import lines

pytestmark = pytest.mark.django_db


def test_backoff_is_exponential_with_full_jitter_and_capped():
    rng = random.Random(7)
    for attempt, ceiling in [(1, 5), (2, 10), (3, 20), (6, 160), (12, 3600), (80, 3600)]:
        delays = [timing.backoff(attempt, rng).total_seconds() for _ in range(200)]
        assert 0 <= min(delays) and max(delays) <= ceiling
        assert max(delays) > ceiling * 0.8 and min(delays) < ceiling * 0.2  # spread over the whole range


def test_failing_job_backs_off_then_dies_with_its_error():
    result = enqueue_committed(sample_jobs.always_fails, "the printer API said no")
    for attempt in (1, 2):
        before = timezone.now()
        assert run_pending() == 1
        row = job(result.id)
        assert (row.status_name, row.attempts) == ("ready", attempt)
        ceiling = timing.BACKOFF_BASE * 2 ** (attempt - 1)
        assert before <= row.run_after <= timezone.now() + ceiling
        assert row.error_type == "Boom" and row.error_message == "the printer API said no"
        make_due(result.id)

    assert run_pending() == 1
    dead = job(result.id)
    assert (dead.status_name, dead.attempts, dead.max_attempts) == ("dead", 3, 3)
    assert dead.exception_class_path == "tests.jobs.sample_jobs.Boom"
    assert dead.error_message == "the printer API said no"
    assert "raise Boom(message)" in dead.traceback and len(dead.traceback) <= services.TRACEBACK_CHARS + 1
    assert dead.finished_at and dead.started_at and dead.enqueued_at <= dead.started_at
    make_due(result.id)
    assert run_pending() == 0  # dead jobs wait for an operator


def test_retry_after_is_honoured():
    result = enqueue_committed(sample_jobs.asks_to_wait, 90)
    before = timezone.now()
    assert run_pending() == 1
    row = job(result.id)
    assert row.status_name == "ready" and row.queue_name == "postbacks"
    assert before + timedelta(seconds=90) <= row.run_after <= timezone.now() + timedelta(seconds=90)
    assert row.error_type == "Retry" and "Retry-After" in row.error_message


def test_dead_job_retried_by_hand_runs_fresh(tmp_path):
    flag, log = tmp_path / "down", tmp_path / "log"
    flag.touch()
    result = enqueue_committed(sample_jobs.fails_while_flag, str(flag), str(log))
    for _ in range(3):
        make_due(result.id)
        run_pending()
    assert job(result.id).status_name == "dead"

    flag.unlink()  # the dependency is back
    retried = services.retry_dead(result.id, by="operator@platen.test")
    assert (retried.status_name, retried.attempts, retried.scheduled_for) == ("ready", 0, None)
    assert retried.error_type == "Boom"  # the error before the retry stays visible until the next attempt
    assert run_pending() == 1
    done = job(result.id)
    assert (done.status_name, done.attempts, done.exception_class_path) == ("succeeded", 1, "")
    assert lines(log) == ["attempt"] * 4
    assert done.enqueued_at == retried.enqueued_at  # still the first enqueue

    with pytest.raises(Conflict, match="Only dead jobs"):
        services.retry_dead(result.id, by="x")
    with pytest.raises(NotFound):
        services.retry_dead("00000000-0000-0000-0000-000000000000", by="x")


def _claim(result_id, worker_id: str, started_ago: timedelta) -> None:
    with transaction.atomic():
        row = DBTaskResult.objects.get(id=result_id)
        row.claim(worker_id)
    DBTaskResult.objects.filter(id=result_id).update(started_at=timezone.now() - started_ago)


def _beat(worker_id: str, ago: timedelta) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.create(worker_id=worker_id, hostname="h", pid=1, queues="default",
                                   started_at=now - ago, seen_at=now - ago)


def test_reaper_takes_back_jobs_of_silent_workers_only(settings, tmp_path):
    settings.PLATEN_JOB_LEASE_SECONDS = 10
    lost = enqueue_committed(sample_jobs.record, str(tmp_path / "out"), "lost")
    busy = enqueue_committed(sample_jobs.record, str(tmp_path / "out"), "busy")
    fresh = enqueue_committed(sample_jobs.record, str(tmp_path / "out"), "fresh")
    _beat("dead-worker", ago=timedelta(seconds=30))
    _beat("live-worker", ago=timedelta(seconds=1))
    _claim(lost.id, "dead-worker", started_ago=timedelta(seconds=60))
    _claim(busy.id, "live-worker", started_ago=timedelta(minutes=30))  # long job, worker alive
    _claim(fresh.id, "starting-worker", started_ago=timedelta(seconds=1))  # no heartbeat row yet, just claimed

    assert services.reap_orphans() == 1
    row = job(lost.id)
    assert (row.status_name, row.attempts, row.error_type) == ("ready", 1, "WorkerLost")
    assert "dead-worker" in row.error_message and row.run_after <= timezone.now()
    assert job(busy.id).status_name == "running" and job(fresh.id).status_name == "running"
    assert services.reap_orphans() == 0

    assert run_pending() == 1  # the reaped job runs again
    assert lines(tmp_path / "out") == ["lost"]


def test_a_crash_on_the_last_attempt_ends_dead(settings):
    settings.PLATEN_JOB_LEASE_SECONDS = 10
    result = enqueue_committed(sample_jobs.always_fails, "x")
    DBTaskResult.objects.filter(id=result.id).update(worker_ids=["w1", "w2"])
    _claim(result.id, "w3", started_ago=timedelta(minutes=5))
    assert services.reap_orphans() == 1
    dead = job(result.id)
    assert (dead.status_name, dead.attempts, dead.error_type) == ("dead", 3, "WorkerLost")


def test_a_late_result_from_a_replaced_claim_changes_nothing(tmp_path):
    result = enqueue_committed(sample_jobs.record, str(tmp_path / "out"))
    _claim(result.id, "first", started_ago=timedelta(minutes=5))
    stale = DBTaskResult.objects.get(id=result.id)
    _claim(result.id, "second", started_ago=timedelta(seconds=0))  # reaped and claimed again meanwhile
    services.record_failure(stale, RuntimeError("late"))
    row = job(result.id)
    assert row.status == TaskResultStatus.RUNNING and row.worker_ids[-1] == "second" and row.exception_class_path == ""
