"""What the benchmarks share: a throw-away PostgreSQL database, timing, percentiles and the printed verdicts.

Keep it small; each benchmark keeps its own load and set-up. The API:

    with fresh_postgres_database() as url: ...      # a new empty database (DATABASE_URL form), dropped at the end
    with template_copy(url) as copy_url: ...        # a copy of a prepared database (CREATE DATABASE ... TEMPLATE)
    platen_env(data_dir, url) -> dict                # the environment for Platen subprocesses (production settings)
    timer = Timer(); ...; timer.seconds              # wall time (time.perf_counter); `with timer:` adds up
    percentile(values, 99)                           # nearest-rank percentile of a list (nan when empty)
    machine() -> str                                 # "2 cores (AMD EPYC ...), 24 GiB, PostgreSQL 15.x" for the docs
    goal(text, ok) -> bool                           # prints "PASS  text" or "MISS  text"; returns ok
    ratio(ours, floor) -> float                      # ours / floor (0 when the floor is 0)
    clients(send, shares, rate, result) -> result    # one thread per share; back to back or paced at `rate`/s
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, Self

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_ADMIN = "postgresql://postgres@127.0.0.1:5432/postgres"
POSTGRES_BASE = "postgresql://postgres@127.0.0.1:5432"


def _database_name(prefix: str) -> str:
    return f"{prefix}_{time.strftime('%Y%m%d_%H%M%S')}_{os.getpid()}_{time.monotonic_ns() % 100000}"


@contextlib.contextmanager
def fresh_postgres_database(prefix: str = "platen_bench") -> Iterator[str]:
    """A new, empty database for this run on 127.0.0.1:5432 (user postgres); dropped at the end whatever happens."""
    with _created(prefix, "") as url:
        yield url


@contextlib.contextmanager
def template_copy(url: str) -> Iterator[str]:
    """A new database copied from the (idle) database at `url`; dropped at the end. Lets two runs start from
    exactly the same rows."""
    with _created("platen_bench_copy", f' TEMPLATE "{url.rsplit("/", 1)[1]}"') as copy:
        yield copy


@contextlib.contextmanager
def _created(prefix: str, clause: str) -> Iterator[str]:
    import psycopg

    name = _database_name(prefix)
    with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"{clause}')
    try:
        yield f"{POSTGRES_BASE}/{name}"
    finally:
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def platen_env(data_dir: str, database_url: str, **extra: str) -> dict:
    """The environment of a Platen subprocess: this one's, less any PLATEN_*/DATABASE_URL, with production
    settings (PLATEN_DEBUG=0), a data folder and the database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PLATEN_") and k != "DATABASE_URL"}
    env.update(PLATEN_DATA_DIR=data_dir, PLATEN_DEBUG="0", DATABASE_URL=database_url, **extra)
    return env


class Timer:
    """Adds up wall time of the `with` blocks it times."""

    def __init__(self) -> None:
        self.seconds = 0.0

    def __enter__(self) -> Self:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds += time.perf_counter() - self._start


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); nan for no values."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if ordered else float("nan")


def ratio(ours: float, floor: float) -> float:
    return ours / floor if floor else 0.0


def goal(text: str, ok: bool) -> bool:
    print(f"{'PASS' if ok else 'MISS'}  {text}")
    return ok


def machine() -> str:
    """The machine in one line, for the figures in docs/benchmarks.md."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kb = int(Path("/proc/meminfo").read_text().split("\n", 1)[0].split()[1])
        memory = f", {kb / 1024 / 1024:.0f} GiB"
    server = ""
    with contextlib.suppress(Exception):
        import psycopg
        with psycopg.connect(POSTGRES_ADMIN, autocommit=True) as admin:
            server = ", PostgreSQL " + admin.execute("SHOW server_version").fetchone()[0].split()[0]
    return f"{os.cpu_count()} cores ({model or 'unknown CPU'}){memory}{server}"


def clients(send: Callable[[Any], str | None], shares: list[list], rate: float, result_type: Callable[[], Any]):
    """One thread per share, each sending its items in order through `send(item)`, which answers None when the
    answer was the expected one and a short text otherwise. rate 0: each client sends its next item when the last
    is answered (saturation). rate > 0: items go out on a fixed schedule, `rate` per second over all clients, and
    latency counts from the scheduled moment, so a slow server cannot hide behind a slowed load generator.
    `result_type()` makes the result (bench.intake.LoadResult): latencies_ms, errors, error_samples, seconds, add()."""
    interval = len(shares) / rate if rate else 0.0
    results = [result_type() for _ in shares]
    start = threading.Barrier(len(shares) + 1)

    def client(n: int, share: list, result) -> None:
        start.wait()
        due = time.perf_counter() + n * interval / len(shares)
        for item in share:
            if interval:
                time.sleep(max(0.0, due - time.perf_counter()))
            began = due if interval else time.perf_counter()
            due += interval
            try:
                error = send(item)
            except OSError as exc:
                error = repr(exc)
            if error is None:
                result.latencies_ms.append((time.perf_counter() - began) * 1000)
            else:
                result.errors += 1
                if len(result.error_samples) < 5:
                    result.error_samples.append(error)

    threads = [threading.Thread(target=client, args=(n, s, r)) for n, (s, r) in enumerate(zip(shares, results))]
    for t in threads:
        t.start()
    start.wait()
    began = time.perf_counter()
    for t in threads:
        t.join()
    total = result_type()
    for r in results:
        total.add(r)
    total.seconds = time.perf_counter() - began
    return total
