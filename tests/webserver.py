"""A real `platen web` (gunicorn) on loopback, on its own embedded database, with an account and a key."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.test_serve import free_port, wait_until_up

MAKE_KEY = """
from platen.accounts import services
account = services.create_account("Contract Shop", "ops@contract.example")
print(services.issue_api_key(account, name="contract").secret)
"""


@dataclass(frozen=True)
class WebServer:
    url: str
    key: str
    data_dir: Path
    env: dict[str, str]

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-KEY": self.key}

    def python(self, code: str) -> str:
        """Run Python with Django set up on the server's own database (as another process of it would)."""
        return _python(self.env, code)


def _python(env: dict[str, str], code: str) -> str:
    return _run(env, "-c", "import django; django.setup()\n" + code)


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True)
    if done.returncode:
        raise AssertionError(f"{args[-1][:200]} failed:\n{done.stderr[-3000:]}")
    return done.stdout


@contextmanager
def platen_web(data_dir: Path, **env_overrides: str) -> Iterator[WebServer]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the embedded default: SQLite
    env.update(PLATEN_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", DJANGO_SETTINGS_MODULE="platen.settings",
               **env_overrides)
    _run(env, "-m", "platen.cli", "migrate")
    key = _python(env, MAKE_KEY).strip().splitlines()[-1]
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "platen.cli", "web", "--port", str(port), "--workers", "1"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/v4/openapi.json", time.monotonic() + 60)
        yield WebServer(url, key, data_dir, env)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
