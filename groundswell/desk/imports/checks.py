"""Checking a helpdesk export row by row, writing nothing (the dry run).

The file is read by the base's one reader (core/imports/reader.py) and every value is checked
by its field type's one validator (core/imports/fields.py); what is particular to
interactions is here: the preset's column names and words, the teams the importer may import
into, agents known by email, ids repeated within the file, and the rows that update an
interaction already imported from the same source.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import batched

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.imports import fields, reader
from groundswell.core.imports.report import Report
from groundswell.desk.import_presets import FIELDS, PRESETS, Preset
from groundswell.desk.models import Interaction
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can, can_somewhere, teams_in_scope
from groundswell.people.readiness import is_ready

MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
BATCH_SIZE = 2_000
LOOKUP_CHUNK = 900  # under SQLite's old limit of 999 parameters a statement
MAX_LENGTHS = {"subject": 255, "external_id": 120, "customer_name": 200, "customer_email": 254}
LANGUAGES = frozenset(code for code, _name in settings.LANGUAGES)


@dataclass(slots=True)
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
    # Its handler is not yet signed off for live customers: kept, and flagged to their lead.
    handler_not_ready: bool = False
    existing_pk: int | None = None


@dataclass
class Plan(Report):
    """The outcome of checking a file: rows to write, and the report of every problem found.

    `columns` (the report's) maps each field to the header it came from.
    """

    source: str = ""
    rows: list[Planned] = field(default_factory=list)
    total: int = 0
    # (new, updated, not ready) of a file written set-wise (staged.py), whose rows are not
    # listed in `rows`.
    staged: tuple[int, int, int] | None = None

    @property
    def new_count(self) -> int:
        if self.staged is not None:
            return self.staged[0]
        return sum(1 for row in self.rows if row.existing_pk is None)

    @property
    def update_count(self) -> int:
        if self.staged is not None:
            return self.staged[1]
        return len(self.rows) - self.new_count

    @property
    def not_ready_count(self) -> int:
        """Rows whose handler is not yet signed off for live customers: kept and flagged."""
        if self.staged is not None:
            return self.staged[2]
        return sum(1 for row in self.rows if row.handler_not_ready)

    def can_write(self, *, skip_bad_rows: bool) -> bool:
        if self.file_problems or not self.rows:
            return False
        return skip_bad_rows or not self.problems


def not_yours(team: str) -> str:
    """The one problem for a row out of the importer's reach: an unknown team, a team they may
    not import into, or an id whose interaction sits in such a team all read the same."""
    return _(
        "“%(value)s” is not a team you may import into, or the row's id belongs to an "
        "interaction of a team you may not import into."
    ) % {"value": team}


class _Checker:
    """Checks rows one by one against lookups loaded once per file."""

    def __init__(self, actor: Person, preset: Preset, source: str, default_team: Team | None):
        self.actor = actor
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
        # Agents (by id) not yet ready for live customers, found with the same query.
        self.not_ready: set[int] = set()
        self.seen_ids: dict[str, int] = {}
        self.statuses = preset.statuses
        self.channels = preset.channels
        self.zone = timezone.get_current_timezone()
        self.unknown_channel = _("Unknown channel “%(value)s”; use one of: %(choices)s.")
        self.unknown_status = _("Unknown status “%(value)s”; use one of: %(choices)s.")
        self.unknown_language = _("Unknown language “%(value)s”; use one of: %(choices)s.")
        self.not_seconds = _("A whole number of seconds, not “%(value)s”.")

    def load_agents(self, emails: Iterable[str]) -> None:
        found = Person.objects.alias(key=Lower("email"))
        today = timezone.localdate()
        columns = ("email", "pk", "on_readiness_hold", "readiness_override_until")
        for chunk in batched(sorted(set(emails) - {""}), LOOKUP_CHUNK):
            for email, pk, on_hold, until in found.filter(key__in=chunk).values_list(*columns):
                self.agents[email.lower()] = pk
                if not is_ready(on_hold, until, today):
                    self.not_ready.add(pk)

    def check(self, line: int, values: dict[str, str], report: Report) -> Planned | None:
        """The row ready to write, or None after adding its problems to `report`.

        Each value goes through its field type's validator in core/imports/fields.py; the calls
        are written out (no helper closures), as this runs for every row of large files.
        """
        count = len(report.problems)
        cell = values.get
        add = report.add
        invalid = fields.Invalid

        external_id = cell("external_id", "")
        if external_id:
            try:
                fields.external_id(external_id, max_length=MAX_LENGTHS["external_id"])
            except invalid as error:
                add(line, "external_id", error.message)
            else:
                first = self.seen_ids.get(external_id)
                if first is not None:
                    add(
                        line,
                        "external_id",
                        _("The id %(id)s is already on line %(line)s of this file.")
                        % {"id": external_id, "line": first},
                    )
                else:
                    self.seen_ids[external_id] = line
        subject = cell("subject", "")
        if not subject:
            add(line, "subject", _("A subject is required."))
        else:
            try:
                fields.text(subject, max_length=MAX_LENGTHS["subject"])
            except invalid as error:
                add(line, "subject", error.message)
        channel = ""
        if written := cell("channel", ""):
            try:
                channel = fields.choice(written, self.channels, message=self.unknown_channel)
            except invalid as error:
                add(line, "channel", error.message)
        else:
            add(line, "channel", _("A channel is required."))
        status = "open"
        if written := cell("status", ""):
            try:
                status = fields.choice(written, self.statuses, message=self.unknown_status)
            except invalid as error:
                add(line, "status", error.message)
        team_id = self._team(line, cell("team", ""), report)
        opened_at = self._moment(line, cell("opened_at", ""), "opened_at", report, required=True)
        resolved_at = self._moment(
            line, cell("resolved_at", ""), "resolved_at", report, required=False
        )
        if opened_at and resolved_at and resolved_at < opened_at:
            add(line, "resolved_at", _("Resolved before it was opened."))
        handled_by_id = None
        agent_email = cell("handled_by_email", "").lower()
        if agent_email:
            handled_by_id = self.agents.get(agent_email)
            if handled_by_id is None:
                add(
                    line,
                    "handled_by_email",
                    _("No one in Groundswell has the email %(email)s.") % {"email": agent_email},
                )
        customer_email = cell("customer_email", "").lower()
        if customer_email:
            try:
                fields.email(customer_email)
            except invalid as error:
                add(line, "customer_email", error.message)
        customer_name = cell("customer_name", "")
        try:
            fields.text(customer_name, max_length=MAX_LENGTHS["customer_name"])
        except invalid as error:
            add(line, "customer_name", error.message)
        language = ""
        if written := cell("customer_language", ""):
            try:
                language = fields.language(written, LANGUAGES, message=self.unknown_language)
            except invalid as error:
                add(line, "customer_language", error.message)
        handle_time = None
        if written := cell("handle_time_seconds", ""):
            try:
                handle_time = fields.whole_number(written, message=self.not_seconds)
            except invalid as error:
                add(line, "handle_time_seconds", error.message)
        if len(report.problems) > count or opened_at is None or team_id is None:
            return None
        return Planned(
            line=line,
            team_id=team_id,
            channel=channel,
            status=status,
            subject=subject,
            topics=self._topics(cell("topics", "")),
            opened_at=opened_at,
            resolved_at=resolved_at,
            handle_time_seconds=handle_time,
            handled_by_id=handled_by_id,
            handler_not_ready=handled_by_id in self.not_ready,
            customer_email=customer_email,
            customer_name=customer_name,
            customer_language=language,
            external_id=external_id,
            team_label=cell("team", "") or (self.default_team.name if self.default_team else ""),
        )

    def prepare_quick(self, positions: dict[str, int]) -> None:
        """Where each field's cell sits in a record (in `FIELDS` order, as `quick` unpacks it),
        for `quick`; -1 for a field not in the file."""
        self.at = tuple(positions.get(name, -1) for name in FIELDS)
        self.default_label = self.default_team.name if self.default_team else ""
        self.valid_emails: set[str] = set()

    def quick(self, line: int, record: list[str]) -> Planned | None:
        """The row ready to write when every check passes, else None, touching no report.

        The same checks as `check` for a row of the header's width without a NUL, answered
        with lookups and the standard library only: a row it cannot pass goes to `check`,
        which finds and words its problems. It passes exactly the rows `check` passes, with
        the same values (tests/test_import_paths.py compares the two on every kind of row).
        """
        (
            at_id,
            at_subject,
            at_channel,
            at_status,
            at_team,
            at_opened,
            at_resolved,
            at_agent,
            at_email,
            at_name,
            at_language,
            at_topics,
            at_handle,
        ) = self.at
        external_id = record[at_id].strip() if at_id >= 0 else ""
        if external_id and (
            len(external_id) > MAX_LENGTHS["external_id"] or external_id in self.seen_ids
        ):
            return None
        subject = record[at_subject].strip() if at_subject >= 0 else ""
        if not subject or len(subject) > MAX_LENGTHS["subject"]:
            return None
        if at_channel < 0:
            return None
        channel = self.channels.get(record[at_channel].strip().lower())
        if channel is None:
            return None
        status = "open"
        if at_status >= 0 and (written := record[at_status].strip()):
            found = self.statuses.get(written.lower())
            if found is None:
                return None
            status = found
        team_label = record[at_team].strip() if at_team >= 0 else ""
        if team_label:
            team_id = self.team_names.get(team_label.lower())
        else:
            team_id = self.default_team.pk if self.default_team is not None else None
            team_label = self.default_label
        if team_id is None:
            return None
        written = record[at_opened].strip() if at_opened >= 0 else ""
        if not written:
            return None
        try:
            opened_at = datetime.datetime.fromisoformat(written)
        except ValueError:
            return None
        if opened_at.tzinfo is None:
            opened_at = opened_at.replace(tzinfo=self.zone)
        resolved_at = None
        if at_resolved >= 0 and (written := record[at_resolved].strip()):
            try:
                resolved_at = datetime.datetime.fromisoformat(written)
            except ValueError:
                return None
            if resolved_at.tzinfo is None:
                resolved_at = resolved_at.replace(tzinfo=self.zone)
            if resolved_at < opened_at:
                return None
        handled_by_id = None
        if at_agent >= 0 and (agent := record[at_agent].strip().lower()):
            handled_by_id = self.agents.get(agent)
            if handled_by_id is None:
                return None
        customer_email = record[at_email].strip().lower() if at_email >= 0 else ""
        if customer_email and customer_email not in self.valid_emails:
            try:
                fields.email(customer_email)
            except fields.Invalid:
                return None
            self.valid_emails.add(customer_email)
        customer_name = record[at_name].strip() if at_name >= 0 else ""
        if len(customer_name) > MAX_LENGTHS["customer_name"]:
            return None
        language = ""
        if at_language >= 0 and (written := record[at_language].strip()):
            language = written.lower()[:2]
            if language not in LANGUAGES:
                return None
        handle_time = None
        if at_handle >= 0 and (written := record[at_handle].strip()):
            if not written.isascii() or not written.isdigit():
                return None
            handle_time = int(written)
            if handle_time > fields.MAX_INT32:
                return None
        if external_id:
            self.seen_ids[external_id] = line
        return Planned(
            line,
            team_id,
            channel,
            status,
            subject,
            self._topics(record[at_topics].strip()) if at_topics >= 0 else [],
            opened_at,
            resolved_at,
            handle_time,
            handled_by_id,
            customer_email,
            customer_name,
            language,
            external_id,
            team_label,
            handled_by_id in self.not_ready,
        )

    def _team(self, line: int, value: str, report: Report) -> int | None:
        if not value:
            if self.default_team is not None:
                return self.default_team.pk
            report.add(
                line, "team", _("A team is required (or choose one for rows without a team).")
            )
            return None
        team_id = self.team_names.get(value.lower())
        if team_id is None:
            report.add(line, "team", not_yours(value))
        return team_id

    def _moment(
        self, line: int, value: str, column: str, report: Report, *, required: bool
    ) -> datetime.datetime | None:
        if not value:
            if required:
                report.add(line, column, _("A date and time is required."))
            return None
        try:
            return fields.moment(value, zone=self.zone)
        except fields.Invalid as error:
            report.add(line, column, error.message)
            return None

    def _topics(self, value: str) -> list[str]:
        if not value:
            return []
        separator = None if self.preset.topic_separator == " " else self.preset.topic_separator
        return [word.strip()[:60] for word in value.split(separator) if word.strip()][:20]


def _header_problems(positions: dict[str, int], preset: Preset) -> list[str]:
    return [
        _("The column “%(column)s” is missing (%(preset)s export).")
        % {"column": preset.columns[name][0], "preset": preset.label}
        for name in preset.required
        if name not in positions
    ]


def _plain_csv(content: bytes, filename: str) -> bool:
    """A CSV file (not a workbook) without a NUL anywhere: no row of it needs the NUL check."""
    return (
        content[:4] != reader.XLSX_MAGIC
        and not filename.lower().endswith(".xlsx")
        and b"\x00" not in content
    )


@dataclass
class Read:
    """A file read and its header matched, before any row is checked.

    `records` is None when the file cannot be checked at all (`plan` says why).
    """

    plan: Plan
    checker: _Checker
    positions: dict[str, int]
    width: int
    records: list[reader.Record] | None
    plain: bool  # a CSV file without a NUL (see `_plain_csv`)


def read_file(
    *,
    actor: Person,
    content: bytes,
    filename: str = "",
    preset: str = "groundswell",
    source: str = "",
    default_team: Team | None = None,
) -> Read:
    """Check the importer's permissions, read the file and match its header, writing nothing.

    Raises PermissionDenied or ValidationError as `check_file` does.
    """
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
    checker = _Checker(actor, chosen, plan.source, default_team)
    positions: dict[str, int] = {}
    width = 0
    records: list[reader.Record] | None = None
    try:
        table = reader.read_table(content, filename, max_bytes=MAX_FILE_BYTES)
        header = table.header
        width = len(header)
        positions = reader.find_columns(
            header, {name: chosen.columns.get(name, ()) for name in FIELDS}
        )
        plan.columns = {name: header[index] for name, index in positions.items()}
        problems = _header_problems(positions, chosen)
        for message in problems:
            plan.add_file_problem(message)
        if not problems:
            records = reader.all_records(table, max_rows=MAX_ROWS)
    except reader.UnreadableFile as error:
        plan.add_file_problem(str(error))
    read = Read(plan, checker, positions, width, records, _plain_csv(content, filename))
    if records is not None:
        plan.total = len(records)
        agent_at = positions.get("handled_by_email")
        if agent_at is not None:
            checker.load_agents(
                record[agent_at].strip().lower()
                for _line, record in records
                if len(record) > agent_at and reader.NUL not in record[agent_at]
            )
        checker.prepare_quick(positions)
    return read


def check_file(
    *,
    actor: Person,
    content: bytes,
    filename: str = "",
    preset: str = "groundswell",
    source: str = "",
    default_team: Team | None = None,
    progress: Callable[[int], None] | None = None,
    fast: bool = True,
) -> Plan:
    """Read and check every row of a file, writing nothing (the dry run).

    `fast=False` checks every row with `_Checker.check` alone: the reference the quick
    path is tested against.
    """
    read = read_file(
        actor=actor,
        content=content,
        filename=filename,
        preset=preset,
        source=source,
        default_team=default_team,
    )
    return check_rows(read, progress=progress, fast=fast)


def check_rows(
    read: Read,
    *,
    progress: Callable[[int], None] | None = None,
    fast: bool = True,
) -> Plan:
    """Check every row of a file `read_file` read (see `check_file`)."""
    plan, checker, positions, width, records = (
        read.plan,
        read.checker,
        read.positions,
        read.width,
        read.records,
    )
    if records is None:
        return plan
    # A row of the header's width in a file without a NUL takes the quick check first; a
    # row it cannot pass (or any row of other files) is checked and reported by `check`.
    quick = checker.quick if fast and read.plain else None
    rows = plan.rows
    for number, (line, record) in enumerate(records, start=1):
        if quick is not None and len(record) == width:
            planned = quick(line, record)
            if planned is not None:
                rows.append(planned)
                if progress is not None and number % BATCH_SIZE == 0:
                    progress(number)
                continue
        extra = reader.extra_cells_problem(line, record, width)
        if extra is not None:
            plan.problems.append(extra)
            continue
        values, with_nul = reader.row_values(line, record, positions)
        if with_nul:  # a bad row: its other cells are not checked
            plan.problems.extend(with_nul)
        else:
            planned = checker.check(line, values, plan)
            if planned is not None:
                plan.rows.append(planned)
        if progress is not None and number % BATCH_SIZE == 0:
            progress(number)
    _match_existing(checker.actor, plan)
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
                    plan.add(row.line, "team", not_yours(row.team_label))
                    refused.add(row.line)
                row.existing_pk = pk
    if refused:
        plan.rows = [row for row in plan.rows if row.line not in refused]
        plan.problems.sort(key=lambda problem: problem.line or 0)
