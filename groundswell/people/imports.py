"""Bulk import of people from a CSV file: read it, check every row, then write all or nothing.

The flow is upload → preview → confirm. The preview runs `import_people(dry_run=True)`; the
confirm runs it again with `dry_run=False` inside one transaction, re-checking every row
against the database as it is then, so nothing is ever half-imported.

Between the two steps the uploaded bytes wait in the server-side session (compressed,
at most MAX_FILE_BYTES), keyed by their SHA-256 fingerprint: the confirm form carries only
the fingerprint, so the file imported is exactly the file previewed, and nothing the browser
sends can change it.
"""

from __future__ import annotations

import base64
import csv
import datetime
import enum
import hashlib
import hmac
import io
import logging
import zlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import batched
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from groundswell.core.lib import tabular
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import (
    Action,
    PersonChangeRefused,
    can,
    can_somewhere,
    check_person_change,
)
from groundswell.people.tasks import send_welcome_emails

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.base import SessionBase

logger = logging.getLogger(__name__)

MAX_FILE_BYTES = 5 * 1024 * 1024
SESSION_KEY = "people_import"
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
TRUE_WORDS = frozenset({"yes", "y", "true", "1"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", ""})

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
class Problem:
    """Something wrong with the file or a row; `column` names the CSV column at fault."""

    message: str
    column: str = ""


@dataclass(frozen=True)
class CsvRow:
    """One row as read from the file: its line number and its cells by column name."""

    line: int
    values: Mapping[str, str]
    problems: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class CsvTable:
    """A read CSV file: its columns, its rows, and problems with the file as a whole."""

    columns: tuple[str, ...] = ()
    rows: tuple[CsvRow, ...] = ()
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


# Reading the file ------------------------------------------------------------------------------


def read_csv(content: bytes) -> CsvTable:
    """Read an uploaded CSV (UTF-8 with or without BOM, comma or semicolon separated)."""
    if len(content) > MAX_FILE_BYTES:
        limit = MAX_FILE_BYTES // (1024 * 1024)
        return _file_problem(_("The file is larger than %(limit)s MB.") % {"limit": limit})
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        return _file_problem(
            _(
                "The file is not UTF-8 text (unreadable byte at position %(position)s). "
                "Save it as “CSV UTF-8” and upload it again."
            )
            % {"position": error.start}
        )
    if not text.strip():
        return _file_problem(_("The file is empty."))
    first_line = text.lstrip().splitlines()[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return _read_rows(reader)
    except csv.Error as error:
        message = _("The file is not valid CSV: %(error)s on line %(line)s.")
        return _file_problem(message % {"error": error, "line": reader.line_num})


def _file_problem(message: str, column: str = "") -> CsvTable:
    return CsvTable(problems=(Problem(message, column),))


def _read_rows(reader: Any) -> CsvTable:
    header = [cell.strip().lower().replace(" ", "_") for cell in next(reader)]
    problems = _header_problems(header)
    if problems:
        return CsvTable(columns=tuple(header), problems=tuple(problems))
    rows: list[CsvRow] = []
    last_line = 1
    for record in reader:
        line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in record):
            continue
        rows.append(_csv_row(line, header, record))
    limit = settings.GROUNDSWELL_IMPORT_MAX_ROWS
    if len(rows) > limit:
        message = _(
            "The file has %(count)s rows; at most %(limit)s can be imported at once. "
            "Split it into smaller files."
        ) % {"count": len(rows), "limit": limit}
        return CsvTable(columns=tuple(header), problems=(Problem(message),))
    return CsvTable(columns=tuple(header), rows=tuple(rows))


def _header_problems(header: list[str]) -> list[Problem]:
    problems = [
        Problem(_("The required column “%(column)s” is missing.") % {"column": name}, name)
        for name in REQUIRED_COLUMNS
        if name not in header
    ]
    expected = ", ".join(COLUMNS)
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(Problem(_("The column “%(column)s” appears twice.") % {"column": name}))
        elif name not in COLUMNS:
            message = _("Unknown column “%(column)s”; the columns are: %(expected)s.")
            problems.append(Problem(message % {"column": name, "expected": expected}, name))
        seen.add(name)
    return problems


def _csv_row(line: int, header: list[str], record: list[str]) -> CsvRow:
    values = {name: cell.strip() for name, cell in zip(header, record, strict=False)}
    values.update({name: "" for name in header[len(record) :]})
    extra = [cell for cell in record[len(header) :] if cell.strip()]
    problems: tuple[Problem, ...] = ()
    if extra:
        message = _("This row has %(cells)s cells but the header names only %(columns)s.")
        problems = (Problem(message % {"cells": len(record), "columns": len(header)}),)
    # PostgreSQL can neither store nor look up a NUL: the row is bad, the value is dropped.
    with_nul = [name for name, value in values.items() if "\x00" in value]
    problems += tuple(Problem(_("This cell contains a NUL character."), name) for name in with_nul)
    values.update({name: "" for name in with_nul})
    return CsvRow(line=line, values=values, problems=problems)


# Checking rows ---------------------------------------------------------------------------------


@dataclass
class _Lookups:
    """Everything the rows refer to, loaded in a few queries before any row is checked."""

    departments: dict[str, Department]
    teams: dict[tuple[int, str], Team]
    team_names: set[str]
    people: dict[str, Person]
    users: dict[str, int | None]  # lower-cased username -> pk of the person it belongs to


@dataclass
class _PlannedRow:
    row: CsvRow
    email: str
    fields: dict[str, Any] = field(default_factory=dict)
    existing: Person | None = None
    manager_email: str | None = None
    buddy_email: str | None = None
    create_login: bool = False
    problems: list[Problem] = field(default_factory=list)

    def add(self, column: str, message: str) -> None:
        self.problems.append(Problem(message, column))


def _load_lookups(rows: Sequence[CsvRow]) -> _Lookups:
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
    return _Lookups(
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


def _check_row(actor: Person, row: CsvRow, lookups: _Lookups) -> _PlannedRow:
    values = row.values
    email = values.get("email", "").lower()
    planned = _PlannedRow(row=row, email=email, problems=list(row.problems))
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


def _check_text(planned: _PlannedRow, values: Mapping[str, str]) -> None:
    for name in ("full_name", "job_title"):
        if name not in values:
            continue
        value = values[name]
        if name == "full_name" and not value:
            planned.add(name, _("A name is required."))
        elif len(value) > MAX_LENGTHS[name]:
            message = _("At most %(limit)s characters (this has %(length)s).")
            planned.add(name, message % {"limit": MAX_LENGTHS[name], "length": len(value)})
        planned.fields[name] = value


def _check_email(planned: _PlannedRow) -> None:
    if not planned.email:
        planned.add("email", _("An email address is required."))
        return
    if not _is_email(planned.email):
        planned.add(
            "email", _("“%(email)s” is not a valid email address.") % {"email": planned.email}
        )


def _is_email(value: str) -> bool:
    try:
        validate_email(value)
    except ValidationError:
        return False
    return len(value) <= MAX_LENGTHS["email"]


def _check_department(actor: Person, planned: _PlannedRow, lookups: _Lookups) -> Department | None:
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
    planned: _PlannedRow, name: str, department: Department | None, lookups: _Lookups
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


def _check_role(planned: _PlannedRow, value: str) -> None:
    role = _parse_role(value)
    if role is not None:
        planned.fields["role"] = role.value
        return
    roles = ", ".join(Role.values)
    if not value:
        planned.add("role", _("A role is required; use one of: %(roles)s.") % {"roles": roles})
    else:
        message = _("Unknown role “%(role)s”; use one of: %(roles)s.")
        planned.add("role", message % {"role": value, "roles": roles})


def _parse_role(value: str) -> Role | None:
    key = value.strip().lower().replace(" ", "_").replace("-", "_")
    for role in Role:
        if key in (role.value, str(role.label).lower().replace(" ", "_")):
            return role
    return None


def _check_reference(planned: _PlannedRow, column: str, reference: str) -> None:
    if not _is_email(reference):
        planned.add(column, _("“%(email)s” is not a valid email address.") % {"email": reference})
    elif reference == planned.email:
        if column == "buddy_email":
            planned.add(column, _("A person cannot be their own buddy."))
        else:
            planned.add(column, _("A person cannot be their own manager."))


def _parse_date(planned: _PlannedRow, value: str) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.datetime.strptime(value, "%Y-%m-%d").date()  # noqa: DTZ007 (a date only)
    except ValueError:
        message = _("“%(value)s” is not a date; write it as YYYY-MM-DD, e.g. 2025-01-31.")
        planned.add("hire_date", message % {"value": value})
        return None


def _parse_yes_no(planned: _PlannedRow, column: str) -> bool | None:
    value = planned.row.values[column].strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    planned.add(column, _("Write yes or no, not “%(value)s”.") % {"value": value})
    return None


def _check_login(planned: _PlannedRow, lookups: _Lookups) -> None:
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


def _check_against_others(actor: Person, plan: list[_PlannedRow], lookups: _Lookups) -> None:
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


def _check_existing(actor: Person, planned: _PlannedRow, lookups: _Lookups) -> None:
    """Rules that depend on whether the row adds someone new or updates an existing person."""
    existing = lookups.people.get(planned.email)
    planned.existing = existing
    if planned.create_login:
        _check_login(planned, lookups)
    _check_change(actor, planned)


# The CSV column that carries each field a change check may name; "" is the person as a whole,
# whom the row names by email.
CHANGE_COLUMNS = {"": "email", "user": "create_login"}


def _check_change(actor: Person, planned: _PlannedRow) -> None:
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


def _plan(actor: Person, rows: Sequence[CsvRow]) -> tuple[list[_PlannedRow], _Lookups]:
    lookups = _load_lookups(rows)
    plan = [_check_row(actor, row, lookups) for row in rows]
    _check_against_others(actor, plan, lookups)
    return plan, lookups


def _result(plan: list[_PlannedRow], *, columns: tuple[str, ...], committed: bool) -> ImportResult:
    def status(planned: _PlannedRow) -> RowStatus:
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


# Writing ---------------------------------------------------------------------------------------


def import_people(
    *, actor: Person, rows: Sequence[CsvRow], dry_run: bool, columns: tuple[str, ...] = COLUMNS
) -> ImportResult:
    """Check every row and, unless `dry_run` or any row is wrong, add or update them all at once.

    People are matched on their lower-cased email, so importing a file again updates the same
    people. A column missing from the file leaves that field alone on people who already exist;
    a blank cell clears it.
    """
    if not can_somewhere(actor, Action.IMPORT_PEOPLE):
        raise PermissionDenied("You may not import people.")
    if dry_run:
        plan, _lookups = _plan(actor, rows)
        return _result(plan, columns=columns, committed=False)
    try:
        with transaction.atomic():
            plan, lookups = _plan(actor, rows)
            result = _result(plan, columns=columns, committed=True)
            if not result.is_valid:
                return _result(plan, columns=columns, committed=False)
            welcomed = _write(plan, lookups)
            transaction.on_commit(lambda: _send_welcomes(welcomed))
    except IntegrityError:
        logger.warning("People import by %s collided with a concurrent change", actor.pk)
        message = _(
            "Someone changed these people while you were importing. Nothing was imported; "
            "please try again."
        )
        return ImportResult(file_problems=(Problem(message),), columns=columns)
    logger.info(
        "People import by %s: %s new, %s updated",
        actor.pk,
        result.new_count,
        result.update_count,
    )
    return result


def _send_welcomes(person_ids: list[int]) -> None:
    if person_ids:
        send_welcome_emails.enqueue(person_ids)


def _write(plan: list[_PlannedRow], lookups: _Lookups) -> list[int]:
    """Logins first, then new people, then one upsert for everyone still needing a change.

    Returns the people who were given a new login, to be sent a welcome email.

    New people are inserted already linked to logins and to managers and buddies who exist;
    the upsert (INSERT … ON CONFLICT on the primary key, which both SQLite and PostgreSQL run
    as an UPDATE) then writes updates to existing people and links to people new in this file.
    Django's bulk_update would do the same with a CASE per row and field, which is far slower.
    """
    logins = _create_logins(plan)
    new_people = [
        _link(
            Person(email=planned.email, user=logins.get(planned.email), **planned.fields),
            planned,
            lookups.people,
        )
        for planned in plan
        if planned.existing is None
    ]
    Person.objects.bulk_create(new_people, batch_size=BATCH_SIZE)
    by_email = lookups.people | {person.email: person for person in new_people}
    now = timezone.now()
    changed: list[Person] = []
    fields = {"updated_at"}
    for planned in plan:
        person = by_email[planned.email]
        if planned.existing is None and not _names_someone_new(planned, lookups.people):
            continue
        if planned.existing is not None:
            for name, value in planned.fields.items():
                setattr(person, name, value)
            fields.update(planned.fields)
            if planned.email in logins:
                person.user = logins[planned.email]
                fields.add("user")
        _link(person, planned, by_email)
        fields.update(
            name for name in ("manager", "buddy") if getattr(planned, f"{name}_email") is not None
        )
        person.updated_at = now
        changed.append(person)
    if changed:
        Person.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["pk"],
            update_fields=sorted(fields),
            batch_size=BATCH_SIZE,
        )
    return [by_email[email].pk for email in logins]


def _names_someone_new(planned: _PlannedRow, existing: Mapping[str, Person]) -> bool:
    references = (planned.manager_email, planned.buddy_email)
    return any(email and email not in existing for email in references)


def _link(person: Person, planned: _PlannedRow, people: Mapping[str, Person]) -> Person:
    """Point `person` at the manager and buddy their row names, among `people` (by email)."""
    # Ids, not objects: a file where each person names the next would otherwise build a chain
    # of objects thousands deep, which Python cannot free without overflowing its stack.
    if planned.manager_email is not None:
        person.manager_id = _pk_of(people, planned.manager_email)
    if planned.buddy_email is not None:
        person.buddy_id = _pk_of(people, planned.buddy_email)
    return person


def _pk_of(people: Mapping[str, Person], email: str) -> int | None:
    person = people.get(email)
    return person.pk if person is not None else None


def _create_logins(plan: list[_PlannedRow]) -> dict[str, User]:
    """Accounts without a usable password: people set one through the password reset email."""
    user_model: type[User] = get_user_model()
    users = []
    for planned in plan:
        existing = planned.existing
        if not planned.create_login or (existing is not None and existing.user_id is not None):
            continue
        is_active = existing.is_active if existing is not None else True
        user = user_model(username=planned.email, email=planned.email, is_active=is_active)
        user.set_unusable_password()
        users.append(user)
    user_model.objects.bulk_create(users, batch_size=BATCH_SIZE)
    return {user.username: user for user in users}


def preview_import(*, actor: Person, content: bytes) -> ImportResult:
    """Read an uploaded file and say what importing it would do, writing nothing."""
    return _run(actor, content, dry_run=True)


def commit_import(*, actor: Person, content: bytes) -> ImportResult:
    """Import an uploaded file: every row, or none when any row is wrong."""
    return _run(actor, content, dry_run=False)


def _run(actor: Person, content: bytes, *, dry_run: bool) -> ImportResult:
    table = read_csv(content)
    if table.problems:
        if not can_somewhere(actor, Action.IMPORT_PEOPLE):
            raise PermissionDenied("You may not import people.")
        return ImportResult(file_problems=table.problems, columns=table.columns)
    return import_people(actor=actor, rows=table.rows, dry_run=dry_run, columns=table.columns)


def format_help() -> dict[str, Any]:
    """What the upload page says about the file format."""
    return {
        "columns": COLUMN_HELP,
        "required": REQUIRED_COLUMNS,
        "max_rows": settings.GROUNDSWELL_IMPORT_MAX_ROWS,
    }


def template_csv() -> str:
    """A CSV file with the header and two example rows, to fill in."""
    rows: list[tabular.Row] = []
    rows.append(COLUMNS)
    rows.append(
        [
            "Sam Rivera",
            "sam.rivera@example.com",
            "team_lead",
            "Team lead, returns",
            "Customer Service",
            "Returns",
            "",
            "",
            "2021-03-01",
            "yes",
            "yes",
        ]
    )
    rows.append(
        [
            "Priya Shah",
            "priya.shah@example.com",
            "agent",
            "Customer service agent",
            "Customer Service",
            "Returns",
            "sam.rivera@example.com",
            "sam.rivera@example.com",
            "2025-01-15",
            "no",
            "yes",
        ]
    )
    return tabular.write_csv(rows)


# Keeping the file between preview and confirm ---------------------------------------------------


def remember_upload(session: SessionBase, content: bytes) -> str:
    """Keep `content` in the session until it is confirmed; returns its fingerprint."""
    token = hashlib.sha256(content).hexdigest()
    session[SESSION_KEY] = {
        "token": token,
        "data": base64.b64encode(zlib.compress(content)).decode("ascii"),
    }
    return token


def recall_upload(session: SessionBase, token: str) -> bytes | None:
    """The file kept under `token`, or None when it has gone or another file replaced it."""
    stored = session.get(SESSION_KEY)
    if not isinstance(stored, dict) or not hmac.compare_digest(str(stored["token"]), token):
        return None
    return zlib.decompress(base64.b64decode(stored["data"]))


def forget_upload(session: SessionBase) -> None:
    session.pop(SESSION_KEY, None)
