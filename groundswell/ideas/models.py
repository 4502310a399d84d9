"""The open door: ideas, issues and policy friction from anyone, and the policy registry.

Anonymity is built into the rows: an anonymous submission keeps no person, user, address or
session, its times are cut to the day, and rows get random ids so their order of creation
cannot be matched with anything else.
"""

from __future__ import annotations

import datetime
import uuid

from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groundswell.ideas.choices import OPEN_STATUSES, IdeaCategory, IdeaKind, IdeaStatus
from groundswell.people.models import Department, Person
from groundswell.people.permissions import Action, can_everywhere

MAX_TITLE_LENGTH = 200
MAX_BODY_LENGTH = 5000
# A TextField's max_length only reaches forms; this makes full_clean() hold to it as well.
LONG_TEXT = MaxLengthValidator(MAX_BODY_LENGTH)


class PolicyQuerySet(models.QuerySet["Policy"]):
    """Composable filters for policies."""

    def past_review(self, today: datetime.date) -> PolicyQuerySet:
        return self.filter(review_by__lt=today)

    def visible_to(self, person: Person) -> PolicyQuerySet:
        """The whole registry for everyone who uses the open door; nothing for anyone else."""
        return self.all() if can_everywhere(person, Action.USE_OPEN_DOOR) else self.none()


class Policy(models.Model):
    """A rule people work by: its owner, what staff may decide alone, and when to review it."""

    name = models.CharField(_("name"), max_length=150, unique=True)
    owner = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        related_name="owned_policies",
        verbose_name=_("owner"),
    )
    summary = models.TextField(_("summary"), max_length=MAX_BODY_LENGTH, validators=[LONG_TEXT])
    empowerment = models.TextField(
        _("empowerment"),
        max_length=MAX_BODY_LENGTH,
        validators=[LONG_TEXT],
        blank=True,
        help_text=_("What anyone may decide under this policy without asking for approval."),
    )
    limit_amount = models.DecimalField(
        _("limit amount"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    currency = models.CharField(_("currency"), max_length=3, blank=True)
    review_by = models.DateField(_("review by"))
    last_reviewed_on = models.DateField(_("last reviewed on"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(limit_amount__isnull=True) | models.Q(limit_amount__gte=0),
                name="policy_limit_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(limit_amount__isnull=True) | ~models.Q(currency=""),
                name="policy_limit_has_currency",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("ideas:policy-detail", kwargs={"pk": self.pk})

    def is_past_review(self, today: datetime.date | None = None) -> bool:
        return self.review_by < (today or timezone.localdate())


class RoutingRule(models.Model):
    """Who owns submissions of a category about a department; blank matches any."""

    category = models.CharField(
        _("category"), max_length=30, choices=IdeaCategory.choices, blank=True
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="idea_routing_rules",
        verbose_name=_("department"),
    )
    owner = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="idea_routing_rules", verbose_name=_("owner")
    )

    class Meta:
        ordering = ["department__name", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["category", "department"],
                condition=models.Q(department__isnull=False),
                name="routing_rule_unique",
            ),
            models.UniqueConstraint(
                fields=["category"],
                condition=models.Q(department__isnull=True),
                name="routing_rule_unique_any_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display() or '*'} / {self.department or '*'} → {self.owner}"


class IdeaQuerySet(models.QuerySet["Idea"]):
    """Composable filters for submissions."""

    def open(self) -> IdeaQuerySet:
        return self.filter(status__in=OPEN_STATUSES)

    def overdue(self, today: datetime.date) -> IdeaQuerySet:
        """Not acknowledged by their deadline."""
        return self.filter(status=IdeaStatus.NEW, acknowledge_by__lt=today)

    def visible_to(self, person: Person) -> IdeaQuerySet:
        """Every submission for everyone who uses the open door (it is read in the open)."""
        return self.all() if can_everywhere(person, Action.USE_OPEN_DOOR) else self.none()


class Idea(models.Model):
    """Something an employee raised: an idea, an issue, a weakness or friction with a policy."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(_("kind"), max_length=20, choices=IdeaKind.choices)
    title = models.CharField(_("title"), max_length=MAX_TITLE_LENGTH)
    body = models.TextField(_("details"), max_length=MAX_BODY_LENGTH, validators=[LONG_TEXT])
    category = models.CharField(_("category"), max_length=30, choices=IdeaCategory.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("department it concerns"),
    )
    policy = models.ForeignKey(
        Policy,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="friction_reports",
        verbose_name=_("policy"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=IdeaStatus.choices, default=IdeaStatus.NEW
    )
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_ideas",
        verbose_name=_("owner"),
    )
    acknowledge_by = models.DateField(_("acknowledge by"))
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True, validators=[LONG_TEXT])
    outcome = models.TextField(_("what changed"), blank=True, validators=[LONG_TEXT])
    is_anonymous = models.BooleanField(_("anonymous"), default=False)
    # NULL whenever the submission is anonymous: nothing else stands in for the person.
    submitted_by = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="submitted_ideas",
        verbose_name=_("submitted by"),
    )
    follow_up_code_hash = models.CharField(max_length=64, unique=True, null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))  # the day only, when anonymous
    reminded_at = models.DateTimeField(null=True, blank=True)

    objects = IdeaQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(is_anonymous=False)
                | models.Q(submitted_by__isnull=True, follow_up_code_hash__isnull=False),
                name="idea_anonymous_has_no_submitter",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind=IdeaKind.POLICY_FRICTION) | models.Q(policy__isnull=False),
                name="idea_friction_names_a_policy",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "acknowledge_by"], name="idea_status_deadline"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:idea-detail", kwargs={"pk": self.pk})

    def is_overdue(self, today: datetime.date | None = None) -> bool:
        return self.status == IdeaStatus.NEW and self.acknowledge_by < (
            today or timezone.localdate()
        )


class Comment(models.Model):
    """One message in a submission's thread: from a person, or from its anonymous submitter."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="comments")
    position = models.PositiveIntegerField()
    author = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="idea_comments",
    )
    is_from_submitter = models.BooleanField(default=False)
    body = models.TextField(_("reply"), max_length=MAX_BODY_LENGTH, validators=[LONG_TEXT])
    created_at = models.DateTimeField()  # the day only, when from an anonymous submitter

    class Meta:
        ordering = ["idea", "position"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "position"], name="comment_unique_position"),
        ]

    def __str__(self) -> str:
        return self.body[:60]


class Vote(models.Model):
    """One person's upvote of a submission."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="idea_votes")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "person"], name="vote_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person} ↑ {self.idea}"


class StatusChange(models.Model):
    """Audit row: who moved a submission from one status to another, and why."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="status_changes")
    actor = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="idea_status_changes"
    )
    from_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    to_status = models.CharField(max_length=20, choices=IdeaStatus.choices)
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["idea", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_status} → {self.to_status}"
