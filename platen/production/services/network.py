"""Operators manage the production network: partners, their facilities and the facilities' stock.

Every change that can let a held order be routed (a facility created or changed, stock added, a partner
activated) enqueues production.reroute-held in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import Prefetch

from platen.accounts.services import as_uuid
from platen.catalog.models import ProductKind
from platen.catalog.services import product_names
from platen.kit.errors import Conflict, Detail, InvalidRequest, NotFound
from platen.production import materials, tasks, validation
from platen.production.models import DailyLoad, Facility, Material, Partner
from platen.production.shipping import local_now

LOW_STOCK = 50  # units; below this a material is shown as running low
FACILITY_FIELDS = ("code", "name", "country", "city", "latitude", "longitude", "time_zone", "cutoff",
                   "daily_capacity", "makes", "ships_to", "cost_index", "production_days", "active")


# ---- partners ------------------------------------------------------------------------------------------


def create_partner(name: str, email: str = "", active: bool = True) -> Partner:
    """The one way a partner is made (the CLI and the network pages): InvalidRequest (no name, too long, a bad
    e-mail address) or Conflict (the name is taken, in any letter case), changing nothing."""
    partner = Partner(**_partner_fields(name, email, active))
    _check_name_free(partner)
    try:
        with transaction.atomic():
            partner.save()
    except IntegrityError:  # the same name, taken between the check and the insert
        _name_taken(partner)
    return partner


def update_partner(partner_id, name: str, email: str = "", active: bool = True) -> Partner:
    with transaction.atomic():
        partner = Partner.objects.select_for_update().filter(pk=partner_id).first()
        if partner is None:
            raise NotFound("No such partner.", code="partner_not_found")
        was_active = partner.active
        for field, value in _partner_fields(name, email, active).items():
            setattr(partner, field, value)
        _check_name_free(partner)
        partner.save(update_fields=["name", "email", "active"])
        if partner.active and not was_active:
            tasks.enqueue_reroute_held()
        return partner


def _partner_fields(name: str, email: str, active: bool) -> dict:
    from platen.accounts import validation as account_validation

    cleaned = _collect(
        name=lambda: validation.name(name),
        email=lambda: account_validation.clean_email(email, field="email") if (email or "").strip() else "",
    )
    return {**cleaned, "active": bool(active)}


def _check_name_free(partner: Partner) -> None:
    if Partner.objects.filter(name__iexact=partner.name).exclude(pk=partner.pk).exists():
        _name_taken(partner)


def _name_taken(partner: Partner) -> None:
    message = f"A partner named {partner.name} already exists; choose another name."
    raise Conflict(message, details=[Detail("name", message)], code="partner_name_taken")


# ---- facilities ----------------------------------------------------------------------------------------


def create_facility(partner_id, form: Mapping) -> Facility:
    """`form` holds the fields as people type them (strings; makes and ships_to may be lists)."""
    with transaction.atomic():
        partner = Partner.objects.filter(pk=partner_id).first()
        if partner is None:
            raise NotFound("No such partner.", code="partner_not_found")
        facility = Facility(partner=partner, **clean_facility(form))
        _save_facility(facility)
        return facility


def update_facility(facility_id, form: Mapping) -> Facility:
    with transaction.atomic():
        facility = Facility.objects.select_for_update().filter(pk=facility_id).first()
        if facility is None:
            raise NotFound("No such facility.", code="facility_not_found")
        for field, value in clean_facility(form).items():
            setattr(facility, field, value)
        _save_facility(facility)
        return facility


def _save_facility(facility: Facility) -> None:
    if Facility.objects.filter(code=facility.code).exclude(pk=facility.pk).exists():
        message = f"Another facility already has the code {facility.code}; choose another."
        raise Conflict(message, details=[Detail("code", message)])
    try:
        with transaction.atomic():
            facility.save()
    except IntegrityError as exc:  # the same code saved at the same moment
        raise Conflict(f"Another facility already has the code {facility.code}; choose another.") from exc
    tasks.enqueue_reroute_held()


def clean_facility(form: Mapping) -> dict:
    """Every field checked at once: InvalidRequest lists each problem with its field."""
    makes = _many(form, "makes")
    return _collect(
        code=lambda: validation.facility_code(form.get("code", "")),
        name=lambda: validation.name(form.get("name", ""), what="the facility's"),
        country=lambda: validation.country(form.get("country", "")),
        city=lambda: (form.get("city") or "").strip()[:100],
        latitude=lambda: validation.decimal(form.get("latitude", ""), "latitude", "the latitude",
                                            low=Decimal(-90), high=Decimal(90)).quantize(Decimal("0.00001")),
        longitude=lambda: validation.decimal(form.get("longitude", ""), "longitude", "the longitude",
                                             low=Decimal(-180), high=Decimal(180)).quantize(Decimal("0.00001")),
        time_zone=lambda: validation.time_zone(form.get("time_zone", "")),
        cutoff=lambda: validation.cutoff(form.get("cutoff", "")),
        daily_capacity=lambda: validation.capacity(form.get("daily_capacity", "")),
        makes=lambda: validation.makes(makes) if makes else validation.fail(
            "makes", "Choose at least one kind of product the facility makes."),
        ships_to=lambda: validation.countries(_many(form, "ships_to")),
        cost_index=lambda: validation.decimal(form.get("cost_index", "1"), "cost_index", "the cost index",
                                              high=Decimal("999.99")).quantize(Decimal("0.01")),
        production_days=lambda: validation.whole(form.get("production_days", "1"), "production_days",
                                                 "the production days", low=1, high=30),
        active=lambda: _flag(form.get("active", True)),
    )


def _many(form: Mapping, key: str) -> list[str]:
    """A list from a multi-valued form field (QueryDict) or a text of values split at commas and spaces."""
    if hasattr(form, "getlist"):
        values = form.getlist(key)
    else:
        values = form.get(key) or []
        values = values if isinstance(values, list) else [values]
    split = []
    for value in values:
        split.extend(v for v in str(value).replace(",", " ").split() if v)
    return split


def _flag(value) -> bool:
    return value is True or str(value).lower() in ("on", "true", "1", "yes")


def _collect(**checks: Callable) -> dict:
    """Run each check; raise one InvalidRequest with every problem, or return the cleaned values."""
    cleaned, details = {}, []
    for field, check in checks.items():
        try:
            cleaned[field] = check()
        except InvalidRequest as exc:
            details.extend(exc.details or [Detail(field, exc.message)])
    if details:
        message = details[0].message if len(details) == 1 else "Some fields need a change; see the notes below them."
        raise InvalidRequest(message, details)
    return cleaned


# ---- stock ---------------------------------------------------------------------------------------------


def add_stock(facility_id, code: str, quantity) -> Material:
    """Add `quantity` units (negative to correct a count; the stock never goes below 0)."""
    cleaned = _collect(code=lambda: validation.material_code(code),
                       quantity=lambda: validation.whole(quantity, "quantity", "the quantity to add",
                                                         low=-1_000_000, high=1_000_000))
    with transaction.atomic():
        facility = Facility.objects.filter(pk=facility_id).first()
        if facility is None:
            raise NotFound("No such facility.", code="facility_not_found")
        material, _ = Material.objects.select_for_update().get_or_create(
            facility=facility, code=cleaned["code"], defaults={"name": materials.describe(cleaned["code"])})
        if material.quantity + cleaned["quantity"] < 0:
            message = (f"{facility.name} has {material.quantity} of {cleaned['code']}; "
                       f"it cannot take away {-cleaned['quantity']}.")
            raise InvalidRequest(message, [Detail("quantity", message)])
        material.quantity += cleaned["quantity"]
        material.save(update_fields=["quantity"])
        if cleaned["quantity"] > 0:
            tasks.enqueue_reroute_held()
        return material


# ---- the operators' view -------------------------------------------------------------------------------


@dataclass(frozen=True)
class FacilityView:
    facility: Facility
    used_today: int
    today: date
    materials: list[Material]

    @property
    def capacity_left(self) -> int:
        return max(self.facility.daily_capacity - self.used_today, 0)

    @property
    def full(self) -> bool:
        return self.used_today >= self.facility.daily_capacity

    @property
    def low_materials(self) -> list[Material]:
        return [m for m in self.materials if m.quantity < LOW_STOCK]

    @property
    def makes_labels(self) -> list[str]:
        """Kinds by their name, single products by the catalog's name for them."""
        kinds = dict(ProductKind.choices)
        names = product_names([v for v in self.facility.makes if v not in kinds])
        return [kinds.get(v) or names.get(v, v) for v in self.facility.makes]


def facility_view(facility: Facility, loads: dict | None = None) -> FacilityView:
    today = local_now(facility).date()
    if loads is None:
        used = DailyLoad.objects.filter(facility=facility, day=today).values_list("jobs", flat=True).first() or 0
    else:
        used = loads.get((facility.pk, today), 0)
    stock = list(facility.materials.all())
    for material in stock:
        material.low = material.quantity < LOW_STOCK
        material.label = material.name or materials.describe(material.code)
    return FacilityView(facility, used, today, stock)


def network() -> list[tuple[Partner, list[FacilityView]]]:
    """Every partner with its facilities, today's load and stock (a handful of queries for the whole page)."""
    partners = list(Partner.objects.prefetch_related(
        Prefetch("facilities", queryset=Facility.objects.prefetch_related("materials").order_by("code"))))
    facilities = [f for p in partners for f in p.facilities.all()]
    days = {local_now(f).date() for f in facilities}
    loads = {(row.facility_id, row.day): row.jobs
             for row in DailyLoad.objects.filter(facility__in=facilities, day__in=days)} if facilities else {}
    return [(p, [facility_view(f, loads) for f in p.facilities.all()]) for p in partners]


def get_partner(partner_id) -> Partner:
    partner = Partner.objects.filter(pk=partner_id).first()
    if partner is None:
        raise NotFound("No such partner.", code="partner_not_found")
    return partner


def find_partner(id_or_name: str) -> Partner:
    """By id, or by name (any letter case), as people name a partner on the command line."""
    uid = as_uuid(id_or_name)
    partner = Partner.objects.filter(pk=uid).first() if uid else None
    partner = partner or Partner.objects.filter(name__iexact=" ".join((id_or_name or "").split())).first()
    if partner is None:
        raise NotFound(f"No partner has the id or name {id_or_name}.", code="partner_not_found")
    return partner


def get_facility(facility_id) -> Facility:
    facility = Facility.objects.select_related("partner").filter(pk=facility_id).first()
    if facility is None:
        raise NotFound("No such facility.", code="facility_not_found")
    return facility
