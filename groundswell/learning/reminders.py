"""Refresher reminders: each person whose certificate ran out, or runs out within
`REMINDER_DAYS_AHEAD` days, is mailed once per course cycle.

A cycle is the latest completion of a person and course; its `RefresherReminder` row (one per
completion, a unique key) says the reminder exists. The daily job adds the missing rows and
enqueues one mail task per person with rows not mailed; the task claims the person's rows with
a lease (core/lib/leases.py) in one UPDATE, so of two workers racing exactly one mails each
row, marks them sent only while it still holds its claim, and gives them back at once when the
mail server fails. Renewing the course starts a new cycle, which gets its own reminder.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Exists, OuterRef, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from groundswell.core.lib import leases
from groundswell.learning.models import Completion, RefresherReminder

logger = logging.getLogger(__name__)

# A certificate that runs out within this many days is reminded ahead.
REMINDER_DAYS_AHEAD = 30


def due_for_reminder(today: datetime.date) -> QuerySet[Completion]:
    """Latest completions of active people that ran out or run out soon, not reminded yet."""
    newer = Completion.objects.filter(
        course=OuterRef("course"),
        person=OuterRef("person"),
        completed_on__gt=OuterRef("completed_on"),
    )
    return (
        Completion.objects.filter(
            expires_on__lte=today + datetime.timedelta(days=REMINDER_DAYS_AHEAD),
            person__is_active=True,
            course__is_active=True,
        )
        .exclude(Exists(newer))
        .exclude(Exists(RefresherReminder.objects.filter(completion=OuterRef("pk"))))
    )


def add_reminders(*, today: datetime.date | None = None) -> int:
    """Add the reminder row of every cycle due; returns how many were new."""
    today = today or timezone.localdate()
    rows = [
        RefresherReminder(completion_id=pk, person_id=person_id)
        for pk, person_id in due_for_reminder(today).values_list("pk", "person_id")
    ]
    before = RefresherReminder.objects.count()
    RefresherReminder.objects.bulk_create(rows, batch_size=500, ignore_conflicts=True)
    return RefresherReminder.objects.count() - before


def waiting_people(*, now: datetime.datetime | None = None) -> list[int]:
    """People with a reminder nobody mailed or holds (also those of a worker that died)."""
    now = now or timezone.now()
    return sorted(
        set(
            RefresherReminder.objects.filter(sent_at__isnull=True)
            .filter(leases.unclaimed("claimed_at", now))
            .values_list("person_id", flat=True)
        )
    )


def claim(person_id: int, *, now: datetime.datetime | None = None) -> list[RefresherReminder]:
    """Claim a person's reminders not mailed and not held; [] when there are none. A failure
    reading them back gives the claim back at once, so nothing waits for the lease."""
    now = now or timezone.now()
    claimed = (
        RefresherReminder.objects.filter(person_id=person_id, sent_at__isnull=True)
        .filter(leases.unclaimed("claimed_at", now))
        .update(claimed_at=now)
    )
    if not claimed:
        return []
    held = RefresherReminder.objects.filter(
        person_id=person_id, claimed_at=now, sent_at__isnull=True
    )
    try:
        return list(held.select_related("completion__course", "person"))
    except Exception:
        held.update(claimed_at=None)
        raise


def _mark(held: list[RefresherReminder], *, sent: bool) -> None:
    claimed_at = held[0].claimed_at
    rows = RefresherReminder.objects.filter(
        pk__in=[row.pk for row in held], claimed_at=claimed_at, sent_at__isnull=True
    )
    if sent:
        if rows.update(sent_at=timezone.now()) != len(held):
            logger.warning(
                "Refresher reminders of person %s went out after their claim ran out.",
                held[0].person_id,
            )
    else:
        rows.update(claimed_at=None)


def send_reminder(person_id: int) -> int:
    """Mail a person the refreshers they owe; 1 when a mail went out, 0 when nothing was due
    or another worker holds it."""
    held = claim(person_id)
    if not held:
        return 0
    person = held[0].person
    if not person.is_active or not person.email:
        _mark(held, sent=True)  # nobody to tell: the cycle is done
        return 0
    today = timezone.localdate()
    try:
        context = {
            "person": person,
            "overdue": [r.completion for r in held if r.completion.expires_on < today],  # type: ignore[operator]
            "soon": [r.completion for r in held if r.completion.expires_on >= today],  # type: ignore[operator]
            "site_url": settings.SITE_URL,
            "organisation_name": settings.ORGANISATION_NAME,
        }
        message = EmailMessage(
            subject=render_to_string("learning/email/refresher_subject.txt", context).strip(),
            body=render_to_string("learning/email/refresher.txt", context),
            to=[person.email],
        )
        message.send()
    except Exception:
        _mark(held, sent=False)
        raise
    _mark(held, sent=True)
    return 1
