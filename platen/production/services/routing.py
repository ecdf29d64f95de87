"""Routing `created` orders to facilities (the rule itself is production/routing.py; this writes what it says).

An order that becomes `created` is queued (a RoutingRequest, written with the status change by the history
subscriber in tasks.py) and a `production.route` job is enqueued. `route_waiting` takes a batch of queued
orders, oldest first, and in one transaction: takes the routing lock (network_cache: one advisory lock on
PostgreSQL, so two workers never give away the same stock or capacity) with the network's fingerprint, uses the
per-process copy of the facilities and carrier services (rebuilt only when they changed), reads the waiting
orders and then, in one statement, each facility's load of its production day and its stock of the materials
those orders need; decides every order in memory, and writes all of it at once: the stock and load taken, the
orders' delivery estimates and the jobs (one statement on PostgreSQL), then the history (ROUTED with the winner,
the runners-up and why; DELIVERY_ESTIMATE_UPDATED).

- The production day (`ProductionJob.due_date`) is the facility's local date, the next day when the order is
  routed after the facility's cut-off. Capacity is counted per facility and production day (DailyLoad, one
  job per order); stock is one material unit per piece (routing.material_for).
- The order stays `created`: the partner's `received` report or its first pull of the job moves it on.
- An order no one facility can make is split first (`split.split_order`): its items move into new connected
  orders that share its orderReferenceId and split_group; each part is then routed on its own.
- An order no facility can make goes `on_hold` with the sentence why as its reason and as a `no_facility`
  problem (ROUTING_HELD in the history). `reroute_held` (the `production.reroute-held` job, run every 15
  minutes and whenever stock or facilities change) routes it again by itself as soon as a facility can take it;
  until then it stays as it is, without new history.
- With no active facility at all the network is not set up yet: orders wait in `created`, nothing is held.
"""

from __future__ import annotations

import json
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import partial
from typing import Self

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.sql import InsertQuery
from django.db.models.sql.compiler import SQLInsertCompiler
from django.utils import timezone

from platen.catalog import snapshot as catalog
from platen.orders import events
from platen.orders.models import Order, OrderItem
from platen.orders.statuses import Fulfillment
from platen.orders.transitions import plan_items
from platen.production import routing, shipping, tasks
from platen.production.models import (
    CarrierService,
    DailyLoad,
    Facility,
    Material,
    ProductionJob,
    RoutingRequest,
)
from platen.production.services import network_cache, split

ROUTER = tasks.ROUTING_ACTOR
BATCH = 200  # orders decided and written per transaction
NO_FACILITY = "no_facility"
RULE = ("The rule: a facility must make every product, have the material in stock and capacity left for its "
        "production day, and ship to the destination; of those, one in the destination's country comes first, "
        "then the nearest, the cheapest, the fastest.")
RULED_OUT_IN_HISTORY = 3


@dataclass
class Outcome:
    routed: list = field(default_factory=list)  # order ids
    held: list = field(default_factory=list)
    split: list = field(default_factory=list)  # ids of the orders that were split (the original ones)
    taken: int = 0  # orders the batch looked at (a split order counts once)

    def __iadd__(self, other: Outcome) -> Self:
        self.routed += other.routed
        self.held += other.held
        self.split += other.split
        self.taken += other.taken
        return self


# ---- the network as routing reads it -------------------------------------------------------------------------

@dataclass
class Network:
    """One transaction's view of the network: the cached facilities (network_cache) with their capacity left on
    the production day and the stock of the materials the batch's orders need, and what the batch takes."""

    snapshot: network_cache.Snapshot
    facts: list[routing.FacilityFacts]
    day: dict[str, date]  # facility key -> production day of an order routed now
    material_ids: dict[tuple[str, str], int]  # (facility key, code) -> Material id
    jobs_taken: Counter = field(default_factory=Counter)  # facility key -> jobs
    units_taken: Counter = field(default_factory=Counter)  # (facility key, code) -> units

    def facility(self, key: str) -> Facility:
        return self.snapshot.by_key[key].facility

    def service(self, method_uid: str, from_country: str, to_country: str) -> CarrierService | None:
        return self.snapshot.service(method_uid, from_country, to_country)

    def take(self, facts: routing.FacilityFacts, need: Counter) -> None:
        facts.capacity_left -= 1
        self.jobs_taken[facts.id] += 1
        for code, units in need.items():
            facts.stock[code] = facts.stock.get(code, 0) - units
            self.units_taken[(facts.id, code)] += units

    def statements(self) -> list[tuple[str, list]]:
        """The load and stock the batch took, as two statements (increments: a facility's row for the day made
        when missing; concurrent stock changes by operators or partners add up)."""
        pg = connection.vendor == "postgresql"
        q = connection.ops.quote_name
        statements = []
        if self.jobs_taken:
            table = q(DailyLoad._meta.db_table)
            params = []
            for key, n in self.jobs_taken.items():
                day = self.day[key]
                params += [uuid.UUID(key) if pg else key, day if pg else day.isoformat(), n]
            rows = ", ".join(["(%s, %s, %s)"] * len(self.jobs_taken))
            statements.append((f"INSERT INTO {table} (facility_id, day, jobs) VALUES {rows} ON CONFLICT (facility_id, day) "
                               f"DO UPDATE SET jobs = {table}.jobs + EXCLUDED.jobs", params))
        taken = {self.material_ids[k]: n for k, n in self.units_taken.items() if k in self.material_ids}
        if taken:
            cases = " ".join(["WHEN %s THEN %s"] * len(taken))
            params = [v for pair in taken.items() for v in pair] + list(taken)
            statements.append((f"UPDATE {q(Material._meta.db_table)} SET quantity = quantity - CASE id {cases} ELSE 0 END "
                               f"WHERE id IN ({', '.join(['%s'] * len(taken))})", params))
        return statements


def _execute(sql: str, params: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def production_day(facility: Facility, now: datetime) -> date:
    """The facility's local date, or the next one when `now` is past its cut-off there."""
    return network_cache.production_day(facility.time_zone, facility.cutoff, now)


def open_network(snapshot: network_cache.Snapshot, codes: set[str], now: datetime | None = None) -> Network:
    """The snapshot's facilities with what changes under routing, read in one statement (after the routing lock:
    network_cache.current()): each one's load of its production day and its stock of `codes`."""
    now = now or timezone.now()
    day = {s.key: s.production_day(now) for s in snapshot.sites}
    pg = connection.vendor == "postgresql"
    days = sorted(set(day.values()))
    q = connection.ops.quote_name
    sql = (f"SELECT 'l', facility_id, day, NULL, jobs, id FROM {q(DailyLoad._meta.db_table)} "
           f"WHERE day IN ({', '.join(['%s'] * len(days))})")
    params: list = [d if pg else d.isoformat() for d in days]
    if codes:
        sql += (f" UNION ALL SELECT 'm', facility_id, NULL, code, quantity, id FROM {q(Material._meta.db_table)} "
                f"WHERE code IN ({', '.join(['%s'] * len(codes))})")
        params += sorted(codes)
    jobs: dict[str, int] = {}
    stock: dict[str, dict[str, int]] = defaultdict(dict)
    material_ids = {}
    for kind, fid, on, code, n, pk in (_execute(sql, params) if days else []):
        key = network_cache.hex_id(fid)
        if kind == "l":
            if str(on) == str(day.get(key)):
                jobs[key] = n
        else:
            stock[key][code] = n
            material_ids[(key, code)] = pk
    facts = []
    for site in snapshot.sites:
        f = site.facts  # a fresh copy: the batch changes capacity and stock as it decides
        facts.append(routing.FacilityFacts(f.id, f.code, f.name, f.country, f.latitude, f.longitude, f.makes, f.ships_to,
                                           f.cost_index, f.production_days, site.daily_capacity - jobs.get(site.key, 0),
                                           stock[site.key]))
    return Network(snapshot, facts, day, material_ids)


# ---- routing a batch -----------------------------------------------------------------------------------------

def route_waiting(first=None, *, limit: int = BATCH, batch: type[Batch] | None = None) -> Outcome:
    """Route up to `limit` queued orders (`first`, when given, then the oldest requests) in one transaction.
    `batch` is the Batch class that decides (the benchmark's floor swaps in its own)."""
    with transaction.atomic():
        snapshot = network_cache.current()
        if not snapshot.sites:
            return Outcome()  # no network yet: the requests wait
        return (batch or Batch)(snapshot).run(take_requests(first, limit))


def take_requests(first=None, limit: int = BATCH) -> list[Order]:
    """Take up to `limit` routing requests (skipping those another worker holds) and return their orders that
    still wait (`created`, no job), row-locked; the requests are deleted (an order that moved on meanwhile, e.g.
    canceled, needs no routing). One DELETE ... RETURNING for the requests (two when `first` is given and more
    are wanted)."""
    ids = _take_requests("order_id = %s", [_uuid_param(first)], 1) if first else []
    if len(ids) < limit:
        ids += _take_requests("", [], limit - len(ids))
    if not ids:
        return []
    return list(Order.objects.select_for_update(of=("self",)).select_related("shipping_address")
                .filter(pk__in=ids, fulfillment_status=Fulfillment.CREATED, production_job__isnull=True)
                .order_by("created_at", "id"))


def _take_requests(where: str, params: list, limit: int) -> list:
    table = connection.ops.quote_name(RoutingRequest._meta.db_table)
    lock = " FOR UPDATE SKIP LOCKED" if connection.features.has_select_for_update_skip_locked else ""
    return [row[0] for row in _execute(
        f"DELETE FROM {table} WHERE order_id IN (SELECT order_id FROM {table}{' WHERE ' + where if where else ''} "
        f"ORDER BY requested_at LIMIT %s{lock}) RETURNING order_id", [*params, limit])]


def _uuid_param(value):
    value = value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    return value if connection.vendor == "postgresql" else value.hex


def request(order_ids) -> None:
    """Queue orders for routing (in the caller's transaction); an order already queued stays queued once."""
    RoutingRequest.objects.bulk_create([RoutingRequest(order_id=pk) for pk in order_ids], ignore_conflicts=True)


def requeue_stragglers(limit: int = 10 * BATCH) -> int:
    """Queue `created` orders that have neither a job nor a request (made before this queue existed, or left by
    hand); the sweep calls it. Returns how many."""
    with transaction.atomic():
        ids = list(Order.objects.filter(fulfillment_status=Fulfillment.CREATED, production_job__isnull=True)
                   .exclude(pk__in=RoutingRequest.objects.values("order_id")).values_list("pk", flat=True)[:limit])
        request(ids)
        return len(ids)


def route_all(*, limit: int = BATCH) -> Outcome:
    """Route every queued order, one batch per transaction (for the sweep and tests)."""
    total = Outcome()
    while True:
        outcome = route_waiting(limit=limit)
        total += outcome
        if not outcome.taken:
            return total


def reroute_held(*, limit: int = BATCH) -> Outcome:
    """Route the orders routing held, when a facility can take them now (the rest stay as they are), and any
    order still waiting in `created` (e.g. a new day's capacity)."""
    total = Outcome()
    after = None
    while True:
        with transaction.atomic():
            snapshot = network_cache.current()
            if not snapshot.sites:
                return total
            held = Order.objects.select_for_update(of=("self",), skip_locked=True).select_related("shipping_address") \
                .filter(fulfillment_status=Fulfillment.ON_HOLD, production_job__isnull=True).order_by("created_at", "id")
            if after is not None:
                held = held.filter(Q(created_at__gt=after[0]) | Q(created_at=after[0], id__gt=after[1]))
            page = list(held[:limit])
            if not page:
                break
            after = (page[-1].created_at, page[-1].id)
            total += Batch(snapshot).run([o for o in page if held_by_routing(o)], reviving=True)
    requeue_stragglers()
    total += route_all(limit=limit)
    return total


def held_by_routing(order: Order) -> bool:
    return any(p.get("code") == NO_FACILITY for p in order.problems or ())


class Batch:
    """One transaction's worth of orders: decided in memory one after the other (each sees what the ones
    before it took), then written at once."""

    def __init__(self, snapshot: network_cache.Snapshot):
        self.snapshot = snapshot
        self.network: Network | None = None  # opened by run(), once the orders' materials are known
        self.products = catalog.current().products
        self._lines: dict = {}  # item id -> routing.Line
        self.jobs: list[ProductionJob] = []
        self.history: list = []
        self.estimated: list[Order] = []
        self.changed_items: list[OrderItem] = []
        self.held: list[Order] = []
        self.outcome = Outcome()

    def run(self, orders: list[Order], *, reviving: bool = False) -> Outcome:
        self.outcome.taken += len(orders)
        if not orders:
            return self.outcome
        items: dict = defaultdict(list)
        for item in OrderItem.objects.filter(order__in=orders):
            items[item.order_id].append(item)
        codes = {self.line(i).material for its in items.values() for i in its}
        self.network = open_network(self.snapshot, codes - {None})
        work = [(order, items[order.pk], reviving) for order in orders]
        while work:
            order, its, held = work.pop(0)
            work[:0] = [(part, part_items, False) for part, part_items in self.route(order, its, reviving=held)]
        self.write()
        return self.outcome

    def lines(self, items: list[OrderItem]) -> list[routing.Line]:
        return [self.line(i) for i in items]

    def line(self, i: OrderItem) -> routing.Line:
        if i.pk not in self._lines:
            product = self.products.get(i.product_uid)
            self._lines[i.pk] = routing.line(str(i.pk), i.item_reference_id, i.product_uid,
                                             product.kind if product else None, i.quantity,
                                             product_name=product.name if product else "")
        return self._lines[i.pk]

    def route(self, order: Order, items: list[OrderItem], *, reviving: bool = False) -> list:
        """Decide one order and note what to write; returns the parts of a split order, to route next."""
        live = [i for i in items if not i.is_ignored and i.fulfillment_status != Fulfillment.CANCELED]
        waiting_in = Fulfillment.ON_HOLD if reviving else Fulfillment.CREATED
        if not live or any(i.fulfillment_status != waiting_in for i in live):
            return []
        destination = order.shipping_address.country
        decision = routing.decide(self.lines(live), destination, self.network.facts)
        if not decision.routed:
            if not reviving:
                self.hold(order, items, live, decision)
            return []
        if reviving:
            self.history += plan_items(order, items, live, Fulfillment.CREATED, ROUTER,
                                       reason="A facility can make it now; routing it again.")
            order.problems = [p for p in order.problems if p.get("code") != NO_FACILITY]
            self.changed_items += live
            self.held.append(order)  # its status and problems are written with the held ones
        if decision.split:
            parts, history = split.split_order(order, items, [[ln.key for ln in a.lines] for a in decision.assignments],
                                               ROUTER)
            self.history += history
            self.outcome.split.append(str(order.pk))
            return parts
        self.assign(order, decision)
        return []

    def assign(self, order: Order, decision: routing.Decision) -> None:
        assignment = decision.assignments[0]
        facts = assignment.winner.facility
        facility = self.network.facility(facts.id)
        self.network.take(facts, routing.needs(assignment.lines))
        destination = order.shipping_address.country
        job = ProductionJob(
            order=order, facility=facility, partner=facility.partner, due_date=self.network.day[facts.id],
            carrier_service=self.network.service(order.shipment_method_uid, facility.country, destination),
            decision=decision_record(decision),
        )
        self.jobs.append(job)
        self.history.append(events.event(
            order, events.ROUTED, ROUTER,
            reason=f"Routed to {facility.name} ({facility.country}), due {job.due_date.isoformat()}.",
            params={"facility": facility.code, "facilityName": facility.name, "partner": facility.partner.name,
                    "dueDate": job.due_date.isoformat(), "winner": job.decision["winner"],
                    "runnersUp": job.decision["runnersUp"], "ruledOut": ruled_out(decision)}))
        self.history += shipping.update_estimate(order, job, shipping.handover_day(job), ROUTER, save=False)
        order.fulfillment_country = facility.country
        self.estimated.append(order)
        self.outcome.routed.append(str(order.pk))

    def hold(self, order: Order, items: list[OrderItem], live: list[OrderItem], decision: routing.Decision) -> None:
        self.history += plan_items(order, items, live, Fulfillment.ON_HOLD, ROUTER, reason=decision.reason)
        self.history.append(events.event(order, events.ROUTING_HELD, ROUTER, reason=decision.reason,
                                         params={"ruledOut": ruled_out(decision)}))
        order.problems = [*[p for p in order.problems if p.get("code") != NO_FACILITY],
                          {"field": "", "code": "no_facility", "message": decision.reason}]
        self.changed_items += live
        self.held.append(order)
        self.outcome.held.append(str(order.pk))

    def write(self) -> None:
        """Everything but the history in one statement on PostgreSQL (data-modifying WITH: load, stock, the
        routed orders' estimates, the jobs); one statement each elsewhere."""
        now = timezone.now()
        for order in (*self.estimated, *self.held):
            order.updated_at = now
        statements = [*self.network.statements(), *update_alike(Order, self.estimated, shipping.ESTIMATE_FIELDS)]
        postgresql = connection.vendor == "postgresql"
        execute_together([*statements, *(insert_statements(ProductionJob, self.jobs) if postgresql else [])])
        if not postgresql:
            ProductionJob.objects.bulk_create(self.jobs)
        for job in self.jobs:
            job._state.adding, job._state.db = False, connection.alias
        execute_together(update_alike(Order, self.held, ["fulfillment_status", "problems", "updated_at"]))
        execute_together(update_alike(OrderItem, self.changed_items, ["fulfillment_status"]))
        events.save_all(self.history)


def execute_together(statements: list[tuple[str, list]]) -> None:
    """Data-modifying statements on different rows, as one on PostgreSQL (the first ones in a WITH; one round
    trip) and one after the other elsewhere."""
    if not statements:
        return
    if connection.vendor == "postgresql" and len(statements) > 1:
        *first, (last, last_params) = statements
        statements = [("WITH " + ", ".join(f"w{n} AS ({sql})" for n, (sql, _) in enumerate(first)) + " " + last,
                       [p for _, params in first for p in params] + list(last_params))]
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def insert_statements(model, rows: list) -> list[tuple[str, list]]:
    """The INSERT bulk_create would run for `rows` (their defaults and auto_now values filled in), with one
    VALUES row per row: Django's UNNEST of arrays would make psycopg escape every quote of the JSON decision
    records in Python, which costs more than the database's planning it saves."""
    if not rows:
        return []
    query = InsertQuery(model)
    query.insert_values(model._meta.concrete_fields, rows)
    compiler = query.get_compiler(connection=connection)
    compiler.assemble_as_sql = partial(SQLInsertCompiler.assemble_as_sql, compiler)  # the plain VALUES form
    return [(sql, list(params)) for sql, params in compiler.as_sql()]


def update_alike(model, rows: list, fields: list[str]) -> list[tuple[str, list]]:
    """Write `fields` of many `rows` at once, far cheaper than bulk_update's CASE per row and field. On
    PostgreSQL returns one UPDATE ... FROM (VALUES ...) for the caller to run (execute_together); elsewhere runs
    one UPDATE per distinct set of values (orders routed to one facility share their dates and country)."""
    if not rows:
        return []
    if connection.vendor == "postgresql":
        meta = model._meta
        columns = [meta.get_field(f) for f in fields]
        pk = meta.pk
        row_sql = "(" + ", ".join([f"%s::{pk.db_type(connection)}", *[f"%s::{c.db_type(connection)}" for c in columns]]) + ")"
        params = []
        for row in rows:
            params.append(pk.get_db_prep_value(row.pk, connection))
            params += [c.get_db_prep_save(getattr(row, c.attname), connection) for c in columns]
        table, q = meta.db_table, connection.ops.quote_name
        sets = ", ".join(f"{q(c.column)} = v.{q(c.column)}" for c in columns)
        names = ", ".join(q(n) for n in [pk.column, *[c.column for c in columns]])
        return [(f"UPDATE {q(table)} SET {sets} FROM (VALUES {', '.join([row_sql] * len(rows))}) AS v({names}) "
                 f"WHERE {q(table)}.{q(pk.column)} = v.{q(pk.column)}", params)]
    groups: dict = defaultdict(list)
    values: dict = {}
    for row in rows:
        got = {f: getattr(row, f) for f in fields}
        key = json.dumps(got, sort_keys=True, default=str)
        groups[key].append(row.pk)
        values[key] = got
    for key, pks in groups.items():
        model.objects.filter(pk__in=pks).update(**values[key])
    return []


def decision_record(decision: routing.Decision) -> dict:
    """The decision as the job and the history keep it: the winner, the runners-up with why, the rule."""
    a = decision.assignments[0]
    return {"winner": _facility(a.winner), "runnersUp": [{**_facility(c), "reason": c.why} for c in a.runners_up],
            "rule": RULE}


def _facility(c: routing.Candidate) -> dict:
    f = c.facility
    km = None if c.distance_km == float("inf") else round(c.distance_km)
    return {"facility": f.code, "name": f.name, "country": f.country, "distanceKm": km}


def ruled_out(decision: routing.Decision) -> list[dict]:
    return [{"facility": code, "reason": why} for code, why in list(decision.ruled_out.items())[:RULED_OUT_IN_HISTORY]]

