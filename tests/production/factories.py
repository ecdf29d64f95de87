"""The production network and its work in tests, made one way.

- `partner`, `facility` (with stock as routing counts it), `carrier`, `carrier_service`, `login` (a partner's
  dashboard login), `as_partner` (the partner as the history's actor).
- `created_order`: an order made through the API and the real pipeline (files fetched, stored and checked) up
  to `created`. Routing then makes its job: on the demo network a fresh database loads, or on the facilities
  a test made (tests of routing's own choices start `without_demo_network`).
- `job_for`: that job; `move_job`: the job put at a given facility, as if routing had chosen it (made there if
  routing held the order), so tests of the partner's side read the same whatever routing chose.
- `ship`: the order shipped through the partner's own step; `source`, `fixture`: for the tracking tests.
"""

from __future__ import annotations

import itertools
from datetime import date, time
from pathlib import Path

from platen.accounts import services as accounts
from platen.kit.actors import Actor
from platen.orders.models import Order, Package
from platen.production import materials
from platen.production.models import (
    Carrier,
    CarrierService,
    Facility,
    Material,
    Partner,
    ProductionJob,
    TrackingSource,
)
from platen.production.services import progress, tracking
from platen.production.shipping import local_now
from tests.orders import factories as orders

FIXTURES = Path("/work/shared/fixtures/tracking")  # read as they are, never copied or edited
_n = itertools.count(1)

# (latitude, longitude, time zone) of a few cities facilities stand in.
PLACES = {
    "DE": (52.52, 13.40, "Europe/Berlin"), "GB": (53.80, -1.55, "Europe/London"), "NL": (52.37, 4.90, "Europe/Amsterdam"),
    "US": (39.53, -119.81, "America/Los_Angeles"), "AU": (-33.87, 151.21, "Australia/Sydney"),
    "JP": (35.68, 139.69, "Asia/Tokyo"), "FR": (48.86, 2.35, "Europe/Paris"), "PL": (52.23, 21.01, "Europe/Warsaw"),
}


# ---- the network ---------------------------------------------------------------------------------------


def partner(name: str | None = None, **fields) -> Partner:
    name = name or f"Partner {next(_n)}"
    fields.setdefault("email", f"production@{name.lower().replace(' ', '-')}.test")
    return Partner.objects.create(name=name, **fields)


def facility(country: str = "DE", *, owner: Partner | None = None, makes=("poster",), stock: dict | None = None,
             ships_to=("*",), capacity: int = 100, cutoff: time = time(23, 59, 59), code: str | None = None,
             cost_index="1.00", production_days: int = 1, **fields) -> Facility:
    """A facility of `owner` (a new partner by default) in `country` that makes `makes` (kinds or product uids),
    with `stock` (material code -> units; default: 100 of every material of the kinds it makes) and ships to
    `ships_to`."""
    lat, lon, zone = PLACES.get(country, (0.0, 0.0, "UTC"))
    n = next(_n)
    owner = owner or partner()
    made = Facility.objects.create(
        partner=owner, code=code or f"{country.lower()}-test-{n}", name=fields.pop("name", f"{owner.name} {n}"),
        country=country, latitude=fields.pop("latitude", lat), longitude=fields.pop("longitude", lon),
        time_zone=fields.pop("time_zone", zone), cutoff=cutoff, daily_capacity=capacity, makes=list(makes),
        ships_to=list(ships_to), cost_index=cost_index, production_days=production_days, **fields)
    if stock is None:
        bases = {materials.BY_KIND[kind] for kind in makes if kind in materials.BY_KIND}
        stock = {code: 100 for code in materials.all_codes() if code in bases or code.rpartition("-")[0] in bases}
    Material.objects.bulk_create([Material(facility=made, code=code_, quantity=q) for code_, q in stock.items()])
    return made


def carrier(code: str = "testpost", name: str | None = None, *, poll_client: str = "", api_base_url: str = "",
            token: str = "") -> Carrier:
    """The carrier with `code` (a demo network's carrier of that code is set up as the tests need it)."""
    found, _ = Carrier.objects.update_or_create(code=code, defaults={
        "name": name or code.capitalize(), "tracking_url_template": f"https://track.example.test/{code}?code={{code}}",
        "poll_client": poll_client, "api_base_url": api_base_url})
    if token:
        tracking.set_carrier_token(found, token)
    return found


def carrier_service(method_uid: str = "normal", *, carrier_code: str = "testpost", name: str = "Paket",
                    from_countries=("*",), to_countries=("*",), min_days: int = 2, max_days: int = 4) -> CarrierService:
    """A new service of the carrier `carrier_code` (the tests' own by default; a demo network's carrier of that
    code as it is) for the shipment method `method_uid`."""
    found = Carrier.objects.filter(code=carrier_code).first() or carrier(carrier_code)
    return CarrierService.objects.create(carrier=found, name=name, shipment_method_uid=method_uid,
                                         from_countries=list(from_countries), to_countries=list(to_countries),
                                         min_days=min_days, max_days=max_days)


def login(partner: Partner, username: str, password: str):
    """A dashboard login of a print partner: no account, not staff."""
    return accounts.create_user(None, username, password, partner=partner)


def as_partner(partner: Partner) -> Actor:
    """The partner acting (through its API key or its pages): what the history shows as who did it."""
    return Actor("partner", str(partner.pk), partner.name)


# ---- orders and their jobs -----------------------------------------------------------------------------


def poster_item(reference: str = "poster-1", quantity: int = 1, product: str = orders.POSTER) -> dict:
    return {"itemReferenceId": reference, "productUid": product, "quantity": quantity,
            "files": [{"type": "default", "url": f"{orders.FILES}/print.pdf"}]}


def order_through_pipeline(api, settle, **changes) -> Order:
    """An order made through the API (tests.orders.factories.order_payload with `changes`) after its jobs ran:
    its checks, then routing (which may hold it)."""
    response = api.post("/v4/orders", orders.order_payload(**changes))
    assert response.status_code == 200, response.content
    settle()
    return Order.objects.get(pk=response.json()["id"])


def created_order(api, settle, **changes) -> Order:
    """An order through the pipeline that reached `created`: routed (or queued for routing), waiting for
    production."""
    order = order_through_pipeline(api, settle, **changes)
    assert order.fulfillment_status == "created", (order.fulfillment_status, order.problems)
    return order


def job_for(order: Order) -> ProductionJob:
    """The job routing made for the order."""
    job = ProductionJob.objects.filter(order_id=order.pk).select_related("partner", "facility").first()
    assert job is not None, f"routing made no job for {order} (held? give a facility stock for it)"
    return job


def move_job(order: Order, facility: Facility, *, due: date | None = None,
             carrier_service: CarrierService | None = None) -> ProductionJob:
    """The order's job at `facility` with these values (due today at the facility by default), as if routing had
    chosen it; made there if routing held the order."""
    values = {"facility": facility, "partner": facility.partner, "due_date": due or local_now(facility).date(),
              "carrier_service": carrier_service, "address_changed_at": None}
    job, _ = ProductionJob.objects.update_or_create(order_id=order.pk, defaults=values, create_defaults={
        **values, "decision": {"winner": {"facility": facility.code}, "runnersUp": [], "rule": "test"}})
    return job


def ship(order: Order, *, tracking_code: str | None = None, carrier_code: str = "fedex") -> Package:
    """The order's job shipped by its partner with a tracking code; the package that makes."""
    job = job_for(order)
    code = tracking_code or f"TEST{next(_n):08d}"
    progress.ship(job.partner, order.pk, Actor.system("tests"), tracking_code=code, carrier_code=carrier_code)
    order.refresh_from_db()
    assert order.fulfillment_status == "shipped"
    return order.packages.get(tracking_code=code)


# ---- tracking ------------------------------------------------------------------------------------------


def source(kind: str = "easypost", secret: str = "test-webhook-secret") -> TrackingSource:
    created, _ = tracking.create_source(kind, f"{kind} tests", secret)
    return created


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()
