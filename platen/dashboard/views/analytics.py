"""Analytics (issue 11, seed 003): volume, success rate, failure reasons, time in each status and stuck orders, as SVG
charts with their CSV. Merchants see their account; operators every account, per facility too. The numbers come from
platen.diagnostics.services.analytics, the same as GET /v4/analytics/..."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode
from uuid import UUID

from django.http import Http404
from django.shortcuts import render

from platen.dashboard.access import dashboard_view
from platen.diagnostics import charts
from platen.diagnostics.services import analytics
from platen.diagnostics.services.analytics_csv import COLUMNS, csv_response
from platen.intake.statuses import Channel

CSV_KINDS = tuple(COLUMNS)


@dashboard_view
def analytics_page(request):
    f, interval = _filters(request)
    scope = request.scope
    volume = analytics.volume(scope, f, interval)
    success = analytics.success(scope, f, interval)
    reasons = analytics.failure_reasons(scope, f)
    times = analytics.status_times(scope, f)
    stuck = analytics.stuck(scope, f, limit=50)
    label = (lambda d: d.strftime("%d %b")) if interval == "day" else (lambda d: "wk " + d.strftime("%d %b"))
    query = _query(request, f, interval)
    for r in times["rows"]:
        r.update(median=_duration(r["medianSeconds"]), p90=_duration(r["p90Seconds"]), label=_status(r["status"]))
    for r in stuck["rows"]:
        r.update(inFor=_duration(r["secondsInStatus"]), p90=_duration(r["p90Seconds"]), label=_status(r["status"]))
    return render(request, "dashboard/analytics/page.html", {
        "f": f, "interval": interval, "volume": volume, "success": success, "reasons": reasons, "times": times,
        "stuck": stuck, "query": query, "trend": _trend(volume), "csv": {k.replace("-", "_"): f"{k}.csv?{query}" for k in CSV_KINDS},
        "channels": [c.value for c in Channel], "stores": _stores(scope),
        "facilities": analytics.facility_choices() if scope is None else [],
        "by_facility": analytics.by_facility(f) if scope is None else [],
        "volume_chart": charts.columns(
            [(label(p["period"]), p["orders"]) for p in volume["points"]], title=f"Orders per {interval}",
            desc=f"{volume['total']} orders from {f.first_day:%d %b %Y} to {f.last_day:%d %b %Y}, "
                 f"{volume['previousTotal']} in the same number of days before."),
        "success_chart": charts.line(
            [(label(r["period"]), None if r["successRate"] is None else r["successRate"] * 100) for r in success["rows"]],
            top=100, fmt=lambda v: f"{v:.0f}%", title=f"Success rate per {interval}",
            desc=_rate_words(success)),
        "channel_chart": charts.bars([(c["channel"], c["orders"]) for c in volume["byChannel"]], title="Orders per channel",
                                     desc=", ".join(f"{c['channel']}: {c['orders']}" for c in volume["byChannel"]) or "No orders."),
        "reasons_chart": charts.bars([(r["message"] or r["code"], r["orders"]) for r in reasons["rows"]],
                                     title="Most common failure reasons",
                                     desc="; ".join(f"{r['message'] or r['code']}: {r['orders']} orders" for r in reasons["rows"]) or "No failed orders."),
        "times_chart": charts.bars([(f"{_status(r['status'])} (median)", r["medianSeconds"] / 3600) for r in times["rows"]],
                                   fmt=_hours, title="Median time in each status",
                                   desc="; ".join(f"{r['status']}: median {_hours(r['medianSeconds'] / 3600)}, p90 "
                                                  f"{_hours(r['p90Seconds'] / 3600)}" for r in times["rows"]) or "No status changes."),
    })


@dashboard_view
def analytics_csv(request, kind: str):
    if kind not in CSV_KINDS:
        raise Http404()
    f, interval = _filters(request)
    scope = request.scope
    answer = {
        "volume": lambda: analytics.volume(scope, f, interval),
        "success": lambda: analytics.success(scope, f, interval),
        "failure-reasons": lambda: analytics.failure_reasons(scope, f),
        "status-times": lambda: analytics.status_times(scope, f),
        "stuck": lambda: analytics.stuck(scope, f),
    }[kind]()
    return csv_response(kind, answer)


def _filters(request) -> tuple[analytics.Filters, str]:
    g = request.GET
    store_id = _uuid(g.get("store"))
    if store_id and request.scope is not None and store_id not in {s[0] for s in _stores(request.scope)}:
        store_id = None  # another account's store: ignored, its existence not confirmed
    f = analytics.filters(_date(g.get("from")), _date(g.get("to")), channel=g.get("channel", "")[:20],
                          store_id=store_id, facility_id=_uuid(g.get("facility")) if request.scope is None else None)
    return f, g.get("interval") if g.get("interval") in analytics.INTERVALS else "day"


def _query(request, f: analytics.Filters, interval: str) -> str:
    params = {"from": f.first_day.isoformat(), "to": f.last_day.isoformat(), "interval": interval, "channel": f.channel,
              "store": f.store_id or "", "facility": f.facility_id or ""}
    return urlencode({k: v for k, v in params.items() if v})


def _stores(scope) -> list[tuple[UUID, str]]:
    from platen.stores.services import setup

    return [(s.pk, s.name or s.domain) for s in setup.stores(scope)]


def _rate_words(success: dict) -> str:
    if success["successRate"] is None:
        return "No order passed or failed its checks in this period."
    return (f"{success['successRate'] * 100:.1f}% of the orders that finished their checks passed: "
            f"{success['passed']} passed, {success['failed']} failed.")


def _trend(volume: dict) -> str:
    if volume["change"] is None:
        return "No orders in the same number of days before."
    word = "Up" if volume["change"] > 0 else "Down" if volume["change"] < 0 else "Level"
    return f"{word} {abs(volume['change']) * 100:.0f}% from {volume['previousTotal']} orders in the same number of days before."


def _status(status: str) -> str:
    return status.replace("_", " ").capitalize()


def _duration(seconds: int) -> str:
    return _hours(seconds / 3600)


def _hours(h: float) -> str:
    return f"{h * 60:.0f} min" if h < 1 else f"{h:.1f} h" if h < 48 else f"{h / 24:.1f} days"


def _date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _uuid(text: str | None) -> UUID | None:
    try:
        return UUID(text) if text else None
    except ValueError:
        return None
