"""Intake requests: every arrival and what became of it, so a rejected request is never invisible."""

from uuid import UUID

from ninja import Query, Router

from platen.intake import presenters, queries
from platen.intake.schemas import IntakeRequestOut, IntakeRequestsOut, RequestFilters
from platen.kit.schemas import errors

router = Router(tags=["requests"])
ERRORS = errors(404)


@router.get("/requests", response={200: IntakeRequestsOut, **ERRORS}, summary="List intake requests")
def list_requests(request, filters: Query[RequestFilters]):
    rows = queries.filtered(request.account, status=filters.status, channel=filters.channel,
                            start=filters.startDate, end=filters.endDate)
    rows = rows[filters.offset : filters.offset + filters.limit]
    return {"requests": [presenters.intake_request(r) for r in rows]}


@router.get("/requests/{uuid:request_id}", response={200: IntakeRequestOut, **ERRORS}, summary="One intake request with its raw body")
def get_request(request, request_id: UUID):
    return presenters.intake_request(queries.get_request(request.account, request_id), with_body=True)
