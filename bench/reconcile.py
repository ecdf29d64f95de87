"""Reconciliation benchmark: a store with --orders orders (100,000) compared with a Platen PostgreSQL database
holding them, next to only listing the store's orders (the floor), in the same run.

The store is tests/emulators/shopify/ (a real HTTP server on loopback, in this process) on an unmetered plan:
the benchmark measures what Platen adds to reading the store, not the platform's rate limit (bench/store_sync.py
measures that). Its orders: --orders paid 2-line orders of the bulk poster placed CONNECTED_AT + 1 min on, SPACING
apart, plus --missing-unpaid orders awaiting payment.

The database (a fresh PostgreSQL database, set up in its own subprocess and analyzed, not measured) holds them as
the pulls would have left them: all but --missing are imported (an Order and its StoreOrder), --skipped of those
instead recorded as skipped (not paid) and --waiting as waiting (SKU not mapped); --missing paid orders and the
unpaid ones are not in Platen at all. The SKUs and the shipping method are mapped, so the missing paid orders
qualify and are healed.

Measured in one subprocess (so its peak RSS is the run's alone): first the floor, the connector's light listing
order_refs_since() over the window, counting; then `reconcile(store, window, "bench")`, which lists the same
orders, compares them in chunks and fetches and imports the missing ones. Goals: reconciliation <= 30 s, peak
memory <= 300 MB, time <= 1.5 x the floor.

    .venv/bin/python bench/reconcile.py [--orders 100000] [--missing 100] [--missing-unpaid 20] [--skipped 2000] [--waiting 1000]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import kit  # noqa: E402

GOAL_SECONDS, GOAL_MEMORY_MB, GOAL_RATIO = 30.0, 300.0, 1.5
CONNECTED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
SPACING = timedelta(seconds=5)  # 100,000 orders: a week of a very busy store
SKU_MAPPINGS = {"BULK-A4": "flat_product_pf_a4_pt_200-gsm-uncoated_cl_4-0_ver",
                "BULK-A3": "flat_product_pf_a3_pt_200-gsm-uncoated_cl_4-0_ver",
                "BULK-A2": "flat_product_pf_500x700-mm_pt_200-gsm-uncoated_cl_4-0_ver"}
SHIPPING = ("Standard Shipping", "tracked_post")
BATCH = 5000


def rss_mb() -> float:
    """This process's peak resident set. VmHWM, not ru_maxrss: after fork and exec, Linux's ru_maxrss starts at the
    parent's peak (here the emulator holding the whole store), which would hide this process's own."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


# --- Inside Django (the subprocesses) ------------------------------------------------------------------------

def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platen.settings")
    os.environ["PLATEN_LOG_LEVEL"] = "WARNING"
    import django

    django.setup()


def seed(plan_path: str, url: str, domain: str, token: str) -> dict:
    """The account, its store and the store's orders as Platen would hold them (bulk inserts, not measured)."""
    _django()
    from django.db import transaction

    from platen.accounts import services as accounts
    from platen.orders.models import Address, Order
    from platen.orders.statuses import Financial, Fulfillment
    from platen.stores.models import ShippingMethodMapping, SkuMapping, Store, StoreOrder, StoreStatusChange
    from platen.stores.services.connections import seal

    plan = json.loads(Path(plan_path).read_text())
    with transaction.atomic():
        account = accounts.create_account("Bench Reconcile", "reconcile@example.com")
        store = Store.objects.create(
            account=account, platform="shopify", name="Bench Prints", domain=domain, api_base_url=url,
            access_token_sealed=seal(token), webhook_secret_sealed=seal(""), status="active",
            status_changed_at=CONNECTED_AT, connected_at=CONNECTED_AT)
        StoreStatusChange.objects.create(store=store, status="active", actor_label="bench", at=CONNECTED_AT)
        SkuMapping.objects.bulk_create([SkuMapping(store=store, sku=sku, product_uid=uid) for sku, uid in SKU_MAPPINGS.items()])
        ShippingMethodMapping.objects.create(store=store, store_method=SHIPPING[0], shipment_method_uid=SHIPPING[1])
    rows = plan["orders"]
    for start in range(0, len(rows), BATCH):
        chunk = rows[start:start + BATCH]
        with transaction.atomic():
            imported = [r for r in chunk if r["bucket"] == "imported"]
            addresses = Address.objects.bulk_create([Address(first_name="Ada", last_name="Lovelace", address_line1="Main St 1",
                                                             city="Berlin", post_code="10117", country="DE") for _ in imported])
            orders = Order.objects.bulk_create([Order(
                account=account, order_reference_id=r["number"], customer_reference_id="bench", currency="USD",
                channel="shopify", store_id=store.pk, source_key=str(store.pk), external_id=r["id"],
                fulfillment_status=Fulfillment.PASSED, financial_status=Financial.PENDING, shipping_address=a,
                ordered_at=datetime.fromisoformat(r["placedAt"])) for r, a in zip(imported, addresses)])
            by_id = {o.external_id: o for o in orders}
            StoreOrder.objects.bulk_create([StoreOrder(
                store=store, external_id=r["id"], number=r["number"], placed_at=datetime.fromisoformat(r["placedAt"]),
                store_status="Paid · Unfulfilled", bucket=r["bucket"], order=by_id.get(r["id"]), seen_via="pull", snapshot={},
                reason_code={"skipped": "not_paid", "waiting": "sku_not_mapped"}.get(r["bucket"], ""),
                reason="Recorded by the benchmark.") for r in chunk if r["bucket"] != "missing"])
    return {"store": str(store.pk)}


def measure(store_id: str, start: str, end: str) -> dict:
    """The floor (listing only), then the reconciliation, in this process."""
    _django()
    from platen.diagnostics.services import reconciliation
    from platen.stores.models import Store
    from platen.stores.services import connections

    store = Store.objects.select_related("account").get(pk=store_id)
    window = (datetime.fromisoformat(start), datetime.fromisoformat(end))
    before = rss_mb()
    listed = 0
    began = time.perf_counter()
    with connections.connector_for(store) as connector:
        for ref in connector.order_refs_since(window[0]):  # the same light listing the reconciliation reads
            listed += window[0] <= ref.placed_at < window[1]
    floor = time.perf_counter() - began
    after_floor = rss_mb()
    began = time.perf_counter()
    run = reconciliation.reconcile(store, *window, "bench")
    seconds = time.perf_counter() - began
    return {"floor_seconds": floor, "listed": listed, "seconds": seconds, "rss_before_mb": before,
            "rss_after_floor_mb": after_floor, "peak_rss_mb": rss_mb(), "status": run.status, "error": run.error,
            "store_orders": run.store_orders, "counts": run.counts, "reasons": run.reasons,
            "healed": len(run.healed), "missing_listed": len(run.missing)}


def analyze(url: str) -> None:
    """What autovacuum does to a database that has held these rows a while: without statistics and a visibility
    map, PostgreSQL reads a just-loaded table's whole index prefix for a short `external_id IN (...)`."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


# --- The orchestration ---------------------------------------------------------------------------------------

def subprocess_json(env: dict, *args: str, timeout: float = 7200) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True, timeout=timeout, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def emulator(args):
    from tests.emulators import shopify

    shopify.PLANS["unmetered"] = (1e12, 1e12)  # the platform's rate limit is not what this benchmark measures
    shop = shopify.ShopifyEmulator(shop="bench-reconcile", plan="unmetered").start()
    made = shop.add_orders(args.orders, start=CONNECTED_AT + timedelta(minutes=1), spacing=SPACING)
    unpaid = [shop.add_order(created_at=made[-1].created_at + SPACING * (n + 1), financial_status="pending",
                             shipping_title=SHIPPING[0]) for n in range(args.missing_unpaid)]
    return shop, made, unpaid


def plan(made, unpaid, args) -> list[dict]:
    """Which bucket each store order has in Platen before the run: spread evenly over the week."""
    count = len(made)
    every_missing = count // max(args.missing, 1)
    rows = []
    for n, order in enumerate(made):
        if args.missing and n % every_missing == every_missing // 2 and n // every_missing < args.missing:
            bucket = "missing"
        elif n % 100 < args.skipped * 100 // count:
            bucket = "skipped"
        elif 50 <= n % 100 < 50 + args.waiting * 100 // count:
            bucket = "waiting"
        else:
            bucket = "imported"
        rows.append({"id": str(order.id), "number": order.name, "placedAt": order.created_at.isoformat(), "bucket": bucket})
    rows += [{"id": str(o.id), "number": o.name, "placedAt": o.created_at.isoformat(), "bucket": "missing"} for o in unpaid]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--missing", type=int, default=100)
    parser.add_argument("--missing-unpaid", type=int, default=20)
    parser.add_argument("--skipped", type=int, default=2000)
    parser.add_argument("--waiting", type=int, default=1000)
    parser.add_argument("--seed", nargs=4, metavar=("PLAN", "URL", "DOMAIN", "TOKEN"))
    parser.add_argument("--measure", nargs=3, metavar=("STORE", "START", "END"))
    args = parser.parse_args()
    if args.seed:
        print(json.dumps(seed(*args.seed)))
        return 0
    if args.measure:
        print(json.dumps(measure(*args.measure)))
        return 0

    print(f"reconcile benchmark, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {kit.machine()}", flush=True)
    began = time.perf_counter()
    shop, made, unpaid = emulator(args)
    rows = plan(made, unpaid, args)
    expected = {b: sum(r["bucket"] == b for r in rows) for b in ("imported", "waiting", "skipped", "missing")}
    print(f"emulated store: {len(rows):,} orders in {time.perf_counter() - began:.1f} s; Platen holds {expected}", flush=True)
    window = (CONNECTED_AT.isoformat(), (CONNECTED_AT + SPACING * (len(rows) + 100) + timedelta(hours=1)).isoformat())
    try:
        with tempfile.TemporaryDirectory() as data_dir, kit.fresh_postgres_database("platen_bench_reconcile") as url:
            env = kit.platen_env(data_dir, url, PLATEN_FETCH_ALLOW_PRIVATE="1")
            done = subprocess.run([str(ROOT / ".venv" / "bin" / "platen"), "migrate", "--verbosity", "0"], env=env,
                                  capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"platen migrate failed:\n{done.stderr[-2000:]}")
            plan_path = Path(data_dir) / "plan.json"
            plan_path.write_text(json.dumps({"orders": rows}))
            began = time.perf_counter()
            store = subprocess_json(env, "--seed", str(plan_path), shop.url, shop.domain, shop.token)["store"]
            analyze(url)
            print(f"database seeded in {time.perf_counter() - began:.1f} s", flush=True)
            result = subprocess_json(env, "--measure", store, *window)
    finally:
        shop.stop()

    counts = result["counts"]
    print(f"floor (list only): {result['listed']:,} orders in {result['floor_seconds']:.2f} s")
    print(f"reconciliation:    {result['store_orders']:,} orders in {result['seconds']:.2f} s, status {result['status']} "
          f"{result['error']}; counts {counts}; reasons {result['reasons']}")
    print(f"peak RSS {result['peak_rss_mb']:.0f} MB (at start {result['rss_before_mb']:.0f} MB, after the floor "
          f"{result['rss_after_floor_mb']:.0f} MB)")
    healed_expected = expected["missing"] - args.missing_unpaid
    right = (result["status"] == "done" and result["store_orders"] == len(rows)
             and counts == {**expected, "healed": healed_expected})
    ok = kit.goal(f"every store order in its bucket, {healed_expected} healed ({counts})", right)
    ok &= kit.goal(f"reconciliation {result['seconds']:.1f} s <= {GOAL_SECONDS:.0f} s", result["seconds"] <= GOAL_SECONDS)
    ok &= kit.goal(f"peak memory {result['peak_rss_mb']:.0f} MB <= {GOAL_MEMORY_MB:.0f} MB", result["peak_rss_mb"] <= GOAL_MEMORY_MB)
    ratio = kit.ratio(result["seconds"], result["floor_seconds"])
    ok &= kit.goal(f"reconciliation / floor {ratio:.2f}x <= {GOAL_RATIO}x", ratio <= GOAL_RATIO)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
