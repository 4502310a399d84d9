"""The metric functions against cases worked out by hand (the arithmetic is in each test)."""

import datetime
import math

import pytest

from groundswell.voice.dashboard import metrics

HOUR = datetime.timedelta(hours=1)


def test_csat_is_the_share_of_fours_and_fives_and_the_mean() -> None:
    # scores 5, 5, 4, 3, 1: favourable = 3 of 5 = 60%; mean = (5+5+4+3+1)/5 = 18/5 = 3.6
    result = metrics.csat(metrics.tally([5, 5, 4, 3, 1]))
    assert result is not None
    assert (result.n, result.favourable, result.mean) == (5, 60.0, 3.6)
    # Wilson interval for 3 of 5 (by hand: centre 0.5663, half-width 0.3355 at z = 1.96)
    assert result.interval is not None
    assert result.interval.low == pytest.approx(23.07, abs=0.01)
    assert result.interval.high == pytest.approx(88.24, abs=0.01)


def test_nps_score_and_margin_of_error() -> None:
    # 10 answers: promoters 9,10,10,9,9 (5) passives 7,8 (2) detractors 6,3,0 (3)
    # p_p = 0.5, p_d = 0.3 -> NPS = 100 * (0.5 - 0.3) = 20
    # variance = p_p + p_d - (p_p - p_d)^2 = 0.8 - 0.04 = 0.76
    # MoE = z * sqrt(0.76 / 10) * 100 = 1.959964 * 0.275681 * 100 = 54.0325...
    # (the exact normal quantile; the old rounded 1.96 gave 54.0334)
    result = metrics.nps(metrics.tally([9, 10, 10, 9, 9, 7, 8, 6, 3, 0]))
    assert result is not None
    assert result.n == 10
    assert result.promoters == pytest.approx(50.0)
    assert result.detractors == pytest.approx(30.0)
    assert result.score == pytest.approx(20.0)
    assert result.margin == pytest.approx(54.0325, abs=1e-3)
    assert result.margin == pytest.approx(1.959964 * math.sqrt(0.076) * 100)


def test_nps_margin_shrinks_with_more_answers() -> None:
    # The same shares over 1000 answers: MoE = 1.959964 * sqrt(0.76 / 1000) * 100 = 5.4032...
    histogram = {10: 500, 8: 200, 2: 300}
    result = metrics.nps(histogram)
    assert result is not None
    assert result.score == pytest.approx(20.0)
    assert result.margin == pytest.approx(5.4032, abs=1e-3)


def test_all_promoters_score_one_hundred_with_no_margin() -> None:
    # p_p = 1, p_d = 0: variance = 1 + 0 - 1^2 = 0 -> MoE 0
    result = metrics.nps({9: 3, 10: 4})
    assert result == metrics.Nps(n=7, promoters=100.0, detractors=0.0, score=100.0, margin=0.0)


def test_all_detractors_score_minus_one_hundred() -> None:
    result = metrics.nps({0: 2})
    assert result is not None
    assert (result.score, result.margin) == (-100.0, 0.0)


def test_ces_mean_and_share_agreeing() -> None:
    # CES 2.0: (1 + 2 + 5 + 7) / 4 = 15 / 4 = 3.75; agree (5-7) = 2 of 4 = 50%
    result = metrics.ces(metrics.tally([1, 2, 5, 7]))
    assert result is not None
    assert (result.n, result.mean, result.agree) == (4, 3.75, 50.0)


@pytest.mark.parametrize("function", [metrics.csat, metrics.nps, metrics.ces])
def test_no_answers_give_no_figure(function: object) -> None:
    assert function({}) is None  # type: ignore[operator]
    assert function({5: 0}) is None  # type: ignore[operator]


def test_rates() -> None:
    assert metrics.response_rate(25, 100) == 25.0
    assert metrics.response_rate(3, 0) is None
    # kept / (kept + broken) = 3 / (3 + 1) = 75%
    assert metrics.kept_promise_rate(3, 1) == 75.0
    assert metrics.kept_promise_rate(0, 0) is None
    # 2 of 8 due were closed on time = 25%
    assert metrics.on_time_rate(2, 8) == 25.0
    assert metrics.on_time_rate(0, 0) is None


def test_exact_median_time_to_close() -> None:
    assert metrics.median_time_to_close([]) is None
    assert metrics.median_time_to_close([3 * HOUR, HOUR, 10 * HOUR]) == 3 * HOUR
    # even count: the mean of the two middle values, (2 h + 4 h) / 2 = 3 h
    assert metrics.median_time_to_close([HOUR, 2 * HOUR, 4 * HOUR, 9 * HOUR]) == 3 * HOUR


def test_close_buckets() -> None:
    assert metrics.close_bucket(HOUR) == 0
    assert metrics.close_bucket(HOUR + datetime.timedelta(seconds=1)) == 1
    assert metrics.close_bucket(24 * HOUR) == 3
    assert metrics.close_bucket(169 * HOUR) == 6


def test_median_from_buckets_interpolates_inside_the_bucket() -> None:
    # counts: 0-1h: 2, 1-4h: 2, 4-8h: 4 -> n = 8, half = 4; the running total reaches 4 at the
    # end of 1-4h: 1 + (4 - 2) / 2 * (4 - 1) = 1 + 3 = 4 h
    assert metrics.median_from_buckets([2, 2, 4, 0, 0, 0, 0]) == 4 * HOUR
    # n = 4, half = 2, all four in 8-24h: 8 + (2 - 0) / 4 * 16 = 16 h
    assert metrics.median_from_buckets([0, 0, 0, 4, 0, 0, 0]) == 16 * HOUR
    # most closed after a week: the estimate is the bucket's lower bound, 168 h
    assert metrics.median_from_buckets([1, 0, 0, 0, 0, 0, 5]) == 168 * HOUR
    assert metrics.median_from_buckets([0] * 7) is None
