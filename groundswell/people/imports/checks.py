"""Checking a people file row by row, writing nothing.

The file is read by the base's one reader (core/imports/reader.py) and each value checked by
its field type's one validator (core/imports/fields.py); what is particular to people is
here: the columns, departments and teams that must exist, the importer's rights, people
named by email (in Groundswell already or in this file), logins, and the same change rules
the API and the pages apply (permissions.check_person_change).
"""

from __future__ import annotations

import datetime
import enum
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import batched
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models.functions import Lower
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from groundswell.core.imports import fields, reader
from groundswell.core.imports.report import Problem, Report
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import (
    Action,
    PersonChangeRefused,
    can,
    check_person_change,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import User

MAX_FILE_BYTES = 5 * 1024 * 1024
BATCH_SIZE = 500
PREVIEW_ROWS = 1000  # a preview lists every row with a problem, and this many others

COLUMNS: tuple[str, ...] = (
    "full_name",
    "email",
    "role",
    "job_title",
    "department",
    "team",
    "manager_email",
    "buddy_email",
    "hire_date",
    "is_champion",
    "create_login",
)
REQUIRED_COLUMNS: tuple[str, ...] = ("full_name", "email", "role", "department")
COLUMN_HELP: tuple[tuple[str, Promise], ...] = (
    ("full_name", _lazy("The person's name as colleagues know it.")),
    ("email", _lazy("Work email; it identifies the person, so importing again updates them.")),
    ("role", _lazy("agent, team_lead, manager, executive or admin.")),
    ("job_title", _lazy("Free text, e.g. Billing specialist.")),
    ("department", _lazy("The name of an existing department.")),
    ("team", _lazy("The name of an existing team in that department; blank for none.")),
    ("manager_email", _lazy("Email of their manager, in Groundswell already or in this file.")),
    ("buddy_email", _lazy("Email of the colleague who guides them through their first months.")),
    ("hire_date", _lazy("YYYY-MM-DD, e.g. 2025-01-31.")),
    ("is_champion", _lazy("yes or no: are they a service champion?")),
    (
        "create_login",
        _lazy("yes to give them a login; they set a password with “Forgot password”."),
    ),
)

# Fields an import writes, and the column each comes from.
FIELD_COLUMNS: dict[str, str] = {
    "full_name": "full_name",
    "role": "role",
    "job_title": "job_title",
    "department": "department",
    "team": "team",
    "hire_date": "hire_date",
    "is_champion": "is_champion",
}
MAX_LENGTHS = {"full_name": 150, "job_title": 120, "email": 254}


class RowStatus(enum.StrEnum):
    NEW = "new"
    UPDATE = "update"
    ERROR = "error"


@dataclass(frozen=True)
class CsvRow:
    """One row as read from the file: its line number and its cells by column name."""

    line: int
    values: Mapping[str, str]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class ImportRow:
    """One row of an import with what will happen to it, or why it cannot be imported."""

    line: int
    values: Mapping[str, str]
    status: RowStatus
    problems: tuple[Problem, ...] = ()

    @property
    def columns_with_problems(self) -> frozenset[str]:
        return frozenset(problem.column for problem in self.problems)


@dataclass(frozen=True)
class ImportResult:
    """What an import would do (a dry run) or did (committed)."""

    rows: tuple[ImportRow, ...] = ()
    file_problems: tuple[Problem, ...] = ()
    committed: bool = False
    columns: tuple[str, ...] = ()

    @property
    def shown_rows(self) -> tuple[ImportRow, ...]:
        """The rows a preview lists: every row with a problem, and the first PREVIEW_ROWS."""
        return tuple(
            row
            for index, row in enumerate(self.rows)
            if index < PREVIEW_ROWS or row.status == RowStatus.ERROR
        )

    @property
    def hidden_count(self) -> int:
        return len(self.rows) - len(self.shown_rows)

    @property
    def new_count(self) -> int:
        return sum(1 for row in self.rows if row.status == RowStatus.NEW)

    @property
    def update_count(self) -> int:
        return sum(1 for row in self.rows if row.status == RowStatus.UPDATE)

    @property
    def error_count(self) -> int:
        return sum(1 for row in self.rows if row.status == RowStatus.ERROR)

    @property
    def importable_count(self) -> int:
        return self.new_count + self.update_count

    @property
    def is_valid(self) -> bool:
        """True when every row can be imported and there is at least one."""
        return not self.file_problems and not self.error_count and bool(self.rows)

    @property
    def report(self) -> Report:
        """Every problem, in the base's one report (counts, the downloadable CSV)."""
        return Report(
            problems=[problem for row in self.rows for problem in row.problems],
            file_problems=list(self.file_problems),
        )


# Reading the file ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CsvTable:
    """A read file: its columns, its rows, and problems with the file as a whole."""

    columns: tuple[str, ...] = ()
    rows: tuple[CsvRow, ...] = ()
    problems: tuple[Problem, ...] = ()


def read_file(content: bytes, filename: str = "") -> CsvTable:
    """Read an uploaded CSV (UTF-8 with or without BOM, comma or semicolon separated) or XLSX."""
    try:
        table = reader.read_table(content, filename, max_bytes=MAX_FILE_BYTES)
        header = [reader.header_key(cell).replace(" ", "_") for cell in table.header]
        problems = _header_problems(header)
        if problems:
            return CsvTable(columns=tuple(header), problems=tuple(problems))
        records = reader.all_records(table, max_rows=settings.GROUNDSWELL_IMPORT_MAX_ROWS)
    except reader.UnreadableFile as error:
        return CsvTable(problems=(Problem(None, "", str(error)),))
    positions = {name: index for index, name in enumerate(header)}
    return CsvTable(
        columns=tuple(header),
        rows=tuple(_csv_row(line, record, positions) for line, record in records),
    )


def read_csv(content: bytes) -> CsvTable:
    """Read an uploaded CSV file (the XLSX reader answers for a workbook too)."""
    return read_file(content)


def _header_problems(header: list[str]) -> list[Problem]:
    problems = [
        Problem(None, name, _("The required column “%(column)s” is missing.") % {"column": name})
        for name in REQUIRED_COLUMNS
        if name not in header
    ]
    expected = ", ".join(COLUMNS)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            message = _("The column “%(column)s” appears twice.") % {"column": name}
            problems.append(Problem(None, "", message))
        elif name not in COLUMNS:
            message = _("Unknown column “%(column)s”; the columns are: %(expected)s.")
            problems.append(Problem(None, name, message % {"column": name, "expected": expected}))
        seen.add(name)
    return problems


def _csv_row(line: int, record: list[str], positions: Mapping[str, int]) -> CsvRow:
    problems: list[Problem] = []
    extra = reader.extra_cells_problem(line, record, len(positions))
    if extra is not None:
        problems.append(extra)
    # A NUL makes the row bad; the value is dropped and the row still checked.
    values, with_nul = reader.row_values(line, record, positions)
    return CsvRow(line=line, values=values, problems=(*problems, *with_nul))


# Checking rows ---------------------------------------------------------------------------------


@dataclass
class Lookups:
    """Everything the rows refer to, loaded in a few queries before any row is checked."""

    departments: dict[str, Department]
    teams: dict[tuple[int, str], Team]
    team_names: set[str]
    people: dict[str, Person]
    users: dict[str, int | None]  # lower-cased username -> pk of the person it belongs to


@dataclass
class PlannedRow:
    row: CsvRow
    email: str
    fields: dict[str, Any] = field(default_factory=dict)
    existing: Person | None = None
    manager_email: str | None = None
    buddy_email: str | None = None
    create_login: bool = False
    problems: list[Problem] = field(default_factory=list)

    def add(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.row.line, column, message))

    def valid[T](self, column: str, check: Callable[[], T]) -> T | None:
        """What `check` returns, or None after noting its problem on `column`."""
        try:
            return check()
        except fields.Invalid as error:
            self.add(column, error.message)
            return None


def _load_lookups(rows: Sequence[CsvRow]) -> Lookups:
    departments: dict[str, Department] = {}
    for department in Department.objects.all():
        departments[department.slug.lower()] = department
        departments[department.name.lower()] = department
    teams: dict[tuple[int, str], Team] = {}
    for team in Team.objects.all():
        teams[(team.department_id, team.name.lower())] = team
        teams[(team.department_id, team.slug.lower())] = team
    emails = {
        row.values.get(name, "").lower()
        for row in rows
        for name in ("email", "manager_email", "buddy_email")
    } - {""}
    people = {
        person.email.lower(): person
        for person in _in_chunks(
            Person.objects.select_related("department", "team"), "email", emails
        )
    }
    user_model: type[User] = get_user_model()
    users = {
        str(username): person_pk
        for username, person_pk in _in_chunks(
            user_model.objects.all(), "username", emails, values=("match_key", "person")
        )
    }
    return Lookups(
        departments=departments,
        teams=teams,
        team_names={key[1] for key in teams},
        people=people,
        users=users,
    )


def _in_chunks(
    queryset: Any, field_name: str, keys: Iterable[str], values: tuple[str, ...] | None = None
) -> list[Any]:
    """Rows of `queryset` whose lower-cased `field_name` is one of `keys`, a chunk at a time."""
    found: list[Any] = []
    annotated = queryset.annotate(match_key=Lower(field_name))
    for chunk in batched(sorted(keys), BATCH_SIZE):
        matching = annotated.filter(match_key__in=chunk)
        found.extend(matching.values_list(*values) if values else matching)
    return found


def _check_row(actor: Person, row: CsvRow, lookups: Lookups) -> PlannedRow:
    values = row.values
    email = values.get("email", "").lower()
    planned = PlannedRow(row=row, email=email, problems=list(row.problems))
    _check_text(planned, values)
    _check_email(planned)
    department = _check_department(actor, planned, lookups)
    if "team" in values:
        planned.fields["team"] = _check_team(planned, values["team"], department, lookups)
    _check_role(planned, values.get("role", ""))
    for column in ("manager_email", "buddy_email"):
        if column in values:
            reference = values[column].lower()
            if reference:
                _check_reference(planned, column, reference)
            setattr(planned, column, reference)
    if "hire_date" in values:
        planned.fields["hire_date"] = _parse_date(planned, values["hire_date"])
    if "is_champion" in values:
        planned.fields["is_champion"] = _parse_yes_no(planned, "is_champion")
    if "create_login" in values:
        planned.create_login = bool(_parse_yes_no(planned, "create_login"))
    return planned


def _check_text(planned: PlannedRow, values: Mapping[str, str]) -> None:
    for name in ("full_name", "job_title"):
        if name not in values:
            continue
        value = values[name]
        if name == "full_name" and not value:
            planned.add(name, _("A name is required."))
        else:
            planned.valid(name, lambda: fields.text(value, max_length=MAX_LENGTHS[name]))  # noqa: B023 (called at once)
        planned.fields[name] = value


def _check_email(planned: PlannedRow) -> None:
    if not planned.email:
        planned.add("email", _("An email address is required."))
        return
    planned.valid("email", lambda: fields.email(planned.email))


def _check_department(actor: Person, planned: PlannedRow, lookups: Lookups) -> Department | None:
    name = planned.row.values.get("department", "")
    if not name:
        planned.add("department", _("A department is required."))
        return None
    department = lookups.departments.get(name.lower())
    if department is None:
        planned.add("department", _("Unknown department “%(name)s”.") % {"name": name})
        return None
    if not can(actor, Action.IMPORT_PEOPLE, department):
        message = _("You may not import people into %(department)s; only into %(own)s.")
        planned.add("department", message % {"department": department, "own": actor.department})
    planned.fields["department"] = department
    return department


def _check_team(
    planned: PlannedRow, name: str, department: Department | None, lookups: Lookups
) -> Team | None:
    if not name or department is None:
        return None
    team = lookups.teams.get((department.pk, name.lower()))
    if team is not None:
        return team
    if name.lower() in lookups.team_names:
        message = _("Team “%(team)s” is not in department %(department)s.")
        planned.add("team", message % {"team": name, "department": department})
    else:
        planned.add("team", _("Unknown team “%(team)s”.") % {"team": name})
    return None


def _check_role(planned: PlannedRow, value: str) -> None:
    if not value:
        roles = ", ".join(Role.values)
        planned.add("role", _("A role is required; use one of: %(roles)s.") % {"roles": roles})
        return
    words = {_role_key(word): role for role in Role for word in (role.value, str(role.label))}
    try:
        planned.fields["role"] = fields.choice(_role_key(value), words).value
    except fields.Invalid:
        message = _("Unknown role “%(value)s”; use one of: %(choices)s.")
        planned.add("role", message % {"value": value, "choices": ", ".join(Role.values)})


def _role_key(value: str) -> str:
    """A role as written, in either its code or its name: "Team lead" is team_lead."""
    return value.strip().lower().replace(" ", "_").replace("-", "_")


def _check_reference(planned: PlannedRow, column: str, reference: str) -> None:
    if planned.valid(column, lambda: fields.email(reference)) is None:
        return
    if reference == planned.email:
        if column == "buddy_email":
            planned.add(column, _("A person cannot be their own buddy."))
        else:
            planned.add(column, _("A person cannot be their own manager."))


def _parse_date(planned: PlannedRow, value: str) -> datetime.date | None:
    if not value:
        return None
    return planned.valid("hire_date", lambda: fields.date(value))


def _parse_yes_no(planned: PlannedRow, column: str) -> bool | None:
    return planned.valid(column, lambda: fields.yes_no(planned.row.values[column]))


def _check_login(planned: PlannedRow, lookups: Lookups) -> None:
    if len(planned.email) > 150:
        planned.add("create_login", _("Logins need an email address of at most 150 characters."))
        return
    if planned.email not in lookups.users:
        return
    owner = lookups.users[planned.email]
    if owner is None or planned.existing is None or owner != planned.existing.pk:
        message = _(
            "A login for %(email)s already exists; an administrator can link it to this person."
        )
        planned.add("create_login", message % {"email": planned.email})


def _check_against_others(actor: Person, plan: list[PlannedRow], lookups: Lookups) -> None:
    """Checks that need the whole file: duplicates, people to update, references."""
    first_line: dict[str, int] = {}
    for planned in plan:
        if not planned.email:
            continue
        if planned.email in first_line:
            message = _("%(email)s is already on line %(line)s of this file.")
            planned.add(
                "email", message % {"email": planned.email, "line": first_line[planned.email]}
            )
        else:
            first_line[planned.email] = planned.row.line
        _check_existing(actor, planned, lookups)
    for planned in plan:
        for column in ("manager_email", "buddy_email"):
            reference = getattr(planned, column)
            if reference and reference not in first_line and reference not in lookups.people:
                message = _("No one with the email %(email)s, in Groundswell or in this file.")
                planned.add(column, message % {"email": reference})


def _check_existing(actor: Person, planned: PlannedRow, lookups: Lookups) -> None:
    """Rules that depend on whether the row adds someone new or updates an existing person."""
    existing = lookups.people.get(planned.email)
    planned.existing = existing
    if planned.create_login:
        _check_login(planned, lookups)
    _check_change(actor, planned)


# The CSV column that carries each field a change check may name; "" is the person as a whole,
# whom the row names by email.
CHANGE_COLUMNS = {"": "email", "user": "create_login"}


def _check_change(actor: Person, planned: PlannedRow) -> None:
    """Ask permissions.check_person_change about the row, as the API and the pages do."""
    existing = planned.existing
    if existing is None:
        # Placement in a new row is the department check's (IMPORT_PEOPLE); here only the role.
        changes = {"role": planned.fields["role"]} if "role" in planned.fields else {}
    else:
        changes = {
            name: value
            for name, value in planned.fields.items()
            if _stored_value(existing, name) != getattr(value, "pk", value)
        }
        if planned.create_login and existing.user_id is None:
            changes["user"] = None
    try:
        check_person_change(actor, existing, changes)
    except PersonChangeRefused as error:
        planned.add(CHANGE_COLUMNS.get(error.field, error.field), str(error))
    except ValidationError as error:
        for name, messages in error.message_dict.items():
            for message in messages:
                planned.add(CHANGE_COLUMNS.get(name, name), message)


def _stored_value(person: Person, name: str) -> Any:
    if name in {"department", "team"}:
        return getattr(person, f"{name}_id")
    return getattr(person, name)


def plan_rows(actor: Person, rows: Sequence[CsvRow]) -> tuple[list[PlannedRow], Lookups]:
    lookups = _load_lookups(rows)
    plan = [_check_row(actor, row, lookups) for row in rows]
    _check_against_others(actor, plan, lookups)
    return plan, lookups


def result_of(plan: list[PlannedRow], *, columns: tuple[str, ...], committed: bool) -> ImportResult:
    def status(planned: PlannedRow) -> RowStatus:
        if planned.problems:
            return RowStatus.ERROR
        return RowStatus.NEW if planned.existing is None else RowStatus.UPDATE

    rows = tuple(
        ImportRow(
            line=planned.row.line,
            values=planned.row.values,
            status=status(planned),
            problems=tuple(planned.problems),
        )
        for planned in plan
    )
    return ImportResult(rows=rows, columns=columns, committed=committed)
