"""Demo data for customer voice: the service desk's year, surveyed after each resolution.

It continues the desk's story (`desk.demo.SERVICE`, which runs just before): customers are
surveyed after resolution, some answer, and poor answers are followed up. Scores differ by
team and drift over the year, so the dashboards have something true to show. The step takes
the random generator where the desk's step left it (`continues=True`): the two were one
step once, and the demo's data stays the same as it was then.
"""

from __future__ import annotations

import datetime
import hashlib
import random

from groundswell.desk.demo import BATCH, DAYS, ServiceHandover, TeamProfile
from groundswell.desk.models import Interaction
from groundswell.people.demo import DemoContext, DemoStep
from groundswell.voice.choices import (
    CURRENT_SCALE,
    SCALES,
    FollowUpOutcome,
    FollowUpStatus,
    SurveyKind,
)
from groundswell.voice.dashboard.rollups import refresh_voice_rollups
from groundswell.voice.follow_ups.services import next_business_day
from groundswell.voice.models import (
    DailyServiceRollup,
    DailyVoiceRollup,
    FollowUp,
    Invitation,
    Response,
    Survey,
    SurveyVersion,
    VoiceRollupState,
    WeeklyAgentRollup,
    WeeklyServiceRollup,
    WeeklyVoiceRollup,
)
from groundswell.voice.surveys import wording

INVITED_SHARE = 0.75
RESPONSE_RATE = 0.25
KIND_WEIGHTS: dict[str, float] = {SurveyKind.CSAT: 0.6, SurveyKind.NPS: 0.25, SurveyKind.CES: 0.15}
# What the first demo seeds asked of every kind; a survey still asking it gets the built-in text.
OLD_DEMO_QUESTION = "How would you rate the service you received?"

# Comments in the customer's language, in our own words, by how the customer felt.
COMMENTS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "good": ("Quick and friendly, thank you!", "Sorted on the first call.",
                 "The agent really listened.", "Clear answer and kept me updated."),
        "bad": ("Nobody called me back as promised.", "I had to explain everything three times.",
                "Still waiting for my refund.", "Long hold and no solution."),
    },
    "es": {
        "good": ("Rápido y muy amable, gracias.", "Lo resolvieron en la primera llamada."),
        "bad": ("Nadie me devolvió la llamada.", "Sigo esperando el reembolso."),
    },
    "fr": {
        "good": ("Rapide et aimable, merci !", "Problème réglé dès le premier appel."),
        "bad": ("Personne ne m'a rappelé.", "J'attends toujours mon remboursement."),
    },
    "de": {
        "good": ("Schnell und freundlich, danke!", "Gleich beim ersten Anruf gelöst."),
        "bad": ("Niemand hat zurückgerufen.", "Ich warte immer noch auf die Erstattung."),
    },
}  # fmt: skip
NOTES = {
    FollowUpOutcome.REACHED_RESOLVED: "Called back, apologised and fixed it the same day.",
    FollowUpOutcome.REACHED_NOT_RESOLVED: "Spoke to the customer; passed the fault to Billing.",
    FollowUpOutcome.NOT_REACHED: "Two calls and an email, no answer.",
}


def _survey_versions() -> dict[str, SurveyVersion]:
    """The active survey of each kind (made if there is none) and its latest version.

    A survey with no version, or whose latest asks on an older scale or the first demo's
    one-size question, gets a version with the kind's built-in wording (voice/surveys/wording.py),
    which is translated into each customer's language when shown.
    """
    versions: dict[str, SurveyVersion] = {}
    for kind in SurveyKind:
        survey = Survey.objects.filter(kind=kind, is_active=True).first()
        if survey is None:
            survey = Survey.objects.create(
                kind=kind,
                name=f"{kind.upper()} after service",
                poor_threshold=wording.DEFAULT_POOR_THRESHOLD[kind],
            )
        version = survey.versions.order_by("-number").first()
        if (
            version is None
            or version.scale != CURRENT_SCALE[kind]
            or version.question.startswith(OLD_DEMO_QUESTION)
        ):
            text = wording.BUILT_IN[kind]
            version = SurveyVersion.objects.create(
                survey=survey,
                number=(version.number if version else 0) + 1,
                scale=CURRENT_SCALE[kind],
                question=text.question,
                low_label=text.low_label,
                high_label=text.high_label,
                comment_prompt=text.comment_prompt,
                reason_codes=list(text.reason_codes),
            )
        versions[kind] = version
    return versions


def _score(rng: random.Random, kind: str, quality: float) -> int:
    """A score on `kind`'s scale: better teams score higher (CES 2.0 too: agreement it was easy)."""
    low, high = SCALES[kind]
    value = min(1.0, max(0.0, rng.gauss(quality, 0.22)))
    return low + round(value * (high - low))


def _within_fatigue_rule(invitations: list[Invitation]) -> list[Invitation]:
    """Keep only the invitations the service itself would have sent: a customer is asked at
    most once per the survey's re-survey window, counted from the resolution that asked them."""
    kept: list[Invitation] = []
    last_asked: dict[int, datetime.datetime] = {}

    def asked(invitation: Invitation) -> datetime.datetime:
        return invitation.interaction.resolved_at or invitation.send_after

    for invitation in sorted(invitations, key=asked):
        asked_at = asked(invitation)
        window = datetime.timedelta(days=invitation.version.survey.resurvey_days)
        previous = last_asked.get(invitation.customer_id)
        if previous is not None and asked_at - previous < window:
            continue
        last_asked[invitation.customer_id] = asked_at
        kept.append(invitation)
    return kept


def _create_survey_data(
    ctx: DemoContext,
    interactions: list[Interaction],
    profiles: dict[int, TeamProfile],
    versions: dict[str, SurveyVersion],
    start: datetime.datetime,
    now: datetime.datetime,
) -> tuple[int, int]:
    rng = ctx.rng
    kinds: list[str] = list(KIND_WEIGHTS)
    kind_weights = list(KIND_WEIGHTS.values())
    invitations: list[Invitation] = []
    answers: list[tuple[Invitation, Interaction, str]] = []
    for interaction in interactions:
        customer = interaction.customer
        if (
            customer is None
            or interaction.resolved_at is None
            or customer.is_opted_out
            or rng.random() >= INVITED_SHARE
        ):
            continue
        kind = rng.choices(kinds, weights=kind_weights)[0]
        sent = interaction.resolved_at + datetime.timedelta(minutes=rng.randint(5, 90))
        invitation = Invitation(
            version=versions[kind],
            interaction=interaction,
            customer=customer,
            token_hash=hashlib.sha256(f"demo:{ctx.seed}:{interaction.pk}".encode()).hexdigest(),
            language=customer.language,
            send_after=sent,
            sent_at=sent if sent < now else None,
            expires_at=sent + datetime.timedelta(days=14),
        )
        invitations.append(invitation)
        if invitation.sent_at is not None and rng.random() < RESPONSE_RATE:
            answers.append((invitation, interaction, kind))
    invitations = _within_fatigue_rule(invitations)
    kept = {id(invitation) for invitation in invitations}
    answers = [answer for answer in answers if id(answer[0]) in kept]
    # Decided when the interaction was resolved, as the real service does (the re-survey rule
    # reads it).
    for invitation in invitations:
        invitation.created_at = invitation.interaction.resolved_at or invitation.send_after
    Invitation.objects.bulk_create(invitations, batch_size=BATCH)

    responses: list[Response] = []
    for invitation, interaction, kind in answers:
        profile = profiles[interaction.team_id]
        progress = (interaction.opened_at - start).total_seconds() / (DAYS * 86400)
        score = _score(rng, kind, profile.quality + profile.drift * progress)
        version = invitation.version
        poor = wording.is_poor(kind, version.scale, score, version.survey.poor_threshold)
        comment = ""
        if rng.random() < 0.35:
            bank = COMMENTS.get(invitation.language, COMMENTS["en"])
            comment = rng.choice(bank["bad" if poor else "good"])
        sent_at = invitation.sent_at or now
        responses.append(
            Response(
                invitation=invitation,
                kind=kind,
                scale=version.scale,
                score=score,
                comment=comment,
                language=invitation.language,
                team_id=interaction.team_id,
                agent_id=interaction.handled_by_id,
                channel=interaction.channel,
                is_poor=poor,
                is_compliment=wording.is_compliment(kind, version.scale, score, comment),
                submitted_at=min(now, sent_at + datetime.timedelta(hours=rng.uniform(0.1, 30))),
            )
        )
    Response.objects.bulk_create(responses, batch_size=BATCH)

    leads = {profile.team.pk: profile.team.lead_id for profile in profiles.values()}
    outcomes = list(FollowUpOutcome)
    follow_ups = []
    for response in responses:
        if not response.is_poor:
            continue
        due = next_business_day(response.submitted_at)
        age = now - response.submitted_at
        if age < datetime.timedelta(days=2) or rng.random() < 0.04:
            status, outcome, closed, note = FollowUpStatus.OPEN, "", None, ""
        else:
            outcome = rng.choices(outcomes, weights=[0.6, 0.25, 0.15])[0]
            closed = response.submitted_at + datetime.timedelta(hours=rng.lognormvariate(2.5, 0.8))
            closed = min(closed, now)
            status, note = FollowUpStatus.CLOSED, NOTES[outcome]
        follow_ups.append(
            FollowUp(
                response=response,
                team_id=response.team_id,
                owner_id=leads.get(response.team_id),
                due_at=due,
                status=status,
                outcome=outcome,
                note=note,
                closed_at=closed,
                closed_by_id=leads.get(response.team_id) if closed else None,
            )
        )
    # Opened the moment the poor answer came in, and the leads told then (the sweep of
    # notices that never went out must not mail them now).
    for follow_up in follow_ups:
        follow_up.created_at = follow_up.response.submitted_at
        follow_up.notice_sent_at = follow_up.response.submitted_at
    FollowUp.objects.bulk_create(follow_ups, batch_size=BATCH)
    return len(responses), len(follow_ups)


def create_surveys(ctx: DemoContext) -> None:
    """Survey invitations, responses and follow-ups on the desk step's interactions."""
    handover = ctx.handover.get("service")
    if not isinstance(handover, ServiceHandover):
        return  # the desk's step did not run or found no service teams
    versions = _survey_versions()
    responses, follow_ups = _create_survey_data(
        ctx, handover.interactions, handover.profiles, versions, handover.start, handover.now
    )
    refresh_voice_rollups(since=handover.start.date())
    ctx.counts.update({"survey responses": responses, "follow-ups": follow_ups})


def wipe_surveys() -> None:
    """Remove every invitation, response, follow-up and rollup (surveys stay)."""
    rollups = (
        DailyVoiceRollup,
        DailyServiceRollup,
        WeeklyVoiceRollup,
        WeeklyServiceRollup,
        WeeklyAgentRollup,
    )
    for model in (*rollups, FollowUp, Response, Invitation):
        model.objects.all().delete()
    VoiceRollupState.objects.all().delete()


SURVEYS = DemoStep(name="surveys", create=create_surveys, wipe=wipe_surveys, continues=True)
