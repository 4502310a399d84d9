"""Employee voice: pulse campaigns, the culture assessment and their anonymous answers.

Anonymity is a property of the schema, not of the reports. `Participation` knows who was
invited and whether they have answered; `Submission`, `Answer` and `Comment` know what was
answered, by which team and coarse tenure band. Nothing joins the two: no foreign key, no
shared token, no timestamp finer than a day, and a random UUID key so that neither the key nor
the default ordering follows the order in which people answered.

Answers are not written where they are read while a wave is open. They wait, encrypted in
`PendingSubmission`, and are moved into `Submission`, `Answer` and `Comment` all at once, in a
random order, when the wave closes (services.publish_wave): so the rows' physical order, their
transaction id and their day say nothing about who answered when. docs/anonymity.md has the
rules and the threat model.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import (
    Action,
    can_everywhere,
    can_somewhere,
    departments_in_scope,
    restrict,
)
from groundswell.pulse import item_bank
from groundswell.pulse.choices import (
    COMMENT_MAX_LENGTH,
    DEFAULT_GROUP_SIZE,
    MAX_GROUP_SIZE,
    MIN_GROUP_SIZE,
    SCALES,
    ActionStatus,
    CampaignKind,
    CampaignStatus,
    QuestionKind,
    Schedule,
    TenureBand,
)


class CampaignQuerySet(models.QuerySet["Campaign"]):
    """Composable filters for pulse campaigns."""

    def visible_to(self, person: Person) -> CampaignQuerySet:
        """Launched campaigns for everyone who reads the employee voice; drafts only for those
        who may manage them (their department's, or every draft for who manages everywhere)."""
        if not can_somewhere(person, Action.VIEW_EMPLOYEE_VOICE):
            return self.none()
        visible = ~models.Q(status=CampaignStatus.DRAFT)
        if can_everywhere(person, Action.MANAGE_PULSES):
            visible = models.Q()
        elif departments := departments_in_scope(person, Action.MANAGE_PULSES):
            visible |= models.Q(department_id__in=departments)
        return self.filter(visible)


class Campaign(models.Model):
    """A pulse survey or culture assessment sent to an audience once or on a schedule."""

    name = models.CharField(_("name"), max_length=150)
    kind = models.CharField(_("kind"), max_length=20, choices=CampaignKind.choices)
    schedule = models.CharField(
        _("schedule"), max_length=20, choices=Schedule.choices, default=Schedule.ONCE
    )
    status = models.CharField(
        _("status"), max_length=20, choices=CampaignStatus.choices, default=CampaignStatus.DRAFT
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="pulse_campaigns",
        verbose_name=_("owning department"),
        help_text=_("Empty for a campaign run for the whole organisation."),
    )
    audience_teams = models.ManyToManyField(
        Team, blank=True, related_name="+", verbose_name=_("teams")
    )
    audience_departments = models.ManyToManyField(
        Department, blank=True, related_name="+", verbose_name=_("departments")
    )
    min_group_size = models.PositiveSmallIntegerField(
        _("minimum group size"),
        default=DEFAULT_GROUP_SIZE,
        validators=[MinValueValidator(MIN_GROUP_SIZE), MaxValueValidator(MAX_GROUP_SIZE)],
        help_text=_("Results of a group with fewer respondents than this are never shown."),
    )
    open_days = models.PositiveSmallIntegerField(
        _("days open"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(90)],
        help_text=_("How long each wave accepts answers."),
    )
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(min_group_size__gte=MIN_GROUP_SIZE)
                & models.Q(min_group_size__lte=MAX_GROUP_SIZE),
                name="pulse_campaign_min_group_size_range",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("pulse:campaign-detail", kwargs={"pk": self.pk})


class Question(models.Model):
    """One question of a campaign, copied from the item bank or written for it."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="questions")
    position = models.PositiveSmallIntegerField(_("position"))
    kind = models.CharField(_("kind"), max_length=20, choices=QuestionKind.choices)
    element = models.CharField(_("element"), max_length=20, blank=True)
    item_code = models.CharField(_("item bank code"), max_length=30, blank=True)
    text = models.CharField(_("text"), max_length=300)
    is_reversed = models.BooleanField(_("reverse-worded"), default=False)

    class Meta:
        ordering = ["campaign", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "position"], name="pulse_question_unique_position"
            ),
        ]

    def __str__(self) -> str:
        return self.text

    def choices(self) -> list[int]:
        """The values a person may give, lowest first."""
        low, high = SCALES[self.kind]
        return list(range(low, high + 1))


class Wave(models.Model):
    """One sending of a campaign: a scheduled campaign gets a new wave each period."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="waves")
    number = models.PositiveSmallIntegerField(_("wave"))
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))

    class Meta:
        ordering = ["campaign", "number"]
        constraints = [
            models.UniqueConstraint(fields=["campaign", "number"], name="pulse_wave_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.campaign} #{self.number}"


class Participation(models.Model):
    """That a person was invited to a wave and whether they have answered; never what."""

    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="participations")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="pulse_invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    # Empty until the invitation email has gone out; tokens are made when mail is sent.
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True)
    # A mail task's claim (core/lib/leases.py): one worker mails a person at a time, and a
    # worker killed mid-send leaves the invitation to the sweep instead of marking it sent.
    mail_claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # A flag, not a time: a completion time could be matched to the answers' arrival.
    has_completed = models.BooleanField(_("completed"), default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["wave", "person"], name="pulse_one_invitation_per_wave"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} in {self.wave}"


class PendingSubmission(models.Model):
    """Answers of an open wave, sealed, waiting to be published with the rest when it closes.

    `sealed` is a Fernet token (pulse/sealing.py) of what a submission will hold (department,
    team, tenure band, values, comment) and nothing about the person. Every new answer
    rewrites the wave's whole pool, shuffled, with new keys and fresh tokens, so no row keeps
    an order, a transaction id or a ciphertext from one answer to the next. The rows are
    deleted in the transaction that publishes them.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="pending_submissions")
    sealed = models.TextField()

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"Pending answers to {self.wave}"


class Submission(models.Model):
    """One anonymous set of answers: which wave, department, team and tenure band.

    A department, team or tenure band is kept only when at least the campaign's minimum of
    the wave's respondents share it (services.publish_wave); otherwise it is left empty (or
    "unknown"), so no stored row narrows down to fewer people than any report may show.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    wave = models.ForeignKey(Wave, on_delete=models.CASCADE, related_name="submissions")
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
        verbose_name=_("department"),
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("team")
    )
    tenure_band = models.CharField(_("tenure"), max_length=10, choices=TenureBand.choices)
    # The day the wave's answers were published, the same for all of them: a day of answering
    # could be matched to a daily backup of who had answered by then.
    submitted_on = models.DateField(_("published on"))

    class Meta:
        ordering = ["id"]  # random: never the order people answered in

    def __str__(self) -> str:
        return f"Submission to {self.wave}"


class Answer(models.Model):
    """The value given to one question in one submission."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    value = models.PositiveSmallIntegerField(_("value"), validators=[MaxValueValidator(10)])

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "question"], name="pulse_one_answer_per_question"
            ),
            models.CheckConstraint(
                condition=models.Q(value__lte=10), name="pulse_answer_value_range"
            ),
        ]

    def __str__(self) -> str:
        return str(self.value)


class Comment(models.Model):
    """The optional free text of a submission, shown only for groups above the minimum."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    submission = models.OneToOneField(Submission, on_delete=models.CASCADE, related_name="comment")
    text = models.TextField(_("comment"), max_length=COMMENT_MAX_LENGTH)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text[:50]


class WaveTally(models.Model):
    """A published wave's answers counted once, which every report of the wave reads
    (pulse/tally.py): per stored group and question, how many gave each value."""

    wave = models.OneToOneField(
        Wave, on_delete=models.CASCADE, primary_key=True, related_name="tally"
    )
    version = models.PositiveSmallIntegerField()
    # New at each count: a worker keeps the parsed tally of a wave it has read (pulse/tally.py)
    # for as long as the stamp it was read with is the stored one.
    stamp = models.UUIDField(default=uuid.uuid4, editable=False)
    data = models.JSONField()

    def __str__(self) -> str:
        return f"Tally of {self.wave_id}"


class ActionItemQuerySet(models.QuerySet["ActionItem"]):
    """Composable filters for actions taken on pulse results."""

    def visible_to(self, person: Person) -> ActionItemQuerySet:
        """Actions of the teams and departments whose results `person` may break down, plus
        those of their own team and department ("you said, we did" is for the team)."""
        if not can_somewhere(person, Action.VIEW_EMPLOYEE_VOICE):
            return self.none()
        in_reach = restrict(
            self, person, Action.VIEW_EMPLOYEE_VOICE_BREAKDOWN, team="team", department="department"
        )
        return in_reach | self.for_members_of(person)

    def for_members_of(self, person: Person) -> ActionItemQuerySet:
        """Those for `person`'s own team or own department."""
        own = models.Q(pk__in=[])
        if person.team_id is not None:
            own |= models.Q(team_id=person.team_id)
        if person.department_id is not None:
            own |= models.Q(department_id=person.department_id)
        return self.filter(own)


class ActionItem(models.Model):
    """What a lead or manager does about an element of a wave's results ("you said, we did").

    It names its owner and who created it, so it sits on the person side: it refers to the
    wave, the element and the team or department it is for, never to a submission, an answer
    or a score, and what it holds is what its author wrote.
    """

    wave = models.ForeignKey(
        Wave, on_delete=models.CASCADE, related_name="action_items", verbose_name=_("wave")
    )
    element = models.CharField(
        _("element"), max_length=20, help_text=_("The element (or own statement) it acts on.")
    )
    element_label = models.CharField(_("element name"), max_length=300)
    team = models.ForeignKey(
        Team,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pulse_action_items",
        verbose_name=_("team"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="pulse_action_items",
        verbose_name=_("department"),
    )
    title = models.CharField(_("title"), max_length=150)
    description = models.TextField(_("description"), max_length=2000, blank=True)
    # Required when saved (services); emptied only if the person's record is ever deleted.
    owner = models.ForeignKey(
        Person,
        on_delete=models.SET_NULL,
        null=True,
        related_name="pulse_action_items",
        verbose_name=_("owner"),
    )
    due_on = models.DateField(_("due date"))
    status = models.CharField(
        _("status"), max_length=20, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    created_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("created by")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            models.Index(fields=["team", "status"], name="pulse_action_team_status"),
            models.Index(fields=["department", "status"], name="pulse_action_dept_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(team__isnull=False) & models.Q(department__isnull=True))
                | (models.Q(team__isnull=True) & models.Q(department__isnull=False)),
                name="pulse_action_for_a_team_or_a_department",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def scope(self) -> Team | Department:
        """The team or department the action is for, and so the target of every check."""
        return self.team if self.team is not None else self.department  # type: ignore[return-value]

    @property
    def status_choices(self) -> list[tuple[str, str]]:
        return [(value, str(label)) for value, label in ActionStatus.choices]

    @property
    def label(self) -> str:
        """The element's name in the reader's language (a custom statement as it was written)."""
        return str(item_bank.ELEMENT_LABELS.get(self.element, self.element_label))
