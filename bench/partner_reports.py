"""Partner status reports benchmark: `POST /v2/order/status` from concurrent partner clients, over real HTTP.

Sets Platen up as an operator would (production settings, fresh PostgreSQL database, `platen migrate`,
`platen accounts create`, `platen apikey create`, `platen partners create`, `platen partners key`,
`platen web`), has the merchant create orders through `POST /v4/orders`, puts them at the partner's facility
in `created` (in-process, through the transition table: routing is not what is measured here), then 8 clients
each walk their own orders through `received`, `printed`, `shipped` (with a tracking code and link): every
report authenticated, parsed, the order locked, moved through the transition table, the history and the
postback/tracking rows written, and the job answered as GET /v4/partner/jobs/{orderId} shows it.

The floor, in the same run and server: the same report bodies, same key and clients, for orders the partner
does not have (authenticated, parsed, validated, one indexed look-up, answered 404). Rounds alternate floor and
reports. Those clients send as fast as they are answered (saturation); then, with the same clients, reports
are sent on a schedule at --rates per second (latency from the scheduled moment), which is what a partner
network's reports look like. Prints reports/s, p50/p99, errors, server and client CPU per request and the
ratio; goal p99 <= 100 ms (checked on the saturated run: the exit status). Method and results: docs/benchmarks.md
("Partner status reports").

    .venv/bin/python bench/partner_reports.py [--clients 8] [--orders 600] [--rounds 2] [--rates 10,20]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import sys
import tempfile
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.intake import LoadResult, ServerCpu, platen_cli, running_server, set_up_merchant  # noqa: E402
from bench.kit import fresh_postgres_database, goal, machine, platen_env  # noqa: E402
from tests.orders.factories import order_payload  # noqa: E402

GOAL_P99_MS = 100.0
STEPS = ("received", "printed", "shipped")


# --- Set-up ------------------------------------------------------------------------------------------------

def set_up_partner(env: dict) -> tuple[str, str]:
    """`platen partners create` and `platen partners key`: (partner id, partner key)."""
    partner_id = platen_cli(env, "partners", "create", "Bench Print", "--email", "print@example.com").splitlines()[-1]
    return partner_id, platen_cli(env, "partners", "key", partner_id, "--name", "bench").splitlines()[-1]


def create_orders(port: int, merchant_key: str, count: int, tag: str) -> list[str]:
    """Orders made by the merchant through the API (their checks stay queued: no worker runs)."""
    ids = []
    for n in range(count):
        body = json.dumps(order_payload(orderReferenceId=f"bench-{tag}-{n:05d}")).encode()
        status, answer = _post(port, "/v4/orders", merchant_key, body)
        if status != 200:
            raise SystemExit(f"creating an order failed ({status}): {answer[:500]!r}")
        ids.append(json.loads(answer)["id"])
    return ids


def place_at_partner(env: dict, partner_id: str, order_ids: list[str]) -> None:
    """In this process, on the same database: the orders reach `created` through the transition table and get a
    production job at the partner's facility, as routing would leave them."""
    os.environ.update({k: v for k, v in env.items() if k.startswith("PLATEN_") or k == "DATABASE_URL"})
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platen.settings")
    os.environ["PLATEN_LOG_LEVEL"] = "ERROR"  # the set-up's history lines are not the benchmark
    import django

    django.setup()
    from datetime import time as clock

    from django.db import connection, transaction
    from django.utils import timezone

    from platen.kit.actors import Actor
    from platen.orders.models import Order
    from platen.orders.transitions import transition_items
    from platen.production.models import Carrier, CarrierService, Facility, ProductionJob

    facility, _ = Facility.objects.get_or_create(code="bench-berlin-1", defaults=dict(
        partner_id=partner_id, name="Bench Print Berlin", country="DE", city="Berlin", latitude="52.52",
        longitude="13.405", time_zone="Europe/Berlin", cutoff=clock(15), daily_capacity=100_000, makes=["*"], ships_to=["*"]))
    carrier, _ = Carrier.objects.get_or_create(code="dhl", defaults=dict(
        name="DHL", tracking_url_template="https://www.dhl.com/track?tracking-id={code}"))
    service = CarrierService.objects.filter(carrier=carrier).first() or CarrierService.objects.create(
        carrier=carrier, name="Paket", shipment_method_uid="*", from_countries=["*"], to_countries=["*"], min_days=1, max_days=3)
    for order_id in order_ids:
        with transaction.atomic():
            order = Order.objects.select_for_update().get(pk=order_id)
            items = list(order.items.all())
            for status in ("passed", "created"):
                transition_items(order, items, status, Actor.system("bench"), siblings=items)
            ProductionJob.objects.create(order=order, facility=facility, partner_id=partner_id,
                                         due_date=timezone.localdate(), carrier_service=service)
    connection.close()


# --- Load --------------------------------------------------------------------------------------------------

def _post(port: int, path: str, key: str, body: bytes) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("POST", path, body=body, headers={"X-API-KEY": key, "Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def reports_for(order_ids: list[str]) -> list[list[bytes]]:
    """Per order, its three reports in order (serialised before the clock starts)."""
    now = datetime.now(UTC).isoformat()
    bodies = []
    for order_id in order_ids:
        code = f"JJD{uuid.uuid4().hex[:12].upper()}"
        extra = {"received": {}, "printed": {}, "shipped": {
            "trackingCode": code, "trackingLink": f"https://www.dhl.com/track?tracking-id={code}"}}
        bodies.append([json.dumps({"timestamp": now, "orderId": order_id, "status": s, "message": None, **extra[s]}).encode()
                       for s in STEPS])
    return bodies


def drive(port: int, key: str, per_order: list[list[bytes]], clients: int, expected: int, rate: float = 0) -> LoadResult:
    """`clients` threads, each walking its share of orders step by step; every request a new connection.
    rate 0: each client sends its next report as soon as the last is answered (saturation). rate > 0: reports
    are sent on a fixed schedule, `rate` per second over all clients, and latency counts from the scheduled
    moment (a late send counts its wait), so a slow server cannot hide behind a slowed load generator."""
    shares = [per_order[n::clients] for n in range(clients)]
    results = [LoadResult() for _ in shares]
    start = threading.Barrier(len(shares) + 1)
    interval = clients / rate if rate else 0.0

    def client(n: int, share: list[list[bytes]], result: LoadResult) -> None:
        start.wait()
        due = time.perf_counter() + n * interval / clients
        for steps in share:
            for body in steps:
                if interval:
                    time.sleep(max(0.0, due - time.perf_counter()))
                began = due if interval else time.perf_counter()
                due += interval
                try:
                    status, answer = _post(port, "/v2/order/status", key, body)
                except OSError as exc:
                    status, answer = 0, str(exc).encode()
                if status == expected:
                    result.latencies_ms.append((time.perf_counter() - began) * 1000)
                else:
                    result.errors += 1
                    if len(result.error_samples) < 5:
                        result.error_samples.append(f"{status}: {answer[:200]!r}")

    threads = [threading.Thread(target=client, args=(n, s, r)) for n, (s, r) in enumerate(zip(shares, results))]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    total = LoadResult()
    for r in results:
        total.add(r)
    total.seconds = time.perf_counter() - began
    return total


def round_trip(port, key, per_order, args, cpu: ServerCpu, expected: int, into: LoadResult, rate: float = 0) -> None:
    before, client_before = cpu.totals(), time.process_time()
    result = drive(port, key, per_order, args.clients, expected, rate)
    # This process's CPU over the window: the 8 client threads (and the 0.5 s /proc sampler), to see what the load
    # generator itself takes from the 2 cores the server runs on.
    result.client_cpu = time.process_time() - client_before
    after = cpu.totals()
    result.server_cpu = {k: after[k] - before.get(k, 0.0) for k in after}
    into.add(result)


# --- Report ------------------------------------------------------------------------------------------------

def line(name: str, r: LoadResult) -> str:
    n = max(len(r.latencies_ms), 1)
    cpu = " + ".join(f"{k} {v / n * 1000:.2f}" for k, v in r.server_cpu.items())
    return (f"{name:<9} {len(r.latencies_ms):>6} req  {r.per_second:8.1f}/s  p50 {r.percentile(50):6.1f} ms  "
            f"p99 {r.percentile(99):6.1f} ms  errors {r.errors}  server CPU/req: {cpu} ms  "
            f"client CPU/req: {r.client_cpu / n * 1000:.2f} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--orders", type=int, default=600, help="orders walked through the three reports (over all rounds)")
    parser.add_argument("--rounds", type=int, default=2, help="alternating floor/reports rounds sharing --orders")
    parser.add_argument("--warmup", type=int, default=30, help="orders reported (and floor requests) before measuring")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: Platen's, 2 per core + 1)")
    parser.add_argument("--rates", default="10,20", help="paced runs after the saturated ones: reports/s over all clients "
                                                         "(comma-separated; empty for none)")
    parser.add_argument("--paced-orders", type=int, default=100, help="orders (x3 reports) per paced run")
    args = parser.parse_args()
    rates = [float(r) for r in args.rates.split(",") if r.strip()]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop the server, drop the database

    with tempfile.TemporaryDirectory(prefix="platen-bench-") as data_dir, contextlib.ExitStack() as stack:
        env = platen_env(data_dir, stack.enter_context(fresh_postgres_database()))
        merchant_key = set_up_merchant(env)
        partner_id, partner_key = set_up_partner(env)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port, log_path = probe.getsockname()[1], Path(data_dir) / "web.log"
        server = stack.enter_context(running_server(env, port, args.workers, log_path))
        cpu = ServerCpu(server.pid, env["DATABASE_URL"].rsplit("/", 1)[-1])
        stack.callback(cpu.stopping.set)

        per_round = args.orders // args.rounds
        t0 = time.perf_counter()
        order_ids = create_orders(port, merchant_key, args.warmup + per_round * args.rounds + args.paced_orders * len(rates), "r")
        place_at_partner(env, partner_id, order_ids)
        print(f"set-up: {len(order_ids)} orders created and placed in {time.perf_counter() - t0:.1f} s")
        warm, measured = order_ids[:args.warmup], order_ids[args.warmup:args.warmup + per_round * args.rounds]
        paced_ids = order_ids[args.warmup + per_round * args.rounds:]
        strangers = [str(uuid.uuid4()) for _ in range(len(order_ids))]  # orders this partner does not have

        drive(port, partner_key, reports_for(strangers[:args.warmup]), args.clients, 404)
        drive(port, partner_key, reports_for(warm), args.clients, 200)
        ours, floor = LoadResult(), LoadResult()
        for n in range(args.rounds):
            chunk = slice(n * per_round, (n + 1) * per_round)
            round_trip(port, partner_key, reports_for(strangers[args.warmup:][chunk]), args, cpu, 404, floor)
            round_trip(port, partner_key, reports_for(measured[chunk]), args, cpu, 200, ours)
        paced = []
        for n, rate in enumerate(rates):
            result = LoadResult()
            round_trip(port, partner_key, reports_for(paced_ids[n * args.paced_orders:(n + 1) * args.paced_orders]),
                       args, cpu, 200, result, rate)
            paced.append((rate, result))
        if ours.errors or floor.errors or any(r.errors for _, r in paced):
            print("errors:", *(ours.error_samples + floor.error_samples + [e for _, r in paced for e in r.error_samples]), sep="\n  ")
            print("server log (tail):\n" + log_path.read_text()[-3000:])

    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {machine()}, load average {os.getloadavg()[0]:.2f} at the end")
    print(f"{args.clients} clients, {args.rounds} rounds, {per_round * args.rounds} orders x {len(STEPS)} reports "
          f"({', '.join(STEPS)}); floor: the same reports for orders the partner does not have (404)")
    print(line("reports", ours))
    print(line("floor", floor))
    for rate, result in paced:
        print(line(f"at {rate:g}/s", result) + f"  (paced: {args.paced_orders} orders, latency from the scheduled send)")
    ratio = ours.per_second / floor.per_second if floor.per_second else float("nan")
    p99 = ours.percentile(99)
    print(f"ratio reports/floor: {ratio:.2f}   errors: {ours.errors + floor.errors}")
    ok = goal(f"p99 <= {GOAL_P99_MS:.0f} ms with {args.clients} clients back to back ({p99:.1f} ms)", p99 <= GOAL_P99_MS)
    return 0 if ok and ours.errors == 0 and floor.errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
