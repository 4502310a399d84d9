"""Points and rewards: giving points with kudos, asking for a reward, a manager's decision.

Off unless `POINTS_ENABLED` (every entry point raises `PointsOff`, which pages turn into 404).
Each person may give `POINTS_MONTHLY_ALLOWANCE` points a calendar month with their kudos; what
they receive is their balance. Every change locks the person's `PointsAccount` row
(`select_for_update`, which PostgreSQL honours and SQLite gets by its one writer at a time),
checks, then writes the balance and one ledger entry: concurrent requests queue on the row, so
the balance never goes below zero and no point is spent twice. Asking for a reward holds its
cost at once; a declined request gives it back with an entry of its own.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, QuerySet, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.people.models import Person
from groundswell.people.permissions import Action, can, can_somewhere, restrict
from groundswell.recognition.choices import EntryKind, RedemptionStatus
from groundswell.recognition.models import (
    Kudos,
    PointsAccount,
    PointsEntry,
    Redemption,
    Reward,
)


class PointsOff(Http404):
    """Points and rewards are switched off on this site (`POINTS_ENABLED`)."""


def enabled() -> bool:
    return bool(settings.GROUNDSWELL_POINTS_ENABLED)


def _require_enabled() -> None:
    if not enabled():
        raise PointsOff


def _locked_account(person: Person) -> PointsAccount:
    """The person's account row, locked until the transaction ends (made on first use)."""
    PointsAccount.objects.get_or_create(person=person)
    return PointsAccount.objects.select_for_update().get(person=person)


def _month_start(now: datetime.datetime) -> datetime.datetime:
    local = timezone.localtime(now)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def given_this_month(person: Person, *, now: datetime.datetime | None = None) -> int:
    start = _month_start(now or timezone.now())
    given = PointsEntry.objects.filter(
        person=person, kind=EntryKind.GIVEN, created_at__gte=start
    ).aggregate(total=Sum("amount"))["total"]
    return int(given or 0)


def allowance_left(person: Person, *, now: datetime.datetime | None = None) -> int:
    allowance = int(settings.GROUNDSWELL_POINTS_MONTHLY_ALLOWANCE)
    return max(0, allowance - given_this_month(person, now=now))


def _entry(
    account: PointsAccount,
    *,
    kind: str,
    amount: int,
    actor: Person,
    reason: str,
    kudos: Kudos | None = None,
    redemption: Redemption | None = None,
) -> PointsEntry:
    return PointsEntry.objects.create(
        person_id=account.person_id,
        kind=kind,
        amount=amount,
        balance_after=account.balance,
        actor=actor,
        reason=reason[:300],
        kudos=kudos,
        redemption=redemption,
    )


def _change_balance(account: PointsAccount, delta: int) -> None:
    """Add `delta` to the locked account; the UPDATE itself refuses to go below zero."""
    changed = PointsAccount.objects.filter(pk=account.pk, balance__gte=-delta).update(
        balance=F("balance") + delta, updated_at=timezone.now()
    )
    if not changed:
        raise ValidationError({"reward": _("You do not have enough points for that.")})
    account.balance += delta


def check_points(*, actor: Person, points: int, recipient: Person | None) -> None:
    """Refuse points that cannot go with a kudos before anything is written."""
    if points == 0:
        return
    _require_enabled()
    if points < 0:
        raise ValidationError({"points": _("Points cannot be negative.")})
    if recipient is None:
        raise ValidationError({"points": _("Points go to one person; thank a team without.")})


def give_points(*, actor: Person, kudos: Kudos, points: int) -> None:
    """Move `points` from the giver's monthly allowance to the thanked person, with the kudos
    (called inside its transaction, so a refusal stores no kudos either)."""
    if points == 0:
        return
    recipient = kudos.recipient
    check_points(actor=actor, points=points, recipient=recipient)
    if recipient is None:  # refused by check_points; kept for the type checker
        return
    # Lock both rows in one order (by person) so two crossing gifts never deadlock.
    first, second = sorted([actor, recipient], key=lambda person: person.pk)
    accounts = {first.pk: _locked_account(first), second.pk: _locked_account(second)}
    left = allowance_left(actor)
    if points > left:
        raise ValidationError(
            {"points": _("You have %(left)s points left to give this month.") % {"left": left}}
        )
    reason = _("Kudos to %(name)s") % {"name": recipient.full_name}
    _entry(
        accounts[actor.pk],
        kind=EntryKind.GIVEN,
        amount=points,
        actor=actor,
        reason=reason,
        kudos=kudos,
    )
    _change_balance(accounts[recipient.pk], points)
    _entry(
        accounts[recipient.pk],
        kind=EntryKind.RECEIVED,
        amount=points,
        actor=actor,
        reason=_("Kudos from %(name)s") % {"name": actor.full_name},
        kudos=kudos,
    )


def balance_of(person: Person) -> int:
    account = PointsAccount.objects.filter(person=person).first()
    return account.balance if account is not None else 0


# Rewards -----------------------------------------------------------------------------------------


def list_rewards(*, include_retired: bool = False) -> QuerySet[Reward]:
    rewards = Reward.objects.all()
    return rewards if include_retired else rewards.filter(is_active=True)


def save_reward(
    *,
    actor: Person,
    reward: Reward | None,
    name: str,
    description: str,
    cost: int,
    is_active: bool,
) -> Reward:
    """Add a reward to the catalogue or change one (managers and admins)."""
    _require_enabled()
    if not can_somewhere(actor, Action.MANAGE_REWARDS):
        raise PermissionDenied
    reward = reward or Reward()
    reward.name = name.strip()
    reward.description = description.strip()
    reward.cost = cost
    reward.is_active = is_active
    if cost < 1:
        raise ValidationError({"cost": _("A reward costs at least one point.")})
    reward.full_clean()
    reward.save()
    return reward


def _existing_redemption(person: Person, key: uuid.UUID | None) -> Redemption | None:
    if key is None:
        return None
    return Redemption.objects.filter(person=person, idempotency_key=key).first()


def redeem(
    *, actor: Person, reward: Reward, idempotency_key: uuid.UUID | None = None
) -> Redemption:
    """Ask for a reward: its cost is held from the balance at once, or nothing is written when
    the balance is short. The same form sent twice (one key) holds the points once."""
    _require_enabled()
    if not can_somewhere(actor, Action.USE_RECOGNITION):
        raise PermissionDenied
    if not reward.is_active:
        raise ValidationError({"reward": _("That reward is no longer offered.")})
    try:
        with transaction.atomic():
            account = _locked_account(actor)
            existing = _existing_redemption(actor, idempotency_key)
            if existing is not None:
                return existing
            if account.balance < reward.cost:
                raise ValidationError(
                    {
                        "reward": _("%(name)s costs %(cost)s points; you have %(balance)s.")
                        % {"name": reward.name, "cost": reward.cost, "balance": account.balance}
                    }
                )
            redemption = Redemption.objects.create(
                person=actor,
                reward=reward,
                cost=reward.cost,
                idempotency_key=idempotency_key or uuid.uuid4(),
            )
            _change_balance(account, -reward.cost)
            _entry(
                account,
                kind=EntryKind.REDEEMED,
                amount=-reward.cost,
                actor=actor,
                reason=_("Asked for %(name)s") % {"name": reward.name},
                redemption=redemption,
            )
            return redemption
    except IntegrityError:
        winner = _existing_redemption(actor, idempotency_key)
        if winner is None:
            raise
        return winner


def may_decide(actor: Person, redemption: Redemption) -> bool:
    return (
        redemption.status == RedemptionStatus.PENDING
        and redemption.person_id != actor.pk
        and can(actor, Action.MANAGE_REWARDS, redemption.person)
    )


def decide_redemption(
    *, actor: Person, redemption: Redemption, approve: bool, note: str = ""
) -> Redemption:
    """Approve a request (the held points are spent) or decline it (they are given back)."""
    _require_enabled()
    if not can(actor, Action.MANAGE_REWARDS, redemption.person) or (
        redemption.person_id == actor.pk
    ):
        raise PermissionDenied
    note = note.strip()
    if not approve and not note:
        raise ValidationError({"note": _("Say why it is declined.")})
    with transaction.atomic():
        account = _locked_account(redemption.person)
        locked = Redemption.objects.select_for_update().get(pk=redemption.pk)
        if locked.status != RedemptionStatus.PENDING:
            raise ValidationError({"status": _("This request was already decided.")})
        locked.status = RedemptionStatus.APPROVED if approve else RedemptionStatus.DECLINED
        locked.decided_by = actor
        locked.decided_at = timezone.now()
        locked.note = note
        locked.full_clean()
        locked.save(update_fields=["status", "decided_by", "decided_at", "note"])
        if not approve:
            _change_balance(account, locked.cost)
            _entry(
                account,
                kind=EntryKind.REFUNDED,
                amount=locked.cost,
                actor=actor,
                reason=_("Declined: %(note)s") % {"note": note},
                redemption=locked,
            )
    return locked


def redemptions_to_decide(viewer: Person) -> QuerySet[Redemption]:
    """Pending requests of people `viewer` may decide for (in scope, not their own)."""
    return (
        restrict(
            Redemption.objects.filter(status=RedemptionStatus.PENDING),
            viewer,
            Action.MANAGE_REWARDS,
            team="person__team",
            department="person__department",
        )
        .exclude(person=viewer)
        .select_related("person", "reward")
        .order_by("requested_at", "pk")
    )


def get_redemption_for(viewer: Person, pk: int) -> Redemption:
    """A redemption `viewer` may decide (404 out of scope)."""
    redemption = (
        restrict(
            Redemption.objects.all(),
            viewer,
            Action.MANAGE_REWARDS,
            team="person__team",
            department="person__department",
        )
        .select_related("person", "reward")
        .filter(pk=pk)
        .first()
    )
    if redemption is None:
        raise Http404
    return redemption


@dataclass(frozen=True)
class Wallet:
    """What a person's points page shows."""

    balance: int
    allowance_left: int
    allowance: int
    entries: list[PointsEntry]
    redemptions: list[Redemption]


def wallet(person: Person) -> Wallet:
    _require_enabled()
    return Wallet(
        balance=balance_of(person),
        allowance_left=allowance_left(person),
        allowance=settings.GROUNDSWELL_POINTS_MONTHLY_ALLOWANCE,
        entries=list(
            PointsEntry.objects.filter(person=person).select_related("actor", "redemption")[:50]
        ),
        redemptions=list(Redemption.objects.filter(person=person).select_related("reward")[:20]),
    )
