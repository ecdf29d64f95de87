"""Partners, facilities, carriers and jobs for tests of the partner pages, without the routing code: an order
reaches `created` through the real pipeline (the API and its checks), then a job is made for it here as routing
would make it."""

from __future__ import annotations

import itertools
from datetime import date, time

from platen.accounts import services as accounts
from platen.orders.models import Order
from platen.production import materials
from platen.production.models import Carrier, CarrierService, Facility, Material, Partner, ProductionJob
from platen.production.shipping import local_now

_codes = itertools.count(1)


def make_partner(name: str) -> Partner:
    return Partner.objects.create(name=name, email=f"production@{name.lower().replace(' ', '-')}.test")


def make_facility(partner: Partner, *, name: str | None = None, country: str = "DE", city: str = "Berlin",
                  time_zone: str = "Europe/Berlin") -> Facility:
    """A facility that makes posters and ships everywhere, with poster stock as routing counts it (so an order
    made after it can be routed here rather than held)."""
    n = next(_codes)
    facility = Facility.objects.create(
        partner=partner, code=f"{country.lower()}-test-{n}", name=name or f"{partner.name} {city} {n}", country=country,
        city=city, latitude="52.52000", longitude="13.40500", time_zone=time_zone, cutoff=time(23, 59, 59),
        daily_capacity=500, makes=["poster"], ships_to=["*"],
    )
    Material.objects.bulk_create([Material(facility=facility, code=code, quantity=1000) for code in _materials("poster")])
    return facility


def _materials(kind: str) -> list[str]:
    """The material code routing looks for, for a kind without sizes."""
    return [materials.material_for("", kind)]


def make_carrier_service(code: str = "testpost", name: str = "Testpost", service: str = "Paket") -> CarrierService:
    """A carrier of the tests' own (a demo network's real carriers may be loaded too) and one service of it."""
    carrier, _ = Carrier.objects.get_or_create(code=code, defaults={
        "name": name, "tracking_url_template": f"https://track.example.test/{code}?code={{code}}"})
    service_row, _ = CarrierService.objects.get_or_create(carrier=carrier, name=service, shipment_method_uid="normal",
                                                          defaults={"from_countries": ["*"], "to_countries": ["*"],
                                                                    "min_days": 2, "max_days": 4})
    return service_row


def make_job(order: Order, facility: Facility, *, due: date | None = None,
             carrier_service: CarrierService | None = None) -> ProductionJob:
    """The job routing would write for an order that reached `created` (due today at the facility by default).
    Where routing already made one, it is moved to `facility` with these values, so tests read the same either way."""
    order.refresh_from_db()
    values = {"facility": facility, "partner": facility.partner, "due_date": due or local_now(facility).date(),
              "carrier_service": carrier_service}
    routed = ProductionJob.objects.filter(order=order).first()
    if routed is not None:
        ProductionJob.objects.filter(pk=routed.pk).update(**values)
        routed.refresh_from_db()
        return routed
    assert order.fulfillment_status == "created", (
        f"{order} is {order.fulfillment_status}, not created (held by routing? give a facility stock for it)")
    return ProductionJob.objects.create(
        order=order, decision={"winner": {"facility": facility.code}, "runnersUp": [], "rule": "test"}, **values)


def partner_login(partner: Partner, username: str, password: str):
    """A dashboard login of a print partner: no account, not staff."""
    user = accounts.create_user(None, username, password)
    user.partner = partner
    user.save(update_fields=["partner"])
    return user
