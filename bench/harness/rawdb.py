"""The raw baselines for CSV import: the same CSV files put into the ceiling's interaction
table with no framework and no checks, by Python's csv module and then sqlite3's
`executemany` (SQLite) or psycopg's `COPY ... FROM STDIN` (PostgreSQL), one transaction a file.

Groundswell's CSV import rows/s divided by this is the CSV ratio. The rows land in the
ceiling's database after its own turn in the round; its reset removes them.
"""

from __future__ import annotations

import csv
import io
import sqlite3
import time
from urllib.parse import unquote, urlsplit

from bench.harness.contestants import CSV_HEADER

COLUMNS = "external_id, subject, channel, status, team_id, opened_at, handle_time_seconds, source"


def _rows(body: bytes) -> list[list[str]]:
    reader = csv.reader(io.StringIO(body.decode()))
    if next(reader) != CSV_HEADER.split(","):
        raise ValueError(f"the CSV header must be {CSV_HEADER}")
    return [[*row, "raw"] for row in reader]


def sqlite_executemany(path: str, bodies: list[bytes]) -> list[float]:
    """Rows per second for each file, into the SQLite file at `path` (PRAGMAs as the apps)."""
    rates = []
    connection = sqlite3.connect(path, timeout=20, isolation_level=None)
    try:
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute("PRAGMA cache_size=-65536")
        statement = f"INSERT INTO ceiling_interaction ({COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"  # noqa: S608
        for body in bodies:
            started = time.perf_counter()
            rows = _rows(body)
            connection.execute("BEGIN IMMEDIATE")
            connection.executemany(statement, rows)
            connection.execute("COMMIT")
            rates.append(len(rows) / (time.perf_counter() - started))
    finally:
        connection.close()
    return rates


def postgres_copy(url: str, bodies: list[bytes]) -> list[float]:
    """Rows per second for each file, with COPY into the PostgreSQL database at `url`."""
    import psycopg  # the project's driver; only the full benchmark needs it

    parts = urlsplit(url)
    rates = []
    with psycopg.connect(
        host=parts.hostname,
        port=parts.port,
        user=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
        dbname=parts.path.lstrip("/"),
    ) as connection:
        for body in bodies:
            started = time.perf_counter()
            rows = _rows(body)
            statement = f"COPY ceiling_interaction ({COLUMNS}) FROM STDIN"
            with connection.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
            connection.commit()
            rates.append(len(rows) / (time.perf_counter() - started))
    return rates
