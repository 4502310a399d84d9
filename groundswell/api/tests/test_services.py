import datetime
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from groundswell.api.choices import ApiKeyScope
from groundswell.api.models import ApiKey
from groundswell.api.services import authenticate_api_key, create_api_key, revoke_api_key
from groundswell.people.choices import Role


def test_new_key_secret_is_returned_once_and_only_its_hash_is_stored(admin):
    created = create_api_key(actor=admin, name="Helpdesk sync", scope=ApiKeyScope.READ)

    stored = ApiKey.objects.get()
    assert created.secret.startswith(f"gsk_{stored.prefix}_")
    assert len(created.secret) > 40  # 32 random bytes after the prefix: 256 bits
    assert stored.key_hash == hashlib.sha256(created.secret.encode()).hexdigest()
    assert created.secret not in {stored.name, stored.prefix, stored.key_hash}
    assert stored.created_by == admin
    assert stored.scope == ApiKeyScope.READ


def test_each_key_gets_its_own_prefix_and_secret(admin):
    first = create_api_key(actor=admin, name="One", scope=ApiKeyScope.READ)
    second = create_api_key(actor=admin, name="Two", scope=ApiKeyScope.READ)

    assert first.api_key.prefix != second.api_key.prefix
    assert first.secret != second.secret


@pytest.mark.parametrize("role", ["agent", "team_lead", "manager", "executive"])
def test_only_administrators_create_keys(role, org):
    with pytest.raises(PermissionDenied):
        create_api_key(actor=org[role], name="Sneaky", scope=ApiKeyScope.READ_WRITE)

    assert not ApiKey.objects.exists()


def test_a_key_needs_a_name_and_a_known_scope(admin):
    with pytest.raises(ValidationError) as blank:
        create_api_key(actor=admin, name="   ", scope=ApiKeyScope.READ)
    with pytest.raises(ValidationError) as unknown:
        create_api_key(actor=admin, name="Sync", scope="everything")

    assert "name" in blank.value.message_dict
    assert "scope" in unknown.value.message_dict


def test_secret_authenticates_its_key(admin):
    created = create_api_key(actor=admin, name="Sync", scope=ApiKeyScope.READ)

    assert authenticate_api_key(created.secret) == created.api_key


@pytest.mark.parametrize(
    "mangle",
    [
        lambda secret: secret[:-1] + ("A" if secret[-1] != "A" else "B"),
        lambda secret: secret.replace("gsk_", "xyz_"),
        lambda secret: secret.split("_")[0] + "_" + secret.split("_")[1],
        lambda secret: "",
        lambda secret: "gsk___",
        lambda secret: "not a key at all",
    ],
)
def test_anything_but_the_exact_secret_is_refused(mangle, admin):
    created = create_api_key(actor=admin, name="Sync", scope=ApiKeyScope.READ)

    assert authenticate_api_key(mangle(created.secret)) is None


def test_revoked_key_stops_working_and_keeps_its_first_revocation_time(admin):
    created = create_api_key(actor=admin, name="Sync", scope=ApiKeyScope.READ)

    revoke_api_key(actor=admin, api_key=created.api_key)
    first = created.api_key.revoked_at
    revoke_api_key(actor=admin, api_key=created.api_key)

    assert authenticate_api_key(created.secret) is None
    created.api_key.refresh_from_db()
    assert created.api_key.revoked_at == first is not None


def test_only_administrators_revoke_keys(admin, manager):
    created = create_api_key(actor=admin, name="Sync", scope=ApiKeyScope.READ)

    with pytest.raises(PermissionDenied):
        revoke_api_key(actor=manager, api_key=created.api_key)

    assert authenticate_api_key(created.secret) is not None


def test_key_stops_working_when_its_creator_leaves_or_stops_being_admin(admin, executive):
    created = create_api_key(actor=admin, name="Sync", scope=ApiKeyScope.READ)

    admin.role = Role.MANAGER
    admin.save(update_fields=["role"])
    assert authenticate_api_key(created.secret) is None

    admin.role = Role.ADMIN
    admin.is_active = False
    admin.save(update_fields=["role", "is_active"])
    assert authenticate_api_key(created.secret) is None

    admin.is_active = True
    admin.save(update_fields=["is_active"])
    assert authenticate_api_key(created.secret) is not None


def test_last_use_is_recorded_at_most_once_a_minute(admin):
    created = create_api_key(actor=admin, name="Sync", scope=ApiKeyScope.READ)
    assert created.api_key.last_used_at is None

    authenticate_api_key(created.secret)
    created.api_key.refresh_from_db()
    first_use = created.api_key.last_used_at
    assert first_use is not None

    authenticate_api_key(created.secret)
    created.api_key.refresh_from_db()
    assert created.api_key.last_used_at == first_use

    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    ApiKey.objects.filter(pk=created.api_key.pk).update(last_used_at=an_hour_ago)
    authenticate_api_key(created.secret)
    created.api_key.refresh_from_db()
    assert created.api_key.last_used_at > an_hour_ago
