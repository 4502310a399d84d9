"""Writes for quality: scorecards, reviews, disputes, coaching, root causes, grants, queue rules."""

from __future__ import annotations

import datetime
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from groundswell.desk.models import Interaction
from groundswell.ideas import services as ideas_services
from groundswell.ideas.choices import IdeaCategory, IdeaKind
from groundswell.ideas.models import Policy
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, can
from groundswell.quality import selectors
from groundswell.quality.choices import (
    DONE_STATUSES,
    FRICTION_CAUSES,
    CoachingStatus,
    CriterionScale,
    DisputeStatus,
    ReviewStatus,
    RootCauseKind,
)
from groundswell.quality.models import (
    MAX_WEIGHT,
    TEXT_LENGTH,
    CoachingSession,
    Criterion,
    CriterionScore,
    Dispute,
    QueueItem,
    QueueRule,
    Review,
    ReviewerGrant,
    RootCause,
    Scorecard,
    ScorecardVersion,
    ScoreChange,
    Section,
    new_key,
)

HUNDREDTH = Decimal("0.01")

# --- Scorecards -------------------------------------------------------------------------------


@dataclass(frozen=True)
class CriterionInput:
    """One criterion as a scorecard editor gives it; `key` names the same behaviour as before."""

    section: str
    behaviour: str
    good_looks_like: str = ""
    scale: str = CriterionScale.YES_NO
    weight: Decimal = Decimal(1)
    allows_na: bool = False
    is_critical: bool = False
    is_bonus: bool = False
    key: str = ""


def check_criteria(criteria: Sequence[CriterionInput]) -> None:
    """Raise a ValidationError naming the criterion at fault; nothing is written before this."""
    if not criteria:
        raise ValidationError({"criteria": _("A scorecard needs at least one criterion.")})
    seen: set[str] = set()
    for number, item in enumerate(criteria, start=1):
        name = item.behaviour.strip()
        if not name:
            raise ValidationError(
                {"criteria": _("Criterion %(n)s: describe the behaviour.") % {"n": number}}
            )
        label = {"name": name}
        if name.lower() in seen:
            raise ValidationError(
                {"criteria": _("“%(name)s” appears twice; each behaviour once.") % label}
            )
        seen.add(name.lower())
        if not item.section.strip():
            raise ValidationError(
                {"criteria": _("“%(name)s”: name the section it belongs to.") % label}
            )
        if item.scale not in CriterionScale.values:
            raise ValidationError({"criteria": _("“%(name)s”: choose a scale.") % label})
        weight = Decimal(item.weight)
        if not weight.is_finite() or weight <= 0:
            raise ValidationError(
                {"criteria": _("“%(name)s”: the weight must be more than 0.") % label}
            )
        if weight > MAX_WEIGHT:
            raise ValidationError(
                {
                    "criteria": _("“%(name)s”: a weight of %(weight)s is more than %(max)s.")
                    % {"name": name, "weight": weight, "max": MAX_WEIGHT}
                }
            )
        if weight != weight.quantize(HUNDREDTH):
            raise ValidationError(
                {"criteria": _("“%(name)s”: give the weight with at most two decimals.") % label}
            )
        if item.is_critical and item.is_bonus:
            raise ValidationError(
                {"criteria": _("“%(name)s” cannot be both critical and a bonus.") % label}
            )
    if all(item.is_bonus for item in criteria):
        raise ValidationError(
            {"criteria": _("At least one criterion must count towards the score (not a bonus).")}
        )


def _may_manage(actor: Person, department: Department, team: Team | None) -> bool:
    place: Team | Department = team if team is not None else department
    return can(actor, Action.MANAGE_SCORECARDS, place)


def _write_version(
    scorecard: Scorecard,
    *,
    actor: Person,
    number: int,
    criteria: Sequence[CriterionInput],
    note: str,
) -> ScorecardVersion:
    version = ScorecardVersion.objects.create(
        scorecard=scorecard, number=number, note=note.strip()[:300], created_by=actor
    )
    sections: dict[str, Section] = {}
    rows = []
    for position, item in enumerate(criteria):
        title = item.section.strip()
        if title not in sections:
            sections[title] = Section.objects.create(
                version=version, title=title, position=len(sections)
            )
        rows.append(
            Criterion(
                version=version,
                section=sections[title],
                key=item.key or new_key(),
                behaviour=item.behaviour.strip(),
                good_looks_like=item.good_looks_like.strip(),
                scale=item.scale,
                weight=Decimal(item.weight),
                allows_na=item.allows_na,
                is_critical=item.is_critical,
                is_bonus=item.is_bonus,
                position=position,
            )
        )
    Criterion.objects.bulk_create(rows)
    return version


@transaction.atomic
def create_scorecard(
    *,
    actor: Person,
    name: str,
    department: Department,
    criteria: Sequence[CriterionInput],
    team: Team | None = None,
    channel: str = "",
) -> Scorecard:
    """A new scorecard with its first version (managers for their department, admins)."""
    if not _may_manage(actor, department, team):
        raise PermissionDenied
    if team is not None and team.department_id != department.pk:
        raise ValidationError({"team": _("The team must belong to the scorecard's department.")})
    check_criteria(criteria)
    scorecard = Scorecard(
        name=name.strip(), department=department, team=team, channel=channel, created_by=actor
    )
    scorecard.full_clean()
    scorecard.save(force_insert=True)
    _write_version(scorecard, actor=actor, number=1, criteria=criteria, note="")
    return scorecard


@transaction.atomic
def revise_scorecard(
    *,
    actor: Person,
    scorecard: Scorecard,
    criteria: Sequence[CriterionInput],
    note: str = "",
) -> ScorecardVersion:
    """Change a scorecard's criteria. A version that reviews or calibrations use stays as it
    was and the change becomes the next version; an unused one is rewritten in place."""
    if not selectors.may_manage_scorecard(actor, scorecard):
        raise PermissionDenied
    check_criteria(criteria)
    Scorecard.objects.select_for_update().filter(pk=scorecard.pk).first()
    current = selectors.current_version(scorecard)
    if current is None:
        return _write_version(scorecard, actor=actor, number=1, criteria=criteria, note=note)
    in_use = current.reviews.exists() or current.calibrations.exists()
    if in_use:
        return _write_version(
            scorecard, actor=actor, number=current.number + 1, criteria=criteria, note=note
        )
    number = current.number
    current.delete()
    return _write_version(scorecard, actor=actor, number=number, criteria=criteria, note=note)


# --- Reviews ----------------------------------------------------------------------------------


def open_review(
    *,
    actor: Person,
    interaction: Interaction,
    scorecard: Scorecard | None = None,
) -> Review:
    """The reviewer's review of an interaction, created as a draft the first time.

    Twice (a double click, two tabs, two requests at once) gives the same review: the unique
    constraint decides, and the loser reads the winner's row.
    """
    if not selectors.may_review(actor, interaction):
        raise PermissionDenied
    existing = Review.objects.filter(
        interaction=interaction, reviewer=actor, calibration__isnull=True
    ).first()
    if existing is not None:
        return existing
    version = selectors.version_in_use(interaction, scorecard).version
    try:
        with transaction.atomic():
            return Review.objects.create(
                version=version,
                interaction=interaction,
                team=interaction.team,
                agent=interaction.handled_by,
                reviewer=actor,
                is_self_review=interaction.handled_by_id == actor.pk,
            )
    except IntegrityError:
        return Review.objects.get(interaction=interaction, reviewer=actor, calibration__isnull=True)


@dataclass(frozen=True)
class ScoreInput:
    """A reviewer's answer for one criterion: a value, or not applicable, and a comment."""

    value: int | None = None
    is_na: bool = False
    comment: str = ""


def fraction_of(criterion: Criterion, value: int) -> float:
    """The value on a 0..1 scale: yes 1, no 0; 1 to 5 as 0, 0.25, ... 1."""
    if criterion.scale == CriterionScale.YES_NO:
        return float(value)
    return (value - 1) / 4


@dataclass(frozen=True)
class Outcome:
    weighted_score: Decimal | None
    score: Decimal | None
    is_failed: bool


def score_review(criteria: Sequence[Criterion], scores: Mapping[int, CriterionScore]) -> Outcome:
    """The weighted score in percent: criteria marked N/A leave the denominator; bonus criteria
    add their share when met but never count against it (at most 100); a critical criterion
    failed fails the review, whose score is then 0 (the weighted one is kept beside it)."""
    counted = Decimal(0)
    earned = Decimal(0)
    bonus = Decimal(0)
    failed = False
    for criterion in criteria:
        row = scores.get(criterion.pk)
        if row is None or row.is_na or row.fraction is None:
            continue
        share = criterion.weight * Decimal(str(row.fraction))
        if criterion.is_bonus:
            bonus += share
            continue
        counted += criterion.weight
        earned += share
        failed = failed or (criterion.is_critical and row.is_fail)
    if counted == 0:
        return Outcome(None, None, failed)
    weighted = min(Decimal(100), (earned + bonus) / counted * 100).quantize(
        HUNDREDTH, ROUND_HALF_UP
    )
    return Outcome(weighted, Decimal(0).quantize(HUNDREDTH) if failed else weighted, failed)


def _check_value(criterion: Criterion, answer: ScoreInput) -> None:
    label = {"name": criterion.behaviour}
    if answer.is_na:
        if not criterion.allows_na:
            raise ValidationError(
                {"scores": _("“%(name)s” cannot be marked N/A on this scorecard.") % label}
            )
        return
    if answer.value is None:
        return
    if not criterion.bottom <= answer.value <= criterion.top:
        raise ValidationError(
            {
                "scores": _("“%(name)s” takes a score from %(low)s to %(high)s.")
                % {"name": criterion.behaviour, "low": criterion.bottom, "high": criterion.top}
            }
        )


class AlreadySubmitted(ValidationError):
    """The review was submitted already (a second click, another tab): nothing changed."""


@transaction.atomic
def save_review(
    *,
    actor: Person,
    review: Review,
    scores: Mapping[int, ScoreInput],
    comment: str = "",
    submit: bool = False,
    calibration: bool = False,
) -> Review:
    """Keep a draft's scores, or submit it: then every criterion needs a score or N/A.

    `scores` maps criterion ids of the review's own version to answers; any other id is an
    error naming it, and nothing is written. A calibration review is saved only through
    `quality.calibration.save_calibration_review` (`calibration=True`), which keeps it blind.
    """
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.reviewer_id != actor.pk or (locked.calibration_id is not None) != calibration:
        raise PermissionDenied
    if locked.status != ReviewStatus.DRAFT:
        raise AlreadySubmitted(
            {"review": _("This review was already submitted; scores change only by dispute.")}
        )
    criteria = {c.pk: c for c in selectors.criteria_in_use(locked.version)}
    existing = {s.criterion_id: s for s in locked.scores.all()}
    new_rows, changed = _answer(locked, criteria, existing, scores)
    # Values were checked against each criterion above: written in two statements at most.
    CriterionScore.objects.bulk_create(new_rows)
    CriterionScore.objects.bulk_update(changed, ["is_na", "value", "fraction", "comment"])
    locked.comment = comment.strip()
    fields = ["comment", "updated_at"]
    if submit:
        _mark_submitted(locked, criteria, existing)
        fields += ["score", "weighted_score", "is_failed", "status", "submitted_at"]
        if not locked.is_self_review and not calibration:  # the queue wants someone else's
            _close_queue_item(locked)
    locked.save(update_fields=fields)
    if submit:
        refresh_rollup_later(locked)
    return locked


def _answer(
    review: Review,
    criteria: Mapping[int, Criterion],
    existing: dict[int, CriterionScore],
    scores: Mapping[int, ScoreInput],
) -> tuple[list[CriterionScore], list[CriterionScore]]:
    """Check every answer and put it on its row (`existing`, by criterion id, gains the new
    ones); returns the rows to insert and those to update. Nothing is written here."""
    unknown = [pk for pk in scores if pk not in criteria]
    if unknown:
        raise ValidationError(
            {
                "scores": _("Criterion %(id)s is not on version %(number)s of this scorecard.")
                % {"id": unknown[0], "number": review.version.number}
            }
        )
    for pk, answer in scores.items():
        _check_value(criteria[pk], answer)
    new_rows: list[CriterionScore] = []
    changed: list[CriterionScore] = []
    for pk, answer in scores.items():
        note = answer.comment.strip()
        if len(note) > TEXT_LENGTH:
            raise ValidationError(
                {
                    "scores": _("The comment on “%(name)s” is longer than %(limit)s characters.")
                    % {"name": criteria[pk].behaviour, "limit": TEXT_LENGTH}
                }
            )
        row = existing.get(pk) or CriterionScore(review=review, criterion=criteria[pk])
        row.is_na = answer.is_na
        row.value = None if answer.is_na else answer.value
        row.fraction = None if row.value is None else fraction_of(criteria[pk], row.value)
        row.comment = note
        (changed if row.pk is not None else new_rows).append(row)
        existing[pk] = row
    return new_rows, changed


def _mark_submitted(
    review: Review, criteria: Mapping[int, Criterion], rows: Mapping[int, CriterionScore]
) -> None:
    """Score the review from the rows in hand (every criterion answered) and mark it
    submitted; a ValidationError names what is missing. Nothing is written here."""
    missing = [c for c in criteria.values() if _unanswered(rows.get(c.pk))]
    if missing:
        raise ValidationError(
            {"scores": _("Score “%(name)s” (or mark it N/A).") % {"name": missing[0].behaviour}}
        )
    outcome = score_review(list(criteria.values()), rows)
    if outcome.score is None:
        raise ValidationError(
            {"scores": _("Every counted criterion is N/A: there is nothing to score.")}
        )
    review.score, review.weighted_score = outcome.score, outcome.weighted_score
    review.is_failed = outcome.is_failed
    review.status = ReviewStatus.SUBMITTED
    review.submitted_at = timezone.now()


def _close_queue_item(review: Review) -> None:
    QueueItem.objects.filter(interaction_id=review.interaction_id, done_at__isnull=True).update(
        review=review, done_at=review.submitted_at
    )


def review_interaction(
    *,
    actor: Person,
    interaction: Interaction,
    scores: Mapping[int, ScoreInput],
    comment: str = "",
    submit: bool = False,
    scorecard: Scorecard | None = None,
) -> tuple[Review, bool]:
    """Open and score the actor's review of an interaction in one transaction: a draft, or
    submitted (`submit`); returns the review and whether it is new.

    The first review of an interaction by this reviewer is written whole at once: one query
    finds the scorecard version (and whether the interaction is queued), the criteria come
    from `selectors.criteria_in_use`, every answer is checked and the score computed before
    the review row and its scores are inserted (two statements). An error names the problem
    and writes nothing. When the reviewer has a review of it already (a double submit, two
    tabs, a draft kept earlier) the unique constraint says so, and that review is saved as
    `save_review` does: a draft is updated, a submitted one raises `AlreadySubmitted`.
    """
    if not selectors.may_review(actor, interaction):
        raise PermissionDenied
    try:
        with transaction.atomic():
            return _new_review(actor, interaction, scores, comment, submit, scorecard), True
    except (IntegrityError, ValidationError):
        # Taken already (or refused): a review this reviewer has of it decides; none, the error.
        existing = Review.objects.filter(
            interaction=interaction, reviewer=actor, calibration__isnull=True
        ).first()
        if existing is None:
            raise
    saved = save_review(actor=actor, review=existing, scores=scores, comment=comment, submit=submit)
    return saved, False


def _new_review(
    actor: Person,
    interaction: Interaction,
    scores: Mapping[int, ScoreInput],
    comment: str,
    submit: bool,
    scorecard: Scorecard | None,
) -> Review:
    found = selectors.version_in_use(interaction, scorecard)
    criteria = {c.pk: c for c in selectors.criteria_in_use(found.version)}
    review = Review(
        version=found.version,
        interaction=interaction,
        team_id=interaction.team_id,
        agent_id=interaction.handled_by_id,
        reviewer=actor,
        is_self_review=interaction.handled_by_id == actor.pk,
        comment=comment.strip(),
    )
    rows: dict[int, CriterionScore] = {}
    new_rows, _changed = _answer(review, criteria, rows, scores)
    if submit:
        _mark_submitted(review, criteria, rows)
    review.save(force_insert=True)
    for row in new_rows:
        row.review = review
    CriterionScore.objects.bulk_create(new_rows)
    if submit:
        if found.queued and not review.is_self_review:
            _close_queue_item(review)
        refresh_rollup_later(review)
    return review


def _unanswered(row: CriterionScore | None) -> bool:
    return row is None or (not row.is_na and row.value is None)


def refresh_rollup_later(review: Review) -> None:
    """Once the transaction commits, recompute the dashboard rollup of the review's team and
    week (a task: a few grouped queries over one team's week, off the request; submits close
    together share one, `tasks.refresh_week_soon`)."""
    from groundswell.quality import rollups, tasks

    if review.calibration_id is not None or review.is_self_review:
        return
    week, team_id = rollups.week_of(review).isoformat(), review.team_id
    transaction.on_commit(lambda: tasks.refresh_week_soon(week, team_id))


# --- Acknowledge and dispute ------------------------------------------------------------------


@transaction.atomic
def acknowledge_review(*, actor: Person, review: Review) -> Review:
    """The agent says they have read the review; it can no longer be disputed."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if locked.agent_id != actor.pk or locked.is_self_review:
        raise PermissionDenied
    if locked.status == ReviewStatus.DISPUTED:
        raise ValidationError(
            {"review": _("Wait for the decision on your dispute before acknowledging.")}
        )
    if locked.status != ReviewStatus.SUBMITTED:
        raise ValidationError({"review": _("This review was acknowledged already.")})
    locked.status = ReviewStatus.ACKNOWLEDGED
    locked.acknowledged_at = timezone.now()
    locked.save(update_fields=["status", "acknowledged_at", "updated_at"])
    return locked


@transaction.atomic
def raise_dispute(
    *,
    actor: Person,
    review: Review,
    criterion: Criterion | int,
    reason: str,
    now: datetime.datetime | None = None,
) -> Dispute:
    """The agent disputes one criterion's score, with a reason, within the dispute window."""
    locked = Review.objects.select_for_update().get(pk=review.pk)
    if (
        locked.agent_id != actor.pk
        or locked.is_self_review
        or not can(actor, Action.DISPUTE_REVIEWS, actor)
    ):
        raise PermissionDenied
    if locked.status == ReviewStatus.ACKNOWLEDGED:
        raise ValidationError(
            {"review": _("You acknowledged this review; it can no longer be disputed.")}
        )
    if locked.status not in DONE_STATUSES:
        raise ValidationError({"review": _("Only a submitted review can be disputed.")})
    deadline = selectors.dispute_deadline(locked)
    if deadline is None or (now or timezone.now()) > deadline:
        raise ValidationError(
            {
                "review": _("The time to dispute this review ended on %(day)s.")
                % {"day": timezone.localtime(deadline).date() if deadline else "—"}
            }
        )
    criterion_id = criterion.pk if isinstance(criterion, Criterion) else criterion
    chosen = locked.version.criteria.filter(pk=criterion_id).first()
    if chosen is None:
        raise ValidationError(
            {
                "criterion": _("Criterion %(id)s is not on this review's scorecard.")
                % {"id": criterion_id}
            }
        )
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": _("Say why you disagree with the score.")})
    if locked.disputes.filter(criterion=chosen).exists():
        raise ValidationError(
            {"criterion": _("You disputed “%(name)s” already.") % {"name": chosen}}
        )
    dispute = Dispute(review=locked, criterion=chosen, raised_by=actor, reason=reason)
    dispute.full_clean()
    dispute.save(force_insert=True)
    locked.status = ReviewStatus.DISPUTED
    locked.save(update_fields=["status", "updated_at"])
    refresh_rollup_later(locked)
    return dispute


@transaction.atomic
def decide_dispute(
    *,
    actor: Person,
    dispute: Dispute,
    uphold: bool,
    note: str,
    value: int | None = None,
    is_na: bool = False,
) -> Dispute:
    """A reviewer other than the one who scored decides: the score stands, or changes to
    `value` (or N/A); a change is audited with who, when, before and after."""
    review = (
        Review.objects.select_for_update(of=("self",))
        .select_related("team", "agent")
        .get(pk=dispute.review_id)
    )
    locked = Dispute.objects.select_for_update().get(pk=dispute.pk)
    if actor.pk in (review.reviewer_id, review.agent_id) or not selectors.may_review_agent(
        actor, review.team, review.agent
    ):
        raise PermissionDenied
    if locked.status != DisputeStatus.OPEN:
        raise ValidationError({"dispute": _("This dispute was decided already.")})
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Explain the decision to the agent.")})
    if uphold:
        _change_score(actor, review, locked, value=value, is_na=is_na, note=note)
    locked.status = DisputeStatus.UPHELD if uphold else DisputeStatus.REJECTED
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.decision_note = note
    locked.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
    if not review.disputes.filter(status=DisputeStatus.OPEN).exists():
        review.status = ReviewStatus.SUBMITTED
        review.save(update_fields=["status", "updated_at"])
    if uphold:
        refresh_rollup_later(review)
    return locked


def _change_score(
    actor: Person, review: Review, dispute: Dispute, *, value: int | None, is_na: bool, note: str
) -> None:
    criterion = dispute.criterion
    answer = ScoreInput(value=value, is_na=is_na)
    if not is_na and value is None:
        raise ValidationError({"value": _("Give the new score, or mark it N/A.")})
    _check_value(criterion, answer)
    row = review.scores.get(criterion=criterion)
    before_value, before_score = row.value, review.score
    row.is_na, row.value = is_na, None if is_na else value
    row.fraction = None if row.value is None else fraction_of(criterion, row.value)
    row.save(update_fields=["is_na", "value", "fraction"])
    criteria = selectors.version_criteria(review.version)
    outcome = score_review(criteria, {s.criterion_id: s for s in review.scores.all()})
    if outcome.score is None:
        raise ValidationError({"value": _("That would leave nothing to score on this review.")})
    review.score, review.weighted_score = outcome.score, outcome.weighted_score
    review.is_failed = outcome.is_failed
    review.save(update_fields=["score", "weighted_score", "is_failed", "updated_at"])
    ScoreChange.objects.create(
        review=review,
        criterion=criterion,
        dispute=dispute,
        changed_by=actor,
        value_before=before_value,
        value_after=row.value,
        score_before=before_score,
        score_after=review.score,
        note=note,
    )


# --- Coaching ---------------------------------------------------------------------------------


@transaction.atomic
def plan_coaching(
    *,
    actor: Person,
    agent: Person,
    focus_keys: Sequence[str],
    planned_for: datetime.datetime,
    follow_up_on: datetime.date,
    reviews: Sequence[Review] = (),
) -> CoachingSession:
    """Plan a coaching conversation about some behaviours, from one review or several."""
    if agent.team is None or not selectors.may_coach(actor, agent):
        raise PermissionDenied
    if any(review.agent_id != agent.pk for review in reviews):
        raise ValidationError({"reviews": _("Every review must be of %(name)s.") % {"name": agent}})
    known = dict(selectors.behaviours_of(agent))
    keys = list(dict.fromkeys(focus_keys))
    if not keys:
        raise ValidationError({"focus_keys": _("Choose at least one behaviour to work on.")})
    unknown = [key for key in keys if key not in known]
    if unknown:
        raise ValidationError(
            {
                "focus_keys": _("%(name)s was never scored on %(key)s.")
                % {"name": agent, "key": unknown[0]}
            }
        )
    if follow_up_on < timezone.localtime(planned_for).date():
        raise ValidationError({"follow_up_on": _("The follow-up comes after the session.")})
    session = CoachingSession(
        agent=agent,
        team=agent.team,
        coach=actor,
        focus_keys=keys,
        focus_labels=[known[key] for key in keys],
        planned_for=planned_for,
        follow_up_on=follow_up_on,
    )
    session.full_clean()
    session.save(force_insert=True)
    if reviews:
        session.reviews.set(reviews)
    return session


@transaction.atomic
def update_coaching(
    *,
    actor: Person,
    session: CoachingSession,
    reflection: str | None = None,
    agreed_actions: str | None = None,
    follow_up_on: datetime.date | None = None,
    held: bool = False,
) -> CoachingSession:
    """The agent writes their reflection; the coach records the agreed actions and the meeting."""
    locked = CoachingSession.objects.select_for_update().get(pk=session.pk)
    is_agent = locked.agent_id == actor.pk
    is_coach = not is_agent and selectors.may_coach(actor, locked.agent)
    if not (is_agent or is_coach):
        raise PermissionDenied
    if is_agent and (agreed_actions is not None or follow_up_on is not None or held):
        raise PermissionDenied
    fields: list[str] = []
    if reflection is not None:
        locked.reflection = reflection.strip()
        fields.append("reflection")
    if agreed_actions is not None:
        locked.agreed_actions = agreed_actions.strip()
        fields.append("agreed_actions")
    if follow_up_on is not None:
        locked.follow_up_on = follow_up_on
        fields.append("follow_up_on")
    if held and locked.status == CoachingStatus.PLANNED:
        if not locked.agreed_actions:
            raise ValidationError({"agreed_actions": _("Write down the actions you agreed.")})
        locked.status = CoachingStatus.HELD
        locked.held_at = timezone.now()
        fields += ["status", "held_at"]
    locked.full_clean()
    if fields:
        locked.save(update_fields=fields)
    return locked


# --- Root causes ------------------------------------------------------------------------------


@transaction.atomic
def record_root_cause(
    *,
    actor: Person,
    review: Review,
    kind: str,
    note: str,
    criterion: Criterion | None = None,
    policy: Policy | None = None,
) -> RootCause:
    """Say where a failed criterion or a poor review came from. A process or policy cause is
    filed in the open door's policy-friction register; a product cause waits for `problems`."""
    if review.status not in DONE_STATUSES or not selectors.may_record_cause(actor, review):
        raise PermissionDenied
    if kind not in RootCauseKind.values:
        raise ValidationError({"kind": _("Choose a kind of cause.")})
    if criterion is not None:
        score = review.scores.filter(criterion=criterion).first()
        if score is None:
            raise ValidationError({"criterion": _("That criterion is not on this review.")})
        if not score.is_fail:
            raise ValidationError(
                {"criterion": _("“%(name)s” was not failed on this review.") % {"name": criterion}}
            )
    elif not selectors.is_poor(review):
        raise ValidationError(
            {"criterion": _("Choose the failed criterion: the review as a whole was not poor.")}
        )
    note = note.strip()
    if not note:
        raise ValidationError({"note": _("Say what happened.")})
    if kind == RootCauseKind.POLICY and policy is None:
        raise ValidationError({"policy": _("Name the policy that got in the way.")})
    cause = RootCause(
        review=review,
        criterion=criterion,
        kind=kind,
        note=note,
        policy=policy,
        recorded_by=actor,
    )
    cause.full_clean()
    if kind in FRICTION_CAUSES:
        what = criterion.behaviour if criterion is not None else _("a quality review")
        cause.idea = ideas_services.submit_idea(
            actor=actor,
            kind=IdeaKind.POLICY_FRICTION if policy is not None else IdeaKind.ISSUE,
            title=(_("Quality review: %(what)s") % {"what": what})[:200],
            body=note,
            category=IdeaCategory.POLICY if kind == RootCauseKind.POLICY else IdeaCategory.PROCESS,
            department=review.team.department,
            policy=policy,
        ).idea
    cause.save(force_insert=True)
    return cause


# --- Grants and queue rules -------------------------------------------------------------------


@transaction.atomic
def grant_reviewer(*, actor: Person, person: Person, team: Team) -> ReviewerGrant:
    """Give `person` the quality reviewer capability for `team` (managers, admins)."""
    if not (
        can(actor, Action.GRANT_QUALITY_REVIEWERS, team)
        and can(actor, Action.GRANT_QUALITY_REVIEWERS, person)
    ):
        raise PermissionDenied
    if not person.is_active:
        raise ValidationError({"person": _("%(name)s is not active.") % {"name": person}})
    try:
        with transaction.atomic():
            return ReviewerGrant.objects.create(person=person, team=team, granted_by=actor)
    except IntegrityError:
        raise ValidationError(
            {"person": _("%(name)s already reviews %(team)s.") % {"name": person, "team": team}}
        ) from None


@transaction.atomic
def revoke_reviewer(*, actor: Person, grant: ReviewerGrant) -> ReviewerGrant:
    if not can(actor, Action.GRANT_QUALITY_REVIEWERS, grant.team):
        raise PermissionDenied
    grant.revoked_at = timezone.now()
    grant.revoked_by = actor
    grant.save(update_fields=["revoked_at", "revoked_by"])
    return grant


QUEUE_RULE_FIELDS = frozenset(
    {"sample_per_agent", "every_poor_answer", "new_hire_weeks", "new_hire_extra", "due_days"}
)


@transaction.atomic
def set_queue_rule(*, actor: Person, team: Team, **values: Any) -> QueueRule:
    """Set how `team`'s review queue is filled (its lead, a manager, an admin)."""
    if not can(actor, Action.MANAGE_REVIEW_QUEUE, team):
        raise PermissionDenied
    unknown = set(values) - QUEUE_RULE_FIELDS
    if unknown:
        raise ValueError(f"Not queue rule fields: {sorted(unknown)}")
    rule = QueueRule.objects.select_for_update().filter(team=team).first() or QueueRule(team=team)
    for name, value in values.items():
        setattr(rule, name, value)
    rule.updated_by = actor
    rule.full_clean()
    if rule.pk is None:
        rule.save(force_insert=True)
    else:
        rule.save(update_fields=[*values, "updated_by", "updated_at"])
    return rule
