"""The quality app's statistics: calibration agreement and the metric audit, on plain data.

Pure functions over plain numbers (no models, no database), each answering frozen dataclasses
that carry the figure, its interval, its n and the method's name, like `core/lib/stats.py`.

Calibration (issue 14, item 6)
    Several reviewers score the same interactions. `calibration_results` takes, per criterion,
    a matrix of scores (rows reviewers, columns interactions; None or NaN = not scored or N/A)
    and answers Krippendorff's alpha per criterion at the level that fits its scale (nominal for
    yes/no, ordinal for 1 to 5; the `krippendorff` package), a bootstrap interval for each, the
    overall alpha, the agreed (reference) score of every interaction and criterion, and each
    reviewer's distance from the agreed scores ("grading the graders").

    * Bootstrap: the interactions (Krippendorff's units) are resampled with replacement,
      `resamples` times (default 1,000) from a seeded numpy Generator (default seed 0, so the
      same scores always give the same interval); the interval is the percentile interval at
      `level` (default 95%). One set of resamples serves every criterion, so the overall
      interval comes from the same resamples. A resample whose pairable values all agree on
      one value has no alpha (0/0) and is left out; `undefined_resamples` counts them.
      The resamples are computed at once: each interaction's share of the coincidence matrix
      is taken once, and a resample's matrix is a weighted sum of them (a matrix product).
    * Overall alpha: the criteria's alphas averaged with their pairable values as weights
      (criteria on yes/no and 1-to-5 scales have different distance metrics, so their
      disagreements cannot be pooled into one coincidence matrix).
    * n: units are the interactions with at least two scores on the criterion; pairable values
      are the scores in them (Krippendorff's n).
    * A criterion whose alpha is below `reword_below` (default 0.667, Krippendorff's lowest
      acceptable level for tentative conclusions) is flagged for rewording.
    * Agreed score: the mode for yes/no, the median for 1 to 5, over the scores given. Ties go
      to the lower value: a behaviour counts as shown ("yes") only when more reviewers saw it
      than did not, and an even number of 1-to-5 scores takes the lower of the two middle ones
      (never a half point that is not on the scale). `is_tied` says when the rule decided.
    * Grading the graders: per reviewer and criterion, the disagreement rate with the agreed
      score (yes/no) or the mean absolute distance from it in scale points (1 to 5), over the
      interactions the reviewer scored whose agreed score rests on at least two scores; and
      the same pooled over the reviewer's yes/no and 1-to-5 criteria.

Metric audit (issue 14, item 7)
    Per reviewed interaction: the customer's satisfaction, each criterion's score, the overall
    QA score and the handle time. `metric_audit` answers, per measure, its association with
    satisfaction:

    * 1-to-5 criteria, the QA score and handle time: Spearman's rho (`scipy.stats.spearmanr`,
      its p-value) with a Fisher z interval using Bonett & Wright's (2000) standard error
      sqrt((1 + rho^2 / 2) / (n - 3)).
    * yes/no criteria: the point-biserial r (`scipy.stats.pointbiserialr`) with the Fisher z
      interval of a Pearson r (`scipy.stats.pearsonr(...).confidence_interval`, SE 1/sqrt(n-3)).
    * Verdict: fewer than `minimum_n` pairs (default 30): too few. Otherwise "predicts
      satisfaction" when the interval lies above zero and the coefficient is at least
      `meaningful` (default 0.1, a small effect in Cohen's terms); "goes with lower
      satisfaction" in the mirror case; "does not predict satisfaction" when the whole interval
      lies within +-2 x `meaningful` (anything left is at most a weak link); otherwise unclear
      (the interval is too wide to tell). A measure that never varies cannot predict anything.
    * The handle-time trap: the contacts longer than the target (a given number of seconds, or
      the 75th percentile of the handle times) and the share of them the customer rated highly
      (satisfaction >= `satisfied_from`, default 4 of 5), with a Wilson interval
      (statsmodels `proportion_confint`), beside the same share for the other contacts. A
      target punishes good service when there are at least `minimum_n` long contacts and they
      are not clearly rated worse than the others (the upper end of their interval reaches the
      others' share).

    `audit_summary` writes the findings in plain words for a manager; `audit_chart` gives the
    figures of a bar chart of the coefficients with their intervals, positions included, so a
    template can draw it as SVG without arithmetic.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Literal

import krippendorff
import numpy as np
import numpy.typing as npt
from scipy import stats as scipy_stats

from groundswell.core.lib.stats import LEVEL, Estimate, Interval, round_half_away, share, z_critical

Level = Literal["nominal", "ordinal"]
Key = str | int
Score = float | int | bool | None
FloatArray = npt.NDArray[np.float64]

REWORD_BELOW = 0.667  # Krippendorff (2004, 2019): alpha >= .667 for tentative conclusions only
RESAMPLES = 1000
MINIMUM_N = 30
MEANINGFUL = 0.1
SATISFIED_FROM = 4.0
LONG_QUANTILE = 0.75


# --- Errors -----------------------------------------------------------------------------------


class QualityStatisticsError(ValueError):
    """Input the statistics cannot use; `code` names the problem for the API's error list."""

    code = "invalid"


class TooFewReviewersError(QualityStatisticsError):
    code = "too_few_reviewers"


class NoPairableValuesError(QualityStatisticsError):
    code = "no_pairable_values"


class ScoreOutsideScaleError(QualityStatisticsError):
    code = "score_outside_scale"


class MismatchedScoresError(QualityStatisticsError):
    code = "mismatched_scores"


class InvalidAuditDataError(QualityStatisticsError):
    code = "invalid_audit_data"


# --- Scales -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scale:
    """The scores a criterion can take, in order, and their level of measurement."""

    name: str
    values: tuple[float, ...]
    level: Level

    def label(self, value: float) -> str:
        if self == YES_NO:
            return "yes" if value == 1 else "no"
        return f"{value:g}"


YES_NO = Scale(name="yes/no", values=(0.0, 1.0), level="nominal")  # 1 = yes, 0 = no
ONE_TO_FIVE = Scale(name="1 to 5", values=(1.0, 2.0, 3.0, 4.0, 5.0), level="ordinal")


# --- Calibration: input and results -----------------------------------------------------------


@dataclass(frozen=True)
class CriterionScores:
    """One criterion of a calibration: its scale and the scores, rows reviewers, columns
    interactions (None or NaN: not scored or N/A)."""

    criterion: Key
    scale: Scale
    scores: Sequence[Sequence[Score]] | npt.NDArray[np.floating]


@dataclass(frozen=True)
class Agreement:
    """Krippendorff's alpha with its bootstrap interval; None when it cannot be computed."""

    alpha: float | None
    interval: Interval | None
    units: int  # interactions with at least two scores
    pairable_values: int  # the scores in those interactions
    resamples: int
    undefined_resamples: int  # resamples without variation (alpha 0/0), left out
    method: str


@dataclass(frozen=True)
class CriterionAgreement:
    """One criterion's agreement, level of measurement and rewording flag."""

    criterion: Key
    scale: Scale
    agreement: Agreement
    needs_rewording: bool
    note: str  # why alpha is missing, or ""


@dataclass(frozen=True)
class AgreedScore:
    """The reference score of one interaction on one criterion (None: nobody scored it)."""

    interaction: Key
    criterion: Key
    value: float | None
    n: int
    is_tied: bool


@dataclass(frozen=True)
class Distance:
    """A reviewer's distance from the agreed scores: a rate (yes/no) or scale points (1-5)."""

    value: float | None
    n: int


@dataclass(frozen=True)
class ReviewerCriterionDistance:
    reviewer: Key
    criterion: Key
    measure: Literal["disagreement_rate", "mean_absolute_distance"]
    distance: Distance


@dataclass(frozen=True)
class ReviewerDistance:
    """One reviewer against the agreed scores, pooled over the criteria of each kind."""

    reviewer: Key
    disagreement_rate: Distance  # yes/no criteria: share of scores unlike the agreed one, 0..1
    mean_absolute_distance: Distance  # 1-to-5 criteria: mean |score - agreed|, scale points
    by_criterion: tuple[ReviewerCriterionDistance, ...]


@dataclass(frozen=True)
class CalibrationResults:
    criteria: tuple[CriterionAgreement, ...]
    overall: Agreement
    agreed: tuple[AgreedScore, ...]
    reviewers: tuple[ReviewerDistance, ...]
    reword_below: float

    def agreed_score(self, interaction: Key, criterion: Key) -> AgreedScore:
        for agreed in self.agreed:
            if agreed.interaction == interaction and agreed.criterion == criterion:
                return agreed
        raise KeyError((interaction, criterion))

    @property
    def criteria_to_reword(self) -> tuple[Key, ...]:
        return tuple(item.criterion for item in self.criteria if item.needs_rewording)


# --- Calibration: computation -----------------------------------------------------------------


def _score_matrix(item: CriterionScores, reviewers: int, interactions: int) -> FloatArray:
    try:
        rows = [[np.nan if score is None else float(score) for score in row] for row in item.scores]
    except (TypeError, ValueError) as error:
        raise ScoreOutsideScaleError(
            f"Criterion {item.criterion!r}: every score must be a number or empty ({error})."
        ) from error
    if len(rows) != reviewers or any(len(row) != interactions for row in rows):
        shape = f"{len(rows)} x {sorted({len(row) for row in rows}) or [0]}"
        raise MismatchedScoresError(
            f"Criterion {item.criterion!r}: the scores must be {reviewers} reviewers x "
            f"{interactions} interactions, not {shape}."
        )
    return np.array(rows, dtype=np.float64).reshape(reviewers, interactions)


def _check_scale(
    item: CriterionScores, matrix: FloatArray, reviewers: Sequence[Key], units: Sequence[Key]
) -> None:
    given = ~np.isnan(matrix)
    outside = given & ~np.isin(matrix, np.array(item.scale.values))
    if outside.any():
        row, column = (int(index[0]) for index in np.nonzero(outside))
        allowed = ", ".join(f"{value:g}" for value in item.scale.values)
        raise ScoreOutsideScaleError(
            f"Criterion {item.criterion!r}: reviewer {reviewers[row]!r} gave interaction "
            f"{units[column]!r} the score {matrix[row, column]:g}, outside the "
            f"{item.scale.name} scale ({allowed})."
        )


def _value_counts(matrix: FloatArray, scale: Scale) -> npt.NDArray[np.int64]:
    """Units x values: how many reviewers gave each interaction each score."""
    domain = np.array(scale.values)
    counts = (matrix.T[:, :, np.newaxis] == domain[np.newaxis, np.newaxis, :]).sum(axis=1)
    return np.asarray(counts, dtype=np.int64)


def _unit_coincidences(counts: npt.NDArray[np.int64]) -> FloatArray:
    """Each unit's share of the coincidence matrix (units x values x values; Krippendorff
    2019, 12.2: o_ck = sum over units of n_uc (n_uk - [c = k]) / (m_u - 1)); zero for a unit
    with fewer than two values, which has no pairs."""
    m = counts.sum(axis=1).astype(np.float64)
    pairs = (
        counts[:, :, np.newaxis] * counts[:, np.newaxis, :]
        - counts[:, :, np.newaxis] * (np.eye(counts.shape[1], dtype=np.int64)[np.newaxis, :, :])
    )
    divisor = np.where(m >= 2, m - 1, np.inf)
    return pairs.astype(np.float64) / divisor[:, np.newaxis, np.newaxis]


def _alphas(coincidences: FloatArray, level: Level) -> FloatArray:
    """Krippendorff's alpha for each of a stack of coincidence matrices (B x V x V); NaN where
    the expected disagreement is zero (no variation)."""
    n_v = coincidences.sum(axis=1)  # B x V
    n = n_v.sum(axis=1)  # B
    values = n_v.shape[1]
    if level == "nominal":
        distance = np.broadcast_to(1.0 - np.eye(values), coincidences.shape)
    else:
        # ordinal: d_ck = (sum of n_g for g from c to k - (n_c + n_k) / 2) ** 2
        index = np.arange(values)
        low = np.minimum(index[:, np.newaxis], index[np.newaxis, :])
        high = np.maximum(index[:, np.newaxis], index[np.newaxis, :])
        cumulative = np.cumsum(n_v, axis=1)
        between = cumulative[:, high] - cumulative[:, low] + n_v[:, low]
        distance = (between - (n_v[:, low] + n_v[:, high]) / 2) ** 2
    expected = n_v[:, :, np.newaxis] * n_v[:, np.newaxis, :] - n_v[:, :, np.newaxis] * np.eye(
        values
    )
    with np.errstate(divide="ignore", invalid="ignore"):
        expected = expected / (n - 1)[:, np.newaxis, np.newaxis]
        observed_disagreement = (coincidences * distance).sum(axis=(1, 2))
        expected_disagreement = (expected * distance).sum(axis=(1, 2))
        result = 1.0 - observed_disagreement / expected_disagreement
    result[~(expected_disagreement > 0)] = np.nan
    return np.asarray(result, dtype=np.float64)


def _percentile_interval(values: FloatArray, level: float) -> tuple[Interval | None, int]:
    defined = values[~np.isnan(values)]
    undefined = int(values.size - defined.size)
    if defined.size == 0:
        return None, undefined
    tail = 100 * (1 - level) / 2
    low, high = np.percentile(defined, [tail, 100 - tail])
    return Interval(float(low), float(high), level), undefined


def _generator(seed: int | np.random.Generator) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


@dataclass(frozen=True)
class _Criterion:
    item: CriterionScores
    matrix: FloatArray
    counts: npt.NDArray[np.int64]
    pairable: npt.NDArray[np.bool_]  # per unit: at least two scores


def calibration_results(
    criteria: Sequence[CriterionScores],
    *,
    reviewers: Sequence[Key],
    interactions: Sequence[Key],
    resamples: int = RESAMPLES,
    seed: int | np.random.Generator = 0,
    level: float = LEVEL,
    reword_below: float = REWORD_BELOW,
) -> CalibrationResults:
    """Agreement per criterion and overall, the agreed scores and each reviewer's distance.

    Raises a `QualityStatisticsError` naming the problem: fewer than two reviewers (or fewer
    than two who scored anything), no interaction that two reviewers both scored on any
    criterion, a score outside its criterion's scale, or a matrix of the wrong shape.
    """
    if len(reviewers) < 2:
        raise TooFewReviewersError(
            f"A calibration needs at least two reviewers; this one has {len(reviewers)}."
        )
    if not criteria:
        raise NoPairableValuesError("A calibration needs at least one criterion to compare.")
    if resamples < 1:
        raise QualityStatisticsError(f"resamples must be at least 1, not {resamples}.")
    named: tuple[tuple[str, Sequence[Key]], ...] = (
        ("reviewer", reviewers),
        ("interaction", interactions),
        ("criterion", [item.criterion for item in criteria]),
    )
    for name, keys in named:
        if len(set(keys)) != len(keys):
            raise MismatchedScoresError(f"Each {name} may appear only once in a calibration.")
    prepared = []
    scored_by = np.zeros(len(reviewers), dtype=bool)
    for item in criteria:
        matrix = _score_matrix(item, len(reviewers), len(interactions))
        _check_scale(item, matrix, reviewers, interactions)
        scored_by |= ~np.isnan(matrix).all(axis=1)
        counts = _value_counts(matrix, item.scale)
        prepared.append(_Criterion(item, matrix, counts, counts.sum(axis=1) >= 2))
    if int(scored_by.sum()) < 2:
        raise TooFewReviewersError(
            f"A calibration needs scores from at least two reviewers; "
            f"{int(scored_by.sum())} of the {len(reviewers)} scored anything."
        )
    if not any(criterion.pairable.any() for criterion in prepared):
        raise NoPairableValuesError(
            "No interaction was scored by two reviewers on the same criterion, so there is "
            "nothing to compare."
        )

    units = len(interactions)
    draws = _generator(seed).multinomial(units, np.full(units, 1 / units), size=resamples)
    weights = draws.astype(np.float64)  # for the matrix products (BLAS works on floats)
    agreements = []
    boot_alphas = np.full((len(prepared), resamples), np.nan)
    boot_weights = np.zeros((len(prepared), resamples))
    for row, criterion in enumerate(prepared):
        agreement, boot_alphas[row], boot_weights[row] = _criterion_agreement(
            criterion, weights, level
        )
        agreements.append(
            CriterionAgreement(
                criterion=criterion.item.criterion,
                scale=criterion.item.scale,
                agreement=agreement,
                needs_rewording=agreement.alpha is not None and agreement.alpha < reword_below,
                note=_missing_alpha_note(agreement),
            )
        )
    agreed = _agreed_scores(prepared, interactions)
    return CalibrationResults(
        criteria=tuple(agreements),
        overall=_overall(agreements, boot_alphas, boot_weights, resamples, level),
        agreed=tuple(item for rows in agreed.values() for item in rows),
        reviewers=_reviewer_distances(prepared, agreed, reviewers),
        reword_below=reword_below,
    )


def _criterion_agreement(
    criterion: _Criterion, weights: FloatArray, level: float
) -> tuple[Agreement, FloatArray, FloatArray]:
    scale = criterion.item.scale
    units = int(criterion.pairable.sum())
    pairable_values = int(criterion.counts[criterion.pairable].sum())
    method = f"Krippendorff's alpha ({scale.level}), percentile bootstrap over interactions"
    resamples = weights.shape[0]
    none = np.full(resamples, np.nan)
    observed = criterion.counts[criterion.pairable].sum(axis=0)
    if units == 0 or int((observed > 0).sum()) < 2:
        empty = Agreement(None, None, units, pairable_values, resamples, resamples, method)
        return empty, none, np.zeros(resamples)
    alpha = float(
        krippendorff.alpha(
            reliability_data=criterion.matrix,
            value_domain=list(scale.values),
            level_of_measurement=scale.level,
        )
    )
    per_unit = _unit_coincidences(criterion.counts)
    values = len(scale.values)
    coincidences = (weights @ per_unit.reshape(per_unit.shape[0], values * values)).reshape(
        resamples, values, values
    )
    boot = _alphas(coincidences, scale.level)
    interval, undefined = _percentile_interval(boot, level)
    pairable_per_unit = np.where(criterion.pairable, criterion.counts.sum(axis=1), 0)
    boot_pairable = weights @ pairable_per_unit.astype(np.float64)
    agreement = Agreement(alpha, interval, units, pairable_values, resamples, undefined, method)
    return agreement, boot, boot_pairable


def _missing_alpha_note(agreement: Agreement) -> str:
    if agreement.alpha is not None:
        return ""
    if agreement.units == 0:
        return "No interaction has two scores on this criterion: nothing to compare."
    return (
        "Every score on this criterion was the same, so agreement cannot be told apart from chance."
    )


def _overall(
    agreements: Sequence[CriterionAgreement],
    boot_alphas: FloatArray,
    boot_weights: FloatArray,
    resamples: int,
    level: float,
) -> Agreement:
    """The criteria's alphas averaged, weighted by their pairable values."""
    method = (
        "mean of the criteria's Krippendorff's alphas weighted by pairable values, "
        "percentile bootstrap over interactions"
    )
    defined = [item.agreement for item in agreements if item.agreement.alpha is not None]
    units = max((item.agreement.units for item in agreements), default=0)
    if not defined:
        pairable = sum(item.agreement.pairable_values for item in agreements)
        return Agreement(None, None, units, pairable, resamples, resamples, method)
    total = sum(item.pairable_values for item in defined)
    alpha = sum((item.alpha or 0.0) * item.pairable_values for item in defined) / total
    usable = ~np.isnan(boot_alphas)
    weight = np.where(usable, boot_weights, 0.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        sums = (np.where(usable, boot_alphas, 0.0) * weight).sum(axis=0)
        overall = sums / weight.sum(axis=0)
    interval, undefined = _percentile_interval(np.asarray(overall, dtype=np.float64), level)
    return Agreement(alpha, interval, units, total, resamples, undefined, method)


def _agreed_values(criterion: _Criterion) -> tuple[FloatArray, npt.NDArray[np.bool_]]:
    """Per interaction: the agreed score (NaN where nobody scored) and whether a tie decided."""
    domain = np.array(criterion.item.scale.values)
    given = criterion.counts.sum(axis=1)
    if criterion.item.scale.level == "nominal":
        top = criterion.counts.max(axis=1, keepdims=True)
        at_top = criterion.counts == top
        # argmax takes the first of the most frequent values: ties go to the lower one.
        values = domain[np.argmax(at_top, axis=1)]
        tied = at_top.sum(axis=1) > 1
    else:
        ordered = np.sort(criterion.matrix, axis=0)  # NaN sorts last
        middle = np.maximum(given - 1, 0) // 2  # the lower median
        values = ordered[middle, np.arange(ordered.shape[1])]
        above = ordered[np.minimum(middle + 1, ordered.shape[0] - 1), np.arange(ordered.shape[1])]
        tied = (given % 2 == 0) & (given > 0) & (values != above)
    return np.where(given > 0, values, np.nan), tied & (given > 0)


def _agreed_scores(
    prepared: Sequence[_Criterion], interactions: Sequence[Key]
) -> dict[Key, list[AgreedScore]]:
    agreed: dict[Key, list[AgreedScore]] = {}
    for criterion in prepared:
        values, tied = _agreed_values(criterion)
        given = criterion.counts.sum(axis=1)
        agreed[criterion.item.criterion] = [
            AgreedScore(
                interaction=interaction,
                criterion=criterion.item.criterion,
                value=None if np.isnan(value) else float(value),
                n=int(n),
                is_tied=bool(is_tied),
            )
            for interaction, value, n, is_tied in zip(
                interactions, values.tolist(), given.tolist(), tied.tolist(), strict=True
            )
        ]
    return agreed


def _reviewer_distances(
    prepared: Sequence[_Criterion],
    agreed: Mapping[Key, Sequence[AgreedScore]],
    reviewers: Sequence[Key],
) -> tuple[ReviewerDistance, ...]:
    results = []
    for row, reviewer in enumerate(reviewers):
        pooled: dict[Level, list[float]] = {"nominal": [], "ordinal": []}
        by_criterion = []
        for criterion in prepared:
            reference = np.array(
                [
                    np.nan if item.value is None or item.n < 2 else item.value
                    for item in agreed[criterion.item.criterion]
                ]
            )
            mine = criterion.matrix[row]
            both = ~np.isnan(mine) & ~np.isnan(reference)
            level = criterion.item.scale.level
            if level == "nominal":
                gaps = (mine[both] != reference[both]).astype(np.float64)
            else:
                gaps = np.abs(mine[both] - reference[both])
            pooled[level].extend(float(gap) for gap in gaps)
            by_criterion.append(
                ReviewerCriterionDistance(
                    reviewer=reviewer,
                    criterion=criterion.item.criterion,
                    measure="disagreement_rate" if level == "nominal" else "mean_absolute_distance",
                    distance=_distance(gaps.tolist()),
                )
            )
        results.append(
            ReviewerDistance(
                reviewer=reviewer,
                disagreement_rate=_distance(pooled["nominal"]),
                mean_absolute_distance=_distance(pooled["ordinal"]),
                by_criterion=tuple(by_criterion),
            )
        )
    return tuple(results)


def _distance(gaps: Sequence[float]) -> Distance:
    return Distance(sum(gaps) / len(gaps) if gaps else None, len(gaps))


# --- Metric audit: input and results ----------------------------------------------------------


class Verdict(StrEnum):
    PREDICTS = "predicts"
    PREDICTS_LOWER = "predicts_lower"
    DOES_NOT_PREDICT = "does_not_predict"
    UNCLEAR = "unclear"
    TOO_FEW = "too_few"
    NO_VARIATION = "no_variation"


MeasureKind = Literal["criterion", "qa_score", "handle_time"]


@dataclass(frozen=True)
class AuditRow:
    """One reviewed interaction: the customer's satisfaction (e.g. CSAT 1-5), each criterion's
    score (None: not scored or N/A), the overall QA score and the handle time in seconds."""

    satisfaction: float | None
    scores: Mapping[str, Score]
    qa_score: float | None = None
    handle_time: float | None = None


@dataclass(frozen=True)
class Association:
    """One measure against satisfaction: the coefficient, its interval, p-value and verdict."""

    measure: Key
    label: str
    kind: MeasureKind
    method: str
    symbol: str  # "rho" (Spearman) or "r" (point-biserial)
    coefficient: float | None
    interval: Interval | None
    p_value: float | None
    n: int
    verdict: Verdict
    sentence: str


@dataclass(frozen=True)
class HandleTimeTrap:
    """Long contacts (over the target) that customers rated highly, against the others."""

    target: float  # seconds
    target_source: str  # "given" or "75th percentile"
    long_rated_highly: Estimate | None  # per cent, Wilson interval; n = long contacts
    others_rated_highly: Estimate | None
    punishes_good_service: bool
    sentence: str


@dataclass(frozen=True)
class MetricAudit:
    measures: tuple[Association, ...]
    handle_time: HandleTimeTrap | None
    interactions: int  # rows with a satisfaction answer
    minimum_n: int
    satisfied_from: float


# --- Metric audit: computation ----------------------------------------------------------------


def _figure(value: float) -> str:
    text = f"{round_half_away(value, 2):f}"
    return "0.00" if text == "-0.00" else text


def _evidence(symbol: str, coefficient: float, interval: Interval | None, n: int) -> str:
    if interval is None:
        return f"{symbol} {_figure(coefficient)}, n={n}"
    return (
        f"{symbol} {_figure(coefficient)}, {round(interval.level * 100):d}% CI "
        f"{_figure(interval.low)}..{_figure(interval.high)}, n={n}"
    )


def fisher_interval(
    r: float, n: int, *, level: float = LEVEL, bonett_wright: bool = True
) -> Interval | None:
    """Fisher z interval of a correlation: tanh(atanh(r) +- z * SE), SE sqrt((1 + r^2/2)/(n-3))
    for Spearman's rho (Bonett & Wright 2000) or 1/sqrt(n-3) for Pearson's r; None for n < 4."""
    if n < 4:
        return None
    variance = (1 + r * r / 2) if bonett_wright else 1.0
    margin = z_critical(level) * math.sqrt(variance / (n - 3))
    centre = math.atanh(max(min(r, 1 - 1e-12), -1 + 1e-12))
    return Interval(math.tanh(centre - margin), math.tanh(centre + margin), level)


def verdict_for(
    coefficient: float, interval: Interval | None, n: int, minimum_n: int, meaningful: float
) -> Verdict:
    if n < minimum_n or interval is None:
        return Verdict.TOO_FEW
    if interval.low > 0 and coefficient >= meaningful:
        return Verdict.PREDICTS
    if interval.high < 0 and coefficient <= -meaningful:
        return Verdict.PREDICTS_LOWER
    if -2 * meaningful < interval.low and interval.high < 2 * meaningful:
        return Verdict.DOES_NOT_PREDICT
    return Verdict.UNCLEAR


def _sentence(
    label: str, kind: MeasureKind, verdict: Verdict, evidence: str, n: int, minimum_n: int
) -> str:
    if kind == "handle_time" and verdict in (Verdict.PREDICTS, Verdict.PREDICTS_LOWER):
        more = "more" if verdict == Verdict.PREDICTS else "less"
        return f"Longer contacts go with {more} satisfied customers ({evidence})."
    return {
        Verdict.PREDICTS: f"{label} predicts satisfaction ({evidence}).",
        Verdict.PREDICTS_LOWER: (
            f"A higher score on {label} goes with less satisfied customers ({evidence})."
        ),
        Verdict.DOES_NOT_PREDICT: f"{label} does not predict satisfaction ({evidence}).",
        Verdict.UNCLEAR: (
            f"{label}: not clear yet whether it predicts satisfaction; the interval is too "
            f"wide to tell ({evidence})."
        ),
        Verdict.TOO_FEW: f"{label}: too few (n<{minimum_n}) to judge (n={n}).",
        Verdict.NO_VARIATION: (
            f"{label}: every review gave the same score (n={n}), so it cannot tell the "
            "contacts customers liked from the others."
        ),
    }[verdict]


def _associate(
    measure: Key,
    label: str,
    kind: MeasureKind,
    x: FloatArray,
    y: FloatArray,
    *,
    binary: bool,
    minimum_n: int,
    level: float,
    meaningful: float,
) -> Association:
    both = ~np.isnan(x) & ~np.isnan(y)
    x, y = x[both], y[both]
    n = int(x.size)
    symbol = "r" if binary else "rho"
    method = (
        "point-biserial r (scipy), Fisher z interval"
        if binary
        else "Spearman's rho (scipy), Fisher z interval with the Bonett-Wright standard error"
    )

    def result(
        coefficient: float | None, interval: Interval | None, p: float | None, verdict: Verdict
    ) -> Association:
        evidence = "" if coefficient is None else _evidence(symbol, coefficient, interval, n)
        return Association(
            measure=measure,
            label=label,
            kind=kind,
            method=method,
            symbol=symbol,
            coefficient=coefficient,
            interval=interval,
            p_value=p,
            n=n,
            verdict=verdict,
            sentence=_sentence(label, kind, verdict, evidence, n, minimum_n),
        )

    if n < 3:
        return result(None, None, None, Verdict.TOO_FEW)
    if np.all(x == x[0]) or np.all(y == y[0]):
        verdict = Verdict.TOO_FEW if n < minimum_n else Verdict.NO_VARIATION
        return result(None, None, None, verdict)
    if binary:
        coefficient, p = (float(v) for v in scipy_stats.pointbiserialr(x, y))
        interval: Interval | None = None
        if n >= 4:  # the Fisher interval needs n - 3 > 0
            pearson = scipy_stats.pearsonr(x, y)
            low, high = pearson.confidence_interval(confidence_level=level)
            interval = Interval(float(low), float(high), level)
    else:
        coefficient, p = (float(v) for v in scipy_stats.spearmanr(x, y))
        interval = fisher_interval(coefficient, n, level=level)
    verdict = verdict_for(coefficient, interval, n, minimum_n, meaningful)
    return result(coefficient, interval, p, verdict)


def _numbers(values: Sequence[Score], name: str) -> FloatArray:
    """One column of the audit as floats, NaN where empty; an error names the first bad row."""
    try:
        column = np.array([math.nan if v is None else v for v in values], dtype=np.float64)
    except (TypeError, ValueError):
        column = None
    if column is not None and not np.isinf(column).any():
        return column
    for index, value in enumerate(values):  # the slow way, only to name the row
        try:
            number = math.nan if value is None else float(value)
        except (TypeError, ValueError):
            number = math.inf
        if math.isinf(number):
            raise InvalidAuditDataError(f"Row {index + 1}: the {name} {value!r} is not a number.")
    raise InvalidAuditDataError(f"The {name} column has a value that is not a number.")


def metric_audit(
    rows: Sequence[AuditRow],
    *,
    scales: Mapping[str, Scale],
    labels: Mapping[str, str] | None = None,
    minimum_n: int = MINIMUM_N,
    satisfied_from: float = SATISFIED_FROM,
    handle_time_target: float | None = None,
    level: float = LEVEL,
    meaningful: float = MEANINGFUL,
) -> MetricAudit:
    """Each criterion's, the QA score's and handle time's association with satisfaction, and
    where a handle-time target would punish good service.

    `scales` names each criterion's scale, keyed by text (a name, or an id as text); its keys
    are the criteria audited, in order; `labels` gives their display names. Raises
    `InvalidAuditDataError` for a score outside its scale, a criterion without a scale, a
    satisfaction, QA score or handle time that is not a finite number (or a negative handle
    time), or a target that is not a positive number.
    """
    labels = labels or {}
    satisfaction = _numbers([row.satisfaction for row in rows], "satisfaction")
    measures = []
    for criterion, scale in scales.items():
        scores = _numbers([row.scores.get(criterion) for row in rows], f"criterion {criterion!r}")
        outside = ~np.isnan(scores) & ~np.isin(scores, np.array(scale.values))
        if outside.any():
            index = int(np.flatnonzero(outside)[0])
            raise InvalidAuditDataError(
                f"Row {index + 1}: criterion {criterion!r} has the score {scores[index]:g}, "
                f"outside the {scale.name} scale."
            )
        measures.append(
            _associate(
                criterion,
                labels.get(criterion, str(criterion)),
                "criterion",
                scores,
                satisfaction,
                binary=scale.level == "nominal",
                minimum_n=minimum_n,
                level=level,
                meaningful=meaningful,
            )
        )
    unknown = {key for row in rows for key in row.scores} - set(scales)
    if unknown:
        names = ", ".join(sorted(repr(key) for key in unknown))
        raise InvalidAuditDataError(f"No scale given for the criteria {names}.")
    qa = _numbers([row.qa_score for row in rows], "QA score")
    handle = _numbers([row.handle_time for row in rows], "handle time")
    if (handle < 0).any():
        index = int(np.flatnonzero(handle < 0)[0])
        raise InvalidAuditDataError(f"Row {index + 1}: the handle time cannot be negative.")
    overall: tuple[tuple[Key, str, MeasureKind, FloatArray], ...] = (
        ("qa_score", "Overall QA score", "qa_score", qa),
        ("handle_time", "Handle time", "handle_time", handle),
    )
    for key, label, kind, values in overall:
        measures.append(
            _associate(
                key,
                label,
                kind,
                values,
                satisfaction,
                binary=False,
                minimum_n=minimum_n,
                level=level,
                meaningful=meaningful,
            )
        )
    return MetricAudit(
        measures=tuple(measures),
        handle_time=handle_time_trap(
            handle,
            satisfaction,
            target=handle_time_target,
            satisfied_from=satisfied_from,
            minimum_n=minimum_n,
            level=level,
        ),
        interactions=int((~np.isnan(satisfaction)).sum()),
        minimum_n=minimum_n,
        satisfied_from=satisfied_from,
    )


def duration(seconds: float) -> str:
    """Seconds in words a manager reads at a glance: 45 s, 7 min 30 s, 1 h 5 min."""
    whole = int(round_half_away(seconds))
    if whole < 60:
        return f"{whole} s"
    minutes, rest = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _share_text(estimate: Estimate) -> str:
    if estimate.interval is None:
        return f"{round_half_away(estimate.value)}% (n={estimate.n})"
    return (
        f"{round_half_away(estimate.value)}% (95% CI {round_half_away(estimate.interval.low)}"
        f"-{round_half_away(estimate.interval.high)}%, n={estimate.n})"
    )


def handle_time_trap(
    handle_time: Sequence[float | None] | FloatArray,
    satisfaction: Sequence[float | None] | FloatArray,
    *,
    target: float | None = None,
    satisfied_from: float = SATISFIED_FROM,
    minimum_n: int = MINIMUM_N,
    level: float = LEVEL,
) -> HandleTimeTrap | None:
    """The share of contacts over a handle-time target that customers rated highly.

    `target` is in seconds; without one the 75th percentile of the handle times is taken.
    None when no contact has both a handle time and a satisfaction answer.
    """
    if target is not None and not (math.isfinite(target) and target > 0):
        raise InvalidAuditDataError(
            f"The handle-time target must be a positive number of seconds, not {target!r}."
        )
    times = np.array([np.nan if v is None else v for v in handle_time], dtype=np.float64)
    answers = np.array([np.nan if v is None else v for v in satisfaction], dtype=np.float64)
    if times.shape != answers.shape:
        raise InvalidAuditDataError("Handle times and satisfaction answers must pair up.")
    both = ~np.isnan(times) & ~np.isnan(answers)
    times, answers = times[both], answers[both]
    if times.size == 0:
        return None
    source = "given"
    if target is None:
        target, source = float(np.percentile(times, LONG_QUANTILE * 100)), "75th percentile"
    long = times > target
    high = answers >= satisfied_from
    long_share = share(int((long & high).sum()), int(long.sum()), level=level)
    other_share = share(int((~long & high).sum()), int((~long).sum()), level=level)
    rated = f"{satisfied_from:g} or higher"
    if long_share is None:
        sentence = f"No contact took longer than {duration(target)}; there is nothing to judge."
        return HandleTimeTrap(target, source, None, other_share, False, sentence)
    target_words = duration(target) + (" (the 75th percentile)" if source != "given" else "")
    if long_share.n < minimum_n:
        return HandleTimeTrap(
            target,
            source,
            long_share,
            other_share,
            False,
            f"Too few contacts took longer than {target_words} to judge a handle-time target "
            f"(n={long_share.n}; at least {minimum_n} needed).",
        )
    others = (
        f"against {_share_text(other_share)} of the shorter ones"
        if other_share is not None
        else "and no contact was shorter to compare with"
    )
    reach = long_share.interval.high if long_share.interval else long_share.value
    punishes = other_share is None or reach >= other_share.value
    rated_highly = int((long & high).sum())
    if punishes:
        sentence = (
            f"A handle-time target of {target_words} would punish good service: customers "
            f"rated {_share_text(long_share)} of the contacts longer than that {rated}, "
            f"{others}. Agents pushed to finish sooner would be marked down on "
            f"{rated_highly} contacts that customers valued."
        )
    else:
        sentence = (
            f"Contacts longer than {target_words} were rated {rated} less often: "
            f"{_share_text(long_share)}, {others}. A target there matches what customers say, "
            f"though {rated_highly} long contacts still pleased the customer."
        )
    return HandleTimeTrap(target, source, long_share, other_share, punishes, sentence)


# --- Metric audit: words and chart ------------------------------------------------------------


def _names(items: Sequence[Association]) -> str:
    labels = [item.label for item in items]
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def audit_summary(audit: MetricAudit) -> tuple[str, ...]:
    """The audit's findings as a few plain sentences for a manager, most useful first."""
    if audit.interactions == 0:
        return ("No reviewed contact has a customer answer yet, so nothing can be audited.",)
    criteria: dict[Verdict, list[Association]] = {verdict: [] for verdict in Verdict}
    for item in audit.measures:
        if item.kind == "criterion":
            criteria[item.verdict].append(item)
    lines = [
        f"This audit compares the reviews of {audit.interactions} contacts with what their "
        "customers said."
    ]
    if found := criteria[Verdict.DOES_NOT_PREDICT]:
        them = "it" if len(found) == 1 else "them"
        lines.append(
            f"Scoring {_names(found)} rewards nothing customers notice. "
            + " ".join(item.sentence for item in found)
            + f" Reword {them}, coach on {them} differently or drop {them}."
        )
    if found := criteria[Verdict.PREDICTS_LOWER]:
        lines.append(
            " ".join(item.sentence for item in found)
            + " Check what reviewers reward there: it may penalise what customers want."
        )
    if found := criteria[Verdict.PREDICTS]:
        verb = "predicts" if len(found) == 1 else "predict"
        lines.append(f"{_names(found)} {verb} satisfaction: behaviours worth rewarding.")
    if found := criteria[Verdict.NO_VARIATION]:
        lines.append(
            f"Every review gave the same score on {_names(found)}, so the audit cannot tell "
            "whether customers value it."
        )
    if found := criteria[Verdict.UNCLEAR]:
        lines.append(f"Not clear yet, more reviews needed: {_names(found)}.")
    if found := criteria[Verdict.TOO_FEW]:
        lines.append(f"Too few reviews to judge (n<{audit.minimum_n}): {_names(found)}.")
    lines.extend(item.sentence for item in audit.measures if item.kind != "criterion")
    if audit.handle_time is not None:
        lines.append(audit.handle_time.sentence)
    return tuple(lines)


@dataclass(frozen=True)
class ChartBar:
    """One measure's bar: its figures and where to draw them, in per cent of the chart width."""

    label: str
    measure: Key
    symbol: str
    value: float
    low: float | None
    high: float | None
    n: int
    verdict: Verdict
    bar_x: float  # left edge of the bar
    bar_width: float
    whisker_low_x: float | None
    whisker_high_x: float | None
    value_x: float


@dataclass(frozen=True)
class ChartTick:
    value: float
    x: float
    label: str


@dataclass(frozen=True)
class AuditChart:
    """A horizontal bar chart of the coefficients with their intervals on a symmetric axis;
    measures without a coefficient are listed apart with the reason."""

    bars: tuple[ChartBar, ...]
    zero_x: float
    axis_limit: float
    ticks: tuple[ChartTick, ...]
    left_out: tuple[Association, ...]


def audit_chart(audit: MetricAudit) -> AuditChart:
    """The data of the audit's chart: one bar per measure, axis from -limit to +limit, where the
    limit is the largest interval end rounded up to a tick (ticks every 0.1 up to 0.5, every 0.2
    beyond; the limit at least 0.3, at most 1)."""
    shown = [item for item in audit.measures if item.coefficient is not None]
    ends = [abs(item.coefficient) for item in shown if item.coefficient is not None]
    ends += [
        abs(v) for item in shown if item.interval for v in (item.interval.low, item.interval.high)
    ]
    limit = min(1.0, max(0.3, math.ceil(max(ends, default=0.0) * 10 - 1e-9) / 10))
    step = 0.1 if limit <= 0.5 else 0.2
    limit = min(1.0, math.ceil(limit / step - 1e-9) * step)

    def x(value: float) -> float:
        return float(round_half_away(50 + 50 * max(-limit, min(limit, value)) / limit, 2))

    bars = []
    for item in shown:
        if item.coefficient is None:
            continue
        start, end = sorted((x(0), x(item.coefficient)))
        bars.append(
            ChartBar(
                label=item.label,
                measure=item.measure,
                symbol=item.symbol,
                value=item.coefficient,
                low=item.interval.low if item.interval else None,
                high=item.interval.high if item.interval else None,
                n=item.n,
                verdict=item.verdict,
                bar_x=start,
                bar_width=float(round_half_away(end - start, 2)),
                whisker_low_x=x(item.interval.low) if item.interval else None,
                whisker_high_x=x(item.interval.high) if item.interval else None,
                value_x=x(item.coefficient),
            )
        )
    count = round(limit / step)
    ticks = tuple(
        ChartTick(value=i * step, x=x(i * step), label=_figure(i * step).rstrip("0").rstrip("."))
        for i in range(-count, count + 1)
    )
    return AuditChart(
        bars=tuple(bars),
        zero_x=x(0),
        axis_limit=limit,
        ticks=ticks,
        left_out=tuple(item for item in audit.measures if item.coefficient is None),
    )
