"""Points and rewards (off unless `POINTS_ENABLED`): an allowance to give, points received, a
reward catalogue and redemptions a manager decides.

`PointsAccount` holds each person's spendable balance; every change to it is written under a
row lock (`select_for_update`) together with one `PointsEntry` in the append-only ledger, which
says who, when and why. The balance cannot go below zero (a check constraint besides the
service's own check), and points asked for a reward are held at once, so nothing is spent twice.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from groundswell.people.models import Person
from groundswell.recognition.choices import EntryKind, RedemptionStatus


class PointsAccount(models.Model):
    """A person's points to spend on rewards: the row locked for every change."""

    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="points_account")
    balance = models.IntegerField(default=0)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=Q(balance__gte=0), name="points_never_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.balance}"


class Reward(models.Model):
    """Something in the catalogue a person may ask for with their points."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    cost = models.PositiveIntegerField(_("cost in points"))
    is_active = models.BooleanField(_("offered"), default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["cost", "name"]
        constraints = [
            models.CheckConstraint(condition=Q(cost__gt=0), name="reward_costs_something"),
        ]

    def __str__(self) -> str:
        return self.name


class Redemption(models.Model):
    """A person asked for a reward; the points are held until a manager decides."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="redemptions")
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    cost = models.PositiveIntegerField()  # the price when asked, whatever the catalogue says later
    status = models.CharField(
        max_length=10, choices=RedemptionStatus.choices, default=RedemptionStatus.PENDING
    )
    requested_at = models.DateTimeField(default=timezone.now)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    idempotency_key = models.UUIDField(default=uuid.uuid4)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "idempotency_key"], name="redemption_unique_idempotency_key"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person}: {self.reward}"


class PointsEntry(models.Model):
    """One line of the append-only points ledger: who, when, why, how much, and the balance
    after it. Written with the locked account row; never changed or removed."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="points_entries")
    kind = models.CharField(max_length=10, choices=EntryKind.choices)
    # Received, refunded: positive; held for a reward: negative. Given: the (positive) amount
    # taken from the giver's monthly allowance, which leaves the balance alone.
    amount = models.IntegerField()
    balance_after = models.IntegerField()
    actor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(max_length=300)
    kudos = models.ForeignKey(
        "recognition.Kudos", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    redemption = models.ForeignKey(
        Redemption, on_delete=models.PROTECT, null=True, blank=True, related_name="entries"
    )
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name_plural = "points entries"
        constraints = [
            models.CheckConstraint(
                condition=Q(balance_after__gte=0), name="points_entry_balance_not_negative"
            ),
        ]
        indexes = [
            models.Index(fields=["person", "kind", "created_at"], name="points_entry_person_kind"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {self.kind} {self.amount}"

    def save(self, *args: object, **kwargs: object) -> None:
        # The ledger is append-only: an entry once written is never rewritten.
        if not self._state.adding:
            raise ValueError("Points ledger entries are never changed.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]
