"""enqueue(): the job row commits with the change, or not at all; delays; run_pending runs only ready jobs."""

import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks.exceptions import InvalidTaskError

from platen.jobs import enqueue, job as job_decorator, run_pending
from platen.jobs.models import Job
from tests.jobs import sample_jobs
from tests.jobs.conftest import enqueue_committed, job, make_due
from tests.jobs.sample_jobs import lines

pytestmark = pytest.mark.django_db


class Rollback(Exception):
    pass


def test_a_rolled_back_change_leaves_no_job(tmp_path):
    with pytest.raises(Rollback), transaction.atomic():
        enqueue(sample_jobs.record, str(tmp_path / "out"))
        raise Rollback
    assert not Job.objects.exists()
    assert run_pending() == 0
    assert lines(tmp_path / "out") == []


def test_a_committed_job_runs_once(tmp_path):
    result = enqueue_committed(sample_jobs.record, str(tmp_path / "out"), label="hello")
    assert job(result.id).status_name == "ready"
    assert run_pending() == 1
    assert lines(tmp_path / "out") == ["hello"]
    done = job(result.id)
    assert (done.status_name, done.attempts, done.return_value) == ("succeeded", 1, "hello")
    assert run_pending() == 0


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_is_refused(tmp_path):
    with pytest.raises(RuntimeError, match="inside transaction.atomic"):
        enqueue(sample_jobs.record, str(tmp_path / "out"))
    assert not Job.objects.exists()


def test_jobs_take_ids_not_objects():
    with pytest.raises(TypeError, match=r"str\(obj.id\)"), transaction.atomic():
        enqueue(sample_jobs.record, uuid.uuid4())
    with pytest.raises(TypeError, match="not a job"), transaction.atomic():
        enqueue(lambda: None)


def test_unknown_queue_is_refused_when_declared():
    with pytest.raises(InvalidTaskError):
        job_decorator(queue="nope")(sample_jobs.record.func)


def test_delay_and_run_at(tmp_path):
    before = timezone.now()
    delayed = enqueue_committed(sample_jobs.record, str(tmp_path / "out"), "delayed", delay=timedelta(seconds=30))
    at = before + timedelta(minutes=5)
    scheduled = enqueue_committed(sample_jobs.record, str(tmp_path / "out"), "scheduled", run_at=at)
    assert before + timedelta(seconds=30) <= job(delayed.id).run_after <= timezone.now() + timedelta(seconds=30)
    assert job(scheduled.id).run_after == at
    with pytest.raises(ValueError, match="either delay or run_at"), transaction.atomic():
        enqueue(sample_jobs.record, "x", delay=timedelta(1), run_at=at)

    assert run_pending() == 0  # neither is due
    make_due(delayed.id)
    assert run_pending() == 1
    assert lines(tmp_path / "out") == ["delayed"]
    assert job(scheduled.id).status_name == "ready"


def test_run_pending_limit_and_chained_jobs(tmp_path):
    for label in ("a", "b", "c"):
        enqueue_committed(sample_jobs.record, str(tmp_path / "out"), label)
    assert run_pending(limit=2) == 2
    assert run_pending() == 1
    assert sorted(lines(tmp_path / "out")) == ["a", "b", "c"]

    enqueue_committed(sample_jobs.chains, str(tmp_path / "chain"))
    assert run_pending() == 2  # the job a job enqueued is ready at once and runs in the same call
    assert lines(tmp_path / "chain") == ["chained"]


def test_a_worker_takes_only_its_queues(tmp_path):
    from platen.jobs.worker import JobWorker, parse_queues

    enqueue_committed(sample_jobs.record, str(tmp_path / "out"), "default queue")
    postback = enqueue_committed(sample_jobs.asks_to_wait, 60)
    worker = JobWorker(queues=parse_queues("postbacks"), batch=True, heartbeat=False, interval=0)
    worker.run()
    assert worker.tasks_run == 1 and job(postback.id).attempts == 1
    assert lines(tmp_path / "out") == []
    assert parse_queues("") == ["default", "postbacks", "email"]
