"""Medians, paired ratios and the goals' verdicts."""

import pytest

from bench.harness.figures import CEILING, OURS, RAW, Figure, Goal, summarise


def figure(contestant, profile, round_number, value, unit="req/s", failure=""):
    return Figure("sqlite", contestant, profile, round_number, value, unit, {}, failure)


def row(rows, label):
    return next(row for row in rows if row.comparison.label == label)


def test_ratios_are_paired_round_by_round_and_their_median_is_judged():
    figures = [
        figure(OURS, "survey_submit", 1, 900.0),
        figure(CEILING, "survey_submit", 1, 1000.0),  # 0.90
        figure(OURS, "survey_submit", 2, 500.0),
        figure(CEILING, "survey_submit", 2, 600.0),  # 0.83
        figure(OURS, "survey_submit", 3, 950.0),
        figure(CEILING, "survey_submit", 3, 1000.0),  # 0.95
    ]

    submit = row(summarise(figures, "sqlite"), "survey submit c=4")

    assert submit.ratio == pytest.approx(0.90)
    assert (submit.ratio_low, submit.ratio_high) == (pytest.approx(500 / 600), 0.95)
    assert submit.ours == 900.0  # the median of the figures, not of the ratios
    assert submit.baseline == 1000.0
    assert submit.rounds == 3
    assert submit.verdict == "pass"


def test_a_latency_goal_passes_below_its_limit():
    figures = [
        figure(OURS, "list", 1, 6.5, "ms"),
        figure(CEILING, "list_nocount", 1, 5.0, "ms"),  # 1.3: on the limit
        figure(CEILING, "list_count", 1, 50.0, "ms"),
    ]

    rows = summarise(figures, "sqlite")

    assert row(rows, "staff list p50 (ceiling: no count)").verdict == "pass"
    with_count = row(rows, "staff list p50 (ceiling: exact count)")
    assert with_count.ratio == pytest.approx(0.13)
    assert with_count.verdict == ""  # no goal on that one


def test_the_dashboard_goal_is_on_our_own_cold_figure():
    figures = [
        figure(OURS, "dashboard_cold", 1, 61.0, "ms"),
        figure(OURS, "dashboard_cold", 2, 45.0, "ms"),
        figure(CEILING, "dashboard", 1, 20.0, "ms"),
    ]

    cold = row(summarise(figures, "sqlite"), "dashboard p50, cold (cache off)")

    assert cold.ours == 53.0
    assert cold.rounds == 1  # only round 1 has both sides
    assert cold.verdict == "FAIL"


def test_csv_is_compared_with_the_raw_insert_of_each_database():
    figures = [
        figure(OURS, "csv_import", 1, 30_000.0, "rows/s"),
        figure(RAW, "csv_import", 1, 40_000.0, "rows/s"),
    ]

    sqlite = row(summarise(figures, "sqlite"), "CSV import vs raw sqlite3 executemany")
    postgres_figures = [
        Figure("postgresql", f.contestant, f.profile, 1, f.value, f.unit) for f in figures
    ]
    postgres = row(summarise(postgres_figures, "postgresql"), "CSV import vs raw COPY")

    assert sqlite.verdict == "FAIL"  # SQLite's goal: at least the raw executemany
    assert postgres.verdict == "pass"  # PostgreSQL's: 60% of COPY
    assert str(postgres.comparison.goal) == "ratio >= 0.6"


def test_a_failed_profile_is_not_measured_and_says_why():
    figures = [
        figure(OURS, "ingest_new", 1, None, failure="12 answered 500 of 800 requests"),
        figure(CEILING, "ingest_new", 1, 1000.0),
    ]

    ingest = row(summarise(figures, "sqlite"), "ingest, new row c=4")

    assert ingest.ratio is None
    assert ingest.verdict == "not measured"
    assert ingest.problem == "groundswell ingest_new: 12 answered 500 of 800 requests"


def test_goals_read_as_written():
    assert str(Goal(0.9, at_least=True)) == "ratio >= 0.9"
    assert str(Goal(50, at_least=False, on_value=True)) == "<= 50 ms"
    assert Goal(0.7, at_least=True).met(0.69, None) is False
    assert Goal(0.7, at_least=True).met(None, None) is None
