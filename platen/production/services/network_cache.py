"""The production network as routing reads it, cached per process, and the lock that serialises routers.

Facilities, their partners and the carrier services change rarely (an operator's edit, the network file) but
routing reads all of them for every transaction: as model rows that cost ~4 ms per transaction, more than the
decision. `current()` keeps them in memory, checked on every call against a fingerprint of those tables that the
database computes in the statement that takes the routing lock (one round trip, ~0.05 ms): any change to them,
however it is written (admin, network file, a queryset update, SQL by hand) changes the fingerprint, and a
rolled-back change never leaves a stale copy behind (the copy is keyed by what it was read from).

What changes with every order (stock, each day's load) is never cached: routing reads it after taking the lock.

The lock: on PostgreSQL one transaction-scoped advisory lock (pg_advisory_xact_lock), so two routers never decide
from the same stock or capacity (the second waits, then reads what the first wrote); on SQLite every Platen
transaction takes the write lock when it begins (settings: transaction_mode IMMEDIATE), which already serialises.
"""

from __future__ import annotations

import threading
import uuid
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time
from functools import lru_cache
from zoneinfo import ZoneInfo

from django.db import connection

from platen.production import routing, shipping
from platen.production.models import Carrier, CarrierService, Facility, Partner

LOCK_KEY = zlib.crc32(b"platen.production.routing")  # the advisory lock's number (any constant bigint)


@dataclass(frozen=True, slots=True)
class Site:
    """One active facility, as read when the network last changed."""

    key: str  # the facility id as 32 hex digits (what raw rows give on both databases)
    facility: Facility  # with its partner, for the jobs and history of the orders routed to it
    time_zone: str
    cutoff: time
    daily_capacity: int
    facts: routing.FacilityFacts  # a template: each batch copies it with its own capacity and stock

    def production_day(self, now: datetime) -> date:
        return production_day(self.time_zone, self.cutoff, now)


@dataclass
class Snapshot:
    fingerprint: str
    sites: list[Site]  # active facilities of active partners, by code
    by_key: dict[str, Site]
    services: list[CarrierService]
    _service_choice: dict = field(default_factory=dict)

    def service(self, method_uid: str, from_country: str, to_country: str) -> CarrierService | None:
        """shipping.choose_service over the cached services, remembered per route."""
        key = (method_uid, from_country, to_country)
        if key not in self._service_choice:
            self._service_choice[key] = shipping.choose_service(method_uid, from_country, to_country, self.services)
        return self._service_choice[key]


_lock = threading.Lock()
_cached: Snapshot | None = None


def current(*, lock: bool = True) -> Snapshot:
    """Take the routing lock (inside the caller's transaction; `lock=False` only reads) and return the network,
    rebuilt only when its rows changed since this process last read them."""
    global _cached
    fingerprint = _fingerprint(lock)
    cached = _cached
    if cached is not None and cached.fingerprint == fingerprint:
        return cached
    with _lock:
        if _cached is None or _cached.fingerprint != fingerprint:
            _cached = _build(fingerprint)
        return _cached


def hex_id(value) -> str:
    """A uuid as raw SQL returns it (uuid.UUID on PostgreSQL, 32 hex digits on SQLite) -> 32 hex digits."""
    return value.hex if isinstance(value, uuid.UUID) else str(value).replace("-", "")


# ---- reading -------------------------------------------------------------------------------------------------

def _fingerprint(lock: bool) -> str:
    sql = _fingerprint_sql(connection.vendor, lock)
    with connection.cursor() as cursor:
        cursor.execute(sql, [LOCK_KEY] if lock and connection.vendor == "postgresql" else [])
        row = cursor.fetchone()
    return row[-1] if connection.vendor == "postgresql" else f"{row[0]}#{row[1]}"


@lru_cache(maxsize=4)
def _fingerprint_sql(vendor: str, lock: bool) -> str:
    """One statement: (the lock, then) a fingerprint of the facilities, partners, carrier services and carriers.

    PostgreSQL: per table, the number of rows and the sum of their xmin (the id of the transaction that wrote each
    row version): any insert, update or delete changes it, a rolled-back one does not (its rows are not visible),
    and it costs ~0.05 ms where hashing the rows' text costs ~0.9 ms. SQLite (no xmin; small networks): every
    column as text."""
    q = connection.ops.quote_name
    tables = [q(model._meta.db_table) for model in (Facility, Partner, CarrierService, Carrier)]
    if vendor == "postgresql":
        parts = " || '/' || ".join(f"(SELECT count(*) || ':' || COALESCE(sum(xmin::text::bigint), 0) FROM {t})"
                                   for t in tables)
        return f"SELECT {'pg_advisory_xact_lock(%s), ' if lock else ''}{parts}"

    def text(model, alias: str) -> str:
        return " || '|' || ".join(f"COALESCE(CAST({alias}.{q(f.column)} AS TEXT), '')"
                                  for f in model._meta.concrete_fields)

    facilities = (f"{text(Facility, 'f')} || '|' || {text(Partner, 'p')}",
                  f"{tables[0]} f JOIN {tables[1]} p ON p.{q('id')} = f.{q('partner_id')}", "f")
    services = (f"{text(CarrierService, 's')} || '|' || {text(Carrier, 'c')}",
                f"{tables[2]} s JOIN {tables[3]} c ON c.{q('id')} = s.{q('carrier_id')}", "s")
    parts = [f"(SELECT group_concat(x, ';') FROM (SELECT {row} AS x FROM {source} ORDER BY {a}.{q('id')}))"
             for row, source, a in (facilities, services)]
    return f"SELECT {parts[0]}, {parts[1]}"


def _build(fingerprint: str) -> Snapshot:
    sites = []
    for f in Facility.objects.select_related("partner").filter(active=True, partner__active=True).order_by("code"):
        sites.append(Site(
            key=f.pk.hex, facility=f, time_zone=f.time_zone, cutoff=f.cutoff, daily_capacity=f.daily_capacity,
            facts=routing.FacilityFacts(
                id=f.pk.hex, code=f.code, name=f.name, country=f.country, latitude=float(f.latitude),
                longitude=float(f.longitude), makes=frozenset(f.makes or ()), ships_to=frozenset(f.ships_to or ()),
                cost_index=float(f.cost_index), production_days=f.production_days)))
    services = list(CarrierService.objects.select_related("carrier").order_by("pk"))
    return Snapshot(fingerprint, sites, {s.key: s for s in sites}, services)


def production_day(time_zone: str, cutoff: time, now: datetime) -> date:
    """The local date at `time_zone`, or the next one when `now` is past the cut-off there."""
    local = now.astimezone(_zone(time_zone))
    return local.date() + _ONE_DAY if local.time() > cutoff else local.date()


_ONE_DAY = date.resolution


@lru_cache(maxsize=512)
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name or "UTC")
