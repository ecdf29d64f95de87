"""The newcomer's path: `platen serve` on a fresh data folder prints a login and a key that work."""

import os
import re
import signal
import socket
import subprocess
import sys
import time

import httpx
import pytest

from tests.orders.factories import order_payload


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_banner(process: subprocess.Popen, deadline: float) -> str:
    lines = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Press Ctrl-C to stop." in line:
            return "".join(lines)
    raise AssertionError("no banner from platen serve:\n" + "".join(lines))


def wait_until_up(url: str, deadline: float) -> None:
    while time.monotonic() < deadline:
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)  # polling a condition (the port answering), bounded by the deadline
    raise AssertionError(f"{url} never answered")


@pytest.fixture
def served(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the embedded default: SQLite
    env.update(PLATEN_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    process = subprocess.Popen(
        [sys.executable, "-m", "platen.cli", "serve", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        deadline = time.monotonic() + 120
        banner = read_banner(process, deadline)
        base = f"http://127.0.0.1:{port}"
        wait_until_up(base + "/v4/docs", deadline)
        yield base, banner, process
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=30)


def test_serve_prints_login_and_key_that_work(served):
    base, banner, process = served
    username, password = re.search(r"Demo login:\s+(\S+) / (\S+)", banner).groups()
    key = re.search(r"Demo API key: (\S+)", banner).group(1)
    assert base + "/" in banner

    created = httpx.post(base + "/v4/orders", json=order_payload(), headers={"X-API-KEY": key}, timeout=10)
    assert created.status_code == 201 and created.json()["fulfillmentStatus"] == "passed"
    found = httpx.post(base + "/v4/orders:search", json={}, headers={"X-API-KEY": key}, timeout=10)
    assert [o["id"] for o in found.json()["orders"]] == [created.json()["id"]]

    with httpx.Client(base_url=base, follow_redirects=True, timeout=10) as browser:
        login = browser.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        orders = browser.post("/login/", data={"username": username, "password": password, "csrfmiddlewaretoken": token})
        assert orders.status_code == 200 and created.json()["orderReferenceId"] in orders.text


def test_ctrl_c_stops_the_whole_tree(served):
    _, _, process = served
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
