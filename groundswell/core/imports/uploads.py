"""Files kept between an import's preview and its confirmation, as `core.Upload` rows.

The preview stores the bytes once and hands out the upload's id; the confirmation reads the
same bytes back by that id, so the file imported is exactly the file previewed and nothing
the browser sends can change it. Only the owner may read an upload: anyone else is refused,
whether or not they guess an id. The daily purge deletes uploads past retention, their files
with them.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.models import Upload


class UploadGone(Exception):
    """The upload does not exist (any more): it was imported, purged, or never made."""


def store(content: bytes, *, owner: str, name: str) -> Upload:
    """Keep `content` for `owner`; returns the upload, whose id the next step names."""
    upload = Upload(
        id=uuid.uuid4(),
        owner=owner,
        name=name[:255],
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )
    upload.file.save(f"{upload.id}.bin", ContentFile(content), save=False)
    upload.save()
    return upload


def fetch(upload_id: uuid.UUID | str, *, owner: str) -> Upload:
    """The upload with this id, when `owner` made it.

    UploadGone when there is none (or the id is malformed); PermissionDenied when someone
    else made it.
    """
    try:
        upload = Upload.objects.get(pk=uuid.UUID(str(upload_id)))
    except (ValueError, Upload.DoesNotExist):
        raise UploadGone(upload_id) from None
    if upload.owner != owner:
        raise PermissionDenied(_("Only the person who uploaded a file may use it."))
    return upload


def read(upload: Upload) -> bytes:
    """The bytes stored, checked against the fingerprint taken when they were uploaded."""
    try:
        with upload.file.open("rb") as handle:
            content = bytes(handle.read())
    except FileNotFoundError:
        raise UploadGone(upload.pk) from None
    if hashlib.sha256(content).hexdigest() != upload.sha256:
        raise UploadGone(upload.pk)
    return content


def discard(upload: Upload) -> None:
    """Delete the upload and its file."""
    upload.file.delete(save=False)
    upload.delete()


def retention() -> datetime.timedelta:
    return datetime.timedelta(hours=settings.GROUNDSWELL_UPLOAD_RETENTION_HOURS)


def purge(*, now: datetime.datetime | None = None) -> int:
    """Delete the uploads older than retention, with their files; returns how many."""
    cutoff = (now or timezone.now()) - retention()
    count = 0
    for upload in Upload.objects.filter(created_at__lt=cutoff).iterator():
        discard(upload)
        count += 1
    return count


def owner_key(owner: models.Model) -> str:
    """The owner key of an upload made by `owner`, e.g. "people.person:12"."""
    return f"{owner._meta.label_lower}:{owner.pk}"
