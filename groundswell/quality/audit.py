"""The metric audit's data: reviews beside the customer's satisfaction with the same interaction.

`audit_data` is the one builder of `statistics.AuditRow`s, for the page (`audit_page`, the
viewer's reach over a period of interactions) and the API (`api_analysis.metric_audit_out`, one
scorecard): two queries (values_list, no query per row). First the reviews of interactions with
a CSAT answer, each with that answer (the latest, by a subquery), its QA score and handle time;
an interaction reviewed more than once counts once, with its first review, so one customer
answer is never counted twice. Then every criterion score of those reviews. Criteria are
followed by their key, the same behaviour in every version of a scorecard. Callers pass the
reviews to audit (self-reviews and calibration exercises are never among them:
`rollups.counted_reviews`).
"""

from __future__ import annotations

import datetime
import itertools
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.utils import timezone

from groundswell.people.models import Person
from groundswell.people.permissions import Action, restrict
from groundswell.quality import statistics
from groundswell.quality.choices import CriterionScale
from groundswell.quality.models import CriterionScore, Review
from groundswell.quality.rollups import counted_reviews
from groundswell.voice.choices import SurveyKind
from groundswell.voice.models import Response

PERIODS = (30, 90, 180, 365)  # days
DEFAULT_DAYS = 180
SCALES = {
    CriterionScale.YES_NO.value: statistics.YES_NO,
    CriterionScale.ONE_TO_FIVE.value: statistics.ONE_TO_FIVE,
}


@dataclass(frozen=True)
class AuditData:
    rows: list[statistics.AuditRow]
    scales: dict[str, statistics.Scale]
    labels: dict[str, str]


def _csat() -> QuerySet[Response]:
    return Response.objects.filter(
        invitation__interaction=OuterRef("interaction_id"), kind=SurveyKind.CSAT
    )


def audited_reviews(
    viewer: Person, since: datetime.datetime, until: datetime.datetime
) -> QuerySet[Review]:
    """Reviews in the viewer's reach, of interactions opened in the period."""
    reviews = counted_reviews().filter(
        interaction__opened_at__gte=since, interaction__opened_at__lt=until
    )
    return restrict(reviews, viewer, Action.ANALYSE_QUALITY, team="team")


def audit_data(reviews: QuerySet[Review]) -> AuditData:
    """The audit rows of `reviews` (those with a CSAT answer; one per interaction)."""
    reviews = reviews.filter(Exists(_csat()))
    latest = _csat().order_by("-submitted_at", "-pk").values("score")[:1]
    base = (
        reviews.annotate(satisfaction=Subquery(latest))
        .order_by("submitted_at", "pk")
        .values_list(
            "pk", "interaction_id", "satisfaction", "score", "interaction__handle_time_seconds"
        )
    )
    first: dict[int, tuple[int, Any, Any, Any]] = {}
    for pk, interaction, satisfaction, score, handle in base:
        first.setdefault(interaction, (pk, satisfaction, score, handle))
    counted = {pk for pk, _satisfaction, _score, _handle in first.values()}
    scales: dict[str, statistics.Scale] = {}
    labels: dict[str, str] = {}
    scores: dict[int, dict[str, Any]] = defaultdict(dict)
    # The reviews' scores by the ids already in hand: as a subquery (`review__in=reviews`), the
    # EXISTS on the customer's answer made PostgreSQL plan a nested loop that ran for minutes
    # on a few thousand fresh rows; ids in batches stay under SQLite's limit on parameters.
    rows_of_scores = (
        row
        for ids in itertools.batched(sorted(counted), 10_000)
        for row in CriterionScore.objects.filter(review_id__in=ids, value__isnull=False)
        .order_by("criterion__version__scorecard_id", "criterion__position", "-criterion_id")
        .values_list(
            "review_id", "criterion__key", "criterion__behaviour", "criterion__scale", "value"
        )
    )
    for review_id, key, label, scale, value in rows_of_scores:
        known = scales.setdefault(key, SCALES[scale])
        labels.setdefault(key, label)
        if known is SCALES[scale] and review_id in counted:
            scores[review_id][key] = value  # a behaviour whose scale changed keeps its first one
    rows = [
        statistics.AuditRow(
            satisfaction=None if satisfaction is None else float(satisfaction),
            scores=scores.get(pk, {}),
            qa_score=None if score is None else float(score),
            handle_time=None if handle is None else float(handle),
        )
        for pk, satisfaction, score, handle in first.values()
    ]
    return AuditData(rows=rows, scales=scales, labels=labels)


@dataclass(frozen=True)
class AuditPage:
    days: int
    since: datetime.date
    audit: statistics.MetricAudit
    summary: tuple[str, ...]
    chart: statistics.AuditChart
    not_predicting: list[statistics.Association]


def audit_page(viewer: Person, *, days: int = DEFAULT_DAYS) -> AuditPage:
    """The audit over the last `days` days of interactions, for the viewer's reach."""
    until = timezone.now()
    since = until - datetime.timedelta(days=days)
    data = audit_data(audited_reviews(viewer, since, until))
    audit = statistics.metric_audit(data.rows, scales=data.scales, labels=data.labels)
    return AuditPage(
        days=days,
        since=timezone.localtime(since).date(),
        audit=audit,
        summary=statistics.audit_summary(audit),
        chart=statistics.audit_chart(audit),
        not_predicting=[
            item
            for item in audit.measures
            if item.kind == "criterion" and item.verdict == statistics.Verdict.DOES_NOT_PREDICT
        ],
    )
