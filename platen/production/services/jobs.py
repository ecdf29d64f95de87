"""Reading production jobs, always scoped to one partner (None = an operator, who sees every partner's)."""

from __future__ import annotations

import uuid

from django.db.models import QuerySet

from platen.accounts.models import User
from platen.kit.errors import NotFound
from platen.production.models import Partner, ProductionJob


def scoped(partner, *, join_partner: bool = True) -> QuerySet[ProductionJob]:
    """join_partner=False: the caller sets job.partner to the partner it has (one join fewer to plan and read)."""
    related = ("order__shipping_address", "facility", "carrier_service__carrier")
    jobs = ProductionJob.objects.select_related(*related, *(("partner",) if join_partner or partner is None else ()))
    return jobs if partner is None else jobs.filter(partner=partner)


def get_job(partner, order_id) -> ProductionJob:
    """The job of `order_id` for reading (a page); 404 for another partner's or an unknown order."""
    job = scoped(partner).filter(order_id=_uuid(order_id)).first() if _uuid(order_id) else None
    if job is None:
        raise NotFound(f"No job for order {order_id} exists for this partner.", code="order_not_found")
    return job


def job_of(order) -> ProductionJob | None:
    """An order's job with where and how it ships (None before routing), for the merchant's order page."""
    return scoped(None).filter(order=order).first()


def history_for_partner(events, partner) -> list:
    """The order's history as a partner reads it: the merchant's own names (its API keys and logins) become
    "the merchant", operators "a Platen operator" (in memory only); the partner's logins and Platen's steps
    keep theirs."""
    events = list(events)
    user_ids = {int(e.actor_id) for e in events if e.actor_kind == "user" and e.actor_id.isdigit()}
    people = User.objects.filter(pk__in=user_ids).values_list("pk", "partner_id", "is_staff")
    ours = {str(pk) for pk, partner_id, _ in people if partner_id == partner.pk}
    staff = {str(pk) for pk, _, is_staff in people if is_staff}
    for e in events:
        if e.actor_kind == "api_key" or (e.actor_kind == "user" and e.actor_id not in ours | staff):
            e.actor_kind, e.actor_label = "system", "the merchant"
        elif e.actor_kind == "user" and e.actor_id in staff:
            e.actor_kind, e.actor_label = "system", "a Platen operator"
    return events


def locked_job(partner, order_id) -> ProductionJob:
    """The job of `order_id` with its order row-locked, inside the caller's transaction; 404 for another partner's
    (or an unknown) order, so a partner cannot learn that an order exists elsewhere."""
    job = None
    if _uuid(order_id):
        # order_by(): one row by a unique key needs no sorting (the Meta ordering costs a compile on every report).
        job = (scoped(partner, join_partner=False).select_for_update(of=("self", "order"))
               .filter(order_id=_uuid(order_id)).order_by("pk").first())
    if job is None:
        raise NotFound(f"No job for order {order_id} exists for this partner.", code="order_not_found")
    if isinstance(partner, Partner):
        job.partner = partner  # it is this partner's job (the filter): no need to read the partner again
    return job


def _uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None
