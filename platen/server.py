"""Running Platen: `platen web` (gunicorn), `platen serve` (everything in one process tree) and the
supervisor that both `serve` and `platen worker --concurrency N` use for their children."""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command

from platen.accounts import demo
from platen.cli import listen_url


def run_web(host: str, port: int, workers: int | None = None) -> int:
    from gunicorn.app.base import BaseApplication

    from platen.wsgi import application

    class Web(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers or multiprocessing.cpu_count() * 2 + 1)
            self.cfg.set("worker_class", "sync")
            self.cfg.set("accesslog", None)
            self.cfg.set("loglevel", settings.PLATEN.log_level.lower())
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("proc_name", "platen-web")

        def load(self):
            return application

    Web().run()
    return 0


def serve(host: str, port: int) -> int:
    """The embedded default: migrate, make sure a demo account exists, run the web server, one job worker
    and the scheduler (and, as later parts land, the FTP server) as children; Ctrl-C or SIGTERM stops them all."""
    settings.PLATEN.data_dir.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    credentials = demo.ensure_demo_account()
    _print_banner(host, port, credentials)
    return _supervise([("web", "--host", host, "--port", str(port)), ("worker",), ("scheduler",)])


def run_copies(args: list[str], count: int) -> int:
    """`count` copies of one `platen` command as children (e.g. `platen worker --concurrency 4`)."""
    return _supervise([tuple(args)] * count)


def _child(*args: str) -> subprocess.Popen:
    # Its own process group: a terminal's Ctrl-C reaches only this supervisor, which sends each child one
    # SIGTERM. (Two signals would tell a worker to abandon the job in flight.)
    return subprocess.Popen([sys.executable, "-m", "platen.cli", *args], process_group=0)


def _supervise(commands: list[tuple[str, ...]]) -> int:
    """Start each command as a child and run them together until a signal or one of them ends. The handlers are
    in place before the first child starts, so a Ctrl-C at any moment (even while they start) stops every child
    that was started, each with exactly one SIGTERM."""
    children: list[subprocess.Popen] = []
    signaled: set[int] = set()
    stopping = False

    def stop(signum=None, frame=None):
        nonlocal stopping
        stopping = True
        for child in children:
            if child.poll() is None and child.pid not in signaled:
                signaled.add(child.pid)
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for args in commands:
        if stopping:
            break
        children.append(_child(*args))
    if stopping:
        stop()  # a signal came while the children started: the last one started gets its SIGTERM too
    while any(child.poll() is None for child in children):
        if not stopping and any(child.poll() is not None for child in children):
            stop()  # one child ended by itself (a port in use, a crash): take the tree down rather than run half of it
        time.sleep(0.2)
    failed = [child.returncode for child in children if child.returncode not in (0, -signal.SIGTERM)]
    return (failed[0] if failed[0] > 0 else 1) if failed else 0


def _network_line(platen: str) -> str:
    from platen.production.models import Facility, Partner

    facilities, partners = Facility.objects.filter(active=True).count(), Partner.objects.filter(active=True).count()
    return (f"  Production:   {facilities} facilities of {partners} print partners route orders "
            f"({platen} partners list; {platen} partners key PARTNER_ID)")


def _print_banner(host: str, port: int, credentials: demo.DemoCredentials) -> None:
    url = f"{listen_url(host, port)}/"
    platen = _command()
    lines = [
        "",
        "Platen is running.",
        f"  Dashboard:    {url}",
        f"  API docs:     {url}v4/docs",
        f"  Data folder:  {settings.PLATEN.data_dir}",
    ]
    if credentials.created:
        lines += [
            f"  Demo login:   {credentials.username} / {credentials.password}",
            f"  Demo API key: {credentials.api_key}",
            "  (shown once; keep them. Try:",
            f"   curl -H 'X-API-KEY: {credentials.api_key}' {url}v4/products )",
        ]
    elif credentials.username:
        lines += [
            f"  Demo login:   {credentials.username} (password and API key were printed on first start)",
            f"  New password: {platen} users password {credentials.username}",
        ]
        if credentials.account_id:
            lines.append(f"  New API key:  {platen} apikey create {credentials.account_id}")
    else:
        lines += [f"  Logins:       {platen} users list; {platen} users password USERNAME",
                  f"  API keys:     {platen} accounts list; {platen} apikey create ACCOUNT_ID"]
    lines.append(_network_line(platen))
    if settings.PLATEN.base_url != listen_url(host, port):
        lines.append(f"  E-mail links: {settings.PLATEN.base_url}/ (PLATEN_BASE_URL)")
    if settings.PLATEN.log_level == "WARNING":
        lines.append("  Logs: warnings and one line per order event (--verbose or PLATEN_LOG_LEVEL=INFO for everything).")
    lines.append("Press Ctrl-C to stop.\n")
    print("\n".join(lines), flush=True)


def _command() -> str:
    """How this `platen` was started, to print commands that work as they are (e.g. .venv/bin/platen)."""
    program = sys.argv[0]
    if os.path.basename(program) != "platen":
        return f"{sys.executable} -m platen.cli"
    return "platen" if shutil.which("platen") == os.path.abspath(program) else program
