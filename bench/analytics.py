"""Analytics benchmark: the /v4/analytics endpoints' p95 with a million orders in PostgreSQL, next to a floor.

Loads one fresh PostgreSQL database (`migrate`, then COPY): 20 accounts (one holds 40% of the orders), N orders
(default 1,000,000) created over the last 365 days with a realistic spread (more on weekdays, growing over the year,
channels api/shopify/bigcommerce/csv, three stores for the big account), their final statuses (most delivered, a few
failed with problem codes, some canceled, the last days still in production) and their status-time rollup
(diagnostics.StatusSpan, ~5 stays per order, times drawn from log-normal spreads per status). Then, in one process,
for the big account's API key and the default range (the last 30 days), calls each endpoint --repeat times through
Django's test client (auth, query, serialisation) and prints its p50/p95 next to the floor: a plain COUNT(*) of the
same account's orders over the same range, timed the same way. Operators' figures (every account) are timed at the
service level. The load runs with triggers off (session_replication_role = replica) and builds the day rollups
(analytics_rollup.rebuild) once at the end. Goal: p95 <= 200 ms per endpoint. Method and figures: docs/benchmarks.md.

    .venv/bin/python bench/analytics.py [--orders 1000000] [--repeat 30]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import tempfile
import uuid
from datetime import datetime, timedelta, timezone as tz
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import kit

GOAL_MS = 200.0
ACCOUNTS = 20
CHANNELS = [("api", 0.40), ("shopify", 0.35), ("bigcommerce", 0.15), ("csv", 0.10)]
PROBLEMS = [("file_not_found", "The print file could not be downloaded: check that its link works."),
            ("file_too_small", "The print file is smaller than the product: upload one at 300 dpi."),
            ("address_invalid", "The postcode does not match the city: correct the shipping address."),
            ("product_unavailable", "This product cannot be made right now: choose another one."),
            ("shipment_method_unavailable", "No carrier ships this method to the destination: choose another.")]
# Each status's typical stay in seconds (median) and spread (log-normal sigma).
STAYS = {"received": (90, 1.0), "passed": (600, 1.2), "created": (6 * 3600, 0.8), "in_production": (20 * 3600, 0.6),
         "printed": (3 * 3600, 0.7), "shipped": (8 * 3600, 0.9), "in_transit": (60 * 3600, 0.5)}
PATH = ["received", "passed", "created", "in_production", "printed", "shipped", "in_transit", "delivered"]


def _django(url: str) -> None:
    os.environ.update(DATABASE_URL=url, PLATEN_DATA_DIR=tempfile.mkdtemp(prefix="platen-bench-"), PLATEN_DEBUG="0",
                      DJANGO_SETTINGS_MODULE="platen.settings")
    import django

    django.setup()


def _columns(model, values: dict) -> tuple[list[str], list]:
    """Every concrete column of `model` with `values` (by field name) or the field's default."""
    cols, row = [], []
    for field in model._meta.concrete_fields:
        if field.primary_key and field.name not in values and not field.has_default():
            continue  # a serial id: the database numbers it
        cols.append(field.column)
        if field.name in values or field.attname in values:
            row.append(values.get(field.name, values.get(field.attname)))
        else:
            row.append(field.get_default())  # the default, "" for text, None where null is allowed
    return cols, row


def _copy(cursor, model, rows: list[dict]) -> None:
    if not rows:
        return
    cols = _columns(model, rows[0])[0]
    with cursor.copy(f'COPY {model._meta.db_table} ({", ".join(cols)}) FROM STDIN') as copy:
        for values in rows:
            copy.write_row([json.dumps(v) if isinstance(v, (list, dict)) else v for v in _columns(model, values)[1]])


def load(n: int, rng: random.Random) -> tuple:
    from django.db import connection

    from platen.accounts import services as accounts
    from platen.diagnostics.models import StatusSpan
    from platen.diagnostics.services import analytics_rollup
    from platen.orders.models import Address, Order

    now = datetime.now(tz.utc)
    big = accounts.create_account("Big shop", "big@example.com")
    others = [accounts.create_account(f"Shop {i}", f"shop{i}@example.com") for i in range(ACCOUNTS - 1)]
    key = accounts.issue_api_key(big, name="bench").secret
    stores = [uuid.uuid4() for _ in range(3)]
    with connection.cursor() as c:
        c.execute("SELECT COALESCE(MAX(id), 0) FROM orders_address")
        next_address = c.fetchone()[0] + 1
    raw = connection.connection  # psycopg 3
    with raw.cursor() as cursor:  # the rollups' triggers off while loading: one rebuild at the end is far quicker
        cursor.execute("SET session_replication_role = replica")
    chunk = 50_000
    done = 0
    while done < n:
        size = min(chunk, n - done)
        addresses, orders, spans = [], [], []
        for i in range(size):
            address_id = next_address + done + i
            addresses.append({"id": address_id, "first_name": "Ada", "last_name": "Lovelace", "address_line1": "Unter den Linden 1",
                              "city": "Berlin", "post_code": "10117", "country": "DE"})
            account = big if rng.random() < 0.4 else rng.choice(others)
            created = _when(now, rng)
            channel = rng.choices([c for c, _ in CHANNELS], [w for _, w in CHANNELS])[0]
            store_id = rng.choice(stores) if account is big and channel == "shopify" else None
            order_id = uuid.uuid4()
            path, problems = _path(now - created, rng)
            orders.append({"id": order_id, "account": account.pk, "order_type": "order", "order_reference_id": f"R{done + i}",
                           "customer_reference_id": "c", "currency": "EUR", "channel": channel, "store_id": store_id,
                           "fulfillment_status": path[-1][0], "financial_status": "paid", "shipping_address": address_id,
                           "problems": problems, "metadata": [], "warnings": [], "source_key": "", "created_at": created,
                           "updated_at": created, "ordered_at": created})
            for k, (status, seconds) in enumerate(path):
                entered = created + timedelta(seconds=sum(s for _, s in path[:k]))
                left = None if k == len(path) - 1 else entered + timedelta(seconds=seconds)
                spans.append({"order": order_id, "account": account.pk, "channel": channel, "store_id": store_id,
                              "status": status, "entered_at": entered, "left_at": left,
                              "seconds": None if left is None else seconds})
        with raw.cursor() as cursor:
            _copy(cursor, Address, addresses)
            _copy(cursor, Order, orders)
            _copy(cursor, StatusSpan, spans)
        raw.commit()
        done += size
        print(f"  loaded {done:,} orders", flush=True)
    with raw.cursor() as cursor:
        cursor.execute("SET session_replication_role = DEFAULT")
    with kit.Timer() as t:
        analytics_rollup.rebuild()
    print(f"  day rollups built in {t.seconds:.0f} s", flush=True)
    with connection.cursor() as c:
        c.execute("SELECT setval(pg_get_serial_sequence('orders_address', 'id'), (SELECT MAX(id) FROM orders_address))")
        c.execute("SELECT setval(pg_get_serial_sequence('diagnostics_statusspan', 'id'), (SELECT MAX(id) FROM diagnostics_statusspan))")
    autocommit, raw.autocommit = raw.autocommit, True
    with raw.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    raw.autocommit = autocommit  # as Django left it
    return big, key


def _when(now: datetime, rng: random.Random) -> datetime:
    """A creation time in the last 365 days: growing towards now (sqrt), fewer at weekends, more in the afternoon."""
    while True:
        days = 365 * (1 - math.sqrt(rng.random()))
        t = now - timedelta(days=days)
        if t.weekday() < 5 or rng.random() < 0.6:
            return t.replace(hour=min(23, max(0, int(rng.gauss(14, 4)))))


def _path(age: timedelta, rng: random.Random) -> tuple[list[tuple[str, int]], list]:
    """The statuses an order went through with each stay's seconds (the last is where it is now), and its problems."""
    roll = rng.random()
    received = _stay("received", rng)
    if roll < 0.04:
        code, message = rng.choice(PROBLEMS)
        return [("received", received), ("failed", 0)], [{"field": "", "code": code, "message": message}]
    if roll < 0.07:
        return [("received", received), ("canceled", 0)], []
    path, elapsed = [], 0
    for status in PATH:
        if status == "delivered":
            path.append((status, 0))
            break
        stay = _stay(status, rng)
        if elapsed + stay > age.total_seconds() or (rng.random() < 0.002):  # still there now (a few stuck)
            path.append((status, 0))
            break
        path.append((status, stay))
        elapsed += stay
    return path, []


def _stay(status: str, rng: random.Random) -> int:
    median, sigma = STAYS[status]
    return max(1, int(rng.lognormvariate(math.log(median), sigma)))


def measure(big, key: str, repeat: int) -> bool:
    from django.test import Client

    from platen.diagnostics.services import analytics
    from platen.orders.models import Order

    client, f = Client(), analytics.filters()
    headers = {"X-API-KEY": key}

    def timed(call) -> list[float]:
        call()  # warm
        out = []
        for _ in range(repeat):
            with kit.Timer() as t:
                call()
            out.append(t.seconds * 1000)
        return out

    floor = timed(lambda: Order.objects.filter(account=big, created_at__gte=f.start, created_at__lt=f.end).count())
    floor_all = timed(lambda: Order.objects.filter(created_at__gte=f.start, created_at__lt=f.end).count())
    counted = Order.objects.filter(account=big, created_at__gte=f.start, created_at__lt=f.end).count()
    print(f"range {f.first_day}..{f.last_day}: {counted:,} of the big account's orders; "
          f"floor COUNT(*) p50 {kit.percentile(floor, 50):.1f} ms, p95 {kit.percentile(floor, 95):.1f} ms")
    ok = True
    store = Order.objects.filter(account=big, store_id__isnull=False).values_list("store_id", flat=True).first()
    for path in ["volume?interval=day", "volume?interval=week", "success?interval=day", "failure-reasons", "status-times",
                 "stuck", "volume?interval=day&format=csv", "status-times?channel=shopify", "stuck?channel=shopify",
                 f"status-times?storeId={store}", f"stuck?storeId={store}"]:
        def call(path=path):
            response = client.get(f"/v4/analytics/{path}", headers=headers)
            assert response.status_code == 200, response.content[:300]
        times = timed(call)
        p95 = kit.percentile(times, 95)
        ok &= kit.goal(f"GET /v4/analytics/{path[:44]:44} p50 {kit.percentile(times, 50):7.1f} ms  p95 {p95:7.1f} ms  "
                       f"(floor x{kit.ratio(p95, kit.percentile(floor, 95)):.1f}; goal p95 <= {GOAL_MS:.0f} ms)", p95 <= GOAL_MS)
    by_channel = analytics.filters(channel="shopify")
    print(f"operators (every account): floor COUNT(*) p95 {kit.percentile(floor_all, 95):.1f} ms")
    for name, call in [("volume", lambda: analytics.volume(None, f, "day")), ("success", lambda: analytics.success(None, f)),
                       ("failure_reasons", lambda: analytics.failure_reasons(None, f)),
                       ("status_times", lambda: analytics.status_times(None, f)), ("stuck", lambda: analytics.stuck(None, f)),
                       ("status_times shopify", lambda: analytics.status_times(None, by_channel)),
                       ("stuck shopify", lambda: analytics.stuck(None, by_channel))]:
        times = timed(call)
        p95 = kit.percentile(times, 95)
        ok &= kit.goal(f"operators {name:21} p50 {kit.percentile(times, 50):7.1f} ms  p95 {p95:7.1f} ms  "
                       f"(floor x{kit.ratio(p95, kit.percentile(floor_all, 95)):.1f})", p95 <= GOAL_MS)
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--database", help="measure again on a database an earlier run loaded and kept (--keep)")
    parser.add_argument("--keep", help="load into this new database (postgresql://...) and keep it for --database")
    args = parser.parse_args()
    print(f"analytics benchmark: {args.orders:,} orders, {kit.machine()}, {datetime.now(tz.utc):%Y-%m-%d %H:%M} UTC")
    if args.database:
        _django(args.database)
        from django.core.management import call_command

        call_command("migrate", verbosity=0)  # the schema of this code (new indexes, rollups) on the kept rows
        from platen.accounts.models import Account

        from platen.accounts import services as accounts
        big = Account.objects.get(email="big@example.com")
        from platen.orders.models import Order

        print(f"measuring again on {Order.objects.count():,} orders loaded earlier")
        return 0 if measure(big, accounts.issue_api_key(big, name="bench again").secret, args.repeat) else 1
    if args.keep:
        return run(args, args.keep)
    with kit.fresh_postgres_database("platen_bench_analytics") as url:
        return run(args, url)


def run(args, url: str) -> int:
    _django(url)
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    with kit.Timer() as t:
        big, key = load(args.orders, random.Random(args.seed))
    print(f"loaded in {t.seconds:.0f} s")
    ok = measure(big, key, args.repeat)
    connections.close_all()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
