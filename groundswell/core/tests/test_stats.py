"""core.lib.stats against published worked examples; each test names its source and the
figures are the source's, typed in here, never recomputed by the same library."""

import pytest
from django.template import Context, Template

from groundswell.core.lib import stats


def test_normal_and_t_quantiles_match_printed_tables() -> None:
    # Any normal table: z(0.975) = 1.95996; Student t table (e.g. Moore, McCabe & Craig,
    # Introduction to the Practice of Statistics, Table D): t*(10 df, 95%) = 2.228,
    # t*(30 df) = 2.042, t*(100 df) = 1.984, so t never "becomes 1.96" above 30 df.
    assert stats.z_critical() == pytest.approx(1.95996, abs=1e-5)
    assert stats.t_critical(10) == pytest.approx(2.228, abs=5e-4)
    assert stats.t_critical(30) == pytest.approx(2.042, abs=5e-4)
    assert stats.t_critical(100) == pytest.approx(1.984, abs=5e-4)


def test_quantiles_are_remembered_per_argument() -> None:
    """The dashboard asks for the same quantiles on every view: each is computed once."""
    stats.t_critical.cache_clear()
    first = stats.t_critical(12)
    assert stats.t_critical(12) == first
    assert stats.t_critical(12, 0.9) == pytest.approx(1.782, abs=5e-4)  # not the 95% one
    info = stats.t_critical.cache_info()
    assert (info.hits, info.misses) == (1, 2)


@pytest.mark.parametrize(
    ("successes", "n", "low", "high"),
    [
        # Newcombe RG (1998), Two-sided confidence intervals for the single proportion:
        # comparison of seven methods, Statistics in Medicine 17:857-872, Table I, method 3
        # (Wilson score interval without continuity correction).
        (81, 263, 0.2553, 0.3662),
        (15, 148, 0.0624, 0.1605),
        (0, 20, 0.0000, 0.1611),
        (1, 29, 0.0061, 0.1718),
    ],
)
def test_wilson_interval_matches_newcombe_1998(
    successes: int, n: int, low: float, high: float
) -> None:
    result = stats.share(successes, n)
    assert result is not None
    assert result.interval is not None
    assert result.n == n
    assert result.interval.low / 100 == pytest.approx(low, abs=5e-5)
    assert result.interval.high / 100 == pytest.approx(high, abs=5e-5)
    assert stats.share(0, 0) is None


@pytest.mark.parametrize("level", [0.90, 0.95, 0.99])
def test_wilson_closed_form_equals_statsmodels_on_every_count_up_to_60(level: float) -> None:
    from statsmodels.stats.proportion import proportion_confint

    for n in range(1, 61):
        for successes in range(n + 1):
            low, high = stats.wilson_interval(successes, n, level=level)
            expected = proportion_confint(successes, n, alpha=1 - level, method="wilson")
            assert low == pytest.approx(float(expected[0]), abs=1e-12)
            assert high == pytest.approx(float(expected[1]), abs=1e-12)
            assert 0.0 <= low <= successes / n <= high <= 1.0


def test_nps_margin_matches_the_multinomial_example_on_cross_validated() -> None:
    # Cross Validated, "How can I calculate margin of error in a NPS (Net Promoter Score)
    # result?", accepted answer (whuber): p+ = 1/2, p0 = 1/3, p- = 1/6 gives NPS = 1/3 and
    # variance of one answer = 5/9, so SE = sqrt(5/9) / sqrt(n). With n = 600 (300, 200, 100):
    result = stats.net_score(300, 100, 600)
    assert result is not None
    assert result.value == pytest.approx(100 / 3)
    se = (5 / 9) ** 0.5 / 600**0.5
    assert result.margin == pytest.approx(100 * 1.959964 * se, rel=1e-6)


def test_nps_margin_matches_the_talkstats_worked_figures() -> None:
    # talkstats.com thread "Net Promoter Score - Calculating Confidence Intervals and Margin of
    # Error": 1162 answers, 291 promoters, 476 passives, 395 detractors: NPS -9, margin 4.4.
    result = stats.net_score(291, 395, 1162)
    assert result is not None
    assert stats.whole_points(result.value) == -9
    assert float(stats.round_half_away(result.margin, 1)) == 4.4
    assert (result.n, result.promoters, result.detractors) == (1162, 291, 395)
    assert stats.net_score(0, 0, 0) is None


def test_welch_satterthwaite_df_matches_the_drp_textbook_example() -> None:
    # Moore, McCabe & Craig, Introduction to the Practice of Statistics, the DRP reading
    # example (directed reading activities): treatment n = 21, s = 11.01; control n = 23,
    # s = 17.15; software reports df = 37.86 for the two-sample t procedure.
    df = stats.welch_satterthwaite_df(11.01**2, 21, 17.15**2, 23)
    assert df == pytest.approx(37.86, abs=0.005)


def test_welch_difference_uses_the_satterthwaite_df_and_exact_t() -> None:
    now = [4.0, 4.5, 3.5, 5.0, 4.0, 4.5, 3.0]
    before = [3.0, 3.5, 2.5, 3.0, 4.0, 2.0]
    result = stats.welch_difference(now, before)
    assert result is not None
    assert (result.n_now, result.n_before, result.n) == (7, 6, 13)
    # Variances 0.452381 / 7 and 0.5 / 6 give 10.4999 df (Welch-Satterthwaite by hand);
    # the half-width is t(10.4999) * sqrt(0.0646259 + 0.0833333) = 2.2139 * 0.384654.
    assert result.degrees_of_freedom == pytest.approx(10.4999, abs=1e-4)
    half = (result.interval.high - result.interval.low) / 2
    assert half == pytest.approx(stats.t_critical(10.4999) * 0.384654, abs=1e-5)
    assert result.is_beyond_noise
    assert stats.welch_difference([3], [4, 5]) is None


def test_welch_difference_without_spread_is_exact() -> None:
    result = stats.welch_difference([4, 4], [3, 3, 3])
    assert result is not None
    assert (result.value, result.interval.low, result.interval.high) == (1.0, 1.0, 1.0)


@pytest.mark.parametrize(
    ("alpha", "n", "k", "low", "high"),
    [
        # Chris Evans's Feldt (1965) / Feldt, Woodruff & Salih (1987) R function, published
        # on the MRC CBU statistics wiki ("R code ... for computing confidence intervals for
        # Cronbach's alpha"): feldt1.return(0.913, 873, 20) gives 0.9044024 to 0.9211588.
        (0.913, 873, 20, 0.9044024, 0.9211588),
    ],
)
def test_feldt_interval_matches_the_published_example(
    alpha: float, n: int, k: int, low: float, high: float
) -> None:
    interval = stats.feldt_interval(alpha, n, k)
    assert interval is not None
    assert interval.low == pytest.approx(low, abs=1e-6)
    assert interval.high == pytest.approx(high, abs=1e-6)


# Worked example "Cronbach's alpha, step-by-step" (calkulon.com learn pages): three items,
# four people; item variances 5/3, 11/12 and 5/3 (sum 4.25), totals 13, 10, 15, 7 with
# variance 12.25, so alpha = 3/2 * (1 - 4.25 / 12.25) = 0.97959.
WORKED: list[list[float | None]] = [[4, 5, 4], [3, 4, 3], [5, 5, 5], [2, 3, 2]]


def test_cronbach_alpha_matches_the_worked_example() -> None:
    result = stats.cronbach_alpha(WORKED)
    assert result is not None
    assert result.value == pytest.approx(0.97959, abs=1e-5)
    assert (result.n, result.items) == (4, 3)
    assert result.interval is not None
    assert result.interval.low < result.value < result.interval.high


def test_cronbach_alpha_handles_blanks_listwise_and_pairwise() -> None:
    with_blank: list[list[float | None]] = [*WORKED, [None, 2, 1]]
    listwise = stats.cronbach_alpha(with_blank)
    assert listwise is not None
    assert listwise.value == pytest.approx(0.97959, abs=1e-5)  # the blank row is left out
    assert listwise.n == 4
    assert "listwise" in listwise.method
    pairwise = stats.cronbach_alpha(with_blank, missing="pairwise")
    assert pairwise is not None
    assert pairwise.n == 4  # items 1 and 2 answered together by 4 people
    assert "pairwise" in pairwise.method


def test_cronbach_alpha_undefined_cases() -> None:
    assert stats.cronbach_alpha([]) is None
    assert stats.cronbach_alpha([[3, 3]]) is None
    assert stats.cronbach_alpha([[3], [4]]) is None
    assert stats.cronbach_alpha([[3, 3], [3, 3]]) is None
    assert stats.cronbach_alpha([[None, 3], [4, None], [5, 5]]) is None


def test_mean_has_a_t_interval_and_its_n() -> None:
    # 1, 2, 2, 7: mean 3, sample SD sqrt(22/3) = 2.70801; t(3 df) = 3.182 (any t table)
    result = stats.histogram_mean({1: 1, 2: 2, 7: 1})
    assert result is not None
    assert (result.value, result.n) == (3.0, 4)
    assert result.interval is not None
    assert result.interval.high - 3 == pytest.approx(3.182 * 2.70801 / 2, abs=1e-3)
    single = stats.mean([4.0])
    assert single is not None
    assert single.interval is None


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [(43.5, 0, "44"), (42.5, 0, "43"), (-43.5, 0, "-44"), (2.675, 2, "2.68"), (0.25, 1, "0.3")],
)
def test_one_rounding_rule_half_away_from_zero(value: float, places: int, shown: str) -> None:
    assert str(stats.round_half_away(value, places)) == shown
    template = Template("{% load figures %}{{ value|figure:places }}")
    assert template.render(Context({"value": value, "places": places})) == shown


def test_figure_filter_shows_a_dash_for_nothing() -> None:
    template = Template("{% load figures %}{{ value|figure }}")
    assert template.render(Context({"value": None})) == "—"
