"""Builders for survey tests: customers, interactions and invitations with a known token."""

import datetime
import itertools
from typing import Any

from django.utils import timezone

from groundswell.core.lib import tokens
from groundswell.desk.models import Customer, Interaction
from groundswell.people.models import Person, Team
from groundswell.voice.models import Invitation, Survey, SurveyVersion

_numbers = itertools.count(1)


def make_customer(**fields: Any) -> Customer:
    number = next(_numbers)
    values = {"name": f"Casey Customer {number}", "email": f"casey{number}@example.test"}
    return Customer.objects.create(**{**values, **fields})


def make_interaction(
    team: Team,
    *,
    customer: Customer | None = None,
    handled_by: Person | None = None,
    channel: str = "email",
    **fields: Any,
) -> Interaction:
    now = timezone.now()
    values = {
        "subject": "Refund not received",
        "opened_at": now - datetime.timedelta(hours=1),
        "resolved_at": now,
        "status": "resolved",
    }
    return Interaction.objects.create(
        team=team,
        customer=customer,
        handled_by=handled_by,
        channel=channel,
        **{**values, **fields},
    )


def version_of(kind: str) -> SurveyVersion:
    """Version 1 of the default survey of this kind (created by the data migration)."""
    return SurveyVersion.objects.select_related("survey").get(survey__kind=kind, number=1)


def make_invitation(
    interaction: Interaction, *, kind: str = "csat", expires_in: datetime.timedelta | None = None
) -> tuple[Invitation, str]:
    """An invitation already sent, and its token."""
    token, token_hash = tokens.new_token()
    now = timezone.now()
    assert interaction.customer is not None
    invitation = Invitation.objects.create(
        version=version_of(kind),
        interaction=interaction,
        customer=interaction.customer,
        token_hash=token_hash,
        language=interaction.customer.language,
        send_after=now,
        sent_at=now,
        expires_at=now + (expires_in if expires_in is not None else datetime.timedelta(days=14)),
    )
    return invitation, token


def active_survey(kind: str = "csat") -> Survey:
    return Survey.objects.get(kind=kind, is_active=True)
