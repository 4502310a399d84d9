"""Closing the loop: a poor answer becomes a follow-up for the team lead, closed with an outcome."""

from __future__ import annotations

import datetime
import logging
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.lib import leases
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can
from groundswell.voice.choices import FollowUpOutcome, FollowUpStatus
from groundswell.voice.follow_ups import tasks
from groundswell.voice.models import FollowUp, FollowUpAttempt, Response

# The sweep finishes what a dead worker left of the last day's answers, this many a run.
SWEEP_HORIZON = datetime.timedelta(days=1)
SWEEP_BATCH = 500

logger = logging.getLogger(__name__)


def next_business_day(moment: datetime.datetime) -> datetime.datetime:
    """The same time on the next weekday (in the organisation's time zone)."""
    local = timezone.localtime(moment) + datetime.timedelta(days=1)
    while local.weekday() >= 5:  # Saturday, Sunday
        local += datetime.timedelta(days=1)
    return local


def open_follow_up(response_id: int) -> FollowUp | None:
    """Put a poor answer in front of the interaction's team lead, due the next business day,
    and tell the team's leads by email (from the task queue, once).

    Running it again for the same answer (a retry, the sweep) finds the follow-up and changes
    nothing: the answer has one follow-up, and its notice is the notice task's to send.
    """
    response = (
        Response.objects.select_related("team", "invitation")
        .filter(pk=response_id, is_poor=True)
        .first()
    )
    if response is None:
        return None
    follow_up, created = FollowUp.objects.get_or_create(
        response=response,
        defaults={
            "team": response.team,
            "owner_id": response.team.lead_id,
            "due_at": next_business_day(response.submitted_at),
        },
    )
    if created:
        transaction.on_commit(partial(tasks.notify_leads.enqueue, follow_up.pk))
    return follow_up


# Telling the leads ---------------------------------------------------------------------------


def claim_notice(follow_up_id: int, *, now: datetime.datetime | None = None) -> FollowUp | None:
    """Claim the sending of a follow-up's notice to its leads; None when it went out already or
    another worker holds it. A lease, as for invitations (core/lib/leases.py)."""
    now = now or timezone.now()
    claimed = (
        FollowUp.objects.filter(pk=follow_up_id, notice_sent_at__isnull=True)
        .filter(leases.unclaimed("notice_claimed_at", now))
        .update(notice_claimed_at=now)
    )
    if not claimed:
        return None
    return FollowUp.objects.select_related("team", "response__invitation__interaction").get(
        pk=follow_up_id
    )


def mark_notice_sent(follow_up: FollowUp) -> bool:
    """The mail server took the notice (or there was nobody to tell): it is done. False when
    our claim had run out and another worker took it over."""
    sent_at = timezone.now()
    marked = FollowUp.objects.filter(
        pk=follow_up.pk, notice_claimed_at=follow_up.notice_claimed_at, notice_sent_at=None
    ).update(notice_sent_at=sent_at)
    if marked:
        follow_up.notice_sent_at = sent_at
    else:
        logger.warning(
            "The notice of follow-up %s went out after its claim ran out "
            "(SEND_LEASE_SECONDS too short?).",
            follow_up.pk,
        )
    return bool(marked)


def release_notice(follow_up: FollowUp) -> None:
    """Sending failed: let a retry claim the notice at once instead of after the lease."""
    FollowUp.objects.filter(
        pk=follow_up.pk, notice_claimed_at=follow_up.notice_claimed_at, notice_sent_at=None
    ).update(notice_claimed_at=None)


def finish_stalled_follow_ups(*, now: datetime.datetime | None = None) -> tuple[int, int]:
    """Enqueue again the work a dead worker left: poor answers of the last `SWEEP_HORIZON` that
    have no follow-up, and follow-ups whose notice nobody sent or holds, once older than a
    lease. Returns how many of each. Duplicates of a task still queued are harmless: opening
    finds the follow-up, the notice's claim lets one through.
    """
    now = now or timezone.now()
    since, until = now - SWEEP_HORIZON, now - leases.lease()
    unopened = list(
        Response.objects.filter(
            is_poor=True, submitted_at__gte=since, submitted_at__lte=until, follow_up=None
        )
        .order_by("submitted_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    untold = list(
        FollowUp.objects.filter(
            notice_sent_at=None,
            status=FollowUpStatus.OPEN,
            created_at__gte=since,
            created_at__lte=until,
        )
        .filter(leases.unclaimed("notice_claimed_at", now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    for response_id in unopened:
        tasks.open_follow_up.enqueue(response_id)
    for follow_up_id in untold:
        tasks.notify_leads.enqueue(follow_up_id)
    return len(unopened), len(untold)


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
