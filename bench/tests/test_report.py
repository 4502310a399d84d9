"""The table, the results file and the chart, from real summaries."""

import json

from bench.harness.figures import CEILING, OURS, Figure, summarise
from bench.harness.report import attainment, chart, table, write_json


def summary():
    figures = [
        Figure("sqlite", OURS, "survey_submit", 1, 850.0, "req/s"),
        Figure("sqlite", CEILING, "survey_submit", 1, 1000.0, "req/s"),
        Figure("sqlite", OURS, "dashboard_cold", 1, 42.0, "ms"),
    ]
    return summarise(figures, "sqlite")


def test_the_table_shows_figures_ratios_goals_and_verdicts():
    problems = [
        {"db": "sqlite", "contestant": "peer", "what": "setup", "reason": "pip failed\nmore"}
    ]

    text = table(summary(), problems)

    submit = next(line for line in text.splitlines() if "survey submit c=4" in line)
    assert submit.split() == [
        "sqlite", "survey", "submit", "c=4", "850", "req/s", "1,000", "req/s", "0.85",
        "ratio", ">=", "0.9", "FAIL",
    ]  # fmt: skip
    dashboard = next(line for line in text.splitlines() if "cold" in line)
    assert "42.0 ms" in dashboard
    assert dashboard.rstrip().endswith("pass")
    assert "Goals met: 1 of 5" in text
    assert "Not measured: peer on sqlite (setup): pip failed" in text
    assert "peer" not in text.splitlines()[2], "no peer column without a peer"


def test_the_results_file_is_json_with_every_row(tmp_path):
    path = tmp_path / "results" / "latest.json"

    write_json({"rows": [row.as_dict() for row in summary()]}, path)

    rows = json.loads(path.read_text())["rows"]
    submit = next(row for row in rows if row["profile"] == "survey_submit")
    assert submit["ratio"] == 0.85
    assert submit["verdict"] == "FAIL"
    assert submit["goal"] == "ratio >= 0.9"
    assert submit["baseline"] == "ceiling:survey_submit"


def test_the_results_file_hides_the_folders_of_this_machine(tmp_path):
    path = tmp_path / "latest.json"
    work = tmp_path / "work"

    write_json({"problems": [f"gunicorn failed, see {work}/sqlite/server.log"]}, path,
               hide={str(work): "$GSBENCH_WORK"})  # fmt: skip

    assert json.loads(path.read_text()) == {
        "problems": ["gunicorn failed, see $GSBENCH_WORK/sqlite/server.log"]
    }


def test_attainment_is_one_on_the_goal_and_more_when_better():
    rows = {row.comparison.profile: row for row in summary()}

    assert round(attainment(rows["survey_submit"]), 3) == round(0.85 / 0.9, 3)
    assert round(attainment(rows["dashboard_cold"]), 3) == round(50 / 42, 3)


def test_the_chart_is_an_svg_with_each_goal(tmp_path):
    path = tmp_path / "chart.svg"

    message = chart(summary(), path, title="test run")

    assert message == f"Chart: {path}"
    svg = path.read_text()
    assert svg.startswith("<?xml")
    assert "survey submit c=4" in svg
    assert "ratio 0.85" in svg
