"""Django settings, all derived from platen.config.CONFIG."""

from pathlib import Path

import dj_database_url

from platen.config import CONFIG
from platen.kit.security import https_settings

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "platen.accounts",
    "platen.catalog",
    "platen.intake",
    "platen.orders",
    "platen.dashboard",
    "platen.diagnostics",
    "platen.jobs",
    "platen.notifications",
    "platen.preflight",
    "platen.production",
    "platen.stores",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "platen.kit.apierrors.JsonErrorsMiddleware",
    "platen.kit.security.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "platen.dashboard.timezones.ViewerTimeZoneMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "platen.urls"
WSGI_APPLICATION = "platen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    }
]


def _database() -> dict:
    db = dj_database_url.parse(CONFIG.database_url, conn_max_age=60, conn_health_checks=True)
    if db["ENGINE"] == "django.db.backends.sqlite3":
        Path(db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
        # WAL lets readers run beside the single writer; IMMEDIATE takes the write lock at BEGIN so two
        # writers queue on busy_timeout instead of failing halfway through a transaction.
        db["OPTIONS"] = {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
        db["CONN_MAX_AGE"] = 0
        # A file, not memory, so tests see WAL, busy timeouts and other connections as production does.
        db["TEST"] = {"NAME": str(Path(db["NAME"]).with_name("test_platen.sqlite3"))}
    return db


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "dashboard:login"
LOGIN_REDIRECT_URL = "dashboard:orders"
LOGOUT_REDIRECT_URL = "dashboard:login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = CONFIG.data_dir / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise expects it even when serving from finders
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# PLATEN_BASE_URL https: secure cookies, HSTS, the proxy's X-Forwarded-Proto, Content-Security-Policy.
globals().update(https_settings(CONFIG))

PLATEN = CONFIG

# Background jobs: rows in the database, inserted in the transaction of the change that causes them.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "postbacks", "email"]}}

# E-mail: SMTP when PLATEN_EMAIL_URL is set, otherwise files in the data folder (shown on the Outbox page).
DEFAULT_FROM_EMAIL = CONFIG.email_from
if CONFIG.email_url:
    from urllib.parse import parse_qs, unquote, urlsplit

    _smtp = urlsplit(CONFIG.email_url)
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _smtp.hostname or "localhost", _smtp.port or 25
    EMAIL_HOST_USER, EMAIL_HOST_PASSWORD = unquote(_smtp.username or ""), unquote(_smtp.password or "")
    EMAIL_USE_TLS = parse_qs(_smtp.query).get("tls", ["0"])[0] in {"1", "true"}
    EMAIL_TIMEOUT = 30
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = CONFIG.data_dir / "outbox"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"kv": {"()": "platen.kit.logs.KeyValueFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "kv"}},
    "root": {"handlers": ["console"], "level": CONFIG.log_level},
    # pikepdf announces its logging bridge at INFO once per process: noise in every preflight.
    "loggers": {"django.server": {"level": "WARNING"}, "pikepdf": {"level": "WARNING"}},
}
# WARNING (`platen serve`'s default) still tells what happens to orders, one line per order event.
LOGGING["loggers"]["platen.orders.events"] = {"level": "INFO" if CONFIG.log_level == "WARNING" else CONFIG.log_level}
