"""Rewrite rows so where and when the database stored them says nothing about who came first.

A random primary key hides the order of creation from pages and URLs, but the database keeps
its own: SQLite's rowid grows with each insert, and PostgreSQL's ctid (the row's place in
the table) and xmin (the id of the transaction that wrote it) do too. Anyone who can read
the tables and an access log could line the two up. `scatter` deletes a set of rows and
inserts them again in a random order, in the caller's transaction: afterwards every row of
the set sits after the rows written before, in an order that is random, written by one
transaction. Callers pass the set whose members must look alike (say, today's anonymous
submissions), so a new member cannot be told from the others.

Foreign keys pointing at these rows survive: Django declares them DEFERRABLE INITIALLY
DEFERRED on SQLite and PostgreSQL, so they are checked at commit, when the rows are back.
"""

from __future__ import annotations

import random
import secrets
import zlib
from typing import Any

from django.db import connections, router, transaction
from django.db.models import Model, QuerySet

_RANDOM = secrets.SystemRandom()


def scatter[M: Model](rows: QuerySet[M], *, rng: random.Random = _RANDOM) -> None:
    """Write `rows` again, in a random order; call inside the transaction that changed them."""
    model = rows.model
    database = router.db_for_write(model)
    if not transaction.get_connection(database).in_atomic_block:
        raise RuntimeError("scatter() must run inside the transaction that wrote the rows.")
    connection = connections[database]
    if connection.vendor == "postgresql":
        # One writer of this table at a time (SQLite's IMMEDIATE transactions already are):
        # two submissions rewriting the same rows at once would insert them twice.
        lock_id = zlib.crc32(model._meta.db_table.encode())
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock_id])
    found = list(rows.using(database).order_by("pk"))  # a known start, so only `rng` decides
    if not found:
        return
    rng.shuffle(found)
    pk = model._meta.pk
    if pk is None:  # only abstract models have none
        raise TypeError(f"{model.__name__} has no primary key.")
    keys: list[Any] = [pk.get_db_prep_value(row.pk, connection) for row in found]
    table = connection.ops.quote_name(model._meta.db_table)
    column = connection.ops.quote_name(pk.column or pk.attname)
    placeholders = ", ".join(["%s"] * len(keys))
    with connection.cursor() as cursor:
        # Raw SQL: the ORM's delete() would cascade to the comments and votes that must stay.
        cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({placeholders})", keys)  # noqa: S608
    model._default_manager.using(database).bulk_create(found)
