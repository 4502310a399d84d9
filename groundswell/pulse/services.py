"""Writes for employee voice: campaigns, waves, invitations, reminders and anonymous answers."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, Scope, can, scope_for
from groundswell.pulse import item_bank, tokens
from groundswell.pulse.choices import (
    COMMENT_MAX_LENGTH,
    DEFAULT_GROUP_SIZE,
    SCALES,
    SCHEDULE_MONTHS,
    CampaignKind,
    CampaignStatus,
    QuestionKind,
    Schedule,
    TenureBand,
)
from groundswell.pulse.models import (
    Answer,
    Campaign,
    Comment,
    Participation,
    Question,
    Submission,
    Wave,
)


class LinkUnavailable(Exception):
    """The answer link is unknown, already used, or its wave has closed; `reason` says which."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


# --- Campaigns ---------------------------------------------------------------------------------


@transaction.atomic
def create_campaign(
    *,
    actor: Person,
    name: str,
    kind: str,
    schedule: str = Schedule.ONCE,
    teams: Iterable[Team] = (),
    departments: Iterable[Department] = (),
    elements: list[str] | None = None,
    include_enps: bool = True,
    custom_statements: Iterable[str] = (),
    min_group_size: int = DEFAULT_GROUP_SIZE,
    open_days: int = 14,
) -> Campaign:
    """A draft campaign with its questions copied from the item bank (and any custom ones)."""
    teams, departments = list(teams), list(departments)
    if not can(actor, Action.MANAGE_PULSES):
        raise PermissionDenied
    if min_group_size != DEFAULT_GROUP_SIZE and not can(actor, Action.SET_ANONYMITY_MINIMUM):
        raise ValidationError(
            {"min_group_size": _("Only an administrator may change the minimum group size.")}
        )
    _check_audience(actor, teams, departments)
    department = None if scope_for(actor, Action.MANAGE_PULSES) == Scope.ALL else actor.department
    campaign = Campaign(
        name=name.strip(),
        kind=kind,
        schedule=schedule,
        department=department,
        min_group_size=min_group_size,
        open_days=open_days,
        created_by=actor,
    )
    campaign.full_clean()
    campaign.save()
    campaign.audience_teams.set(teams)
    campaign.audience_departments.set(departments)
    questions = _questions(kind, elements, include_enps, custom_statements)
    if not any(q.kind == QuestionKind.AGREEMENT for q in questions) and not include_enps:
        raise ValidationError({"elements": _("Choose at least one element or the eNPS question.")})
    for position, question in enumerate(questions, start=1):
        question.campaign, question.position = campaign, position
    Question.objects.bulk_create(questions)
    return campaign


def _check_audience(actor: Person, teams: list[Team], departments: list[Department]) -> None:
    if not teams and not departments:
        raise ValidationError({"teams": _("Choose at least one team or department to ask.")})
    for team in teams:
        if not can(actor, Action.MANAGE_PULSES, team=team):
            raise ValidationError({"teams": _("You may not survey the team %s.") % team})
    for department in departments:
        if not can(actor, Action.MANAGE_PULSES, department=department):
            raise ValidationError({"departments": _("You may not survey %s.") % department})


def _questions(
    kind: str, elements: list[str] | None, include_enps: bool, custom: Iterable[str]
) -> list[Question]:
    chosen = None if kind == CampaignKind.CULTURE else (elements or [])
    unknown = set(chosen or []) - set(item_bank.ELEMENT_LABELS)
    if unknown:
        raise ValidationError({"elements": _("Unknown element: %s.") % ", ".join(sorted(unknown))})
    questions = []
    if include_enps:
        questions.append(Question(kind=QuestionKind.ENPS, text=str(item_bank.ENPS_TEXT)))
    questions += [
        Question(
            kind=QuestionKind.AGREEMENT,
            element=item.element,
            item_code=item.code,
            text=str(item.text),
            is_reversed=item.is_reversed,
        )
        for item in item_bank.items_for(chosen)
    ]
    for text in custom:
        if text.strip():
            questions.append(Question(kind=QuestionKind.AGREEMENT, text=text.strip()[:300]))
    return questions


def audience(campaign: Campaign) -> list[Person]:
    """The active people of the campaign's teams and departments, resolved now."""
    team_ids = list(campaign.audience_teams.values_list("pk", flat=True))
    department_ids = list(campaign.audience_departments.values_list("pk", flat=True))
    return list(
        Person.objects.active()
        .filter(Q(team_id__in=team_ids) | Q(department_id__in=department_ids))
        .order_by("pk")
    )


@transaction.atomic
def launch_campaign(*, actor: Person, campaign: Campaign) -> Wave:
    """Open a draft campaign: its first wave invites the audience by email."""
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if campaign.status != CampaignStatus.DRAFT:
        raise ValidationError({"status": _("Only a draft campaign can be launched.")})
    if not audience(campaign):
        raise ValidationError({"teams": _("Nobody is in this campaign's audience yet.")})
    campaign.status = CampaignStatus.OPEN
    campaign.save(update_fields=["status"])
    return open_wave(campaign=campaign, now=timezone.now())


@transaction.atomic
def open_wave(*, campaign: Campaign, now: datetime.datetime) -> Wave:
    """A new wave of an open campaign, with an invitation for everyone in the audience."""
    number = (campaign.waves.aggregate(last=Max("number"))["last"] or 0) + 1
    wave = Wave.objects.create(
        campaign=campaign,
        number=number,
        opens_at=now,
        closes_at=now + datetime.timedelta(days=campaign.open_days),
    )
    Participation.objects.bulk_create(
        Participation(wave=wave, person=person, token_hash=tokens.unusable_hash())
        for person in audience(campaign)
    )
    from groundswell.pulse.tasks import send_invitations

    transaction.on_commit(lambda: send_invitations.enqueue(wave.pk))
    return wave


@transaction.atomic
def close_campaign(*, actor: Person, campaign: Campaign) -> Campaign:
    """Stop a campaign: its open wave stops taking answers and no new wave starts."""
    campaign.status = CampaignStatus.CLOSED
    campaign.save(update_fields=["status"])
    now = timezone.now()
    campaign.waves.filter(closes_at__gt=now).update(closes_at=now)
    return campaign


def open_due_waves(*, now: datetime.datetime) -> list[Wave]:
    """Start the next wave of every scheduled campaign whose period has passed."""
    opened = []
    campaigns = Campaign.objects.filter(
        status=CampaignStatus.OPEN, schedule__in=list(SCHEDULE_MONTHS)
    ).annotate(last_opened=Max("waves__opens_at"))
    for campaign in campaigns:
        last: datetime.datetime | None = campaign.last_opened
        months = SCHEDULE_MONTHS[Schedule(campaign.schedule)]
        if last is None or _add_months(last, months) <= now:
            opened.append(open_wave(campaign=campaign, now=now))
    return opened


def _add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    return moment.replace(year=year, month=month, day=min(moment.day, 28))


# --- Invitations and reminders -----------------------------------------------------------------


def send_invitations(wave_id: int, *, reminders: bool = False) -> int:
    """Mail a fresh personal link to each invitee (or, for reminders, each who has not answered).

    The token is made here and only its digest saved, so no queue or table ever holds a
    working link; a reminder's new link replaces the old one.
    """
    wave = Wave.objects.select_related("campaign").get(pk=wave_id)
    now = timezone.now()
    if wave.closes_at <= now or wave.campaign.status != CampaignStatus.OPEN:
        return 0
    pending = wave.participations.select_related("person").filter(person__is_active=True)
    if reminders:
        pending = pending.filter(has_completed=False, invited_at__isnull=False)
    else:
        pending = pending.filter(invited_at__isnull=True)
    sent = 0
    for participation in pending:
        token, digest = tokens.new_token()
        participation.token_hash = digest
        if reminders:
            participation.reminded_at = now
            participation.save(update_fields=["token_hash", "reminded_at"])
        else:
            participation.invited_at = now
            participation.save(update_fields=["token_hash", "invited_at"])
        _mail(participation, token, reminder=reminders)
        sent += 1
    return sent


def _mail(participation: Participation, token: str, *, reminder: bool) -> None:
    link = settings.SITE_URL + reverse("pulse-answer:page", kwargs={"token": token})
    context = {
        "person": participation.person,
        "wave": participation.wave,
        "campaign": participation.wave.campaign,
        "link": link,
        "reminder": reminder,
    }
    message = EmailMultiAlternatives(
        subject=render_to_string("pulse/email/invitation_subject.txt", context).strip(),
        body=render_to_string("pulse/email/invitation.txt", context),
        to=[participation.person.email],
    )
    message.attach_alternative(
        render_to_string("pulse/email/invitation.html", context), "text/html"
    )
    message.send()


def remind_open_waves() -> int:
    """Remind everyone who has not answered a wave that is still open; returns mails sent."""
    now = timezone.now()
    waves = Wave.objects.filter(
        campaign__status=CampaignStatus.OPEN, opens_at__lte=now, closes_at__gt=now
    )
    return sum(send_invitations(wave.pk, reminders=True) for wave in waves)


# --- Answering ---------------------------------------------------------------------------------


def find_participation(token: str) -> Participation:
    """The invitation behind a link, if it can still be answered."""
    if not 0 < len(token) <= tokens.MAX_TOKEN_LENGTH:
        raise LinkUnavailable("unknown")
    participation = (
        Participation.objects.select_related("wave__campaign")
        .filter(token_hash=tokens.hash_token(token), invited_at__isnull=False)
        .first()
    )
    if participation is None:
        raise LinkUnavailable("unknown")
    if participation.has_completed:
        raise LinkUnavailable("used")
    wave = participation.wave
    if wave.closes_at <= timezone.now() or wave.campaign.status != CampaignStatus.OPEN:
        raise LinkUnavailable("expired")
    return participation


def tenure_band(hire_date: datetime.date | None, today: datetime.date) -> TenureBand:
    """The coarse band of a hire date; exact dates would narrow a team down too far."""
    if hire_date is None:
        return TenureBand.UNKNOWN
    years = (today - hire_date).days / 365.25
    if years < 1:
        return TenureBand.UNDER_ONE
    return TenureBand.ONE_TO_THREE if years < 3 else TenureBand.OVER_THREE


def clean_answers(questions: Iterable[Question], raw: dict[str, Any]) -> dict[int, int]:
    """Every question answered with a whole number inside its scale, or a ValidationError."""
    values, errors = {}, {}
    for question in questions:
        field = f"q{question.pk}"
        low, high = SCALES[question.kind]
        value = raw.get(field)
        if value is None or value == "":
            errors[field] = _("Please answer this question.")
            continue
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or isinstance(value, bool) or not low <= number <= high:
            errors[field] = _("Choose a whole number from %(low)s to %(high)s.") % {
                "low": low,
                "high": high,
            }
            continue
        values[question.pk] = number
    if errors:
        raise ValidationError(errors)
    return values


def submit_answers(*, token: str, answers: dict[str, Any], comment: str = "") -> None:
    """Record an anonymous submission and mark the invitation answered, in one transaction.

    The submission keeps the team, a tenure band and the day; it is not linked to the
    invitation in any way, so nothing can lead from the person to what they said.
    """
    participation = find_participation(token)
    questions = list(participation.wave.campaign.questions.all())
    values = clean_answers(questions, answers)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"comment": _("Keep the comment under %s characters.") % f"{COMMENT_MAX_LENGTH:,}"}
        )
    person = Person.objects.get(pk=participation.person_id)
    today = timezone.localdate()
    with transaction.atomic():
        claimed = Participation.objects.filter(pk=participation.pk, has_completed=False).update(
            has_completed=True
        )
        if not claimed:
            raise LinkUnavailable("used")
        submission = Submission.objects.create(
            wave_id=participation.wave_id,
            department_id=person.department_id,
            team_id=person.team_id,
            tenure_band=tenure_band(person.hire_date, today),
            submitted_on=today,
        )
        Answer.objects.bulk_create(
            Answer(submission=submission, question_id=pk, value=value)
            for pk, value in values.items()
        )
        if comment:
            Comment.objects.create(submission=submission, text=comment)
