"""Routing benchmark: `created` orders routed to a network of facilities on PostgreSQL, against a floor.

Seeds one PostgreSQL database (`platen migrate`, then in a Django process: an account, 40 products, 50
facilities in 16 countries with their stock and carrier services, and N `created` orders of 1-3 items to 20
destination countries), then, in alternating rounds (floor, routing, floor, routing, ...), copies it
(CREATE DATABASE ... TEMPLATE, so both start from exactly the same rows) and measures in a fresh process:

  * throughput: every waiting order routed by `production.services.routing.route_waiting`, one batch of
    --batch orders per transaction (what the `production.route` job does when orders queue up): orders/s;
  * latency: --latency more orders routed one at a time, each alone in its transaction (the job for one order
    when nothing else waits): p50/p99 per order;
  * the floor, the same two ways: the same orders read and written back (job, stock and load taken, delivery
    estimate, ROUTED history) with a facility chosen at random instead of decided.

Goals: routing >= 2,000 orders/s, p99 <= 5 ms, throughput ratio routing/floor >= 0.5. Method: docs/benchmarks.md.

    .venv/bin/python bench/routing.py [--orders 10000] [--latency 500] [--batch 200] [--rounds 2]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import kit

PLATEN = [str(ROOT / ".venv" / "bin" / "platen")]
GOAL_PER_SECOND, GOAL_P99_MS, GOAL_RATIO = 2000.0, 5.0, 0.5
FACILITIES, PRODUCTS = 50, 40

# Where facilities stand: country, latitude, longitude, time zone.
SITES = [
    ("DE", 52.52, 13.40, "Europe/Berlin"), ("DE", 48.14, 11.58, "Europe/Berlin"), ("NL", 52.37, 4.90, "Europe/Amsterdam"),
    ("GB", 53.80, -1.55, "Europe/London"), ("GB", 51.51, -0.13, "Europe/London"), ("FR", 48.86, 2.35, "Europe/Paris"),
    ("ES", 40.42, -3.70, "Europe/Madrid"), ("IT", 45.46, 9.19, "Europe/Rome"), ("PL", 52.23, 21.01, "Europe/Warsaw"),
    ("SE", 59.33, 18.07, "Europe/Stockholm"), ("US", 39.53, -119.81, "America/Los_Angeles"),
    ("US", 40.71, -74.01, "America/New_York"), ("US", 41.88, -87.63, "America/Chicago"),
    ("CA", 43.65, -79.38, "America/Toronto"), ("AU", -33.87, 151.21, "Australia/Sydney"),
    ("AU", -37.81, 144.96, "Australia/Melbourne"), ("JP", 35.68, 139.69, "Asia/Tokyo"), ("BR", -23.55, -46.63, "America/Sao_Paulo"),
]
DESTINATIONS = ["DE", "GB", "US", "FR", "NL", "IT", "ES", "AU", "CA", "PL", "SE", "AT", "BE", "CH", "DK", "JP", "BR",
                "IE", "NZ", "MX"]
KINDS = ["poster", "canvas", "framed_poster", "t_shirt", "hoodie", "mug", "greeting_card", "photo_book"]


# --- inside Django (the seeding and measuring subprocesses) ----------------------------------------------

def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platen.settings")
    import django
    django.setup()


def seed(orders: int) -> None:
    _django()
    from django.db import transaction

    from platen.accounts import services as accounts
    from platen.catalog.models import Product
    from platen.production.models import (
        Carrier,
        CarrierService,
        Facility,
        Material,
        Partner,
    )
    from platen.production.routing import material_for

    rng = random.Random(9)
    with transaction.atomic():
        account = accounts.create_account("Bench Prints", "bench@example.com")
        base = list(Product.objects.order_by("uid"))
        extra = PRODUCTS - len(base)
        for n in range(max(extra, 0)):  # more products of the same kinds (routing reads uid and kind)
            p = base[n % len(base)]
            Product.objects.create(uid=f"{p.uid}_bench{n}", kind=p.kind, name=f"{p.name} (bench {n})", width_mm=p.width_mm,
                                   height_mm=p.height_mm, file_types=p.file_types, weight_g=p.weight_g)
        partners = [Partner.objects.create(name=f"Bench partner {n}") for n in range(10)]
        carrier = Carrier.objects.create(code="bench", name="Bench Post", tracking_url_template="https://t.example/{code}")
        for method in ("tracked_post", "ups_standard", "dhl_express_worldwide"):
            CarrierService.objects.create(carrier=carrier, name=f"{method} abroad", shipment_method_uid=method,
                                          from_countries=["*"], to_countries=["*"], min_days=3, max_days=7)
            for country in {s[0] for s in SITES}:
                CarrierService.objects.create(carrier=carrier, name=f"{method} {country}", shipment_method_uid=method,
                                              from_countries=[country], to_countries=[country], min_days=1, max_days=3)
        materials = []
        for n in range(FACILITIES):
            country, lat, lon, zone = SITES[n % len(SITES)]
            # One in ten makes everything but photo books; two make photo books (and do not ship everywhere);
            # the rest 3-5 kinds: orders mixing kinds are sometimes split, a few photo books are held.
            common = [k for k in KINDS if k != "photo_book"]
            makes = common if n % 10 == 0 else rng.sample(common, rng.randint(3, 5))
            if n in (5, 23):
                makes = [*makes, "photo_book"]
            ships = ["*"] if n % 4 and n not in (5, 23) else sorted({country, *rng.sample(DESTINATIONS, 8)})
            f = Facility.objects.create(
                partner=partners[n % len(partners)], code=f"bench-{n:02d}", name=f"Bench facility {n}", country=country,
                latitude=lat + rng.uniform(-1, 1), longitude=lon + rng.uniform(-1, 1), time_zone=zone,
                cutoff=f"{rng.randint(12, 23)}:00", daily_capacity=40 if n % 10 == 7 else 100_000, makes=makes,
                ships_to=ships, cost_index=rng.choice(["0.80", "0.90", "1.00", "1.10", "1.25"]),
                production_days=rng.randint(1, 3))
            codes = {material_for(kind, attributes={"GarmentSize": size} if size else None)
                     for kind in makes for size in (("S", "M", "L") if kind in ("t_shirt", "hoodie") else (None,))}
            materials += [Material(facility=f, code=code, quantity=0 if rng.random() < 0.05 else 1_000_000)
                          for code in sorted(codes)]
        Material.objects.bulk_create(materials)
    make_orders(account.pk, orders, "bench", rng)
    print(json.dumps({"orders": orders}))


def make_orders(account_id, count: int, prefix: str, rng: random.Random) -> list:
    """`count` created orders of 1-3 items, queued for routing (bulk inserts, as if the pipeline had just
    approved them: its history subscriber queues each)."""
    from django.db import transaction
    from django.utils import timezone

    from platen.catalog.models import Product
    from platen.orders.models import Address, Order, OrderItem

    products = list(Product.objects.order_by("uid").values_list("uid", flat=True))
    now = timezone.now()
    with transaction.atomic():
        addresses = Address.objects.bulk_create([Address(
            first_name="Ada", last_name="Lovelace", address_line1="1 Main Street", city="Town", post_code="12345",
            country=rng.choice(DESTINATIONS)) for _ in range(count)])
        orders = Order.objects.bulk_create([Order(
            account_id=account_id, order_reference_id=f"{prefix}-{n:06d}", customer_reference_id="bench", currency="EUR",
            fulfillment_status="created", financial_status="pending", shipping_address=a, shipment_method_uid="tracked_post",
            shipment_method_name="Tracked Post", min_delivery_days=3, max_delivery_days=6, ordered_at=now)
            for n, a in enumerate(addresses)])
        items = []
        for order in orders:
            for k in range(rng.choices([1, 2, 3], [5, 3, 2])[0]):
                items.append(OrderItem(order=order, position=k, item_reference_id=f"item-{k}", product_uid=rng.choice(products),
                                       quantity=rng.choice([1, 1, 1, 2, 3]), fulfillment_status="created"))
        OrderItem.objects.bulk_create(items)
        from platen.production.services import routing
        routing.request([o.pk for o in orders])
    return [o.pk for o in orders]


def measure(mode: str, batch: int, latency: int) -> None:
    """Throughput over every waiting order, then `latency` new orders one at a time; prints JSON."""
    _django()
    from django.db import connection

    from platen.catalog import snapshot
    from platen.orders.models import Order
    from platen.production.models import ProductionJob

    run = _floor if mode == "floor" else _route
    snapshot.current()  # the catalog cache is warm in a running worker
    waiting = Order.objects.filter(fulfillment_status="created").count()
    timer, batches, taken = kit.Timer(), [], 0
    while True:
        with timer:
            start = time.perf_counter()
            n = run(None, batch)
            seconds = time.perf_counter() - start
        if not n:
            break
        taken += n
        batches.append(seconds * 1000 / n)
    account = Order.objects.values_list("account_id", flat=True).first()
    ids = make_orders(account, latency, f"lat-{mode}", random.Random(11))
    single = []
    for order_id in ids:
        start = time.perf_counter()
        run(order_id, 1)
        single.append((time.perf_counter() - start) * 1000)
    held = Order.objects.filter(fulfillment_status="on_hold").count()
    print(json.dumps({
        "mode": mode, "waiting": waiting, "taken": taken, "seconds": timer.seconds, "per_second": taken / timer.seconds,
        "batch_ms_per_order": batches, "single_ms": single, "jobs": ProductionJob.objects.count(), "held": held,
        "split": Order.objects.filter(split_group__isnull=False).values("split_group").distinct().count(),
        "server": connection.pg_version if connection.vendor == "postgresql" else connection.vendor,
    }))


def _route(first, limit: int) -> int:
    from platen.production.services import routing
    return routing.route_waiting(first, limit=limit).taken


_rng = random.Random(5)


def _floor(first, limit: int) -> int:
    """The same reads and writes as routing (the same lock, cached network, stock and load), with the facility
    drawn at random (no filters, no ranking, no split, no hold)."""
    from platen.production import routing as rule
    from platen.production.services import routing

    class FloorBatch(routing.Batch):
        def route(self, order, items, *, reviving=False):
            lines = tuple(self.lines([i for i in items if not i.is_ignored]))
            drawn = rule.Candidate(_rng.choice(self.network.facts), 0.0)
            self.assign(order, rule.Decision((rule.Assignment(lines, drawn, ()),), {}))
            return []

    return routing.route_waiting(first, limit=limit, batch=FloorBatch).taken


# --- the orchestration ----------------------------------------------------------------------------------------

def subprocess_json(env: dict, *args: str, timeout: float = 1800) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def report(runs: dict[str, list[dict]], args) -> bool:
    def pooled(mode: str, key: str) -> list[float]:
        return [v for r in runs[mode] for v in r[key]]

    def per_second(mode: str) -> float:
        return sum(r["taken"] for r in runs[mode]) / sum(r["seconds"] for r in runs[mode])

    print(f"\nRouting on PostgreSQL: {kit.machine()}; {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    last = runs["ours"][-1]
    print(f"{args.orders} orders x {args.rounds} rounds, {FACILITIES} facilities, {PRODUCTS} products, batches of "
          f"{args.batch}; last round: {last['jobs']} jobs, {last['split']} orders split, {last['held']} held")
    print(f"{'':<9}{'orders/s':>10}{'batch ms/order p50':>20}{'single p50 ms':>15}{'single p99 ms':>15}")
    for mode in ("ours", "floor"):
        rates = ", ".join(f"{r['per_second']:.0f}" for r in runs[mode])
        print(f"{'routing' if mode == 'ours' else 'floor':<9}{per_second(mode):>10.0f}"
              f"{kit.percentile(pooled(mode, 'batch_ms_per_order'), 50):>20.3f}"
              f"{kit.percentile(pooled(mode, 'single_ms'), 50):>15.2f}{kit.percentile(pooled(mode, 'single_ms'), 99):>15.2f}"
              f"   (rounds: {rates} orders/s)")
    ours, ratio = per_second("ours"), kit.ratio(per_second("ours"), per_second("floor"))
    p99 = kit.percentile(pooled("ours", "single_ms"), 99)
    return all([
        kit.goal(f"routing {ours:.0f} orders/s >= {GOAL_PER_SECOND:.0f}", ours >= GOAL_PER_SECOND),
        kit.goal(f"p99 per order {p99:.2f} ms <= {GOAL_P99_MS:.0f} ms (one order per transaction)", p99 <= GOAL_P99_MS),
        kit.goal(f"ratio routing/floor {ratio:.2f} >= {GOAL_RATIO}", ratio >= GOAL_RATIO),
    ])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=10_000, help="created orders routed per run (throughput)")
    parser.add_argument("--latency", type=int, default=500, help="orders routed one at a time per run (p99)")
    parser.add_argument("--batch", type=int, default=200, help="orders per transaction in the throughput run")
    parser.add_argument("--rounds", type=int, default=2, help="floor and routing runs each, alternating")
    parser.add_argument("--seed", action="store_true", help=argparse.SUPPRESS)  # internal: the seeding subprocess
    parser.add_argument("--measure", choices=["ours", "floor"], help=argparse.SUPPRESS)  # internal
    args = parser.parse_args()
    if args.seed:
        seed(args.orders)
        return 0
    if args.measure:
        measure(args.measure, args.batch, args.latency)
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: drop the databases
    with tempfile.TemporaryDirectory(prefix="platen-bench-") as data_dir, kit.fresh_postgres_database() as seeded:
        env = kit.platen_env(data_dir, seeded)
        done = subprocess.run([*PLATEN, "migrate", "--verbosity", "0"], env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise SystemExit(f"platen migrate failed:\n{done.stderr[-2000:]}")
        subprocess_json(env, "--seed", "--orders", str(args.orders))
        print(f"seeded {args.orders} orders; measuring", flush=True)
        runs: dict[str, list[dict]] = {"ours": [], "floor": []}
        for n in range(args.rounds):
            for mode in ("floor", "ours"):
                with kit.template_copy(seeded) as copy:
                    result = subprocess_json({**env, "DATABASE_URL": copy}, "--measure", mode, "--batch", str(args.batch),
                                             "--latency", str(args.latency))
                runs[mode].append(result)
                print(f"round {n + 1} {mode}: {result['per_second']:.0f} orders/s, single p99 "
                      f"{kit.percentile(result['single_ms'], 99):.2f} ms", flush=True)
    return 0 if report(runs, args) else 1


if __name__ == "__main__":
    sys.exit(main())
