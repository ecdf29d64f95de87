"""Postback benchmark: signed webhooks from `platen worker` to a receiver on loopback.

Sets Platen up as an operator would (fresh PostgreSQL database, `platen migrate`, `platen accounts create`,
`platen apikey create`, `platen web`), creates orders and registers an endpoint through the API, then
  * throughput: moves a batch of orders through the pipeline's check step (the real job function, so every
    status change is written and its postbacks queued exactly as in production) with no worker running,
    starts `platen worker --queues postbacks` and times the receiver getting every event; again with
    `--concurrency 2` on a fresh batch; prints events/s for both and the ratio 2/1;
  * latency: with one idle worker running, changes orders one at a time at --rates per second and measures
    from each change's commit to the arrival of its postbacks (p50/p99).
Usage and method: docs/benchmarks.md.

    .venv/bin/python bench/postbacks.py [--orders 1000] [--changes 100] [--rates 5,20]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.intake import PLATEN, ServerCpu, fresh_postgres_database, running_server, set_up_merchant  # noqa: E402
from bench.kit import percentile  # noqa: E402
from tests.orders.factories import order_payload  # noqa: E402

GOAL_RATIO, GOAL_P99_S = 1.6, 2.0
EVENTS = ["order_status_updated", "order_item_status_updated"]


# --- The receiver: answers 200 at once, notes when each webhook-id arrived --------------------------------

class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, verify_every: int = 25):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.secret, self.verify_every = None, verify_every
        self.arrived: dict[str, tuple[float, str]] = {}  # webhook-id -> (time.time() at arrival, orderId)
        self.duplicates = self.verified = 0
        self.bad_signatures: list[str] = []
        self.changed = threading.Condition()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hooks/platen"

    def record(self, headers: dict[str, str], body: bytes) -> None:
        now = time.time()
        webhook_id = headers.get("webhook-id", "")
        with self.changed:
            n = len(self.arrived)
            if webhook_id in self.arrived:
                self.duplicates += 1
            else:
                self.arrived[webhook_id] = (now, json.loads(body).get("orderId", ""))
            self.changed.notify_all()
        if self.secret and n % self.verify_every == 0:  # a sample: verifying is the receiver's CPU, not Platen's
            from standardwebhooks.webhooks import Webhook, WebhookVerificationError
            try:
                Webhook(self.secret).verify(body, headers)
                self.verified += 1
            except WebhookVerificationError as exc:
                self.bad_signatures.append(f"{webhook_id}: {exc}")

    def wait_for(self, count: int, timeout: float) -> bool:
        with self.changed:
            return self.changed.wait_for(lambda: len(self.arrived) >= count, timeout=timeout)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:  # noqa: N802
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.server.record({k.lower(): v for k, v in self.headers.items()}, body)
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args) -> None:
        pass


# --- Setting up through the API ----------------------------------------------------------------------------

def api(port: int, method: str, path: str, key: str, body: dict) -> dict:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    conn.request(method, path, json.dumps(body), {"Content-Type": "application/json", "X-API-KEY": key})
    response = conn.getresponse()
    data = response.read()
    conn.close()
    if response.status >= 300:
        raise SystemExit(f"{method} {path}: {response.status} {data[:500]!r}")
    return json.loads(data)


def create_orders(port: int, key: str, prefixes: dict[str, int]) -> None:
    refs = [f"{prefix}-{n:06d}" for prefix, count in prefixes.items() for n in range(count)]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda ref: api(port, "POST", "/v4/orders", key, order_payload(orderReferenceId=ref)), refs))


# --- Producing status changes: a one-off Django process (see produce()) -----------------------------------

def run_producer(env: dict, prefix: str, rate: float, timeout: float) -> list[tuple[str, float, int]]:
    """[(orderId, time.time() right after the change committed, postbacks it queued)]."""
    done = subprocess.run([sys.executable, __file__, "--produce", prefix, "--rate", str(rate)], env=env,
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise SystemExit(f"producer failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return [(o, float(t), int(n)) for o, t, n in (line.split() for line in done.stdout.splitlines())]


def produce(prefix: str, rate: float) -> None:
    """Runs the pipeline's check step (orders.pipeline.check, the `check_order` job's body) on every order of
    the batch: received -> uploading for both items, i.e. 2 item events and 1 order event per order, queued
    by the history subscriber in the same transaction. rate 0 = as fast as possible."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "platen.settings")
    import django
    django.setup()
    from platen.notifications.models import Delivery
    from platen.orders import pipeline
    from platen.orders.models import Order

    ids = list(Order.objects.filter(order_reference_id__startswith=f"{prefix}-").order_by("order_reference_id")
               .values_list("pk", flat=True))
    start = time.monotonic()
    for n, order_id in enumerate(ids):
        if rate:
            time.sleep(max(0.0, start + n / rate - time.monotonic()))
        pipeline.check(order_id)  # its own transaction; returns after the commit
        committed = time.time()
        queued = Delivery.objects.filter(order_id=order_id).count()
        print(order_id, f"{committed:.6f}", queued, flush=True)


# --- Workers -----------------------------------------------------------------------------------------------

@contextlib.contextmanager
def running_worker(env: dict, concurrency: int, log_path: Path):
    """`platen worker --queues postbacks [--concurrency N]`; SIGTERM (the job in flight finishes), wait."""
    args = PLATEN + ["worker", "--queues", "postbacks", "--concurrency", str(concurrency)]
    with open(log_path, "ab") as log:
        worker = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            yield worker
        finally:
            if worker.poll() is None:
                worker.send_signal(signal.SIGTERM)
                try:
                    worker.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(worker.pid, signal.SIGKILL)
                    worker.wait()


def wait_for_heartbeats(database_url: str, count: int, timeout: float = 30) -> None:
    import psycopg
    deadline = time.monotonic() + timeout
    with psycopg.connect(database_url, autocommit=True) as db:
        while time.monotonic() < deadline:
            if db.execute("SELECT count(*) FROM jobs_workerheartbeat").fetchone()[0] >= count:
                return
            time.sleep(0.1)
    raise SystemExit(f"{count} worker(s) did not start within {timeout:.0f} s")


def machine_cpu() -> tuple[float, float, float]:
    """Busy, steal and total CPU seconds of the whole machine so far (all cores), from /proc/stat."""
    f = [int(x) / os.sysconf("SC_CLK_TCK") for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return f[0] + f[1] + f[2] + f[5] + f[6], f[7], sum(f)


# --- The two measurements ----------------------------------------------------------------------------------

def throughput(env: dict, receiver: Receiver, prefix: str, concurrency: int, args, data_dir: str) -> dict:
    changes = run_producer(env, prefix, 0, args.time_limit)
    expected = sum(n for _, _, n in changes)
    target = len(receiver.arrived) + expected
    database = env["DATABASE_URL"].rsplit("/", 1)[-1]
    with running_worker(env, concurrency, Path(data_dir) / f"worker-{prefix}.log") as worker:
        started = time.time()
        cpu = ServerCpu(worker.pid, database)
        wait_for_heartbeats(env["DATABASE_URL"], concurrency)  # Django is up: start-up CPU stays out
        cpu_before, own_before, machine_before = cpu.totals(), time.process_time(), machine_cpu()
        complete = receiver.wait_for(target, args.time_limit)
        cpu_used = {k: v - cpu_before[k] for k, v in cpu.totals().items()}
        cpu_used["receiver"] = time.process_time() - own_before
        busy, steal, total = (after - before for after, before in zip(machine_cpu(), machine_before))
        cpu_used["other"] = busy - sum(cpu_used.values())  # anything else on the machine: a neighbour skews the run
        cpu.stopping.set()
    batch = {o for o, _, _ in changes}
    with receiver.changed:
        arrivals = sorted(t for t, order in receiver.arrived.values() if order in batch)
    got = len(arrivals)
    steady = (got - 1) / (arrivals[-1] - arrivals[0]) if got > 1 and arrivals[-1] > arrivals[0] else 0.0
    return {"workers": concurrency, "orders": len(changes), "events": expected, "received": got, "complete": complete,
            "per_second": steady, "startup": arrivals[0] - started if arrivals else float("nan"),
            "wall": arrivals[-1] - started if arrivals else float("nan"),
            "cpu_ms": {("worker" if k == "web" else k): used / max(got, 1) * 1000 for k, used in cpu_used.items()},
            "busy": busy / total * 100 if total else 0.0, "steal": steal / total * 100 if total else 0.0}


def latency(env: dict, receiver: Receiver, prefix: str, rate: float, args, data_dir: str) -> dict:
    with running_worker(env, 1, Path(data_dir) / f"worker-{prefix}.log"):
        wait_for_heartbeats(env["DATABASE_URL"], 1)
        time.sleep(2)  # past its first polls: an idle worker
        before = len(receiver.arrived)
        changes = run_producer(env, prefix, rate, args.time_limit)
        committed = {o: t for o, t, _ in changes}
        target = before + sum(n for _, _, n in changes)
        complete = receiver.wait_for(target, args.time_limit)
    with receiver.changed:
        by_order: dict[str, list[float]] = {}
        for t, order in receiver.arrived.values():
            if order in committed:
                by_order.setdefault(order, []).append(t - committed[order])
    every = [d for ds in by_order.values() for d in ds]
    first = [min(ds) for ds in by_order.values()]
    return {"rate": rate, "changes": len(changes), "events": sum(n for _, _, n in changes), "received": len(every), "complete": complete,
            "p50": percentile(every, 50), "p99": percentile(every, 99), "max": max(every, default=float("nan")),
            "first_p50": percentile(first, 50), "first_p99": percentile(first, 99),
            "span": (changes[-1][1] - changes[0][1]) if changes else 0.0}


def report(runs: list[dict], lats: list[dict], receiver: Receiver) -> bool:
    print(f"\nPostbacks on PostgreSQL: {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"{'workers':<9}{'orders':>7}{'events':>7}{'received':>9}{'events/s':>10}{'startup s':>10}{'wall s':>8}"
          f"{'busy %':>8}{'steal %':>8}   CPU ms per event")
    for r in runs:
        cpu = ", ".join(f"{k} {v:.2f}" for k, v in r["cpu_ms"].items())
        print(f"{r['workers']:<9}{r['orders']:>7}{r['events']:>7}{r['received']:>9}{r['per_second']:>10.1f}"
              f"{r['startup']:>10.2f}{r['wall']:>8.2f}{r['busy']:>8.1f}{r['steal']:>8.1f}   {cpu}")
    for lat in lats:
        print(f"latency, 1 worker: {lat['changes']} changes at {lat['rate']:g}/s ({lat['events']} events, {lat['received']}"
              f" received, over {lat['span']:.1f} s): commit -> arrival p50 {lat['p50'] * 1000:.0f} ms, p99 "
              f"{lat['p99'] * 1000:.0f} ms, max {lat['max'] * 1000:.0f} ms; first postback of each change p50 "
              f"{lat['first_p50'] * 1000:.0f} ms, p99 {lat['first_p99'] * 1000:.0f} ms")
    print(f"signatures verified {receiver.verified}, bad {len(receiver.bad_signatures)}; duplicates {receiver.duplicates}")
    for bad in receiver.bad_signatures[:5]:
        print(f"  bad signature: {bad}")
    one, two = runs
    ratio = two["per_second"] / one["per_second"] if one["per_second"] else 0.0
    short = [f"{r['received']}/{r['events']}" for r in [*runs, *lats] if not r["complete"] or r["received"] != r["events"]]
    delivered = not short and not receiver.bad_signatures and not receiver.duplicates
    goals = [(f"throughput ratio 2 workers / 1 worker {ratio:.2f} >= {GOAL_RATIO}", ratio >= GOAL_RATIO),
             (f"latency p99 {lats[0]['p99']:.2f} s <= {GOAL_P99_S:.0f} s with an idle worker (at {lats[0]['rate']:g} changes/s)",
              lats[0]["p99"] <= GOAL_P99_S),
             (f"every event delivered once, signatures valid{' (short: ' + ', '.join(short) + ')' if short else ''}", delivered)]
    for text, ok in goals:
        print(f"{'PASS' if ok else 'MISS'}  {text}")
    return all(ok for _, ok in goals)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--orders", type=int, default=1000, help="orders per throughput batch (3 events each)")
    parser.add_argument("--changes", type=int, default=100, help="status changes per latency run (3 events each)")
    parser.add_argument("--rates", default="5,20", help="changes per second, one latency run each; the goal is "
                        "judged at the first (a worker mostly idle)")
    parser.add_argument("--rate", type=float, default=0, help=argparse.SUPPRESS)  # the producer's
    parser.add_argument("--time-limit", type=float, default=300, help="seconds per phase before giving up")
    parser.add_argument("--produce", help=argparse.SUPPRESS)  # internal: the producer subprocess
    args = parser.parse_args()
    if args.produce:
        produce(args.produce, args.rate)
        return 0
    rates = [float(r) for r in args.rates.split(",")]
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop the children, drop the database

    with tempfile.TemporaryDirectory(prefix="platen-bench-") as data_dir, contextlib.ExitStack() as stack:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEN_") and k != "DATABASE_URL"}
        env.update(PLATEN_DATA_DIR=data_dir, PLATEN_DEBUG="0", PLATEN_FETCH_ALLOW_PRIVATE="1")
        env["DATABASE_URL"] = stack.enter_context(fresh_postgres_database())
        receiver = Receiver()
        stack.callback(receiver.server_close)
        stack.callback(receiver.shutdown)
        key = set_up_merchant(env)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        with running_server(env, port, 2, Path(data_dir) / "web.log"):
            create_orders(port, key, {"t1": args.orders, "t2": args.orders, **{f"lat{i}": args.changes for i in range(len(rates))}})
            receiver.secret = api(port, "POST", "/v4/webhooks", key, {"url": receiver.url, "events": EVENTS})["secret"]
        print(f"{2 * args.orders + len(rates) * args.changes} orders created, endpoint registered; measuring", flush=True)
        runs = [throughput(env, receiver, "t1", 1, args, data_dir), throughput(env, receiver, "t2", 2, args, data_dir)]
        lats = [latency(env, receiver, f"lat{i}", rate, args, data_dir) for i, rate in enumerate(rates)]
    return 0 if report(runs, lats, receiver) else 1


if __name__ == "__main__":
    sys.exit(main())
