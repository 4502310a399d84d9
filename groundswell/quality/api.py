"""Quality over the API: scorecards, reviews, disputes, calibrations, the metric audit and the
import of past reviews. Every route reads and writes through the same selectors and services
as the pages, so the same permission rules apply."""

from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from groundswell.core.api.errors import ERROR_RESPONSES
from groundswell.core.api.pagination import Pages
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, can, can_somewhere, restrict
from groundswell.people.typing import ApiRequest
from groundswell.quality import api_analysis, imports, selectors, services
from groundswell.quality.choices import DisputeStatus
from groundswell.quality.models import (
    Calibration,
    CalibrationReviewer,
    Criterion,
    CriterionScore,
    Dispute,
    Review,
    Scorecard,
    ScorecardVersion,
)
from groundswell.quality.schemas import (
    AuditFilter,
    CalibrationDetailOut,
    CalibrationOut,
    CriterionIn,
    DecisionIn,
    DisputeIn,
    DisputeOut,
    MetricAuditOut,
    ReviewDetailOut,
    ReviewFilter,
    ReviewImportOut,
    ReviewIn,
    ReviewOut,
    ScorecardDetailOut,
    ScorecardIn,
    ScorecardOut,
    VersionIn,
)

router = Router(tags=["quality"])

CSV_BODY = {
    "requestBody": {
        "required": True,
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": (
            "A CSV file of past reviews: interaction (number) or external id, reviewer email, "
            "reviewed at, one column per criterion named by its behaviour, comment."
        ),
    }
}


def _criteria(items: list[CriterionIn]) -> list[services.CriterionInput]:
    return [services.CriterionInput(**item.dict()) for item in items]


# Scorecards ---------------------------------------------------------------------------------


def _scorecard_out(scorecard: Scorecard) -> dict[str, Any]:
    numbers = [version.number for version in scorecard.versions.all()]
    return {
        "id": scorecard.pk,
        "name": scorecard.name,
        "department": scorecard.department_id,
        "team": scorecard.team_id,
        "channel": scorecard.channel,
        "is_active": scorecard.is_active,
        "current_version": max(numbers) if numbers else None,
    }


def _version_out(version: ScorecardVersion) -> dict[str, Any]:
    return {
        "id": version.pk,
        "number": version.number,
        "note": version.note,
        "created_at": version.created_at,
        "criteria": [
            {
                "id": c.pk,
                "key": c.key,
                "section": c.section.title,
                "behaviour": c.behaviour,
                "good_looks_like": c.good_looks_like,
                "scale": c.scale,
                "weight": c.weight,
                "allows_na": c.allows_na,
                "is_critical": c.is_critical,
                "is_bonus": c.is_bonus,
            }
            for c in version.criteria.all()
        ],
    }


def _scorecard_detail(viewer: Person, pk: int) -> dict[str, Any]:
    scorecard = selectors.get_scorecard_for(viewer, pk)
    versions = (
        scorecard.versions.order_by("-number")
        .prefetch_related(
            Prefetch(
                "criteria",
                queryset=Criterion.objects.select_related("section").order_by(
                    "section__position", "position", "pk"
                ),
            )
        )
        .all()
    )
    out = _scorecard_out(scorecard)
    out["versions"] = [_version_out(version) for version in versions]
    return out


def _department(pk: int) -> Department:
    department = Department.objects.filter(pk=pk).first()
    if department is None:
        raise ValidationError(
            {"department": _("There is no department with id %(id)s.") % {"id": pk}}
        )
    return department


def _team(pk: int | None, field: str = "team") -> Team | None:
    if pk is None:
        return None
    team = Team.objects.filter(pk=pk).first()
    if team is None:
        raise ValidationError({field: _("There is no team with id %(id)s.") % {"id": pk}})
    return team


@router.get("/quality/scorecards", response={200: list[ScorecardOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_scorecards(request: ApiRequest) -> list[dict[str, Any]]:
    """The scorecards of the departments where the caller reads, reviews or manages quality."""
    cards = selectors.list_scorecards(request.auth).prefetch_related("versions")
    return [_scorecard_out(card) for card in cards]


@router.get(
    "/quality/scorecards/{scorecard_id}", response={200: ScorecardDetailOut, **ERROR_RESPONSES}
)
def get_scorecard(request: ApiRequest, scorecard_id: int) -> dict[str, Any]:
    """One scorecard with every version and its criteria, newest version first."""
    return _scorecard_detail(request.auth, scorecard_id)


@router.post("/quality/scorecards", response={201: ScorecardDetailOut, **ERROR_RESPONSES})
def create_scorecard(request: ApiRequest, payload: ScorecardIn) -> Status[dict[str, Any]]:
    """A new scorecard with its first version (managers of the department, administrators)."""
    scorecard = services.create_scorecard(
        actor=request.auth,
        name=payload.name,
        department=_department(payload.department),
        team=_team(payload.team),
        channel=payload.channel or "",
        criteria=_criteria(payload.criteria),
    )
    return Status(201, _scorecard_detail(request.auth, scorecard.pk))


@router.post(
    "/quality/scorecards/{scorecard_id}/versions",
    response={201: ScorecardDetailOut, **ERROR_RESPONSES},
)
def revise_scorecard(
    request: ApiRequest, scorecard_id: int, payload: VersionIn
) -> Status[dict[str, Any]]:
    """Change the criteria: a version in use stays as it was and the change becomes the next
    version (old reviews keep theirs); an unused version is rewritten."""
    scorecard = selectors.get_scorecard_for(request.auth, scorecard_id, manage=True)
    services.revise_scorecard(
        actor=request.auth,
        scorecard=scorecard,
        criteria=_criteria(payload.criteria),
        note=payload.note,
    )
    return Status(201, _scorecard_detail(request.auth, scorecard.pk))


# Reviews ------------------------------------------------------------------------------------


def _review_rows(viewer: Person) -> QuerySet[Review]:
    return selectors.list_reviews(viewer).select_related("version")


def _review_out(review: Review) -> dict[str, Any]:
    return {
        "id": review.pk,
        "interaction": review.interaction_id,
        "scorecard": review.version.scorecard_id,
        "version": review.version.number,
        "team": review.team_id,
        "agent": review.agent_id,
        "reviewer": review.reviewer_id,
        "is_self_review": review.is_self_review,
        "status": review.status,
        "score": review.score,
        "weighted_score": review.weighted_score,
        "is_failed": review.is_failed,
        "comment": review.comment,
        "created_at": review.created_at,
        "submitted_at": review.submitted_at,
        "acknowledged_at": review.acknowledged_at,
    }


def _dispute_out(dispute: Dispute) -> dict[str, Any]:
    return {
        "id": dispute.pk,
        "review": dispute.review_id,
        "criterion": dispute.criterion_id,
        "raised_by": dispute.raised_by_id,
        "reason": dispute.reason,
        "raised_at": dispute.raised_at,
        "status": dispute.status,
        "decided_by": dispute.decided_by_id,
        "decided_at": dispute.decided_at,
        "decision_note": dispute.decision_note,
    }


def _review_detail(viewer: Person, pk: int) -> dict[str, Any]:
    review = selectors.get_review_for(viewer, pk)
    out = _review_out(review)
    scores = CriterionScore.objects.filter(review=review).select_related("criterion")
    out["scores"] = [
        {
            "criterion": s.criterion_id,
            "key": s.criterion.key,
            "behaviour": s.criterion.behaviour,
            "value": s.value,
            "is_na": s.is_na,
            "comment": s.comment,
        }
        for s in scores.order_by("criterion__section__position", "criterion__position")
    ]
    out["disputes"] = [_dispute_out(d) for d in review.disputes.all()]
    return out


@router.get("/quality/reviews", response={200: list[ReviewOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_reviews(request: ApiRequest, filters: Query[ReviewFilter]) -> list[dict[str, Any]]:
    """Reviews the caller may read, newest first: their team's or department's (leads,
    managers, executives), their own work (agents), those they wrote; drafts only their own."""
    rows = filters.filter(_review_rows(request.auth))
    return [_review_out(review) for review in rows]


@router.get("/quality/reviews/{review_id}", response={200: ReviewDetailOut, **ERROR_RESPONSES})
def get_review(request: ApiRequest, review_id: int) -> dict[str, Any]:
    """One review with every criterion's score and its disputes."""
    return _review_detail(request.auth, review_id)


@router.post(
    "/quality/reviews", response={200: ReviewDetailOut, 201: ReviewDetailOut, **ERROR_RESPONSES}
)
def create_review(request: ApiRequest, payload: ReviewIn) -> Status[dict[str, Any]]:
    """Score an interaction (a draft with `submit: false`). Sending the same review again is
    safe: once submitted, the stored review comes back (200) unchanged, never a second one.
    An interaction outside the caller's reviewer reach is answered as if it did not exist."""
    viewer = request.auth
    interaction = selectors.get_interaction_for_review(viewer, payload.interaction)
    scorecard = None
    if payload.scorecard is not None:
        scorecard = selectors.list_scorecards(viewer).filter(pk=payload.scorecard).first()
        if scorecard is None:
            raise ValidationError(
                {
                    "scorecard": _("There is no scorecard with id %(id)s.")
                    % {"id": payload.scorecard}
                }
            )
    scores: dict[int, services.ScoreInput] = {}
    for item in payload.scores:
        if item.criterion in scores:
            raise ValidationError(
                {"scores": _("Criterion %(id)s is scored twice.") % {"id": item.criterion}}
            )
        scores[item.criterion] = services.ScoreInput(
            value=item.value, is_na=item.is_na, comment=item.comment
        )
    try:
        review, created = services.review_interaction(
            actor=viewer,
            interaction=interaction,
            scores=scores,
            comment=payload.comment,
            submit=payload.submit,
            scorecard=scorecard,
        )
    except services.AlreadySubmitted:
        stored = Review.objects.get(
            interaction=interaction, reviewer=viewer, calibration__isnull=True
        )
        return Status(200, _review_detail(viewer, stored.pk))
    return Status(201 if created else 200, _review_detail(viewer, review.pk))


@router.post(
    "/quality/reviews/{review_id}/acknowledge",
    response={200: ReviewDetailOut, **ERROR_RESPONSES},
)
def acknowledge_review(request: ApiRequest, review_id: int) -> dict[str, Any]:
    """The agent has read the review; it can no longer be disputed."""
    review = selectors.get_review_for(request.auth, review_id)
    services.acknowledge_review(actor=request.auth, review=review)
    return _review_detail(request.auth, review_id)


# Disputes -----------------------------------------------------------------------------------


@router.post("/quality/reviews/{review_id}/disputes", response={201: DisputeOut, **ERROR_RESPONSES})
def open_dispute(request: ApiRequest, review_id: int, payload: DisputeIn) -> Status[dict[str, Any]]:
    """The agent disputes one criterion's score, with a reason, within the dispute window."""
    review = selectors.get_review_for(request.auth, review_id)
    dispute = services.raise_dispute(
        actor=request.auth, review=review, criterion=payload.criterion, reason=payload.reason
    )
    return Status(201, _dispute_out(dispute))


@router.get("/quality/disputes", response={200: list[DisputeOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_disputes(request: ApiRequest, status: DisputeStatus | None = None) -> list[dict[str, Any]]:
    """Disputes on the reviews the caller may read, oldest first."""
    disputes = Dispute.objects.visible_to(request.auth).filter(
        review__in=_review_rows(request.auth)
    )
    if status is not None:
        disputes = disputes.filter(status=status)
    return [_dispute_out(dispute) for dispute in disputes.order_by("raised_at", "pk")]


@router.post(
    "/quality/disputes/{dispute_id}/decision", response={200: DisputeOut, **ERROR_RESPONSES}
)
def decide_dispute(request: ApiRequest, dispute_id: int, payload: DecisionIn) -> dict[str, Any]:
    """A reviewer other than the one who scored decides; an upheld dispute changes the score
    to `value` (or N/A) and the change is audited."""
    dispute = (
        Dispute.objects.visible_to(request.auth)
        .filter(pk=dispute_id, review__in=_review_rows(request.auth))
        .first()
    )
    if dispute is None:
        raise Http404
    decided = services.decide_dispute(
        actor=request.auth,
        dispute=dispute,
        uphold=payload.uphold,
        note=payload.note,
        value=payload.value,
        is_na=payload.is_na,
    )
    return _dispute_out(decided)


# Calibrations -------------------------------------------------------------------------------


def _calibrations(viewer: Person) -> QuerySet[Calibration]:
    """Calibrations of the departments the caller calibrates or analyses, and their own."""
    calibrating = restrict(
        Calibration.objects.all(), viewer, Action.CALIBRATE, department="department"
    ).values("pk")
    analysing = restrict(
        Calibration.objects.all(), viewer, Action.ANALYSE_QUALITY, department="department"
    ).values("pk")
    taking_part = CalibrationReviewer.objects.filter(reviewer=viewer).values("calibration_id")
    return (
        Calibration.objects.filter(
            Q(pk__in=calibrating) | Q(pk__in=analysing) | Q(pk__in=taking_part)
        )
        .select_related("version")
        .prefetch_related("items", "participants")
    )


def _calibration_out(calibration: Calibration) -> dict[str, Any]:
    participants = list(calibration.participants.all())
    return {
        "id": calibration.pk,
        "name": calibration.name,
        "scorecard": calibration.version.scorecard_id,
        "version": calibration.version.number,
        "department": calibration.department_id,
        "status": calibration.status,
        "due_on": calibration.due_on,
        "created_at": calibration.created_at,
        "revealed_at": calibration.revealed_at,
        "closed_at": calibration.closed_at,
        "interactions": [item.interaction_id for item in calibration.items.all()],
        "reviewers": [p.reviewer_id for p in participants],
        "submitted": [p.reviewer_id for p in participants if p.submitted_at is not None],
    }


@router.get("/quality/calibrations", response={200: list[CalibrationOut], **ERROR_RESPONSES})
@paginate(Pages)
def list_calibrations(request: ApiRequest) -> list[dict[str, Any]]:
    """Calibration sessions, newest first."""
    return [_calibration_out(c) for c in _calibrations(request.auth).order_by("-created_at", "-pk")]


@router.get(
    "/quality/calibrations/{calibration_id}",
    response={200: CalibrationDetailOut, **ERROR_RESPONSES},
)
def get_calibration(request: ApiRequest, calibration_id: int) -> dict[str, Any]:
    """One calibration; its results (agreement per criterion with Krippendorff's alpha and a
    bootstrap interval, the agreed scores, each reviewer's distance) once everyone submitted."""
    calibration = _calibrations(request.auth).filter(pk=calibration_id).first()
    if calibration is None:
        raise Http404
    out = _calibration_out(calibration)
    out["results"] = api_analysis.calibration_results_out(calibration)
    return out


# Metric audit -------------------------------------------------------------------------------


@router.get("/quality/metric-audit", response={200: MetricAuditOut, **ERROR_RESPONSES})
def get_metric_audit(request: ApiRequest, filters: Query[AuditFilter]) -> dict[str, Any]:
    """Do the scorecard's criteria, the QA score and handle time go with the customer's own
    satisfaction (CSAT on the same interaction)? Managers for their department, executives."""
    viewer = request.auth
    if not can_somewhere(viewer, Action.ANALYSE_QUALITY):
        raise PermissionDenied
    scorecard = selectors.list_scorecards(viewer).filter(pk=filters.scorecard).first()
    if scorecard is None or not can(viewer, Action.ANALYSE_QUALITY, scorecard.department):
        raise Http404
    team = _team(filters.team)
    if team is not None and team.department_id != scorecard.department_id:
        raise ValidationError({"team": _("That team is not in the scorecard's department.")})
    return api_analysis.metric_audit_out(
        scorecard,
        team=team,
        since=filters.since,
        until=filters.until,
        handle_time_target=filters.handle_time_target,
    )


# Import -------------------------------------------------------------------------------------


@router.post(
    "/quality/scorecards/{scorecard_id}/reviews/import",
    response={201: ReviewImportOut, **ERROR_RESPONSES},
    openapi_extra=CSV_BODY,
)
def import_reviews(
    request: ApiRequest, scorecard_id: int, skip_bad_rows: bool = False
) -> Status[dict[str, Any]]:
    """Import past reviews from another QA tool (a CSV body): every row, or none when any row
    is wrong; with `skip_bad_rows=true` the good rows and a list of the bad ones. Each problem
    names its line, column and what is wrong."""
    scorecard = selectors.get_scorecard_for(request.auth, scorecard_id)
    if not imports.may_import(request.auth, scorecard):
        raise PermissionDenied
    outcome = imports.import_reviews(
        actor=request.auth,
        scorecard=scorecard,
        content=request.body,
        skip_bad_rows=skip_bad_rows,
    )
    report = outcome.plan.report
    if not outcome.committed:
        raise ValidationError(report.as_api_errors())
    return Status(
        201,
        {
            "total": outcome.plan.total,
            "created": outcome.created,
            "skipped": report.bad_lines,
            "problems": report.as_dicts()[:100],
        },
    )
