"""The newcomer's path: `platen serve` on a fresh data folder prints a login and a key that work."""

import os
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

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


def children_of(pid: int) -> dict[int, str]:
    """Child pid -> command line, from /proc."""
    found = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z":
                found[int(stat.parent.name)] = (stat.parent / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except (OSError, IndexError):
            continue  # the process ended while we looked
    return found


def processes_with(environment_entry: str) -> list[int]:
    """Pids of the processes (on this machine) whose environment holds the entry, e.g. one serve's data folder."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and environment_entry.encode() in (proc / "environ").read_bytes().split(b"\0"):
                found.append(int(proc.name))
        except OSError:  # gone meanwhile, or not ours to read
            continue
    return found


def wait_for(condition, what: str, deadline: float):
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)  # polling a condition, bounded by the deadline
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def served(tmp_path, file_server):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}  # the embedded default: SQLite
    # A local demo: print files come from the tests' file server on loopback.
    env.update(PLATEN_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1", PLATEN_FETCH_ALLOW_PRIVATE="1")
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
    facilities = int(re.search(r"Production: +(\d+) facilities of \d+ print partners", banner).group(1))
    assert facilities >= 8  # the demo network is loaded with the catalog: orders are routed from the first start

    created = httpx.post(base + "/v4/orders", json=order_payload(), headers={"X-API-KEY": key}, timeout=10)
    assert created.status_code == 200
    # The checks and the file fetching run as jobs on serve's own worker: the order reaches production by itself.
    order_url = f"{base}/v4/orders/{created.json()['id']}"
    wait_for(lambda: httpx.get(order_url, headers={"X-API-KEY": key}, timeout=10).json()["fulfillmentStatus"] == "created",
             "the worker to check the order and fetch its files", time.monotonic() + 60)
    found = httpx.post(base + "/v4/orders:search", json={}, headers={"X-API-KEY": key}, timeout=10)
    assert [o["id"] for o in found.json()["orders"]] == [created.json()["id"]]

    with httpx.Client(base_url=base, follow_redirects=True, timeout=10) as browser:
        login = browser.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login.text).group(1)
        orders = browser.post("/login/", data={"username": username, "password": password, "csrfmiddlewaretoken": token})
        assert orders.status_code == 200 and created.json()["orderReferenceId"] in orders.text


def test_serve_runs_a_worker_and_a_scheduler(served, tmp_path):
    _, _, process = served
    commands = sorted(cmd.split("platen.cli ", 1)[1].split()[0] for cmd in children_of(process.pid).values())
    assert commands == ["scheduler", "web", "worker"]

    # They work: the worker's heartbeat is in the embedded database, and the scheduler's first hourly
    # housekeeping job was enqueued and then run by the worker.
    db = sqlite3.connect(tmp_path / "data" / "platen.sqlite3")
    count = lambda sql: db.execute(sql).fetchone()[0]  # noqa: E731
    deadline = time.monotonic() + 30
    wait_for(lambda: count("select count(*) from jobs_workerheartbeat") == 1, "a worker heartbeat", deadline)
    wait_for(lambda: count("select count(*) from django_tasks_database_dbtaskresult "
                           "where task_path like '%prune_job_history' and status = 'SUCCESSFUL'") == 1,
             "the scheduler's job to run on the worker", deadline)
    db.close()


def test_ctrl_c_stops_the_whole_tree(served):
    _, _, process = served
    children = children_of(process.pid)
    assert len(children) == 3
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    assert not [pid for pid in children if Path(f"/proc/{pid}").exists()]  # serve waited for each child


def test_serve_logs_one_line_per_order_event_and_links_e_mails_to_its_own_address(served, tmp_path):
    base, banner, process = served
    key = re.search(r"Demo API key: (\S+)", banner).group(1)
    payload = order_payload()
    payload["items"][0]["files"][0]["url"] = payload["items"][0]["files"][0]["url"].replace("print.pdf", "gone.pdf")
    created = httpx.post(base + "/v4/orders", json=payload, headers={"X-API-KEY": key}, timeout=10)
    assert created.status_code == 200
    order_id = created.json()["id"]

    # The file cannot be fetched: the order fails and its merchant gets an e-mail whose link is this server's
    # address (PLATEN_BASE_URL is unset), written by serve's worker process.
    outbox = tmp_path / "data" / "outbox"
    link = f"{base}/orders/{order_id}/"
    wait_for(lambda: outbox.exists() and any(link in f.read_text() for f in outbox.iterdir()),
             "the needs-action e-mail with a link to this server", time.monotonic() + 60)

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    logs = process.stdout.read()
    assert f"event=order_created order_id={order_id}" in logs  # one line per order event...
    assert re.search(rf"event=order_status_changed order_id={order_id} status=\"\S+ -> failed\"", logs)
    assert "job started" not in logs and "job succeeded" not in logs  # ...and none per job


def test_a_later_start_says_how_to_get_a_new_key_or_password(served, tmp_path):
    base, _, process = served
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(PLATEN_DATA_DIR=str(tmp_path / "data"), PYTHONUNBUFFERED="1")
    again = subprocess.Popen([sys.executable, "-m", "platen.cli", "serve", "--port", base.rsplit(":", 1)[1]],
                             env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        banner = read_banner(again, time.monotonic() + 120)
    finally:
        again.send_signal(signal.SIGINT)  # at once, while its children may still be starting
        again.wait(timeout=30)
    assert processes_with(f"PLATEN_DATA_DIR={tmp_path / 'data'}") == []  # every child it started stopped with it
    assert "Demo API key" not in banner
    new_key = re.search(r"New API key:\s+(.+)", banner).group(1).split()
    new_password = re.search(r"New password:\s+(.+)", banner).group(1).split()
    assert new_password[-3:] == ["users", "password", "demo"]

    # The commands work as printed.
    key = subprocess.run(new_key, env=env, capture_output=True, text=True, timeout=60)
    assert key.returncode == 0 and key.stdout.startswith("plk_")
    changed = subprocess.run([*new_password, "--password", "a-new-long-password"], env=env, capture_output=True,
                             text=True, timeout=60)
    assert changed.returncode == 0 and "password changed for demo" in changed.stderr
