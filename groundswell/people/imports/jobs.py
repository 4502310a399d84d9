"""The people import's flow: upload and preview, then confirm; and the template to fill in.

The preview runs `import_people(dry_run=True)`; the confirmation runs it again with
`dry_run=False` inside one transaction, re-checking every row against the database as it is
then, so nothing is ever half-imported. Between the two steps the uploaded bytes wait as a
`core.Upload` (a file with an id, owned by the importer): the confirm form carries only the
id, so the file imported is exactly the file previewed, and nobody else can import it.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied

from groundswell.core.imports import uploads
from groundswell.core.lib import tabular
from groundswell.core.models import Upload
from groundswell.people.imports.checks import (
    COLUMN_HELP,
    COLUMNS,
    REQUIRED_COLUMNS,
    ImportResult,
    read_file,
)
from groundswell.people.imports.writers import import_people
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, can, can_somewhere


def preview_import(*, actor: Person, content: bytes, filename: str = "") -> ImportResult:
    """Read an uploaded file and say what importing it would do, writing nothing."""
    return _run(actor, content, filename, dry_run=True)


def commit_import(*, actor: Person, content: bytes, filename: str = "") -> ImportResult:
    """Import an uploaded file: every row, or none when any row is wrong."""
    return _run(actor, content, filename, dry_run=False)


def _run(actor: Person, content: bytes, filename: str, *, dry_run: bool) -> ImportResult:
    table = read_file(content, filename)
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


# The template ----------------------------------------------------------------------------------


def template_csv(actor: Person) -> str:
    """A CSV file with the header and two example rows, to fill in.

    The examples name a department `actor` may import into and one of its teams, so the file
    imports as it is into the viewer's own organisation; their emails are not anyone's yet.
    """
    department, team = _example_place(actor)
    lead, colleague = _unused_emails("sam.rivera", "priya.shah")
    team_name = team.name if team is not None else ""
    rows: list[tabular.Row] = [
        COLUMNS,
        [
            "Sam Rivera",
            lead,
            "team_lead",
            f"Team lead, {team_name}" if team_name else "Team lead",
            department.name if department is not None else "",
            team_name,
            "",
            "",
            "2021-03-01",
            "yes",
            "yes",
        ],
        [
            "Priya Shah",
            colleague,
            "agent",
            "Customer service agent",
            department.name if department is not None else "",
            team_name,
            lead,
            lead,
            "2025-01-15",
            "no",
            "yes",
        ],
    ]
    return tabular.write_csv(rows)


def _example_place(actor: Person) -> tuple[Department | None, Team | None]:
    """The first department (by name) `actor` may import into, preferring one with a team."""
    departments = [
        department
        for department in Department.objects.order_by("name")
        if can(actor, Action.IMPORT_PEOPLE, department)
    ]
    teams = Team.objects.filter(department__in=departments).order_by("name")
    first_team: dict[int, Team] = {}
    for team in teams:
        first_team.setdefault(team.department_id, team)
    for department in departments:
        if department.pk in first_team:
            return department, first_team[department.pk]
    return (departments[0] if departments else None), None


def _unused_emails(*names: str) -> list[str]:
    """An example.com address for each name that no one in Groundswell has yet."""
    taken = {
        email.lower()
        for email in Person.objects.filter(email__iendswith="@example.com").values_list(
            "email", flat=True
        )
    }
    found = []
    for name in names:
        email, number = f"{name}@example.com", 1
        while email in taken:
            number += 1
            email = f"{name}{number}@example.com"
        found.append(email)
    return found


# Keeping the file between preview and confirm ---------------------------------------------------


def keep_upload(actor: Person, content: bytes, name: str) -> Upload:
    """Keep `content` until the importer confirms; the confirmation names the upload's id."""
    return uploads.store(content, owner=uploads.owner_key(actor), name=name)


def recall_upload(actor: Person, upload_id: uuid.UUID | str) -> tuple[bytes, str] | None:
    """The bytes and file name kept under `upload_id`, or None when they are gone.

    PermissionDenied when someone else uploaded them.
    """
    try:
        upload = uploads.fetch(upload_id, owner=uploads.owner_key(actor))
        return uploads.read(upload), upload.name
    except uploads.UploadGone:
        return None


def forget_upload(actor: Person, upload_id: uuid.UUID | str) -> None:
    """Delete the kept file once it has been imported."""
    try:
        uploads.discard(uploads.fetch(upload_id, owner=uploads.owner_key(actor)))
    except uploads.UploadGone:
        return
