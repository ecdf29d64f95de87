"""What operators look at: jobs by status, counts, live workers."""

from __future__ import annotations

from django.db.models import Count, F
from django.utils import timezone

from platen.jobs import timing
from platen.jobs.models import STATUS_OF_NAME, Job, WorkerHeartbeat
from platen.kit.errors import NotFound

LISTED = ("dead", "ready", "running")
# Dead: the latest failures first. Ready: the next to run first. Running: the longest-running first.
ORDERING = {
    "dead": [F("finished_at").desc(nulls_last=True), "-enqueued_at"],
    "ready": list(Job._meta.ordering),
    "running": ["started_at"],
}


def jobs(status: str):
    return Job.objects.filter(status=STATUS_OF_NAME[status]).order_by(*ORDERING[status])


def get_job(job_id) -> Job:
    job = Job.objects.filter(pk=job_id).first()
    if job is None:
        raise NotFound("No such job.")
    return job


def counts() -> dict[str, int]:
    """ready (due now or later), running, dead."""
    rows = Job.objects.filter(status__in=[STATUS_OF_NAME[s] for s in LISTED]).values("status").annotate(n=Count("id"))
    found = {row["status"]: row["n"] for row in rows}
    return {name: found.get(STATUS_OF_NAME[name], 0) for name in LISTED}


def live_workers():
    return WorkerHeartbeat.objects.filter(seen_at__gte=timezone.now() - timing.lease()).order_by("hostname", "started_at")

