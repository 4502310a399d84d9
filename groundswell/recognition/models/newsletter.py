"""The monthly newsletter: a draft built from the month's recognition, edited and sent once.

A `NewsletterDelivery(newsletter, person)` row per addressee is made when a manager sends it;
each mail is claimed with a lease (core/lib/leases.py) so it goes out once however many workers
run. `NewsletterOptOut` rows are the people who unsubscribed: later sends leave them out.
"""

from __future__ import annotations

from django.core.validators import MaxLengthValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groundswell.people.models import Person
from groundswell.people.permissions import Action, can_everywhere, can_somewhere
from groundswell.recognition.choices import NewsletterStatus, SectionKind

MAX_INTRO_LENGTH = 3000
MAX_SECTION_LENGTH = 10000


class NewsletterQuerySet(models.QuerySet["Newsletter"]):
    """Composable filters for newsletters."""

    def visible_to(self, viewer: Person) -> NewsletterQuerySet:
        """Sent newsletters for everyone who uses recognition; drafts for those who send."""
        if can_everywhere(viewer, Action.SEND_NEWSLETTER):
            return self.all()
        if can_somewhere(viewer, Action.USE_RECOGNITION):
            return self.filter(status=NewsletterStatus.SENT)
        return self.none()


class Newsletter(models.Model):
    """One month's newsletter to everyone: heroes, stories, compliments, thanks, ideas acted on."""

    month = models.DateField(_("month"), unique=True, help_text=_("The first day of the month."))
    title = models.CharField(_("title"), max_length=150)
    intro = models.TextField(
        _("introduction"),
        blank=True,
        max_length=MAX_INTRO_LENGTH,
        validators=[MaxLengthValidator(MAX_INTRO_LENGTH)],
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=NewsletterStatus.choices,
        default=NewsletterStatus.DRAFT,
    )
    drafted_at = models.DateTimeField(default=timezone.now)
    drafted_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    edited_at = models.DateTimeField(null=True, blank=True)
    edited_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient_count = models.PositiveIntegerField(default=0)

    objects = NewsletterQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status=NewsletterStatus.DRAFT) | Q(sent_at__isnull=False),
                name="newsletter_sent_has_time",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("recognition:newsletter-detail", kwargs={"pk": self.pk})

    @property
    def is_draft(self) -> bool:
        return self.status == NewsletterStatus.DRAFT


class NewsletterSection(models.Model):
    """One part of a newsletter; the manager rewords it or leaves it out."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="sections")
    kind = models.CharField(max_length=20, choices=SectionKind.choices)
    position = models.PositiveSmallIntegerField(default=0)
    heading = models.CharField(_("heading"), max_length=150)
    body = models.TextField(
        _("text"),
        blank=True,
        max_length=MAX_SECTION_LENGTH,
        validators=[MaxLengthValidator(MAX_SECTION_LENGTH)],
    )
    is_included = models.BooleanField(_("include this part"), default=True)

    class Meta:
        ordering = ["newsletter", "position", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["newsletter", "kind"], name="newsletter_section_once"),
        ]

    def __str__(self) -> str:
        return self.heading


class NewsletterDelivery(models.Model):
    """One person's copy of a sent newsletter, claimed with a lease so it is mailed once."""

    newsletter = models.ForeignKey(Newsletter, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    # The person unsubscribed between the send and their mail: marked done, nothing mailed.
    is_skipped = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["newsletter", "person"], name="newsletter_delivery_once"
            ),
        ]
        indexes = [
            models.Index(fields=["newsletter", "sent_at"], name="newsletter_delivery_unsent"),
        ]

    def __str__(self) -> str:
        return f"{self.newsletter} to {self.person}"


class NewsletterOptOut(models.Model):
    """A person asked for no more newsletters (the link in every newsletter mail)."""

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="newsletter_opt_out"
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.person}: no newsletter"
