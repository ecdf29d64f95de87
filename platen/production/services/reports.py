"""A print partner's status report (POST /v2/order/status, the reference's format) turned into the partner's
production steps (services/progress.py):

    received -> start (in_production)     printed -> mark_printed     shipped -> ship (tracking code and link)
    error    -> fail (the message is the reason the merchant reads)   cancelled -> cancel (refused once printed)

`items` makes a report partial: only those items move. Each report that changes something is written to the
order's history as `partner_report` (the partner as actor), followed by the moves it caused, in one transaction.
A report that changes nothing (a partner's retry, a late `received` after `printed`) leaves no trace at all:
no history entry, no postback, and the same answer as the first time. A move the transition table forbids is
refused (409 with the reason) and changes nothing either; another partner's order is a 404.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from django.db.models import prefetch_related_objects

from platen.kit.actors import Actor
from platen.orders import events
from platen.production.models import ProductionJob
from platen.production.schemas import StatusReportIn
from platen.production.services import progress
from platen.production.services.jobs import locked_job
from platen.production.services.partner_feed import ITEMS_WITH_FILES


def report(partner, body: StatusReportIn, actor: Actor) -> ProductionJob:
    """Apply one report; returns the job (its order changed or not) as it is after the report: the order's status
    and its items (with their files) are the ones the step left, so the answer needs no second read.
    Raises NotFound, Conflict, InvalidRequest."""
    item_ids = [i.orderItemId for i in body.items] if body.items else None
    with transaction.atomic():
        job = locked_job(partner, body.orderId)  # 404 before anything else; the order stays locked to the end
        # The step moves these very item objects (order.items.all() reads this cache), the answer shows them.
        prefetch_related_objects([job.order], ITEMS_WITH_FILES)
        # The report's own history entry goes first, written by the step with its moves, only if something moves.
        entry = events.event(job.order, events.PARTNER_REPORT, actor, reason=(body.message or "").strip(),
                             params=_params(body, item_ids))
        STEPS[body.status](partner, body, actor, item_ids, job, [entry])
    return job


def _params(body: StatusReportIn, item_ids) -> dict:
    params = {"status": body.status, "timestamp": body.timestamp.isoformat(), "message": body.message or "",
              "items": item_ids or []}
    if body.status == "shipped":
        params |= {"trackingCode": body.trackingCode or "", "trackingLink": body.trackingLink or ""}
    return params


STEPS: dict[str, Callable[..., progress.Outcome]] = {  # (partner, report, actor, item ids, the locked job, lead history)
    "received": lambda p, b, actor, ids, job, lead: progress.start(p, b.orderId, actor, item_ids=ids, job=job, lead=lead),
    "printed": lambda p, b, actor, ids, job, lead: progress.mark_printed(p, b.orderId, actor, item_ids=ids, job=job, lead=lead),
    "shipped": lambda p, b, actor, ids, job, lead: progress.ship(
        p, b.orderId, actor, tracking_code=b.trackingCode or "", tracking_url=b.trackingLink or "", item_ids=ids, job=job, lead=lead),
    "error": lambda p, b, actor, ids, job, lead: progress.fail(p, b.orderId, b.message or "", actor, item_ids=ids, job=job, lead=lead),
    "cancelled": lambda p, b, actor, ids, job, lead: progress.cancel(
        p, b.orderId, b.message or "", actor, item_ids=ids, job=job, lead=lead),
}
