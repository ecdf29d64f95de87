"""Helpers for the job tests: moving a job's time forward, waiting on conditions, real platen processes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from platen.accounts import services as accounts
from platen.jobs import enqueue, run_pending
from platen.jobs.models import Job

ROOT = Path(__file__).resolve().parents[2]


def enqueue_committed(task, *args, **kwargs):
    with transaction.atomic():
        return enqueue(task, *args, **kwargs)


def make_due(job_id) -> None:
    """The fake clock: instead of sleeping through a backoff, move the job's run_after into the past."""
    DBTaskResult.objects.filter(id=job_id).update(run_after=timezone.now() - timedelta(seconds=1))


def job(job_id) -> Job:
    return Job.objects.get(pk=job_id)


@pytest.fixture
def operator_session(db) -> Client:
    client = Client()
    client.force_login(accounts.create_user(None, "ops@platen.test", "correct horse battery staple", operator=True))
    return client


@pytest.fixture
def merchant_session(account) -> Client:
    client = Client()
    client.force_login(accounts.create_user(account, "m@acme.test", "correct horse battery staple"))
    return client


@pytest.fixture
def dead_job(db) -> Job:
    from tests.jobs import sample_jobs

    result = enqueue_committed(sample_jobs.always_fails, "the carrier API timed out")
    for _ in range(3):
        make_due(result.id)
        run_pending()
    return job(result.id)


def wait_for(condition, what: str, timeout: float = 20):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)  # polling a condition, bounded by the deadline
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def database_url() -> str:
    """The test database, as DATABASE_URL for a child process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = quote(s["USER"] or "", safe="") + (":" + quote(s["PASSWORD"], safe="") if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


class Platen:
    """`platen <command>` children on the test database; each writes its log to a file the test can read."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.children: list[tuple[subprocess.Popen, Path]] = []
        self.env = {**os.environ, "DATABASE_URL": database_url(), "DJANGO_SETTINGS_MODULE": "tests.jobs.fast_settings",
                    "PYTHONUNBUFFERED": "1"}

    def start(self, *args: str) -> subprocess.Popen:
        log = self.folder / f"{args[0]}-{len(self.children)}.log"
        process = subprocess.Popen([sys.executable, "-m", "platen.cli", *args], cwd=ROOT, env=self.env,
                                   stdout=open(log, "w"), stderr=subprocess.STDOUT)
        self.children.append((process, log))
        return process

    def log(self, process: subprocess.Popen) -> str:
        return next(log for p, log in self.children if p is process).read_text()

    def stop_all(self) -> None:
        for process, _ in self.children:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process, _ in self.children:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture
def platen(transactional_db, tmp_path):
    """Real processes need committed rows: transactional_db, not the usual rolled-back test transaction."""
    children = Platen(tmp_path)
    yield children
    children.stop_all()
    for _, log in children.children:  # pytest shows this only when the test failed
        print(f"--- {log.name}\n{log.read_text()}")
