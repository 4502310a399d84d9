"""The email that tells a person (and their lead) about kudos they received.

Claimed with a lease like every email someone would miss (core/lib/leases.py): one UPDATE lets
exactly one worker send it; it counts as sent once the mail server took it.
"""

from __future__ import annotations

import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone

from groundswell.core.lib import leases
from groundswell.people.models import Person
from groundswell.recognition.models import Kudos

logger = logging.getLogger(__name__)


def claim_notice(kudos_id: int, *, now: datetime.datetime | None = None) -> Kudos | None:
    """Claim the sending of a kudos' email; None when it went out or another worker holds it."""
    now = now or timezone.now()
    claimed = (
        Kudos.objects.filter(pk=kudos_id, notice_sent_at__isnull=True)
        .filter(leases.unclaimed("notice_claimed_at", now))
        .update(notice_claimed_at=now)
    )
    if not claimed:
        return None
    return Kudos.objects.select_related(
        "giver", "recipient__manager", "recipient__team__lead", "team__lead"
    ).get(pk=kudos_id)


def _mark(kudos: Kudos, *, sent: bool) -> None:
    held = Kudos.objects.filter(
        pk=kudos.pk, notice_claimed_at=kudos.notice_claimed_at, notice_sent_at=None
    )
    if sent:
        if not held.update(notice_sent_at=timezone.now()):
            logger.warning("The notice of kudos %s went out after its claim ran out.", kudos.pk)
    else:
        held.update(notice_claimed_at=None)


def addressees(kudos: Kudos) -> tuple[list[Person], list[Person]]:
    """Who is told: the person (or the team's members), and in copy their lead(s)."""
    if kudos.recipient is not None:
        told = [kudos.recipient]
        leads = [kudos.recipient.manager, getattr(kudos.recipient.team, "lead", None)]
    elif kudos.team is not None:
        told = list(kudos.team.members.filter(is_active=True).order_by("pk"))
        leads = [kudos.team.lead]
    else:
        return [], []
    seen = {person.pk for person in told} | {kudos.giver_id}
    copied: list[Person] = []
    for lead in leads:
        if lead is not None and lead.is_active and lead.pk not in seen:
            seen.add(lead.pk)
            copied.append(lead)
    return [person for person in told if person.is_active], copied


def send_kudos_notice(kudos_id: int) -> int:
    """Email the kudos to the person, their lead in copy; the number of addresses it went to."""
    kudos = claim_notice(kudos_id)
    if kudos is None:
        return 0
    told, copied = addressees(kudos)
    if kudos.is_hidden or not told:
        _mark(kudos, sent=True)
        return 0
    context = {
        "kudos": kudos,
        "values": [value.name for value in kudos.values.all()],
        "link": f"{settings.SITE_URL}{kudos.get_absolute_url()}",
        "organisation_name": settings.ORGANISATION_NAME,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("recognition/email/kudos_subject.txt", context).strip(),
        body=render_to_string("recognition/email/kudos.txt", context),
        to=[person.email for person in told],
        cc=[person.email for person in copied],
    )
    message.attach_alternative(
        render_to_string("recognition/email/kudos.html", context), "text/html"
    )
    try:
        message.send()
    except Exception:
        _mark(kudos, sent=False)
        raise
    _mark(kudos, sent=True)
    return len(told) + len(copied)
