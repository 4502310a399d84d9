"""Customer voice: surveys sent right after a service, the answers, and closing the loop."""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from groundswell.desk.choices import Channel
from groundswell.desk.models import Customer, Interaction
from groundswell.people.models import Person, Team
from groundswell.voice.choices import (
    FollowUpOutcome,
    FollowUpStatus,
    InvitationChannel,
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
        help_text=_("CSAT and NPS: at or below this is poor. CES: at or above this is poor."),
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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["survey", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "number"], name="survey_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.survey} v{self.number}"


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
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField()
    opened_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

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


class Response(models.Model):
    """A customer's answer to an invitation; at most one per invitation.

    Team, agent, channel and kind are copied from the interaction when the answer is recorded,
    so metrics aggregate one table with its own indexes instead of joining three.
    """

    invitation = models.OneToOneField(Invitation, on_delete=models.CASCADE, related_name="response")
    kind = models.CharField(max_length=10, choices=SurveyKind.choices)
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

    class Meta:
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["kind", "team", "submitted_at"], name="response_kind_team_time"),
            models.Index(fields=["kind", "agent", "submitted_at"], name="response_kind_agent_time"),
            models.Index(fields=["submitted_at"], name="response_time"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.score}"


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
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="follow_up_status_due"),
            models.Index(fields=["team", "status"], name="follow_up_team_status"),
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
