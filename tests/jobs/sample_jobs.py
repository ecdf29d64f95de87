"""Jobs the tests enqueue. Module-level, so real worker processes import them by path too.
They act on files named by their (str) arguments: a side effect a test can count across processes."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from pathlib import Path

from platen.jobs import Retry, job, periodic


class Boom(Exception):
    pass


def _append(path: Path, line: str) -> None:
    with open(path, "a") as f:
        f.write(line + "\n")


def lines(path: Path) -> list[str]:
    return path.read_text().splitlines() if path.exists() else []


@job
def record(path: str, label: str = "ran") -> str:
    _append(Path(path), label)
    return label


@job(max_attempts=3)
def always_fails(message: str) -> None:
    raise Boom(message)


@job(max_attempts=3)
def fails_while_flag(flag: str, log: str) -> None:
    """Fails while the file `flag` exists: a dependency that is down until someone fixes it."""
    _append(Path(log), "attempt")
    if Path(flag).exists():
        raise Boom("the dependency is down")


@job(queue="postbacks", max_attempts=5)
def asks_to_wait(seconds: int) -> None:
    raise Retry(after=timedelta(seconds=seconds), reason="HTTP 429, Retry-After")


@job
def chains(path: str) -> None:
    from django.db import transaction

    from platen.jobs import enqueue

    with transaction.atomic():
        enqueue(record, path, "chained")


@job(max_attempts=3)
def wait_for_go(folder: str) -> None:
    """Notes its start, blocks until the test creates `go`, notes its end: one 'started' line per run."""
    here = Path(folder)
    _append(here / "started", str(os.getpid()))
    deadline = time.monotonic() + 60
    while not (here / "go").exists():
        if time.monotonic() > deadline:
            raise TimeoutError("the test never said go")
        time.sleep(0.05)  # polling a file the test creates, bounded by the deadline
    _append(here / "done", str(os.getpid()))


@periodic("tests.tick", every=timedelta(seconds=1))
def tick() -> None:
    pass
