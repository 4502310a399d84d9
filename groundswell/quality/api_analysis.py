"""The statistics of `quality.statistics` fed from the database, for the API (and pages).

* `metric_audit_of`: every submitted review on a scorecard, beside the customer's CSAT answer
  about the same interaction, its criteria followed by key across versions;
* `calibration_results_of`: a calibration's scores as reviewer x interaction matrices.

Both read a bounded number of queries (values lists, no per-row query).
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import defaultdict
from typing import Any

import numpy as np
from django.db.models import QuerySet

from groundswell.people.models import Team
from groundswell.quality import selectors, statistics
from groundswell.quality.choices import DONE_STATUSES, CriterionScale
from groundswell.quality.models import (
    Calibration,
    Criterion,
    CriterionScore,
    Review,
    Scorecard,
)
from groundswell.voice.choices import SurveyKind
from groundswell.voice.models import Response

CSAT = SurveyKind.CSAT


def scale_of(criterion: Criterion) -> statistics.Scale:
    if criterion.scale == CriterionScale.YES_NO:
        return statistics.YES_NO
    return statistics.ONE_TO_FIVE


def _interval(interval: Any) -> dict[str, float] | None:
    if interval is None:
        return None
    return {"low": interval.low, "high": interval.high, "level": interval.level}


def _estimate(estimate: Any) -> dict[str, Any] | None:
    if estimate is None:
        return None
    return {"value": estimate.value, "interval": _interval(estimate.interval), "n": estimate.n}


def audit_reviews(
    scorecard: Scorecard,
    *,
    team: Team | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
) -> QuerySet[Review]:
    reviews = Review.objects.filter(
        version__scorecard=scorecard, calibration__isnull=True, status__in=DONE_STATUSES
    ).exclude(is_self_review=True)
    if team is not None:
        reviews = reviews.filter(team=team)
    if since is not None:
        reviews = reviews.filter(submitted_at__date__gte=since)
    if until is not None:
        reviews = reviews.filter(submitted_at__date__lte=until)
    return reviews


def audit_rows(
    scorecard: Scorecard, reviews: QuerySet[Review]
) -> tuple[list[statistics.AuditRow], dict[str, statistics.Scale], dict[str, str]]:
    """One row per reviewed interaction with a CSAT answer (its first review counts)."""
    version = selectors.current_version(scorecard)
    criteria = selectors.version_criteria(version) if version is not None else []
    scales = {c.key: scale_of(c) for c in criteria}
    labels = {c.key: c.behaviour for c in criteria}
    picked: dict[int, tuple[int, float | None, int | None]] = {}
    for pk, interaction, score, handle in reviews.order_by("submitted_at", "pk").values_list(
        "pk", "interaction_id", "score", "interaction__handle_time_seconds"
    ):
        picked.setdefault(interaction, (pk, None if score is None else float(score), handle))
    satisfaction: dict[int, float] = {}
    answers = Response.objects.filter(
        kind=CSAT, invitation__interaction_id__in=list(picked)
    ).order_by("submitted_at", "pk")
    for answered, value in answers.values_list("invitation__interaction_id", "score"):
        if answered is not None:
            satisfaction.setdefault(answered, float(value))
    review_ids = {pk for pk, _score, _handle in picked.values()}
    scores: dict[int, dict[str, float | None]] = defaultdict(dict)
    values = CriterionScore.objects.filter(review_id__in=review_ids).values_list(
        "review_id", "criterion__key", "value"
    )
    for scored, key, given in values:
        if scored is not None and key in scales:
            scores[scored][key] = None if given is None else float(given)
    rows = [
        statistics.AuditRow(
            satisfaction=satisfaction[interaction],
            scores=scores.get(pk, {}),
            qa_score=qa,
            handle_time=None if handle is None else float(handle),
        )
        for interaction, (pk, qa, handle) in picked.items()
        if interaction in satisfaction
    ]
    return rows, scales, labels


def metric_audit_of(
    scorecard: Scorecard,
    *,
    team: Team | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    handle_time_target: float | None = None,
) -> dict[str, Any]:
    """The metric audit of a scorecard's reviews, as the API returns it."""
    reviews = audit_reviews(scorecard, team=team, since=since, until=until)
    rows, scales, labels = audit_rows(scorecard, reviews)
    result = statistics.metric_audit(
        rows, scales=scales, labels=labels, handle_time_target=handle_time_target
    )
    trap = result.handle_time
    return {
        "scorecard": scorecard.pk,
        "interactions": result.interactions,
        "minimum_n": result.minimum_n,
        "satisfied_from": result.satisfied_from,
        "measures": [
            {
                "measure": str(item.measure),
                "label": item.label,
                "kind": item.kind,
                "method": item.method,
                "symbol": item.symbol,
                "coefficient": item.coefficient,
                "interval": _interval(item.interval),
                "p_value": item.p_value,
                "n": item.n,
                "verdict": str(item.verdict),
                "sentence": item.sentence,
            }
            for item in result.measures
        ],
        "handle_time": None
        if trap is None
        else {
            "target": trap.target,
            "target_source": trap.target_source,
            "long_rated_highly": _estimate(trap.long_rated_highly),
            "others_rated_highly": _estimate(trap.others_rated_highly),
            "punishes_good_service": trap.punishes_good_service,
            "sentence": trap.sentence,
        },
        "summary": list(statistics.audit_summary(result)),
    }


def calibration_results_of(calibration: Calibration) -> dict[str, Any] | None:
    """Agreement, agreed scores and each reviewer's distance; None when there is nothing to
    compare (fewer than two reviewers scored)."""
    criteria = selectors.version_criteria(calibration.version)
    reviewers = [p.reviewer_id for p in calibration.participants.all()]
    interactions = [item.interaction_id for item in calibration.items.all()]
    where_reviewer = {pk: index for index, pk in enumerate(reviewers)}
    where_interaction = {pk: index for index, pk in enumerate(interactions)}
    matrices = {
        c.pk: np.full((len(reviewers), len(interactions)), np.nan, dtype=np.float64)
        for c in criteria
    }
    values = CriterionScore.objects.filter(
        review__calibration=calibration, review__status__in=DONE_STATUSES
    ).values_list("review__reviewer_id", "review__interaction_id", "criterion_id", "value")
    for reviewer, interaction, criterion, value in values:
        if (
            value is None
            or criterion not in matrices
            or reviewer not in where_reviewer
            or interaction not in where_interaction
        ):
            continue
        matrices[criterion][where_reviewer[reviewer], where_interaction[interaction]] = value
    try:
        results = statistics.calibration_results(
            [statistics.CriterionScores(c.pk, scale_of(c), matrices[c.pk]) for c in criteria],
            reviewers=reviewers,
            interactions=interactions,
        )
    except statistics.QualityStatisticsError:
        return None
    names = {c.pk: c.behaviour for c in criteria}

    def agreement(item: statistics.Agreement) -> dict[str, Any]:
        return {
            "alpha": item.alpha,
            "interval": _interval(item.interval),
            "units": item.units,
            "pairable_values": item.pairable_values,
            "method": item.method,
        }

    return {
        "overall": agreement(results.overall),
        "criteria": [
            {
                "criterion": item.criterion,
                "behaviour": names[int(item.criterion)],
                "scale": item.scale.name,
                "agreement": agreement(item.agreement),
                "needs_rewording": item.needs_rewording,
                "note": item.note,
            }
            for item in results.criteria
        ],
        "agreed": [dataclasses.asdict(item) for item in results.agreed],
        "reviewers": [
            {
                "reviewer": item.reviewer,
                "disagreement_rate": dataclasses.asdict(item.disagreement_rate),
                "mean_absolute_distance": dataclasses.asdict(item.mean_absolute_distance),
            }
            for item in results.reviewers
        ],
        "reword_below": results.reword_below,
    }
