"""Order analytics (issue 11, seed 003 "Order Analytics"): volumes and trends, success rate, failure reasons, time in
each status and stuck orders. On PostgreSQL volume, success and time in each status read the day rollups
(analytics_rollup.py: a few thousand rows whatever the number of orders); SQLite and a facility's figures count the
orders and spans themselves (GROUP BY per day). Every figure is scoped: `account` is the merchant's account, None
for operators (every account). Docs: docs/analytics.md.

Definitions (the same words are in docs/analytics.md):
- The range is [start, end) in UTC; the default is the last 30 days including today. An order belongs to the day
  (or the ISO week, starting Monday) it was created in Platen, in UTC. Drafts are not orders and are never counted.
- Success rate, over the orders created in the range: an order is *passed* when its status now is passed, created,
  pending_approval or anything from in_production on (it got through the checks); *failed* when its status now is
  failed. Orders still in the checks or waiting for the merchant (received, uploading, not_connected,
  pending_personalization, on_hold) and canceled ones are *other* and left out of the rate:
  rate = passed / (passed + failed), None when both are 0. An order that failed and was fixed counts as passed.
- Failure reasons: the problems (code and sentence) of the orders that are failed now, each code counted once per
  order; the sentence shown is the most frequent one for that code.
- Time in a status: every finished stay of an order in a status that began inside the range (diagnostics.StatusSpan,
  from the order history); median and p90 are nearest-rank percentiles (the smallest stay such that at least 50% /
  90% of the stays are as short or shorter).
- Stuck: an order that is in a status now and has been for longer than that status's p90 over the range, for
  statuses with at least MIN_SAMPLES finished stays in the range; delivered, returned, canceled and draft are never
  stuck.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone as tz
from uuid import UUID

from django.db import connection
from django.db.models import Aggregate, Count, IntegerField
from django.db.models.functions import TruncDate
from django.utils import timezone

from platen.diagnostics.models import StatusSpan
from platen.diagnostics.services import analytics_rollup as rollup
from platen.orders.models import Order
from platen.orders.statuses import Fulfillment as S, OrderType

DEFAULT_DAYS = 30
MIN_SAMPLES = 3
STUCK_LIMIT = 200
PASSED = frozenset({S.PASSED, S.CREATED, S.PENDING_APPROVAL, S.IN_PRODUCTION, S.PRINTED, S.PACKAGED, S.SHIPPED,
                    S.IN_TRANSIT, S.DELIVERED, S.RETURNED})
FAILED = frozenset({S.FAILED})
NEVER_STUCK = frozenset({S.DELIVERED, S.RETURNED, S.CANCELED, S.DRAFT})
FLOW = [S.DRAFT, S.RECEIVED, S.UPLOADING, S.NOT_CONNECTED, S.PENDING_PERSONALIZATION, S.ON_HOLD, S.FAILED, S.PASSED,
        S.PENDING_APPROVAL, S.CREATED, S.IN_PRODUCTION, S.PRINTED, S.PACKAGED, S.SHIPPED, S.IN_TRANSIT, S.DELIVERED,
        S.RETURNED, S.CANCELED]
INTERVALS = ("day", "week")


@dataclass(frozen=True)
class Filters:
    start: datetime  # inclusive, UTC midnight
    end: datetime  # exclusive
    channel: str = ""
    store_id: UUID | None = None
    facility_id: UUID | None = None  # operators only (the dashboard): orders routed to this facility

    @property
    def first_day(self) -> date:
        return self.start.date()

    @property
    def last_day(self) -> date:
        return (self.end - timedelta(days=1)).date()


def filters(first: date | None = None, last: date | None = None, *, channel: str = "", store_id: UUID | None = None,
            facility_id: UUID | None = None, today: date | None = None) -> Filters:
    """From the days a person picks (both included) to the UTC range; the default is the last 30 days to today."""
    today = today or timezone.now().date()
    last = last or today
    first = first or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last:
        first, last = last, first
    return Filters(start=_midnight(first), end=_midnight(last + timedelta(days=1)), channel=channel or "",
                   store_id=store_id, facility_id=facility_id)


def orders(account, f: Filters):
    """The orders the figures count: created in the range, not drafts, in scope, matching the filters."""
    qs = Order.objects.filter(created_at__gte=f.start, created_at__lt=f.end, order_type=OrderType.ORDER)
    return _scoped(qs, account, f, facility="production_job__facility_id")


# ---- volume ---------------------------------------------------------------------------------------------------


def volume(account, f: Filters, interval: str = "day") -> dict:
    """Orders per period (every period of the range, 0 included), per channel and per store, and the same-length
    period before for the trend."""
    detail = [{"period": p, "channel": c, "storeId": s, "orders": n}
              for (p, c, s), n in sorted(_counts(account, f, interval, "store").items(), key=_period_channel_store)]
    per_period = Counter()
    by_channel, by_store = Counter(), Counter()
    for r in detail:
        per_period[r["period"]] += r["orders"]
        by_channel[r["channel"]] += r["orders"]
        if r["storeId"]:
            by_store[r["storeId"]] += r["orders"]
    total = sum(per_period.values())
    span = f.end - f.start
    previous = Filters(f.start - span, f.start, f.channel, f.store_id, f.facility_id)
    before = rollup.order_total(account, previous) if rollup.usable(f) else orders(account, previous).count()
    names = store_names(list(by_store))
    return {
        "interval": interval, "from": f.first_day, "to": f.last_day, "total": total, "previousTotal": before,
        "change": None if not before else round((total - before) / before, 4),
        "points": [{"period": p, "orders": per_period.get(p, 0)} for p in periods(f, interval)],
        "byChannel": [{"channel": c, "orders": n} for c, n in by_channel.most_common()],
        "byStore": [{"storeId": s, "name": names.get(s, ""), "orders": n} for s, n in by_store.most_common()],
        "rows": detail,
    }


def periods(f: Filters, interval: str) -> list[date]:
    """Every day, or every Monday of an ISO week that touches the range."""
    day = f.first_day if interval == "day" else f.first_day - timedelta(days=f.first_day.weekday())
    step = timedelta(days=1 if interval == "day" else 7)
    out = []
    while day <= f.last_day:
        out.append(day)
        day += step
    return out


# ---- success and failure reasons ------------------------------------------------------------------------------


def success(account, f: Filters, interval: str = "day") -> dict:
    """Passed vs failed (module docstring), in total and per period."""
    per = defaultdict(Counter)
    for (period, status), n in _counts(account, f, interval, "status").items():
        per[period][_outcome(status)] += n
    total = Counter()
    for c in per.values():
        total.update(c)
    return {
        "interval": interval, "from": f.first_day, "to": f.last_day,
        **_rate(total),
        "rows": [{"period": p, **_rate(per.get(p, Counter()))} for p in periods(f, interval)],
    }


def failure_reasons(account, f: Filters, limit: int = 10) -> dict:
    """The most common problem codes of the orders failed now, with their sentence and how many orders have them."""
    counts, sentences = Counter(), defaultdict(Counter)
    # The failed orders of a range are few (thousands at most): one plain fetch, no server-side cursor.
    failed = list(orders(account, f).filter(fulfillment_status=S.FAILED).order_by().values_list("problems", flat=True))
    for problems in failed:
        seen = set()
        for p in problems or []:
            p = p if isinstance(p, dict) else {}
            code = p.get("code") or "unknown"
            if code not in seen:
                seen.add(code)
                counts[code] += 1
            if p.get("message"):
                sentences[code][p["message"]] += 1
    failed_total = len(failed) if counts else 0
    return {
        "from": f.first_day, "to": f.last_day, "failedOrders": failed_total,
        "rows": [{"code": code, "message": _most_common(sentences[code]), "orders": n,
                  "share": round(n / failed_total, 4) if failed_total else None}
                 for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]],
    }


def by_facility(f: Filters) -> list[dict]:
    """Operators: per facility, the routed orders of the range and their success (accounts together)."""
    rows = (orders(None, f).filter(production_job__isnull=False)
            .values("production_job__facility_id", "production_job__facility__name", "fulfillment_status")
            .annotate(n=Count("id")).order_by())
    per, names = defaultdict(Counter), {}
    for r in rows:
        key = r["production_job__facility_id"]
        names[key] = r["production_job__facility__name"]
        per[key][_outcome(r["fulfillment_status"])] += r["n"]
    out = [{"facilityId": k, "name": names[k], **_rate(c)} for k, c in per.items()]
    return sorted(out, key=lambda r: (-r["orders"], r["name"]))


# ---- time in each status and stuck orders ---------------------------------------------------------------------


def status_times(account, f: Filters) -> dict:
    """Per status: how many finished stays began in the range, their median and p90 in seconds."""
    spans = _spans(account, f).filter(left_at__isnull=False)
    if rollup.usable(f):
        rows = rollup.stay_percentiles(account, f)
    elif connection.vendor == "postgresql":
        rows = {r["status"]: (r["n"], *r["p"]) for r in spans.values("status").annotate(
            n=Count("id"), p=PercentilesDisc("seconds")).order_by()}
    else:  # SQLite has no percentile aggregate: the embedded database is small enough to sort here
        values = defaultdict(list)
        for status, seconds in spans.values_list("status", "seconds").iterator(chunk_size=5000):
            values[status].append(seconds)
        rows = {s: (len(v), nearest_rank(v, 50), nearest_rank(v, 90)) for s, v in values.items()}
    return {
        "from": f.first_day, "to": f.last_day,
        "rows": [{"status": s, "stays": n, "medianSeconds": int(m), "p90Seconds": int(p)}
                 for s, (n, m, p) in sorted(rows.items(), key=lambda kv: _flow_index(kv[0]))],
    }


def stuck(account, f: Filters, now: datetime | None = None, limit: int = STUCK_LIMIT) -> dict:
    """Orders in a status now for longer than its p90 over the range (module docstring), the longest first."""
    now = now or timezone.now()
    if rollup.usable(f):  # only the p90s: half the work of status_times
        p90s = rollup.stay_percentiles(account, f, (0.9,))
    else:
        p90s = {r["status"]: (r["stays"], r["p90Seconds"]) for r in status_times(account, f)["rows"]}
    normal = {s: p90 for s, (n, p90) in p90s.items() if n >= MIN_SAMPLES and s not in NEVER_STUCK}
    if not normal:
        return {"from": f.first_day, "to": f.last_day, "total": 0, "normal": [], "rows": []}
    spans = _spans(account, Filters(datetime.min.replace(tzinfo=tz.utc), now, f.channel, f.store_id, f.facility_id),
                   begun=False).filter(left_at__isnull=True).order_by()
    # One index range per status, together (an OR of them made PostgreSQL guess a fifth of all stays and scan them);
    # counted and cut to the longest stuck in SQL, then the listed ones read whole.
    late = [spans.filter(status=status, entered_at__lt=now - timedelta(seconds=p90)).values_list("entered_at", "id")
            for status, p90 in normal.items()]
    late = late[0].union(*late[1:], all=True)
    total = late.count()
    first = [pk for _, pk in late.order_by("entered_at", "id")[:limit]]
    listed = sorted(StatusSpan.objects.filter(pk__in=first).only("order_id", "account_id", "channel", "status", "entered_at"),
                    key=lambda s: (s.entered_at, s.id))
    # The references in a second small query: joining orders into the listing made PostgreSQL scan them.
    references = dict(Order.objects.filter(pk__in=[s.order_id for s in listed]).values_list("pk", "order_reference_id"))
    return {
        "from": f.first_day, "to": f.last_day, "total": total,
        "normal": [{"status": s, "p90Seconds": p} for s, p in sorted(normal.items(), key=lambda kv: _flow_index(kv[0]))],
        "rows": [{"orderId": s.order_id, "orderReferenceId": references.get(s.order_id, ""), "accountId": s.account_id,
                  "channel": s.channel, "status": s.status, "since": s.entered_at,
                  "secondsInStatus": int((now - s.entered_at).total_seconds()), "p90Seconds": normal[s.status]}
                 for s in listed],
    }


def _spans(account, f: Filters, begun: bool = True):
    qs = StatusSpan.objects.all()
    if begun:
        qs = qs.filter(entered_at__gte=f.start, entered_at__lt=f.end)
    return _scoped(qs, account, f, facility="order__production_job__facility_id")


def _scoped(qs, account, f: Filters, facility: str):
    """Orders or stays of the account (None: every account) matching the filters; `facility` is the lookup path."""
    if account is not None:
        qs = qs.filter(account=account)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.store_id:
        qs = qs.filter(store_id=f.store_id)
    if f.facility_id:
        qs = qs.filter(**{facility: f.facility_id})
    return qs


class PercentilesDisc(Aggregate):
    """PostgreSQL's nearest-rank median and p90 in one sort (the same definition as `nearest_rank`)."""

    function = "PERCENTILE_DISC"
    template = "%(function)s(ARRAY[0.5, 0.9]) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, **extra):
        from django.contrib.postgres.fields import ArrayField

        super().__init__(expression, output_field=ArrayField(IntegerField()), **extra)


def nearest_rank(values: list[int], p: float) -> int:
    """The smallest value such that at least p% of the values are at most it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


# ---- small pieces ---------------------------------------------------------------------------------------------


def facility_choices() -> list[tuple[UUID, str]]:
    """Every facility as (id, name), for the operators' facility filter."""
    from platen.production.models import Facility

    return list(Facility.objects.order_by("name").values_list("pk", "name"))


def store_names(ids: list) -> dict:
    from platen.stores.models import Store

    return {s.pk: (s.name or s.domain) for s in Store.objects.filter(pk__in=ids).only("name", "domain")} if ids else {}


def _rate(c: Counter) -> dict:
    passed, failed = c.get("passed", 0), c.get("failed", 0)
    return {"orders": sum(c.values()), "passed": passed, "failed": failed, "other": c.get("other", 0),
            "successRate": round(passed / (passed + failed), 4) if passed + failed else None}


def _outcome(status: str) -> str:
    return "passed" if status in PASSED else "failed" if status in FAILED else "other"


def _counts(account, f: Filters, interval: str, by: str) -> Counter:
    """Orders of the range per (period, channel, store) when `by` is "store", per (period, status) when "status":
    from the day rollup on PostgreSQL, from the orders on SQLite or for a facility."""
    keys = ("channel", "store_id") if by == "store" else ("fulfillment_status",)
    if rollup.usable(f):
        rows = rollup.order_counts(account, f, by)
    else:
        rows = ((_day(r["period"]), *(r[k] for k in keys), r["n"]) for r in orders(account, f)
                .annotate(period=TruncDate("created_at")).values("period", *keys).annotate(n=Count("id")).order_by())
    out = Counter()
    for day, *key, n in rows:
        out[(day - timedelta(days=day.weekday()) if interval == "week" else day, *key)] += n  # weeks: their Monday
    return out


def _period_channel_store(item) -> tuple:
    (period, channel, store), _ = item
    return period, channel, str(store or "")


def _day(value) -> date:
    return value.date() if isinstance(value, datetime) else value


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=tz.utc)


def _most_common(c: Counter) -> str:
    return c.most_common(1)[0][0] if c else ""


def _flow_index(status: str) -> int:
    return FLOW.index(status) if status in FLOW else len(FLOW)
