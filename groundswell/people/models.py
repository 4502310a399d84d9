from __future__ import annotations

import zoneinfo
from functools import cache
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groundswell.people.choices import Role

if TYPE_CHECKING:
    from django.db.models import Q

    from groundswell.people.permissions import Action


class DepartmentQuerySet(models.QuerySet["Department"]):
    """Composable filters for departments."""

    def visible_to(self, person: Person, action: Action | None = None) -> DepartmentQuerySet:
        """Departments where `person` may do `action` (by default, read the directory): their
        departments in scope, and those holding a team in scope."""
        from groundswell.people.permissions import (
            Action,
            can_everywhere,
            departments_in_scope,
            teams_in_scope,
        )

        chosen = action or Action.VIEW_DIRECTORY
        if can_everywhere(person, chosen):
            return self.all()
        return self.filter(
            models.Q(pk__in=teams_in_scope(person, chosen).values("department"))
            | models.Q(pk__in=departments_in_scope(person, chosen) or [])
        )


class Department(models.Model):
    """A part of the organisation (Customer Service, Billing, IT…) that owns teams."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    description = models.TextField(_("description"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DepartmentQuerySet.as_manager()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:department-detail", kwargs={"slug": self.slug})


class TeamQuerySet(models.QuerySet["Team"]):
    """Composable filters for teams."""

    def visible_to(self, person: Person, action: Action | None = None) -> TeamQuerySet:
        """Teams in which `person` may do `action` (by default, read the directory)."""
        from groundswell.people.permissions import Action, teams_in_scope

        return self & teams_in_scope(person, action or Action.VIEW_DIRECTORY)


@cache
def _time_zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def validate_time_zone(value: str) -> None:
    """An IANA time zone name, such as Europe/Lisbon or America/Chicago."""
    if value and value not in _time_zone_names():
        raise ValidationError(
            _("“%(value)s” is not a time zone; use a name such as Europe/Lisbon."),
            params={"value": value},
        )


class Team(models.Model):
    """A group of people inside a department, usually with one team lead."""

    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="teams", verbose_name=_("department")
    )
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    lead = models.ForeignKey(
        "Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="led_teams",
        verbose_name=_("team lead"),
    )
    # Where the team works, for what happens at its day's start (the huddle digest); empty:
    # the site's TIME_ZONE.
    time_zone = models.CharField(
        _("time zone"), max_length=64, blank=True, validators=[validate_time_zone]
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="team_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("people:team-detail", kwargs={"slug": self.slug})

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        """The team's time zone, or the site's."""
        return zoneinfo.ZoneInfo(self.time_zone or settings.TIME_ZONE)


class PersonQuerySet(models.QuerySet["Person"]):
    """Composable filters for people."""

    def active(self) -> PersonQuerySet:
        return self.filter(is_active=True)

    def search(self, text: str) -> PersonQuerySet:
        """People whose name, email or job title contains every word of `text`."""
        for word in text.split():
            condition: Q = (
                models.Q(full_name__icontains=word)
                | models.Q(email__icontains=word)
                | models.Q(job_title__icontains=word)
            )
            self = self.filter(condition)
        return self

    def visible_to(self, viewer: Person) -> PersonQuerySet:
        """The directory as `viewer` sees it: active colleagues, plus former staff they manage."""
        from groundswell.people.permissions import (
            Action,
            can_everywhere,
            can_somewhere,
            teams_in_scope,
        )

        if not can_somewhere(viewer, Action.VIEW_DIRECTORY):
            return self.none()
        if can_everywhere(viewer, Action.CHANGE_PERSON):
            return self.all()
        return self.filter(
            models.Q(is_active=True)
            | models.Q(team__in=teams_in_scope(viewer, Action.CHANGE_PERSON))
        )


class Person(models.Model):
    """An employee of the organisation, with or without a login."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="person",
    )
    full_name = models.CharField(_("full name"), max_length=150)
    email = models.EmailField(_("email"), max_length=254)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.AGENT)
    job_title = models.CharField(_("job title"), max_length=120, blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="people", verbose_name=_("department")
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("team"),
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("manager"),
    )
    buddy = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="buddy_of",
        verbose_name=_("buddy"),
        help_text=_("The colleague who guides this person through their first months."),
    )
    is_champion = models.BooleanField(
        _("service champion"),
        default=False,
        help_text=_("Champions carry the service culture in their team."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    # The readiness gate (learning): a new hire is held back from live customers until their
    # onboarding is signed off; a manager may clear them for a while before that. Desk reads
    # these two fields on the handler row it loads anyway, so the check costs no query.
    on_readiness_hold = models.BooleanField(
        _("not yet ready for live customers"),
        default=False,
        help_text=_("Set while onboarding is not signed off."),
    )
    readiness_override_until = models.DateField(
        _("cleared for live customers until"), null=True, blank=True
    )
    hire_date = models.DateField(_("hire date"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        ordering = ["full_name", "pk"]
        verbose_name_plural = "people"
        constraints = [
            models.UniqueConstraint(Lower("email"), name="person_unique_email"),
            models.CheckConstraint(
                condition=~models.Q(buddy=models.F("pk")), name="person_not_own_buddy"
            ),
        ]
        indexes = [
            models.Index(fields=["role", "is_active"], name="person_role_active"),
            # The directory's order: its first page reads 50 entries of this, whatever the size.
            models.Index(fields=["full_name", "id"], name="person_name_order"),
        ]

    def __str__(self) -> str:
        return self.full_name

    def get_absolute_url(self) -> str:
        return reverse("people:person-detail", kwargs={"pk": self.pk})

    @property
    def role_label(self) -> str:
        return str(Role(self.role).label)
