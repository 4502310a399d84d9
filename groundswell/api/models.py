from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from groundswell.api.choices import ApiKeyScope
from groundswell.people.permissions import Action, can_everywhere

if TYPE_CHECKING:
    from groundswell.people.models import Person


class ApiKeyQuerySet(models.QuerySet["ApiKey"]):
    """Composable filters for API keys."""

    def unrevoked(self) -> ApiKeyQuerySet:
        return self.filter(revoked_at__isnull=True)

    def visible_to(self, person: Person) -> ApiKeyQuerySet:
        """Every key for who manages API keys (administrators); none for anyone else."""
        return self.all() if can_everywhere(person, Action.MANAGE_API_KEYS) else self.none()


class ApiKey(models.Model):
    """A secret an integration sends as `Authorization: Bearer`; only its hash is stored.

    The key acts with the permissions of the administrator who created it, narrowed by
    its scope, and stops working when that person leaves the admin role.
    """

    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What uses this key, so you know which one to revoke (e.g. “Helpdesk sync”)."),
    )
    prefix = models.CharField(_("prefix"), max_length=16, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    scope = models.CharField(
        _("scope"), max_length=20, choices=ApiKeyScope.choices, default=ApiKeyScope.READ
    )
    created_by = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        related_name="api_keys",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("API key")
        verbose_name_plural = _("API keys")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix})"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None
