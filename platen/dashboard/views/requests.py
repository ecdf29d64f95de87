"""Intake requests: every arrival, including those that never became an order, and why."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta, timezone

from django.core.paginator import Paginator
from django.shortcuts import render

from platen.dashboard.access import dashboard_view
from platen.dashboard.htmx import page_or_results
from platen.intake import queries
from platen.intake.statuses import Channel, Outcome
from platen.orders import fields

PAGE_SIZE = 25


@dashboard_view
def request_list(request):
    status = _choice(request.GET.get("status"), Outcome)
    channel = _choice(request.GET.get("channel"), Channel)
    start, end = _day(request.GET.get("from")), _day(request.GET.get("to"))
    rows = queries.filtered(
        request.scope, status=status, channel=channel,
        start=datetime.combine(start, time.min, timezone.utc) if start else None,
        # "to" is a whole day: everything before the next midnight.
        end=datetime.combine(end + timedelta(days=1), time.min, timezone.utc) - timedelta(microseconds=1) if end else None,
    ).select_related("account")
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "status": status, "channel": channel,
        "start": start.isoformat() if start else "", "end": end.isoformat() if end else "",
        "filters": {"status": status, "channel": channel, "from": start or "", "to": end or ""},
        "statuses": list(Outcome), "channels": list(Channel),
        "filtered": bool(status or channel or start or end),
        "show_account": request.user.is_operator,
    }
    return page_or_results(request, "dashboard/requests/list.html", "dashboard/requests/_results.html", context)


@dashboard_view
def request_detail(request, request_id):
    intake_request = queries.get_request(request.scope, request_id)
    body, is_json = pretty_body(intake_request.raw_body)
    return render(request, "dashboard/requests/detail.html", {
        "req": intake_request, "body": body, "is_json": is_json, "show_account": request.user.is_operator,
        "item_names": fields.names_from_payload(json.loads(body)) if is_json else {},
    })


def pretty_body(raw: str) -> tuple[str, bool]:
    """Indented JSON when the body parses; the raw text as it arrived otherwise."""
    try:
        return json.dumps(json.loads(raw), indent=2, ensure_ascii=False), True
    except ValueError:
        return raw, False


def _choice(value, enum) -> str:
    return value if value in enum._value2member_map_ else ""


def _day(value) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None
