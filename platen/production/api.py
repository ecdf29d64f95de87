"""The partner API: a print partner's job queue and its status reports, authenticated by partner keys only
(platen.production.auth). Handlers only translate HTTP to service calls."""

from __future__ import annotations

from uuid import UUID

from ninja import Query, Router

from platen.kit import pagination
from platen.kit.actors import Actor
from platen.kit.schemas import errors
from platen.kit.wire import IsoDateTime
from platen.production import presenters
from platen.production.auth import PartnerKeyAuth
from platen.production.schemas import PartnerJobOut, PartnerJobsOut, StatusReportIn
from platen.production.services import partner_feed, reports

router = Router(tags=["partners"], auth=PartnerKeyAuth())  # mounted at /v4
report_router = Router(tags=["partners"], auth=PartnerKeyAuth())  # mounted at /v2, the reference's path


@router.get("/partner/jobs", response={200: PartnerJobsOut, **errors()}, summary="List the partner's production jobs")
def list_jobs(request, status: list[str] = Query(None, description="The order's fulfillmentStatus; repeat the "
                                                                    "parameter or separate with commas for several."),
              since: IsoDateTime | None = Query(None, description="Only jobs changed at or after this time (ISO 8601)."),
              limit: int | None = None, offset: int | None = None):
    rows = list(pagination.page(partner_feed.queue(request.partner, status, since), limit, offset))
    return {"jobs": presenters.jobs(rows)}


@router.get("/partner/jobs/{uuid:order_id}", response={200: PartnerJobOut, **errors(404)}, summary="Get one production job")
def get_job(request, order_id: UUID):
    return presenters.job(partner_feed.one(request.partner, order_id))


@report_router.post("/order/status", response={200: PartnerJobOut, **errors(404, 409)}, summary="Report an order's production status",
                    description="received, printed, shipped (with trackingCode), error or cancelled, for the whole "
                                "order or the listed items. Answers the job as GET /v4/partner/jobs/{orderId} shows it "
                                "after the report; a repeated report changes nothing and gets the same answer.")
def report_status(request, body: StatusReportIn):
    return presenters.job(reports.report(request.partner, body, Actor.partner(request.partner)))
