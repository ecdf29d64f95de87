"""Jobs (operators only): dead jobs with their last error and a Retry button; ready/running counts; live workers."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from platen.dashboard.access import dashboard_view
from platen.jobs import queries, services
from platen.kit.errors import NotFound, PlatenError

PAGE_SIZE = 25
TONES = {"dead": "danger", "ready": "info", "running": "progress"}


def _operators_only(request) -> None:
    if request.scope is not None:  # merchants do not learn the page exists
        raise Http404()


@dashboard_view
def job_list(request):
    _operators_only(request)
    status = request.GET.get("status") if request.GET.get("status") in queries.LISTED else "dead"
    page = Paginator(queries.jobs(status), PAGE_SIZE).get_page(request.GET.get("page"))
    counts = queries.counts()
    return render(request, "dashboard/jobs/list.html", {
        "page": page, "status": status, "filters": {"status": status},
        "tabs": [(s, counts[s], TONES[s]) for s in queries.LISTED], "workers": list(queries.live_workers()),
    })


@dashboard_view
def job_detail(request, job_id):
    _operators_only(request)
    job = queries.get_job(job_id)
    listed = job.status_name if job.status_name in queries.LISTED else "dead"
    return render(request, "dashboard/jobs/detail.html", {
        "job": job, "tone": TONES.get(job.status_name, "success"), "listed_status": listed,
    })


@require_POST
@dashboard_view
def job_retry(request, job_id):
    _operators_only(request)
    try:
        job = services.retry_dead(job_id, by=request.user.get_username())
        messages.success(request, f"{job.task_name} was queued again and runs as soon as a worker is free.")
    except NotFound:
        raise
    except PlatenError as exc:
        messages.error(request, exc.message)
    return redirect("dashboard:job", job_id=job_id) if request.POST.get("back") == "job" else redirect("dashboard:jobs")
