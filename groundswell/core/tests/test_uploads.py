"""Files kept between an import's preview and its confirmation (core.Upload).

Issue 11 item 4: uploads are files with an id, usable only by their owner, purged daily.
"""

import datetime
import hashlib
import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.utils import timezone

from groundswell.core.imports import uploads
from groundswell.core.lib.retention import purge_expired_records
from groundswell.core.models import Upload

pytestmark = pytest.mark.django_db

CONTENT = b"full_name,email\r\nAna,ana@example.test\r\n"


def test_an_upload_is_stored_as_a_file_named_by_its_id():
    upload = uploads.store(CONTENT, owner="people.person:1", name="../../etc/people.csv")

    assert upload.name == "../../etc/people.csv"
    assert upload.size == len(CONTENT)
    assert upload.sha256 == hashlib.sha256(CONTENT).hexdigest()
    assert upload.file.name == f"uploads/{upload.pk}.bin"
    assert default_storage.exists(upload.file.name)
    assert uploads.read(uploads.fetch(str(upload.pk), owner="people.person:1")) == CONTENT


def test_only_the_owner_may_use_an_upload():
    upload = uploads.store(CONTENT, owner="people.person:1", name="people.csv")

    with pytest.raises(PermissionDenied):
        uploads.fetch(upload.pk, owner="people.person:2")


@pytest.mark.parametrize("upload_id", ["not-a-uuid", "00000000-0000-0000-0000-000000000000"])
def test_an_unknown_id_is_gone(upload_id):
    with pytest.raises(uploads.UploadGone):
        uploads.fetch(upload_id, owner="people.person:1")


def test_a_changed_file_is_not_read():
    upload = uploads.store(CONTENT, owner="people.person:1", name="people.csv")
    default_storage.delete(upload.file.name)
    default_storage.save(upload.file.name, io.BytesIO(b"tampered"))

    with pytest.raises(uploads.UploadGone):
        uploads.read(upload)


def test_discarding_deletes_the_file_too():
    upload = uploads.store(CONTENT, owner="people.person:1", name="people.csv")
    name = upload.file.name

    uploads.discard(upload)

    assert not Upload.objects.exists()
    assert not default_storage.exists(name)


def test_the_daily_purge_deletes_uploads_past_retention(settings):
    settings.GROUNDSWELL_UPLOAD_RETENTION_HOURS = 24
    old = uploads.store(CONTENT, owner="people.person:1", name="old.csv")
    fresh = uploads.store(CONTENT, owner="people.person:1", name="fresh.csv")
    Upload.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - datetime.timedelta(hours=25)
    )

    counts = purge_expired_records()

    assert counts["uploads"] == 1
    assert list(Upload.objects.values_list("pk", flat=True)) == [fresh.pk]
    assert not default_storage.exists(old.file.name)
    assert default_storage.exists(fresh.file.name)


def test_the_owner_key_names_the_model_and_id(admin):
    assert uploads.owner_key(admin) == f"people.person:{admin.pk}"
