"""Operators: the production network (print partners, their facilities, capacity today and stock)."""

from __future__ import annotations

import functools
import zoneinfo
from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from platen.catalog.models import ProductKind
from platen.dashboard.access import dashboard_view
from platen.dashboard.views.accounts import _operators_only
from platen.kit.errors import NotFound, PlatenError
from platen.production import materials
from platen.production.services import network

# The facility form's text fields: name, label, help, and input attributes.
FIELDS = (
    ("name", "Name", "", {"maxlength": 200}),
    ("code", "Code", "A short stable name, such as de-berlin-1.", {"maxlength": 40}),
    ("country", "Country", "Two letters, such as DE or US.", {"maxlength": 2}),
    ("city", "City", "", {"maxlength": 100, "required": False}),
    ("latitude", "Latitude", "Degrees, −90 to 90 (for the distance to customers).", {"inputmode": "decimal"}),
    ("longitude", "Longitude", "Degrees, −180 to 180.", {"inputmode": "decimal"}),
    ("time_zone", "Time zone", "An IANA name, such as Europe/Berlin.", {"list": "time-zones"}),
    ("cutoff", "Cut-off", "Local time after which new orders are due the next day.", {"inputmode": "numeric", "placeholder": "14:00"}),
    ("daily_capacity", "Daily capacity", "Orders a day.", {"type": "number"}),
    ("production_days", "Production days", "Working days from routing to the carrier.", {"type": "number"}),
    ("cost_index", "Cost index", "Relative cost; 1 is the network's usual.", {"inputmode": "decimal"}),
    ("ships_to", "Ships to", "Country codes separated by commas, or * for everywhere.", {}),
)
FACILITY_DEFAULTS = {"time_zone": "UTC", "cutoff": "14:00", "daily_capacity": "100", "ships_to": "*",
                     "cost_index": "1.00", "production_days": "1", "active": True, "makes": []}


@dashboard_view
def network_list(request):
    _operators_only(request)
    return render(request, "dashboard/network/list.html", {"partners": network.network(), "low_stock": network.LOW_STOCK})


@dashboard_view
def partner_create(request):
    _operators_only(request)
    form = {"name": "", "email": "", "active": True, "errors": {}, "message": ""}
    if request.method == "POST":
        form.update(_partner_post(request))
        partner = _saved(request, form, lambda: network.create_partner(form["name"], form["email"], form["active"]),
                         "The partner {} was created; add its first facility.")
        if partner is not None:
            return redirect("dashboard:network_facility_create", partner_id=partner.pk)
    return render(request, "dashboard/network/partner_form.html", {"form": form})


@dashboard_view
def partner_edit(request, partner_id):
    _operators_only(request)
    partner = network.get_partner(partner_id)
    form = {"name": partner.name, "email": partner.email, "active": partner.active, "errors": {}, "message": ""}
    if request.method == "POST":
        form.update(_partner_post(request))
        if _saved(request, form, lambda: network.update_partner(partner.pk, form["name"], form["email"], form["active"]),
                  "The partner {} was saved."):
            return redirect("dashboard:network")
    return render(request, "dashboard/network/partner_form.html", {
        "partner": partner, "form": form, "facilities": partner.facilities.order_by("code"),
    })


def _partner_post(request) -> dict:
    return {"name": request.POST.get("name", ""), "email": request.POST.get("email", ""),
            "active": request.POST.get("active") == "on"}


@dashboard_view
def facility_create(request, partner_id):
    _operators_only(request)
    partner = network.get_partner(partner_id)
    form = {**FACILITY_DEFAULTS, "errors": {}, "message": ""}
    if request.method == "POST":
        form.update(_facility_post(request))
        facility = _saved(request, form, lambda: network.create_facility(partner.pk, form),
                          "The facility {} was created; add the materials it has in stock.")
        if facility is not None:
            return redirect("dashboard:network_facility", facility_id=facility.pk)
    return _facility_page(request, partner, None, form)


@dashboard_view
def facility_edit(request, facility_id):
    _operators_only(request)
    facility = network.get_facility(facility_id)
    form = {**_facility_values(facility), "errors": {}, "message": ""}
    if request.method == "POST":
        form.update(_facility_post(request))
        if _saved(request, form, lambda: network.update_facility(facility.pk, form), "The facility {} was saved."):
            return redirect("dashboard:network")
    return _facility_page(request, facility.partner, facility, form)


@require_POST
@dashboard_view
def stock_add(request, facility_id):
    _operators_only(request)
    facility = network.get_facility(facility_id)
    stock = {"code": request.POST.get("code", "").strip(), "quantity": request.POST.get("quantity", "").strip(),
             "errors": {}, "message": ""}
    try:
        material = network.add_stock(facility.pk, stock["code"], stock["quantity"])
    except NotFound:
        raise
    except PlatenError as exc:
        _errors(stock, exc)
        form = {**_facility_values(facility), "errors": {}, "message": ""}
        return _facility_page(request, facility.partner, facility, form, stock=stock, status=400)
    messages.success(request, f"{facility.name} now has {material.quantity} of {material.code}.")
    return redirect("dashboard:network_facility", facility_id=facility.pk)


def _facility_page(request, partner, facility, form, *, stock=None, status=200):
    kinds = [(value, label, value in form.get("makes", [])) for value, label in ProductKind.choices]
    products = [v for v in form.get("makes", []) if v not in ProductKind.values]
    fields = [{"name": name, "label": label, "help": help, "value": form.get(name, ""), "error": form["errors"].get(name, ""),
               "type": "text", "required": True, **attrs} for name, label, help, attrs in FIELDS]
    return render(request, "dashboard/network/facility_form.html", {
        "partner": partner, "facility": facility, "form": form, "fields": fields, "time_zones": _time_zones(),
        "kinds": kinds, "products": " ".join(products),
        "view": network.facility_view(facility) if facility else None,
        "stock": stock or {"code": "", "quantity": "", "errors": {}, "message": ""},
        "material_codes": materials.all_codes(), "low_stock": network.LOW_STOCK,
    }, status=status)


@functools.cache
def _time_zones() -> list[str]:
    return sorted(z for z in zoneinfo.available_timezones() if "/" in z and not z.startswith(("Etc/", "SystemV/")))


def _facility_values(facility) -> dict:
    return {
        "code": facility.code, "name": facility.name, "country": facility.country, "city": facility.city,
        "latitude": facility.latitude, "longitude": facility.longitude, "time_zone": facility.time_zone,
        "cutoff": facility.cutoff.strftime("%H:%M"), "daily_capacity": facility.daily_capacity,
        "makes": list(facility.makes), "ships_to": ", ".join(facility.ships_to), "cost_index": facility.cost_index,
        "production_days": facility.production_days, "active": facility.active,
    }


def _facility_post(request) -> dict:
    values = {key: request.POST.get(key, "") for key in network.FACILITY_FIELDS if key not in ("makes", "active")}
    values["makes"] = request.POST.getlist("makes") + request.POST.get("makes_products", "").replace(",", " ").split()
    values["active"] = request.POST.get("active") == "on"
    return values


def _saved(request, form: dict, save: Callable, said: str):
    """What `save()` made or changed, with `said` (its name at {}) shown on the next page; None when it was
    refused: each problem is then under its field of `form` (a missing row stays a 404)."""
    try:
        saved = save()
    except NotFound:
        raise
    except PlatenError as exc:
        _errors(form, exc)
        return None
    messages.success(request, said.format(saved.name))
    return saved


def _errors(form: dict, exc: PlatenError) -> None:
    """Each problem under its field; the banner above says only that (or what belongs to no field)."""
    errors = {d.field: d.message for d in exc.details}
    if not errors:
        message = exc.message
    elif len(errors) == 1:
        message = "One field needs a change; see the note below it."
    else:
        message = f"{len(errors)} fields need a change; see the notes below them."
    form.update(message=message, errors=errors)
