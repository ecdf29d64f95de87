"""Periodic jobs on a fake clock: once per period, aligned periods, one winner between schedulers; pruning."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from platen.jobs import services
from platen.jobs.definitions import PERIODIC, Periodic, periodic
from platen.jobs.models import Job, PeriodicRun
from platen.jobs.scheduler import Scheduler, discover_periodic, period_start
from tests.jobs import sample_jobs

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 3, 1, 12, 0, 10, tzinfo=UTC)


def five_minutes():
    return {"tests.tick": Periodic("tests.tick", timedelta(minutes=5), sample_jobs.tick)}


def test_periods_are_aligned_to_the_clock():
    every = timedelta(minutes=5)
    assert period_start(T0, every) == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert period_start(T0 + timedelta(minutes=4, seconds=49), every) == datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
    assert period_start(T0 + timedelta(minutes=4, seconds=50), every) == datetime(2026, 3, 1, 12, 5, tzinfo=UTC)


def test_once_per_period_even_with_two_schedulers():
    first, second = Scheduler(five_minutes()), Scheduler(five_minutes())
    assert first.tick(T0) == ["tests.tick"]
    assert second.tick(T0 + timedelta(seconds=1)) == []  # the other one already enqueued this period
    assert first.tick(T0 + timedelta(minutes=1)) == []
    assert second.tick(T0 + timedelta(minutes=5)) == ["tests.tick"]
    assert first.tick(T0 + timedelta(minutes=5, seconds=2)) == []
    runs = list(PeriodicRun.objects.order_by("period_start"))
    assert [r.period_start.minute for r in runs] == [0, 5]
    jobs = Job.objects.filter(task_path="tests.jobs.sample_jobs.tick")
    assert sorted(str(j.pk) for j in jobs) == sorted(str(r.job_id) for r in runs)


def test_a_fresh_scheduler_does_not_repeat_a_period():
    Scheduler(five_minutes()).tick(T0)
    assert Scheduler(five_minutes()).tick(T0 + timedelta(seconds=30)) == []  # e.g. after a restart
    assert Job.objects.count() == 1


def test_periodic_jobs_are_discovered_from_apps_tasks_modules():
    found = discover_periodic()
    assert found["prune-job-history"].every == timedelta(hours=1)
    assert found["prune-job-history"].task.max_attempts == 3


def test_a_periodic_name_belongs_to_one_function():
    with pytest.raises(ValueError, match="already used"):
        periodic("tests.tick", every=timedelta(minutes=1))(sample_jobs.record.func)
    with pytest.raises(ValueError, match="once a second"):
        periodic("tests.too-often", every=timedelta(milliseconds=10))(sample_jobs.record.func)
    assert PERIODIC["tests.tick"].task.func is sample_jobs.tick.func


def test_prune_keeps_dead_jobs_and_the_newest_period(settings, tmp_path):
    settings.PLATEN_JOB_KEEP_DAYS = 7
    old = timezone.now() - timedelta(days=8)
    ids = {}
    for name, status in [("old_ok", TaskResultStatus.SUCCESSFUL), ("old_dead", TaskResultStatus.FAILED),
                         ("new_ok", TaskResultStatus.SUCCESSFUL)]:
        row = DBTaskResult.objects.create(args_kwargs={"args": [], "kwargs": {}}, task_path=f"x.{name}",
                                          backend_name="default", status=status)
        ids[name] = row.id
        DBTaskResult.objects.filter(id=row.id).update(finished_at=old if name.startswith("old") else timezone.now())
    for minutes in (0, 60, 120):
        run = PeriodicRun.objects.create(name="daily", period_start=T0 + timedelta(minutes=minutes), job_id=ids["old_ok"])
        PeriodicRun.objects.filter(id=run.id).update(created_at=old)

    removed = services.prune_history()
    assert removed["succeeded"] == 1 and removed["periodic_runs"] == 2
    assert set(DBTaskResult.objects.values_list("task_path", flat=True)) == {"x.old_dead", "x.new_ok"}
    assert list(PeriodicRun.objects.values_list("period_start", flat=True)) == [T0 + timedelta(minutes=120)]
