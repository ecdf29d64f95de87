"""Intake benchmark: Platen's `POST /v4/orders` against the floor `POST /v4/_floor`, over real HTTP.

Sets Platen up as an operator would (production settings, fresh database, `platen migrate`, `platen
accounts create`, `platen apikey create`, `platen web`), sends the same realistic 2-item orders from N
concurrent clients to both endpoints, and prints orders/s, p50/p99, errors, CPU per request, the ratio
ours/floor and the goals. Usage and method: docs/benchmarks.md.

    .venv/bin/python bench/intake.py [--database sqlite] [--clients 16] [--count 2000] [--rounds 4]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import multiprocessing
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.kit import fresh_postgres_database, percentile  # noqa: E402,F401  (postbacks.py imports it from here too)
from tests.orders.factories import order_payload  # noqa: E402  (the realistic payload the tests use)

PLATEN = [str(ROOT / ".venv" / "bin" / "platen")]
GOAL_RATIO, GOAL_P99_MS = 0.5, 100.0


@dataclass
class LoadResult:
    latencies_ms: list[float] = field(default_factory=list)  # of 2xx answers only
    errors: int = 0
    error_samples: list[str] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)  # fulfillmentStatus of the created orders
    started: float = float("inf")
    finished: float = 0.0
    seconds: float = 0.0  # wall time under load, summed over rounds
    client_cpu: float = 0.0  # CPU seconds of the load generator
    server_cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds of gunicorn / PostgreSQL

    @property
    def per_second(self) -> float:
        return len(self.latencies_ms) / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        return percentile(self.latencies_ms, p)

    def add(self, other: LoadResult) -> None:
        """Fold in another client's (same window) or another round's result."""
        self.latencies_ms += other.latencies_ms
        self.errors += other.errors
        self.error_samples = (self.error_samples + other.error_samples)[:5]
        for status, n in other.statuses.items():
            self.statuses[status] = self.statuses.get(status, 0) + n
        self.started, self.finished = min(self.started, other.started), max(self.finished, other.finished)
        self.seconds += other.seconds
        self.client_cpu += other.client_cpu
        for kind, cpu in other.server_cpu.items():
            self.server_cpu[kind] = self.server_cpu.get(kind, 0.0) + cpu


# --- Platen, set up through its own CLI ------------------------------------------------------------------

def platen_cli(env: dict, *args: str) -> str:
    done = subprocess.run(PLATEN + list(args), env=env, capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise SystemExit(f"`platen {' '.join(args)}` failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return done.stdout.strip()


def set_up_merchant(env: dict) -> str:
    """Migrate, create an account and an API key; returns the key."""
    platen_cli(env, "migrate", "--verbosity", "0")
    account_id = platen_cli(env, "accounts", "create", "Bench Prints", "--email", "bench@example.com").splitlines()[-1]
    return platen_cli(env, "apikey", "create", account_id, "--name", "bench").splitlines()[-1]


@contextlib.contextmanager
def running_server(env: dict, port: int, workers: int | None, log_path: Path):
    """`platen web` on 127.0.0.1:<port>; stopped with SIGTERM (SIGKILL after 30 s) on the way out."""
    args = PLATEN + ["web", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--workers", str(workers)] if workers else []
    with open(log_path, "wb") as log:
        server = subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        try:
            wait_until_answering(server, port, log_path)
            yield server
        finally:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)  # its own session: only the server and its workers
                    server.wait()


def wait_until_answering(server: subprocess.Popen, port: int, log_path: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"platen web exited with {server.returncode}:\n{log_path.read_text()[-2000:]}")
        with contextlib.suppress(OSError):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/v4/openapi.json")
            conn.getresponse().read()
            conn.close()
            return
        time.sleep(0.2)
    raise SystemExit(f"platen web did not answer on port {port} within {timeout:.0f} s")


class ServerCpu:
    """CPU used by the gunicorn processes and by this database's PostgreSQL backends, read from /proc.
    Sampled every 0.5 s so that backends which exit mid-window (CONN_MAX_AGE) still count."""

    def __init__(self, server_pid: int, database: str):
        self.server_pid, self.database = server_pid, database
        self.kinds = ["web", "postgres"] if database else ["web"]
        self.seen: dict[tuple[str, int], float] = {}
        self.stopping, self.lock = threading.Event(), threading.Lock()
        threading.Thread(target=self._sample_forever, daemon=True).start()

    def totals(self) -> dict[str, float]:
        self._sample()
        with self.lock:
            return {kind: sum(cpu for (k, _), cpu in self.seen.items() if k == kind) for kind in self.kinds}

    def _sample_forever(self) -> None:
        while not self.stopping.wait(0.5):
            self._sample()

    def _sample(self) -> None:
        with self.lock, contextlib.suppress(OSError):
            children = Path(f"/proc/{self.server_pid}/task/{self.server_pid}/children").read_text().split()
            for pid in [self.server_pid, *map(int, children)]:
                self._record("web", pid)
            for proc in Path("/proc").glob("[0-9]*") if self.database else ():
                with contextlib.suppress(OSError):
                    if f" {self.database} ".encode() in proc.joinpath("cmdline").read_bytes().replace(b"\0", b" "):
                        self._record("postgres", int(proc.name))

    def _record(self, kind: str, pid: int) -> None:
        with contextlib.suppress(OSError, IndexError):
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            self.seen[(kind, pid)] = (int(stat[11]) + int(stat[12])) / os.sysconf("SC_CLK_TCK")


# --- The load generator --------------------------------------------------------------------------------

def make_bodies(count: int, tag: str) -> list[bytes]:
    """Realistic 2-item orders, each with its own orderReferenceId, serialised up front."""
    return [json.dumps(order_payload(orderReferenceId=f"bench-{tag}-{n:06d}")).encode() for n in range(count)]


def client_loop(port: int, path: str, headers: dict, bodies: list[bytes], deadline: float, result: LoadResult) -> None:
    """One client: its bodies one after another on one connection (reopened when the server closes it)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    for body in bodies:
        if time.monotonic() > deadline:
            result.errors += 1
            result.error_samples.append("not sent: --time-limit reached")
            continue
        start = time.monotonic()
        try:
            conn.request("POST", path, body, headers)
            response = conn.getresponse()
            data = response.read()
        except (OSError, http.client.HTTPException) as exc:
            conn.close()
            result.errors += 1
            result.error_samples.append(repr(exc))
            continue
        end = time.monotonic()
        result.started, result.finished = min(result.started, start), max(result.finished, end)
        if 200 <= response.status < 300:
            result.latencies_ms.append((end - start) * 1000)
            status = json.loads(data).get("fulfillmentStatus")
            result.statuses[status] = result.statuses.get(status, 0) + 1
        else:
            result.errors += 1
            result.error_samples.append(f"{response.status} {data[:200]!r}")
    conn.close()


def client_process(port, path, headers, shares, deadline, start_barrier, results) -> None:
    """One process, one thread per client; all processes start together at the barrier."""
    per_client = [LoadResult() for _ in shares]
    threads = [threading.Thread(target=client_loop, args=(port, path, headers, share, deadline, result))
               for share, result in zip(shares, per_client)]
    start_barrier.wait()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    total = LoadResult()
    for result in per_client:
        total.add(result)
    results.put(total)


def drive(port: int, path: str, headers: dict, bodies: list[bytes], args) -> LoadResult:
    """Send every body once from `args.clients` concurrent clients spread over `args.processes` processes."""
    shares = [bodies[i::args.clients] for i in range(args.clients)]
    groups = [shares[i::args.processes] for i in range(max(1, min(args.processes, args.clients)))]
    barrier, results = multiprocessing.Barrier(len(groups)), multiprocessing.Queue()
    deadline = time.monotonic() + args.time_limit
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    procs = [multiprocessing.Process(target=client_process, daemon=True,
                                     args=(port, path, headers, group, deadline, barrier, results)) for group in groups]
    for p in procs:
        p.start()
    total = LoadResult()
    for _ in procs:
        total.add(results.get(timeout=args.time_limit + 60))
    for p in procs:
        p.join()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    total.seconds = max(total.finished - total.started, 0.0)
    total.client_cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    return total


def measure(port: int, api_key: str, args, cpu: ServerCpu) -> tuple[LoadResult, LoadResult]:
    """Warm both endpoints up, then alternate floor and orders rounds with the same clients and count."""
    plain = {"Content-Type": "application/json"}
    targets = {"floor": ("/v4/_floor", plain), "orders": ("/v4/orders", {**plain, "X-API-KEY": api_key})}
    tag = time.strftime("%H%M%S")
    for name, (path, headers) in targets.items():  # imports, connections, caches in every worker
        drive(port, path, headers, make_bodies(args.warmup, f"{tag}-warm-{name}"), args)
    totals = {name: LoadResult() for name in targets}
    per_round = -(-args.count // args.rounds)
    for n in range(args.rounds):
        for name, (path, headers) in targets.items():
            bodies = make_bodies(min(per_round, args.count - n * per_round), f"{tag}-{n}-{name}")
            cpu_before = cpu.totals()
            result = drive(port, path, headers, bodies, args)
            result.server_cpu = {kind: used - cpu_before[kind] for kind, used in cpu.totals().items()}
            totals[name].add(result)
    return totals["orders"], totals["floor"]


def report(ours: LoadResult, floor: LoadResult, args) -> bool:
    print(f"\nIntake on {args.database}: {args.clients} clients, {args.count} requests per endpoint in {args.rounds} "
          f"alternating rounds; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}")
    print(f"{'endpoint':<18}{'orders/s':>9}{'p50 ms':>8}{'p99 ms':>8}{'errors':>7}   CPU ms per request")
    for name, r in (("POST /v4/orders", ours), ("POST /v4/_floor", floor)):
        n = max(len(r.latencies_ms) + r.errors, 1)
        cpu = ", ".join(f"{kind} {used / n * 1000:.2f}" for kind, used in r.server_cpu.items())
        print(f"{name:<18}{r.per_second:>9.1f}{r.percentile(50):>8.1f}{r.percentile(99):>8.1f}{r.errors:>7}   "
              f"{cpu}, load generator {r.client_cpu / n * 1000:.2f}")
        for sample in r.error_samples:
            print(f"  error: {sample}")
    print(f"created orders by status: {dict(sorted(ours.statuses.items()))}")
    ratio = ours.per_second / floor.per_second if floor.per_second else 0.0
    goals = [(f"throughput ratio ours/floor {ratio:.2f} >= {GOAL_RATIO}", ratio >= GOAL_RATIO),
             (f"Platen p99 {ours.percentile(99):.0f} ms <= {GOAL_P99_MS:.0f} ms at {args.clients} clients",
              ours.percentile(99) <= GOAL_P99_MS),
             (f"errors {ours.errors} + {floor.errors} == 0", ours.errors == 0 and floor.errors == 0)]
    for text, ok in goals:
        print(f"{'PASS' if ok else 'MISS'}  {text}")
    return all(ok for _, ok in goals)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database", choices=["postgres", "sqlite"], default="postgres")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--count", type=int, default=2000, help="measured requests per endpoint")
    parser.add_argument("--warmup", type=int, default=200, help="unmeasured requests per endpoint first")
    parser.add_argument("--rounds", type=int, default=4, help="alternating floor/orders rounds sharing --count")
    parser.add_argument("--processes", type=int, default=2, help="load generator processes (clients are threads)")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn workers (default: Platen's, 2 per core + 1)")
    parser.add_argument("--time-limit", type=float, default=300, help="seconds per round before giving up")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind: stop the server, drop the database

    with tempfile.TemporaryDirectory(prefix="platen-bench-") as data_dir, contextlib.ExitStack() as stack:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEN_") and k != "DATABASE_URL"}
        env.update(PLATEN_DATA_DIR=data_dir, PLATEN_BENCH_FLOOR="1", PLATEN_DEBUG="0")
        if args.database == "postgres":
            env["DATABASE_URL"] = stack.enter_context(fresh_postgres_database())
        api_key = set_up_merchant(env)
        with socket.socket() as probe:  # a free port
            probe.bind(("127.0.0.1", 0))
            port, log_path = probe.getsockname()[1], Path(data_dir) / "web.log"
        server = stack.enter_context(running_server(env, port, args.workers, log_path))
        cpu = ServerCpu(server.pid, env.get("DATABASE_URL", "").rsplit("/", 1)[-1])
        stack.callback(cpu.stopping.set)
        ours, floor = measure(port, api_key, args, cpu)
        if ours.errors or floor.errors:
            print("server log (tail):\n" + log_path.read_text()[-3000:])
    return 0 if report(ours, floor, args) else 1


if __name__ == "__main__":
    sys.exit(main())
