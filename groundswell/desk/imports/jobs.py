"""The import page's flow, and the API's one call: check, keep, confirm, run.

The uploaded file is kept as a `core.Upload` (a file with an id, owned by the importer)
between the preview and the background run, which deletes it once done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.imports import uploads
from groundswell.desk.choices import ImportStatus
from groundswell.desk.import_presets import FIELDS, PRESETS
from groundswell.desk.imports.checks import MAX_ROWS, Plan, check_file, check_rows, read_file
from groundswell.desk.imports.staged import import_staged
from groundswell.desk.imports.writers import Outcome, commit_plan
from groundswell.desk.models import ImportJob
from groundswell.people.models import Person, Team


def import_file(
    *,
    actor: Person,
    content: bytes,
    filename: str = "",
    preset: str = "groundswell",
    source: str = "",
    default_team: Team | None = None,
    skip_bad_rows: bool = False,
    progress: Callable[[int], None] | None = None,
    staged: bool = True,
) -> Outcome:
    """Check a file and import it: all rows or none, or only the good ones if `skip_bad_rows`.

    A clean file is checked and written set-wise (staged.py); any other takes the row-by-row
    path, which reports every problem.
    """
    read = read_file(
        actor=actor,
        content=content,
        filename=filename,
        preset=preset,
        source=source,
        default_team=default_team,
    )
    if staged and (outcome := import_staged(actor, read)) is not None:
        return outcome
    plan = check_rows(read)
    return commit_plan(actor, plan, skip_bad_rows=skip_bad_rows, progress=progress)


def report_csv(plan: Plan) -> str:
    """Every problem found, one per line: the line of the file, the column and what is wrong."""
    return plan.csv()


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
    upload = uploads.store(content, owner=uploads.owner_key(actor), name=filename)
    job = ImportJob.objects.create(
        created_by=actor,
        filename=filename[:255],
        upload=upload,
        preset=preset,
        source=plan.source,
        default_team=default_team,
        skip_bad_rows=skip_bad_rows,
        total=plan.total,
        # Until the import runs, the counts say what it would do.
        created_count=plan.new_count,
        updated_count=plan.update_count,
        error_count=plan.bad_lines,
        report=plan.csv() if not plan.is_clean else "",
    )
    return job, plan


def start_job(*, actor: Person, job: ImportJob) -> ImportJob:
    """Queue a previewed import to run in the background."""
    from groundswell.desk.tasks import run_import_job

    if job.created_by_id != actor.pk:
        raise PermissionDenied(_("Only the person who uploaded a file may import it."))
    if job.upload_id is None:
        raise ValidationError(_("This preview has expired. Please upload the file again."))
    updated = ImportJob.objects.filter(pk=job.pk, status=ImportStatus.PREVIEWED).update(
        status=ImportStatus.QUEUED
    )
    if not updated:
        raise ValidationError(_("This import has already been started."))
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    job.refresh_from_db()
    return job


def _content(job: ImportJob) -> bytes | None:
    """The file the job previewed, or None when it is gone (purged, or never kept)."""
    if job.upload_id is None:
        return None
    try:
        upload = uploads.fetch(job.upload_id, owner=uploads.owner_key(job.created_by))
        return uploads.read(upload)
    except uploads.UploadGone:
        return None


def run_job(job_id: int) -> ImportJob:
    """Check and write a queued import, recording its progress as it goes."""
    job = ImportJob.objects.select_related("created_by", "default_team").get(pk=job_id)
    if job.status != ImportStatus.QUEUED:
        return job
    ImportJob.objects.filter(pk=job.pk).update(status=ImportStatus.RUNNING)

    def checked(count: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(checked=count)

    content = _content(job)
    if content is None:
        plan = Plan(source=job.source)
        plan.add_file_problem(_("The uploaded file is no longer kept. Please upload it again."))
    else:
        plan = check_file(
            actor=job.created_by,
            content=content,
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
    job.report = plan.csv() if not plan.is_clean else ""
    job.message = "" if outcome.committed else _("Nothing was imported.")
    job.finished_at = timezone.now()
    kept = job.upload
    job.upload = None
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
            "upload",
            "finished_at",
        ]
    )
    if kept is not None:
        uploads.discard(kept)  # imported or refused, the file is not needed any more
    return job


def format_help() -> dict[str, Any]:
    """What the upload page says about the presets."""
    return {"presets": list(PRESETS.values()), "fields": FIELDS, "max_rows": MAX_ROWS}


def problem_list(plan: Plan) -> list[dict[str, Any]]:
    """Every problem as `{line, column, message}`; problems with the whole file have no line."""
    return plan.as_dicts()


def problems_as_errors(plan: Plan, *, limit: int = 100) -> dict[str, list[str]]:
    """The first problems keyed by "line N: column", as the API's ValidationError carries them."""
    return plan.as_api_errors(limit=limit)
