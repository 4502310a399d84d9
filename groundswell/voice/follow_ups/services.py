"""Closing the loop: a poor answer becomes a follow-up for the team lead, closed with an outcome."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.people.models import Person
from groundswell.people.permissions import Action, can
from groundswell.voice.choices import FollowUpOutcome, FollowUpStatus
from groundswell.voice.models import FollowUp, FollowUpAttempt, Response


def next_business_day(moment: datetime.datetime) -> datetime.datetime:
    """The same time on the next weekday (in the organisation's time zone)."""
    local = timezone.localtime(moment) + datetime.timedelta(days=1)
    while local.weekday() >= 5:  # Saturday, Sunday
        local += datetime.timedelta(days=1)
    return local


def open_follow_up(response_id: int) -> FollowUp | None:
    """Put a poor answer in front of the interaction's team lead, due the next business day."""
    response = (
        Response.objects.select_related("team", "invitation")
        .filter(pk=response_id, is_poor=True)
        .first()
    )
    if response is None:
        return None
    follow_up, _created = FollowUp.objects.get_or_create(
        response=response,
        defaults={
            "team": response.team,
            "owner_id": response.team.lead_id,
            "due_at": next_business_day(response.submitted_at),
        },
    )
    return follow_up


@transaction.atomic
def close_follow_up(*, actor: Person, follow_up: FollowUp, outcome: str, note: str) -> FollowUp:
    """Close a follow-up with what happened when we reached out to the customer."""
    if not can(actor, Action.HANDLE_FOLLOW_UPS, follow_up.team):
        raise PermissionDenied
    errors: dict[str, str] = {}
    if follow_up.status != FollowUpStatus.OPEN:
        errors["status"] = _("This follow-up is already closed.")
    if outcome not in FollowUpOutcome.values:
        errors["outcome"] = _("Choose what happened.")
    if not note.strip():
        errors["note"] = _("Write a short note about the conversation.")
    if errors:
        raise ValidationError(errors)
    updated = FollowUp.objects.filter(pk=follow_up.pk, status=FollowUpStatus.OPEN).update(
        status=FollowUpStatus.CLOSED,
        outcome=outcome,
        note=note.strip(),
        closed_at=timezone.now(),
        closed_by=actor,
    )
    if not updated:
        raise ValidationError({"status": _("This follow-up is already closed.")})
    follow_up.refresh_from_db()
    return follow_up


@transaction.atomic
def retry_follow_up(*, actor: Person, follow_up: FollowUp) -> FollowUp:
    """Open a follow-up closed as "not reached" for another try, due the next business day;
    the earlier try (its outcome, note, time and who closed it) is kept as an attempt."""
    if not can(actor, Action.HANDLE_FOLLOW_UPS, follow_up.team):
        raise PermissionDenied
    locked = FollowUp.objects.select_for_update().filter(pk=follow_up.pk).first()
    if (
        locked is None
        or locked.status != FollowUpStatus.CLOSED
        or locked.outcome != FollowUpOutcome.NOT_REACHED
        or locked.closed_at is None
    ):
        raise ValidationError(
            {"status": _("Only a follow-up closed as “not reached” can be tried again.")}
        )
    FollowUpAttempt.objects.create(
        follow_up=locked,
        outcome=locked.outcome,
        note=locked.note,
        closed_at=locked.closed_at,
        closed_by_id=locked.closed_by_id,
    )
    now = timezone.now()
    locked.status = FollowUpStatus.OPEN
    locked.outcome = ""
    locked.note = ""
    locked.closed_at = None
    locked.closed_by = None
    locked.due_at = next_business_day(now)
    locked.save(update_fields=["status", "outcome", "note", "closed_at", "closed_by", "due_at"])
    return locked
