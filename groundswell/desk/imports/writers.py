"""Writing checked interactions: plain SQL, and COPY on PostgreSQL.

On SQLite, new rows go in plain INSERT statements of many rows each and updates through the
cursor's executemany, because Django's bulk_create spends most of its time preparing each
value and reaches about half the rate the import needs (docs/performance.md). On PostgreSQL,
where executemany sends one statement per row, new rows are streamed with COPY and updates
are copied into a temporary table and applied by one UPDATE. Either way an update leaves
rows whose values are unchanged alone, and everything is written in one transaction or not at
all.
"""

from __future__ import annotations

import datetime
import json
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from itertools import batched, chain
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.desk.imports.checks import BATCH_SIZE, LOOKUP_CHUNK, Plan, Planned
from groundswell.desk.models import Customer, Interaction
from groundswell.people.models import Person

logger = logging.getLogger(__name__)

# The columns written, in the order of each row's value tuple.
COLUMNS = (
    "team_id",
    "channel",
    "status",
    "subject",
    "topics",
    "opened_at",
    "resolved_at",
    "handle_time_seconds",
    "handled_by_id",
    "customer_id",
    "handler_not_ready",
    "source",
    "external_id",
    "created_at",
    "updated_at",
)
# Rows in one INSERT statement on SQLite (fewer where the driver allows fewer parameters).
INSERTS_PER_STATEMENT = 500
# The columns an import may change on an interaction it updates.
CHANGED = COLUMNS[: COLUMNS.index("source")]


@dataclass(frozen=True)
class Outcome:
    """What an import did."""

    plan: Plan
    created: int = 0
    updated: int = 0
    committed: bool = False


def write_plan(plan: Plan, *, progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Write every planned row (call inside a transaction); returns (created, updated)."""
    now = timezone.now()
    customers = _customers(plan.rows)
    adapt_time = datetime_adapter()
    empty_topics = json.dumps([])
    stamp = adapt_time(now)
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    source = plan.source
    for row in plan.rows:
        topics = json.dumps(row.topics) if row.topics else empty_topics
        resolved_at = adapt_time(row.resolved_at) if row.resolved_at is not None else None
        customer_id = customers.get(row.customer_email) if row.customer_email else None
        if row.existing_pk is None:
            inserts.append(
                (
                    row.team_id,
                    row.channel,
                    row.status,
                    row.subject,
                    topics,
                    adapt_time(row.opened_at),
                    resolved_at,
                    row.handle_time_seconds,
                    row.handled_by_id,
                    customer_id,
                    row.handler_not_ready,
                    source,
                    row.external_id,
                    stamp,
                    stamp,
                )
            )
        else:
            updates.append(
                (
                    row.team_id,
                    row.channel,
                    row.status,
                    row.subject,
                    topics,
                    adapt_time(row.opened_at),
                    resolved_at,
                    row.handle_time_seconds,
                    row.handled_by_id,
                    customer_id,
                    row.handler_not_ready,
                    row.existing_pk,
                )
            )
    if connection.vendor == "postgresql":
        _copy_postgres(inserts, updates, stamp, progress)
    else:
        _executemany(inserts, updates, stamp, progress)
    return len(inserts), len(updates)


def _executemany(
    inserts: list[tuple[Any, ...]],
    updates: list[tuple[Any, ...]],
    stamp: Any,
    progress: Callable[[int], None] | None,
) -> None:
    """Plain INSERT and UPDATE statements, each sent once per batch with executemany."""
    table = connection.ops.quote_name(Interaction._meta.db_table)
    # Only our own constant column names and the quoted table name go into the SQL text.
    insert_sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        table, ", ".join(COLUMNS), ", ".join(["%s"] * len(COLUMNS))
    )
    # An update leaves a row that already holds these values alone (and its `updated_at` with
    # it), so sending the same export again rewrites nothing.
    same = " IS " if connection.vendor == "sqlite" else " IS NOT DISTINCT FROM "
    update_sql = "UPDATE {} SET {}, updated_at = %s WHERE id = %s AND NOT ({})".format(  # noqa: S608
        table,
        ", ".join(f"{name} = %s" for name in CHANGED),
        " AND ".join(f"{name}{same}%s" for name in CHANGED),
    )
    # Each update is (new values..., id); the statement wants the id and the values again.
    rows = [(*row[:-1], stamp, row[-1], *row[:-1]) for row in updates]
    done = 0
    if connection.vendor == "sqlite" and inserts:
        done = _insert_sqlite(table, inserts, progress)
        inserts = []
    with connection.cursor() as cursor:
        for sql, params in ((insert_sql, inserts), (update_sql, rows)):
            for batch in batched(params, BATCH_SIZE):
                cursor.executemany(sql, batch)
                done += len(batch)
                if progress is not None:
                    progress(done)


def _insert_sqlite(
    table: str, inserts: list[tuple[Any, ...]], progress: Callable[[int], None] | None
) -> int:
    """New rows on SQLite, many to a statement (`INSERT ... VALUES (...), (...)`).

    One statement a row (executemany) costs SQLite a statement step and an update of the
    table's AUTOINCREMENT counter for every row; a statement of many rows does both once, and
    inserts the rows in the same order, so they get the same ids. The statement goes to the
    driver's own cursor with `?` placeholders: Django's cursor would rewrite every `%s` of a
    statement this long on each call. Errors still arrive as Django's.
    """
    width = len(COLUMNS)
    limit = connection.features.max_query_params or INSERTS_PER_STATEMENT * width
    per_statement = max(1, min(INSERTS_PER_STATEMENT, limit // width))
    one = "(" + ", ".join(["?"] * width) + ")"
    head = "INSERT INTO {} ({}) VALUES ".format(table, ", ".join(COLUMNS))  # noqa: S608
    full_sql = head + ", ".join([one] * per_statement)
    done = 0
    raw = connection.connection.cursor()
    try:
        with connection.wrap_database_errors:
            for batch in batched(inserts, per_statement):
                sql = (
                    full_sql
                    if len(batch) == per_statement
                    else head + ", ".join([one] * len(batch))
                )
                raw.execute(sql, list(chain.from_iterable(batch)))
                done += len(batch)
                if progress is not None:
                    progress(done)
    finally:
        raw.close()
    return done


def _copy_postgres(
    inserts: list[tuple[Any, ...]],
    updates: list[tuple[Any, ...]],
    stamp: Any,
    progress: Callable[[int], None] | None,
) -> None:
    """COPY new rows straight into the table; COPY updates into a scratch table, then one UPDATE.

    PostgreSQL's executemany sends one statement per row; COPY streams a batch in one go. The
    UPDATE skips rows whose values are already the same, as the other path does.
    """
    table = connection.ops.quote_name(Interaction._meta.db_table)
    scratch = connection.ops.quote_name("groundswell_import_update")
    done = 0
    with connection.cursor() as cursor:
        if inserts:
            copy_sql = f"COPY {table} ({', '.join(COLUMNS)}) FROM STDIN"
            for batch in batched(inserts, BATCH_SIZE):
                _copy_rows(cursor, copy_sql, batch)
                done += len(batch)
                if progress is not None:
                    progress(done)
        if not updates:
            return
        # A temporary table lives in this session only, and its creation is undone with the
        # transaction if anything fails.
        names = ", ".join(CHANGED)
        cursor.execute(
            f"CREATE TEMPORARY TABLE {scratch} ON COMMIT DROP AS "  # noqa: S608 (constant names)
            f"SELECT {names}, id FROM {table} WITH NO DATA"
        )
        copy_sql = f"COPY {scratch} ({names}, id) FROM STDIN"
        for batch in batched(updates, BATCH_SIZE):
            _copy_rows(cursor, copy_sql, batch)
            done += len(batch)
            if progress is not None:
                progress(done)
        cursor.execute(
            f"UPDATE {table} AS target SET "  # noqa: S608 (constant names)
            f"{', '.join(f'{name} = new.{name}' for name in CHANGED)}, updated_at = %s "
            f"FROM {scratch} AS new WHERE target.id = new.id "
            f"AND ({', '.join(f'target.{name}' for name in CHANGED)}) IS DISTINCT FROM "
            f"({', '.join(f'new.{name}' for name in CHANGED)})",
            [stamp],
        )
        cursor.execute(f"DROP TABLE {scratch}")


def _copy_rows(cursor: Any, sql: str, rows: Iterable[tuple[Any, ...]]) -> None:
    """Stream rows through psycopg's COPY support.

    The cursor wrapper passes `copy` straight to psycopg, so its errors are turned into
    Django's here (a duplicate id must arrive as `IntegrityError`, as from any other write).
    """
    with connection.wrap_database_errors, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(row)


def datetime_adapter() -> Callable[[datetime.datetime | None], Any]:
    """The database's own datetime adaptation, with a fast path for SQLite.

    Django's SQLite adapter reads settings and checks awareness on every call, which for a
    large file costs more than the insert; this does the same conversion (to naive UTC text)
    once the checks are made.

    On PostgreSQL an aware value goes as UTC: PostgreSQL reads offsets of up to 15:59 hours
    only, where Python (and so the check) takes any offset under 24 hours.
    """
    ops = connection.ops
    if connection.vendor == "postgresql" and settings.USE_TZ:

        def in_utc(value: datetime.datetime | None) -> Any:
            if value is None or value.tzinfo is None:
                return ops.adapt_datetimefield_value(value)
            return value.astimezone(datetime.UTC)

        return in_utc
    if connection.vendor != "sqlite" or not settings.USE_TZ:
        return ops.adapt_datetimefield_value
    zone = connection.timezone

    def adapt(value: datetime.datetime | None) -> str | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return ops.adapt_datetimefield_value(value)
        return str(value.astimezone(zone).replace(tzinfo=None))

    return adapt


def _customers(rows: Sequence[Planned]) -> dict[str, int]:
    """Customer ids by lower-cased email, adding the customers not known yet."""
    wanted: dict[str, Planned] = {}
    for row in rows:
        if row.customer_email and row.customer_email not in wanted:
            wanted[row.customer_email] = row
    if not wanted:
        return {}
    found: dict[str, int] = {}
    known = Customer.objects.alias(key=Lower("email"))
    for chunk in batched(sorted(wanted), LOOKUP_CHUNK):
        found.update(
            (email.lower(), pk)
            for email, pk in known.filter(key__in=chunk).values_list("email", "pk")
        )
    new = [
        Customer(
            email=email,
            name=row.customer_name or email,
            language=row.customer_language or "en",
        )
        for email, row in wanted.items()
        if email not in found
    ]
    Customer.objects.bulk_create(new, batch_size=LOOKUP_CHUNK)
    found.update((customer.email, customer.pk) for customer in new)
    return found


def commit_plan(
    actor: Person,
    plan: Plan,
    *,
    skip_bad_rows: bool,
    progress: Callable[[int], None] | None = None,
) -> Outcome:
    """Write a checked plan in one transaction, unless it may not be written."""
    if not plan.can_write(skip_bad_rows=skip_bad_rows):
        return Outcome(plan=plan)
    try:
        with transaction.atomic():
            created, updated = write_plan(plan, progress=progress)
    except IntegrityError:
        return collided(actor, plan)
    logger.info("Interaction import by %s: %s new, %s updated", actor.pk, created, updated)
    return Outcome(plan=plan, created=created, updated=updated, committed=True)


def collided(actor: Person, plan: Plan) -> Outcome:
    """The outcome of an import that a concurrent change made fail: nothing written."""
    logger.warning("Interaction import by %s collided with a concurrent change", actor.pk)
    plan.add_file_problem(
        _(
            "Someone changed these interactions while you were importing. Nothing was "
            "imported; please try again."
        )
    )
    return Outcome(plan=plan)
