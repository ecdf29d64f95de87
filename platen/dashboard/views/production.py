"""Print partners' pages: the production queue, a job (items, files, address, history), its steps (start,
printed, packing against the order, shipping with a tracking code) and its papers (packing slip, label).

Partner logins see their own jobs only (another partner's order is a 404); operators see every partner's.
Each step is one call to production.services.progress as the logged-in user; a refusal is shown as sentences.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_POST

from platen.dashboard import history
from platen.dashboard.access import partner_view
from platen.dashboard.htmx import page_or_results
from platen.kit.actors import Actor
from platen.kit.errors import NotFound, PlatenError
from platen.notifications.statuses import EMAIL_SENT, POSTBACK_FAILED, POSTBACK_SENT
from platen.orders.statuses import Fulfillment
from platen.production import documents, shipping
from platen.production.services import jobs, progress, queue, worksheet
from platen.production.shipping import local_now

F = Fulfillment
PAGE_SIZE = 25
MESSAGE_MAX = 300  # a reported problem, as the merchant reads it
TODO_LIMIT = 100  # jobs per list on the "to do" overview; a list's own tab shows every one, page by page
# What a partner reads in an order's history: not the merchant's postbacks and e-mails (their addresses).
MERCHANT_ONLY_EVENTS = {POSTBACK_SENT, POSTBACK_FAILED, EMAIL_SENT}


@partner_view
def production_queue(request):
    partner = request.partner_scope
    places = list(queue.facilities(partner).select_related("partner"))
    facility = next((f for f in places if f.code == request.GET.get("facility")), None)  # unknown: every facility
    counts = queue.counts(partner, facility)
    show = request.GET.get("show", "")
    bucket = queue.Bucket(show) if show in set(queue.Bucket) else None  # no (or an unknown) list: the "to do" overview
    context = {
        "tabs": [(b, queue.LABELS[b], counts[b]) for b in queue.Bucket], "show": bucket,
        "todo": sum(counts[b] for b in queue.TODO), "show_partner": partner is None,
        "facilities": places if len(places) > 1 else [], "facility": facility,
        "filters": {"show": bucket or "", "facility": facility.code if facility else ""},
    }
    if bucket is None:
        context["sections"] = [(b, queue.LABELS[b], counts[b], _rows(queue.jobs(partner, b, facility)[:TODO_LIMIT]))
                               for b in queue.TODO]
    else:
        page = Paginator(queue.jobs(partner, bucket, facility), PAGE_SIZE).get_page(request.GET.get("page"))
        context |= {"page": page, "rows": _rows(page.object_list)}
    return page_or_results(request, "dashboard/production/queue.html", "dashboard/production/_queue.html", context)


@partner_view
def production_job(request, order_id):
    return _job_page(request, order_id)


def _job_page(request, order_id, *, status: int = 200, **extra):
    job = jobs.get_job(request.partner_scope, order_id)
    order = job.order
    status_now = order.fulfillment_status
    events = order.events.select_related("item").order_by("id")
    if request.partner_scope is not None:
        events = jobs.history_for_partner(events.exclude(type__in=MERCHANT_ONLY_EVENTS), request.partner_scope)
    context = {
        "job": job, "order": order, "lines": worksheet.lines(job), "bucket": queue.bucket_of(job),
        "packages": list(order.packages.all()), "timeline": history.timeline(events),
        "canceled": status_now == F.CANCELED, "show_partner": request.partner_scope is None,
        "can_start": status_now == F.CREATED, "can_print": status_now in (F.CREATED, F.IN_PRODUCTION),
        "can_report": status_now in (F.CREATED, F.IN_PRODUCTION),
        "can_pack": status_now == F.PRINTED, "can_ship": status_now == F.PACKAGED,
        "ship_form": extra.pop("ship_form", None) or ShipForm(job=job),
        **extra,
    }
    return render(request, "dashboard/production/job.html", context, status=status)


def _step(service, done: str):
    """A POST that runs one production step as the logged-in user, then shows the job again (PRG)."""

    @require_POST
    @partner_view
    def view(request, order_id):
        try:
            outcome = service(request.partner_scope, order_id, _actor(request))
        except NotFound:
            raise
        except PlatenError as exc:
            messages.error(request, _sentences(exc))
        else:
            messages.success(request, done if outcome.changed else "Nothing changed: the job was already past this step.")
        return redirect("dashboard:production_job", order_id=order_id)

    return view


production_start = _step(progress.start, "Production started.")
production_printed = _step(progress.mark_printed, "Marked printed.")


@require_POST
@partner_view
def production_problem(request, order_id):
    """The partner cannot make the order: it fails with the partner's words, which the merchant reads."""
    message = request.POST.get("message", "").strip()[:MESSAGE_MAX]
    if not message:
        messages.error(request, "Say what is wrong, so the merchant knows what to fix; nothing was reported.")
        return redirect("dashboard:production_job", order_id=order_id)
    try:
        progress.fail(request.partner_scope, order_id, message, _actor(request))
    except NotFound:
        raise
    except PlatenError as exc:
        messages.error(request, _sentences(exc))
    else:
        messages.success(request, "The problem was reported: the order failed and the merchant sees your words on it.")
    return redirect("dashboard:production_job", order_id=order_id)


@require_POST
@partner_view
def production_pack(request, order_id):
    scanned = [line.strip() for line in request.POST.get("scanned", "").splitlines() if line.strip()]
    ticked = request.POST.getlist("items")
    try:
        progress.pack(request.partner_scope, order_id, scanned + ticked, _actor(request))
    except NotFound:
        raise
    except PlatenError as exc:
        # Shown on the packing card itself, with what was scanned kept, so the packer fixes it and tries again.
        return _job_page(request, order_id, status=400, pack_error=exc.message, pack_details=_details(exc),
                         scanned_text=request.POST.get("scanned", ""), ticked=set(ticked))
    messages.success(request, "Every item matched the order: the parcel is packed.")
    return redirect("dashboard:production_job", order_id=order_id)


class ShipForm(forms.Form):
    carrier = forms.ChoiceField(label="Carrier")
    service = forms.CharField(label="Service", max_length=100, required=False)
    tracking_code = forms.CharField(label="Tracking code", max_length=100, error_messages={
        "required": "Enter the carrier's tracking code (printed under its barcode)."})

    def __init__(self, *args, job, **kwargs):
        chosen = job.carrier_service
        initial = {"carrier": chosen.carrier.code if chosen else "", "service": chosen.name if chosen else ""}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["carrier"].choices = shipping.carrier_choices()
        self.fields["tracking_code"].widget.attrs.update(autocomplete="off", spellcheck="false", autocapitalize="characters")


@require_POST
@partner_view
def production_ship(request, order_id):
    job = jobs.get_job(request.partner_scope, order_id)
    form = ShipForm(request.POST, job=job)
    if not form.is_valid():
        return _job_page(request, order_id, status=400, ship_form=form)
    data = form.cleaned_data
    try:
        progress.ship(request.partner_scope, order_id, _actor(request), tracking_code=data["tracking_code"],
                      carrier_code=data["carrier"], service_name=data["service"].strip())
    except NotFound:
        raise
    except PlatenError as exc:
        return _job_page(request, order_id, status=400, ship_form=form, ship_error=_sentences(exc))
    messages.success(request, f"Shipped with tracking code {data['tracking_code'].strip()}.")
    return redirect("dashboard:production_job", order_id=order_id)


@partner_view
def production_slip(request, order_id):
    job = jobs.get_job(request.partner_scope, order_id)
    pdf = documents.packing_slip(job, worksheet.lines(job))
    return _pdf(pdf, f"packing-slip-{job.order.order_reference_id}.pdf")


@partner_view
def production_label(request, order_id):
    job = jobs.get_job(request.partner_scope, order_id)
    pdf = documents.shipping_label(job, documents.latest_package(job.order))
    return _pdf(pdf, f"shipping-label-{job.order.order_reference_id}.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, filename)  # opens in the browser, to print
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _rows(listed) -> list[dict]:
    rows = []
    for job in listed:
        items = list(job.order.items.all())
        names = worksheet.product_names(items)
        today = local_now(job.facility).date()
        late = (today - job.due_date).days if queue.bucket_of(job, today) == queue.Bucket.LATE else 0
        rows.append({"job": job, "order": job.order, "items": len(items), "pieces": sum(i.quantity for i in items),
                     "product": names[0] if names else "", "more_products": max(len(names) - 1, 0), "days_late": late})
    return rows


def _details(exc: PlatenError) -> list[tuple[str, str]]:
    return [(d.field, d.message) for d in exc.details]


def _sentences(exc: PlatenError) -> str:
    return " ".join([exc.message, *(d.message for d in exc.details)])


def _actor(request) -> Actor:
    """Who the history names: the partner for a partner login (as for its API key), the operator otherwise."""
    partner = request.partner_scope
    return Actor.user(request.user) if partner is None else Actor.partner(partner)
