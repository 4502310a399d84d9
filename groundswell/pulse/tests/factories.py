"""Building campaigns and answers for tests, through the services where it matters."""

from __future__ import annotations

import datetime
import re
from collections.abc import Sequence

from django.core import mail
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone

from groundswell.people.models import Department, Person, Team
from groundswell.people.tests.factories import PersonFactory
from groundswell.pulse import services
from groundswell.pulse.choices import CampaignKind, CampaignStatus
from groundswell.pulse.models import Answer, Campaign, Question, Submission, Wave

LINK = re.compile(r"/p/([A-Za-z0-9_-]+)/")


def links_in_outbox() -> dict[str, str]:
    """Email address -> the token of the newest personal link mailed to it."""
    tokens = {}
    for message in mail.outbox:
        found = LINK.search(message.body)
        if found:
            tokens[message.to[0]] = found.group(1)
    return tokens


def launched(
    actor: Person,
    *,
    teams: Sequence[Team] = (),
    departments: Sequence[Department] = (),
    kind: str = CampaignKind.PULSE,
    elements: list[str] | None = None,
    **extra: object,
) -> tuple[Campaign, Wave, dict[str, str]]:
    """A launched campaign, its first wave, and each invitee's link token."""
    campaign = services.create_campaign(
        actor=actor,
        name="Spring pulse",
        kind=kind,
        teams=teams,
        departments=departments,
        elements=elements if elements is not None else ["management", "training"],
        **extra,
    )
    mail.outbox.clear()
    with TestCase.captureOnCommitCallbacks(execute=True):
        wave = services.launch_campaign(actor=actor, campaign=campaign)
    return campaign, wave, links_in_outbox()


ANSWER_PAGE = "/p/answer/"


def link_url(token: str) -> str:
    return reverse("pulse-answer:page", kwargs={"token": token})


def open_link(token: str, client: Client | None = None) -> Client:
    """A browser that has followed the emailed link (and so holds its token in a cookie)."""
    client = client or Client()
    response = client.get(link_url(token))
    assert response.status_code == 302
    assert response["Location"] == ANSWER_PAGE
    return client


def answer_through_link(token: str, answers: dict[str, str], comment: str = "") -> int:
    """Answer as a person does: open the link, send the form; returns the POST's status."""
    client = open_link(token)
    return client.post(ANSWER_PAGE, {**answers, "comment": comment}).status_code


def close(actor: Person, campaign: Campaign) -> None:
    """Close the campaign the way a manager does, running the publishing task it schedules."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        services.close_campaign(actor=actor, campaign=campaign)


def full_answers(campaign: Campaign, agreement: int = 4, enps: int = 9) -> dict[str, str]:
    return {
        f"q{q.pk}": str(enps if q.kind == "enps" else agreement) for q in campaign.questions.all()
    }


def fake_wave(campaign: Campaign, number: int = 1, days_ago: int = 0) -> Wave:
    """A wave that closed `days_ago` days ago (a minute ago for 0), so its results show."""
    opens = timezone.now() - datetime.timedelta(days=days_ago + 14, minutes=1)
    if campaign.status == CampaignStatus.DRAFT:
        campaign.status = CampaignStatus.OPEN
        campaign.save(update_fields=["status"])
    return Wave.objects.create(
        campaign=campaign,
        number=number,
        opens_at=opens,
        closes_at=opens + datetime.timedelta(days=14),
    )


def add_submissions(
    wave: Wave,
    team: Team | None,
    rows: Sequence[Sequence[int]],
    department: Department | None = None,
) -> None:
    """One submission per row; a row holds a value per campaign question, in order."""
    questions = list(Question.objects.filter(campaign=wave.campaign_id).order_by("position"))
    for row in rows:
        submission = Submission.objects.create(
            wave=wave,
            team=team,
            department=department or team.department,
            tenure_band="1to3",
            submitted_on=timezone.localdate(),
        )
        Answer.objects.bulk_create(
            Answer(submission=submission, question=q, value=v)
            for q, v in zip(questions, row, strict=True)
        )


def members(team: Team, count: int) -> list[Person]:
    return PersonFactory.create_batch(count, team=team, department=team.department)
