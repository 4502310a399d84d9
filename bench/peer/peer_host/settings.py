"""A small host project for django-helpdesk (the peer), written for the benchmark.

Its apps are the ones django-helpdesk's installation guide lists; what decides speed without
being helpdesk's own work is set as bench/ceiling/ceiling_site/settings.py sets it (and so as
Groundswell does): DEBUG off, the same database options, connections kept, database sessions,
an in-process cache, mail not sent.

Environment: PEER_DATABASE_URL, PEER_SECRET_KEY, PEER_DATA_DIR (static and media files).
"""

import os
from pathlib import Path

from ceiling_site.settings import database

DEBUG = False
SECRET_KEY = os.environ.get("PEER_SECRET_KEY", "peer-bench-only-" + "y" * 40)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DATA_DIR = Path(os.environ.get("PEER_DATA_DIR", "."))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "helpdesk",
    "peer_bench",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "peer_host.urls"
WSGI_APPLICATION = "peer_host.wsgi.application"
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]
SITE_ID = 1
HELPDESK_TEAMS_MODE_ENABLED = False  # teams would need pinax-teams
# The API authenticates with DRF tokens: one indexed lookup, like Groundswell's API keys.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ]
}
LOGIN_URL = "helpdesk:login"
LOGIN_REDIRECT_URL = "helpdesk:home"

DATABASES = {"default": database(os.environ.get("PEER_DATABASE_URL", "sqlite:///peer.db"))}
DATABASES["default"]["CONN_MAX_AGE"] = 600
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
DEFAULT_FROM_EMAIL = "helpdesk@bench.test"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"

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
