"""The dashboard's tables as plain rows (for CSV) and its charts as JSON-ready data."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from groundswell.core.lib import stats, tabular
from groundswell.core.lib.stats import Interval
from groundswell.voice.choices import SCALES, SurveyKind
from groundswell.voice.dashboard.metrics import Nps
from groundswell.voice.dashboard.selectors import AgentFigures, Figures, VoiceMetrics

TABLES = ("team", "agent", "channel", "week")


def _number(value: float | None, digits: int = 1) -> Decimal | None:
    """A figure rounded as the page shows it, kept a number (no figure: an empty cell)."""
    return None if value is None else Decimal(f"{value:.{digits}f}")


def _figure_cells(figures: Figures) -> list[tabular.Cell]:
    csat, nps, ces = figures.csat, figures.nps, figures.ces
    return [
        figures.responses,
        _number(figures.response_rate),
        _number(csat.favourable if csat else None),
        _number(csat.mean if csat else None, 2),
        _number(nps.score if nps else None),
        _margin(nps),
        _number(ces.mean if ces else None, 2),
        _number(figures.kept_promise_rate),
        _number(figures.follow_ups_on_time_rate),
        _number(figures.median_hours_to_close),
    ]


def _margin(nps: Nps | None) -> tabular.Cell:
    """NPS's margin of error, or why there is none: never a "±0" from a handful of answers."""
    if nps is None:
        return None
    if nps.n < settings.GROUNDSWELL_MIN_AGENT_RESPONSES:
        return _too_few(nps.n)
    return _number(nps.margin)


def _figure_headers() -> list[str]:
    return [
        _("Answers"),
        _("Response rate (%)"),
        _("CSAT favourable (%)"),
        _("CSAT mean"),
        _("NPS"),
        _("NPS margin of error (±)"),
        _("CES mean"),
        _("Kept promises (%)"),
        _("Follow-ups closed on time (%)"),
        _("Median hours to close a follow-up"),
    ]


def _agent_cells(row: AgentFigures) -> list[tabular.Cell]:
    hidden = _("fewer than %(count)s answers") % {"count": row.minimum}
    csat, nps, ces = row.csat, row.nps, row.ces
    return [
        row.responses,
        _number(csat.favourable) if csat else hidden,
        _number(csat.mean, 2) if csat else hidden,
        _number(nps.score) if nps else hidden,
        _number(ces.mean, 2) if ces else hidden,
    ]


def table_rows(
    figures: VoiceMetrics, table: str
) -> tuple[list[tabular.Cell], Iterable[list[tabular.Cell]]]:
    """The header and rows of one dashboard table, as the CSV export writes them."""
    if table == "agent":
        header: list[tabular.Cell] = [_("Agent"), _("Answers"), _("CSAT favourable (%)")]
        header += [_("CSAT mean"), _("NPS"), _("CES mean")]
        return header, ([row.agent.full_name, *_agent_cells(row)] for row in figures.by_agent)
    if table == "team":
        rows: Iterable[tuple[str, Figures]] = (
            (f"{row.team.name} ({row.team.department.name})", row.figures)
            for row in figures.by_team
        )
        label = _("Team")
    elif table == "channel":
        rows = ((row.label, row.figures) for row in figures.by_channel)
        label = _("Channel")
    else:
        rows = ((row.week.isoformat(), row.figures) for row in figures.by_week)
        label = _("Week starting")
    return [label, *_figure_headers()], ([name, *_figure_cells(data)] for name, data in rows)


def _too_few(n: int) -> str:
    """Why a period has no figure: the words the chart's table and its JSON both use."""
    if n == 0:
        return _("no answers")
    return _("too few answers (n=%(n)s)") % {"n": n}


@dataclass(frozen=True)
class TrendPoint:
    """One week of one measure: its figure and 95% interval, or None below the minimum."""

    week: datetime.date
    n: int
    value: float | None
    interval: Interval | None
    reason: str  # why there is no figure ("" when there is one)


@dataclass(frozen=True)
class Trend:
    """One measure by week, drawn on its own axis (never two measures on one)."""

    kind: str
    title: str
    unit: str
    axis: tuple[float, float]
    places: int  # decimals the page shows the figure with
    interval_method: str
    minimum: int
    points: list[TrendPoint]

    @property
    def drawn(self) -> bool:
        """Whether any week has a figure: a line with no point at all says so in words."""
        return any(point.value is not None for point in self.points)

    def _rounded(self, value: float | None) -> float | None:
        return None if value is None else stats.rounded(value, self.places)

    def as_json(self) -> dict[str, Any]:
        """A line item of charts.js: figures rounded as the table beside the chart shows them."""
        points = self.points
        return {
            "kind": self.kind,
            "title": self.title,
            "unit": self.unit,
            "min": self.axis[0],
            "max": self.axis[1],
            "labels": [point.week.isoformat() for point in points],
            "data": [self._rounded(point.value) for point in points],
            "low": [
                self._rounded(point.interval.low if point.interval else None) for point in points
            ],
            "high": [
                self._rounded(point.interval.high if point.interval else None) for point in points
            ],
            "n": [point.n for point in points],
            "reasons": [point.reason or None for point in points],
            "minimum": self.minimum,
        }


def _estimate(figures: Figures, kind: str) -> tuple[int, float | None, Interval | None]:
    """n, figure and 95% interval of one measure for one group, read from its figures."""
    if kind == SurveyKind.CSAT:
        csat = figures.csat
        return (csat.n, csat.favourable, csat.interval) if csat else (0, None, None)
    if kind == SurveyKind.NPS:
        nps = figures.nps
        if nps is None:
            return 0, None, None
        low, high = max(nps.score - nps.margin, -100.0), min(nps.score + nps.margin, 100.0)
        return nps.n, nps.score, Interval(low, high)
    mean = stats.histogram_mean(figures.histogram(kind))
    return (mean.n, mean.value, mean.interval) if mean else (0, None, None)


def _trend(figures: VoiceMetrics, kind: SurveyKind, minimum: int) -> Trend:
    points = []
    for row in figures.by_week:
        n, value, interval = _estimate(row.figures, kind)
        if n < minimum or value is None:
            points.append(TrendPoint(row.week, n, None, None, _too_few(n)))
        else:
            points.append(TrendPoint(row.week, n, value, interval, ""))
    if kind == SurveyKind.CSAT:
        return Trend(
            kind,
            _("CSAT: share satisfied (4 or 5 of 5)"),
            "%",
            (0, 100),
            0,
            _("Wilson score interval"),
            minimum,
            points,
        )
    if kind == SurveyKind.NPS:
        return Trend(
            kind,
            _("Net Promoter Score (-100 to 100)"),
            "",
            (-100, 100),
            0,
            _("margin of error of a net score"),
            minimum,
            points,
        )
    low, high = SCALES[kind]
    title = _("%(kind)s: mean score") % {"kind": kind.label}
    return Trend(kind, title, "", (low, high), 2, _("t interval"), minimum, points)


def weekly_trends(figures: VoiceMetrics) -> list[Trend]:
    """CSAT, NPS and CES by week, one trend each; weeks under the minimum are gaps."""
    minimum = settings.GROUNDSWELL_MIN_AGENT_RESPONSES
    kinds = (SurveyKind.CSAT, SurveyKind.NPS, SurveyKind.CES)
    return [_trend(figures, kind, minimum) for kind in kinds]


def chart_data(figures: VoiceMetrics, trends: list[Trend] | None = None) -> dict[str, Any]:
    """What charts.js draws: one weekly line per measure and a score distribution per kind.

    `trends` are `weekly_trends(figures)` when the caller has them already.
    """
    summary = figures.summary
    distributions = []
    for kind in SurveyKind:
        low, high = SCALES[kind]
        counts = summary.scores[kind][low : high + 1]
        if sum(counts):
            distributions.append(
                {
                    "kind": str(kind),
                    "title": str(kind.label),
                    "labels": [str(score) for score in range(low, high + 1)],
                    "data": counts,
                }
            )
    return {
        "trends": [trend.as_json() for trend in trends or weekly_trends(figures)],
        "distributions": distributions,
        "minimum": settings.GROUNDSWELL_MIN_AGENT_RESPONSES,
    }
