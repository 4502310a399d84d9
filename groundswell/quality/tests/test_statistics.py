"""quality.statistics: calibration agreement and the metric audit.

Published worked examples are typed in with their source; the small cases are worked by hand in
the comments beside them, never recomputed by the code under test."""

import math
import re

import krippendorff
import numpy as np
import pytest
from statsmodels.stats.proportion import proportion_confint

from groundswell.core.lib.stats import Interval
from groundswell.quality import statistics as qs
from groundswell.quality.statistics import (
    ONE_TO_FIVE,
    YES_NO,
    AuditRow,
    CriterionScores,
    Scale,
    Verdict,
    calibration_results,
    metric_audit,
)

NA = None  # a blank: not scored, or N/A

# Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for
# Communication, University of Pennsylvania, section C ("four observers, 12 units, values 1-5,
# missing data"): alpha nominal = 0.743, ordinal = 0.815, interval = 0.849.
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NA, NA, NA],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NA, 3],
    [NA, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NA],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NA],
]
OBSERVERS = ["A", "B", "C", "D"]
UNITS_12 = list(range(1, 13))

# Wikipedia, "Krippendorff's alpha" (the worked example also in the krippendorff package's
# docs): three coders, fifteen units, values 1-4; nominal alpha = 0.691.
WIKIPEDIA = [
    [NA, NA, NA, NA, NA, 3, 4, 1, 2, 1, 1, 3, 3, NA, 3],
    [1, NA, 2, 1, 3, 3, 4, 3, NA, NA, NA, NA, NA, NA, NA],
    [NA, NA, 2, 1, 3, 4, 4, NA, 2, 1, 1, 3, 3, NA, 4],
]
ONE_TO_FOUR_NOMINAL = Scale(name="categories 1-4", values=(1.0, 2.0, 3.0, 4.0), level="nominal")
NOMINAL_ONE_TO_FIVE = Scale(name="1-5 as categories", values=ONE_TO_FIVE.values, level="nominal")


def one(criterion, scale, scores, reviewers=None, **options):
    reviewers = reviewers or [f"r{i}" for i in range(len(scores))]
    return calibration_results(
        [CriterionScores(criterion, scale, scores)],
        reviewers=reviewers,
        interactions=list(range(len(scores[0]))),
        **options,
    )


# --- Calibration: alpha against worked examples -----------------------------------------------


def test_ordinal_alpha_matches_krippendorff_2011() -> None:
    results = calibration_results(
        [CriterionScores("explains next steps", ONE_TO_FIVE, KRIPPENDORFF_2011)],
        reviewers=OBSERVERS,
        interactions=UNITS_12,
    )
    agreement = results.criteria[0].agreement
    assert agreement.alpha == pytest.approx(0.815, abs=5e-4)
    # Units 1-10 and 11 have two or more values (unit 12 has one): 11 units, 40 values.
    assert agreement.units == 11
    assert agreement.pairable_values == 40
    assert "ordinal" in agreement.method


def test_nominal_and_ordinal_levels_differ_on_the_same_scores() -> None:
    # The same source: nominal 0.743 against ordinal 0.815. Near misses (2 against 3) count as
    # full disagreements on the nominal level only.
    nominal = one("c", NOMINAL_ONE_TO_FIVE, KRIPPENDORFF_2011, OBSERVERS)
    ordinal = one("c", ONE_TO_FIVE, KRIPPENDORFF_2011, OBSERVERS)
    assert nominal.criteria[0].agreement.alpha == pytest.approx(0.743, abs=5e-4)
    assert ordinal.criteria[0].agreement.alpha == pytest.approx(0.815, abs=5e-4)


def test_nominal_alpha_matches_the_wikipedia_example() -> None:
    results = one("c", ONE_TO_FOUR_NOMINAL, WIKIPEDIA)
    assert results.criteria[0].agreement.alpha == pytest.approx(0.691, abs=5e-4)


def test_yes_no_alpha_worked_by_hand() -> None:
    # Two reviewers, four interactions: (yes, yes), (no, no), (yes, no), (yes, yes).
    # Coincidences: o_nn = 2, o_ny = o_yn = 1, o_yy = 4; n_no = 3, n_yes = 5, n = 8.
    # alpha = 1 - (n - 1) * (o_ny + o_yn) / (2 * n_no * n_yes) = 1 - 7 * 2 / 30 = 8/15.
    results = one("c", YES_NO, [[1, 0, 1, 1], [1, 0, 0, 1]])
    assert results.criteria[0].agreement.alpha == pytest.approx(8 / 15)
    assert results.criteria[0].agreement.units == 4
    assert results.criteria[0].agreement.pairable_values == 8


def test_perfect_agreement_is_one() -> None:
    results = one("c", ONE_TO_FIVE, [[1, 3, 5, 2, 4], [1, 3, 5, 2, 4], [1, 3, 5, 2, NA]])
    agreement = results.criteria[0].agreement
    assert agreement.alpha == pytest.approx(1.0)
    assert agreement.interval is not None
    assert agreement.interval.low == pytest.approx(1.0)
    assert agreement.interval.high == pytest.approx(1.0)
    assert not results.criteria[0].needs_rewording


def test_systematic_disagreement_is_below_zero() -> None:
    # Always opposite: o_ny = o_yn = 4, n_no = n_yes = 4, n = 8;
    # alpha = 1 - 7 * 8 / (2 * 4 * 4) = -0.75.
    results = one("c", YES_NO, [[1, 0, 1, 0], [0, 1, 0, 1]])
    assert results.criteria[0].agreement.alpha == pytest.approx(-0.75)
    assert results.criteria[0].needs_rewording


def test_a_numpy_matrix_is_read_like_nested_lists() -> None:
    matrix = np.array([[np.nan if v is None else v for v in row] for row in KRIPPENDORFF_2011])
    from_numpy = one("c", ONE_TO_FIVE, matrix, OBSERVERS)
    from_lists = one("c", ONE_TO_FIVE, KRIPPENDORFF_2011, OBSERVERS)
    assert from_numpy.criteria == from_lists.criteria
    assert from_numpy.agreed == from_lists.agreed


def test_scale_labels() -> None:
    assert [YES_NO.label(v) for v in YES_NO.values] == ["no", "yes"]
    assert ONE_TO_FIVE.label(4.0) == "4"


def test_booleans_and_nan_are_read_as_yes_no_and_blank() -> None:
    as_bools = one("c", YES_NO, [[True, False, True, True], [True, False, False, math.nan]])
    as_numbers = one("c", YES_NO, [[1, 0, 1, 1], [1, 0, 0, NA]])
    assert as_bools.criteria[0].agreement == as_numbers.criteria[0].agreement


# --- Calibration: the bootstrap ---------------------------------------------------------------


def test_bootstrap_interval_contains_the_estimate_and_repeats_with_the_seed() -> None:
    first = one("c", ONE_TO_FIVE, KRIPPENDORFF_2011, OBSERVERS, seed=7)
    again = one("c", ONE_TO_FIVE, KRIPPENDORFF_2011, OBSERVERS, seed=7)
    other = one("c", ONE_TO_FIVE, KRIPPENDORFF_2011, OBSERVERS, seed=8)
    agreement = first.criteria[0].agreement
    assert agreement.interval is not None
    assert agreement.interval.low < agreement.alpha < agreement.interval.high
    assert agreement.interval.level == 0.95
    assert agreement.resamples == 1000
    assert again.criteria[0].agreement.interval == agreement.interval
    assert other.criteria[0].agreement.interval != agreement.interval


def test_bootstrap_equals_resampling_interactions_through_the_package() -> None:
    # The vectorised resamples against the slow way: draw the same resamples of interactions
    # from the same seed, compute each alpha with krippendorff.alpha, take the percentiles.
    resamples = 200
    results = one("c", ONE_TO_FIVE, KRIPPENDORFF_2011, OBSERVERS, seed=3, resamples=resamples)
    matrix = np.array([[np.nan if v is None else v for v in row] for row in KRIPPENDORFF_2011])
    counts = (matrix.T[:, :, None] == np.arange(1, 6)[None, None, :]).sum(axis=1)
    weights = np.random.default_rng(3).multinomial(12, np.full(12, 1 / 12), size=resamples)
    alphas = []
    for row in weights:
        units = np.repeat(np.arange(12), row)
        try:
            alphas.append(
                krippendorff.alpha(
                    value_counts=counts[units],
                    value_domain=[1, 2, 3, 4, 5],
                    level_of_measurement="ordinal",
                )
            )
        except ValueError:  # a resample without any pair
            alphas.append(np.nan)
    alphas_array = np.array(alphas, dtype=float)
    defined = alphas_array[np.isfinite(alphas_array)]
    low, high = np.percentile(defined, [2.5, 97.5])
    interval = results.criteria[0].agreement.interval
    assert interval is not None
    assert interval.low == pytest.approx(low)
    assert interval.high == pytest.approx(high)
    assert results.criteria[0].agreement.undefined_resamples == resamples - defined.size


def test_the_level_and_number_of_resamples_can_be_chosen() -> None:
    wide = one("c", ONE_TO_FIVE, KRIPPENDORFF_2011, OBSERVERS, level=0.99, resamples=300)
    narrow = one("c", ONE_TO_FIVE, KRIPPENDORFF_2011, OBSERVERS, level=0.8, resamples=300)
    wide_interval = wide.criteria[0].agreement.interval
    narrow_interval = narrow.criteria[0].agreement.interval
    assert wide_interval is not None
    assert narrow_interval is not None
    assert wide_interval.level == 0.99
    assert wide.criteria[0].agreement.resamples == 300
    assert wide_interval.low <= narrow_interval.low
    assert narrow_interval.high <= wide_interval.high


# --- Calibration: overall, flags, notes -------------------------------------------------------


def test_overall_alpha_weights_the_criteria_by_pairable_values_and_flags_rewording() -> None:
    # Criterion "clear" agrees perfectly on four interactions (8 pairable values, alpha 1);
    # "ownership" is the hand-worked 8/15 (8 pairable values); "promise" was scored by one
    # reviewer only (no pairs, no alpha) and weighs nothing.
    results = calibration_results(
        [
            CriterionScores("clear", ONE_TO_FIVE, [[1, 2, 4, 5], [1, 2, 4, 5]]),
            CriterionScores("ownership", YES_NO, [[1, 0, 1, 1], [1, 0, 0, 1]]),
            CriterionScores("promise", YES_NO, [[1, NA, NA, NA], [NA, 0, NA, NA]]),
        ],
        reviewers=["ann", "ben"],
        interactions=["i1", "i2", "i3", "i4"],
    )
    assert results.overall.alpha == pytest.approx((8 * 1 + 8 * 8 / 15) / 16)
    assert results.overall.pairable_values == 16
    assert results.overall.interval is not None
    assert results.criteria_to_reword == ("ownership",)
    promise = results.criteria[2]
    assert promise.agreement.alpha is None
    assert promise.agreement.units == 0
    assert not promise.needs_rewording
    assert "two scores" in promise.note


def test_a_criterion_everyone_scored_the_same_has_no_alpha_and_says_why() -> None:
    results = calibration_results(
        [
            CriterionScores("greets", YES_NO, [[1, 1, 1], [1, 1, 1]]),
            CriterionScores("clear", ONE_TO_FIVE, [[1, 3, 5], [1, 3, 4]]),
        ],
        reviewers=["ann", "ben"],
        interactions=["i1", "i2", "i3"],
    )
    greets = results.criteria[0]
    assert greets.agreement.alpha is None
    assert greets.agreement.interval is None
    assert greets.agreement.pairable_values == 6
    assert not greets.needs_rewording
    assert "same" in greets.note
    assert results.overall.alpha == results.criteria[1].agreement.alpha


def test_the_rewording_threshold_is_krippendorffs_0_667_and_can_be_changed() -> None:
    # 8/15 = 0.533 is under 0.667 but over 0.5.
    scores = [[1, 0, 1, 1], [1, 0, 0, 1]]
    assert one("c", YES_NO, scores).criteria[0].needs_rewording
    assert one("c", YES_NO, scores).reword_below == 0.667
    assert not one("c", YES_NO, scores, reword_below=0.5).criteria[0].needs_rewording


# --- Calibration: agreed scores ---------------------------------------------------------------


def test_agreed_scores_are_the_mode_for_yes_no_and_the_median_for_one_to_five() -> None:
    results = calibration_results(
        [
            CriterionScores("ownership", YES_NO, [[1, 1, 0, NA], [1, 0, 0, NA], [0, NA, 1, NA]]),
            CriterionScores("clear", ONE_TO_FIVE, [[2, 1, 5, 3], [4, 2, 5, NA], [5, NA, 1, NA]]),
        ],
        reviewers=["ann", "ben", "cat"],
        interactions=["i1", "i2", "i3", "i4"],
    )
    agreed = results.agreed_score
    # yes/no: two yes against one no -> yes; one each -> the tie goes to no.
    assert (agreed("i1", "ownership").value, agreed("i1", "ownership").is_tied) == (1.0, False)
    assert (agreed("i2", "ownership").value, agreed("i2", "ownership").is_tied) == (0.0, True)
    assert (agreed("i3", "ownership").value, agreed("i3", "ownership").n) == (0.0, 3)
    assert (agreed("i4", "ownership").value, agreed("i4", "ownership").n) == (None, 0)
    # 1 to 5: median of 2, 4, 5 is 4; of 1, 2 the lower middle, 1 (tied); of 5, 5, 1 it is 5.
    assert (agreed("i1", "clear").value, agreed("i1", "clear").is_tied) == (4.0, False)
    assert (agreed("i2", "clear").value, agreed("i2", "clear").is_tied) == (1.0, True)
    assert (agreed("i3", "clear").value, agreed("i3", "clear").is_tied) == (5.0, False)
    assert (agreed("i4", "clear").value, agreed("i4", "clear").n) == (3.0, 1)
    assert len(results.agreed) == 8


def test_an_even_count_with_equal_middle_scores_is_not_a_tie() -> None:
    results = one("c", ONE_TO_FIVE, [[2], [3], [3], [5]])
    assert results.agreed_score(0, "c").value == 3.0
    assert not results.agreed_score(0, "c").is_tied


# --- Calibration: grading the graders ---------------------------------------------------------


def test_each_reviewers_distance_from_the_agreed_scores() -> None:
    results = calibration_results(
        [
            CriterionScores("ownership", YES_NO, [[1, 1, 0], [1, 1, 0], [0, 1, 1]]),
            CriterionScores("clear", ONE_TO_FIVE, [[3, 4, 2], [3, 5, 2], [5, 4, NA]]),
        ],
        reviewers=["ann", "ben", "cat"],
        interactions=["i1", "i2", "i3"],
    )
    # Agreed: ownership yes, yes, no; clear 3, 4, 2 (the last from two scores).
    ann, ben, cat = results.reviewers
    assert (ann.disagreement_rate.value, ann.disagreement_rate.n) == (0.0, 3)
    # cat said no, yes, yes against yes, yes, no: two of three differ.
    assert cat.disagreement_rate.value == pytest.approx(2 / 3)
    assert cat.disagreement_rate.n == 3
    # clear: ann 0, 0, 0; ben 0, 1, 0 -> 1/3; cat |5-3| + |4-4| over two scores -> 1.
    assert ann.mean_absolute_distance.value == 0.0
    assert ben.mean_absolute_distance.value == pytest.approx(1 / 3)
    assert (cat.mean_absolute_distance.value, cat.mean_absolute_distance.n) == (1.0, 2)
    by_criterion = {item.criterion: item for item in cat.by_criterion}
    assert by_criterion["ownership"].measure == "disagreement_rate"
    assert by_criterion["clear"].measure == "mean_absolute_distance"
    assert by_criterion["clear"].distance.n == 2


def test_an_agreed_score_resting_on_one_score_does_not_grade_its_reviewer() -> None:
    # i2 was scored by ann alone: matching it proves nothing, so it is left out of her n.
    results = one("c", ONE_TO_FIVE, [[3, 5], [4, NA]], ["ann", "ben"])
    ann = results.reviewers[0]
    assert ann.mean_absolute_distance.n == 1
    assert ann.disagreement_rate.value is None
    assert ann.disagreement_rate.n == 0


# --- Calibration: errors ----------------------------------------------------------------------


def test_one_reviewer_is_too_few() -> None:
    with pytest.raises(qs.TooFewReviewersError, match="at least two reviewers; this one has 1"):
        one("c", YES_NO, [[1, 0, 1]], ["ann"])


def test_two_reviewers_of_whom_one_scored_nothing_are_too_few() -> None:
    with pytest.raises(qs.TooFewReviewersError, match="1 of the 2 scored anything"):
        one("c", YES_NO, [[1, 0, 1], [NA, NA, NA]], ["ann", "ben"])


def test_no_interaction_scored_twice_has_no_pairable_values() -> None:
    with pytest.raises(qs.NoPairableValuesError, match="No interaction was scored by two"):
        one("c", YES_NO, [[1, NA, 0], [NA, 1, NA]])


def test_no_criteria_is_an_error() -> None:
    with pytest.raises(qs.NoPairableValuesError, match="at least one criterion"):
        calibration_results([], reviewers=["a", "b"], interactions=[1])


@pytest.mark.parametrize(
    ("scale", "bad", "shown"),
    [(ONE_TO_FIVE, 6, "6"), (ONE_TO_FIVE, 2.5, "2.5"), (YES_NO, 2, "2"), (ONE_TO_FIVE, 0, "0")],
)
def test_a_score_outside_the_scale_names_the_reviewer_interaction_and_value(
    scale, bad, shown
) -> None:
    with pytest.raises(qs.ScoreOutsideScaleError) as raised:
        calibration_results(
            [CriterionScores("clear", scale, [[1, 1], [1, bad]])],
            reviewers=["ann", "ben"],
            interactions=["i1", "i2"],
        )
    message = str(raised.value)
    assert "'clear'" in message
    assert "'ben'" in message
    assert "'i2'" in message
    assert f"score {shown}," in message
    assert scale.name in message
    assert raised.value.code == "score_outside_scale"


def test_a_score_that_is_not_a_number_is_outside_the_scale() -> None:
    with pytest.raises(qs.ScoreOutsideScaleError, match="number or empty"):
        one("clear", ONE_TO_FIVE, [[1, "good"], [1, 2]])


def test_a_matrix_of_the_wrong_shape_is_named() -> None:
    with pytest.raises(qs.MismatchedScoresError, match="2 reviewers x 3 interactions"):
        calibration_results(
            [CriterionScores("clear", ONE_TO_FIVE, [[1, 2, 3], [1, 2]])],
            reviewers=["ann", "ben"],
            interactions=[1, 2, 3],
        )


def test_a_reviewer_listed_twice_is_named() -> None:
    with pytest.raises(qs.MismatchedScoresError, match="Each reviewer may appear only once"):
        one("clear", ONE_TO_FIVE, [[1, 2], [1, 2]], ["ann", "ann"])


def test_a_criterion_listed_twice_is_named() -> None:
    with pytest.raises(qs.MismatchedScoresError, match="Each criterion may appear only once"):
        calibration_results(
            [CriterionScores("clear", YES_NO, [[1], [1]])] * 2,
            reviewers=["ann", "ben"],
            interactions=["i1"],
        )


def test_every_error_is_a_value_error() -> None:
    for error in (
        qs.TooFewReviewersError,
        qs.NoPairableValuesError,
        qs.ScoreOutsideScaleError,
        qs.MismatchedScoresError,
        qs.InvalidAuditDataError,
    ):
        assert issubclass(error, ValueError)


def test_zero_resamples_is_an_error() -> None:
    with pytest.raises(qs.QualityStatisticsError, match="resamples must be at least 1"):
        one("c", YES_NO, [[1, 0], [1, 0]], resamples=0)


# --- Metric audit: coefficients against worked examples ---------------------------------------


def test_spearman_and_its_bonett_wright_interval_match_a_worked_example() -> None:
    # Wikipedia, "Spearman's rank correlation coefficient", example: IQ against hours of TV a
    # week, rho = -29/165 = -0.1758, p = 0.627. Interval worked by hand: SE = sqrt((1 + rho^2/2)
    # / 7) = 0.3808, tanh(atanh(rho) -+ 1.96 SE) = -0.7278 .. 0.5145.
    iq = [106, 100, 86, 101, 99, 103, 97, 113, 112, 110]
    tv = [7, 27, 2, 50, 28, 29, 20, 12, 6, 17]
    audit = metric_audit(
        [AuditRow(satisfaction=s, scores={}, handle_time=h) for s, h in zip(iq, tv, strict=True)],
        scales={},
        minimum_n=5,
    )
    handle = audit.measures[-1]
    assert handle.kind == "handle_time"
    assert handle.coefficient == pytest.approx(-29 / 165)
    assert handle.p_value == pytest.approx(0.627, abs=5e-4)
    assert handle.interval is not None
    assert handle.interval.low == pytest.approx(-0.72783, abs=5e-5)
    assert handle.interval.high == pytest.approx(0.51455, abs=5e-5)
    assert handle.n == 10
    assert handle.verdict == Verdict.UNCLEAR


def test_point_biserial_for_yes_no_criteria_worked_by_hand() -> None:
    # yes: satisfaction 5, 4, 5, 3 (mean 4.25); no: 2, 3, 1, 4 (mean 2.5); all eight:
    # mean 3.375, sum of squares 13.875, population SD sqrt(13.875 / 8) = 1.31696; p = q = 1/2.
    # r_pb = (4.25 - 2.5) / 1.31696 * sqrt(1/4) = 0.66441; Fisher interval with SE 1/sqrt(5).
    rows = [
        AuditRow(satisfaction=s, scores={"owns": yes})
        for s, yes in [(5, 1), (4, 1), (5, 1), (3, 1), (2, 0), (3, 0), (1, 0), (4, 0)]
    ]
    owns = metric_audit(rows, scales={"owns": YES_NO}, minimum_n=5).measures[0]
    assert owns.symbol == "r"
    assert "point-biserial" in owns.method
    assert owns.coefficient == pytest.approx(0.66441, abs=5e-5)
    margin = 1.959964 / math.sqrt(5)
    assert owns.interval is not None
    assert owns.interval.low == pytest.approx(math.tanh(math.atanh(0.66441) - margin), abs=1e-4)
    assert owns.interval.high == pytest.approx(math.tanh(math.atanh(0.66441) + margin), abs=1e-4)
    assert owns.p_value is not None
    assert 0 < owns.p_value < 1


def test_three_pairs_give_a_coefficient_without_an_interval() -> None:
    rows = [AuditRow(satisfaction=s, scores={"owns": o}) for s, o in [(5, 1), (2, 0), (4, 1)]]
    owns = metric_audit(rows, scales={"owns": YES_NO}).measures[0]
    assert owns.coefficient is not None
    assert owns.interval is None
    assert owns.verdict == Verdict.TOO_FEW
    assert owns.n == 3


def test_fisher_interval_needs_four_pairs() -> None:
    assert qs.fisher_interval(0.5, 3) is None
    interval = qs.fisher_interval(0.0, 103)
    assert interval is not None
    # SE = sqrt(1/100) = 0.1 at rho 0: tanh(+-0.196) = +-0.19356.
    assert interval.high == pytest.approx(0.19356, abs=5e-5)
    assert interval.low == pytest.approx(-0.19356, abs=5e-5)


@pytest.mark.parametrize(
    ("coefficient", "low", "high", "n", "verdict"),
    [
        (0.30, 0.20, 0.40, 100, Verdict.PREDICTS),
        (-0.30, -0.40, -0.20, 100, Verdict.PREDICTS_LOWER),
        (0.03, -0.05, 0.11, 812, Verdict.DOES_NOT_PREDICT),
        (0.06, 0.01, 0.11, 2000, Verdict.DOES_NOT_PREDICT),  # real but too weak to matter
        (0.15, -0.05, 0.33, 90, Verdict.UNCLEAR),
        (0.60, 0.30, 0.80, 29, Verdict.TOO_FEW),
    ],
)
def test_verdicts(coefficient, low, high, n, verdict) -> None:
    interval = Interval(low, high)
    assert qs.verdict_for(coefficient, interval, n, 30, 0.1) == verdict


# --- Metric audit: a synthetic service team ---------------------------------------------------


def synthetic_rows(count: int = 600, seed: int = 11) -> list[AuditRow]:
    """Customers like ownership and accurate answers; nobody cares about the scripted greeting;
    the hard cases take longer and the customers whose agent took the time are happier."""
    rng = np.random.default_rng(seed)
    rows = []
    for _index in range(count):
        owns = bool(rng.random() < 0.6)
        accurate = int(rng.integers(1, 6))
        greets = bool(rng.random() < 0.5)
        handle_time = float(rng.gamma(4, 120))
        mood = 0.9 * owns + 0.3 * (accurate - 3) + 0.002 * (handle_time - 480)
        satisfaction = int(np.clip(np.round(3.3 + mood + rng.normal(0, 0.8)), 1, 5))
        rows.append(
            AuditRow(
                satisfaction=satisfaction,
                scores={"owns": owns, "accurate": accurate, "greets": greets},
                qa_score=50 + 30 * owns + 5 * accurate + rng.normal(0, 5),
                handle_time=handle_time,
            )
        )
    return rows


SCALES = {"owns": YES_NO, "accurate": ONE_TO_FIVE, "greets": YES_NO}
LABELS = {"owns": "Takes ownership", "accurate": "Accurate answer", "greets": "Scripted greeting"}


def test_the_audit_finds_what_predicts_satisfaction_and_what_does_not() -> None:
    audit = metric_audit(synthetic_rows(), scales=SCALES, labels=LABELS)
    measures = {item.measure: item for item in audit.measures}
    assert list(measures) == ["owns", "accurate", "greets", "qa_score", "handle_time"]
    assert measures["owns"].verdict == Verdict.PREDICTS
    assert measures["owns"].method.startswith("point-biserial")
    assert measures["accurate"].verdict == Verdict.PREDICTS
    assert measures["accurate"].symbol == "rho"
    assert measures["greets"].verdict == Verdict.DOES_NOT_PREDICT
    assert measures["qa_score"].verdict == Verdict.PREDICTS
    for item in audit.measures:
        assert item.n == 600
        assert item.interval is not None
        assert item.coefficient is not None
        assert item.interval.low < item.coefficient < item.interval.high
    assert re.fullmatch(
        r"Scripted greeting does not predict satisfaction "
        r"\(r -?0\.\d\d, 95% CI -?0\.\d\d\.\.-?0\.\d\d, n=600\)\.",
        measures["greets"].sentence,
    )
    assert audit.interactions == 600


def test_the_handle_time_trap_is_found() -> None:
    audit = metric_audit(synthetic_rows(), scales=SCALES, labels=LABELS)
    trap = audit.handle_time
    assert trap is not None
    assert trap.target_source == "75th percentile"
    times = [row.handle_time for row in synthetic_rows()]
    assert trap.target == pytest.approx(float(np.percentile(times, 75)))
    assert trap.punishes_good_service
    long = trap.long_rated_highly
    assert long is not None
    assert long.n == 150  # a quarter of 600 are over the 75th percentile
    hits = round(long.value * long.n / 100)
    low, high = proportion_confint(hits, long.n, alpha=0.05, method="wilson")
    assert long.interval is not None
    assert long.interval.low == pytest.approx(100 * low)
    assert long.interval.high == pytest.approx(100 * high)
    assert trap.others_rated_highly is not None
    assert trap.others_rated_highly.n == 450
    assert "would punish good service" in trap.sentence
    assert "n=150" in trap.sentence


def test_no_trap_where_customers_rate_long_contacts_worse() -> None:
    rng = np.random.default_rng(5)
    times = rng.uniform(60, 900, 400)
    satisfaction = np.where(times > 600, rng.integers(1, 3, 400), rng.integers(4, 6, 400))
    trap = qs.handle_time_trap(times.tolist(), satisfaction.tolist(), target=600)
    assert trap is not None
    assert trap.target_source == "given"
    assert trap.target == 600
    assert not trap.punishes_good_service
    assert trap.long_rated_highly is not None
    assert trap.long_rated_highly.value == 0
    assert "less often" in trap.sentence
    assert "10 min" in trap.sentence


def test_too_few_long_contacts_to_judge_a_target() -> None:
    times = [100.0] * 50 + [1000.0] * 5
    trap = qs.handle_time_trap(times, [5] * 55, target=500)
    assert trap is not None
    assert not trap.punishes_good_service
    assert "Too few contacts" in trap.sentence
    assert "n=5" in trap.sentence


def test_a_target_no_contact_reaches_and_no_data_at_all() -> None:
    trap = qs.handle_time_trap([100.0, 200.0], [5, 4], target=3600)
    assert trap is not None
    assert trap.long_rated_highly is None
    assert "nothing to judge" in trap.sentence
    assert qs.handle_time_trap([None, 100.0], [4, None]) is None


def test_too_few_and_no_variation() -> None:
    rows = [
        AuditRow(satisfaction=s, scores={"greets": 1, "rare": 1 if i < 10 else None})
        for i, s in enumerate([1, 2, 3, 4, 5] * 8)
    ]
    audit = metric_audit(rows, scales={"greets": YES_NO, "rare": YES_NO})
    greets, rare, qa, _handle = audit.measures
    assert greets.verdict == Verdict.NO_VARIATION
    assert greets.coefficient is None
    assert greets.n == 40
    assert rare.verdict == Verdict.TOO_FEW
    assert rare.n == 10
    assert rare.sentence == "rare: too few (n<30) to judge (n=10)."
    assert qa.verdict == Verdict.TOO_FEW
    assert qa.n == 0
    assert audit.handle_time is None


def test_the_minimum_n_can_be_raised() -> None:
    audit = metric_audit(synthetic_rows(), scales=SCALES, minimum_n=1000)
    assert {item.verdict for item in audit.measures} == {Verdict.TOO_FEW}
    assert all(item.coefficient is not None for item in audit.measures)


# --- Metric audit: errors ---------------------------------------------------------------------


def test_a_criterion_score_outside_its_scale_names_the_row() -> None:
    rows = [AuditRow(satisfaction=4, scores={"accurate": 3}), AuditRow(4, {"accurate": 9})]
    with pytest.raises(qs.InvalidAuditDataError, match=r"Row 2: criterion 'accurate'.*score 9"):
        metric_audit(rows, scales={"accurate": ONE_TO_FIVE})


def test_a_criterion_without_a_scale_is_named() -> None:
    with pytest.raises(qs.InvalidAuditDataError, match="No scale given for the criteria 'tone'"):
        metric_audit([AuditRow(4, {"tone": 1})], scales={})


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (AuditRow(satisfaction="great", scores={}), "Row 1: the satisfaction 'great'"),
        (AuditRow(satisfaction=math.inf, scores={}), "Row 1: the satisfaction inf"),
        (AuditRow(satisfaction=4, scores={}, qa_score=math.inf), "QA score inf"),
        (AuditRow(satisfaction=4, scores={}, handle_time=-5), "cannot be negative"),
    ],
)
def test_bad_numbers_are_named(row, message) -> None:
    with pytest.raises(qs.InvalidAuditDataError, match=re.escape(message)):
        metric_audit([row], scales={})


@pytest.mark.parametrize("target", [0, -10, math.nan, math.inf])
def test_a_target_must_be_a_positive_number_of_seconds(target) -> None:
    with pytest.raises(qs.InvalidAuditDataError, match="positive number of seconds"):
        metric_audit([AuditRow(4, {}, handle_time=10)], scales={}, handle_time_target=target)


# --- Metric audit: words and chart ------------------------------------------------------------


def test_the_summary_names_what_to_change_in_plain_words() -> None:
    audit = metric_audit(synthetic_rows(), scales=SCALES, labels=LABELS, handle_time_target=600)
    summary = qs.audit_summary(audit)
    text = " ".join(summary)
    assert summary[0].startswith("This audit compares the reviews of 600 contacts")
    assert "Scoring Scripted greeting rewards nothing customers notice" in text
    assert "Reword it" in text
    assert "Takes ownership and Accurate answer predict satisfaction" in text
    assert "Longer contacts go with more satisfied customers" in text
    assert "A handle-time target of 10 min would punish good service" in summary[-1]


def test_the_summary_of_an_empty_audit() -> None:
    audit = metric_audit([], scales={"owns": YES_NO})
    assert qs.audit_summary(audit) == (
        "No reviewed contact has a customer answer yet, so nothing can be audited.",
    )


def test_chart_data_places_each_bar_and_whisker_on_a_symmetric_axis() -> None:
    audit = metric_audit(synthetic_rows(), scales=SCALES, labels=LABELS)
    chart = qs.audit_chart(audit)
    assert chart.zero_x == 50
    assert [bar.label for bar in chart.bars] == [
        "Takes ownership",
        "Accurate answer",
        "Scripted greeting",
        "Overall QA score",
        "Handle time",
    ]
    limit = chart.axis_limit
    highest = max(bar.high for bar in chart.bars if bar.high is not None)
    assert highest <= limit < highest + 0.2
    for bar in chart.bars:
        assert bar.low is not None
        assert bar.high is not None
        assert bar.value_x == pytest.approx(50 + 50 * bar.value / limit, abs=0.01)
        assert bar.whisker_low_x == pytest.approx(50 + 50 * bar.low / limit, abs=0.01)
        assert bar.whisker_high_x == pytest.approx(50 + 50 * bar.high / limit, abs=0.01)
        assert bar.bar_x == pytest.approx(min(50, bar.value_x))
        assert bar.bar_width == pytest.approx(abs(bar.value_x - 50), abs=0.01)
        assert bar.n == 600
    assert [tick.x for tick in chart.ticks] == sorted(tick.x for tick in chart.ticks)
    assert chart.ticks[0].value == pytest.approx(-limit)
    assert chart.ticks[-1].value == pytest.approx(limit)
    assert "0" in [tick.label for tick in chart.ticks]
    assert chart.left_out == ()


def test_chart_lists_measures_without_a_coefficient_apart() -> None:
    rows = [AuditRow(satisfaction=s, scores={"greets": 1}) for s in [1, 2, 3, 4, 5] * 8]
    chart = qs.audit_chart(metric_audit(rows, scales={"greets": YES_NO}))
    assert chart.bars == ()
    assert [item.measure for item in chart.left_out] == ["greets", "qa_score", "handle_time"]
    assert chart.axis_limit == pytest.approx(0.3)


@pytest.mark.parametrize(
    ("seconds", "words"),
    [(45, "45 s"), (59.6, "1 min"), (450, "7 min 30 s"), (3600, "1 h"), (3900, "1 h 5 min")],
)
def test_durations_in_words(seconds, words) -> None:
    assert qs.duration(seconds) == words


def association(measure, verdict, kind="criterion"):
    return qs.Association(
        measure=measure,
        label=measure,
        kind=kind,
        method="Spearman's rho",
        symbol="rho",
        coefficient=0.2,
        interval=Interval(0.1, 0.3),
        p_value=0.01,
        n=40,
        verdict=verdict,
        sentence=f"{measure} sentence.",
    )


def test_the_summary_has_a_line_for_every_kind_of_finding() -> None:
    audit = qs.MetricAudit(
        measures=(
            association("Rushes the customer", Verdict.PREDICTS_LOWER),
            association("Greets", Verdict.NO_VARIATION),
            association("Offers more", Verdict.UNCLEAR),
            association("Checks the account", Verdict.UNCLEAR),
            association("Keeps the promise", Verdict.TOO_FEW),
            association("Overall QA score", Verdict.DOES_NOT_PREDICT, kind="qa_score"),
        ),
        handle_time=None,
        interactions=40,
        minimum_n=30,
        satisfied_from=4,
    )
    assert qs.audit_summary(audit) == (
        "This audit compares the reviews of 40 contacts with what their customers said.",
        "Rushes the customer sentence. Check what reviewers reward there: it may penalise what "
        "customers want.",
        "Every review gave the same score on Greets, so the audit cannot tell whether customers "
        "value it.",
        "Not clear yet, more reviews needed: Offers more and Checks the account.",
        "Too few reviews to judge (n<30): Keeps the promise.",
        "Overall QA score sentence.",
    )


def test_overall_alpha_is_missing_when_no_criterion_has_one() -> None:
    results = calibration_results(
        [CriterionScores("greets", YES_NO, [[1, 1], [1, 1]])],
        reviewers=["ann", "ben"],
        interactions=["i1", "i2"],
    )
    assert results.overall.alpha is None
    assert results.overall.interval is None
    assert results.overall.pairable_values == 4
    with pytest.raises(KeyError):
        results.agreed_score("i3", "greets")


def test_handle_times_and_answers_must_pair_up() -> None:
    with pytest.raises(qs.InvalidAuditDataError, match="must pair up"):
        qs.handle_time_trap([100.0, 200.0], [5])
