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
import django; django.setup()
from platen.accounts import services
account = services.create_account("Contract Shop", "ops@contract.test")
print(services.issue_api_key(account, name="contract").secret)
"""


@dataclass(frozen=True)
class WebServer:
    url: str
    key: str
    data_dir: Path

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-KEY": self.key}


@contextmanager
def platen_web(data_dir: Path, **env_overrides: str) -> Iterator[WebServer]:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the embedded default: SQLite
    env.update(PLATEN_DATA_DIR=str(data_dir), PYTHONUNBUFFERED="1", DJANGO_SETTINGS_MODULE="platen.settings",
               **env_overrides)
    run = lambda *args: subprocess.run([sys.executable, *args], env=env, check=True, capture_output=True, text=True)  # noqa: E731
    run("-m", "platen.cli", "migrate")
    key = run("-c", MAKE_KEY).stdout.strip().splitlines()[-1]
    port = free_port()
    process = subprocess.Popen([sys.executable, "-m", "platen.cli", "web", "--port", str(port), "--workers", "1"],
                               env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_until_up(url + "/v4/openapi.json", time.monotonic() + 60)
        yield WebServer(url, key, data_dir)
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
