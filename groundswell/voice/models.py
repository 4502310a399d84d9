"""Customer voice: surveys sent right after a service, the answers, and closing the loop."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groundswell.desk.choices import Channel
from groundswell.desk.models import Customer, Interaction
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, restrict
from groundswell.voice.choices import (
    CURRENT_SCALE,
    FollowUpOutcome,
    FollowUpStatus,
    InvitationChannel,
    Measure,
    Scale,
    SurveyKind,
)


class Survey(models.Model):
    """A customer survey of one kind, with the rules for when and whom to ask."""

    kind = models.CharField(_("kind"), max_length=10, choices=SurveyKind.choices)
    name = models.CharField(_("name"), max_length=120)
    is_active = models.BooleanField(_("active"), default=True)
    send_delay_minutes = models.PositiveIntegerField(
        _("send after (minutes)"), default=0, help_text=_("Wait this long after resolution.")
    )
    channels = models.JSONField(
        _("interaction channels surveyed"),
        default=list,
        blank=True,
        help_text=_("Leave empty to survey every channel."),
    )
    resurvey_days = models.PositiveIntegerField(
        _("ask a customer at most once every (days)"), default=7
    )
    expiry_days = models.PositiveIntegerField(_("links expire after (days)"), default=14)
    poor_threshold = models.SmallIntegerField(
        _("poor answer threshold"),
        help_text=_(
            "At or below this is poor (CES 2.0: agreement that it was easy; a legacy effort "
            "answer e counts as agreement 8 - e)."
        ),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=models.Q(is_active=True),
                name="survey_one_active_per_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SurveyVersion(models.Model):
    """The exact wording a customer saw; a change makes a new version, never rewrites answers."""

    survey = models.ForeignKey(Survey, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    question = models.CharField(_("question"), max_length=300)
    low_label = models.CharField(_("label of the lowest score"), max_length=80)
    high_label = models.CharField(_("label of the highest score"), max_length=80)
    comment_prompt = models.CharField(_("comment prompt"), max_length=200)
    reason_codes = models.JSONField(
        _("reason codes"), default=list, blank=True, help_text=_("Codes the customer may tick.")
    )
    scale = models.CharField(
        _("scale"),
        max_length=30,
        choices=Scale.choices,
        help_text=_("The scale and direction the question is asked on; the kind's current one."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.scale:  # a new version asks on its kind's current scale
            self.scale = CURRENT_SCALE[self.survey.kind]
        super().save(*args, **kwargs)


class InvitationQuerySet(models.QuerySet["Invitation"]):
    """Composable filters for survey invitations."""

    def visible_to(self, person: Person) -> InvitationQuerySet:
        """Invitations about interactions `person` may see."""
        return self.filter(interaction__in=Interaction.objects.visible_to(person))


class Invitation(models.Model):
    """An invitation to answer one survey about one interaction, reached by a secret token."""

    version = models.ForeignKey(SurveyVersion, on_delete=models.PROTECT, related_name="invitations")
    interaction = models.ForeignKey(
        Interaction, on_delete=models.CASCADE, related_name="invitations"
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True)
    channel = models.CharField(
        max_length=10, choices=InvitationChannel.choices, default=InvitationChannel.EMAIL
    )
    language = models.CharField(max_length=8, default="en")
    send_after = models.DateTimeField()
    # A mail task's claim (see core/lib/leases.py); `sent_at` once the mail server took it.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    # When it was made; the demo and imports may give the real moment (auto_now_add would not).
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["interaction", "version"], name="invitation_once_per_interaction"
            ),
        ]
        indexes = [
            models.Index(fields=["customer", "-created_at"], name="invitation_customer_created"),
            models.Index(fields=["sent_at", "send_after"], name="invitation_to_send"),
        ]

    def __str__(self) -> str:
        return f"Invitation {self.pk} for interaction {self.interaction_id}"


class ResponseQuerySet(models.QuerySet["Response"]):
    """Composable filters for survey answers."""

    def visible_to(
        self, person: Person, action: Action = Action.VIEW_CUSTOMER_VOICE
    ) -> ResponseQuerySet:
        """Answers given about the teams where `person` may do `action` (by default, read the
        customer voice). Which of them are shown one by one is `invitations.selectors`' rule."""
        return restrict(self, person, action, team="team")


class Response(models.Model):
    """A customer's answer to an invitation; at most one per invitation.

    Team, agent, channel, kind and scale are copied from the interaction and the survey version
    when the answer is recorded,
    so metrics aggregate one table with its own indexes instead of joining three.
    """

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
    scale = models.CharField(
        max_length=30, choices=Scale.choices, help_text=_("The version's scale when answered.")
    )
    score = models.SmallIntegerField(_("score"))
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    language = models.CharField(max_length=8, default="en")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="survey_responses")
    agent = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="survey_responses"
    )
    channel = models.CharField(max_length=20, choices=Channel.choices)
    is_poor = models.BooleanField(default=False)
    is_compliment = models.BooleanField(
        default=False, help_text=_("A high score with a comment: recognition can use it.")
    )
    submitted_at = models.DateTimeField()
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["kind", "team", "submitted_at"], name="response_kind_team_time"),
            models.Index(fields=["kind", "agent", "submitted_at"], name="response_kind_agent_time"),
            models.Index(fields=["submitted_at"], name="response_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.score}"


class FollowUpQuerySet(models.QuerySet["FollowUp"]):
    """Composable filters for follow-ups."""

    def visible_to(
        self, person: Person, action: Action = Action.HANDLE_FOLLOW_UPS
    ) -> FollowUpQuerySet:
        """Follow-ups of the teams where `person` may do `action` (by default, handle them)."""
        return restrict(self, person, action, team="team")


class FollowUp(models.Model):
    """Closing the loop: a poor answer put in front of the team lead, due within a business day."""

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="follow_up")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="follow_ups")
    owner = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="follow_ups"
    )
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        max_length=10, choices=FollowUpStatus.choices, default=FollowUpStatus.OPEN
    )
    outcome = models.CharField(
        _("outcome"), max_length=30, choices=FollowUpOutcome.choices, blank=True
    )
    note = models.TextField(_("note"), blank=True, max_length=5000)
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The email telling the team's leads it opened: a mail task's claim (core/lib/leases.py),
    # and when the mail server took it (or when it turned out there was nobody to tell).
    notice_claimed_at = models.DateTimeField(null=True, blank=True)
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    # When it was made; the demo and imports may give the real moment (auto_now_add would not).
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = FollowUpQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="follow_up_status_due"),
            models.Index(fields=["team", "status"], name="follow_up_team_status"),
            # The dashboard reads the follow-ups that fell due or closed since the last rollup.
            models.Index(fields=["due_at"], name="follow_up_due"),
            models.Index(fields=["closed_at"], name="follow_up_closed"),
            # The sweep looks for recent follow-ups whose notice has not gone out.
            models.Index(fields=["notice_sent_at", "created_at"], name="follow_up_notice_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status=FollowUpStatus.OPEN)
                | (~models.Q(outcome="") & models.Q(closed_at__isnull=False)),
                name="follow_up_closed_has_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"Follow-up on response {self.response_id}"

    def get_absolute_url(self) -> str:
        return reverse("voice:follow-up-detail", kwargs={"pk": self.pk})

    @property
    def is_overdue(self) -> bool:
        return self.status == FollowUpStatus.OPEN and self.due_at < timezone.now()


class FollowUpAttempt(models.Model):
    """One try at reaching the customer of a follow-up, kept when the follow-up is tried again.

    A follow-up closed as "not reached" can be reopened; what each earlier try found stays here.
    """

    follow_up = models.ForeignKey(FollowUp, on_delete=models.CASCADE, related_name="attempts")
    outcome = models.CharField(_("outcome"), max_length=30, choices=FollowUpOutcome.choices)
    note = models.TextField(_("note"), blank=True, max_length=5000)
    closed_at = models.DateTimeField()
    closed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["closed_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} at {self.closed_at:%Y-%m-%d %H:%M}"


# Rollups: dashboard figures summed per day and per week (teams) or per week (agents), refreshed
# by voice.rollups.refresh_voice_rollups; pages add the few live rows not yet rolled up.


class ScoreCounts(models.Model):
    """How many answers gave each score (0 to 10); every metric is a function of these counts."""

    responses = models.PositiveIntegerField(default=0)
    score_0 = models.PositiveIntegerField(default=0)
    score_1 = models.PositiveIntegerField(default=0)
    score_2 = models.PositiveIntegerField(default=0)
    score_3 = models.PositiveIntegerField(default=0)
    score_4 = models.PositiveIntegerField(default=0)
    score_5 = models.PositiveIntegerField(default=0)
    score_6 = models.PositiveIntegerField(default=0)
    score_7 = models.PositiveIntegerField(default=0)
    score_8 = models.PositiveIntegerField(default=0)
    score_9 = models.PositiveIntegerField(default=0)
    score_10 = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class VoiceCounts(ScoreCounts):
    """A team's survey figures over a period (a day or a week): answers, invitations, follow-ups."""

    invitations_sent = models.PositiveIntegerField(default=0)
    follow_ups_due = models.PositiveIntegerField(
        default=0, help_text=_("Falling due in the period.")
    )
    follow_ups_on_time = models.PositiveIntegerField(
        default=0, help_text=_("Of those due in the period, closed by their due time.")
    )
    # Follow-ups closed in the period, by time from creation to closing
    # (metrics.CLOSE_BUCKET_HOURS).
    closed_1h = models.PositiveIntegerField(default=0)
    closed_4h = models.PositiveIntegerField(default=0)
    closed_8h = models.PositiveIntegerField(default=0)
    closed_24h = models.PositiveIntegerField(default=0)
    closed_72h = models.PositiveIntegerField(default=0)
    closed_168h = models.PositiveIntegerField(default=0)
    closed_later = models.PositiveIntegerField(default=0)

    class Meta:
        abstract = True


class DailyVoiceRollup(VoiceCounts):
    """One team's survey figures for one channel and survey kind on one day."""

    day = models.DateField()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    kind = models.CharField(max_length=10, choices=Measure.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "channel", "kind"], name="voice_rollup_unique"
            ),
        ]
        indexes = [models.Index(fields=["day", "team"], name="voice_rollup_day_team")]

    def __str__(self) -> str:
        return f"{self.day} {self.team_id} {self.channel} {self.kind}"


class ServiceCounts(models.Model):
    """A team's interactions and settled promises over a period (a day or a week)."""

    interactions = models.PositiveIntegerField(default=0, help_text=_("Opened in the period."))
    promises_kept = models.PositiveIntegerField(default=0, help_text=_("Settled in the period."))
    promises_broken = models.PositiveIntegerField(default=0, help_text=_("Settled in the period."))

    class Meta:
        abstract = True


class DailyServiceRollup(ServiceCounts):
    """One team's interactions and settled promises for one channel on one day."""

    day = models.DateField()
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["day", "team", "channel"], name="service_rollup_unique"
            ),
        ]
        indexes = [models.Index(fields=["day", "team"], name="service_rollup_day_team")]

    def __str__(self) -> str:
        return f"{self.day} {self.team_id} {self.channel}"


class WeeklyVoiceRollup(VoiceCounts):
    """The sum of a week's DailyVoiceRollup rows (Monday to Sunday, or to the last day rolled up).

    The dashboard reads weeks, not days: a 13-week period sums one row per team, channel and
    kind a week instead of seven.
    """

    week = models.DateField(help_text=_("The Monday the week starts on."))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    kind = models.CharField(max_length=10, choices=Measure.choices)

    class Meta:
        constraints = [
            # Week, then kind: the dashboard's sums by week and kind read this index in order.
            models.UniqueConstraint(
                fields=["week", "kind", "team", "channel"], name="weekly_voice_rollup_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.team_id} {self.channel} {self.kind}"


class WeeklyServiceRollup(ServiceCounts):
    """The sum of a week's DailyServiceRollup rows, as WeeklyVoiceRollup is of the voice ones."""

    week = models.DateField(help_text=_("The Monday the week starts on."))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week", "team", "channel"], name="weekly_service_rollup_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.week} {self.team_id} {self.channel}"


class WeeklyAgentRollup(ScoreCounts):
    """One agent's answers of one kind on one channel in one week (Monday to Sunday) for a team.

    Weekly, because an agent gets a few answers a day: daily rows would be as many as answers.
    """

    week = models.DateField(help_text=_("The Monday the week starts on."))
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="+")
    agent = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=20, choices=Channel.choices)
    kind = models.CharField(max_length=10, choices=Measure.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["week", "team", "agent", "channel", "kind"], name="agent_rollup_unique"
            ),
        ]
        indexes = [models.Index(fields=["week", "team"], name="agent_rollup_week_team")]

    def __str__(self) -> str:
        return f"{self.week} {self.agent_id} {self.kind}"


class VoiceRollupState(models.Model):
    """How far the rollups reach: every day up to `complete_through` is in them (one row)."""

    complete_through = models.DateField()
    refreshed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Rollups complete through {self.complete_through}"
