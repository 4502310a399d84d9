"""Customer voice's part of the side-by-side benchmark's data (bench/harness).

M unanswered NPS invitations whose plain tokens go to a file for the load generator, and
answered ones for the dashboard's history, on the desk's bench interactions
(desk/benchdata.py); the top's commands (site/benchdata.py) put the two together. Never used
by the product.
"""

from __future__ import annotations

import datetime
import random
from pathlib import Path

from django.db import transaction

from groundswell.core.lib.tokens import new_token
from groundswell.desk.benchdata import BATCH
from groundswell.desk.models import Customer, Interaction
from groundswell.voice.choices import SurveyKind
from groundswell.voice.models import FollowUp, Invitation, Response, Survey, SurveyVersion


def _nps_version() -> SurveyVersion:
    survey = Survey.objects.filter(kind=SurveyKind.NPS, is_active=True).first()
    if survey is None:
        survey = Survey.objects.create(kind=SurveyKind.NPS, name="NPS", poor_threshold=6)
    version = survey.versions.order_by("-number").first()
    if version is None:
        version = SurveyVersion.objects.create(
            survey=survey,
            number=1,
            question="How likely are you to recommend us to a friend?",
            low_label="Not at all likely",
            high_label="Extremely likely",
            comment_prompt="What is the main reason for your score?",
        )
    return version


def seed_invitations(
    count: int, customers: list[Customer], tokens_file: Path, now: datetime.datetime
) -> None:
    """Unanswered invitations on the oldest interactions; plain tokens go to `tokens_file` only.

    They were sent over the last two weeks (as a real survey flow would), not all today:
    the dashboard reads today live, and 200,000 sends in one day is no organisation's day.
    """
    version = _nps_version()
    interaction_ids = list(Interaction.objects.order_by("pk").values_list("pk", flat=True)[:count])
    pairs = [new_token() for _ in interaction_ids]
    tokens = [token for token, _digest in pairs]
    expires = now + datetime.timedelta(days=365)
    for first in range(0, len(tokens), BATCH):
        with transaction.atomic():
            Invitation.objects.bulk_create(
                [
                    Invitation(
                        version=version,
                        interaction_id=interaction_id,
                        customer=customers[index % len(customers)],
                        token_hash=digest,
                        send_after=now - datetime.timedelta(days=1 + index % 14),
                        sent_at=now - datetime.timedelta(days=1 + index % 14),
                        expires_at=expires,
                    )
                    for index, (interaction_id, (_token, digest)) in enumerate(
                        zip(
                            interaction_ids[first : first + BATCH],
                            pairs[first : first + BATCH],
                            strict=True,
                        ),
                        start=first,
                    )
                ]
            )
    tokens_file.write_text("\n".join(tokens) + "\n")


def seed_responses(count: int, customers: list[Customer], rng: random.Random) -> None:
    """Answered NPS invitations on the newest interactions, with scores and a few comments."""
    if count <= 0:
        return
    version = _nps_version()
    rows = list(
        Interaction.objects.exclude(pk__in=Invitation.objects.values("interaction_id"))
        .order_by("-pk")
        .values_list("pk", "team_id", "channel", "opened_at")[:count]
    )
    for first in range(0, len(rows), BATCH):
        chunk = rows[first : first + BATCH]
        with transaction.atomic():
            invitations = Invitation.objects.bulk_create(
                [
                    Invitation(
                        version=version,
                        interaction_id=pk,
                        customer=customers[index % len(customers)],
                        token_hash=new_token()[1],
                        send_after=opened,
                        sent_at=opened,
                        expires_at=opened + datetime.timedelta(days=14),
                    )
                    for index, (pk, _team, _channel, opened) in enumerate(chunk, start=first)
                ]
            )
            answers = []
            for invitation, (_pk, team_id, channel, opened) in zip(invitations, chunk, strict=True):
                score = min(10, max(0, round(rng.gauss(7.5, 2.2))))
                answers.append(
                    Response(
                        invitation=invitation,
                        kind=SurveyKind.NPS,
                        score=score,
                        comment="Quick and friendly" if rng.random() < 0.2 else "",
                        team_id=team_id,
                        channel=channel,
                        is_poor=score <= 6,
                        submitted_at=opened + datetime.timedelta(hours=3),
                    )
                )
            Response.objects.bulk_create(answers)


def newest_answer_id() -> int:
    """The newest answer's id (0 when there is none): answers after it came from a load."""
    return Response.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def delete_answers(after: int = 0) -> int:
    """Delete the answers a write load added (those after `after`) and every follow-up; how
    many answers went. The seeded answers (up to `after`) are the dashboard's history."""
    FollowUp.objects.all().delete()
    responses, _ = Response.objects.filter(pk__gt=after).delete()
    return responses


def forget_opened() -> None:
    """Mark every invitation unopened again, as seeded."""
    Invitation.objects.exclude(opened_at=None).update(opened_at=None)
