"""Asking customers: choosing a survey, inviting, sending the link, recording the answer."""

from __future__ import annotations

import datetime
import logging
from collections.abc import Sequence
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.core.lib import leases, tokens
from groundswell.core.lib.prepared import PreparedInsert, PreparedLookup
from groundswell.core.templatetags.moments import day, moment
from groundswell.desk.models import Interaction
from groundswell.people.models import Person
from groundswell.people.permissions import Action, can
from groundswell.voice import hooks
from groundswell.voice.choices import (
    InvitationChannel,
    SurveyKind,
)
from groundswell.voice.follow_ups import tasks as follow_up_tasks
from groundswell.voice.invitations import tasks
from groundswell.voice.models import Invitation, Response, Survey, SurveyVersion
from groundswell.voice.surveys import wording

# A customer may change their answer for this long after first sending it.
EDIT_WINDOW = datetime.timedelta(minutes=30)
COMMENT_MAX_LENGTH = 5000
KIND_PREFERENCE = (SurveyKind.CSAT, SurveyKind.CES, SurveyKind.NPS)
# The sweep resends invitations that fell due at most this long ago, this many a run.
SWEEP_HORIZON = datetime.timedelta(days=1)
SWEEP_BATCH = 500

logger = logging.getLogger(__name__)


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


@dataclass(frozen=True)
class SurveyDecision:
    """Whether a resolved interaction's customer is asked, and if not, why not.

    `survey` is the survey to send when `refusal` is empty; `last_asked` and `next_possible`
    are set when the customer was asked too recently.
    """

    survey: Survey | None
    refusal: str = ""
    last_asked: datetime.datetime | None = None
    next_possible: datetime.datetime | None = None


def decide_survey(interaction: Interaction, *, at: datetime.datetime) -> SurveyDecision:
    """The one place the rules for asking after a resolution are applied, as of `at`.

    Nobody is asked about an internal request or without an email address, an opted-out
    customer never, and a customer at most once per the survey's re-survey window.
    """
    customer = interaction.customer
    if customer is None:
        return SurveyDecision(None, _("Colleagues are not surveyed about internal requests."))
    if not customer.email:
        return SurveyDecision(None, _("No survey: the customer has no email address."))
    if customer.is_opted_out:
        return SurveyDecision(None, _("No survey: the customer opted out of surveys."))
    survey = survey_for(interaction)
    if survey is None:
        message = _("No survey: no active survey covers the %(channel)s channel.")
        return SurveyDecision(None, message % {"channel": interaction.get_channel_display()})
    window = datetime.timedelta(days=survey.resurvey_days)
    last = (
        Invitation.objects.filter(
            customer_id=customer.pk, created_at__gte=at - window, created_at__lte=at
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if last is not None:
        refusal = _(
            "No survey: this customer was asked on %(asked)s, and a customer is asked at most "
            "once every %(days)s days. The next survey can go on %(next)s."
        ) % {"asked": day(last), "days": survey.resurvey_days, "next": day(last + window)}
        return SurveyDecision(survey, refusal, last_asked=last, next_possible=last + window)
    return SurveyDecision(survey)


def survey_status(interaction: Interaction) -> str | None:
    """One sentence for the interaction's page on what followed its resolution: the survey
    sent (or answered, or about to go), or why none was."""
    invitation = (
        Invitation.objects.filter(interaction_id=interaction.pk)
        .select_related("response")
        .order_by("-created_at")
        .first()
    )
    if invitation is not None:
        response = getattr(invitation, "response", None)
        if response is not None:
            return _("The customer answered the survey on %(date)s.") % {
                "date": day(response.submitted_at)
            }
        if invitation.sent_at is not None:
            return _("A survey was sent on %(date)s.") % {"date": day(invitation.sent_at)}
        return _("A survey goes out at %(moment)s.") % {"moment": moment(invitation.send_after)}
    if interaction.resolved_at is None:
        return None
    return decide_survey(interaction, at=interaction.resolved_at).refusal or None


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

    The rules are `decide_survey`'s. The email goes out from the task queue after the
    survey's delay.
    """
    now = timezone.now()
    decision = decide_survey(interaction, at=now)
    survey = decision.survey
    if survey is None or decision.refusal:
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


def claim_for_sending(
    invitation_id: int, *, now: datetime.datetime | None = None
) -> tuple[Invitation, str] | None:
    """Claim an unsent, unexpired invitation and give it a fresh link token; None if not ours.

    The claim is a lease (core/lib/leases.py): nobody else may take it until the lease runs
    out, so a worker killed while sending leaves the invitation to the sweep, never lost. It
    counts as sent only once the mail server took it (`mark_sent`). The token is made here, by
    the mail task, and only its digest is saved: nothing that the queue or the database keeps
    (task arguments, results, backups) holds a working link.
    """
    now = now or timezone.now()
    if Invitation.objects.filter(pk=invitation_id, customer__is_opted_out=True).exists():
        return None
    token, token_hash = tokens.new_token()
    # One UPDATE on the invitation's own columns: PostgreSQL re-checks them on the row it
    # waited for, so of two workers racing for it one gets it (a condition on a joined table
    # would be checked against the older row and let both through).
    claimed = (
        Invitation.objects.filter(pk=invitation_id, sent_at__isnull=True, expires_at__gt=now)
        .filter(leases.unclaimed("claimed_at", now))
        .update(claimed_at=now, token_hash=token_hash)
    )
    if not claimed:
        return None
    invitation = Invitation.objects.select_related("version__survey", "interaction", "customer")
    return invitation.get(pk=invitation_id), token


def mark_sent(invitation: Invitation) -> bool:
    """The mail server took the invitation: it is sent. False when our claim had run out and
    another worker took it over (both then sent it: the lease was too short for the send)."""
    sent_at = timezone.now()
    marked = Invitation.objects.filter(
        pk=invitation.pk, claimed_at=invitation.claimed_at, sent_at__isnull=True
    ).update(sent_at=sent_at)
    if marked:
        invitation.sent_at = sent_at
    else:
        logger.warning(
            "Invitation %s was sent after its claim ran out (SEND_LEASE_SECONDS too short?).",
            invitation.pk,
        )
    return bool(marked)


def release_claim(invitation: Invitation) -> None:
    """Sending failed: let a retry claim the invitation at once instead of after the lease."""
    Invitation.objects.filter(
        pk=invitation.pk, claimed_at=invitation.claimed_at, sent_at__isnull=True
    ).update(claimed_at=None)


def stalled_invitations(now: datetime.datetime) -> list[int]:
    """Emailed invitations due for longer than a lease that nobody sent or holds.

    Their task was lost (a worker killed mid-send, a queue that was down when they were
    made, a job abandoned by a dead worker) or failed for good; the sweep enqueues them again.
    Only those due within `SWEEP_HORIZON` and at most `SWEEP_BATCH` a run: a survey that is
    a day late is better not sent. Duplicates of a task still waiting in the queue are
    harmless: the claim lets one of them send.
    """
    return list(
        Invitation.objects.filter(
            channel=InvitationChannel.EMAIL,
            sent_at__isnull=True,
            send_after__gte=now - SWEEP_HORIZON,
            send_after__lte=now - leases.lease(),
            expires_at__gt=now,
            customer__is_opted_out=False,
        )
        .filter(leases.unclaimed("claimed_at", now))
        .order_by("send_after")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def resend_stalled_invitations(*, now: datetime.datetime | None = None) -> int:
    """Enqueue the send of every stalled invitation (see `stalled_invitations`); how many."""
    stalled = stalled_invitations(now or timezone.now())
    for invitation_id in stalled:
        tasks.send_invitation.enqueue(invitation_id)
    return len(stalled)


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
    low, high = wording.scale(kind)[0], wording.scale(kind)[-1]
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


# The first answer's INSERT, compiled once per connection (core/lib/prepared.py).
_INSERT_RESPONSE = PreparedInsert(Response)


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
        "is_poor": wording.is_poor(
            survey.kind, invitation.version.scale, score, survey.poor_threshold
        ),
        "is_compliment": wording.is_compliment(
            survey.kind, invitation.version.scale, score, comment
        ),
    }
    response: Response | None = None
    if existing_response(invitation) is None:
        try:
            with _insert_block():
                response = _INSERT_RESPONSE.insert(
                    Response(
                        invitation=invitation,
                        kind=survey.kind,
                        scale=invitation.version.scale,
                        language=invitation.language,
                        team_id=invitation.interaction.team_id,
                        agent_id=invitation.interaction.handled_by_id,
                        channel=invitation.interaction.channel,
                        submitted_at=now,
                        **values,
                    )
                )
        except IntegrityError:
            response = None  # another submission won the race: change its answer instead
    changed = response is None
    if response is None:
        response = _change_response(invitation, values, now)
    if response.is_poor:
        transaction.on_commit(partial(follow_up_tasks.open_follow_up.enqueue, response.pk))
    # The apps above hear of compliments, and of changed answers (one may stop being one).
    if (response.is_compliment or changed) and hooks.listening():
        transaction.on_commit(partial(hooks.response_recorded, response), robust=True)
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
