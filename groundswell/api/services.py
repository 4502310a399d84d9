"""Writes about API keys: creating, revoking, and recording their use."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from groundswell.api.choices import ApiKeyScope
from groundswell.api.models import ApiKey
from groundswell.core.lib.prepared import PreparedLookup
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can_everywhere

KEY_MARKER = "gsk"
# Recording every request's time would turn each read into a write; once a minute is enough
# to tell an administrator whether a key is still in use.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)


@dataclass(frozen=True)
class NewApiKey:
    """A key just created, with the only copy of its secret that will ever exist."""

    api_key: ApiKey
    secret: str


def hash_secret(secret: str) -> str:
    """The SHA-256 digest stored in place of the secret (it has 256 random bits, so no salt)."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _new_prefix() -> str:
    while True:
        prefix = secrets.token_hex(4)
        if not ApiKey.objects.filter(prefix=prefix).exists():
            return prefix


@transaction.atomic
def create_api_key(*, actor: Person, name: str, scope: ApiKeyScope | str) -> NewApiKey:
    """Create a key for an integration; the plain secret is returned once and never stored."""
    if not can_everywhere(actor, Action.MANAGE_API_KEYS):
        raise PermissionDenied("Only administrators create API keys.")
    prefix = _new_prefix()
    secret = f"{KEY_MARKER}_{prefix}_{secrets.token_urlsafe(32)}"
    api_key = ApiKey(
        name=name.strip(),
        prefix=prefix,
        key_hash=hash_secret(secret),
        scope=scope,
        created_by=actor,
    )
    api_key.full_clean()
    api_key.save()
    return NewApiKey(api_key=api_key, secret=secret)


@transaction.atomic
def revoke_api_key(*, actor: Person, api_key: ApiKey) -> ApiKey:
    """Stop a key from working, for good; revoking twice keeps the first time."""
    if not can_everywhere(actor, Action.MANAGE_API_KEYS):
        raise PermissionDenied("Only administrators revoke API keys.")
    if api_key.revoked_at is None:
        api_key.revoked_at = timezone.now()
        api_key.save(update_fields=["revoked_at"])
    return api_key


# Every API request starts here, so the lookup is compiled once per connection.
_KEY_BY_PREFIX = PreparedLookup(
    ApiKey,
    lambda prefix: ApiKey.objects.unrevoked().filter(prefix=prefix),
    fields=("name", "prefix", "key_hash", "scope", "created_by_id", "last_used_at", "revoked_at"),
    # What permission checks read; anything else about the person loads when first used.
    related={
        "created_by": ("full_name", "email", "role", "department_id", "team_id", "is_active"),
    },
)


def authenticate_api_key(secret: str) -> ApiKey | None:
    """The working key matching `secret`, with its creator loaded; None if there is none.

    A key works while it is unrevoked and its creator is still an active administrator.
    Its last use is recorded at most once a minute.
    """
    marker, _, rest = secret.partition("_")
    prefix, _, token = rest.partition("_")
    if marker != KEY_MARKER or not prefix or not token:
        return None
    api_key = _KEY_BY_PREFIX.get(prefix)
    if api_key is None or not hmac.compare_digest(api_key.key_hash, hash_secret(secret)):
        return None
    if not can_everywhere(api_key.created_by, Action.MANAGE_API_KEYS):
        return None
    now = timezone.now()
    if api_key.last_used_at is None or now - api_key.last_used_at >= LAST_USED_RESOLUTION:
        api_key.last_used_at = now
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
    return api_key
