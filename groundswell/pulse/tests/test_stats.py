"""Pulse statistics checked against independent computations (the statistics module, by hand);
the published worked examples for the underlying formulas are in core/tests/test_stats.py."""

import math
import statistics

import pytest

from groundswell.pulse import stats

ITEMS = [
    [4, 5, 4, 3],
    [3, 4, 3, 3],
    [5, 5, 4, 4],
    [2, 3, 2, 3],
    [4, 4, 5, 4],
    [3, 2, 3, 2],
]


def _reference_alpha(rows):
    """Alpha from the standard library: columns are items, row sums are total scores."""
    k = len(rows[0])
    item_variance = sum(statistics.variance(column) for column in zip(*rows, strict=True))
    total_variance = statistics.variance([sum(row) for row in rows])
    return k / (k - 1) * (1 - item_variance / total_variance)


def test_cronbach_alpha_matches_the_statistics_module():
    result = stats.cronbach_alpha(ITEMS)
    assert result is not None
    assert result.value == pytest.approx(_reference_alpha(ITEMS))
    assert (result.n, result.items) == (6, 4)
    assert result.interval is not None


def test_cronbach_alpha_hand_computed():
    # Two items, three people: item variances 1 and 1, totals 2, 4, 6 with variance 4.
    result = stats.cronbach_alpha([[1, 1], [2, 2], [3, 3]])
    assert result is not None
    assert result.value == pytest.approx(2 * (1 - 2 / 4))


def test_cronbach_alpha_leaves_out_a_respondent_with_a_blank():
    result = stats.cronbach_alpha([*ITEMS, [4, None, 3, 3]])
    assert result is not None
    assert result.value == pytest.approx(_reference_alpha(ITEMS))
    assert result.n == 6


def test_cronbach_alpha_undefined_cases():
    assert stats.cronbach_alpha([[3, 3]]) is None
    assert stats.cronbach_alpha([[3], [4]]) is None
    assert stats.cronbach_alpha([[3, 3], [3, 3]]) is None


def test_enps_and_margin_against_hand_calculation():
    scores = [10, 9, 9, 8, 7, 6, 3, 10, 0, 9]  # 5 promoters, 3 detractors, n = 10
    result = stats.enps(scores)
    plus, minus = 0.5, 0.3
    # The exact normal quantile z(0.975) = 1.959964, not the rounded 1.96 used before.
    expected_margin = 1.959964 * math.sqrt((plus + minus - (plus - minus) ** 2) / 10) * 100

    assert result is not None
    assert result.score == pytest.approx(20.0)
    assert result.margin == pytest.approx(expected_margin)
    assert (result.promoters, result.detractors, result.respondents) == (5, 3, 10)
    assert stats.enps([]) is None


def test_welch_difference_against_statistics_module():
    now = [4.0, 4.5, 3.5, 5.0, 4.0, 4.5, 3.0]
    before = [3.0, 3.5, 2.5, 3.0, 4.0, 2.0]
    va = statistics.variance(now) / len(now)
    vb = statistics.variance(before) / len(before)
    degrees = (va + vb) ** 2 / (va**2 / 6 + vb**2 / 5)
    assert degrees == pytest.approx(10.4999, abs=1e-4)
    # The exact t quantile at the fractional df (2.2139), not t(10) = 2.228 after rounding
    # the degrees of freedom down as the old table lookup did.
    margin = 2.21388 * math.sqrt(va + vb)
    change = statistics.mean(now) - statistics.mean(before)

    result = stats.welch_difference(now, before)

    assert result is not None
    assert result.change == pytest.approx(change)
    assert result.low == pytest.approx(change - margin, abs=1e-4)
    assert result.high == pytest.approx(change + margin, abs=1e-4)
    assert result.is_beyond_noise


def test_small_wobble_is_within_noise():
    result = stats.welch_difference([3, 4, 3, 4, 3], [4, 3, 3, 4, 4])
    assert result is not None
    assert not result.is_beyond_noise
    assert stats.welch_difference([3], [4, 5]) is None


def test_favourable_share():
    assert stats.favourable_share([1, 4, 5, 3]) == 50
