"""Running Platen: `platen web` (gunicorn) and `platen serve` (everything in one process tree)."""

from __future__ import annotations

import multiprocessing
import signal
import subprocess
import sys

from django.conf import settings
from django.core.management import call_command

from platen.accounts import demo


def run_web(host: str, port: int, workers: int | None = None) -> int:
    from gunicorn.app.base import BaseApplication

    from platen.wsgi import application

    class Web(BaseApplication):
        def load_config(self):
            self.cfg.set("bind", f"{host}:{port}")
            self.cfg.set("workers", workers or multiprocessing.cpu_count() * 2 + 1)
            self.cfg.set("worker_class", "sync")
            self.cfg.set("accesslog", None)
            self.cfg.set("graceful_timeout", 20)
            self.cfg.set("proc_name", "platen-web")

        def load(self):
            return application

    Web().run()
    return 0


def serve(host: str, port: int) -> int:
    """The embedded default: migrate, make sure a demo account exists, run the web server (and, as later
    parts land, the worker, scheduler and FTP server) as children; Ctrl-C or SIGTERM stops them all."""
    settings.PLATEN.data_dir.mkdir(parents=True, exist_ok=True)
    call_command("migrate", interactive=False, verbosity=0)
    credentials = demo.ensure_demo_account()
    _print_banner(host, port, credentials)
    children = [subprocess.Popen([sys.executable, "-m", "platen.cli", "web", "--host", host, "--port", str(port)])]
    return _supervise(children)


def _supervise(children: list[subprocess.Popen]) -> int:
    def stop(signum, frame):
        for child in children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    codes = [child.wait() for child in children]
    return max(codes, default=0) if any(c not in (0, -signal.SIGTERM) for c in codes) else 0


def _print_banner(host: str, port: int, credentials: demo.DemoCredentials) -> None:
    url = f"http://{host}:{port}/"
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
    else:
        lines.append(f"  Demo login:   {credentials.username} (password and API key were printed on first start)")
    lines.append("Press Ctrl-C to stop.\n")
    print("\n".join(lines), flush=True)
