"""Recognition: company values, peer kudos, customer compliments and service heroes.

Who sees what is decided by each model's `visible_to` (built on `people.permissions`): public
recognition is read by everyone; private kudos, and anything about a person who opted out of
public display or left, only by the giver, the person and their lead; hidden kudos and
recognition waiting for approval only by those who moderate or approve it in their scope.
"""

from __future__ import annotations

import uuid

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groundswell.desk.models import Interaction
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, can_somewhere, restrict
from groundswell.recognition.choices import Reaction, ReportStatus, ReviewStatus, Source
from groundswell.voice.models import Response

MAX_MESSAGE_LENGTH = 2000
MAX_STORY_LENGTH = 5000
MAX_COMMENT_LENGTH = 1000


class ValueQuerySet(models.QuerySet["Value"]):
    """Composable filters for values."""

    def current(self) -> ValueQuerySet:
        """The values that may still be chosen."""
        return self.filter(is_retired=False)


class Value(models.Model):
    """A value the company and its people share; every recognition names one or more."""

    name = models.CharField(_("name"), max_length=60, unique=True)
    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    description = models.CharField(_("description"), max_length=300)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_retired = models.BooleanField(
        _("retired"),
        default=False,
        help_text=_("A retired value stays on past recognition but can no longer be chosen."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ValueQuerySet.as_manager()

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Preference(models.Model):
    """A person's choices about their own recognition."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="recognition_preference"
    )
    hide_from_feed = models.BooleanField(
        _("keep my recognition out of public feeds"),
        default=False,
        help_text=_(
            "Kudos, compliments and hero stories about you are then shown only to you, "
            "whoever gave them and your lead."
        ),
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.person}: {'hidden' if self.hide_from_feed else 'public'}"


def _not_shown_publicly(person_field: str) -> Q:
    """Rows whose person left or asked to stay out of public display."""
    hidden = Preference.objects.filter(hide_from_feed=True).values("person")
    return Q(**{f"{person_field}__is_active": False}) | Q(**{f"{person_field}__in": hidden})


def _close_to(viewer: Person, person_field: str) -> Q:
    """Rows about `viewer` themselves or about someone they lead (their team's lead, their
    manager)."""
    return (
        Q(**{person_field: viewer})
        | Q(**{f"{person_field}__manager": viewer})
        | Q(**{f"{person_field}__team__lead": viewer})
    )


class KudosQuerySet(models.QuerySet["Kudos"]):
    """Composable filters for kudos."""

    def in_feed(self) -> KudosQuerySet:
        """What the public feeds may list: shown, not private, its person active and not opted
        out."""
        # The same rows as excluding `_not_shown_publicly("recipient")`, written as a plain
        # filter on the kudos' own column: cheaper to build (the feed's cost is mostly Python)
        # and read along the feed's partial index.
        opted_out = Preference.objects.filter(hide_from_feed=True).values("person_id")
        return self.filter(is_hidden=False, is_private=False).filter(
            Q(recipient_id__isnull=True)
            | (Q(recipient__is_active=True) & ~Q(recipient_id__in=opted_out))
        )

    def visible_to(self, viewer: Person) -> KudosQuerySet:
        """Kudos `viewer` may read.

        Public ones for everyone; private ones (and those about someone who opted out or
        left) for the giver, the person and their lead, and a team's private thanks for its
        members; hidden ones for the giver and whoever moderates that team.
        """
        if not can_somewhere(viewer, Action.USE_RECOGNITION):
            return self.none()
        personal = (
            Q(giver=viewer)
            | _close_to(viewer, "recipient")
            | Q(recipient__isnull=True, team__lead=viewer)
        )
        if viewer.team_id is not None:
            personal |= Q(recipient__isnull=True, team_id=viewer.team_id)
        public = Q(is_private=False) & ~_not_shown_publicly("recipient")
        moderated = restrict(
            self, viewer, Action.MODERATE_RECOGNITION, team="team", department="department"
        ).values("pk")
        return self.filter(
            (Q(is_hidden=False) & (public | personal))
            | (Q(is_hidden=True) & (Q(giver=viewer) | Q(pk__in=moderated)))
        )


class Kudos(models.Model):
    """Thanks from one person to a colleague or a team, naming the values it shows."""

    giver = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="kudos_given", verbose_name=_("from")
    )
    recipient = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kudos_received",
        verbose_name=_("person"),
    )
    # The thanked team, or the person's team when they were thanked: feeds and scopes use it.
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="kudos",
        verbose_name=_("team"),
    )
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="kudos")
    message = models.TextField(
        _("message"),
        max_length=MAX_MESSAGE_LENGTH,
        validators=[MaxLengthValidator(MAX_MESSAGE_LENGTH)],
    )
    values = models.ManyToManyField(Value, related_name="kudos", verbose_name=_("values"))
    interaction = models.ForeignKey(
        Interaction,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="kudos",
        verbose_name=_("interaction"),
    )
    is_private = models.BooleanField(
        _("private"),
        default=False,
        help_text=_("Only the person, their lead and you will see it."),
    )
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.WEB)
    # Made by the form when it is shown (or by the API client): a second send of the same form
    # finds the first kudos instead of storing another.
    idempotency_key = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    is_hidden = models.BooleanField(_("hidden"), default=False)
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=300, blank=True)
    # The email to the person and their lead, claimed with a lease (core/lib/leases.py).
    notice_claimed_at = models.DateTimeField(null=True, blank=True)
    notice_sent_at = models.DateTimeField(null=True, blank=True)
    # What the feed's cards count, kept by the writes (`services.react`, `unreact`,
    # `comment_on`: an increment in the same transaction as the row) so a page reads them
    # with the kudos instead of counting per card; `recount_reactions_and_comments` makes
    # them again from the rows after bulk writes. One column per `Reaction` kind.
    applause_count = models.PositiveIntegerField(default=0, editable=False)
    heart_count = models.PositiveIntegerField(default=0, editable=False)
    star_count = models.PositiveIntegerField(default=0, editable=False)
    smile_count = models.PositiveIntegerField(default=0, editable=False)
    comment_count = models.PositiveIntegerField(default=0, editable=False)

    objects = KudosQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "kudos"
        constraints = [
            models.CheckConstraint(
                condition=Q(recipient__isnull=False) | Q(team__isnull=False),
                name="kudos_thanks_someone",
            ),
            models.CheckConstraint(
                condition=~Q(recipient=models.F("giver")), name="kudos_not_to_oneself"
            ),
            models.UniqueConstraint(
                fields=["giver", "idempotency_key"], name="kudos_unique_idempotency_key"
            ),
        ]
        indexes = [
            models.Index(fields=["recipient", "created_at"], name="kudos_recipient_time"),
            models.Index(fields=["team", "created_at"], name="kudos_team_time"),
            models.Index(fields=["giver", "created_at"], name="kudos_giver_time"),
            # The company and team feeds (`in_feed`, newest first, keyset on created_at and
            # id): partial indexes over the public rows only, walked in the feed's order.
            models.Index(
                fields=["-created_at", "-id"],
                condition=Q(is_hidden=False, is_private=False),
                name="kudos_feed_public",
            ),
            models.Index(
                fields=["team", "-created_at", "-id"],
                condition=Q(is_hidden=False, is_private=False),
                name="kudos_feed_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver} → {self.recipient or self.team}"

    def get_absolute_url(self) -> str:
        return reverse("recognition:kudos-detail", kwargs={"pk": self.pk})

    @property
    def thanked(self) -> Person | Team | None:
        return self.recipient or self.team


def reaction_count_field(kind: str) -> str:
    """The `Kudos` column that counts reactions of `kind`."""
    return f"{kind}_count"


def sum_of_reactions() -> models.Expression:
    """Every reaction of a kudos, of any kind, from its counters."""
    total: models.Expression = models.Value(0)
    for kind in Reaction.values:
        total = total + models.F(reaction_count_field(kind))
    return total


class KudosReaction(models.Model):
    """One person's reaction of one kind to a kudos."""

    kudos = models.ForeignKey(Kudos, on_delete=models.CASCADE, related_name="reactions")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="kudos_reactions")
    kind = models.CharField(max_length=20, choices=Reaction.choices)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kudos", "person", "kind"], name="kudos_reaction_once_per_kind"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.kind} {self.kudos_id}"


class KudosComment(models.Model):
    """A colleague's reply under a kudos."""

    kudos = models.ForeignKey(Kudos, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="kudos_comments")
    body = models.TextField(
        _("comment"),
        max_length=MAX_COMMENT_LENGTH,
        validators=[MaxLengthValidator(MAX_COMMENT_LENGTH)],
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["kudos", "created_at", "pk"]

    def __str__(self) -> str:
        return self.body[:60]


class KudosReport(models.Model):
    """Someone asked a moderator to look at a kudos (unkind, wrong, too personal)."""

    kudos = models.ForeignKey(Kudos, on_delete=models.CASCADE, related_name="reports")
    reporter = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="kudos_reports")
    reason = models.CharField(_("what is wrong with it"), max_length=300)
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.OPEN
    )
    created_at = models.DateTimeField(default=timezone.now)
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["kudos", "reporter"], name="kudos_report_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reporter} reported {self.kudos_id}"


class ComplimentQuerySet(models.QuerySet["Compliment"]):
    """Composable filters for customer compliments."""

    def in_feed(self) -> ComplimentQuerySet:
        return self.filter(status=ReviewStatus.APPROVED).exclude(_not_shown_publicly("agent"))

    def visible_to(self, viewer: Person) -> ComplimentQuerySet:
        """The agent's own always; approved ones for everyone (only the agent and their lead
        when the agent opted out or left); every one for whoever approves in that team."""
        if not can_somewhere(viewer, Action.USE_RECOGNITION):
            return self.none()
        approvers = restrict(
            self, viewer, Action.APPROVE_RECOGNITION, team="team", department="department"
        ).values("pk")
        approved = Q(status=ReviewStatus.APPROVED)
        return self.filter(
            Q(agent=viewer)
            | Q(pk__in=approvers)
            | (approved & ~_not_shown_publicly("agent"))
            | (approved & _close_to(viewer, "agent"))
        )


class Compliment(models.Model):
    """A customer's top answer with a comment, turned into a card for the agent who served them.

    Made from voice's "response recorded" hook; shown beyond the agent only once their lead
    approved it. The customer's name stays masked unless the approver chose to show it.
    """

    response = models.OneToOneField(Response, on_delete=models.CASCADE, related_name="compliment")
    agent = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="compliments")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="compliments")
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="compliments")
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    values = models.ManyToManyField(
        Value, related_name="compliments", blank=True, verbose_name=_("values")
    )
    show_customer_name = models.BooleanField(
        _("show the customer's name"),
        default=False,
        help_text=_("Off, the customer is shown by initials only."),
    )
    received_at = models.DateTimeField(_("received at"))
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ComplimentQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "team", "received_at"], name="compliment_status_team"),
            models.Index(fields=["agent", "received_at"], name="compliment_agent_time"),
        ]

    def __str__(self) -> str:
        return f"Compliment for {self.agent}"

    def get_absolute_url(self) -> str:
        return reverse("recognition:compliment-detail", kwargs={"pk": self.pk})


class HeroQuerySet(models.QuerySet["HeroNomination"]):
    """Composable filters for hero nominations."""

    def hall_of_fame(self) -> HeroQuerySet:
        return self.filter(status=ReviewStatus.APPROVED).exclude(_not_shown_publicly("nominee"))

    def visible_to(self, viewer: Person) -> HeroQuerySet:
        """Approved heroes for everyone (the nominee and their lead only, when the nominee opted
        out or left); a nomination for its nominator and whoever decides on it."""
        if not can_somewhere(viewer, Action.USE_RECOGNITION):
            return self.none()
        deciders = restrict(
            self, viewer, Action.APPROVE_RECOGNITION, team="team", department="department"
        ).values("pk")
        approved = Q(status=ReviewStatus.APPROVED)
        return self.filter(
            Q(nominated_by=viewer)
            | Q(pk__in=deciders)
            | (approved & ~_not_shown_publicly("nominee"))
            | (approved & _close_to(viewer, "nominee"))
        )


class HeroNomination(models.Model):
    """Someone put forward a colleague as a customer service hero, with the story."""

    nominee = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="hero_nominations", verbose_name=_("hero")
    )
    nominated_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="heroes_nominated"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="hero_nominations"
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="hero_nominations"
    )
    story = models.TextField(
        _("the story"),
        max_length=MAX_STORY_LENGTH,
        validators=[MaxLengthValidator(MAX_STORY_LENGTH)],
    )
    values = models.ManyToManyField(Value, related_name="heroes", verbose_name=_("values"))
    interaction = models.ForeignKey(
        Interaction, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decision_note = models.CharField(_("note"), max_length=500, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4)
    created_at = models.DateTimeField(default=timezone.now)

    objects = HeroQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(nominee=models.F("nominated_by")), name="hero_not_oneself"
            ),
            models.UniqueConstraint(
                fields=["nominated_by", "idempotency_key"], name="hero_unique_idempotency_key"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "decided_at"], name="hero_status_decided"),
        ]

    def __str__(self) -> str:
        return f"Hero: {self.nominee}"

    def get_absolute_url(self) -> str:
        return reverse("recognition:hero-detail", kwargs={"pk": self.pk})


class HeroOfTheMonth(models.Model):
    """The approved hero a lead chose for their team's month, or a manager for the
    department's."""

    month = models.DateField(_("month"), help_text=_("The first day of the month."))
    nomination = models.ForeignKey(HeroNomination, on_delete=models.PROTECT, related_name="months")
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="heroes_of_the_month"
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="heroes_of_the_month",
    )
    chosen_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=True, department__isnull=False)
                | Q(team__isnull=False, department__isnull=True),
                name="hero_month_team_or_department",
            ),
            models.UniqueConstraint(
                fields=["month", "team"],
                condition=Q(team__isnull=False),
                name="hero_month_once_per_team",
            ),
            models.UniqueConstraint(
                fields=["month", "department"],
                condition=Q(department__isnull=False),
                name="hero_month_once_per_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.month:%B %Y}: {self.team or self.department}"


class LeadershipLine(models.Model):
    """A short word from leadership a manager sets for a department or a team's huddle."""

    team = models.OneToOneField(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="leadership_line"
    )
    department = models.OneToOneField(
        Department,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="leadership_line",
    )
    text = models.CharField(_("a line from leadership"), max_length=280)
    set_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=True, department__isnull=False)
                | Q(team__isnull=False, department__isnull=True),
                name="leadership_line_team_or_department",
            ),
        ]

    def __str__(self) -> str:
        return self.text[:60]


class HuddleDigest(models.Model):
    """A team's daily huddle digest: one row per team and day, made at the team's shift start.

    The unique (team, day) row is what makes the digest once, whatever the number of workers or
    restarts; its email is claimed with a lease (core/lib/leases.py) like the kudos emails.
    """

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="huddle_digests")
    day = models.DateField(_("day"))
    created_at = models.DateTimeField(default=timezone.now)
    email_claimed_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-day", "team"]
        constraints = [
            models.UniqueConstraint(fields=["team", "day"], name="huddle_digest_once_per_day"),
        ]
        indexes = [
            models.Index(fields=["email_sent_at", "day"], name="huddle_digest_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.team} huddle {self.day}"

    def get_absolute_url(self) -> str:
        return reverse(
            "recognition:huddle", kwargs={"team": self.team_id, "day": self.day.isoformat()}
        )


from groundswell.recognition.models.newsletter import (  # noqa: E402
    Newsletter,
    NewsletterDelivery,
    NewsletterOptOut,
    NewsletterSection,
)
from groundswell.recognition.models.rewards import (  # noqa: E402
    PointsAccount,
    PointsEntry,
    Redemption,
    Reward,
)

__all__ = [
    "Compliment",
    "HeroNomination",
    "HeroOfTheMonth",
    "HuddleDigest",
    "Kudos",
    "KudosComment",
    "KudosReaction",
    "KudosReport",
    "LeadershipLine",
    "Newsletter",
    "NewsletterDelivery",
    "NewsletterOptOut",
    "NewsletterSection",
    "PointsAccount",
    "PointsEntry",
    "Preference",
    "Redemption",
    "Reward",
    "Value",
]
