"""Did hiring for attitude work? For each attitude of a job profile, how the interview scores
of the candidates who were hired relate to how they did afterwards:

- their quality score (mean of their done reviews since they started), Spearman's rho with
  a Fisher z interval (Bonett-Wright standard error);
- their customers' satisfaction (CSAT, % of 4-5 answers about them since they started),
  Spearman's rho with the same interval;
- staying past a year (hired at least a year ago and still active), the point-biserial r
  (scipy) with the Fisher interval of Pearson's r.

A hire's interview score on an attitude is the mean of the panel members who sent their
scores. A hire counts for a performance outcome with at least MIN_OBSERVATIONS reviews or
answers; a relation is shown only with at least MIN_HIRES hires, "too few to tell" below.
Staying is read from today's active flag: the person record keeps no leaving date, so someone
who left after their first year counts as not staying (docs/measurement.md).
Only coefficients are shown, never a person's figures.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import numpy as np
from django.db.models import Avg
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from scipy import stats as scipy_stats

from groundswell.core.lib.stats import LEVEL, Interval
from groundswell.learning.choices import CandidateStatus
from groundswell.learning.models import Attitude, InterviewScore, JobProfile
from groundswell.people.models import Person
from groundswell.quality.selectors import review_scores_of
from groundswell.quality.statistics import fisher_interval
from groundswell.voice.dashboard import metrics
from groundswell.voice.dashboard.selectors import csat_scores_of

MIN_HIRES = 10  # fewer hires with an outcome than this: "too few to tell"
MIN_OBSERVATIONS = 3  # reviews (or CSAT answers) a hire needs to count for that outcome
STAY_DAYS = 365


class Outcome(StrEnum):
    QUALITY = "quality"
    CSAT = "csat"
    STAYED = "stayed"


OUTCOME_LABELS = {
    Outcome.QUALITY: gettext_lazy("quality score"),
    Outcome.CSAT: gettext_lazy("customer satisfaction"),
    Outcome.STAYED: gettext_lazy("staying past a year"),
}


class Verdict(StrEnum):
    HIGHER = "higher"  # a higher interview score goes with a better outcome
    LOWER = "lower"  # ... with a worse one
    NO_CLEAR_RELATION = "no_clear_relation"  # the interval includes zero
    NO_VARIATION = "no_variation"  # everyone scored (or did) the same
    TOO_FEW = "too_few"


@dataclass(frozen=True)
class Relation:
    """One attitude against one outcome: the coefficient, its 95% interval, n and verdict."""

    outcome: Outcome
    method: str
    symbol: str  # "rho" (Spearman) or "r" (point-biserial)
    coefficient: float | None
    interval: Interval | None
    p_value: float | None
    n: int
    verdict: Verdict
    sentence: str

    @property
    def too_few(self) -> bool:
        return self.verdict == Verdict.TOO_FEW

    @property
    def label(self) -> str:
        return str(OUTCOME_LABELS[self.outcome])

    @property
    def bar(self) -> Bar | None:
        """Where to draw it on an axis from -1 to 1, in per cent of the width."""
        if self.coefficient is None:
            return None
        start, end = sorted((_x(0.0), _x(self.coefficient)))
        return Bar(
            x=start,
            width=round(end - start, 2),
            low_x=_x(self.interval.low) if self.interval else None,
            high_x=_x(self.interval.high) if self.interval else None,
        )


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    low_x: float | None
    high_x: float | None


@dataclass(frozen=True)
class AttitudeOutcomes:
    attitude: Attitude
    relations: tuple[Relation, ...]


@dataclass(frozen=True)
class ProfileOutcomes:
    """Every attitude of a profile against the three outcomes, and how many hires there were."""

    profile: JobProfile
    attitudes: tuple[AttitudeOutcomes, ...]
    hires: int
    min_hires: int = MIN_HIRES
    min_observations: int = MIN_OBSERVATIONS
    stay_days: int = STAY_DAYS
    ticks: tuple[tuple[float, float], ...] = (
        (-1.0, 0.0),
        (-0.5, 25.0),
        (0.0, 50.0),
        (0.5, 75.0),
        (1.0, 100.0),
    )


def _x(value: float) -> float:
    return round(50 + 50 * max(-1.0, min(1.0, value)), 2)


# --- The statistics ---------------------------------------------------------------------------


SPEARMAN = "Spearman's rho (scipy), Fisher z interval with the Bonett-Wright standard error"
POINT_BISERIAL = "point-biserial r (scipy), Fisher z interval"


def relate(
    outcome: Outcome,
    scores: Sequence[float],
    outcomes: Sequence[float],
    *,
    binary: bool = False,
    minimum: int = MIN_HIRES,
    level: float = LEVEL,
) -> Relation:
    """Interview scores against an outcome (one pair per hire): Spearman's rho, or for a yes/no
    outcome (1 stayed, 0 left) the point-biserial r; "too few" under `minimum` pairs."""
    x = np.asarray(scores, dtype=np.float64)
    y = np.asarray(outcomes, dtype=np.float64)
    n = int(x.size)
    symbol, method = ("r", POINT_BISERIAL) if binary else ("rho", SPEARMAN)

    def result(
        coefficient: float | None, interval: Interval | None, p: float | None, verdict: Verdict
    ) -> Relation:
        return Relation(
            outcome=outcome,
            method=method,
            symbol=symbol,
            coefficient=coefficient,
            interval=interval,
            p_value=p,
            n=n,
            verdict=verdict,
            sentence=_sentence(outcome, verdict, symbol, coefficient, interval, n, minimum),
        )

    if n < minimum or n < 4:
        return result(None, None, None, Verdict.TOO_FEW)
    if np.all(x == x[0]) or np.all(y == y[0]):
        return result(None, None, None, Verdict.NO_VARIATION)
    if binary:
        found = scipy_stats.pointbiserialr(y, x)
        coefficient, p = float(found.statistic), float(found.pvalue)
        low, high = scipy_stats.pearsonr(y, x).confidence_interval(confidence_level=level)
        interval: Interval | None = Interval(float(low), float(high), level)
    else:
        rho = scipy_stats.spearmanr(x, y)
        coefficient, p = float(rho.statistic), float(rho.pvalue)
        interval = fisher_interval(coefficient, n, level=level)
    if interval is None:  # not reached: n >= 4 gives an interval
        return result(None, None, None, Verdict.TOO_FEW)
    if interval.low > 0:
        verdict = Verdict.HIGHER
    elif interval.high < 0:
        verdict = Verdict.LOWER
    else:
        verdict = Verdict.NO_CLEAR_RELATION
    return result(coefficient, interval, p, verdict)


def _sentence(
    outcome: Outcome,
    verdict: Verdict,
    symbol: str,
    coefficient: float | None,
    interval: Interval | None,
    n: int,
    minimum: int,
) -> str:
    label = OUTCOME_LABELS[outcome]
    if verdict == Verdict.NO_VARIATION:
        return _("Cannot tell: every one of the %(n)s hires has the same score or %(label)s.") % {
            "n": n,
            "label": label,
        }
    if verdict == Verdict.TOO_FEW or coefficient is None or interval is None:
        return _("Too few to tell: %(n)s hires with a %(label)s figure, %(min)s needed.") % {
            "n": n,
            "label": label,
            "min": minimum,
        }
    words = {
        "label": label,
        "evidence": f"{symbol} {coefficient:.2f}, 95% {interval.low:.2f} to {interval.high:.2f}, "
        f"n={n}",
    }
    if verdict == Verdict.HIGHER:
        return (
            _("Those who scored higher here went on to a better %(label)s (%(evidence)s).") % words
        )
    if verdict == Verdict.LOWER:
        return (
            _("Those who scored higher here went on to a worse %(label)s (%(evidence)s).") % words
        )
    return _("No clear relation with %(label)s (%(evidence)s).") % words


# --- The data ---------------------------------------------------------------------------------


def _hire_scores(profile: JobProfile) -> dict[int, dict[int, float]]:
    """attitude id -> {hired person id: mean score of the panel members who sent theirs}."""
    rows = (
        InterviewScore.objects.filter(
            attitude__profile=profile,
            panel_member__submitted_at__isnull=False,
            panel_member__candidate__status=CandidateStatus.HIRED,
            panel_member__candidate__hired_person__isnull=False,
        )
        .values_list("attitude_id", "panel_member__candidate__hired_person_id")
        .annotate(mean=Avg("score"))
        .order_by()
    )
    found: dict[int, dict[int, float]] = defaultdict(dict)
    for attitude_id, person_id, mean in rows:
        found[attitude_id][person_id] = float(mean)
    return found


def _csat_share(scores: list[int]) -> float | None:
    found = metrics.csat(metrics.tally(scores))
    return found.favourable if found is not None else None


def _outcomes(
    people: dict[int, tuple[datetime.date | None, bool]], today: datetime.date
) -> dict[Outcome, dict[int, float]]:
    """Per outcome, each hire's figure: mean quality score and CSAT share since their start
    (with at least MIN_OBSERVATIONS each), and 1/0 for staying when hired a year ago or more."""
    started = {pk: hired for pk, (hired, _active) in people.items() if hired is not None}
    found: dict[Outcome, dict[int, float]] = {outcome: {} for outcome in Outcome}
    if not started:
        return found
    since = _start(min(started.values()))
    until = _start(today + datetime.timedelta(days=1))
    ids = sorted(started)
    reviews: dict[int, list[float]] = defaultdict(list)
    for pk, when, score in review_scores_of(ids, since, until):
        if timezone.localdate(when) >= started[pk]:
            reviews[pk].append(score)
    answers: dict[int, list[int]] = defaultdict(list)
    for pk, when, score in csat_scores_of(ids, since, until):
        if timezone.localdate(when) >= started[pk]:
            answers[pk].append(score)
    for pk, values in reviews.items():
        if len(values) >= MIN_OBSERVATIONS:
            found[Outcome.QUALITY][pk] = sum(values) / len(values)
    for pk, scores in answers.items():
        share = _csat_share(scores) if len(scores) >= MIN_OBSERVATIONS else None
        if share is not None:
            found[Outcome.CSAT][pk] = share
    year_ago = today - datetime.timedelta(days=STAY_DAYS)
    for pk, hired in started.items():
        if hired <= year_ago:
            found[Outcome.STAYED][pk] = 1.0 if people[pk][1] else 0.0
    return found


def profile_outcomes(profile: JobProfile, *, today: datetime.date | None = None) -> ProfileOutcomes:
    """Each attitude of the profile against later quality, satisfaction and staying."""
    today = today or timezone.localdate()
    scores = _hire_scores(profile)
    hired = {pk for per_person in scores.values() for pk in per_person}
    people = {
        pk: (hire_date, is_active)
        for pk, hire_date, is_active in Person.objects.filter(pk__in=hired).values_list(
            "pk", "hire_date", "is_active"
        )
    }
    outcomes = _outcomes(people, today)
    rows = []
    for attitude in profile.attitudes.all():
        mine = scores.get(attitude.pk, {})
        relations = []
        for outcome in Outcome:
            pairs = [(mine[pk], value) for pk, value in outcomes[outcome].items() if pk in mine]
            relations.append(
                relate(
                    outcome,
                    [score for score, _value in pairs],
                    [value for _score, value in pairs],
                    binary=outcome == Outcome.STAYED,
                )
            )
        rows.append(AttitudeOutcomes(attitude, tuple(relations)))
    return ProfileOutcomes(profile=profile, attitudes=tuple(rows), hires=len(people))


def _start(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
