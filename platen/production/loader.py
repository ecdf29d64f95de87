"""Load the production network from a YAML file (default: data/network.yaml shipped with Platen), idempotently.

What the file lists wins: partners are upserted by name, facilities by code, materials by (facility, code) with
the file's quantity, carriers by code, carrier services by (carrier, name, shipment method). Rows the file does
not name (a facility added in the dashboard, a material bought since) are kept. Everything happens in one
transaction; held orders are routed again afterwards when anything changed (reroute=True).
"""

from __future__ import annotations

from collections import Counter
from datetime import time
from pathlib import Path

from django.db import transaction

from platen.kit import yamlfile
from platen.kit.errors import InvalidRequest
from platen.production import models as m
from platen.production import validation

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "network.yaml"
SECTIONS = {"partners", "carriers"}  # plus any "x-..." section, free for YAML anchors
PARTNER_KEYS = {"name", "email", "active", "facilities"}
FACILITY_KEYS = {
    "code", "name", "country", "city", "latitude", "longitude", "time_zone", "cutoff", "daily_capacity", "makes",
    "ships_to", "cost_index", "production_days", "materials", "active",
}
CARRIER_KEYS = {"code", "name", "tracking_url_template", "poll_client", "api_base_url", "services"}
SERVICE_KEYS = {"name", "methods", "from", "to", "days"}


def load_network(path: str | Path | None = None, *, reroute: bool = True) -> str:
    """Apply the file to the database and return a one-line summary."""
    source = Path(path) if path else DEFAULT_PATH
    data = yamlfile.read_sections(source, "network", SECTIONS, DEFAULT_PATH.name)
    counts: Counter = Counter()
    with transaction.atomic():
        _partners(data, counts)
        _carriers(data, counts)
        changed = any(counts[f"{what} {outcome}"] for what in ("facility", "material", "partner")
                      for outcome in ("created", "updated"))
        if reroute and changed:
            from platen.production import tasks

            tasks.enqueue_reroute_held()
    return (
        f"network loaded from {source.name}: {counts['partner']} partners ({counts['partner created']} new, "
        f"{counts['partner updated']} changed), {counts['facility']} facilities ({counts['facility created']} new, "
        f"{counts['facility updated']} changed), {counts['material']} materials ({counts['material created']} new, "
        f"{counts['material updated']} changed), {counts['carrier']} carriers, {counts['service']} carrier services "
        f"({counts['service created']} new, {counts['service updated']} changed)"
    )


def _partners(data: dict, counts: Counter) -> None:
    partners = {p.name: p for p in m.Partner.objects.all()}
    facilities = {f.code: f for f in m.Facility.objects.all()}
    materials = {(x.facility_id, x.code): x for x in m.Material.objects.all()}
    seen: set[str] = set()
    for entry in yamlfile.mappings(data, "partners", "the network file"):
        where = f"partner {entry.get('name')!r}"
        _keys(entry, PARTNER_KEYS, where)
        if not entry.get("name"):
            raise InvalidRequest("A partner in the network file has no name; give each partner a name.")
        partner = partners.get(entry["name"]) or m.Partner(name=entry["name"])
        _count(counts, "partner", yamlfile.save(partner, where, email=entry.get("email", ""),
                                         active=bool(entry.get("active", True))))
        partners[partner.name] = partner
        for fentry in yamlfile.mappings(entry, "facilities", where):
            code = fentry.get("code")
            fwhere = f"facility {code}"
            _keys(fentry, FACILITY_KEYS, fwhere)
            if not code:
                raise InvalidRequest(f"{where}: a facility has no code; give each facility a short code such as de-berlin-1.")
            if code in seen:
                raise InvalidRequest(f"{fwhere} is listed twice; facility codes must be unique.")
            seen.add(code)
            facility = facilities.get(code) or m.Facility(code=code)
            fields = _facility_fields(fentry, fwhere)
            _count(counts, "facility", yamlfile.save(facility, fwhere, partner=partner, **fields))
            facilities[code] = facility
            stock = fentry.get("materials") or {}
            if not isinstance(stock, dict):
                raise InvalidRequest(f"{fwhere}: 'materials' must map material codes to quantities, e.g. {{canvas: 100}}.")
            for material_code, quantity in stock.items():
                mwhere = f"{fwhere} material {material_code}"
                if not isinstance(quantity, int) or isinstance(quantity, bool) or quantity < 0:
                    raise InvalidRequest(f"{mwhere}: {quantity!r} is not a quantity; write a whole number of 0 or more.")
                try:
                    material_code = validation.material_code(str(material_code), field="materials")
                except InvalidRequest as exc:
                    raise InvalidRequest(f"{fwhere}: {exc.message}", exc.details) from exc
                material = materials.get((facility.pk, material_code)) or m.Material(facility=facility, code=material_code)
                _count(counts, "material", yamlfile.save(material, mwhere, quantity=quantity))


def _facility_fields(entry: dict, where: str) -> dict:
    try:
        return {
            "name": entry.get("name") or entry["code"],
            "country": validation.country(str(entry.get("country", ""))),
            "city": entry.get("city", ""),
            "latitude": yamlfile.decimal(entry.get("latitude"), where),
            "longitude": yamlfile.decimal(entry.get("longitude"), where),
            "time_zone": validation.time_zone(str(entry.get("time_zone", ""))),
            "cutoff": _cutoff(entry.get("cutoff"), where),
            "daily_capacity": validation.capacity(entry.get("daily_capacity")),
            "makes": validation.makes(entry.get("makes") or []),
            "ships_to": validation.countries(entry.get("ships_to") or [], field="ships_to"),
            "cost_index": yamlfile.decimal(entry.get("cost_index", 1), where),
            "production_days": entry.get("production_days", 1),
            "active": bool(entry.get("active", True)),
        }
    except InvalidRequest as exc:
        raise InvalidRequest(f"{where}: {exc.message}", exc.details) from exc


def _cutoff(value, where: str) -> time:
    if isinstance(value, int) and not isinstance(value, bool):
        # YAML 1.1 reads an unquoted 14:00 as the base-60 number 840: minutes after midnight.
        value = f"{value // 60:02d}:{value % 60:02d}"
    return validation.cutoff(str(value or ""))


def _carriers(data: dict, counts: Counter) -> None:
    carriers = {c.code: c for c in m.Carrier.objects.all()}
    services = {(s.carrier_id, s.name, s.shipment_method_uid): s for s in m.CarrierService.objects.all()}
    methods = _method_uids()
    listed: set[tuple] = set()
    for entry in yamlfile.mappings(data, "carriers", "the network file"):
        where = f"carrier {entry.get('code')}"
        _keys(entry, CARRIER_KEYS, where)
        template = entry.get("tracking_url_template", "")
        if "{code}" not in template:
            raise InvalidRequest(f"{where}: the tracking URL template needs {{code}} where the tracking code goes.")
        carrier = carriers.get(entry.get("code")) or m.Carrier(code=entry.get("code"))
        yamlfile.save(carrier, where, name=entry.get("name") or entry.get("code"), tracking_url_template=template,
              poll_client=entry.get("poll_client", ""), api_base_url=entry.get("api_base_url", ""))
        carriers[carrier.code] = carrier
        counts["carrier"] += 1
        for sentry in yamlfile.mappings(entry, "services", where):
            swhere = f"{where} service {sentry.get('name')}"
            _keys(sentry, SERVICE_KEYS, swhere)
            days = sentry.get("days")
            if not (isinstance(days, list) and len(days) == 2 and all(isinstance(d, int) for d in days) and 0 <= days[0] <= days[1]):
                raise InvalidRequest(f"{swhere}: 'days' must be [min, max] whole days, the smaller first, e.g. [2, 5].")
            uids = sentry.get("methods") or []
            if not isinstance(uids, list) or not uids:
                raise InvalidRequest(f"{swhere}: list the shipment methods it serves under 'methods', e.g. [tracked_post].")
            for uid in uids:
                if methods and uid not in methods:
                    raise InvalidRequest(f"{swhere}: the catalog has no shipment method {uid!r}; use one of {sorted(methods)}.")
                if (carrier.code, sentry.get("name"), uid) in listed:
                    raise InvalidRequest(f"{swhere} serves {uid} twice; give each service of a carrier its own name.")
                listed.add((carrier.code, sentry.get("name"), uid))
                service = services.get((carrier.pk, sentry.get("name"), uid)) or m.CarrierService(
                    carrier=carrier, name=sentry.get("name"), shipment_method_uid=uid)
                _count(counts, "service", yamlfile.save(
                    service, f"{swhere} ({uid})",
                    from_countries=validation.countries(sentry.get("from") or [], field="from"),
                    to_countries=validation.countries(sentry.get("to") or [], field="to"),
                    min_days=days[0], max_days=days[1]))
                services[(carrier.pk, service.name, uid)] = service


def _method_uids() -> set[str]:
    from platen.catalog.models import ShipmentMethod

    return set(ShipmentMethod.objects.values_list("uid", flat=True))


def _count(counts: Counter, what: str, outcome: str) -> None:
    counts[what] += 1
    counts[f"{what} {outcome}"] += 1


def _keys(entry: dict, allowed: set[str], where: str) -> None:
    unknown = set(entry) - allowed
    if unknown:
        raise InvalidRequest(f"{where}: unknown keys {sorted(unknown)}; use only {sorted(allowed)}.")
