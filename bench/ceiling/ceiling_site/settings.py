"""Settings of the ceiling: bare Django with the speed-relevant choices Groundswell makes.

The ceiling is the least code that does Groundswell's hot-path work (docs/performance.md,
"How to run the benchmark"). Everything here that changes speed without being the app's own
work is set as groundswell/settings.py sets it in production: DEBUG off, the same SQLite
PRAGMAs and IMMEDIATE transactions, connections kept 600 s with health checks, sessions in the
database, an in-process cache, and time zones on. The middleware is the list `startproject`
writes.

Environment: CEILING_DATABASE_URL (`sqlite:////abs/path.sqlite3` or
`postgres://user:password@host:port/name`), CEILING_SECRET_KEY.
"""

import os
from typing import Any
from urllib.parse import unquote, urlsplit

DEBUG = False
SECRET_KEY = os.environ.get("CEILING_SECRET_KEY", "ceiling-bench-only-" + "x" * 40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "ceiling",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "ceiling_site.urls"
WSGI_APPLICATION = "ceiling_site.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]


def database(url: str) -> dict[str, Any]:
    """Django's DATABASES entry for a sqlite:// or postgres:// URL."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": parts.path[1:],  # sqlite:////abs/path or sqlite:///relative
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
        }
    if parts.scheme in ("postgres", "postgresql"):
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": parts.path.lstrip("/"),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
        }
    raise ValueError(f"CEILING_DATABASE_URL must be sqlite:// or postgres://, not {url!r}")


DATABASES = {"default": database(os.environ.get("CEILING_DATABASE_URL", "sqlite:///ceiling.db"))}
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
LOGIN_URL = "/accounts/login/"

USE_TZ = True
TIME_ZONE = "UTC"
USE_I18N = True
LANGUAGE_CODE = "en"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}
