"""Background work of the service desk."""

from django.tasks import task

from groundswell.desk import imports


@task()
def run_import_job(job_id: int) -> int:
    """Import a confirmed file of interactions; returns how many rows were written."""
    return imports.run_job(job_id).written
