"""Small factories for the production network in tests: a partner, a facility with its stock, carrier services."""

from __future__ import annotations

import itertools
from datetime import time

from platen.production import materials
from platen.production.models import (
    Carrier,
    CarrierService,
    Facility,
    Material,
    Partner,
)

_n = itertools.count(1)

# (latitude, longitude, time zone) of a few cities facilities stand in.
PLACES = {
    "DE": (52.52, 13.40, "Europe/Berlin"), "GB": (53.80, -1.55, "Europe/London"), "NL": (52.37, 4.90, "Europe/Amsterdam"),
    "US": (39.53, -119.81, "America/Los_Angeles"), "AU": (-33.87, 151.21, "Australia/Sydney"),
    "JP": (35.68, 139.69, "Asia/Tokyo"), "FR": (48.86, 2.35, "Europe/Paris"), "PL": (52.23, 21.01, "Europe/Warsaw"),
}


def partner(name: str | None = None, **fields) -> Partner:
    return Partner.objects.create(name=name or f"Partner {next(_n)}", **fields)


def facility(country: str = "DE", *, makes=("poster",), stock: dict | None = None, ships_to=("*",),
             capacity: int = 100, cutoff: time = time(23, 59, 59), owner: Partner | None = None, code: str | None = None,
             cost_index="1.00", production_days: int = 1, **fields) -> Facility:
    """A facility in `country` that makes `makes` (kinds or product uids), with `stock` (material code -> units;
    default: 100 of each kind's material) and ships to `ships_to`."""
    lat, lon, zone = PLACES.get(country, (0.0, 0.0, "UTC"))
    n = next(_n)
    made = Facility.objects.create(
        partner=owner or partner(), code=code or f"{country.lower()}-{n}", name=fields.pop("name", f"Print house {n}"),
        country=country, latitude=fields.pop("latitude", lat), longitude=fields.pop("longitude", lon),
        time_zone=fields.pop("time_zone", zone), cutoff=cutoff, daily_capacity=capacity, makes=list(makes),
        ships_to=list(ships_to), cost_index=cost_index, production_days=production_days, **fields)
    if stock is None:  # 100 of every material (every size) of the kinds it makes
        bases = {materials.BY_KIND[kind] for kind in makes if kind in materials.BY_KIND}
        stock = {code: 100 for code in materials.all_codes() if code in bases or code.rpartition("-")[0] in bases}
    Material.objects.bulk_create([Material(facility=made, code=code_, quantity=q) for code_, q in stock.items()])
    return made


def carrier_service(method_uid: str = "tracked_post", *, carrier: str = "dhl", name: str = "Paket", from_countries=("*",),
                    to_countries=("*",), min_days: int = 2, max_days: int = 4) -> CarrierService:
    made, _ = Carrier.objects.get_or_create(code=carrier, defaults={
        "name": carrier.upper(), "tracking_url_template": f"https://track.example/{carrier}/{{code}}"})
    return CarrierService.objects.create(carrier=made, name=name, shipment_method_uid=method_uid,
                                         from_countries=list(from_countries), to_countries=list(to_countries),
                                         min_days=min_days, max_days=max_days)
