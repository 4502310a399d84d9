"""Demo data for quality: two scorecards, six months of reviews, disputes, calibrations, coaching.

The reviews follow what the customers said about the same contacts (the survey answers of the
customer voice step), so the metric audit has something true to find:

* most behaviours go with satisfaction; "Uses the approved greeting" does not (it is met or
  missed whatever the customer felt): the audit names it as not predicting satisfaction;
* handle time has nothing to do with how the customer felt, so long contacts are rated highly
  as often as short ones: a handle-time target would punish good service (the trap).

Six agents were coached on "Explains next steps" three months ago; three of them improved and
three did not. Three calibrations show realistic disagreement: "Shows empathy" (1 to 5) and
the greeting are scored inconsistently (alpha under 0.667), the rest agree well.
Everything is bulk-inserted in a fixed number of queries.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings

from groundswell.desk.choices import InteractionStatus
from groundswell.desk.models import Interaction
from groundswell.people.choices import Role
from groundswell.people.demo import DemoContext, DemoSize, DemoStep
from groundswell.people.models import Department, Person, Team
from groundswell.quality import services
from groundswell.quality.choices import (
    CalibrationStatus,
    CoachingStatus,
    CriterionScale,
    DisputeStatus,
    ReviewStatus,
)
from groundswell.quality.models import (
    Calibration,
    CalibrationItem,
    CalibrationReviewer,
    CoachingSession,
    Criterion,
    CriterionScore,
    Dispute,
    QueueItem,
    QueueRule,
    ReferenceScore,
    Review,
    ReviewerGrant,
    RootCause,
    Scorecard,
    ScorecardVersion,
    ScoreChange,
)
from groundswell.quality.services import CriterionInput, fraction_of, score_review
from groundswell.voice.choices import SurveyKind
from groundswell.voice.models import Response

REVIEWS = {DemoSize.SMALL: 400, DemoSize.MEDIUM: 2_000, DemoSize.LARGE: 2_000}
# Six months of reviews; the small demo has few survey answers, so it reviews its whole year
# (the audit needs enough answered contacts to say anything).
HISTORY_DAYS = {DemoSize.SMALL: 365, DemoSize.MEDIUM: 182, DemoSize.LARGE: 182}
BATCH = 2_000
DISPUTE_SHARE = 0.05
COACHED_AGENTS = 6
CALIBRATION_ITEMS = 8

GREETING = "Uses the approved greeting"
NEXT_STEPS = "Explains next steps"
EMPATHY = "Shows empathy"

CONVERSATIONS = (
    CriterionInput("Opening", GREETING, "Names the company and themselves in the first line."),
    CriterionInput(
        "Opening", "Takes ownership", "Says what they will do and does it.", weight=Decimal(2)
    ),
    CriterionInput(
        "Resolution",
        "Accurate answer",
        "The answer is right the first time, with no follow-up needed.",
        scale=CriterionScale.ONE_TO_FIVE,
        weight=Decimal(3),
    ),
    CriterionInput(
        "Resolution",
        NEXT_STEPS,
        "The customer knows what happens next, who does it and by when.",
        weight=Decimal(2),
    ),
    CriterionInput(
        "Resolution",
        "Keeps the promise made",
        "Any callback or refund promised was delivered on time.",
        weight=Decimal(2),
        allows_na=True,
        is_critical=True,
    ),
    CriterionInput(
        "Closing",
        EMPATHY,
        "Acknowledges how the customer feels before solving.",
        scale=CriterionScale.ONE_TO_FIVE,
    ),
    CriterionInput(
        "Closing", "Checks the customer is satisfied", "Asks, and listens to the answer."
    ),
    CriterionInput(
        "Closing",
        "Goes the extra mile",
        "Solves the next problem before the customer has it.",
        weight=Decimal("0.5"),
        is_bonus=True,
    ),
)
BILLING = (
    CriterionInput("Reply", "Answers every question asked", "Nothing in the email is left out."),
    CriterionInput(
        "Reply",
        "Clear and friendly writing",
        "Short sentences, plain words, a human tone.",
        scale=CriterionScale.ONE_TO_FIVE,
        weight=Decimal(2),
    ),
    CriterionInput(
        "Reply", "Correct information", "Facts, prices and dates are right.", is_critical=True
    ),
    CriterionInput("Next steps", NEXT_STEPS, "Says what happens next and when.", weight=Decimal(2)),
)

REVIEW_COMMENTS = (
    "Good call overall; see the notes on each behaviour.",
    "Solid work. The customer left knowing what to expect.",
    "A difficult customer handled calmly.",
    "Missed a chance to explain what happens next.",
    "",
)
DISPUTE_REASONS = (
    "I did explain the next steps; it is in the second reply.",
    "The promise was kept: the refund went out the same day.",
    "The customer hung up before I could check.",
)
DECISIONS = (
    "Listened to the recording again: the score stands.",
    "Agreed, the notes show it. Score changed.",
)


@dataclass
class _Contact:
    pk: int
    team_id: int
    agent_id: int
    channel: str
    resolved_at: datetime.datetime
    csat: int | None


def _demo_department(ctx: DemoContext, name: str) -> Department | None:
    departments = ctx.departments or list(Department.objects.all())
    return next((d for d in departments if d.name == name), None)


def _leads(teams: Sequence[Team]) -> dict[int, int]:
    return {team.pk: team.lead_id for team in teams if team.lead_id is not None}


def _contacts(department: Department, since: datetime.datetime) -> list[_Contact]:
    rows = (
        Interaction.objects.filter(
            team__department=department,
            status=InteractionStatus.RESOLVED,
            handled_by__isnull=False,
            resolved_at__gte=since,
        )
        .order_by("pk")
        .values_list("pk", "team_id", "handled_by_id", "channel", "resolved_at")
    )
    csat = dict(
        Response.objects.filter(
            kind=SurveyKind.CSAT, invitation__interaction__team__department=department
        )
        .order_by("-submitted_at")
        .values_list("invitation__interaction_id", "score")
    )
    return [
        _Contact(pk, team, agent, channel, resolved, csat=csat.get(pk))
        for pk, team, agent, channel, resolved in rows
        if agent is not None and resolved is not None
    ]


def _yes(rng: random.Random, p: float) -> int:
    return 1 if rng.random() < p else 0


def _score_of(
    rng: random.Random, criterion: Criterion, z: float, *, next_steps_rate: float
) -> int | None:
    """One criterion's score for a contact whose customer felt `z` (0 poor .. 1 delighted)."""
    name = criterion.behaviour
    if name == GREETING:  # drawn per level of satisfaction by `_greetings`
        return _yes(rng, 0.85)
    if name == NEXT_STEPS:
        return _yes(rng, 0.5 * (0.3 + 0.65 * z) + 0.5 * next_steps_rate)
    if criterion.allows_na and rng.random() < 0.6:
        return None
    if criterion.is_bonus:
        return _yes(rng, 0.05 + 0.3 * z)
    if criterion.scale == CriterionScale.ONE_TO_FIVE:
        return max(1, min(5, round(1 + 4 * z + rng.gauss(0, 0.8))))
    return _yes(rng, 0.3 + 0.65 * z)


def create_quality(ctx: DemoContext) -> None:
    rng = ctx.rng
    department = _demo_department(ctx, "Customer Service")
    billing = _demo_department(ctx, "Billing")
    manager = ctx.demo_people.get(Role.MANAGER)
    if department is None or manager is None or manager.department_id != department.pk:
        return
    all_teams = list(ctx.teams or Team.objects.all())
    teams = [t for t in all_teams if t.department_id == department.pk]
    leads = _leads(all_teams)
    since = ctx.now - datetime.timedelta(days=HISTORY_DAYS[ctx.size])
    contacts = [c for c in _contacts(department, since) if c.agent_id not in leads.values()]
    billing_contacts = (
        [c for c in _contacts(billing, since) if c.agent_id not in leads.values()]
        if billing is not None
        else []
    )
    billing_manager = next(
        (
            p
            for p in ctx.people
            if billing is not None and p.department_id == billing.pk and p.role == Role.MANAGER
        ),
        None,
    )
    if not contacts:
        return

    conversations = services.create_scorecard(
        actor=manager, name="Customer conversations", department=department,
        criteria=list(CONVERSATIONS),
    )  # fmt: skip
    cards = [conversations]
    if billing is not None and billing_manager is not None and billing_contacts:
        cards.append(
            services.create_scorecard(
                actor=billing_manager,
                name="Billing calls",
                department=billing,
                criteria=list(BILLING),
            )
        )
    versions = {card.pk: ScorecardVersion.objects.get(scorecard=card) for card in cards}
    criteria = {
        card.pk: list(versions[card.pk].criteria.select_related("section")) for card in cards
    }
    for team in teams:
        QueueRule.objects.get_or_create(team=team, defaults={"updated_by": manager})

    # Contacts with a customer answer first: they are what the audit reads.
    answered = [c for c in contacts if c.csat is not None]
    others = [c for c in contacts if c.csat is None]
    rng.shuffle(others)
    wanted = REVIEWS[ctx.size]
    in_billing = wanted // 5 if len(cards) > 1 else 0
    chosen = (answered + others)[: wanted - in_billing]
    rng.shuffle(billing_contacts)
    chosen += billing_contacts[:in_billing]
    chosen.sort(key=lambda c: c.resolved_at)
    card_of = {c.team_id: conversations for c in contacts}
    if len(cards) > 1:
        card_of.update({c.team_id: cards[1] for c in billing_contacts})
    feelings = {
        c.pk: c.csat if c.csat is not None else rng.choice((2, 3, 4, 4, 5, 5)) for c in chosen
    }
    greeted = _greetings(rng, chosen, feelings)

    # Coached: agents with many reviews, so their before and after each rest on several.
    counted: dict[int, int] = {}
    for c in chosen:
        if card_of[c.team_id] is conversations:
            counted[c.agent_id] = counted.get(c.agent_id, 0) + 1
    busiest = sorted(counted, key=lambda agent: (-counted[agent], agent))[: 2 * COACHED_AGENTS]
    coached = rng.sample(busiest, min(COACHED_AGENTS, len(busiest) // 2))
    improvers = set(coached[: len(coached) // 2])
    coached_on = ctx.now - datetime.timedelta(days=90)

    reviews: list[Review] = []
    score_rows: list[list[CriterionScore]] = []
    window = datetime.timedelta(days=settings.GROUNDSWELL_QUALITY_DISPUTE_DAYS)
    for contact in chosen:
        card = card_of[contact.team_id]
        z = (feelings[contact.pk] - 1) / 4
        if contact.agent_id in coached:
            after = contact.resolved_at > coached_on
            rate = 0.9 if after and contact.agent_id in improvers else 0.3
        else:
            rate = 0.75
        rows = []
        for criterion in criteria[card.pk]:
            value = _score_of(rng, criterion, z, next_steps_rate=rate)
            if criterion.behaviour == GREETING:
                value = greeted[contact.pk]
            rows.append(
                CriterionScore(
                    criterion=criterion,
                    value=value,
                    is_na=value is None,
                    fraction=None if value is None else fraction_of(criterion, value),
                )
            )
        outcome = score_review(criteria[card.pk], {row.criterion.pk: row for row in rows})
        submitted = min(contact.resolved_at + datetime.timedelta(hours=rng.randint(4, 96)), ctx.now)
        reviewer = leads.get(contact.team_id) or (
            manager.pk if card is conversations else billing_manager.pk  # type: ignore[union-attr]
        )
        old = submitted + window < ctx.now
        status = ReviewStatus.ACKNOWLEDGED if old and rng.random() < 0.7 else ReviewStatus.SUBMITTED
        reviews.append(
            Review(
                version=versions[card.pk],
                interaction_id=contact.pk,
                team_id=contact.team_id,
                agent_id=contact.agent_id,
                reviewer_id=reviewer,
                status=status,
                score=outcome.score,
                weighted_score=outcome.weighted_score,
                is_failed=outcome.is_failed,
                comment=rng.choice(REVIEW_COMMENTS),
                created_at=submitted - datetime.timedelta(minutes=rng.randint(5, 40)),
                submitted_at=submitted,
                acknowledged_at=submitted + datetime.timedelta(days=1)
                if status == ReviewStatus.ACKNOWLEDGED
                else None,
            )
        )
        score_rows.append(rows)
    if not reviews:
        return

    # Disputes: some agents disagree with a failed behaviour; the manager decides the older ones.
    disputes: list[tuple[int, Dispute, CriterionScore | None]] = []
    for index, review in enumerate(reviews):
        failed = [
            row for row in score_rows[index] if row.fraction is not None and row.fraction < 0.5
        ]
        if (
            review.status != ReviewStatus.SUBMITTED
            or not failed
            or rng.random() > DISPUTE_SHARE * 3
        ):
            continue
        row = rng.choice(failed)
        raised = (review.submitted_at or ctx.now) + datetime.timedelta(hours=rng.randint(2, 48))
        open_now = raised + datetime.timedelta(days=5) > ctx.now
        if review.agent_id is None:
            continue
        dispute = Dispute(
            criterion=row.criterion,
            raised_by_id=review.agent_id,
            reason=rng.choice(DISPUTE_REASONS),
            raised_at=min(raised, ctx.now),
        )
        upheld = False
        if open_now:
            review.status = ReviewStatus.DISPUTED
        else:
            upheld = rng.random() < 0.35
            dispute.status = DisputeStatus.UPHELD if upheld else DisputeStatus.REJECTED
            dispute.decided_by = manager
            dispute.decided_at = raised + datetime.timedelta(days=2)
            dispute.decision_note = DECISIONS[1] if upheld else DECISIONS[0]
        change_row = None
        if upheld:
            card_criteria = criteria[review.version.scorecard_id]
            row.value = row.criterion.top
            row.fraction = 1.0
            outcome = score_review(card_criteria, {r.criterion.pk: r for r in score_rows[index]})
            change_row = row
            review.score_before = review.score  # type: ignore[attr-defined]
            review.score, review.weighted_score = outcome.score, outcome.weighted_score
            review.is_failed = outcome.is_failed
        disputes.append((index, dispute, change_row))

    created = Review.objects.bulk_create(reviews, batch_size=BATCH)
    all_scores = []
    for review, rows in zip(created, score_rows, strict=True):
        for row in rows:
            row.review = review
            all_scores.append(row)
    CriterionScore.objects.bulk_create(all_scores, batch_size=BATCH)
    for _index, dispute, _row in disputes:
        dispute.review = created[_index]
    Dispute.objects.bulk_create([d for _i, d, _r in disputes], batch_size=BATCH)
    ScoreChange.objects.bulk_create(
        ScoreChange(
            review=created[index],
            criterion=row.criterion,
            dispute=dispute,
            changed_by=manager,
            changed_at=dispute.decided_at or ctx.now,
            value_before=row.criterion.bottom,
            value_after=row.value,
            score_before=getattr(created[index], "score_before", None),
            score_after=created[index].score,
            note=dispute.decision_note,
        )
        for index, dispute, row in disputes
        if row is not None
    )

    sessions = _coaching(ctx, coached, improvers, coached_on, contacts, leads, manager, criteria)
    calibrations = _calibrations(ctx, conversations, versions, criteria, contacts, leads, manager)
    ctx.counts.update(
        {
            "quality scorecards": len(cards),
            "quality reviews": len(created),
            "quality disputes": len(disputes),
            "coaching sessions": sessions,
            "calibrations": calibrations,
        }
    )


def _greetings(
    rng: random.Random, contacts: Sequence[_Contact], feelings: dict[int, int]
) -> dict[int, int]:
    """The greeting met on the same share of contacts at every level of satisfaction: whatever
    the customer felt, so the audit finds that it does not predict satisfaction."""
    by_level: dict[int, list[int]] = {}
    for contact in contacts:
        by_level.setdefault(feelings[contact.pk], []).append(contact.pk)
    greeted = {}
    for pks in by_level.values():
        rng.shuffle(pks)
        met = round(len(pks) * 0.85)
        greeted.update({pk: int(index < met) for index, pk in enumerate(pks)})
    return greeted


def _coaching(
    ctx: DemoContext,
    coached: Sequence[int],
    improvers: set[int],
    coached_on: datetime.datetime,
    contacts: Sequence[_Contact],
    leads: dict[int, int],
    manager: Person,
    criteria: dict[int, list[Criterion]],
) -> int:
    team_of = {c.agent_id: c.team_id for c in contacts}
    key = next(c.key for c in criteria[min(criteria)] if c.behaviour == NEXT_STEPS)
    sessions = [
        CoachingSession(
            agent_id=agent,
            team_id=team_of[agent],
            coach_id=leads.get(team_of[agent]) or manager.pk,
            focus_keys=[key],
            focus_labels=[NEXT_STEPS],
            planned_for=coached_on,
            reflection="I rush the end of the call when the queue is long.",
            agreed_actions="Close every contact by saying what happens next, who does it and when.",
            follow_up_on=(coached_on + datetime.timedelta(days=30)).date(),
            status=CoachingStatus.HELD,
            held_at=coached_on,
            created_at=coached_on - datetime.timedelta(days=3),
        )
        for agent in coached
    ]
    CoachingSession.objects.bulk_create(sessions)
    return len(sessions)


def _calibrations(
    ctx: DemoContext,
    card: Scorecard,
    versions: dict[int, ScorecardVersion],
    criteria: dict[int, list[Criterion]],
    contacts: Sequence[_Contact],
    leads: dict[int, int],
    manager: Person,
) -> int:
    rng = ctx.rng
    reviewers = [*sorted(set(leads.values()))[:3], manager.pk]
    if len(reviewers) < 2:
        return 0
    version = versions[card.pk]
    pool = list(contacts)
    reviewed = set(
        Review.objects.filter(calibration__isnull=True).values_list("interaction_id", flat=True)
    )
    pool = [c for c in pool if c.pk not in reviewed]
    if len(pool) < 3 * CALIBRATION_ITEMS:
        return 0
    picked = rng.sample(pool, 3 * CALIBRATION_ITEMS)
    plans = (
        ("Calibration: January phone calls", 150, CalibrationStatus.CLOSED),
        ("Calibration: spring chats", 90, CalibrationStatus.CLOSED),
        ("Calibration: last month", 30, CalibrationStatus.REVEALED),
    )
    sessions = Calibration.objects.bulk_create(
        Calibration(
            name=name,
            version=version,
            department_id=card.department_id,
            status=status,
            due_on=(ctx.now - datetime.timedelta(days=days - 7)).date(),
            created_by=manager,
            created_at=ctx.now - datetime.timedelta(days=days),
            revealed_at=ctx.now - datetime.timedelta(days=days - 7),
            closed_at=ctx.now - datetime.timedelta(days=days - 10)
            if status == CalibrationStatus.CLOSED
            else None,
        )
        for name, days, status in plans
    )
    items, participants, reviews, scores, references = [], [], [], [], []
    for number, session in enumerate(sessions):
        chunk = picked[number * CALIBRATION_ITEMS : (number + 1) * CALIBRATION_ITEMS]
        revealed = session.revealed_at or ctx.now
        items += [CalibrationItem(calibration=session, interaction_id=c.pk) for c in chunk]
        participants += [
            CalibrationReviewer(calibration=session, reviewer_id=r, submitted_at=revealed)
            for r in reviewers
        ]
        for contact in chunk:
            z = rng.random()
            truth = {c.pk: _score_of(rng, c, z, next_steps_rate=0.7) for c in criteria[card.pk]}
            if session.status == CalibrationStatus.CLOSED:
                references += [
                    ReferenceScore(
                        calibration=session,
                        interaction_id=contact.pk,
                        criterion=c,
                        value=truth[c.pk],
                        is_na=truth[c.pk] is None,
                        agreed_by=manager,
                        agreed_at=session.closed_at or ctx.now,
                    )
                    for c in criteria[card.pk]
                ]
            for reviewer in reviewers:
                review = Review(
                    version=version,
                    interaction_id=contact.pk,
                    team_id=contact.team_id,
                    agent_id=contact.agent_id,
                    reviewer_id=reviewer,
                    calibration=session,
                    status=ReviewStatus.SUBMITTED,
                    created_at=session.created_at,
                    submitted_at=revealed,
                )
                rows = []
                for criterion in criteria[card.pk]:
                    value = _disagree(rng, criterion, truth[criterion.pk])
                    rows.append(
                        CriterionScore(
                            review=review,
                            criterion=criterion,
                            value=value,
                            is_na=value is None,
                            fraction=None if value is None else fraction_of(criterion, value),
                        )
                    )
                outcome = score_review(criteria[card.pk], {r.criterion.pk: r for r in rows})
                review.score, review.weighted_score = outcome.score, outcome.weighted_score
                review.is_failed = outcome.is_failed
                reviews.append(review)
                scores.append(rows)
    CalibrationItem.objects.bulk_create(items)
    CalibrationReviewer.objects.bulk_create(participants)
    made = Review.objects.bulk_create(reviews)
    for review, rows in zip(made, scores, strict=True):
        for row in rows:
            row.review = review
    CriterionScore.objects.bulk_create([row for rows in scores for row in rows], batch_size=BATCH)
    ReferenceScore.objects.bulk_create(references)
    # As the last reviewer's submit does: keep the results (and the agreed scores) on each
    # session, so that its page and the dashboard's agreement over time read them.
    from groundswell.quality.calibration import compute_results

    for session in sessions:
        compute_results(session)
    return len(sessions)


def _disagree(rng: random.Random, criterion: Criterion, truth: int | None) -> int | None:
    """A reviewer's score of a behaviour whose agreed score is `truth`: vague wording (the
    greeting, empathy) scatters the scores; the rest mostly agree."""
    if truth is None:
        return None
    if criterion.behaviour == EMPATHY:
        return rng.randint(1, 5) if rng.random() < 0.6 else truth
    if criterion.behaviour == GREETING:
        return 1 - truth if rng.random() < 0.35 else truth
    if criterion.scale == CriterionScale.ONE_TO_FIVE:
        return max(1, min(5, truth + rng.choice((-1, 1)))) if rng.random() < 0.2 else truth
    return 1 - truth if rng.random() < 0.05 else truth


def wipe_quality() -> None:
    ScoreChange.objects.all().delete()
    Dispute.objects.all().delete()
    RootCause.objects.all().delete()
    ReferenceScore.objects.all().delete()
    CoachingSession.objects.all().delete()
    QueueItem.objects.all().delete()
    CriterionScore.objects.all().delete()
    Review.objects.all().delete()
    Calibration.objects.all().delete()
    QueueRule.objects.all().delete()
    ReviewerGrant.objects.all().delete()
    Criterion.objects.all().delete()
    ScorecardVersion.objects.all().delete()
    Scorecard.objects.all().delete()


QUALITY = DemoStep(name="quality", create=create_quality, wipe=wipe_quality)
