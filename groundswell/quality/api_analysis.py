"""The API's presenters of the metric audit and of a calibration's results.

Neither builds anything of its own: the audit rows come from `audit.audit_data` (the builder
the page uses too) and a calibration's results are the ones `calibration.compute_results` kept
on it when the last reviewer submitted (`Calibration.results`). Each reads a bounded number of
queries (values lists, no per-row query).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import QuerySet

from groundswell.people.models import Team
from groundswell.quality import statistics
from groundswell.quality.audit import audit_data
from groundswell.quality.choices import CalibrationStatus
from groundswell.quality.models import Calibration, Review, Scorecard
from groundswell.quality.rollups import counted_reviews


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
    """The scorecard's counted reviews (of the team, submitted in the period)."""
    reviews = counted_reviews().filter(version__scorecard=scorecard)
    if team is not None:
        reviews = reviews.filter(team=team)
    if since is not None:
        reviews = reviews.filter(submitted_at__date__gte=since)
    if until is not None:
        reviews = reviews.filter(submitted_at__date__lte=until)
    return reviews


def metric_audit_out(
    scorecard: Scorecard,
    *,
    team: Team | None = None,
    since: datetime.date | None = None,
    until: datetime.date | None = None,
    handle_time_target: float | None = None,
) -> dict[str, Any]:
    """The metric audit of a scorecard's reviews, as the API returns it."""
    data = audit_data(audit_reviews(scorecard, team=team, since=since, until=until))
    result = statistics.metric_audit(
        data.rows, scales=data.scales, labels=data.labels, handle_time_target=handle_time_target
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


def calibration_results_out(calibration: Calibration) -> dict[str, Any] | None:
    """The results kept on the calibration (agreement, agreed scores, each reviewer's
    distance; `CalibrationResultsOut` reads the fields it lists); None while scoring is blind
    or when there was nothing to compare (fewer than two reviewers scored)."""
    results = calibration.results
    if calibration.status == CalibrationStatus.OPEN or not results or "error" in results:
        return None
    return dict(results)
