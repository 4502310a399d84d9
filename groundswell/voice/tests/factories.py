"""Test data for customer voice.

Customers, interactions and invitations with a known token, for the survey pages and the API;
answers, promises and follow-ups made straight with the ORM, for the dashboard's metrics.
"""

from __future__ import annotations

import datetime
import itertools
import secrets
from collections.abc import Sequence
from typing import Any

from django.utils import timezone

from groundswell.core.lib import tokens
from groundswell.desk.choices import InteractionStatus, PromiseKind, PromiseStatus
from groundswell.desk.models import Customer, Interaction, Promise
from groundswell.people.models import Person, Team
from groundswell.voice.choices import SurveyKind
from groundswell.voice.models import FollowUp, Invitation, Response, Survey, SurveyVersion
from groundswell.voice.surveys import wording

_numbers = itertools.count(1)
DEFAULT_NAMES: dict[str, str] = {
    SurveyKind.CSAT: "Customer satisfaction after service",
    SurveyKind.CES: "Customer effort after service",
    SurveyKind.NPS: "Net Promoter Score",
}


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
    """The newest version of the default survey of this kind (created by the data migrations:
    CES's is version 2, on the CES 2.0 scale)."""
    return (
        SurveyVersion.objects.select_related("survey")
        .filter(survey__kind=kind, survey__name=DEFAULT_NAMES[kind])
        .latest("number")
    )


def legacy_effort_version() -> SurveyVersion:
    """Version 1 of the default CES survey: the legacy effort scale (1 easy - 7 hard)."""
    return SurveyVersion.objects.select_related("survey").get(
        survey__name=DEFAULT_NAMES[SurveyKind.CES], number=1
    )


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


# For the dashboard's metrics ---------------------------------------------------------------------

POOR: dict[str, int] = {SurveyKind.CSAT: 2, SurveyKind.CES: 3, SurveyKind.NPS: 6}


def version_for(kind: str) -> SurveyVersion:
    survey = Survey.objects.filter(kind=kind).order_by("-is_active", "pk").first()
    if survey is None:
        survey = Survey.objects.create(kind=kind, name=kind, poor_threshold=POOR[kind])
    version = survey.versions.order_by("-number").first()
    if version is None:
        version = SurveyVersion.objects.create(
            survey=survey,
            number=1,
            question="?",
            low_label="low",
            high_label="high",
            comment_prompt="Why?",
        )
    return version


def customer() -> Customer:
    return Customer.objects.create(
        name="Casey Customer", email=f"{secrets.token_hex(6)}@example.test"
    )


def interactions(
    team: Team,
    count: int,
    *,
    at: datetime.datetime,
    agent: Person | None = None,
    channel: str = "email",
) -> list[Interaction]:
    """`count` resolved interactions opened at `at`."""
    who = customer()
    return Interaction.objects.bulk_create(
        Interaction(
            customer=who,
            channel=channel,
            team=team,
            handled_by=agent,
            subject="Help",
            status=InteractionStatus.RESOLVED,
            opened_at=at,
            resolved_at=at,
        )
        for _ in range(count)
    )


def answers(
    team: Team,
    kind: str,
    scores: Sequence[int],
    *,
    at: datetime.datetime,
    agent: Person | None = None,
    channel: str = "email",
    unanswered: int = 0,
    version: SurveyVersion | None = None,
) -> list[Response]:
    """One sent invitation per score (plus `unanswered` more) and the answers, all at `at`
    (on `version`, by default the newest of the kind)."""
    version = version or version_for(kind)
    made = interactions(team, len(scores) + unanswered, at=at, agent=agent, channel=channel)
    invitations = Invitation.objects.bulk_create(
        Invitation(
            version=version,
            interaction=interaction,
            customer=interaction.customer,
            token_hash=secrets.token_hex(32),
            send_after=at,
            sent_at=at,
            expires_at=at + datetime.timedelta(days=14),
        )
        for interaction in made
    )
    return Response.objects.bulk_create(
        Response(
            invitation=invitation,
            kind=kind,
            scale=version.scale,
            score=score,
            team=team,
            agent=agent,
            channel=channel,
            submitted_at=at,
            is_poor=wording.is_poor(kind, version.scale, score, POOR[kind]),
        )
        for invitation, score in zip(invitations, scores, strict=False)
    )


def follow_up(
    response: Response,
    *,
    created_at: datetime.datetime,
    due_at: datetime.datetime,
    closed_at: datetime.datetime | None = None,
) -> FollowUp:
    item = FollowUp.objects.create(
        response=response,
        team=response.team,
        due_at=due_at,
        status="closed" if closed_at else "open",
        outcome="reached_resolved" if closed_at else "",
        closed_at=closed_at,
    )
    FollowUp.objects.filter(pk=item.pk).update(created_at=created_at)
    item.refresh_from_db()
    return item


def promise(
    interaction: Interaction, status: str, *, settled_at: datetime.datetime | None = None
) -> Promise:
    return Promise.objects.create(
        interaction=interaction,
        kind=PromiseKind.CALL_BACK,
        due_at=interaction.opened_at,
        status=status,
        settled_at=settled_at if status != PromiseStatus.OPEN else None,
    )
