"""Customer-voice writes: inviting customers, recording their answers, closing the loop."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.lib import tokens
from groundswell.core.lib.prepared import PreparedLookup
from groundswell.desk.choices import Channel
from groundswell.desk.models import Interaction
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can, can_everywhere
from groundswell.voice import surveys, tasks
from groundswell.voice.choices import (
    FollowUpOutcome,
    FollowUpStatus,
    InvitationChannel,
    SurveyKind,
)
from groundswell.voice.models import FollowUp, Invitation, Response, Survey, SurveyVersion

# A customer may change their answer for this long after first sending it.
EDIT_WINDOW = datetime.timedelta(minutes=30)
COMMENT_MAX_LENGTH = 5000
KIND_PREFERENCE = (SurveyKind.CSAT, SurveyKind.CES, SurveyKind.NPS)


class InvitationUnavailable(Exception):
    """The link is unknown or has expired (the two are never told apart to the visitor)."""


class AlreadyAnswered(Exception):
    """The invitation was answered and the window for changing the answer has passed."""


# Choosing and inviting ----------------------------------------------------------------------------


def survey_for(interaction: Interaction, *, kind: str | None = None) -> Survey | None:
    """The active survey for this interaction's channel.

    A survey that names the channel wins over one that covers every channel; among equals
    CSAT comes before CES before NPS, so one interaction never gets more than one survey.
    """
    candidates = Survey.objects.filter(is_active=True)
    if kind is not None:
        candidates = candidates.filter(kind=kind)
    ranked = []
    for survey in candidates:
        if survey.channels and interaction.channel not in survey.channels:
            continue
        specific = 0 if survey.channels else 1
        preference = KIND_PREFERENCE.index(SurveyKind(survey.kind))
        ranked.append((specific, preference, survey.pk, survey))
    return min(ranked, key=lambda row: row[:3])[3] if ranked else None


def current_version(survey: Survey) -> SurveyVersion:
    """The newest wording of a survey."""
    version = survey.versions.order_by("-number").first()
    if version is None:
        raise ValidationError({"survey": _("This survey has no questions yet.")})
    return version


def _recently_surveyed(customer_id: int, days: int, now: datetime.datetime) -> bool:
    since = now - datetime.timedelta(days=days)
    return Invitation.objects.filter(customer_id=customer_id, created_at__gte=since).exists()


def _language(code: str) -> str:
    known = {language for language, _name in settings.LANGUAGES}
    return code if code in known else settings.LANGUAGE_CODE


@transaction.atomic
def _create_invitation(
    *,
    interaction: Interaction,
    survey: Survey,
    channel: str,
    send_after: datetime.datetime,
    sent_at: datetime.datetime | None = None,
    with_link: bool = True,
) -> tuple[Invitation, str]:
    customer = interaction.customer
    if customer is None:
        raise ValidationError(
            {"interaction": _("Only interactions with a customer can be surveyed.")}
        )
    # An emailed invitation gets its token when the mail goes out (`claim_for_sending`).
    token, token_hash = tokens.new_token() if with_link else ("", tokens.unusable_hash())
    invitation = Invitation.objects.create(
        version=current_version(survey),
        interaction=interaction,
        customer=customer,
        token_hash=token_hash,
        channel=channel,
        language=_language(customer.language),
        send_after=send_after,
        sent_at=sent_at,
        expires_at=send_after + datetime.timedelta(days=survey.expiry_days),
    )
    return invitation, token


def invite_after_resolution(interaction: Interaction) -> Invitation | None:
    """Invite the customer of a resolved interaction to a survey, when the rules allow.

    Nobody is asked about an internal request or without an email address, an opted-out
    customer never, and a customer at most once per the survey's re-survey window. The
    email goes out from the task queue after the survey's delay.
    """
    customer = interaction.customer
    if customer is None or not customer.email or customer.is_opted_out:
        return None
    survey = survey_for(interaction)
    if survey is None:
        return None
    now = timezone.now()
    if _recently_surveyed(customer.pk, survey.resurvey_days, now):
        return None
    resolved_at = interaction.resolved_at or now
    send_after = resolved_at + datetime.timedelta(minutes=survey.send_delay_minutes)
    try:
        invitation, _token = _create_invitation(
            interaction=interaction,
            survey=survey,
            channel=InvitationChannel.EMAIL,
            send_after=send_after,
            with_link=False,
        )
    except IntegrityError:  # this interaction already has an invitation to this version
        return None
    # Only the id goes to the queue: the send task makes the link's token when it mails it, so
    # neither the queue's stored arguments nor the table ever hold a working link.
    transaction.on_commit(partial(_enqueue_send, invitation.pk, send_after))
    return invitation


def _enqueue_send(invitation_id: int, send_after: datetime.datetime) -> None:
    task = tasks.send_invitation
    if task.get_backend().supports_defer and send_after > timezone.now():
        task = task.using(run_after=send_after)
    task.enqueue(invitation_id)


def survey_link(token: str, *, score: int | None = None) -> str:
    """The absolute address of the public survey page, with a preselected score if given."""
    path = reverse("survey:page", kwargs={"token": token})
    query = f"?score={score}" if score is not None else ""
    return f"{settings.SITE_URL}{path}{query}"


def create_link_invitation(
    *, actor: Person, interaction: Interaction, kind: str | None = None
) -> tuple[Invitation, str]:
    """An invitation for an interaction handled in another system; the link is returned once."""
    if not can(actor, Action.CHANGE_INTERACTIONS, interaction.team):
        raise PermissionDenied
    customer = interaction.customer
    if customer is None:
        raise ValidationError(
            {"interaction": _("Only interactions with a customer can be surveyed.")}
        )
    if customer.is_opted_out:
        raise ValidationError({"customer": _("This customer has opted out of surveys.")})
    survey = survey_for(interaction, kind=kind)
    if survey is None:
        raise ValidationError({"kind": _("No active survey covers this interaction's channel.")})
    now = timezone.now()
    if _recently_surveyed(customer.pk, survey.resurvey_days, now):
        message = _("This customer was asked in the last %(days)s days.")
        raise ValidationError({"customer": message % {"days": survey.resurvey_days}})
    try:
        invitation, token = _create_invitation(
            interaction=interaction,
            survey=survey,
            channel=InvitationChannel.LINK,
            send_after=now,
            sent_at=now,
        )
    except IntegrityError:
        raise ValidationError(
            {"interaction": _("This interaction already has an invitation.")}
        ) from None
    return invitation, survey_link(token)


def claim_for_sending(invitation_id: int) -> tuple[Invitation, str] | None:
    """Claim an unsent, unexpired invitation and give it a fresh link token; None if not ours.

    The token is made here, by the mail task, and only its digest is saved: nothing that the
    queue or the database keeps (task arguments, results, backups) holds a working link.
    """
    now = timezone.now()
    token, token_hash = tokens.new_token()
    claimed = Invitation.objects.filter(
        pk=invitation_id,
        sent_at__isnull=True,
        expires_at__gt=now,
        customer__is_opted_out=False,
    ).update(sent_at=now, token_hash=token_hash)
    if not claimed:
        return None
    invitation = Invitation.objects.select_related("version__survey", "interaction", "customer")
    return invitation.get(pk=invitation_id), token


def unmark_sent(invitation: Invitation) -> None:
    """Sending failed: let a retry claim the invitation again."""
    Invitation.objects.filter(pk=invitation.pk).update(sent_at=None)


# The public page ----------------------------------------------------------------------------------


# The survey page's one lookup, compiled once per connection (see core/lib/prepared.py): with
# the version, survey, response and the three interaction fields an answer copies.
_INVITATION_BY_HASH = PreparedLookup(
    Invitation,
    lambda token_hash: Invitation.objects.filter(token_hash=token_hash),
    related={
        "version": None,
        "version__survey": None,
        "interaction": ("team_id", "handled_by_id", "channel"),
        "response": None,
    },
)


def find_invitation(token: str) -> Invitation:
    """The open invitation behind a link, with what its page needs, in one query."""
    if not tokens.looks_like_token(token):
        raise InvitationUnavailable
    invitation = _INVITATION_BY_HASH.get(tokens.hash_token(token))
    if invitation is None or invitation.expires_at <= timezone.now():
        raise InvitationUnavailable
    return invitation


def existing_response(invitation: Invitation) -> Response | None:
    try:
        return invitation.response
    except Response.DoesNotExist:
        return None


def can_still_change(response: Response, now: datetime.datetime | None = None) -> bool:
    return (now or timezone.now()) - response.submitted_at <= EDIT_WINDOW


def mark_opened(invitation: Invitation) -> None:
    """Note the first time the page was opened. Opening never records an answer."""
    if invitation.opened_at is None:
        invitation.opened_at = timezone.now()
        Invitation.objects.filter(pk=invitation.pk, opened_at__isnull=True).update(
            opened_at=invitation.opened_at
        )


def _clean_answer(
    kind: str, score: int, comment: str, reasons: Sequence[str], allowed: Sequence[str]
) -> tuple[int, str, list[str]]:
    errors: dict[str, str] = {}
    low, high = surveys.scale(kind)[0], surveys.scale(kind)[-1]
    if not low <= score <= high:
        errors["score"] = _("Choose a score from %(low)s to %(high)s.") % {"low": low, "high": high}
    if len(comment) > COMMENT_MAX_LENGTH:
        errors["comment"] = _("Please keep the comment under %(max)s characters.") % {
            "max": COMMENT_MAX_LENGTH
        }
    unknown = [code for code in reasons if code not in allowed]
    if unknown:
        errors["reasons"] = _("Unknown reason: %(codes)s.") % {"codes": ", ".join(unknown)}
    if errors:
        raise ValidationError(errors)
    return score, comment.strip(), list(dict.fromkeys(reasons))


def record_response(
    invitation: Invitation,
    *,
    score: int,
    comment: str = "",
    reasons: Sequence[str] = (),
    now: datetime.datetime | None = None,
) -> Response:
    """Record a customer's answer: one per invitation, changeable for a short while.

    The first answer is a single INSERT; the one-to-one constraint decides races, and a
    losing submission becomes an update of the winner (inside the window). A poor answer
    opens a follow-up from the task queue after commit.
    """
    now = now or timezone.now()
    if invitation.expires_at <= now:
        raise InvitationUnavailable
    survey = invitation.version.survey
    score, comment, reasons = _clean_answer(
        survey.kind, score, comment, reasons, invitation.version.reason_codes
    )
    values = {
        "score": score,
        "comment": comment,
        "reasons": reasons,
        "is_poor": surveys.is_poor(survey.kind, score, survey.poor_threshold),
        "is_compliment": surveys.is_compliment(survey.kind, score, comment),
    }
    response: Response | None = None
    if existing_response(invitation) is None:
        try:
            with _insert_block():
                response = Response.objects.create(
                    invitation=invitation,
                    kind=survey.kind,
                    language=invitation.language,
                    team_id=invitation.interaction.team_id,
                    agent_id=invitation.interaction.handled_by_id,
                    channel=invitation.interaction.channel,
                    submitted_at=now,
                    **values,
                )
        except IntegrityError:
            response = None  # another submission won the race: change its answer instead
    if response is None:
        response = _change_response(invitation, values, now)
    if response.is_poor:
        transaction.on_commit(partial(tasks.open_follow_up.enqueue, response.pk))
    return response


def _insert_block() -> AbstractContextManager[object]:
    """Where the first answer's INSERT runs: a savepoint inside a transaction, so a lost race
    leaves the transaction usable; outside one, nothing, since a single statement commits on
    its own. A transaction of its own would take SQLite's write lock at BEGIN and hold it
    while Django builds the statement, and concurrent posts would queue on it.
    """
    if transaction.get_connection().in_atomic_block:
        return transaction.atomic()
    return nullcontext()


@transaction.atomic
def _change_response(
    invitation: Invitation, values: dict[str, object], now: datetime.datetime
) -> Response:
    response = Response.objects.select_for_update().get(invitation_id=invitation.pk)
    if not can_still_change(response, now):
        raise AlreadyAnswered
    for field, value in values.items():
        setattr(response, field, value)
    response.save(update_fields=[*values, "updated_at"])
    invitation.response = response
    return response


# Closing the loop ---------------------------------------------------------------------------------


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


# Managing surveys ---------------------------------------------------------------------------------

REASON_CODE_MAX_LENGTH = 40
MAX_REASON_CODES = 20
MAX_SEND_DELAY_MINUTES = 7 * 24 * 60
MAX_RESURVEY_DAYS = 365
MAX_EXPIRY_DAYS = 90


def _clean_reason_codes(reason_codes: Sequence[str]) -> list[str]:
    codes = [str(code).strip() for code in reason_codes]
    if len(codes) > MAX_REASON_CODES:
        message = _("Offer at most %(max)s reasons.") % {"max": MAX_REASON_CODES}
        raise ValidationError({"reason_codes": message})
    for code in codes:
        if not code or len(code) > REASON_CODE_MAX_LENGTH or not code.replace("_", "").isalnum():
            message = _(
                "“%(code)s” is not a reason code: use up to %(max)s letters, digits or underscores."
            ) % {"code": code[:REASON_CODE_MAX_LENGTH], "max": REASON_CODE_MAX_LENGTH}
            raise ValidationError({"reason_codes": message})
    if len(set(codes)) != len(codes):
        raise ValidationError({"reason_codes": _("Each reason code may appear only once.")})
    return codes


@transaction.atomic
def publish_survey_version(
    *,
    actor: Person,
    survey: Survey,
    question: str,
    low_label: str,
    high_label: str,
    comment_prompt: str,
    reason_codes: Sequence[str] = (),
) -> SurveyVersion:
    """Publish new wording for a survey; answers already given keep the version they saw."""
    if not can_everywhere(actor, Action.MANAGE_SURVEYS):
        raise PermissionDenied
    # Lock the survey so two administrators publishing at once get numbers n+1 and n+2.
    Survey.objects.select_for_update().filter(pk=survey.pk).first()
    latest = survey.versions.order_by("-number").values_list("number", flat=True).first()
    version = SurveyVersion(
        survey=survey,
        number=(latest or 0) + 1,
        question=question.strip(),
        low_label=low_label.strip(),
        high_label=high_label.strip(),
        comment_prompt=comment_prompt.strip(),
        reason_codes=_clean_reason_codes(reason_codes),
    )
    version.full_clean(exclude=["survey", "number"])
    version.save()
    return version


def _check_range(errors: dict[str, str], field: str, value: int, low: int, high: int) -> None:
    if not low <= value <= high:
        message = _("Enter a number from %(low)s to %(high)s.") % {"low": low, "high": high}
        errors[field] = message


@transaction.atomic
def update_survey_rules(
    *,
    actor: Person,
    survey: Survey,
    is_active: bool | None = None,
    send_delay_minutes: int | None = None,
    channels: Sequence[str] | None = None,
    resurvey_days: int | None = None,
    expiry_days: int | None = None,
    poor_threshold: int | None = None,
) -> Survey:
    """Change when and whom a survey asks; only one survey of a kind may be active."""
    if not can_everywhere(actor, Action.MANAGE_SURVEYS):
        raise PermissionDenied
    changes: dict[str, object] = {}
    errors: dict[str, str] = {}
    if send_delay_minutes is not None:
        _check_range(errors, "send_delay_minutes", send_delay_minutes, 0, MAX_SEND_DELAY_MINUTES)
        changes["send_delay_minutes"] = send_delay_minutes
    if resurvey_days is not None:
        _check_range(errors, "resurvey_days", resurvey_days, 0, MAX_RESURVEY_DAYS)
        changes["resurvey_days"] = resurvey_days
    if expiry_days is not None:
        _check_range(errors, "expiry_days", expiry_days, 1, MAX_EXPIRY_DAYS)
        changes["expiry_days"] = expiry_days
    if poor_threshold is not None:
        low, high = surveys.scale(survey.kind)[0], surveys.scale(survey.kind)[-1]
        _check_range(errors, "poor_threshold", poor_threshold, low, high)
        changes["poor_threshold"] = poor_threshold
    if channels is not None:
        unknown = [channel for channel in channels if channel not in Channel.values]
        if unknown:
            errors["channels"] = _("Unknown channel: %(channels)s.") % {
                "channels": ", ".join(str(channel)[:40] for channel in unknown)
            }
        else:
            changes["channels"] = [value for value in Channel.values if value in channels]
    if is_active is not None:
        if is_active and (
            Survey.objects.filter(kind=survey.kind, is_active=True).exclude(pk=survey.pk).exists()
        ):
            errors["is_active"] = _("Another %(kind)s survey is active: switch it off first.") % {
                "kind": survey.get_kind_display()
            }
        changes["is_active"] = is_active
    if errors:
        raise ValidationError(errors)
    for field, value in changes.items():
        setattr(survey, field, value)
    try:
        with transaction.atomic():
            survey.save(update_fields=list(changes))
    except IntegrityError:  # another survey of the kind was switched on at the same moment
        raise ValidationError(
            {"is_active": _("Another survey of this kind is active: switch it off first.")}
        ) from None
    return survey
