"""Writing a clean file set-wise: its cells copied into a staging table, checked and written
by SQL, with no Python work per row beyond reading the CSV.

The cells of every row go as text into a temporary table without indexes (`executemany` on
SQLite, `COPY` on PostgreSQL). One query then asks whether every row is one the quick check
(checks.py) would pass with values SQL reproduces exactly; if so, one `INSERT ... SELECT`
writes them all, in file order, and one `UPDATE ... FROM` changes the interactions already
imported from the same source with those ids. A file with any row SQL cannot vouch for is
left to the row-by-row path (`check_rows` and `commit_plan`), which finds and words every
problem as before: this path never writes a report, so the report cannot differ.

SQL vouches only for what it computes the same way as Python:

- every mapped cell is printable ASCII, so `trim` and `lower` agree with Python's `strip`
  and `lower` (which also act on other spaces and letters);
- ids, dates and numbers in the shapes below; the other cells are looked up in small
  tables of the words Python would accept (channels, statuses, teams in the importer's
  scope, agents, languages);
- ids are unique in the file and no longer than allowed, and each date is one Python's
  `fromisoformat` reads (both checked in Python, on whole columns at once);
- a date is `YYYY-MM-DD`, `T` or a space, `HH:MM:SS`, then an offset `+HH:MM` or `-HH:MM` of
  at most 14 hours, or none when the site's time zone and the database's are UTC;
- no customer emails and no topics (files with them take the row-by-row path);
- an id already imported from the source belongs to a team in the importer's scope.
"""

from __future__ import annotations

import datetime
import logging
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from groundswell.core.imports import fields
from groundswell.desk.imports.checks import LANGUAGES, MAX_LENGTHS, Read
from groundswell.desk.imports.writers import CHANGED, COLUMNS, Outcome, collided, datetime_adapter
from groundswell.desk.models import Interaction
from groundswell.people.models import Person

logger = logging.getLogger(__name__)

STAGE = "groundswell_import_stage"
WORDS = "groundswell_import_words"
# The largest offset SQLite's date functions read; larger ones take the row-by-row path.
DATE = "[12][0-9][0-9][0-9]-[01][0-9]-[0-3][0-9][T ][0-2][0-9]:[0-5][0-9]:[0-5][0-9]"
DATE_RE = r"^[12][0-9]{3}-[01][0-9]-[0-3][0-9][T ]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]"
OFFSET_RE = r"[+-](0[0-9]|1[0-4]):[0-5][0-9]$"


def _utc(zone: datetime.tzinfo | None) -> bool:
    """Whether `zone` is UTC all year (its offset is nil in winter and in summer)."""
    if zone is None:
        return False
    return all(
        datetime.datetime(2026, month, 1, tzinfo=zone).utcoffset() == datetime.timedelta(0)
        for month in (1, 7)
    )


class _Sql:
    """The few expressions that differ between SQLite and PostgreSQL."""

    def __init__(self, vendor: str, naive_is_utc: bool):
        self.sqlite = vendor == "sqlite"
        self.naive_is_utc = naive_is_utc

    def not_plain(self, text: str) -> str:
        """True when `text` holds anything but printable ASCII."""
        return f"{text} GLOB '*[^ -~]*'" if self.sqlite else f"{text} ~ '[^ -~]'"

    def not_digits(self, text: str) -> str:
        return f"{text} GLOB '*[^0-9]*'" if self.sqlite else f"{text} ~ '[^0-9]'"

    def date_shape(self, text: str) -> str:
        if self.sqlite:
            zoned = (
                f"({text} GLOB '{DATE}[+-][01][0-9]:[0-5][0-9]' "
                f"AND substr({text}, 21, 2) <= '14' AND datetime({text}) IS NOT NULL)"
            )
            hour = f"substr({text}, 12, 2) <= '23'"
            if self.naive_is_utc:
                return f"({hour} AND ({text} GLOB '{DATE}' OR {zoned}))"
            return f"({hour} AND {zoned})"
        if self.naive_is_utc:
            return f"{text} ~ '{DATE_RE}({OFFSET_RE[:-1]})?$'"
        return f"{text} ~ '{DATE_RE}{OFFSET_RE}'"

    def moment(self, text: str) -> str:
        """The stored value of a date of the shape above."""
        return f"datetime({text})" if self.sqlite else f"CAST({text} AS timestamptz)"

    def integer(self, text: str) -> str:
        return f"CAST({text} AS INTEGER)" if self.sqlite else f"CAST({text} AS bigint)"


def _python_checks(read: Read) -> bool:
    """What Python answers faster than SQL, on whole columns: ids unique and not too long,
    and every date one `fromisoformat` reads."""
    if read.records is None:
        return False
    positions = read.positions
    at_id = positions.get("external_id")
    if at_id is not None:
        ids = [cell for cell in map(str.strip, (record[at_id] for _l, record in read.records))]
        filled = [value for value in ids if value]
        if len(set(filled)) != len(filled):
            return False
        if filled and max(map(len, filled)) > MAX_LENGTHS["external_id"]:
            return False
    for name in ("opened_at", "resolved_at"):
        at = positions.get(name)
        if at is None:
            continue
        cells = map(str.strip, (record[at] for _l, record in read.records))
        try:
            for _moment in map(datetime.datetime.fromisoformat, filter(None, cells)):
                pass
        except ValueError:
            return False
    return True


def eligible(read: Read) -> bool:
    """Whether the file may try this path at all: a plain CSV file whose rows are all of
    the header's width, without customer emails or topics."""
    if read.records is None or not read.records or not read.plain:
        return False
    if "channel" not in read.positions:
        return False
    width = read.width
    if any(len(record) != width for _line, record in read.records):
        return False
    for name in ("customer_email", "topics"):
        at = read.positions.get(name)
        if at is not None and any(record[at].strip() for _line, record in read.records):
            return False
    return _python_checks(read)


# The cells SQL reads, each staged once as SQL reads it: (name, field, how).
STAGED = (
    ("x", "external_id", "trim"),
    ("subj", "subject", "trim"),
    ("ch", "channel", "lower"),
    ("st", "status", "lower"),
    ("tm", "team", "lower"),
    ("op", "opened_at", "trim"),
    ("rs", "resolved_at", "trim"),
    ("ag", "handled_by_email", "lower"),
    ("nm", "customer_name", "trim"),
    ("lg", "customer_language", "language"),
    ("ht", "handle_time_seconds", "trim"),
)


class _Refused(Exception):
    """A row SQL cannot vouch for: undo what this path wrote."""


def _cell(how: str, cell: str) -> str:
    if how == "trim":
        return f"trim({cell})"
    if how == "lower":
        return f"lower(trim({cell}))"
    return f"lower(substr(trim({cell}), 1, 2))"


def _stage(cursor: Any, sql: _Sql, read: Read, rows: list[list[str]]) -> str:
    """Copy the rows' cells into a temporary table; the FROM item that reads them as `s`,
    with the columns of STAGED, `ok` (every read cell printable ASCII) and `n` (file order)."""
    quote = connection.ops.quote_name
    stage = quote(STAGE)
    width = read.width
    positions = read.positions
    cursor.execute(f"DROP TABLE IF EXISTS {stage}")
    if sql.sqlite:
        # SQLite trims and lower-cases as it stages: the driver binds cell i to ?i+1.
        used = sorted(positions.values())
        concat = " || ".join(f"?{at + 1}" for at in used)
        # Every cell number must appear for the driver to bind the whole row.
        bound = f" AND ?{width} IS NOT NULL" if width - 1 not in used else ""
        exprs = [
            _cell(how, f"?{positions[field] + 1}") if field in positions else "''"
            for _name, field, how in STAGED
        ]
        names = [name for name, _field, _how in STAGED]
        cursor.execute(
            f"CREATE TEMPORARY TABLE {stage} (n INTEGER PRIMARY KEY, "
            f"{', '.join(f'{name} TEXT' for name in names)}, ok INTEGER)"
        )
        raw = connection.connection.cursor()
        try:
            with connection.wrap_database_errors:
                raw.executemany(
                    f"INSERT INTO {stage} ({', '.join(names)}, ok) "  # noqa: S608
                    f"VALUES ({', '.join(exprs)}, NOT ({sql.not_plain(concat)}){bound})",
                    rows,
                )
        finally:
            raw.close()
        return f"{stage} s"
    columns = [f"c{index}" for index in range(width)]
    cursor.execute(
        f"CREATE TEMPORARY TABLE {stage} (n bigint GENERATED ALWAYS AS IDENTITY, "
        f"{', '.join(f'{name} text' for name in columns)}) ON COMMIT DROP"
    )
    with (
        connection.wrap_database_errors,
        cursor.copy(f"COPY {stage} ({', '.join(columns)}) FROM STDIN") as copy,
    ):
        for row in rows:
            copy.write_row(row)
    exprs = [
        (_cell(how, f"c{positions[field]}") if field in positions else "''") + f" AS {name}"
        for name, field, how in STAGED
    ]
    concat = " || ".join(f"c{at}" for at in sorted(positions.values()))
    return (
        f"(SELECT n, {', '.join(exprs)}, NOT ({sql.not_plain(concat)}) AS ok "  # noqa: S608
        f"FROM {stage}) s"
    )


def write_staged(read: Read, stamp: datetime.datetime) -> tuple[int, int, int] | None:
    """Write a file SQL vouches for (call inside a transaction): (created, updated, not
    ready), or None, having written nothing, when some row needs the row-by-row path."""
    if read.records is None:
        return None
    if not _utc(connection.timezone):  # SQL would store dates in another zone than Django
        return None
    checker = read.checker
    sql = _Sql(connection.vendor, naive_is_utc=_utc(timezone.get_current_timezone()))
    quote = connection.ops.quote_name
    table = quote(Interaction._meta.db_table)
    stage, words = quote(STAGE), quote(WORDS)
    source = read.plan.source
    rows = [record for _line, record in read.records]
    with connection.cursor() as cursor:
        rows_from = _stage(cursor, sql, read, rows)
        _words(cursor, sql, read)
        default = checker.default_team.pk if checker.default_team is not None else None
        # A looked-up cell of a column the file lacks is '' on every row: no lookup.
        joins = "".join(
            f"LEFT JOIN {words} {alias} ON {alias}.kind = '{kind}' AND {alias}.word = s.{alias} "
            for alias, kind, field in (
                ("ch", "channel", "channel"),
                ("st", "status", "status"),
                ("tm", "team", "team"),
                ("ag", "agent", "handled_by_email"),
                ("lg", "language", "customer_language"),
            )
            if field in read.positions
        )
        looked = {
            alias: field in read.positions
            for alias, field in (
                ("st", "status"),
                ("tm", "team"),
                ("ag", "handled_by_email"),
                ("lg", "customer_language"),
            )
        }

        def ref(column: str) -> str:
            """A looked-up column, or NULL where the file has no such cells."""
            if looked[column.split(".")[0]]:
                return column
            return "CAST(NULL AS INTEGER)" if column.endswith(".id") else "NULL"

        team_id = f"CASE WHEN s.tm = '' THEN %s ELSE {ref('tm.id')} END"
        # CASE keeps PostgreSQL from casting a date or number of the wrong shape.
        good = " AND ".join(
            [
                "s.ok",
                "s.subj <> ''",
                f"length(s.subj) <= {MAX_LENGTHS['subject']}",
                f"length(s.nm) <= {MAX_LENGTHS['customer_name']}",
                "ch.value IS NOT NULL",
                f"(s.st = '' OR {ref('st.value')} IS NOT NULL)",
                f"{team_id} IS NOT NULL",
                sql.date_shape("s.op"),
                f"CASE WHEN s.rs = '' THEN 1 = 1 "
                f"WHEN {sql.date_shape('s.rs')} AND {sql.date_shape('s.op')} "
                f"THEN {sql.moment('s.rs')} >= {sql.moment('s.op')} ELSE 1 = 0 END",
                f"(s.ag = '' OR {ref('ag.id')} IS NOT NULL)",
                f"(s.lg = '' OR {ref('lg.kind')} IS NOT NULL)",
                f"CASE WHEN s.ht = '' THEN 1 = 1 "
                f"WHEN {sql.not_digits('s.ht')} OR length(s.ht) > 10 THEN 1 = 0 "
                f"ELSE {sql.integer('s.ht')} <= {fields.MAX_INT32} END",
            ]
        )
        known = (
            f"JOIN {table} d ON d.source = %s AND NOT (d.external_id = '') AND d.external_id = s.x"
        )
        # Ids already imported from this source: in the importer's teams, and good rows.
        cursor.execute(
            f"SELECT d.team_id, CASE WHEN {good} THEN 1 ELSE 0 END "  # noqa: S608
            f"FROM {rows_from} {joins}{known}",
            [default, source],
        )
        existing = cursor.fetchall()
        # Worded as out of reach by the row-by-row path, which reports these rows.
        if any(team not in checker.allowed or not fine for team, fine in existing):
            _drop(cursor, stage, words)
            return None
        adapt = datetime_adapter()
        now = adapt(stamp)
        values = {
            "team_id": team_id,
            "channel": "ch.value",
            "status": f"CASE WHEN s.st = '' THEN 'open' ELSE {ref('st.value')} END",
            "subject": "s.subj",
            "topics": "'[]'" if sql.sqlite else "CAST('[]' AS jsonb)",
            "opened_at": sql.moment("s.op"),
            "resolved_at": f"CASE WHEN s.rs = '' THEN NULL ELSE {sql.moment('s.rs')} END",
            "handle_time_seconds": f"CASE WHEN s.ht = '' THEN NULL ELSE {sql.integer('s.ht')} END",
            "handled_by_id": ref("ag.id"),
            "customer_id": "NULL" if sql.sqlite else "CAST(NULL AS bigint)",
            "handler_not_ready": f"COALESCE({ref('ag.flag')}, %s)",
            "source": "%s",
            "external_id": "s.x",
            "created_at": "%s",
            "updated_at": "%s",
        }
        new = len(rows) - len(existing)
        try:
            with transaction.atomic():
                if new:
                    not_known = (
                        f" AND NOT (s.x <> '' AND EXISTS (SELECT 1 FROM {table} d "  # noqa: S608
                        f"WHERE d.source = %s AND NOT (d.external_id = '') "
                        f"AND d.external_id = s.x))"
                        if existing
                        else ""
                    )
                    cursor.execute(
                        f"INSERT INTO {table} ({', '.join(COLUMNS)}) "  # noqa: S608
                        f"SELECT {', '.join(values[name] for name in COLUMNS)} "
                        f"FROM {rows_from} {joins}WHERE {good}{not_known} ORDER BY s.n",
                        [default, False, source, now, now, default]
                        + ([source] if existing else []),
                    )
                    if cursor.rowcount != new:
                        raise _Refused
                if existing:
                    _update(
                        cursor, sql, table, rows_from, joins, known, values, now, default, source
                    )
        except _Refused:
            _drop(cursor, stage, words)
            return None
        _drop(cursor, stage, words)
    return new, len(existing), _not_ready(read)


def _words(cursor: Any, sql: _Sql, read: Read) -> None:
    """The words Python accepts for the looked-up cells, as `checks._Checker` holds them."""
    checker = read.checker
    words = connection.ops.quote_name(WORDS)
    cursor.execute(f"DROP TABLE IF EXISTS {words}")
    cursor.execute(
        f"CREATE TEMPORARY TABLE {words} (kind TEXT, word TEXT, id INTEGER, value TEXT, "
        f"flag {'INTEGER' if sql.sqlite else 'boolean'}, PRIMARY KEY (kind, word))"
        + ("" if sql.sqlite else " ON COMMIT DROP")
    )
    known: list[tuple[str, str, int | None, str | None, bool]] = []
    known += [("channel", word, None, value, False) for word, value in checker.channels.items()]
    known += [("status", word, None, value, False) for word, value in checker.statuses.items()]
    known += [("team", word, pk, None, False) for word, pk in checker.team_names.items()]
    known += [
        ("agent", email, pk, None, pk in checker.not_ready) for email, pk in checker.agents.items()
    ]
    known += [("language", code, None, None, False) for code in LANGUAGES]
    cursor.executemany(
        f"INSERT INTO {words} (kind, word, id, value, flag) VALUES (%s, %s, %s, %s, %s)",  # noqa: S608
        known,
    )


def _drop(cursor: Any, stage: str, words: str) -> None:
    cursor.execute(f"DROP TABLE IF EXISTS {stage}")
    cursor.execute(f"DROP TABLE IF EXISTS {words}")


def _not_ready(read: Read) -> int:
    """Rows whose agent is not yet ready for live customers (kept, and flagged)."""
    at = read.positions.get("handled_by_email")
    if at is None or read.records is None or not read.checker.not_ready:
        return 0
    agents, waiting = read.checker.agents, read.checker.not_ready
    return sum(
        1 for _line, record in read.records if agents.get(record[at].strip().lower()) in waiting
    )


def _update(
    cursor: Any,
    sql: _Sql,
    table: str,
    rows_from: str,
    joins: str,
    known: str,
    values: dict[str, str],
    now: Any,
    default: int | None,
    source: str,
) -> int:
    """One UPDATE of the interactions already imported with these ids, leaving alone those
    whose values are the same (so sending the same export again rewrites nothing)."""
    new = ", ".join(f"{values[name]} AS {name}" for name in CHANGED)
    same = " IS " if sql.sqlite else " IS NOT DISTINCT FROM "
    cursor.execute(
        f"UPDATE {table} SET {', '.join(f'{name} = new.{name}' for name in CHANGED)}, "  # noqa: S608
        f"updated_at = %s FROM (SELECT d.id AS id, {new} FROM {rows_from} {joins}{known}) AS new "
        f"WHERE {table}.id = new.id AND NOT ("
        f"{' AND '.join(f'{table}.{name}{same}new.{name}' for name in CHANGED)})",
        [now, default, False, source],
    )
    return int(cursor.rowcount)


def import_staged(actor: Person, read: Read) -> Outcome | None:
    """Import a file set-wise in one transaction, or None (nothing written) when it must take
    the row-by-row path: a file `eligible` refuses, or one with a row SQL cannot vouch for."""
    if not eligible(read):
        return None
    plan = read.plan
    try:
        with transaction.atomic():
            counts = write_staged(read, timezone.now())
    except IntegrityError:
        return collided(actor, plan)
    if counts is None:
        return None
    plan.staged = counts
    created, updated, _flagged = counts
    logger.info("Interaction import by %s: %s new, %s updated", actor.pk, created, updated)
    return Outcome(plan=plan, created=created, updated=updated, committed=True)
