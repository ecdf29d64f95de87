"""Operators' jobs API: list jobs by status, retry a dead one. Authenticated by the dashboard session of
an operator (staff), not by API keys: merchants' keys never see the job table."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

from django.conf import settings
from ninja import Router
from ninja.security import APIKeyCookie

from platen.jobs import queries, services
from platen.jobs.schemas import JobOut, JobsOut, job_out
from platen.kit import pagination
from platen.kit.errors import NotFound, Unauthorized
from platen.kit.schemas import errors


class OperatorSession(APIKeyCookie):
    """The dashboard session cookie of an operator. CSRF is checked for logged-in sessions (a browser);
    without a session there is nothing to protect and the answer is 401."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None
        return super()._get_key(request)

    def authenticate(self, request, key):
        if not request.user.is_authenticated:
            raise Unauthorized("Log in to the dashboard as an operator to use the jobs API.")
        if not request.user.is_operator:
            raise NotFound()  # a merchant's session does not learn that this exists
        return request.user


router = Router(tags=["jobs"], auth=OperatorSession())
ERRORS = errors(403, 404)


@router.get("/jobs", response={200: JobsOut, **ERRORS}, summary="List jobs (operators)")
def list_jobs(request, status: Literal["dead", "ready", "running"] = "dead", limit: int | None = None, offset: int | None = None):
    rows = pagination.page(queries.jobs(status), limit, offset)
    return {"jobs": [job_out(j) for j in rows], "counts": queries.counts()}


@router.get("/jobs/{uuid:job_id}", response={200: JobOut, **ERRORS}, summary="Get a job (operators)")
def get_job(request, job_id: UUID):
    return job_out(queries.get_job(job_id))


@router.post("/jobs/{uuid:job_id}:retry", response={200: JobOut, **errors(403, 404, 409)}, summary="Retry a dead job (operators)")
def retry_job(request, job_id: UUID):
    return job_out(services.retry_dead(job_id, by=request.user.get_username()))
