"""The base's own tables: what the scheduler has enqueued, files waiting to be imported."""

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class ScheduledRun(models.Model):
    """One period of a periodic job, claimed by the scheduler that enqueued its task."""

    job = models.CharField(_("job"), max_length=100)
    period_start = models.DateTimeField(_("period start"))
    enqueued_at = models.DateTimeField(_("enqueued at"), auto_now_add=True)
    task_id = models.CharField(_("task id"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("scheduled run")
        verbose_name_plural = _("scheduled runs")
        constraints = [
            # The claim: a second scheduler's insert for the same period fails.
            models.UniqueConstraint(fields=["job", "period_start"], name="core_one_run_per_period")
        ]

    def __str__(self) -> str:
        return f"{self.job} @ {self.period_start:%Y-%m-%d %H:%M}"


class Upload(models.Model):
    """A file uploaded for an import, kept between its preview and its import.

    The bytes live in the default storage (under MEDIA_ROOT/uploads/, named by the id, never
    by the uploader's file name); the preview and the confirmation refer to the id, and only
    the owner may use it (`core.imports.uploads`). `owner` is a key the app chooses, such as
    "person:12", so the base names no app's model. Old uploads are deleted by
    `purge_expired_records` after GROUNDSWELL_UPLOAD_RETENTION_HOURS.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    owner = models.CharField(_("owner"), max_length=100, db_index=True)
    name = models.CharField(_("original file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size in bytes"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    file = models.FileField(_("file"), upload_to="uploads/", max_length=200)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("upload")
        verbose_name_plural = _("uploads")

    def __str__(self) -> str:
        return self.name
