"""API shapes for quality: scorecards, reviews, disputes, calibrations and the metric audit."""

import datetime
from decimal import Decimal
from typing import Annotated

from ninja import FilterLookup, FilterSchema, Schema
from pydantic import AfterValidator, Field, StringConstraints

from groundswell.core.schemas import Id, storable
from groundswell.desk.choices import Channel
from groundswell.quality.choices import (
    CalibrationStatus,
    CriterionScale,
    DisputeStatus,
    ReviewStatus,
)
from groundswell.quality.models import MAX_WEIGHT, TEXT_LENGTH

ShortStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=150),
    AfterValidator(storable),
]
CommentStr = Annotated[str, StringConstraints(max_length=TEXT_LENGTH), AfterValidator(storable)]
ReasonStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_LENGTH),
    AfterValidator(storable),
]
Weight = Annotated[Decimal, Field(gt=0, le=MAX_WEIGHT, max_digits=5, decimal_places=2)]
Score = Annotated[int, Field(ge=0, le=5)]


# Scorecards ---------------------------------------------------------------------------------


class CriterionIn(Schema):
    section: ShortStr
    behaviour: ShortStr
    good_looks_like: CommentStr = ""
    scale: CriterionScale = CriterionScale.YES_NO
    weight: Weight = Decimal(1)
    allows_na: bool = False
    is_critical: bool = False
    is_bonus: bool = False
    key: Annotated[str, StringConstraints(max_length=40, pattern=r"^[A-Za-z0-9_-]*$")] = Field(
        "", description="Keep a behaviour's key from the previous version to follow it over time."
    )


class ScorecardIn(Schema):
    name: ShortStr
    department: Id
    team: Id | None = None
    channel: Channel | None = None
    criteria: list[CriterionIn] = Field(min_length=1, max_length=100)


class VersionIn(Schema):
    note: Annotated[str, StringConstraints(max_length=300), AfterValidator(storable)] = ""
    criteria: list[CriterionIn] = Field(min_length=1, max_length=100)


class CriterionOut(Schema):
    id: int
    key: str
    section: str
    behaviour: str
    good_looks_like: str
    scale: CriterionScale
    weight: Decimal
    allows_na: bool
    is_critical: bool
    is_bonus: bool


class VersionOut(Schema):
    id: int
    number: int
    note: str
    created_at: datetime.datetime
    criteria: list[CriterionOut]


class ScorecardOut(Schema):
    id: int
    name: str
    department: int
    team: int | None
    channel: str
    is_active: bool
    current_version: int | None = Field(description="The number of the version in use.")


class ScorecardDetailOut(ScorecardOut):
    versions: list[VersionOut] = Field(description="Every version, newest first.")


# Reviews ------------------------------------------------------------------------------------


class ScoreIn(Schema):
    criterion: Id
    value: Score | None = Field(None, description="0/1 for yes/no criteria, 1 to 5 otherwise.")
    is_na: bool = False
    comment: CommentStr = ""


class ReviewIn(Schema):
    interaction: Id
    scorecard: Id | None = Field(
        None, description="Left out: the scorecard in use for the interaction's team and channel."
    )
    scores: list[ScoreIn] = Field(default_factory=list, max_length=200)
    comment: CommentStr = ""
    submit: bool = Field(True, description="False keeps a draft.")


class ReviewFilter(FilterSchema):
    status: ReviewStatus | None = None
    agent: Annotated[Id | None, FilterLookup("agent_id")] = None
    team: Annotated[Id | None, FilterLookup("team_id")] = None
    reviewer: Annotated[Id | None, FilterLookup("reviewer_id")] = None
    scorecard: Annotated[Id | None, FilterLookup("version__scorecard_id")] = None
    submitted_from: Annotated[datetime.date | None, FilterLookup("submitted_at__date__gte")] = None
    submitted_to: Annotated[datetime.date | None, FilterLookup("submitted_at__date__lte")] = None
    is_failed: bool | None = None


class ScoreOut(Schema):
    criterion: int
    key: str
    behaviour: str
    value: int | None
    is_na: bool
    comment: str


class DisputeOut(Schema):
    id: int
    review: int
    criterion: int
    raised_by: int
    reason: str
    raised_at: datetime.datetime
    status: DisputeStatus
    decided_by: int | None
    decided_at: datetime.datetime | None
    decision_note: str


class ReviewOut(Schema):
    id: int
    interaction: int
    scorecard: int
    version: int = Field(description="The number of the scorecard version it was scored on.")
    team: int
    agent: int | None
    reviewer: int
    is_self_review: bool
    status: ReviewStatus
    score: Decimal | None
    weighted_score: Decimal | None
    is_failed: bool
    comment: str
    created_at: datetime.datetime
    submitted_at: datetime.datetime | None
    acknowledged_at: datetime.datetime | None


class ReviewDetailOut(ReviewOut):
    scores: list[ScoreOut]
    disputes: list[DisputeOut]


# Disputes -----------------------------------------------------------------------------------


class DisputeIn(Schema):
    criterion: Id
    reason: ReasonStr


class DecisionIn(Schema):
    uphold: bool = Field(description="True changes the score to `value` (or N/A).")
    note: ReasonStr
    value: Score | None = None
    is_na: bool = False


# Calibrations -------------------------------------------------------------------------------


class CalibrationOut(Schema):
    id: int
    name: str
    scorecard: int
    version: int
    department: int
    status: CalibrationStatus
    due_on: datetime.date | None
    created_at: datetime.datetime
    revealed_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    interactions: list[int]
    reviewers: list[int]
    submitted: list[int] = Field(description="The reviewers who have submitted all their scores.")


class IntervalOut(Schema):
    low: float
    high: float
    level: float


class AgreementOut(Schema):
    alpha: float | None
    interval: IntervalOut | None
    units: int
    pairable_values: int
    method: str


class CriterionAgreementOut(Schema):
    criterion: int
    behaviour: str
    scale: str
    agreement: AgreementOut
    needs_rewording: bool
    note: str


class AgreedScoreOut(Schema):
    interaction: int
    criterion: int
    value: float | None
    n: int
    is_tied: bool


class DistanceOut(Schema):
    value: float | None
    n: int


class ReviewerDistanceOut(Schema):
    reviewer: int
    disagreement_rate: DistanceOut
    mean_absolute_distance: DistanceOut


class CalibrationResultsOut(Schema):
    overall: AgreementOut
    criteria: list[CriterionAgreementOut]
    agreed: list[AgreedScoreOut]
    reviewers: list[ReviewerDistanceOut]
    reword_below: float


class CalibrationDetailOut(CalibrationOut):
    results: CalibrationResultsOut | None = Field(
        description="Null until every reviewer has submitted (scoring is blind until then)."
    )


# Metric audit -------------------------------------------------------------------------------


class AuditFilter(Schema):
    scorecard: Id
    team: Id | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None
    handle_time_target: int | None = Field(
        None, ge=1, le=86_400, description="Seconds; left out: the 75th percentile."
    )


class AssociationOut(Schema):
    measure: str
    label: str
    kind: str
    method: str
    symbol: str
    coefficient: float | None
    interval: IntervalOut | None
    p_value: float | None
    n: int
    verdict: str
    sentence: str


class EstimateOut(Schema):
    value: float
    interval: IntervalOut | None
    n: int


class HandleTimeTrapOut(Schema):
    target: float
    target_source: str
    long_rated_highly: EstimateOut | None
    others_rated_highly: EstimateOut | None
    punishes_good_service: bool
    sentence: str


class MetricAuditOut(Schema):
    scorecard: int
    interactions: int = Field(description="Reviewed interactions with a CSAT answer.")
    minimum_n: int
    satisfied_from: float
    measures: list[AssociationOut]
    handle_time: HandleTimeTrapOut | None
    summary: list[str]


# Import -------------------------------------------------------------------------------------


class ImportProblemOut(Schema):
    line: int | None
    column: str
    message: str


class ReviewImportOut(Schema):
    total: int
    created: int
    skipped: int
    problems: list[ImportProblemOut] = Field(description="The first 100 problems.")
