"""Groundswell settings: one module, read top to bottom, every value from the environment.

`GROUNDSWELL_ENV` picks the defaults: `development` (what `make run` uses), `test`, or
`production` (the default when unset, so a forgotten variable fails safe). See
docs/configuration.md for every variable.
"""

import copy
import secrets
from pathlib import Path
from typing import Any

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured

django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.FileAwareEnv()

ENVIRONMENT = env.str("GROUNDSWELL_ENV", default="production")
if ENVIRONMENT not in {"development", "test", "production"}:
    raise ImproperlyConfigured(
        f"GROUNDSWELL_ENV must be development, test or production, not {ENVIRONMENT!r}."
    )
PRODUCTION = ENVIRONMENT == "production"
TESTING = ENVIRONMENT == "test"

DATA_DIR = Path(env.str("GROUNDSWELL_DATA_DIR", default=str(BASE_DIR / "var")))


def _development_secret_key() -> str:
    """A secret generated once per checkout into var/, so sessions survive restarts."""
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured(
            "SECRET_KEY (or SECRET_KEY_FILE) must be set when GROUNDSWELL_ENV=production."
        )
    SECRET_KEY = _development_secret_key()
# Earlier keys, still accepted while they are being replaced (sessions, signed links, and the
# pulse's sealed pending answers of a wave that opened under one of them).
SECRET_KEY_FALLBACKS = env.list("SECRET_KEY_FALLBACKS", default=[])

# Off unless asked for, in development too: the debug pages list every URL and setting.
DEBUG = env.bool("DEBUG", default=False)
ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
# Who customers are told they are answering: on the survey page, its title and the survey email.
# Outside production it defaults to the demo's company (people.demo.DEMO_COMPANY).
ORGANISATION_NAME = env.str(
    "ORGANISATION_NAME", default="" if PRODUCTION else "Kestrel Home Services"
).strip()

INSTALLED_APPS = [
    "groundswell.core",  # first, so its registration/ templates win over the admin's
    "groundswell.site.admin_site.GroundswellAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_tasks_db",
    "ninja",
    "groundswell.people",
    "groundswell.desk",
    "groundswell.voice",
    "groundswell.ideas",
    "groundswell.pulse",
    "groundswell.quality",
    "groundswell.recognition",
    "groundswell.learning",
    "groundswell.api",
    "groundswell.site",  # the top: home page, navigation, the API's routers, the demo
]

MIDDLEWARE = [
    # First, so every response carries its request id and every log line of the request names it.
    "groundswell.core.lib.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "groundswell.people.middleware.PersonMiddleware",
    # After the request knows its user (the 400 page is drawn like any page), before views.
    "groundswell.core.lib.nul.NulRejectMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "groundswell.urls"
WSGI_APPLICATION = "groundswell.wsgi.application"

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
                "groundswell.core.context_processors.organisation",
                "groundswell.site.context_processors.navigation",
            ],
        },
    },
]

# Database: SQLite under var/ unless DATABASE_URL says otherwise.
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'groundswell.sqlite3'}")
}
# A read replica for the dashboards' heavy read-only queries (customer-voice figures, pulse
# results): they ask `core.lib.reporting.reporting_db()` for it, nothing else reads from it, so
# reads that follow a write stay on the primary. Tests always have the alias, as a mirror of the
# primary (the same test database), so the suite covers the routing without a second server.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
elif TESTING:
    DATABASES["replica"] = copy.deepcopy(DATABASES["default"])
if "replica" in DATABASES:
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
GROUNDSWELL_REPORTING_DATABASE = "replica" if DATABASE_REPLICA_URL else "default"
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.sqlite3":
        _database.setdefault("OPTIONS", {}).update(
            {
                # WAL, IMMEDIATE transactions and a busy timeout let the web server and the task
                # worker share the file: readers never block the writer, writers wait their turn.
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA busy_timeout=20000; PRAGMA cache_size=-65536;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    _database["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    _database["CONN_HEALTH_CHECKS"] = True
    # Behind PgBouncer in transaction mode a cursor cannot outlive its transaction: Django's
    # server-side cursors (QuerySet.iterator() on PostgreSQL) must be off there.
    _database["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "DISABLE_SERVER_SIDE_CURSORS", default=False
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Authentication
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, whose per-request user lookup also brings the active person
    # (people/backends.py). Sessions name their backend: those of ModelBackend sign in again.
    "groundswell.people.backends.PersonBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Brute-force protection: lock a username + address pair after repeated failures.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.5)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env.int("PROXY_COUNT", default=0)
# The client's address as every request limit reads it (X-Forwarded-For behind PROXY_COUNT
# proxies). Without it Axes reads REMOTE_ADDR (django-ipware is not installed): behind nginx
# every client would share the proxy's address, and anyone could lock anyone out.
AXES_CLIENT_IP_CALLABLE = "groundswell.core.lib.ratelimit.client_address"
AXES_VERBOSE = False

# Sessions and cookies
SESSION_ENGINE = "groundswell.core.sessions"  # database sessions, read with prepared SQL
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=PRODUCTION)
SECURE_HSTS_SECONDS = env.int(
    "SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365 if PRODUCTION else 0
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Internationalisation
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("es", "Español"), ("fr", "Français"), ("de", "Deutsch")]
LOCALE_PATHS = [BASE_DIR / "groundswell" / "locale"]
TIME_ZONE = env.str("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# Static files, served by WhiteNoise from STATIC_ROOT (no CDN anywhere).
STATIC_URL = "static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(DATA_DIR / "static")))
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(DATA_DIR / "media")))
MEDIA_URL = "media/"
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing

# Email: EMAIL_URL such as smtp+tls://user:pass@mail.example.com:587; development prints mail.
_email_default = "smtp://localhost:25" if PRODUCTION else "consolemail://"
_email = env.email_url("EMAIL_URL", default=_email_default)
_email_timeout = env.int("EMAIL_TIMEOUT", default=10)
_email_options = {
    "host": _email.get("EMAIL_HOST"),
    "port": _email.get("EMAIL_PORT"),
    "username": _email.get("EMAIL_HOST_USER"),
    "password": _email.get("EMAIL_HOST_PASSWORD"),
    "use_tls": _email.get("EMAIL_USE_TLS", False),
    "use_ssl": _email.get("EMAIL_USE_SSL", False),
    "timeout": _email_timeout,
}
MAILERS = {
    "default": {
        "BACKEND": _email["EMAIL_BACKEND"],
        "OPTIONS": (
            {key: value for key, value in _email_options.items() if value not in (None, "")}
            if _email["EMAIL_BACKEND"].endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Groundswell <groundswell@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# How long a mail task holds its claim on an email (a survey invitation, a follow-up notice)
# before the sweep gives the email to another worker: a worker killed mid-send loses nothing,
# it is resent after the lease. The sweep runs this often too. A send that takes longer than
# the lease could go out twice, so the lease must leave room for several SMTP timeouts.
_send_lease = env.int("SEND_LEASE_SECONDS", default=300)
if _send_lease < 3 * _email_timeout:
    raise ImproperlyConfigured(
        f"SEND_LEASE_SECONDS ({_send_lease}) must be at least three times "
        f"EMAIL_TIMEOUT ({_email_timeout}): a send still waiting on the mail server "
        "when its lease runs out could go out twice."
    )
GROUNDSWELL_SEND_LEASE_SECONDS = _send_lease

# Background tasks: a database queue by default (`manage.py db_worker`); TASKS_BACKEND=rq with
# REDIS_URL moves them to Redis/RQ to scale out; tests run them immediately.
_tasks_backend = env.str("TASKS_BACKEND", default="immediate" if TESTING else "database")
_TASK_BACKENDS: dict[str, dict[str, Any]] = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    "rq": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]},
    "immediate": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
}
if _tasks_backend not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"TASKS_BACKEND must be one of {', '.join(_TASK_BACKENDS)}, not {_tasks_backend!r}."
    )
TASKS = {"default": _TASK_BACKENDS[_tasks_backend]}
if _tasks_backend == "rq":
    INSTALLED_APPS.append("django_rq")
    RQ_QUEUES = {"default": {"URL": env.str("REDIS_URL", default="redis://localhost:6379/0")}}

_redis_url = env.str("REDIS_URL", default="")
# "default" holds what is cheap to rebuild (rendered fragments, choices), so each process may
# keep its own. "ratelimit" holds every request limit (core/lib/ratelimit.py) and must be one
# count for all web processes, or each limit multiplies by the number of workers: Redis when
# REDIS_URL is set, else a table in the database every process already shares (created by
# `migrate`, see core/apps.py). Tests keep it in memory, so each test starts from zero.
CACHES: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache"
        if _redis_url
        else "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": _redis_url or "groundswell",
    },
    "ratelimit": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": _redis_url,
        "KEY_PREFIX": "ratelimit",
    }
    if _redis_url
    else {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "groundswell_ratelimit",
        # Counters must not be culled while they count: keep far more than are ever live.
        "OPTIONS": {"MAX_ENTRIES": 1_000_000},
    },
}
if TESTING:
    CACHES["ratelimit"] = {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "ratelimit",
    }

# Every handler redacts the token of personal answer links (/p/<token>/, /s/<token>/): a
# logged link and its time would tie a person to their answer (docs/anonymity.md). Django's
# own "django" and "django.server" handlers are replaced here so they redact too.
# LOG_FORMAT=json writes one JSON object a line (core.logs.JsonFormatter) instead of text, with
# the request id (core.lib.request_id) of the request a line was written in; gunicorn's access
# and error logs follow the same variable (core.logs.RedactingGunicornLogger).
LOG_FORMAT = env.str("LOG_FORMAT", default="text").strip().lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
_json_logs = LOG_FORMAT == "json"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_links": {"()": "groundswell.core.logs.RedactLinks"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
        "json": {"()": "groundswell.core.logs.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["redact_links"],
            **({"formatter": "json"} if _json_logs else {}),
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "json" if _json_logs else "django.server",
            "filters": ["redact_links"],
        },
        "mail_admins": {
            "level": "ERROR",
            "class": "django.utils.log.AdminEmailHandler",
            "filters": ["require_debug_false", "redact_links"],
        },
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
    },
}

# Operations: `/healthz/full` (and `groundswell health`) fails when the oldest task waiting in
# the queue has waited longer than this many seconds (0: never on age alone).
GROUNDSWELL_HEALTH_MAX_QUEUE_AGE = env.int("HEALTH_MAX_QUEUE_AGE", default=600)
if GROUNDSWELL_HEALTH_MAX_QUEUE_AGE < 0:
    raise ImproperlyConfigured(
        f"HEALTH_MAX_QUEUE_AGE must be 0 or more seconds, not {GROUNDSWELL_HEALTH_MAX_QUEUE_AGE}."
    )

# Product settings
GROUNDSWELL_PAGE_SIZE = 50
GROUNDSWELL_IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# Dotted paths of the demo steps `seed_demo` runs; empty means all registered (people/demo.py).
GROUNDSWELL_DEMO_STEPS = env.list("DEMO_STEPS", default=[])
# Agent-level survey scores stay hidden until an agent has this many answers in the period.
GROUNDSWELL_MIN_AGENT_RESPONSES = env.int("MIN_AGENT_RESPONSES", default=10)
# Free-text comments identify people sooner than numbers: a group's comments (pulse results)
# are shown only from this many respondents up, never fewer than the numeric minimums.
GROUNDSWELL_MIN_COMMENT_RESPONSES = env.int("MIN_COMMENT_RESPONSES", default=10)
if GROUNDSWELL_MIN_COMMENT_RESPONSES < GROUNDSWELL_MIN_AGENT_RESPONSES:
    raise ImproperlyConfigured(
        f"MIN_COMMENT_RESPONSES ({GROUNDSWELL_MIN_COMMENT_RESPONSES}) must not be below "
        f"MIN_AGENT_RESPONSES ({GROUNDSWELL_MIN_AGENT_RESPONSES}): comments need a group at "
        "least as large as the figures do."
    )
# Each rollup refresh recomputes this many recent days (late edits, follow-ups closed late).
GROUNDSWELL_ROLLUP_LOOKBACK_DAYS = env.int("ROLLUP_LOOKBACK_DAYS", default=7)
# On PostgreSQL, the hottest lookups run as statements prepared once a session. Turn this off
# behind a connection pooler in transaction mode (PgBouncer), which does not keep a session's
# prepared statements.
GROUNDSWELL_PG_PREPARED_STATEMENTS = env.bool("PG_PREPARED_STATEMENTS", default=True)
# Sign-in logs and lock-out counters (client addresses, user agents) and finished background
# tasks are deleted after this many days by `manage.py purge_expired_records`.
GROUNDSWELL_LOG_RETENTION_DAYS = env.int("LOG_RETENTION_DAYS", default=30)
if GROUNDSWELL_LOG_RETENTION_DAYS < 1:
    raise ImproperlyConfigured(
        f"LOG_RETENTION_DAYS must be at least 1, not {GROUNDSWELL_LOG_RETENTION_DAYS}."
    )
# Files uploaded for an import wait (core.Upload, under MEDIA_ROOT) between preview and confirm;
# `purge_expired_records` deletes those older than this many hours.
GROUNDSWELL_UPLOAD_RETENTION_HOURS = env.int("UPLOAD_RETENTION_HOURS", default=24)
if GROUNDSWELL_UPLOAD_RETENTION_HOURS < 1:
    raise ImproperlyConfigured(
        f"UPLOAD_RETENTION_HOURS must be at least 1, not {GROUNDSWELL_UPLOAD_RETENTION_HOURS}."
    )
# Where `groundswell backup` (and `make backup`) writes its archives unless given a folder.
GROUNDSWELL_BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(DATA_DIR / "backups")))

# The customer-voice dashboard and metrics API share summed rows and the rendered body through
# the cache (voice/dashboard/selectors.py). Off, every request reads and renders afresh: the
# benchmark measures the dashboard's cold path this way; sites have no reason to turn it off.
GROUNDSWELL_METRICS_CACHE = env.bool("METRICS_CACHE", default=True)
# Survey answers accepted per client address per minute on the public page (0: no limit).
GROUNDSWELL_SURVEY_POSTS_PER_MINUTE = env.int("SURVEY_POSTS_PER_MINUTE", default=30)
# Password-reset requests per client address and per email address an hour (0: no limit).
GROUNDSWELL_PASSWORD_RESETS_PER_ADDRESS = env.int("PASSWORD_RESETS_PER_ADDRESS", default=10)
GROUNDSWELL_PASSWORD_RESETS_PER_EMAIL = env.int("PASSWORD_RESETS_PER_EMAIL", default=3)
# Open door submissions (named and anonymous alike) per client address an hour (0: no limit).
GROUNDSWELL_IDEA_SUBMITS_PER_ADDRESS = env.int("IDEA_SUBMITS_PER_ADDRESS", default=30)
# Wrong follow-up codes per client address in 15 minutes before the door pauses.
GROUNDSWELL_FOLLOW_UP_FAILURES = env.int("FOLLOW_UP_FAILURES", default=10)
# Quality reviews: days an agent has to dispute a submitted review, a score below which a review
# counts as poor (root causes may be recorded), and days a queued review is due in by default.
GROUNDSWELL_QUALITY_DISPUTE_DAYS = env.int("QUALITY_DISPUTE_DAYS", default=7)
GROUNDSWELL_QUALITY_POOR_SCORE = env.int("QUALITY_POOR_SCORE", default=70)
# Recognition: a customer answer at or above these (with a comment) becomes a compliment for
# the agent (CES on the 1-7 agreement scale: 6 is "agree"); kudos one person may give an hour.
GROUNDSWELL_COMPLIMENT_CSAT = env.int("COMPLIMENT_CSAT", default=5)
GROUNDSWELL_COMPLIMENT_NPS = env.int("COMPLIMENT_NPS", default=9)
GROUNDSWELL_COMPLIMENT_CES = env.int("COMPLIMENT_CES", default=6)
GROUNDSWELL_KUDOS_PER_HOUR = env.int("KUDOS_PER_HOUR", default=30)
# The daily huddle digest is made and emailed at this local time (in each team's time zone, or
# the site's TIME_ZONE for a team without one), once per team and day.
GROUNDSWELL_HUDDLE_SHIFT_START = env.str("HUDDLE_SHIFT_START", default="08:00")
# Candidates who were not hired are deleted this many months after they were added (daily job).
GROUNDSWELL_LEARNING_CANDIDATE_RETENTION_MONTHS = env.int(
    "LEARNING_CANDIDATE_RETENTION_MONTHS", default=6
)
if GROUNDSWELL_LEARNING_CANDIDATE_RETENTION_MONTHS < 1:
    raise ImproperlyConfigured(
        "LEARNING_CANDIDATE_RETENTION_MONTHS must be at least 1, not "
        f"{GROUNDSWELL_LEARNING_CANDIDATE_RETENTION_MONTHS}."
    )
# Points and rewards: off unless switched on; then each person may give this many points a
# month with their kudos, and spends the points they receive on rewards a manager approves.
GROUNDSWELL_POINTS_ENABLED = env.bool("POINTS_ENABLED", default=False)
GROUNDSWELL_POINTS_MONTHLY_ALLOWANCE = env.int("POINTS_MONTHLY_ALLOWANCE", default=100)

if TESTING:
    # Uploads kept between preview and confirm stay in memory, never in the data dir.
    STORAGES["default"] = {"BACKEND": "django.core.files.storage.InMemoryStorage"}
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
