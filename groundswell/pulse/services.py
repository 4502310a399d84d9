"""Writes for employee voice: campaigns, waves, invitations, reminders and anonymous answers."""

from __future__ import annotations

import datetime
import secrets
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import DEFAULT_DB_ALIAS, transaction
from django.db.models import Max, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.lib import leases, tokens
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, can, can_everywhere, can_somewhere, may_assign
from groundswell.pulse import item_bank, sealing, tally
from groundswell.pulse.choices import (
    COMMENT_MAX_LENGTH,
    DEFAULT_GROUP_SIZE,
    SCALES,
    SCHEDULE_MONTHS,
    ActionStatus,
    CampaignKind,
    CampaignStatus,
    QuestionKind,
    Schedule,
    TenureBand,
)
from groundswell.pulse.models import (
    ActionItem,
    Answer,
    Campaign,
    Comment,
    Participation,
    PendingSubmission,
    Question,
    Submission,
    Wave,
)

# Publishing order must not be predictable from anything stored: the system's randomness.
_shuffle = secrets.SystemRandom()


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
    if not can_somewhere(actor, Action.MANAGE_PULSES):
        raise PermissionDenied
    if min_group_size != DEFAULT_GROUP_SIZE and not can_everywhere(
        actor, Action.SET_ANONYMITY_MINIMUM
    ):
        raise ValidationError(
            {"min_group_size": _("Only an administrator may change the minimum group size.")}
        )
    _check_audience(actor, teams, departments)
    department = None if can_everywhere(actor, Action.MANAGE_PULSES) else actor.department
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
        if not can(actor, Action.MANAGE_PULSES, team):
            raise ValidationError({"teams": _("You may not survey the team %s.") % team})
    for department in departments:
        if not can(actor, Action.MANAGE_PULSES, department):
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
    from groundswell.pulse.tasks import publish_closed_waves

    transaction.on_commit(lambda: publish_closed_waves.enqueue(campaign.pk))
    return campaign


def open_due_waves(*, now: datetime.datetime) -> list[Wave]:
    """Start the next wave of every scheduled campaign whose period has passed."""
    opened = []
    campaigns = Campaign.objects.filter(
        status=CampaignStatus.OPEN, schedule__in=list(SCHEDULE_MONTHS)
    ).annotate(last_opened=Max("waves__opens_at"))
    for campaign in campaigns:
        # django-stubs does not carry annotate()'s field through a custom QuerySet's manager.
        last: datetime.datetime | None = campaign.last_opened  # type: ignore[attr-defined]
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
    working link; a reminder's new link replaces the old one. Each person is claimed before
    the mail (a lease, core/lib/leases.py) and counts as invited or reminded only once the mail
    server took it: two workers on one wave mail nobody twice, and a worker killed mid-send
    leaves the rest to the sweep (`resend_stalled_invitations`).
    """
    wave = Wave.objects.select_related("campaign").get(pk=wave_id)
    now = timezone.now()
    if wave.closes_at <= now or wave.campaign.status != CampaignStatus.OPEN:
        return 0
    pending = wave.participations.filter(person__is_active=True).filter(
        leases.unclaimed("mail_claimed_at", now)
    )
    if reminders:
        pending = pending.filter(has_completed=False, invited_at__isnull=False)
    else:
        pending = pending.filter(invited_at__isnull=True)
    sent = 0
    for participation_id, reminded_at in pending.values_list("pk", "reminded_at"):
        claimed = _claim_for_mail(participation_id, reminders, reminded_at)
        if claimed is None:
            continue
        participation, token = claimed
        try:
            _mail(participation, token, reminder=reminders)
        except Exception:
            Participation.objects.filter(
                pk=participation.pk, mail_claimed_at=participation.mail_claimed_at
            ).update(mail_claimed_at=None)
            raise
        # Done: the claim goes, `invited_at` (or a changed `reminded_at`) keeps others off.
        done = {"reminded_at": timezone.now()} if reminders else {"invited_at": timezone.now()}
        Participation.objects.filter(
            pk=participation.pk, mail_claimed_at=participation.mail_claimed_at
        ).update(mail_claimed_at=None, **done)
        sent += 1
    return sent


def _claim_for_mail(
    participation_id: int, reminder: bool, reminded_at: datetime.datetime | None
) -> tuple[Participation, str] | None:
    """Claim one invitee for a mail and give them a fresh token; None if someone else has.

    One UPDATE on the row's own columns, so of two workers racing for it one gets it: an
    invitation is claimable while nobody has mailed it, a reminder while `reminded_at` is what
    this worker read (another worker's reminder in between changes it).
    """
    now = timezone.now()
    token, digest = tokens.new_token()
    rows = Participation.objects.filter(pk=participation_id).filter(
        leases.unclaimed("mail_claimed_at", now)
    )
    if reminder:
        # `reminded_at=None` is an IS NULL test.
        rows = rows.filter(has_completed=False, invited_at__isnull=False, reminded_at=reminded_at)
    else:
        rows = rows.filter(invited_at__isnull=True)
    if not rows.update(mail_claimed_at=now, token_hash=digest):
        return None
    participation = Participation.objects.select_related("person", "wave__campaign")
    return participation.get(pk=participation_id), token


def stalled_waves(now: datetime.datetime) -> list[int]:
    """Open waves with an active invitee nobody mailed or holds, after a lease since opening.

    Their task was lost (a worker killed mid-send, a queue that was down) or failed.
    """
    # One filter() call, so that all the conditions hold for the same participation.
    unmailed = Q(
        participations__invited_at__isnull=True, participations__person__is_active=True
    ) & (
        Q(participations__mail_claimed_at__isnull=True)
        | Q(participations__mail_claimed_at__lte=now - leases.lease())
    )
    return list(
        Wave.objects.filter(
            unmailed,
            campaign__status=CampaignStatus.OPEN,
            opens_at__lte=now - leases.lease(),
            closes_at__gt=now,
        )
        .values_list("pk", flat=True)
        .distinct()
    )


def resend_stalled_invitations(*, now: datetime.datetime | None = None) -> int:
    """Enqueue the invitations of every stalled wave (see `stalled_waves`); how many waves."""
    from groundswell.pulse import tasks

    waves = stalled_waves(now or timezone.now())
    for wave_id in waves:
        tasks.send_invitations.enqueue(wave_id)
    return len(waves)


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


def wave_is_open(wave: Wave, *, now: datetime.datetime | None = None) -> bool:
    """Whether a wave still takes answers (and so shows no results yet)."""
    return wave.closes_at > (now or timezone.now()) and wave.campaign.status == CampaignStatus.OPEN


def find_participation(token: str) -> Participation:
    """The invitation behind a link, if it can still be answered.

    A leaver's link answers exactly as an unknown one, whether or not they had answered, and
    is revoked on the way so it stays unknown.
    """
    if not 0 < len(token) <= tokens.MAX_TOKEN_LENGTH:
        raise LinkUnavailable("unknown")
    participation = (
        Participation.objects.select_related("wave__campaign", "person")
        .filter(token_hash=tokens.hash_token(token), invited_at__isnull=False)
        .first()
    )
    if participation is None:
        raise LinkUnavailable("unknown")
    if not participation.person.is_active:
        revoke_invitations(person=participation.person)
        raise LinkUnavailable("unknown")
    if participation.has_completed:
        raise LinkUnavailable("used")
    if not wave_is_open(participation.wave):
        raise LinkUnavailable("expired")
    return participation


def revoke_invitations(*, person: Person) -> int:
    """Make every link of `person` to a wave still open unusable; returns how many.

    Only the digest changes, never `has_completed`, so a revoked link looks the same whether
    or not it had been used. People's deactivation may call this; answering and sending
    check `is_active` themselves in any case.
    """
    now = timezone.now()
    open_links = Participation.objects.filter(
        person=person, wave__closes_at__gt=now, wave__campaign__status=CampaignStatus.OPEN
    ).values_list("pk", flat=True)
    revoked = 0
    for pk in list(open_links):
        revoked += Participation.objects.filter(pk=pk).update(token_hash=tokens.unusable_hash())
    return revoked


def revoke_leavers_invitations(person: Person) -> int:
    """The people hook for a deactivation (see `people.hooks`)."""
    return revoke_invitations(person=person)


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
    """Mark the invitation answered and hold the anonymous answers until the wave closes.

    The answers wait in the pending pool with the team, a tenure band and nothing else; they
    are published with everyone else's, in a random order, when the wave closes.
    """
    participation = find_participation(token)
    questions = list(participation.wave.campaign.questions.all())
    values = clean_answers(questions, answers)
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            {"comment": _("Keep the comment under %s characters.") % f"{COMMENT_MAX_LENGTH:,}"}
        )
    with transaction.atomic():
        # The wave's row lock orders this answer before any publishing of the wave: an answer
        # that arrives once publishing has begun finds the wave closed.
        wave = (
            Wave.objects.select_for_update()
            .select_related("campaign")
            .get(pk=participation.wave_id)
        )
        if not wave_is_open(wave):
            raise LinkUnavailable("expired")
        claimed = Participation.objects.filter(pk=participation.pk, has_completed=False).update(
            has_completed=True
        )
        if not claimed:
            raise LinkUnavailable("used")
        hold_answers(wave=wave, person=participation.person, values=values, comment=comment)


@transaction.atomic(savepoint=False)  # no savepoint: a PostgreSQL subtransaction id of its own
def hold_answers(*, wave: Wave, person: Person, values: dict[int, int], comment: str) -> None:
    """Put one person's answers in the wave's pending pool, sealed, with nothing that names them.

    The one writer of anonymous answers: the answer page and the demo both come here. Each
    answer is one row holding a Fernet token only: every token of the wave has the same length
    and shows the same time (the wave's opening), so without SECRET_KEY a row says that
    someone answered and nothing else. Its position and transaction id follow the answer, but
    what they point at cannot be read, and at publication the rows are opened, shuffled and
    stored as submissions that keep no trace of them (see docs/anonymity.md).

    An earlier version rewrote the whole pool, shuffled, on every answer, so that a snapshot
    taken with the key could not tie a row to an answer either; at 1,000 pending answers that
    cost 95 ms a submit on SQLite and 238 ms on PostgreSQL, growing with the square of the
    wave (and 1.4 GB of PostgreSQL write-ahead log for the wave), so it was dropped.
    """
    payload = {
        "department": person.department_id,
        "team": person.team_id,
        "tenure_band": tenure_band(person.hire_date, timezone.localdate()),
        "values": {str(pk): value for pk, value in values.items()},
        "comment": comment,
    }
    sealed = sealing.seal(payload, size=sealing.padded_size(len(values)), moment=wave.opens_at)
    PendingSubmission.objects.create(wave=wave, sealed=sealed)


# --- Publishing --------------------------------------------------------------------------------


def publish_wave(wave_id: int) -> int:
    """Move a closed wave's pending answers into its submissions; returns how many.

    All of them at once, in one transaction, in a random order: the stored rows share one
    transaction id and their physical order is a shuffle, so neither follows the order in
    which people answered. A department, team or tenure band shared by fewer respondents
    than the minimum is not stored (see `coarsen`). Safe to run again: a wave that is still
    open, or has nothing pending, is left as it is. Pending answers sealed under a secret key
    that is neither SECRET_KEY nor one of SECRET_KEY_FALLBACKS raise `sealing.PoolKeyMismatch`
    and stay pending.
    """
    with transaction.atomic():
        wave = Wave.objects.select_for_update().select_related("campaign").get(pk=wave_id)
        if wave_is_open(wave):
            return 0
        pending = list(PendingSubmission.objects.filter(wave=wave).order_by("id"))
        if not pending:
            return 0
        payloads = sealing.unseal_all((row.sealed for row in pending), wave=wave)
        _shuffle.shuffle(payloads)
        cells = coarsen(
            [(p["department"], p["team"], p["tenure_band"]) for p in payloads],
            wave.campaign.min_group_size,
        )
        today = timezone.localdate()
        submissions = [
            Submission(
                wave=wave,
                department_id=department,
                team_id=team,
                tenure_band=band,
                submitted_on=today,
            )
            for department, team, band in cells
        ]
        Submission.objects.bulk_create(submissions)
        Answer.objects.bulk_create(
            (
                Answer(submission=submission, question_id=int(pk), value=value)
                for submission, payload in zip(submissions, payloads, strict=True)
                for pk, value in payload["values"].items()
            ),
            batch_size=2000,
        )
        Comment.objects.bulk_create(
            Comment(submission=submission, text=payload["comment"])
            for submission, payload in zip(submissions, payloads, strict=True)
            if payload["comment"]
        )
        PendingSubmission.objects.filter(pk__in=[row.pk for row in pending]).delete()
        # Counted once, now, for every report of the wave to read (pulse/tally.py).
        tally.store(
            wave,
            (
                (department, team, {int(pk): value for pk, value in payload["values"].items()})
                for (department, team, _band), payload in zip(cells, payloads, strict=True)
            ),
        )
        return len(submissions)


def publish_closed_waves(*, campaign: Campaign | None = None) -> int:
    """Publish every closed wave that still holds pending answers; returns answers published."""
    now = timezone.now()
    waves = Wave.objects.filter(pending_submissions__isnull=False).filter(
        Q(closes_at__lte=now) | ~Q(campaign__status=CampaignStatus.OPEN)
    )
    if campaign is not None:
        waves = waves.filter(campaign=campaign)
    return sum(publish_wave(pk) for pk in set(waves.values_list("pk", flat=True)))


def is_published(wave: Wave, *, using: str = DEFAULT_DB_ALIAS) -> bool:
    """Whether a wave's results may be shown: it has closed and every answer is stored.

    Results read from the replica (`using`) ask the replica too: publishing moves every
    pending answer in one transaction, so a replica that has no pending answer left for the
    wave holds all of its submissions."""
    if wave_is_open(wave):
        return False
    return not PendingSubmission.objects.using(using).filter(wave_id=wave.pk).exists()


Cell = tuple[int | None, int | None, str]


def coarsen(cells: Sequence[Cell], minimum: int) -> list[Cell]:
    """The (department, team, tenure band) each respondent is stored with, in the same order.

    Whoever can read the database knows who answered and each one's team and tenure, so a
    stored value shared by fewer than `minimum` respondents would point at them. So a team
    under the minimum is not stored (its people count as their department's "no team"
    group, which takes in the department's smallest teams until it reaches the minimum); a
    department still under the minimum is not stored either (that group takes in the
    smallest departments likewise); and tenure bands are kept in a group only when every
    band in it reaches the minimum.
    """
    departments = [cell[0] for cell in cells]
    teams = [cell[1] for cell in cells]
    bands = [cell[2] for cell in cells]
    everyone = range(len(cells))
    team_sizes = Counter(zip(departments, teams, strict=True))
    for i in everyone:
        if teams[i] is not None and team_sizes[(departments[i], teams[i])] < minimum:
            teams[i] = None
    for department in set(departments):
        _fill_pool([i for i in everyone if departments[i] == department], teams, minimum)
    department_sizes = Counter(departments)
    for i in everyone:
        if departments[i] is not None and department_sizes[departments[i]] < minimum:
            departments[i] = teams[i] = None
    _fill_pool(list(everyone), departments, minimum, also=teams)
    groups = list(zip(departments, teams, strict=True))
    band_sizes = Counter(zip(groups, bands, strict=True))
    mixed = {group for (group, _band), size in band_sizes.items() if size < minimum}
    for i in everyone:
        if groups[i] in mixed:
            bands[i] = TenureBand.UNKNOWN
    return [(departments[i], teams[i], str(bands[i])) for i in everyone]


def _fill_pool(
    members: list[int], labels: list[int | None], minimum: int, also: list[int | None] | None = None
) -> None:
    """Clear the smallest labels among `members` until those without one reach the minimum."""
    while True:
        pool = [i for i in members if labels[i] is None]
        others = Counter(labels[i] for i in members if labels[i] is not None)
        if not pool or len(pool) >= minimum or not others:
            return
        smallest = min(others, key=lambda label: (others[label], label))
        for i in members:
            if labels[i] == smallest:
                labels[i] = None
                if also is not None:
                    also[i] = None


# --- Actions on results ("you said, we did") ---------------------------------------------------


@transaction.atomic
def create_action_item(
    *,
    actor: Person,
    wave: Wave,
    element: str,
    team: Team | None = None,
    department: Department | None = None,
    title: str,
    description: str = "",
    owner: Person,
    due_on: datetime.date,
) -> ActionItem:
    """An action a lead or manager takes on an element of a published wave, for a team or a
    department in their reach, with an owner who ranks below them (or themselves)."""
    if not can_somewhere(actor, Action.ACT_ON_EMPLOYEE_VOICE):
        raise PermissionDenied
    if (team is None) == (department is None):
        raise ValidationError({"scope": _("Choose one team or one department.")})
    scope: Team | Department = team if team is not None else department  # type: ignore[assignment]
    if not can(actor, Action.ACT_ON_EMPLOYEE_VOICE, scope):
        field = "team" if team is not None else "department"
        raise ValidationError({field: _("You may not plan actions for %s.") % scope})
    if not is_published(wave):
        raise ValidationError(
            {"wave": _("This wave is still open: plan actions once its results are published.")}
        )
    if due_on < timezone.localdate():
        raise ValidationError({"due_on": _("The due date has already passed.")})
    _check_owner(actor, owner, scope)
    item = ActionItem(
        wave=wave,
        element=element,
        element_label=_measure_label(wave.campaign, element),
        team=team,
        department=department,
        title=title.strip(),
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        created_by=actor,
    )
    item.full_clean()
    item.save()
    return item


ACTION_FIELDS = ("title", "description", "owner", "due_on", "status")


@transaction.atomic
def update_action_item(*, actor: Person, item: ActionItem, **changes: Any) -> ActionItem:
    """Change an action's status, owner, due date or words (who may plan it there may)."""
    unknown = set(changes) - set(ACTION_FIELDS)
    if unknown:
        raise TypeError(f"update_action_item() cannot change {sorted(unknown)}")
    if not can(actor, Action.ACT_ON_EMPLOYEE_VOICE, item.scope):
        raise PermissionDenied
    if "status" in changes and changes["status"] not in ActionStatus.values:
        raise ValidationError({"status": _("Unknown status: %s.") % changes["status"]})
    if "owner" in changes and changes["owner"] != item.owner:
        _check_owner(actor, changes["owner"], item.scope)
    new_due = changes.get("due_on", item.due_on)
    if new_due != item.due_on and new_due < timezone.localdate():
        raise ValidationError({"due_on": _("The due date has already passed.")})
    for name in ("title", "description"):
        if name in changes:
            changes[name] = changes[name].strip()
    for name, value in changes.items():
        setattr(item, name, value)
    item.full_clean()
    item.save(update_fields=[*changes, "updated_at"])
    return item


def _check_owner(actor: Person, owner: Person, scope: Team | Department) -> None:
    """The planner owns it, or hands it to someone of the scope's department who ranks below
    them (permissions.may_assign)."""
    department = scope.department if isinstance(scope, Team) else scope
    if owner.pk == actor.pk and owner.is_active:
        return
    if owner.department_id != department.pk or not may_assign(
        actor, Action.ACT_ON_EMPLOYEE_VOICE, owner
    ):
        message = _("Choose yourself, or someone in %(department)s who ranks below you.")
        raise ValidationError({"owner": message % {"department": department}})


def measures_of(campaign: Campaign) -> list[tuple[str, str]]:
    """The campaign's elements (and own statements) as (code, name), in question order."""
    measures: dict[str, str] = {}
    for question in campaign.questions.all():
        if question.kind == QuestionKind.AGREEMENT:
            code = question.element or f"q{question.pk}"
            label = item_bank.ELEMENT_LABELS.get(question.element, question.text)
            measures.setdefault(code, str(label))
    return list(measures.items())


def _measure_label(campaign: Campaign, code: str) -> str:
    label = dict(measures_of(campaign)).get(code)
    if label is None:
        raise ValidationError({"element": _("The campaign asked about no element %s.") % code})
    return label
