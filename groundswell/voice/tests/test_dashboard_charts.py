"""The dashboard's weekly charts: one measure per chart, gaps that say why, n and interval."""

import datetime
import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from groundswell.core.lib import stats
from groundswell.people.models import Person, Team
from groundswell.voice.dashboard.selectors import VoiceFilters, VoiceMetrics
from groundswell.voice.dashboard.tables import chart_data, table_rows
from groundswell.voice.tests import factories as data

URL = reverse("voice_dashboard:dashboard")
WEEK = datetime.timedelta(weeks=1)
CSAT_NOW = [5, 5, 4, 4, 5, 4, 5, 4, 4, 2, 1, 3]  # 12 answers, 9 satisfied: 75%
CES_NOW = [1, 2, 2, 3, 1, 2, 4, 1, 2, 3]  # 10 answers, mean 2.1


@pytest.fixture
def now() -> datetime.datetime:
    """The dashboard's clock; the answers came in just before."""
    return timezone.now()


@pytest.fixture
def answered(team_alpha: Team, agent: Person, now: datetime.datetime) -> None:
    """This week: 12 CSAT, 10 CES and one NPS answer; last week: 3 CSAT answers."""
    now -= datetime.timedelta(seconds=1)
    data.answers(team_alpha, "csat", CSAT_NOW, at=now, agent=agent)
    data.answers(team_alpha, "ces", CES_NOW, at=now, agent=agent)
    data.answers(team_alpha, "nps", [10], at=now, agent=agent)
    data.answers(team_alpha, "csat", [5, 5, 5], at=now - WEEK, agent=agent)


@pytest.fixture
def charts(answered: None, admin: Person, now: datetime.datetime) -> dict[str, Any]:
    return chart_data(VoiceMetrics(admin, VoiceFilters(weeks=4), now=now))


def by_kind(charts: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["kind"]: item for item in charts["trends"]}


def test_one_chart_per_measure_each_on_its_own_axis(charts: dict[str, Any]) -> None:
    trends = by_kind(charts)
    assert list(trends) == ["csat", "nps", "ces"]
    assert [(item["min"], item["max"]) for item in trends.values()] == [
        (0, 100),
        (-100, 100),
        (1, 7),
    ]
    assert all("series" not in item for item in trends.values())  # one measure, one line
    assert len({item["title"] for item in trends.values()}) == 3
    assert trends["csat"]["unit"] == "%"
    for item in trends.values():
        assert len(item["labels"]) == 4
        for key in ("data", "low", "high", "n", "reasons"):
            assert len(item[key]) == 4


def test_a_week_with_enough_answers_carries_its_n_and_interval(charts: dict[str, Any]) -> None:
    csat, ces = by_kind(charts)["csat"], by_kind(charts)["ces"]
    wilson = stats.share(9, 12)
    assert wilson is not None
    assert wilson.interval is not None
    assert (csat["data"][-1], csat["n"][-1], csat["reasons"][-1]) == (75.0, 12, None)
    assert csat["low"][-1] == stats.rounded(wilson.interval.low, 0)
    assert csat["high"][-1] == stats.rounded(wilson.interval.high, 0)
    mean = stats.mean(CES_NOW)
    assert mean is not None
    assert mean.interval is not None
    assert (ces["data"][-1], ces["n"][-1]) == (2.1, 10)
    assert ces["low"][-1] == stats.rounded(mean.interval.low, 2)  # t interval
    assert ces["high"][-1] == stats.rounded(mean.interval.high, 2)


def test_a_week_under_the_minimum_is_a_gap_that_says_why(charts: dict[str, Any]) -> None:
    csat = by_kind(charts)["csat"]
    assert charts["minimum"] == 10
    assert (csat["data"][-2], csat["low"][-2], csat["high"][-2]) == (None, None, None)
    assert (csat["n"][-2], csat["reasons"][-2]) == (3, "too few answers (n=3)")
    assert (csat["data"][0], csat["n"][0], csat["reasons"][0]) == (None, 0, "no answers")


def test_one_answer_gives_no_margin_of_zero(charts: dict[str, Any]) -> None:
    nps = by_kind(charts)["nps"]
    assert (nps["data"][-1], nps["low"][-1], nps["high"][-1]) == (None, None, None)
    assert nps["reasons"][-1] == "too few answers (n=1)"


@pytest.mark.usefixtures("answered")
def test_the_page_draws_a_canvas_and_a_table_per_measure(
    admin: Person, client_for: Callable[[Person], Client]
) -> None:
    text = client_for(admin).get(URL, {"weeks": 4}).text
    canvases = re.findall(r'<canvas data-chart="line"[^>]*data-chart-index="(\d)"[^>]*>', text)
    assert canvases == ["0", "1", "2"]
    assert text.count('aria-label="Line chart of ') == 3
    assert "too few answers (n=3)" in text
    assert "too few answers (n=1)" in text
    assert "± 0" not in text  # not in the tiles, not in the tables
    assert "too few answers for a margin" in text
    script = re.search(r'<script id="chart-trends" type="application/json">(.*?)</script>', text)
    assert script is not None
    assert [item["kind"] for item in json.loads(script.group(1))] == ["csat", "nps", "ces"]


@pytest.mark.usefixtures("answered")
def test_the_csv_says_why_a_margin_is_missing(admin: Person, now: datetime.datetime) -> None:
    figures = VoiceMetrics(admin, VoiceFilters(weeks=4), now=now)
    header, rows = table_rows(figures, "team")
    [alpha] = rows
    margin = alpha[header.index("NPS margin of error (±)")]
    assert margin == "too few answers (n=1)"
