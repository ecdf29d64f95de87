"""The one typed settings object. Every PLATEN_* variable and DATABASE_URL is read here, nowhere else."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from pathlib import Path


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _positive(env: dict[str, str], name: str, default: int) -> int:
    value = env.get(name) or str(default)
    if not value.isdigit() or int(value) < 1:
        raise ValueError(f"{name} must be a whole number above 0, not {value!r}.")
    return int(value)


@dataclass(frozen=True)
class PlatenConfig:
    data_dir: Path
    database_url: str
    secret_key: str
    debug: bool
    allowed_hosts: list[str]
    log_level: str
    bench_floor: bool
    fetch_allow_private: bool  # lets tests and local demos fetch files from loopback; never in production
    email_url: str  # smtp://user:pass@host:port (STARTTLS with ?tls=1); empty = write e-mails to the data folder
    email_from: str
    base_url: str  # how merchants reach this Platen (links in e-mails)
    preflight_memory_mb: int = 512  # address space a file's reader may add (platen/preflight/limits.py)
    preflight_seconds: int = 120  # wall clock for reading one file; half of it is the CPU-time limit
    reconcile_interval_hours: int = 24  # how often each active store is reconciled (platen/diagnostics)

    @property
    def https(self) -> bool:
        """Merchants reach this Platen over HTTPS: secure cookies, HSTS, CSP (platen/kit/security.py)."""
        return self.base_url.startswith("https://")

    @property
    def uses_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite")

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> PlatenConfig:
        env = dict(os.environ if env is None else env)
        data_dir = Path(env.get("PLATEN_DATA_DIR") or "./var").resolve()
        database_url = env.get("DATABASE_URL") or f"sqlite:///{data_dir / 'platen.sqlite3'}"
        return cls(
            data_dir=data_dir,
            database_url=database_url,
            secret_key=env.get("PLATEN_SECRET_KEY") or _stored_secret_key(data_dir),
            debug=_flag(env.get("PLATEN_DEBUG"), False),
            allowed_hosts=[h.strip() for h in env.get("PLATEN_ALLOWED_HOSTS", "*").split(",") if h.strip()],
            log_level=env.get("PLATEN_LOG_LEVEL", "INFO").upper(),
            bench_floor=_flag(env.get("PLATEN_BENCH_FLOOR"), False),
            fetch_allow_private=_flag(env.get("PLATEN_FETCH_ALLOW_PRIVATE"), False),
            email_url=env.get("PLATEN_EMAIL_URL", ""),
            email_from=env.get("PLATEN_EMAIL_FROM", "Platen <platen@localhost>"),
            # Unset: the address `platen serve`/`web` listens on (they pass it to their children, the worker
            # that sends e-mails among them, as PLATEN_LISTEN_URL).
            base_url=(env.get("PLATEN_BASE_URL") or env.get("PLATEN_LISTEN_URL") or "http://127.0.0.1:8000").rstrip("/"),
            preflight_memory_mb=_positive(env, "PLATEN_PREFLIGHT_MEMORY_MB", 512),
            preflight_seconds=_positive(env, "PLATEN_PREFLIGHT_SECONDS", 120),
            reconcile_interval_hours=_positive(env, "PLATEN_RECONCILE_INTERVAL_HOURS", 24),
        )


def _stored_secret_key(data_dir: Path) -> str:
    """The embedded default keeps a generated secret key in its data folder so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    path.write_text(key)
    path.chmod(0o600)
    return key


CONFIG = PlatenConfig.from_env()
