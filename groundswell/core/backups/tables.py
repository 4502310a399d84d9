"""The database side of a backup: what is left out, each table's fingerprint, migrations.

The same functions run on the live database at backup time and on the restored one, so a
restore can prove it holds what the backup held: each table's row count and the SHA-256 of
its rows read in primary-key order (`digest_tables`).
"""

from __future__ import annotations

import contextlib
import hashlib
import sqlite3
from collections.abc import Collection, Iterator, Mapping
from pathlib import Path
from typing import Any

from axes.models import AccessAttempt, AccessAttemptExpiration, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.loader import MigrationLoader
from django.db.utils import ConnectionHandler

from groundswell.core.backups.archive import BackupError, TableDigest

ENGINES = {"django.db.backends.sqlite3": "sqlite", "django.db.backends.postgresql": "postgresql"}
FETCH = 2000


def excluded_tables() -> dict[str, str]:
    """The tables whose rows a backup leaves out (their structure stays), each with the reason."""
    sign_in_log = "sign-in log: client addresses and user agents, kept only LOG_RETENTION_DAYS"
    tables = {
        Session._meta.db_table: (
            "sessions: each is a signed-in browser's credential; after a restore everyone signs "
            "in again"
        ),
        AccessAttempt._meta.db_table: "lock-out counters: they expire within AXES_COOLOFF_HOURS",
        AccessAttemptExpiration._meta.db_table: "lock-out expiry times, with the counters",
        AccessLog._meta.db_table: sign_in_log,
        AccessFailureLog._meta.db_table: sign_in_log,
    }
    for cache in settings.CACHES.values():
        if cache["BACKEND"] == "django.core.cache.backends.db.DatabaseCache":
            tables[cache["LOCATION"]] = "request-limit counters: they live a minute or an hour"
    return tables


def engine_of(database: Mapping[str, Any]) -> str:
    """'sqlite' or 'postgresql' for a DATABASES entry; BackupError for any other engine."""
    engine = ENGINES.get(database.get("ENGINE", ""))
    if engine is None:
        raise BackupError(
            f"Backups cover SQLite and PostgreSQL; the database engine is {database.get('ENGINE')}."
        )
    return engine


@contextlib.contextmanager
def connect(database: Mapping[str, Any]) -> Iterator[BaseDatabaseWrapper]:
    """A Django connection of its own to `database` (a DATABASES entry), closed afterwards."""
    # A handler of its own: the site's connections are left alone. It insists on "default".
    handler = ConnectionHandler({"default": dict(database)})
    connection = handler["default"]
    try:
        yield connection
    finally:
        connection.close()


def table_names(connection: BaseDatabaseWrapper) -> list[str]:
    with connection.cursor() as cursor:
        return sorted(
            info.name
            for info in connection.introspection.get_table_list(cursor)
            if info.type == "t" and not info.name.startswith("sqlite_")
        )


def digest_tables(
    connection: BaseDatabaseWrapper, *, skip: Collection[str] = ()
) -> dict[str, TableDigest]:
    """Each table's row count and SHA-256, but for the tables in `skip`."""
    return {
        table: digest_table(connection, table)
        for table in table_names(connection)
        if table not in skip
    }


def digest_table(connection: BaseDatabaseWrapper, table: str) -> TableDigest:
    """The rows of `table` in primary-key order (every column, where it has none), hashed."""
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        order = connection.introspection.get_primary_key_columns(cursor, table) or [
            column.name for column in connection.introspection.get_table_description(cursor, table)
        ]
    query = f"SELECT * FROM {quote(table)} ORDER BY {', '.join(quote(c) for c in order)}"  # noqa: S608
    digest = hashlib.sha256()
    rows = 0
    with _raw_cursor(connection) as cursor:
        cursor.execute(query)
        while batch := cursor.fetchmany(FETCH):
            for row in batch:
                text = repr(row)
                if "<memory at " in text:  # PostgreSQL's bytea: the bytes, not their address
                    text = repr(tuple(bytes(v) if isinstance(v, memoryview) else v for v in row))
                digest.update(text.encode() + b"\n")
            rows += len(batch)
    return TableDigest(rows=rows, sha256=digest.hexdigest())


@contextlib.contextmanager
def _raw_cursor(connection: BaseDatabaseWrapper) -> Iterator[Any]:
    """A cursor that reads rows as the database gives them, without Django's conversions.

    SQLite: a read-only connection of its own to the same file (Django's would parse every
    date). PostgreSQL: a server-side cursor, so a large table is never held in memory at once.
    """
    name = str(connection.settings_dict["NAME"])
    if connection.vendor == "sqlite" and "mode=memory" not in name and name != ":memory:":
        database = sqlite3.connect(f"{Path(name).resolve().as_uri()}?mode=ro", uri=True)
        try:
            yield database.cursor()
        finally:
            database.close()
    else:
        with connection.chunked_cursor() as cursor:
            yield cursor


def applied_migrations(connection: BaseDatabaseWrapper) -> dict[str, list[str]]:
    """The migrations recorded as applied, by app; empty for a database never migrated."""
    if "django_migrations" not in table_names(connection):
        return {}
    applied: dict[str, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            applied.setdefault(app, []).append(name)
    return applied


def migration_gap(applied: Mapping[str, list[str]]) -> tuple[list[str], list[str]]:
    """(unknown, pending): migrations the backup has that this code does not know, and those
    this code has that the backup's database has not applied; each as "app.name"."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    done = {(app, name) for app, names in applied.items() for name in names}
    known = set(loader.disk_migrations)
    for migration in loader.disk_migrations.values():
        known.update(migration.replaces)
    unknown = sorted(f"{app}.{name}" for app, name in done - known)
    pending = sorted(
        f"{app}.{name}"
        for app, name in loader.graph.nodes
        if (app, name) not in done
        and not (
            loader.graph.nodes[app, name].replaces
            and set(loader.graph.nodes[app, name].replaces) <= done
        )
    )
    return unknown, pending


def describe_data(connection: BaseDatabaseWrapper) -> str | None:
    """Why the database counts as holding data (so that a restore would destroy something),
    or None for an empty database or one only migrated."""
    tables = table_names(connection)
    if not tables:
        return None
    if "django_migrations" not in tables:
        return f"it holds {len(tables)} tables and is not a Groundswell database"
    accounts = get_user_model()._meta.db_table
    if accounts not in tables:
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(accounts)}")  # noqa: S608
        (count,) = cursor.fetchone()
    return f"it holds {count} user accounts" if count else None
