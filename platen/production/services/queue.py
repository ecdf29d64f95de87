"""A partner's production queue: its jobs by when they are due, as the partner's own facilities count days.

"Today" is each facility's local date (a job's due date is a production day in the facility's time zone), so
one partner with facilities in Berlin and Chicago sees each job against its own clock. The four lists never
overlap and together hold every job:

- late: due before today and still to be made or shipped;
- today: due today, still open or canceled by the merchant (the partner must see that at once and stop);
- upcoming: due later, open or canceled;
- done: shipped and after, failed, returned, and canceled jobs whose day has passed.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from enum import StrEnum

from django.db.models import Count, Prefetch, Q, QuerySet

from platen.orders.models import OrderItem
from platen.orders.statuses import Fulfillment
from platen.production.models import Facility, ProductionJob
from platen.production.services.jobs import scoped
from platen.production.shipping import local_now

F = Fulfillment
OPEN = (F.CREATED, F.IN_PRODUCTION, F.PRINTED, F.PACKAGED)


class Bucket(StrEnum):
    LATE = "late"
    TODAY = "today"
    UPCOMING = "upcoming"
    DONE = "done"


TODO = (Bucket.LATE, Bucket.TODAY, Bucket.UPCOMING)  # what is still to make or ship (and canceled today or later)
LABELS = {Bucket.LATE: "Late", Bucket.TODAY: "Due today", Bucket.UPCOMING: "Upcoming", Bucket.DONE: "Done"}
# Late jobs first and oldest first; done jobs newest first.
ORDERING = {Bucket.LATE: ("due_date", "routed_at"), Bucket.TODAY: ("routed_at",),
            Bucket.UPCOMING: ("due_date", "routed_at"), Bucket.DONE: ("-due_date", "-routed_at")}


def facilities(partner) -> QuerySet[Facility]:
    """The facilities whose jobs the viewer sees (a partner's own; every one for an operator)."""
    return Facility.objects.filter(**_partner(partner)).order_by("name")


def jobs(partner, bucket: Bucket, facility: Facility | None = None) -> QuerySet[ProductionJob]:
    """One list of the queue, ready for a page: items (for counts and product names) come with each job.
    `facility` (one of `facilities(partner)`) narrows it to that facility's jobs."""
    items = OrderItem.objects.filter(is_ignored=False).order_by("position")
    return (scoped(partner).filter(_where(partner, facility)[bucket])
            .prefetch_related(Prefetch("order__items", queryset=items))
            .order_by(*ORDERING[bucket]))


def counts(partner, facility: Facility | None = None) -> dict[Bucket, int]:
    where = _where(partner, facility)
    totals = ProductionJob.objects.filter(**_partner(partner)).filter(where[None]).aggregate(
        **{str(b): Count("pk", filter=where[b]) for b in Bucket})
    return {b: totals[str(b)] for b in Bucket}


def bucket_of(job: ProductionJob, today: date | None = None) -> Bucket:
    """The list a job is in (the same rules as the queries, for one job in hand)."""
    today = today or local_now(job.facility).date()
    status = job.order.fulfillment_status
    if status in OPEN and job.due_date < today:
        return Bucket.LATE
    if status in (*OPEN, F.CANCELED) and job.due_date >= today:
        return Bucket.TODAY if job.due_date == today else Bucket.UPCOMING
    return Bucket.DONE


def _where(partner, facility: Facility | None = None) -> dict[Bucket | None, Q]:
    """Each list as a filter (and under None, the facility's jobs or every one): facilities are grouped by
    their local date (usually one or two dates)."""
    by_day: dict[date, list] = defaultdict(list)
    shown = [facility] if facility is not None else facilities(partner).only("id", "time_zone")
    for place in shown:
        by_day[local_now(place).date()].append(place.id)
    open_ = Q(order__fulfillment_status__in=OPEN)
    current = Q(order__fulfillment_status__in=(*OPEN, F.CANCELED))
    late, today, upcoming = Q(pk__in=[]), Q(pk__in=[]), Q(pk__in=[])
    for day, ids in by_day.items():
        here = Q(facility_id__in=ids)
        late |= here & Q(due_date__lt=day) & open_
        today |= here & Q(due_date=day) & current
        upcoming |= here & Q(due_date__gt=day) & current
    done = ~(late | today | upcoming)
    if facility is not None:
        done &= Q(facility_id=facility.id)
    return {None: Q(facility_id=facility.id) if facility is not None else Q(),
            Bucket.LATE: late, Bucket.TODAY: today, Bucket.UPCOMING: upcoming, Bucket.DONE: done}


def _partner(partner) -> dict:
    return {} if partner is None else {"partner": partner}
