"""Store sync benchmark: pulling an emulated Shopify store under its rate limit, and acknowledging its webhooks.

The store is tests/emulators/shopify.py (a real HTTP server on loopback, in this process, on the wall clock so
its leaky bucket really restores) on the Standard plan: a bucket of 1000 points restoring 100 points/s.

  connector  The Shopify connector's `orders_since(None)` alone, over --orders orders (20,000), in a subprocess
             (its peak RSS is the pull's, not the emulator's). The ceiling is what the rate limit allows for the
             query Platen sends: restoreRate / its actual cost per order, read from the emulator's cost answers.
  pull       Platen's whole pull, `stores.services.pulls.pull(store)`, importing --pull-orders orders into a fresh
             PostgreSQL database, in a subprocess: orders/s against the same ceiling, peak RSS, CPU per order, and
             where every store order ended (imported, waiting, skipped).
  webhooks   `platen web` with production settings receiving signed `orders/create` deliveries at
             POST /hooks/shopify/{storeId} from --clients clients paced at --rates per second: p99 of the answer,
             next to bench/intake.py's floor (POST /v4/_floor) with the same bodies, clients and pace, in
             alternating rounds; then each once back to back (capacity, informational).

Goals: pull >= 0.9 of the ceiling with no THROTTLED answer after the first, peak memory <= 200 MB, webhook p99
<= 50 ms at 200/s from 16 clients. Method and figures: docs/benchmarks.md ("Store sync").

    .venv/bin/python bench/store_sync.py [--parts connector,pull,webhooks] [--orders 20000] [--pull-orders 2000]
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import hashlib
import hmac
import http.client
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench import intake, kit  # noqa: E402
from bench.intake import LoadResult, ServerCpu, running_server, set_up_merchant  # noqa: E402

GOAL_RATIO, GOAL_MEMORY_MB, GOAL_P99_MS = 0.9, 200.0, 50.0
CONNECTED_AT = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)  # the store's connection; every order is placed after it
SPACING = timedelta(seconds=1)  # between two orders' creation (20,000 orders: 5.6 hours of a busy store)
# The emulator's bulk orders are 2 lines of a poster in three sizes, shipped "Standard Shipping": mapped to the catalog.
SKU_MAPPINGS = {"BULK-A4": "flat_product_pf_a4_pt_200-gsm-uncoated_cl_4-0_ver",
                "BULK-A3": "flat_product_pf_a3_pt_200-gsm-uncoated_cl_4-0_ver",
                "BULK-A2": "flat_product_pf_500x700-mm_pt_200-gsm-uncoated_cl_4-0_ver"}
SHIPPING = ("Standard Shipping", "tracked_post")


def rss_mb() -> float:
    """This process's peak resident set (Linux reports kB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


# --- The emulated store ------------------------------------------------------------------------------------

def emulator(count: int, plan: str = "standard"):
    """A started emulator on the wall clock holding `count` paid, unfulfilled 2-line orders placed after CONNECTED_AT."""
    from tests.emulators.shopify import ShopifyEmulator

    shop = ShopifyEmulator(shop="bench-prints", plan=plan).start()
    if count:
        shop.add_orders(count, start=CONNECTED_AT + timedelta(minutes=1), spacing=SPACING)
    return shop


class Costs:
    """What the emulator answered during one measured window: its cost entries from `start` on."""

    def __init__(self, shop, start: int, orders: int):
        self.entries = shop.costs[start:]
        self.answered = [c for c in self.entries if c["actualQueryCost"] is not None]
        self.throttled_at = [n for n, c in enumerate(self.entries) if c["actualQueryCost"] is None]
        self.orders, self.restore, self.bucket = orders, shop.restore_rate, shop.maximum_available
        self.actual = sum(c["actualQueryCost"] for c in self.answered)
        self.requested = [c["requestedQueryCost"] for c in self.answered]

    @property
    def per_order(self) -> float:
        return self.actual / self.orders if self.orders else float("nan")

    @property
    def ceiling(self) -> float:
        """Orders/s the bucket allows once it is empty: restoreRate / actual points per order."""
        return self.restore / self.per_order if self.orders else float("nan")

    @property
    def fastest_seconds(self) -> float:
        """The least time these queries can take. Query k runs only when the bucket holds its requested cost, after
        the actual costs of those before it were spent: from a full bucket, at the earliest after
        (sum of earlier actual costs + its requested cost - bucket) / restoreRate; the latest of these bounds all."""
        spent, latest = 0.0, 0.0
        for cost in self.answered:
            latest = max(latest, spent + cost["requestedQueryCost"] - self.bucket)
            spent += cost["actualQueryCost"]
        return latest / self.restore

    def ratio(self, seconds: float) -> float:
        return kit.ratio(self.fastest_seconds, seconds)

    def throttled_after_first(self) -> int:
        return max(0, len(self.throttled_at) - 1)

    def line(self) -> str:
        pages = len(self.answered)
        return (f"{pages} queries answered, {len(self.throttled_at)} THROTTLED; requested {min(self.requested, default=0)}"
                f"-{max(self.requested, default=0)} points a query, actual {self.actual / max(pages, 1):.0f} on average "
                f"= {self.per_order:.2f} points per order; ceiling {self.restore:.0f} points/s / {self.per_order:.2f} = "
                f"{self.ceiling:.2f} orders/s")


# --- Inside Django (the measuring subprocesses) ----------------------------------------------------------------

def _django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platen.settings")
    os.environ["PLATEN_LOG_LEVEL"] = "WARNING"  # a line per imported order is not the benchmark
    import django

    django.setup()


def measure_connector(url: str, domain: str, token: str) -> dict:
    """orders_since(None) over the whole store, counting (not keeping) what it yields."""
    _django()
    from platen.stores.connectors import registry
    from platen.stores.connectors.base import Credentials

    before_rss, before_cpu = rss_mb(), cpu_seconds()
    count, newest = 0, None
    with registry.connector(Credentials("shopify", domain, token, api_base_url=url)) as connector:
        start = time.perf_counter()
        for order in connector.orders_since(None):
            count += 1
            newest = order.updated_at
        seconds = time.perf_counter() - start
    return {"orders": count, "seconds": seconds, "rss_before_mb": before_rss, "peak_rss_mb": rss_mb(),
            "cpu_seconds": cpu_seconds() - before_cpu, "newest": newest.isoformat() if newest else None}


def create_store(url: str, domain: str, token: str, secret: str, connected_at: datetime):
    """A merchant's account and its active Shopify store (connected at `connected_at`), with the SKU and shipping
    mappings its orders need. Set-up, not measured: through the models, as `POST /v4/stores` would leave them."""
    from django.db import transaction

    from platen.accounts import services as accounts
    from platen.stores.models import ShippingMethodMapping, SkuMapping, Store, StoreStatusChange
    from platen.stores.services.connections import seal

    with transaction.atomic():
        account = accounts.create_account(f"Bench Store {uuid.uuid4().hex[:6]}", "store@example.com")
        store = Store.objects.create(
            account=account, platform="shopify", name="Bench Prints", domain=domain, api_base_url=url,
            access_token_sealed=seal(token), webhook_secret_sealed=seal(secret), status="active",
            status_changed_at=connected_at, connected_at=connected_at)
        StoreStatusChange.objects.create(store=store, status="active", actor_label="bench", at=connected_at)
        SkuMapping.objects.bulk_create([SkuMapping(store=store, sku=sku, product_uid=uid) for sku, uid in SKU_MAPPINGS.items()])
        ShippingMethodMapping.objects.create(store=store, store_method=SHIPPING[0], shipment_method_uid=SHIPPING[1])
    return store


def measure_pull(url: str, domain: str, token: str, secret: str) -> dict:
    """Platen's pull of a newly connected store, everything since its connection, into this database."""
    _django()
    from django.db.models import Count

    from platen.orders.models import Order
    from platen.stores.models import StoreOrder
    from platen.stores.services import pulls

    store = create_store(url, domain, token, secret, CONNECTED_AT)
    before_rss, before_cpu = rss_mb(), cpu_seconds()
    start = time.perf_counter()
    outcome = pulls.pull(store)
    seconds = time.perf_counter() - start
    buckets = dict(StoreOrder.objects.filter(store=store).values_list("bucket").annotate(n=Count("id")).values_list("bucket", "n"))
    return {"seconds": seconds, "rss_before_mb": before_rss, "peak_rss_mb": rss_mb(), "cpu_seconds": cpu_seconds() - before_cpu,
            "buckets": buckets, "orders": Order.objects.filter(store_id=store.id).count(), "outcome": repr(outcome)[:300]}


def create_store_cli(url: str, domain: str, token: str, secret: str) -> dict:
    _django()
    return {"id": str(create_store(url, domain, token, secret, CONNECTED_AT - timedelta(days=1)).pk)}


# --- The orchestration ---------------------------------------------------------------------------------------

def subprocess_json(env: dict, *args: str, timeout: float = 7200) -> dict:
    done = subprocess.run([sys.executable, __file__, *args], env=env, capture_output=True, text=True, timeout=timeout,
                          check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args[:2])} failed ({done.returncode}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def shop_args(shop) -> list[str]:
    return ["--url", shop.url, "--domain", shop.domain, "--token", shop.token, "--secret", shop.secret]


def estimate(orders: int, points_per_order: float, shop) -> str:
    seconds = max(0.0, orders * points_per_order - shop.maximum_available) / shop.restore_rate
    return f"{orders:,} orders x {points_per_order:.2f} points at {shop.restore_rate:.0f} points/s: at least {seconds / 60:.1f} min"


def probe_cost(env: dict, shop) -> float:
    """Points per order of the connector's own query, from a pull of 60 orders (inside the full bucket: quick)."""
    probe = emulator(60)
    try:
        result = subprocess_json(env, "--measure", "connector", *shop_args(probe))
        return Costs(probe, 0, result["orders"]).per_order
    finally:
        probe.stop()


def run_connector(env: dict, args) -> dict:
    shop = emulator(args.orders)
    try:
        print(f"connector: {estimate(args.orders, probe_cost(env, shop), shop)}", flush=True)
        start = len(shop.costs)
        result = subprocess_json(env, "--measure", "connector", *shop_args(shop))
        costs = Costs(shop, start, result["orders"])
    finally:
        shop.stop()
    return {**result, "costs": costs, "expected": args.orders}


def run_pull(env: dict, args) -> dict:
    shop = emulator(args.pull_orders, args.pull_plan)
    try:
        with kit.fresh_postgres_database() as url:
            db_env = {**env, "DATABASE_URL": url}
            done = subprocess.run([str(ROOT / ".venv" / "bin" / "platen"), "migrate", "--verbosity", "0"], env=db_env,
                                  capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"platen migrate failed:\n{done.stderr[-2000:]}")
            print(f"pull: {estimate(args.pull_orders, probe_cost(env, shop), shop)} ({args.pull_plan} plan)", flush=True)
            start = len(shop.costs)
            result = subprocess_json(db_env, "--measure", "pull", *shop_args(shop))
            costs = Costs(shop, start, args.pull_orders)
    finally:
        shop.stop()
    return {**result, "costs": costs, "expected": args.pull_orders}


# --- Webhooks --------------------------------------------------------------------------------------------------

def deliveries(shop, secret: str, count: int) -> list[tuple[dict, bytes]]:
    """`count` orders/create deliveries of new orders, signed and serialised before the clock starts."""
    made = []
    for order in shop.add_orders(count, start=datetime.now(UTC) - SPACING * count, spacing=SPACING):
        body = json.dumps(shop.rest_order(order.id), separators=(",", ":")).encode()
        made.append(({
            "Content-Type": "application/json", "X-Shopify-Topic": "orders/create", "X-Shopify-Shop-Domain": shop.domain,
            "X-Shopify-Hmac-Sha256": base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode(),
            "X-Shopify-API-Version": "2026-01", "X-Shopify-Webhook-Id": str(uuid.uuid4()), "X-Shopify-Event-Id": str(uuid.uuid4()),
            "X-Shopify-Triggered-At": datetime.now(UTC).isoformat().replace("+00:00", "Z")}, body))
    return made


def sender(port: int, path: str, expected: int):
    def send(item: tuple[dict, bytes]) -> str | None:
        headers, body = item
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        try:
            conn.request("POST", path, body=body, headers=headers)
            answer = conn.getresponse()
            data = answer.read()
        finally:
            conn.close()
        return None if answer.status == expected else f"{answer.status}: {data[:200]!r}"
    return send


def connect_store(port: int, api_key: str, shop, env: dict) -> str:
    """`POST /v4/stores` as a merchant's script does; the store's id."""
    body = json.dumps({"platform": "shopify", "domain": shop.domain, "accessToken": shop.token,
                       "webhookSecret": shop.secret, "apiBaseUrl": shop.url}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("POST", "/v4/stores", body=body, headers={"X-API-KEY": api_key, "Content-Type": "application/json"})
    answer = conn.getresponse()
    data = answer.read()
    conn.close()
    if answer.status == 404:  # before the stores API exists: the same rows, written directly
        print("POST /v4/stores answered 404: the store is created through the models", flush=True)
        return subprocess_json(env, "--measure", "store", *shop_args(shop))["id"]
    if answer.status != 200:
        raise SystemExit(f"POST /v4/stores answered {answer.status}: {data[:500]!r}")
    return json.loads(data)["id"]


def wait_until_answering(server: subprocess.Popen, port: int, log_path: Path, timeout: float = 180) -> None:
    """`platen web` is up when it answers anything. intake.wait_until_answering asks for /v4/openapi.json with a 2 s
    timeout; with the stores API that document takes 3-5 s to build on a busy machine, so it never got an answer.
    A path no route has answers 404 at once."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"platen web exited with {server.returncode}:\n{log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", "/v4/_up")
            conn.getresponse().read()
            conn.close()
            return
        time.sleep(0.2)
    raise SystemExit(f"platen web did not answer on port {port} within {timeout:.0f} s")


def run_webhooks(env: dict, args) -> dict:
    shop = emulator(0)
    with tempfile.TemporaryDirectory(prefix="platen-bench-") as data_dir, contextlib.ExitStack() as stack:
        stack.callback(shop.stop)
        web_env = kit.platen_env(data_dir, stack.enter_context(kit.fresh_postgres_database()),
                                 PLATEN_BENCH_FLOOR="1", PLATEN_FETCH_ALLOW_PRIVATE="1")
        api_key = set_up_merchant(web_env)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port, log_path = probe.getsockname()[1], Path(data_dir) / "web.log"
        intake.wait_until_answering = wait_until_answering  # running_server's readiness check, see above
        server = stack.enter_context(running_server(web_env, port, args.workers, log_path))
        cpu = ServerCpu(server.pid, web_env["DATABASE_URL"].rsplit("/", 1)[-1])
        stack.callback(cpu.stopping.set)
        store_id = connect_store(port, api_key, shop, web_env)
        hooks, floor = sender(port, f"/hooks/shopify/{store_id}", 200), sender(port, "/v4/_floor", 201)
        per_round = args.webhooks // args.rounds
        items = deliveries(shop, shop.secret, args.warmup + per_round * args.rounds * len(args.rates) + args.saturated)
        warm, rest = items[:args.warmup], items[args.warmup:]

        def shares(chunk: list) -> list[list]:
            return [chunk[n::args.clients] for n in range(args.clients)]

        def measured(send, chunk: list, rate: float, into: LoadResult) -> None:
            before = cpu.totals()
            result = kit.clients(send, shares(chunk), rate, LoadResult)
            after = cpu.totals()
            result.server_cpu = {k: after[k] - before.get(k, 0.0) for k in after}
            into.add(result)

        kit.clients(floor, shares(warm), 0, LoadResult)  # imports, connections and caches in every worker
        kit.clients(hooks, shares(warm), 0, LoadResult)
        paced = {rate: {"webhooks": LoadResult(), "floor": LoadResult()} for rate in args.rates}
        for rate in args.rates:
            for n in range(args.rounds):
                chunk, rest = rest[:per_round], rest[per_round:]
                measured(floor, chunk, rate, paced[rate]["floor"])
                measured(hooks, chunk, rate, paced[rate]["webhooks"])
        saturated = {"webhooks": LoadResult(), "floor": LoadResult()}
        last = rest
        if last:
            measured(floor, last, 0, saturated["floor"])
            measured(hooks, last, 0, saturated["webhooks"])
        stored = webhooks_stored(web_env, store_id)
        if any(r.errors for r in [*saturated.values(), *(r for by in paced.values() for r in by.values())]):
            print("server log (tail):\n" + log_path.read_text()[-3000:])
    return {"paced": paced, "saturated": saturated, "stored": stored}


def webhooks_stored(env: dict, store_id: str) -> int:
    return subprocess_json(env, "--measure", "stored", "--store", store_id)["stored"]


def count_stored(store_id: str) -> dict:
    _django()
    from platen.stores.models import StoreWebhook

    return {"stored": StoreWebhook.objects.filter(store_id=store_id).count()}


# --- Report ----------------------------------------------------------------------------------------------------

def load_line(name: str, r: LoadResult) -> str:
    n = max(len(r.latencies_ms) + r.errors, 1)
    cpu = " + ".join(f"{k} {v / n * 1000:.2f}" for k, v in r.server_cpu.items())
    return (f"  {name:<24} {len(r.latencies_ms):>6} answered {r.per_second:8.1f}/s  p50 {r.percentile(50):6.1f} ms  "
            f"p99 {r.percentile(99):6.1f} ms  max {max(r.latencies_ms, default=float('nan')):6.1f} ms  errors {r.errors}  "
            f"server CPU/req: {cpu} ms")


def report(results: dict, args) -> bool:
    print(f"\nStore sync: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {kit.machine()}, "
          f"load average {os.getloadavg()[0]:.2f} at the end")
    oks = []
    for part in ("connector", "pull"):
        if part not in results:
            continue
        r, costs = results[part], results[part]["costs"]
        got = r["orders"] if part == "connector" else sum(r["buckets"].values())
        rate = kit.ratio(got, r["seconds"])
        print(f"{part}: {got:,} of {r['expected']:,} orders in {r['seconds']:.1f} s = {rate:.2f} orders/s; "
              f"fastest the bucket allows {costs.fastest_seconds:.1f} s; CPU {r['cpu_seconds']:.1f} s "
              f"({kit.ratio(r['cpu_seconds'], got) * 1000:.1f} ms per order); peak RSS {r['peak_rss_mb']:.0f} MB "
              f"({r['rss_before_mb']:.0f} MB before the pull)")
        print(f"  {costs.line()}")
        if part == "pull":
            print(f"  store orders by bucket: {r['buckets']}; Platen orders: {r['orders']:,}; pull answered {r['outcome']}")
        label = f"{part} ({args.pull_plan} plan)" if part == "pull" else part
        oks += [
            kit.goal(f"{label}: {costs.ratio(r['seconds']):.3f} of the ceiling >= {GOAL_RATIO} ({got:,} orders)",
                     costs.ratio(r["seconds"]) >= GOAL_RATIO and got == r["expected"]),
            kit.goal(f"{label}: THROTTLED answers after the first: {costs.throttled_after_first()} (all: "
                     f"{len(costs.throttled_at)})", costs.throttled_after_first() == 0),
            kit.goal(f"{label}: peak memory {r['peak_rss_mb']:.0f} MB <= {GOAL_MEMORY_MB:.0f} MB", r["peak_rss_mb"] <= GOAL_MEMORY_MB),
        ]
    if "webhooks" in results:
        r = results["webhooks"]
        print(f"webhooks: {args.clients} clients, {args.rounds} alternating rounds (floor, webhooks) per rate, latency "
              f"from the scheduled send; then back to back; {r['stored']:,} deliveries stored")
        runs = [(f"at {rate:g}/s", r["paced"][rate]) for rate in args.rates] + [("back to back", r["saturated"])]
        for mode, by in runs:
            for name, title in (("webhooks", "webhooks"), ("floor", "floor")):
                print(load_line(f"{title} {mode}", by[name]))
        rate = args.rates[0]
        hooks = r["paced"][rate]["webhooks"]
        p99 = hooks.percentile(99)
        oks.append(kit.goal(f"webhook acknowledgement p99 {p99:.1f} ms <= {GOAL_P99_MS:.0f} ms at {rate:g}/s from "
                            f"{args.clients} clients (floor p99 {r['paced'][rate]['floor'].percentile(99):.1f} ms)",
                            p99 <= GOAL_P99_MS and hooks.errors == 0))
    return all(oks)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--parts", default="connector,pull,webhooks", help="which parts, comma-separated")
    parser.add_argument("--orders", type=int, default=20_000, help="orders in the store the connector pulls")
    parser.add_argument("--pull-orders", type=int, default=2_000, help="orders Platen's whole pull imports")
    parser.add_argument("--pull-plan", default="standard", choices=["standard", "advanced", "plus"],
                        help="the store's plan for the whole pull (plus: 1000 points/s, to see Platen's own speed)")
    parser.add_argument("--webhooks", type=int, default=4_000, help="paced deliveries per endpoint and rate, over all rounds")
    parser.add_argument("--saturated", type=int, default=1_000, help="back-to-back deliveries per endpoint at the end")
    parser.add_argument("--warmup", type=int, default=200)
    parser.add_argument("--rates", type=lambda text: [float(r) for r in text.split(",")], default=[200.0],
                        help="webhooks per second over all clients, comma-separated; the goal is judged at the first")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: Platen's, 2 per core + 1)")
    parser.add_argument("--measure", choices=["connector", "pull", "stored", "store"], help=argparse.SUPPRESS)  # internal
    for name in ("url", "domain", "token", "secret", "store"):
        parser.add_argument(f"--{name}", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        work = {"connector": lambda: measure_connector(args.url, args.domain, args.token),
                "pull": lambda: measure_pull(args.url, args.domain, args.token, args.secret),
                "stored": lambda: count_stored(args.store),
                "store": lambda: create_store_cli(args.url, args.domain, args.token, args.secret)}[args.measure]
        print(json.dumps(work()))
        return 0
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop the server, drop the databases
    parts = [p.strip() for p in args.parts.split(",") if p.strip()]
    results = {}
    with tempfile.TemporaryDirectory(prefix="platen-bench-") as data_dir:
        env = kit.platen_env(data_dir, "", PLATEN_FETCH_ALLOW_PRIVATE="1")
        env.pop("DATABASE_URL")  # the connector alone needs none
        for part, run in (("webhooks", run_webhooks), ("pull", run_pull), ("connector", run_connector)):
            if part in parts:
                started = time.perf_counter()
                results[part] = run(env, args)
                print(f"{part}: done in {time.perf_counter() - started:.0f} s", flush=True)
    return 0 if report(results, args) else 1


if __name__ == "__main__":
    sys.exit(main())
