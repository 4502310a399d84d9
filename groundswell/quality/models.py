"""Quality: behaviour scorecards, reviews of interactions, disputes, coaching and calibration.

A scorecard keeps its history in versions: once a version has reviews it is never changed
again, an edit makes the next version, and each review points at the version it was scored on.
Criteria keep a `key` across versions so that "the same behaviour" can be followed over time
(coaching's before and after, calibration, statistics).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groundswell.desk.choices import Channel
from groundswell.desk.models import Interaction
from groundswell.ideas.models import Idea, Policy
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, restrict, teams_in_scope
from groundswell.quality.choices import (
    DONE_STATUSES,
    CalibrationStatus,
    CoachingStatus,
    CriterionScale,
    DisputeStatus,
    QueueReason,
    ReviewStatus,
    RootCauseKind,
)

TEXT_LENGTH = 5000
MAX_WEIGHT = Decimal(100)


def new_key() -> str:
    return uuid.uuid4().hex[:12]


class ScorecardQuerySet(models.QuerySet["Scorecard"]):
    """Composable filters for scorecards."""

    def visible_to(self, person: Person) -> ScorecardQuerySet:
        """Scorecards of `person`'s own department and of the departments where they read or
        review quality (a reviewer needs the card they score with)."""
        teams = teams_in_scope(person, Action.VIEW_QUALITY).values("pk")
        granted = ReviewerGrant.objects.active().filter(person=person).values("team_id")
        reached = Team.objects.filter(models.Q(pk__in=teams) | models.Q(pk__in=granted))
        own = models.Q(department_id=person.department_id) | models.Q(
            department__in=reached.values("department_id")
        )
        return restrict(self, person, Action.VIEW_QUALITY, department="department", also=own)


class Scorecard(models.Model):
    """A named behaviour scorecard for a department, optionally for one team or channel."""

    name = models.CharField(_("name"), max_length=150)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="scorecards",
        verbose_name=_("department"),
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="scorecards",
        verbose_name=_("team"),
        help_text=_("Leave empty for every team of the department."),
    )
    channel = models.CharField(
        _("channel"),
        max_length=20,
        choices=Channel.choices,
        blank=True,
        help_text=_("Leave empty for every channel."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        ordering = ["department__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["department", "name"], name="scorecard_unique_name"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("quality:scorecard-detail", kwargs={"pk": self.pk})


class ScorecardVersion(models.Model):
    """One version of a scorecard's sections and criteria; frozen once a review uses it."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    note = models.CharField(_("what changed"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["scorecard", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["scorecard", "number"], name="scorecard_version_unique_number"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard} v{self.number}"


class Section(models.Model):
    """A group of criteria on a scorecard version (opening, resolution, closing...)."""

    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(_("section"), max_length=120)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "pk"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    """A behaviour in plain words, what good looks like, and how it is scored and weighed."""

    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="criteria")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    # The same behaviour across versions of the scorecard.
    key = models.CharField(max_length=40, default=new_key)
    behaviour = models.CharField(_("behaviour"), max_length=200)
    good_looks_like = models.TextField(_("what good looks like"), blank=True, max_length=2000)
    scale = models.CharField(
        _("scale"), max_length=20, choices=CriterionScale.choices, default=CriterionScale.YES_NO
    )
    weight = models.DecimalField(
        _("weight"),
        max_digits=6,
        decimal_places=2,
        default=Decimal(1),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(MAX_WEIGHT)],
    )
    allows_na = models.BooleanField(_("N/A allowed"), default=False)
    is_critical = models.BooleanField(
        _("critical"), default=False, help_text=_("A fail here fails the whole review.")
    )
    is_bonus = models.BooleanField(
        _("bonus"), default=False, help_text=_("Adds to the score when met; never takes away.")
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "section__position", "position", "pk"]
        verbose_name_plural = "criteria"
        constraints = [
            models.UniqueConstraint(fields=["version", "key"], name="criterion_unique_key"),
            models.CheckConstraint(
                condition=models.Q(weight__gt=0), name="criterion_weight_positive"
            ),
            models.CheckConstraint(
                condition=~models.Q(is_critical=True, is_bonus=True),
                name="criterion_not_critical_and_bonus",
            ),
        ]

    def __str__(self) -> str:
        return self.behaviour

    @property
    def top(self) -> int:
        return 1 if self.scale == CriterionScale.YES_NO else 5

    @property
    def bottom(self) -> int:
        return 0 if self.scale == CriterionScale.YES_NO else 1


class ReviewerGrantQuerySet(models.QuerySet["ReviewerGrant"]):
    """Composable filters for reviewer grants."""

    def active(self) -> ReviewerGrantQuerySet:
        return self.filter(revoked_at__isnull=True, person__is_active=True)

    def visible_to(self, person: Person) -> ReviewerGrantQuerySet:
        """Grants for the teams where `person` may grant, and their own."""
        return restrict(self, person, Action.GRANT_QUALITY_REVIEWERS, team="team") | self.filter(
            person=person
        )


class ReviewerGrant(models.Model):
    """The quality reviewer capability, granted to a person for one team by a manager."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="quality_grants", verbose_name=_("person")
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, related_name="quality_grants", verbose_name=_("team")
    )
    granted_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    objects = ReviewerGrantQuerySet.as_manager()

    class Meta:
        ordering = ["team__name", "person__full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "team"],
                condition=models.Q(revoked_at__isnull=True),
                name="reviewer_grant_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} reviews {self.team}"


class CalibrationQuerySet(models.QuerySet["Calibration"]):
    """Composable filters for calibrations."""

    def visible_to(self, person: Person) -> CalibrationQuerySet:
        """Calibrations of the departments where `person` calibrates or analyses quality, and
        those they take part in as a reviewer."""
        run = restrict(self, person, Action.CALIBRATE, department="department")
        read = restrict(self, person, Action.ANALYSE_QUALITY, department="department")
        taking_part = self.filter(participants__reviewer=person)
        return self.filter(
            models.Q(pk__in=run.values("pk"))
            | models.Q(pk__in=read.values("pk"))
            | models.Q(pk__in=taking_part.values("pk"))
        )


class Calibration(models.Model):
    """Several reviewers score the same interactions blind; agreed scores become the reference."""

    name = models.CharField(_("name"), max_length=150)
    version = models.ForeignKey(
        ScorecardVersion,
        on_delete=models.PROTECT,
        related_name="calibrations",
        verbose_name=_("scorecard version"),
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(
        max_length=10, choices=CalibrationStatus.choices, default=CalibrationStatus.OPEN
    )
    due_on = models.DateField(_("due on"), null=True, blank=True)
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    revealed_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # The results, computed once when the last reviewer submits (services.compute_results) and
    # kept here, so that no page view recomputes the bootstrap. The overall figures are copied
    # into columns for the dashboard's "agreement over time".
    results = models.JSONField(null=True, blank=True, editable=False)
    results_at = models.DateTimeField(null=True, blank=True)
    overall_alpha = models.FloatField(null=True, blank=True)
    overall_alpha_low = models.FloatField(null=True, blank=True)
    overall_alpha_high = models.FloatField(null=True, blank=True)
    pairable_values = models.PositiveIntegerField(default=0)

    objects = CalibrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.name


class CalibrationItem(models.Model):
    """One interaction every reviewer of a calibration scores."""

    calibration = models.ForeignKey(Calibration, on_delete=models.CASCADE, related_name="items")
    interaction = models.ForeignKey(Interaction, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["calibration", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["calibration", "interaction"], name="calibration_item_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.calibration}: {self.interaction_id}"


class CalibrationReviewer(models.Model):
    """A reviewer taking part in a calibration, and when they submitted all their scores."""

    calibration = models.ForeignKey(
        Calibration, on_delete=models.CASCADE, related_name="participants"
    )
    reviewer = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["calibration", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["calibration", "reviewer"], name="calibration_reviewer_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} in {self.calibration}"


class ReviewQuerySet(models.QuerySet["Review"]):
    """Composable filters for reviews."""

    def done(self) -> ReviewQuerySet:
        return self.filter(status__in=DONE_STATUSES)

    def visible_to(self, person: Person) -> ReviewQuerySet:
        """Reviews `person` may read: of the teams in their quality reach or that they were
        granted to review, of their own work, and those they wrote. Calibration reviews are
        left to the calibration's own rules (blind until everyone has submitted)."""
        granted = ReviewerGrant.objects.active().filter(person=person).values("team_id")
        # A granted reviewer reads the reviews of the team they review (to decide disputes).
        mine = models.Q(agent=person) | models.Q(reviewer=person) | models.Q(team__in=granted)
        readable = restrict(self, person, Action.VIEW_QUALITY, team="team", also=mine)
        return readable.filter(calibration__isnull=True)


class Review(models.Model):
    """One reviewer's scores of one interaction on one scorecard version."""

    version = models.ForeignKey(ScorecardVersion, on_delete=models.PROTECT, related_name="reviews")
    interaction = models.ForeignKey(
        Interaction, on_delete=models.PROTECT, related_name="quality_reviews"
    )
    # Copied from the interaction when the review is opened, so lists need no join.
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="quality_reviews")
    agent = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="quality_reviews_received",
    )
    reviewer = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="quality_reviews_written"
    )
    calibration = models.ForeignKey(
        Calibration, on_delete=models.CASCADE, null=True, blank=True, related_name="reviews"
    )
    is_self_review = models.BooleanField(_("self-review"), default=False)
    status = models.CharField(
        max_length=15, choices=ReviewStatus.choices, default=ReviewStatus.DRAFT
    )
    # Percent of the weighted criteria met (bonus included, at most 100); `score` is 0 when a
    # critical criterion failed, `weighted_score` keeps what it would have been.
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    weighted_score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    is_failed = models.BooleanField(_("critical fail"), default=False)
    comment = models.TextField(_("overall comment"), blank=True, max_length=TEXT_LENGTH)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "reviewer"],
                condition=models.Q(calibration__isnull=True),
                name="review_once_per_reviewer",
            ),
            models.UniqueConstraint(
                fields=["calibration", "interaction", "reviewer"],
                condition=models.Q(calibration__isnull=False),
                name="calibration_review_once",
            ),
            models.CheckConstraint(
                condition=models.Q(status=ReviewStatus.DRAFT)
                | models.Q(submitted_at__isnull=False),
                name="review_submitted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["agent", "-submitted_at"], name="review_agent_submitted"),
            models.Index(fields=["team", "-submitted_at"], name="review_team_submitted"),
            models.Index(fields=["reviewer", "status"], name="review_reviewer_status"),
        ]

    def __str__(self) -> str:
        return f"Review of {self.interaction_id} by {self.reviewer_id}"

    def get_absolute_url(self) -> str:
        return reverse("quality:review-detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == ReviewStatus.DRAFT


class CriterionScore(models.Model):
    """The score one review gave one criterion (`value` None when not applicable)."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="scores")
    value = models.SmallIntegerField(_("score"), null=True, blank=True)
    is_na = models.BooleanField(_("N/A"), default=False)
    # value on a 0..1 scale (yes 1, no 0; 1..5 as 0, .25 ... 1), for averages across scales.
    fraction = models.FloatField(null=True, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=TEXT_LENGTH)

    class Meta:
        ordering = ["review", "criterion__section__position", "criterion__position"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="criterion_score_once"),
            models.CheckConstraint(
                condition=models.Q(is_na=False) | models.Q(value__isnull=True),
                name="criterion_score_na_has_no_value",
            ),
        ]

    def __str__(self) -> str:
        return "N/A" if self.is_na else str(self.value)

    @property
    def is_fail(self) -> bool:
        """No on a yes/no criterion, 1 or 2 on a 1-to-5 one."""
        return self.fraction is not None and self.fraction < 0.5


class ReferenceScore(models.Model):
    """The agreed score of one criterion on one calibrated interaction: the reference."""

    calibration = models.ForeignKey(
        Calibration, on_delete=models.CASCADE, related_name="reference_scores"
    )
    interaction = models.ForeignKey(Interaction, on_delete=models.PROTECT, related_name="+")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    value = models.SmallIntegerField(null=True, blank=True)
    is_na = models.BooleanField(default=False)
    note = models.TextField(blank=True, max_length=TEXT_LENGTH)
    agreed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    agreed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["calibration", "interaction", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["calibration", "interaction", "criterion"], name="reference_score_once"
            ),
        ]

    def __str__(self) -> str:
        return "N/A" if self.is_na else str(self.value)


class QueueRule(models.Model):
    """How a team's review queue is filled: a weekly sample, poor answers, new hires."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="quality_queue_rule")
    sample_per_agent = models.PositiveSmallIntegerField(
        _("random reviews per agent per week"),
        default=2,
        validators=[MaxValueValidator(50)],
    )
    every_poor_answer = models.BooleanField(_("review every poor customer answer"), default=True)
    new_hire_weeks = models.PositiveSmallIntegerField(
        _("new hires: first weeks"), default=6, validators=[MaxValueValidator(52)]
    )
    new_hire_extra = models.PositiveSmallIntegerField(
        _("new hires: extra reviews per week"), default=2, validators=[MaxValueValidator(50)]
    )
    due_days = models.PositiveSmallIntegerField(
        _("days to review"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    updated_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["team__name"]

    def __str__(self) -> str:
        return f"Queue rule of {self.team}"


class QueueItemQuerySet(models.QuerySet["QueueItem"]):
    """Composable filters for the review queue."""

    def open(self) -> QueueItemQuerySet:
        return self.filter(done_at__isnull=True)

    def overdue(self, today: object) -> QueueItemQuerySet:
        return self.open().filter(due_on__lt=today)

    def visible_to(self, person: Person) -> QueueItemQuerySet:
        """Items of the teams whose queue `person` runs, and those assigned to them."""
        return restrict(self, person, Action.MANAGE_REVIEW_QUEUE, team="team") | self.filter(
            reviewer=person
        )


class QueueItem(models.Model):
    """An interaction picked for review, assigned to a reviewer, due by a day."""

    interaction = models.OneToOneField(
        Interaction, on_delete=models.CASCADE, related_name="quality_queue_item"
    )
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    reviewer = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="quality_queue"
    )
    reason = models.CharField(max_length=15, choices=QueueReason.choices)
    week = models.DateField(help_text=_("The Monday of the week it was picked for."))
    due_on = models.DateField(_("due on"))
    review = models.ForeignKey(
        Review, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)

    objects = QueueItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["reviewer", "done_at", "due_on"], name="queue_reviewer_open"),
            models.Index(fields=["team", "week", "agent"], name="queue_team_week"),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.interaction_id}"


class DisputeQuerySet(models.QuerySet["Dispute"]):
    """Composable filters for disputes."""

    def visible_to(self, person: Person) -> DisputeQuerySet:
        return self.filter(review__in=Review.objects.visible_to(person))


class Dispute(models.Model):
    """An agent's disagreement with one criterion of a review, and another reviewer's decision."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="disputes")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    raised_by = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), max_length=TEXT_LENGTH)
    raised_at = models.DateTimeField(default=timezone.now)
    status = models.CharField(
        max_length=10, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    decided_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("decision"), blank=True, max_length=TEXT_LENGTH)

    objects = DisputeQuerySet.as_manager()

    class Meta:
        ordering = ["raised_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="dispute_once"),
        ]

    def __str__(self) -> str:
        return f"Dispute on {self.criterion}"


class ScoreChange(models.Model):
    """Audit row: who changed a submitted review's score, when, from what to what, and why."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="changes")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    dispute = models.ForeignKey(
        Dispute, on_delete=models.SET_NULL, null=True, blank=True, related_name="changes"
    )
    changed_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    changed_at = models.DateTimeField(default=timezone.now)
    value_before = models.SmallIntegerField(null=True, blank=True)
    value_after = models.SmallIntegerField(null=True, blank=True)
    score_before = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    score_after = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    note = models.TextField(blank=True, max_length=TEXT_LENGTH)

    class Meta:
        ordering = ["review", "changed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.value_before} → {self.value_after}"


class CoachingQuerySet(models.QuerySet["CoachingSession"]):
    """Composable filters for coaching sessions."""

    def visible_to(self, person: Person) -> CoachingQuerySet:
        """Sessions of the teams `person` coaches, and their own."""
        return restrict(self, person, Action.COACH, team="team") | self.filter(
            models.Q(agent=person) | models.Q(coach=person)
        )


class CoachingSession(models.Model):
    """A coaching conversation planned from a review or a pattern of reviews."""

    agent = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="coaching_received", verbose_name=_("agent")
    )
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    coach = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="coaching_given")
    reviews = models.ManyToManyField(Review, blank=True, related_name="coaching_sessions")
    # The behaviours in focus, by criterion key (the same behaviour in every version).
    focus_keys = models.JSONField(default=list)
    focus_labels = models.JSONField(default=list)
    planned_for = models.DateTimeField(_("planned for"))
    reflection = models.TextField(_("the agent's reflection"), blank=True, max_length=TEXT_LENGTH)
    agreed_actions = models.TextField(_("agreed actions"), blank=True, max_length=TEXT_LENGTH)
    follow_up_on = models.DateField(_("follow up on"))
    status = models.CharField(
        max_length=10, choices=CoachingStatus.choices, default=CoachingStatus.PLANNED
    )
    held_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = CoachingQuerySet.as_manager()

    class Meta:
        ordering = ["-planned_for", "-pk"]
        indexes = [models.Index(fields=["agent", "-planned_for"], name="coaching_agent_planned")]

    def __str__(self) -> str:
        return f"Coaching of {self.agent} on {self.planned_for:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("quality:coaching-detail", kwargs={"pk": self.pk})


class RootCause(models.Model):
    """Why a criterion failed or a review was poor; product causes wait here for `problems`."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="root_causes")
    criterion = models.ForeignKey(
        Criterion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("cause"), max_length=10, choices=RootCauseKind.choices)
    note = models.TextField(_("what happened"), max_length=TEXT_LENGTH)
    policy = models.ForeignKey(
        Policy, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The open door's entry that a process or policy cause created.
    idea = models.ForeignKey(
        Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_by = models.ForeignKey(Person, on_delete=models.SET_NULL, null=True, related_name="+")
    recorded_at = models.DateTimeField(default=timezone.now)
    # Set when the `problems` app takes a product cause up.
    taken_up_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        indexes = [models.Index(fields=["kind", "taken_up_at"], name="root_cause_kind_open")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.note[:40]}"


class WeeklyQualityRollup(models.Model):
    """One agent's week in one team: interactions handled, reviews and their scores, disputes.

    Filled by `quality.rollups` from the live tables; the quality dashboard reads only these.
    The week is the Monday of the week the interaction was opened (the work's week), so that
    coverage (reviewed / handled) compares the same interactions. `agent` is None for the
    interactions nobody handled.
    """

    week = models.DateField()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    interactions = models.PositiveIntegerField(default=0)
    reviewed = models.PositiveIntegerField(default=0)  # interactions with a review by another
    reviews = models.PositiveIntegerField(default=0)  # done reviews, self-reviews left out
    score_sum = models.FloatField(default=0.0)
    failed = models.PositiveIntegerField(default=0)
    disputed = models.PositiveIntegerField(default=0)  # reviews with at least one dispute

    class Meta:
        ordering = ["week", "team", "agent"]
        constraints = [
            models.UniqueConstraint(
                fields=["week", "team", "agent"],
                name="weekly_quality_rollup_once",
            ),
        ]
        indexes = [models.Index(fields=["team", "week"], name="weekly_quality_team_week")]

    def __str__(self) -> str:
        return f"{self.week} {self.team_id}/{self.agent_id}"


class WeeklyCriterionRollup(models.Model):
    """One criterion (by key, the same behaviour in every version) for one agent's week:
    how many reviews scored it and the sum of their 0..1 fractions."""

    week = models.DateField()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(
        Person, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    criterion_key = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    scored = models.PositiveIntegerField(default=0)
    fraction_sum = models.FloatField(default=0.0)

    class Meta:
        ordering = ["week", "team", "criterion_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["week", "team", "agent", "criterion_key"],
                name="weekly_criterion_rollup_once",
            ),
        ]
        indexes = [models.Index(fields=["team", "week"], name="weekly_criterion_team_week")]

    def __str__(self) -> str:
        return f"{self.week} {self.criterion_key}"


class TeamWeeklyCriterionRollup(models.Model):
    """The criterion rollups of one team's week summed over its agents (one row per team, week
    and criterion instead of one per agent), kept by the same refresh in the same transaction.
    The dashboard's by-criterion table reads these for the teams in the viewer's scope: about
    a twentieth of the rows (`docs/performance.md`, the quality dashboard's read)."""

    week = models.DateField()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    criterion_key = models.CharField(max_length=40)
    label = models.CharField(max_length=200)
    scored = models.PositiveIntegerField(default=0)
    fraction_sum = models.FloatField(default=0.0)

    class Meta:
        ordering = ["week", "team", "criterion_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "week", "criterion_key"],
                name="team_weekly_criterion_rollup_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.team_id} {self.criterion_key}"
