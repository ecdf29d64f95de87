"""Postbacks (endpoints, deliveries with their attempts, test, replay) and the Outbox (every e-mail sent).

Merchants manage their own endpoints; operators see every account's and can test, replay, enable and
delete, but add endpoints only as the merchant would (through the merchant's login or API key).
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.core.validators import validate_email
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from platen.dashboard.access import dashboard_view
from platen.dashboard.htmx import page_or_results
from platen.kit.errors import NotFound, PlatenError
from platen.notifications import emails, health, queries, services
from platen.notifications.statuses import KIND_LABELS, ROUTED_KINDS, DeliveryStatus, PostbackEvent

PAGE_SIZE = 25
SECRET_KEY = "postback-secret:{}"  # the new endpoint's secret, in the session until shown once


@dashboard_view
def postbacks(request):
    form = {"url": "", "events": [str(PostbackEvent.ORDER_STATUS_UPDATED)], "errors": {}, "message": ""}
    if request.method == "POST" and not request.user.is_operator:
        url = _as_url(request.POST.get("url", ""))
        events = request.POST.getlist("events")
        try:
            created = services.create_endpoint(request.user.account, url, events)
        except PlatenError as exc:
            form.update(url=request.POST.get("url", ""), events=events, message=exc.message,
                        errors={d.field.split("[")[0]: d.message for d in exc.details})
        else:
            if created.secret:
                request.session[SECRET_KEY.format(created.endpoint.pk)] = created.secret
            messages.success(request, "The endpoint was added.")
            return redirect("dashboard:postback", endpoint_id=created.endpoint.pk)
    return render(request, "dashboard/notifications/postbacks.html", {
        "endpoints": health.listed(queries.endpoints_with_counts(request.scope)), "form": form,
        "event_names": [str(e) for e in PostbackEvent], "show_account": request.user.is_operator,
    })


def _as_url(text: str) -> str:
    """A bare e-mail address typed into the URL field means "e-mail me the events"."""
    text = text.strip()
    if "@" in text and "://" not in text and not text.lower().startswith("mailto:"):
        return "mailto:" + text
    return text


@dashboard_view
def postback_detail(request, endpoint_id):
    endpoint = services.get_endpoint(request.scope, endpoint_id)
    endpoint.health = health.of_endpoint(endpoint)
    status = request.GET.get("status", "")
    status = status if status in DeliveryStatus._value2member_map_ else ""
    page = Paginator(services.deliveries(request.scope, endpoint_id, status=status or None), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "endpoint": endpoint, "page": page, "status": status, "statuses": list(DeliveryStatus),
        "filters": {"status": status}, "secret": request.session.pop(SECRET_KEY.format(endpoint.pk), None),
        "show_account": request.user.is_operator,
    }
    return page_or_results(request, "dashboard/notifications/postback.html", "dashboard/notifications/_deliveries.html", context)


@require_POST
@dashboard_view
def postback_delete(request, endpoint_id):
    services.delete_endpoint(request.scope, endpoint_id)
    messages.success(request, "The endpoint was deleted; nothing more is sent to it.")
    return redirect("dashboard:postbacks")


@require_POST
@dashboard_view
def postback_enable(request, endpoint_id):
    services.enable_endpoint(request.scope, endpoint_id)
    messages.success(request, "The endpoint is enabled again. Replay the deliveries it missed below.")
    return redirect("dashboard:postback", endpoint_id=endpoint_id)


@require_POST
@dashboard_view
def postback_test(request, endpoint_id):
    d = services.send_test(request.scope, endpoint_id)
    last = d.attempt_log.last()
    if d.status == DeliveryStatus.SUCCEEDED:
        messages.success(request, f"The test event was delivered (HTTP {last.status_code}, {last.duration_ms} ms)." if last and last.status_code
                         else "The test event was delivered.")
    else:
        messages.error(request, f"The test event was not delivered: {d.last_error}")
    return redirect("dashboard:postback", endpoint_id=endpoint_id)


@require_POST
@dashboard_view
def postback_replay(request, endpoint_id, delivery_id):
    try:
        services.replay(request.scope, endpoint_id, delivery_id)
    except NotFound:
        raise
    except PlatenError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The delivery is queued again, with the same event id.")
    return redirect("dashboard:postback", endpoint_id=endpoint_id)


@dashboard_view
def outbox(request):
    page = Paginator(queries.outbox(request.scope), PAGE_SIZE).get_page(request.GET.get("page"))
    account = None if request.user.is_operator else request.user.account
    context = {"page": page, "filters": {}, "routes": emails.routes(account) if account else [], "show_account": request.user.is_operator}
    return page_or_results(request, "dashboard/notifications/outbox.html", "dashboard/notifications/_messages.html", context)


@require_POST
@dashboard_view
def outbox_settings(request):
    if request.user.is_operator:
        messages.error(request, "E-mail settings belong to a merchant account; log in as the merchant to change them.")
        return redirect("dashboard:outbox")
    problems = []
    for kind in ROUTED_KINDS:
        address = request.POST.get(f"{kind}-address", "").strip()
        try:
            if address:
                validate_email(address)
        except ValidationError:
            problems.append(f"“{address}” is not an e-mail address ({KIND_LABELS[kind].split(' (')[0].lower()}).")
            continue
        emails.set_route(request.user.account, kind, address, request.POST.get(f"{kind}-enabled") == "on")
    if problems:
        messages.error(request, " ".join(problems) + " Fix it and save again; the other settings were saved.")
    else:
        messages.success(request, "The e-mail settings were saved.")
    return redirect("dashboard:outbox")


@dashboard_view
def outbox_message(request, message_id):
    message = queries.get_message(request.scope, message_id)
    return render(request, "dashboard/notifications/message.html", {
        "message": message, "kind_label": KIND_LABELS.get(message.kind, message.kind), "show_account": request.user.is_operator,
    })
