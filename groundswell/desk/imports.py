"""Importing interactions in bulk from a helpdesk's CSV or Excel export.

Every row is checked before anything is written: the fields a preset maps, the team (the
importer must be allowed to import into it), dates, the agent and customer emails, and ids
repeated within the file. Then either nothing is written (all-or-nothing, when any row is
wrong) or the good rows are, with a CSV report of every bad row (line, column, message).

Rows are matched on (source, external id): importing a file again updates the same
interactions instead of adding them twice. On SQLite, writing uses the cursor's executemany for
plain INSERT and UPDATE statements, because Django's bulk_create spends most of its time
preparing each value and reaches about half the rate the import needs (docs/performance.md).
On PostgreSQL, where executemany sends one statement per row, new rows are streamed with COPY
and updates are copied into a temporary table and applied by one UPDATE. Either way an update
leaves rows whose values are unchanged alone.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import batched
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, connection, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.lib import tabular
from groundswell.desk.choices import ImportStatus
from groundswell.desk.import_presets import FIELDS, PRESETS, Preset
from groundswell.desk.models import Customer, ImportJob, Interaction
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can, can_somewhere, teams_in_scope

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
BATCH_SIZE = 2_000
LOOKUP_CHUNK = 900  # under SQLite's old limit of 999 parameters a statement
REPORT_COLUMNS = ("line", "column", "message")
MAX_LENGTHS = {"subject": 255, "external_id": 120, "customer_name": 200, "customer_email": 254}
LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)

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
    "source",
    "external_id",
    "created_at",
    "updated_at",
)
# The columns an import may change on an interaction it updates.
CHANGED = COLUMNS[: COLUMNS.index("source")]


@dataclass(frozen=True)
class RowError:
    """What is wrong with one cell (or a whole row, when `column` is empty)."""

    line: int
    column: str
    message: str


@dataclass
class Planned:
    """A row that passed every check, ready to write."""

    line: int
    team_id: int
    channel: str
    status: str
    subject: str
    topics: list[str]
    opened_at: datetime.datetime
    resolved_at: datetime.datetime | None
    handle_time_seconds: int | None
    handled_by_id: int | None
    customer_email: str
    customer_name: str
    customer_language: str
    external_id: str
    team_label: str = ""  # the row's team as written (or the default team's name)
    existing_pk: int | None = None


@dataclass
class Plan:
    """The outcome of checking a file: rows to write, and every problem found."""

    source: str
    rows: list[Planned] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    total: int = 0
    columns: dict[str, str] = field(default_factory=dict)  # field -> the header it came from

    @property
    def bad_lines(self) -> int:
        return len({error.line for error in self.errors})

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.existing_pk is None)

    @property
    def update_count(self) -> int:
        return len(self.rows) - self.new_count

    @property
    def is_clean(self) -> bool:
        return not self.file_errors and not self.errors

    def can_write(self, *, skip_bad_rows: bool) -> bool:
        if self.file_errors or not self.rows:
            return False
        return skip_bad_rows or not self.errors


@dataclass(frozen=True)
class Outcome:
    """What an import did."""

    plan: Plan
    created: int = 0
    updated: int = 0
    committed: bool = False


class UnreadableFile(Exception):
    """The file as a whole cannot be read."""


# Reading ----------------------------------------------------------------------------------------


def read_rows(
    content: bytes, filename: str = ""
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header and the (line number, cells) of every non-empty row of a CSV or XLSX file."""
    if len(content) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        raise UnreadableFile(_("The file is larger than %(limit)s MB.") % {"limit": limit})
    if content[:4] == b"PK\x03\x04" or filename.lower().endswith(".xlsx"):
        return _read_xlsx(content)
    return _read_csv(content)


def _read_csv(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(
            _(
                "The file is not UTF-8 text (unreadable byte at position %(position)s). "
                "Save it as “CSV UTF-8” and upload it again."
            )
            % {"position": error.start}
        ) from None
    stripped = text.lstrip()
    if not stripped:
        raise UnreadableFile(_("The file is empty."))
    first_line = stripped.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        header = next(reader)
    except csv.Error as error:
        raise UnreadableFile(
            _("The header is not valid CSV: %(error)s.") % {"error": error}
        ) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        line = reader.line_num
        try:
            for record in reader:
                start, line = line + 1, reader.line_num
                if any(record):
                    yield start, record
        except csv.Error as error:
            message = _("The file is not valid CSV: %(error)s on line %(line)s.")
            raise UnreadableFile(message % {"error": error, "line": reader.line_num}) from None

    return header, rows()


def _read_xlsx(content: bytes) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a damaged file
        raise UnreadableFile(_("The file is not a readable Excel (.xlsx) workbook.")) from None
    sheet = workbook.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    try:
        header = [_cell(value) for value in next(values)]
    except StopIteration:
        raise UnreadableFile(_("The file is empty.")) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        for line, record in enumerate(values, start=2):
            cells = [_cell(value) for value in record]
            if any(cells):
                yield line, cells
        workbook.close()

    return header, rows()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


# Checking ---------------------------------------------------------------------------------------


class _Checker:
    """Checks rows one by one against lookups loaded once per file."""

    def __init__(self, actor: Person, preset: Preset, source: str, default_team: Team | None):
        self.preset = preset
        self.source = source
        self.default_team = default_team
        self.allowed = {team.pk: team for team in teams_in_scope(actor, Action.IMPORT_INTERACTIONS)}
        self.team_names: dict[str, int] = {}
        for team in self.allowed.values():
            self.team_names[team.name.lower()] = team.pk
            self.team_names[team.slug.lower()] = team.pk
            self.team_names[str(team.pk)] = team.pk
        self.agents: dict[str, int] = {}
        self.seen_ids: dict[str, int] = {}
        self.statuses = preset.statuses
        self.channels = preset.channels
        self.tz = timezone.get_current_timezone()

    def load_agents(self, emails: Iterable[str]) -> None:
        found = Person.objects.alias(key=Lower("email"))
        for chunk in batched(sorted(set(emails) - {""}), LOOKUP_CHUNK):
            self.agents.update(
                (email.lower(), pk)
                for email, pk in found.filter(key__in=chunk).values_list("email", "pk")
            )

    def check(self, line: int, values: dict[str, str], errors: list[RowError]) -> Planned | None:
        """The row ready to write, or None after adding its problems to `errors`."""
        count = len(errors)

        def cell(name: str) -> str:
            return values.get(name, "")

        def bad(column: str, message: str) -> None:
            errors.append(RowError(line, column, message))

        external_id = cell("external_id")
        if len(external_id) > MAX_LENGTHS["external_id"]:
            bad("external_id", _("At most 120 characters."))
        elif external_id:
            first = self.seen_ids.get(external_id)
            if first is not None:
                bad(
                    "external_id",
                    _("The id %(id)s is already on line %(line)s of this file.")
                    % {"id": external_id, "line": first},
                )
            else:
                self.seen_ids[external_id] = line
        subject = cell("subject")
        if not subject:
            bad("subject", _("A subject is required."))
        elif len(subject) > MAX_LENGTHS["subject"]:
            bad(
                "subject",
                _("At most 255 characters (this has %(length)s).") % {"length": len(subject)},
            )
        channel = self.channels.get(cell("channel").lower(), "")
        if not channel:
            value = cell("channel")
            if value:
                bad(
                    "channel",
                    _("Unknown channel “%(value)s”; use one of: %(choices)s.")
                    % {"value": value, "choices": ", ".join(sorted(self.channels))},
                )
            else:
                bad("channel", _("A channel is required."))
        raw_status = cell("status").lower()
        status = self.statuses.get(raw_status, "") if raw_status else "open"
        if not status:
            bad(
                "status",
                _("Unknown status “%(value)s”; use one of: %(choices)s.")
                % {"value": cell("status"), "choices": ", ".join(sorted(self.statuses))},
            )
        team_id = self._team(cell("team"), bad)
        opened_at = self._moment(cell("opened_at"), "opened_at", bad, required=True)
        resolved_at = self._moment(cell("resolved_at"), "resolved_at", bad, required=False)
        if opened_at and resolved_at and resolved_at < opened_at:
            bad("resolved_at", _("Resolved before it was opened."))
        handled_by_id = None
        agent_email = cell("handled_by_email").lower()
        if agent_email:
            handled_by_id = self.agents.get(agent_email)
            if handled_by_id is None:
                bad(
                    "handled_by_email",
                    _("No one in Groundswell has the email %(email)s.") % {"email": agent_email},
                )
        customer_email = cell("customer_email").lower()
        if customer_email and not _is_email(customer_email):
            bad(
                "customer_email",
                _("“%(email)s” is not a valid email address.") % {"email": customer_email},
            )
        customer_name = cell("customer_name")
        if len(customer_name) > MAX_LENGTHS["customer_name"]:
            bad("customer_name", _("At most 200 characters."))
        language = cell("customer_language").lower()[:2]
        if language and language not in LANGUAGES:
            bad(
                "customer_language",
                _("Unknown language “%(value)s”; use one of: %(choices)s.")
                % {"value": cell("customer_language"), "choices": ", ".join(sorted(LANGUAGES))},
            )
        handle_time = self._whole_number(cell("handle_time_seconds"), bad)
        if len(errors) > count or opened_at is None or team_id is None:
            return None
        return Planned(
            line=line,
            team_id=team_id,
            channel=channel,
            status=status,
            subject=subject,
            topics=self._topics(cell("topics")),
            opened_at=opened_at,
            resolved_at=resolved_at,
            handle_time_seconds=handle_time,
            handled_by_id=handled_by_id,
            customer_email=customer_email,
            customer_name=customer_name,
            customer_language=language,
            external_id=external_id,
            team_label=cell("team") or (self.default_team.name if self.default_team else ""),
        )

    def _team(self, value: str, bad: Callable[[str, str], None]) -> int | None:
        if not value:
            if self.default_team is not None:
                return self.default_team.pk
            bad("team", _("A team is required (or choose one for rows without a team)."))
            return None
        team_id = self.team_names.get(value.lower())
        if team_id is None:
            bad("team", not_yours(value))
        return team_id

    def _moment(
        self, value: str, column: str, bad: Callable[[str, str], None], *, required: bool
    ) -> datetime.datetime | None:
        if not value:
            if required:
                bad(column, _("A date and time is required."))
            return None
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError:
            bad(
                column,
                _("“%(value)s” is not a date and time; write it as 2025-01-31T14:05:00+00:00.")
                % {"value": value},
            )
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=self.tz)
        return moment

    def _whole_number(self, value: str, bad: Callable[[str, str], None]) -> int | None:
        if not value:
            return None
        if not value.isdigit() or int(value) > 2_147_483_647:
            bad(
                "handle_time_seconds",
                _("A whole number of seconds, not “%(value)s”.") % {"value": value},
            )
            return None
        return int(value)

    def _topics(self, value: str) -> list[str]:
        if not value:
            return []
        separator = None if self.preset.topic_separator == " " else self.preset.topic_separator
        return [word.strip()[:60] for word in value.split(separator) if word.strip()][:20]


def not_yours(team: str) -> str:
    """The one problem for a row out of the importer's reach: an unknown team, a team they may
    not import into, or an id whose interaction sits in such a team all read the same."""
    return _(
        "“%(value)s” is not a team you may import into, or the row's id belongs to an "
        "interaction of a team you may not import into."
    ) % {"value": team}


def _is_email(value: str) -> bool:
    if len(value) > MAX_LENGTHS["customer_email"]:
        return False
    try:
        validate_email(value)
    except ValidationError:
        return False
    return True


def _header_map(header: Sequence[str], preset: Preset) -> tuple[dict[str, int], list[str]]:
    """Which position holds each field, and problems with the header."""
    positions = {name.strip().lower(): index for index, name in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    for name in FIELDS:
        for alias in preset.columns.get(name, ()):
            if alias in positions:
                found[name] = positions[alias]
                break
    problems = [
        _("The column “%(column)s” is missing (%(preset)s export).")
        % {"column": preset.columns[name][0], "preset": preset.label}
        for name in preset.required
        if name not in found
    ]
    return found, problems


def check_file(
    *,
    actor: Person,
    content: bytes,
    filename: str = "",
    preset: str = "groundswell",
    source: str = "",
    default_team: Team | None = None,
    progress: Callable[[int], None] | None = None,
) -> Plan:
    """Read and check every row of a file, writing nothing (the dry run)."""
    if not can_somewhere(actor, Action.IMPORT_INTERACTIONS):
        raise PermissionDenied(_("You may not import interactions."))
    chosen = PRESETS.get(preset)
    if chosen is None:
        raise ValidationError({"preset": _("Unknown preset “%(preset)s”.") % {"preset": preset}})
    plan = Plan(source=(source or chosen.slug)[:40])
    if default_team is not None and not can(actor, Action.IMPORT_INTERACTIONS, default_team):
        raise PermissionDenied(
            _("You may not import into the team %(team)s.") % {"team": default_team}
        )
    try:
        header, records = read_rows(content, filename)
        positions, problems = _header_map(header, chosen)
        plan.columns = {name: header[index] for name, index in positions.items()}
        if problems:
            plan.file_errors.extend(problems)
            return plan
        records_list = list(records)
    except UnreadableFile as error:
        plan.file_errors.append(str(error))
        return plan
    if len(records_list) > MAX_ROWS:
        plan.file_errors.append(
            _("The file has %(count)s rows; at most %(limit)s can be imported at once.")
            % {"count": len(records_list), "limit": MAX_ROWS}
        )
        return plan
    plan.total = len(records_list)
    checker = _Checker(actor, chosen, plan.source, default_team)
    agent_at = positions.get("handled_by_email")
    if agent_at is not None:
        checker.load_agents(
            record[agent_at].strip().lower()
            for _line, record in records_list
            if len(record) > agent_at and "\x00" not in record[agent_at]
        )
    width = len(header)
    for number, (line, record) in enumerate(records_list, start=1):
        if len(record) > width and any(cell.strip() for cell in record[width:]):
            plan.errors.append(
                RowError(
                    line,
                    "",
                    _("This row has %(cells)s cells but the header names only %(columns)s.")
                    % {"cells": len(record), "columns": width},
                )
            )
            continue

        count = len(record)
        values = {name: record[index].strip() for name, index in positions.items() if index < count}
        with_nul = [name for name, value in values.items() if "\x00" in value]
        for name in with_nul:  # PostgreSQL cannot store it, nor look it up: a bad row
            plan.errors.append(RowError(line, name, _("This cell contains a NUL character.")))
        planned = None if with_nul else checker.check(line, values, plan.errors)
        if planned is not None:
            plan.rows.append(planned)
        if progress is not None and number % BATCH_SIZE == 0:
            progress(number)
    _match_existing(actor, plan)
    return plan


def match_sql(count: int) -> str:
    """SQL for `(external_id, id, team_id)` of the rows from a source with `count` ids.

    The index's own condition, `NOT (external_id = '')` word for word, lets SQLite use the
    partial unique index on (source, external_id); `external_id <> ''` does not, and scans the
    table. Plain SQL skips the ORM's preparation of every value.
    """
    table = connection.ops.quote_name(Interaction._meta.db_table)
    return (
        f"SELECT external_id, id, team_id FROM {table} "  # noqa: S608 (constant names)
        f"WHERE source = %s AND NOT (external_id = '') "
        f"AND external_id IN ({', '.join(['%s'] * count)})"
    )


def _match_existing(actor: Person, plan: Plan) -> None:
    """Find the rows that update an interaction already imported from the same source."""
    by_id = {row.external_id: row for row in plan.rows if row.external_id}
    if not by_id:
        return
    allowed = {team.pk for team in teams_in_scope(actor, Action.IMPORT_INTERACTIONS)}
    refused: set[int] = set()
    with connection.cursor() as cursor:
        for chunk in batched(list(by_id), LOOKUP_CHUNK):
            cursor.execute(match_sql(len(chunk)), [plan.source, *chunk])
            for external_id, pk, team_id in cursor.fetchall():
                row = by_id[external_id]
                if team_id not in allowed:
                    # Worded like a team out of reach, so a file cannot probe other teams' ids.
                    plan.errors.append(RowError(row.line, "team", not_yours(row.team_label)))
                    refused.add(row.line)
                row.existing_pk = pk
    if refused:
        plan.rows = [row for row in plan.rows if row.line not in refused]
        plan.errors.sort(key=lambda error: error.line)


# Writing ----------------------------------------------------------------------------------------


def write_plan(plan: Plan, *, progress: Callable[[int], None] | None = None) -> tuple[int, int]:
    """Write every planned row (call inside a transaction); returns (created, updated)."""
    now = timezone.now()
    customers = _customers(plan.rows)
    adapt_time = datetime_adapter()
    empty_topics = json.dumps([])
    stamp = adapt_time(now)
    inserts: list[tuple[Any, ...]] = []
    updates: list[tuple[Any, ...]] = []
    for row in plan.rows:
        values = (
            row.team_id,
            row.channel,
            row.status,
            row.subject,
            json.dumps(row.topics) if row.topics else empty_topics,
            adapt_time(row.opened_at),
            adapt_time(row.resolved_at) if row.resolved_at is not None else None,
            row.handle_time_seconds,
            row.handled_by_id,
            customers.get(row.customer_email) if row.customer_email else None,
        )
        if row.existing_pk is None:
            inserts.append((*values, plan.source, row.external_id, stamp, stamp))
        else:
            updates.append((*values, row.existing_pk))
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
    with connection.cursor() as cursor:
        for sql, params in ((insert_sql, inserts), (update_sql, rows)):
            for batch in batched(params, BATCH_SIZE):
                cursor.executemany(sql, batch)
                done += len(batch)
                if progress is not None:
                    progress(done)


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
    """
    ops = connection.ops
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


def import_file(
    *,
    actor: Person,
    content: bytes,
    filename: str = "",
    preset: str = "groundswell",
    source: str = "",
    default_team: Team | None = None,
    skip_bad_rows: bool = False,
) -> Outcome:
    """Check a file and import it: all rows or none, or only the good ones if `skip_bad_rows`."""
    plan = check_file(
        actor=actor,
        content=content,
        filename=filename,
        preset=preset,
        source=source,
        default_team=default_team,
    )
    return commit_plan(actor, plan, skip_bad_rows=skip_bad_rows)


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
        logger.warning("Interaction import by %s collided with a concurrent change", actor.pk)
        plan.file_errors.append(
            _(
                "Someone changed these interactions while you were importing. Nothing was "
                "imported; please try again."
            )
        )
        return Outcome(plan=plan)
    logger.info("Interaction import by %s: %s new, %s updated", actor.pk, created, updated)
    return Outcome(plan=plan, created=created, updated=updated, committed=True)


def report_csv(plan: Plan) -> str:
    """Every problem found, one per line: the line of the file, the column and what is wrong."""
    rows: list[tabular.Row] = [REPORT_COLUMNS]
    rows.extend([None, None, message] for message in plan.file_errors)
    rows.extend(
        [error.line, plan.columns.get(error.column, error.column), error.message]
        for error in plan.errors
    )
    return tabular.write_csv(rows)


# Import jobs (the page's flow: upload, preview, confirm, watch) --------------------------------


def preview_job(
    *,
    actor: Person,
    content: bytes,
    filename: str,
    preset: str,
    source: str = "",
    default_team: Team | None = None,
    skip_bad_rows: bool = False,
) -> tuple[ImportJob, Plan]:
    """Check an uploaded file and keep it, to be imported once the importer confirms."""
    plan = check_file(
        actor=actor,
        content=content,
        filename=filename,
        preset=preset,
        source=source,
        default_team=default_team,
    )
    job = ImportJob.objects.create(
        created_by=actor,
        filename=filename[:255],
        content=content,
        preset=preset,
        source=plan.source,
        default_team=default_team,
        skip_bad_rows=skip_bad_rows,
        total=plan.total,
        # Until the import runs, the counts say what it would do.
        created_count=plan.new_count,
        updated_count=plan.update_count,
        error_count=plan.bad_lines,
        report=report_csv(plan) if not plan.is_clean else "",
    )
    return job, plan


def start_job(*, actor: Person, job: ImportJob) -> ImportJob:
    """Queue a previewed import to run in the background."""
    from groundswell.desk.tasks import run_import_job

    if job.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded a file may import it."))
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.QUEUED
    )
    if not updated:
        raise ValidationError(_("This import has already been started."))
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    job.refresh_from_db()
    return job


def run_job(job_id: int) -> ImportJob:
    """Check and write a queued import, recording its progress as it goes."""
    job = ImportJob.objects.select_related("created_by", "default_team").get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)

    def checked(count: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(checked=count)

    plan = check_file(
        actor=job.created_by,
        content=bytes(job.content),
        filename=job.filename,
        preset=job.preset,
        source=job.source,
        default_team=job.default_team,
        progress=checked,
    )
    ImportJob.objects.filter(pk=job.pk).update(checked=plan.total)
    outcome = commit_plan(job.created_by, plan, skip_bad_rows=job.skip_bad_rows)
    job.refresh_from_db()
    job.status = ImportStatus.DONE if outcome.committed else ImportStatus.FAILED
    job.total = plan.total
    job.checked = plan.total
    job.written = outcome.created + outcome.updated
    job.created_count, job.updated_count = outcome.created, outcome.updated
    job.error_count = plan.bad_lines
    job.report = report_csv(plan) if not plan.is_clean else ""
    job.message = "" if outcome.committed else _("Nothing was imported.")
    job.content = b""
    job.finished_at = timezone.now()
    job.save(
        update_fields=[
            "status",
            "total",
            "checked",
            "written",
            "created_count",
            "updated_count",
            "error_count",
            "report",
            "message",
            "content",
            "finished_at",
        ]
    )
    return job


def format_help() -> dict[str, Any]:
    """What the upload page says about the presets."""
    return {"presets": list(PRESETS.values()), "fields": FIELDS, "max_rows": MAX_ROWS}


def problem_list(plan: Plan) -> list[dict[str, Any]]:
    """Every problem as `{line, column, message}`; problems with the whole file have no line."""
    problems: list[dict[str, Any]] = [
        {"line": None, "column": "", "message": message} for message in plan.file_errors
    ]
    problems.extend(
        {
            "line": error.line,
            "column": plan.columns.get(error.column, error.column),
            "message": error.message,
        }
        for error in plan.errors
    )
    return problems


def problems_as_errors(plan: Plan, *, limit: int = 100) -> dict[str, list[str]]:
    """The first problems keyed by "line N: column", as the API's ValidationError carries them."""
    errors: dict[str, list[str]] = {}
    for problem in problem_list(plan)[:limit]:
        where = f"line {problem['line']}" if problem["line"] else "file"
        key = f"{where}: {problem['column']}" if problem["column"] else where
        errors.setdefault(key, []).append(problem["message"])
    if not errors:
        errors["file"] = [_("The file has no rows to import.")]
    return errors
