from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groundswell.desk.choices import (
    Channel,
    ImportStatus,
    InteractionStatus,
    PromiseKind,
    PromiseStatus,
)
from groundswell.people.models import Person, Team

if TYPE_CHECKING:
    from groundswell.people.permissions import Action

SOURCE_GROUNDSWELL = "groundswell"
NOTE_MAX_LENGTH = 4000


class CustomerQuerySet(models.QuerySet["Customer"]):
    """Composable filters for customers."""

    def visible_to(self, person: Person, action: Action | None = None) -> CustomerQuerySet:
        """Customers whom a team in `person`'s scope for `action` served, or added.

        A customer belongs to no team, so its reach is that of the teams that served them:
        any of their interactions handled by such a team, or the team that added them before
        any interaction was recorded. Whoever may do `action` everywhere reaches every customer.
        """
        from groundswell.people.permissions import (
            Action,
            can_everywhere,
            can_somewhere,
            teams_in_scope,
        )

        chosen = action or Action.VIEW_INTERACTIONS
        if not can_somewhere(person, chosen):
            return self.none()
        if can_everywhere(person, chosen):
            return self.all()
        teams = teams_in_scope(person, chosen)
        served = Interaction.objects.filter(team__in=teams).values("customer_id")
        return self.filter(models.Q(pk__in=served) | models.Q(created_by_team__in=teams))


class Customer(models.Model):
    """Someone outside the organisation whom we serve."""

    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), max_length=254, blank=True)
    language = models.CharField(
        _("language"), max_length=8, choices=settings.LANGUAGES, default="en"
    )
    segment = models.CharField(_("segment"), max_length=60, blank=True)
    is_opted_out = models.BooleanField(
        _("opted out of surveys"), default=False, help_text=_("Never send this customer a survey.")
    )
    created_by_team = models.ForeignKey(
        Team,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("added by team"),
        help_text=_("The team that added the customer; they see the customer from the start."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = CustomerQuerySet.as_manager()

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), condition=~models.Q(email=""), name="customer_unique_email"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class InteractionQuerySet(models.QuerySet["Interaction"]):
    """Composable filters for interactions."""

    def visible_to(self, viewer: Person) -> InteractionQuerySet:
        """Interactions of the teams `viewer` may see, and those they handled themselves."""
        from groundswell.people.permissions import Action, restrict

        return restrict(
            self, viewer, Action.VIEW_INTERACTIONS, team="team", also=models.Q(handled_by=viewer)
        )


class PromiseQuerySet(models.QuerySet["Promise"]):
    """Composable filters for promises."""

    def visible_to(self, person: Person, action: Action | None = None) -> PromiseQuerySet:
        """Promises on interactions `person` may see, or, for another `action` (changing
        interactions), those on interactions of the teams where they may do it."""
        from groundswell.people.permissions import Action, restrict

        if action is None or action == Action.VIEW_INTERACTIONS:
            return self.filter(interaction__in=Interaction.objects.visible_to(person))
        return restrict(self, person, action, team="interaction__team")


class Interaction(models.Model):
    """One service contact: a customer's (or a colleague's) request and how it was handled."""

    # The nullable foreign keys are indexed only where they are set (the partial indexes in
    # Meta): every lookup or join by one compares it with a value, which never matches NULL,
    # and rows without one (internal requests, imports without a customer or agent) add
    # nothing to keep on insert (docs/performance.md, CSV import).
    customer = models.ForeignKey(
        Customer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="interactions",
    )
    requester_person = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="requests",
        verbose_name=_("internal requester"),
        help_text=_("A colleague from another department, when the service was internal."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    # No single-column index on team or handled_by: the (team, -opened_at) and
    # (handled_by, -opened_at) indexes below lead with them and serve every lookup and join
    # by either, and two fewer indexes to keep make each insert cheaper (the CSV import
    # writes thousands at a time; docs/performance.md).
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="interactions", db_index=False
    )
    handled_by = models.ForeignKey(
        Person,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        db_index=False,
        related_name="handled_interactions",
        verbose_name=_("handled by"),
    )
    status = models.CharField(
        _("status"),
        max_length=20,
        choices=InteractionStatus.choices,
        default=InteractionStatus.OPEN,
    )
    subject = models.CharField(_("subject"), max_length=255)
    topics = models.JSONField(_("topics"), default=list, blank=True)
    opened_at = models.DateTimeField(_("opened"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)
    handle_time_seconds = models.PositiveIntegerField(
        _("handle time (seconds)"), null=True, blank=True
    )
    # Imported or ingested while its handler was not yet signed off for live customers
    # (people.readiness): history is kept, and the handler's lead sees it flagged (learning).
    handler_not_ready = models.BooleanField(
        _("handler not yet ready"), default=False, db_default=False
    )
    source = models.CharField(_("source"), max_length=40, default=SOURCE_GROUNDSWELL)
    external_id = models.CharField(_("external id"), max_length=120, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = InteractionQuerySet.as_manager()

    class Meta:
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"],
                condition=~models.Q(external_id=""),
                name="interaction_unique_external_id",
            ),
            models.CheckConstraint(
                condition=models.Q(customer__isnull=True) | models.Q(requester_person__isnull=True),
                name="interaction_one_requester",
            ),
            models.CheckConstraint(
                condition=models.Q(resolved_at__isnull=True)
                | models.Q(resolved_at__gte=models.F("opened_at")),
                name="interaction_resolved_after_opened",
            ),
        ]
        indexes = [
            models.Index(fields=["team", "-opened_at"], name="interaction_team_opened"),
            models.Index(
                fields=["handled_by", "-opened_at"],
                condition=models.Q(handled_by__isnull=False),
                name="interaction_agent_opened",
            ),
            models.Index(
                fields=["customer"],
                condition=models.Q(customer__isnull=False),
                name="interaction_customer",
            ),
            models.Index(
                fields=["requester_person"],
                condition=models.Q(requester_person__isnull=False),
                name="interaction_requester",
            ),
            models.Index(fields=["-opened_at", "-id"], name="interaction_opened"),
            models.Index(fields=["status", "-opened_at"], name="interaction_status_opened"),
            # Only flagged rows are in it, so it costs the import nothing for the others.
            models.Index(
                fields=["team", "-opened_at"],
                condition=models.Q(handler_not_ready=True),
                name="interaction_not_ready",
            ),
        ]

    def __str__(self) -> str:
        return self.subject

    def get_absolute_url(self) -> str:
        return reverse("desk:interaction-detail", kwargs={"pk": self.pk})

    @property
    def is_internal(self) -> bool:
        return self.requester_person_id is not None


class Promise(models.Model):
    """A commitment made to the requester during an interaction, due by a time."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="promises")
    kind = models.CharField(_("kind"), max_length=20, choices=PromiseKind.choices)
    description = models.CharField(_("what was promised"), max_length=255, blank=True)
    made_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, null=True, blank=True, related_name="promises_made"
    )
    due_at = models.DateTimeField(_("due"))
    status = models.CharField(
        _("status"), max_length=10, choices=PromiseStatus.choices, default=PromiseStatus.OPEN
    )
    settled_at = models.DateTimeField(_("kept or broken at"), null=True, blank=True)
    # When it was made; the demo and imports may give the real moment (auto_now_add would not).
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    objects = PromiseQuerySet.as_manager()

    class Meta:
        ordering = ["due_at", "pk"]
        indexes = [
            models.Index(fields=["status", "due_at"], name="promise_status_due"),
            # The dashboard reads the promises settled since the last rollup.
            models.Index(fields=["settled_at"], name="promise_settled"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.due_at:%Y-%m-%d %H:%M}"


class NoteQuerySet(models.QuerySet["InteractionNote"]):
    """Composable filters for internal notes."""

    def visible_to(self, person: Person) -> NoteQuerySet:
        """Notes on interactions `person` may see: colleagues read what colleagues wrote."""
        return self.filter(interaction__in=Interaction.objects.visible_to(person))


class InteractionNote(models.Model):
    """A note colleagues leave on an interaction for each other; the requester never sees it."""

    interaction = models.ForeignKey(Interaction, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("note"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = NoteQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["interaction", "created_at"], name="note_interaction")]

    def __str__(self) -> str:
        return self.body[:60]


class ImportJob(models.Model):
    """A file of interactions exported from a helpdesk, previewed and then imported."""

    created_by = models.ForeignKey(
        Person, on_delete=models.PROTECT, related_name="interaction_imports"
    )
    filename = models.CharField(_("file name"), max_length=255)
    # The file waits here (a core.Upload, owned by created_by) until the import has run.
    upload = models.ForeignKey(
        "core.Upload", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    preset = models.CharField(_("exported from"), max_length=20)
    source = models.CharField(_("source"), max_length=40)
    default_team = models.ForeignKey(
        Team, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    skip_bad_rows = models.BooleanField(_("skip bad rows"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED
    )
    total = models.PositiveIntegerField(default=0)
    checked = models.PositiveIntegerField(default=0)
    written = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    updated_count = models.PositiveIntegerField(default=0)
    error_count = models.PositiveIntegerField(default=0)
    report = models.TextField(_("bad rows (CSV)"), blank=True)
    message = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.filename

    def get_absolute_url(self) -> str:
        return reverse("desk:import-job", kwargs={"pk": self.pk})

    @property
    def percent(self) -> int:
        """How far the import has got, counting checking and writing as halves."""
        if not self.total:
            return 100 if self.status == ImportStatus.DONE else 0
        return min(100, round(50 * (self.checked + self.written) / self.total))

    @property
    def is_finished(self) -> bool:
        return self.status in (ImportStatus.DONE, ImportStatus.FAILED)
