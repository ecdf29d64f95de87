"""Real `platen worker` and `platen scheduler` processes on the test database (see fast_settings: 1.5 s
lease, 0.25 s heartbeat): a job runs, a SIGKILLed worker's job is taken back and finished by another, SIGTERM
lets the job in flight finish, two schedulers enqueue a period once."""

import signal
from datetime import timedelta

import pytest
from django.utils import timezone

from platen.jobs.models import Job, PeriodicRun, WorkerHeartbeat
from tests.jobs import sample_jobs
from tests.jobs.conftest import enqueue_committed, job, wait_for
from tests.jobs.sample_jobs import lines

pytestmark = pytest.mark.processes

LEASE = timedelta(seconds=1.5)  # tests/jobs/fast_settings.py


def test_a_worker_process_runs_jobs_and_stops_on_sigterm(platen, tmp_path):
    result = enqueue_committed(sample_jobs.record, str(tmp_path / "out"), "from a worker")
    worker = platen.start("worker", "--queues", "default")
    wait_for(lambda: job(result.id).status_name == "succeeded", "the job to succeed")
    assert lines(tmp_path / "out") == ["from a worker"]
    [beat] = WorkerHeartbeat.objects.all()
    assert beat.pid == worker.pid and beat.queues == "default"
    assert job(result.id).worker_ids == [beat.worker_id]

    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=15) == 0
    assert not WorkerHeartbeat.objects.exists()  # a clean stop leaves no heartbeat behind


def test_a_killed_workers_job_is_taken_back_and_finished_by_another(platen, tmp_path):
    result = enqueue_committed(sample_jobs.wait_for_go, str(tmp_path))
    first = platen.start("worker")
    wait_for(lambda: lines(tmp_path / "started") == [str(first.pid)], "the first worker to start the job")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    assert job(result.id).status_name == "running"  # nothing else knows it died, yet

    stale = lambda: not WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - LEASE).exists()  # noqa: E731
    wait_for(stale, "the killed worker's heartbeat to go stale")
    (tmp_path / "go").touch()
    second = platen.start("worker")  # reaps at start, then runs the job again
    wait_for(lambda: job(result.id).status_name == "succeeded", "the second worker to finish the job")

    assert lines(tmp_path / "started") == [str(first.pid), str(second.pid)]  # once per run
    assert lines(tmp_path / "done") == [str(second.pid)]
    assert job(result.id).attempts == 2
    assert "job taken back from a lost worker" in platen.log(second)


def test_a_running_worker_takes_back_a_killed_workers_job_with_no_scheduler(platen, tmp_path):
    result = enqueue_committed(sample_jobs.wait_for_go, str(tmp_path))
    first = platen.start("worker")
    wait_for(lambda: lines(tmp_path / "started") == [str(first.pid)], "the first worker to start the job")
    second = platen.start("worker")  # its reap at start finds nothing: the first worker is alive
    wait_for(lambda: WorkerHeartbeat.objects.filter(pid=second.pid).exists(), "the second worker to start")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    (tmp_path / "go").touch()

    # No scheduler runs: the idle second worker notices the stale heartbeat by itself, takes the job back, runs it.
    wait_for(lambda: job(result.id).status_name == "succeeded", "the second worker to take back and finish the job")
    assert lines(tmp_path / "started") == [str(first.pid), str(second.pid)]
    assert lines(tmp_path / "done") == [str(second.pid)]
    assert "job taken back from a lost worker" in platen.log(second)
    assert [p.args[3] for p, _ in platen.children] == ["worker", "worker"]


def test_sigterm_lets_the_job_in_flight_finish(platen, tmp_path):
    result = enqueue_committed(sample_jobs.wait_for_go, str(tmp_path))
    worker = platen.start("worker")
    wait_for(lambda: lines(tmp_path / "started"), "the job to start")
    worker.send_signal(signal.SIGTERM)
    wait_for(lambda: "finishing the job in flight" in platen.log(worker), "the worker to acknowledge SIGTERM")
    assert worker.poll() is None and job(result.id).status_name == "running"

    (tmp_path / "go").touch()
    assert worker.wait(timeout=15) == 0
    assert job(result.id).status_name == "succeeded"
    assert lines(tmp_path / "done") == [str(worker.pid)]


def test_two_schedulers_enqueue_each_period_once(platen):
    schedulers = [platen.start("scheduler"), platen.start("scheduler")]
    ticks = lambda: PeriodicRun.objects.filter(name="tests.tick")  # noqa: E731
    wait_for(lambda: ticks().count() >= 3, "three one-second periods", timeout=30)
    for process in schedulers:
        process.send_signal(signal.SIGTERM)
    assert [p.wait(timeout=15) for p in schedulers] == [0, 0]

    runs = list(ticks())
    jobs = Job.objects.filter(task_path="tests.jobs.sample_jobs.tick")
    assert sorted(str(j.pk) for j in jobs) == sorted(str(r.job_id) for r in runs)  # one job per period, no more
    enqueued = sum(platen.log(p).count("periodic=tests.tick") for p in schedulers)
    assert enqueued == len(runs)


def test_worker_concurrency_runs_several_processes(platen, tmp_path):
    results = [enqueue_committed(sample_jobs.record, str(tmp_path / "out"), f"job {n}") for n in range(6)]
    pool = platen.start("worker", "--concurrency", "2")
    wait_for(lambda: WorkerHeartbeat.objects.count() == 2, "two worker processes")
    wait_for(lambda: all(job(r.id).status_name == "succeeded" for r in results), "every job to succeed")
    assert sorted(lines(tmp_path / "out")) == [f"job {n}" for n in range(6)]  # each exactly once
    pool.send_signal(signal.SIGTERM)
    assert pool.wait(timeout=15) == 0
    assert not WorkerHeartbeat.objects.exists()
