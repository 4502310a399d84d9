"""The dashboard's tables as plain rows (for CSV) and its charts as JSON-ready data."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from groundswell.core.lib import tabular
from groundswell.voice.choices import SCALES, SurveyKind
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
        _number(nps.margin if nps else None),
        _number(ces.mean if ces else None, 2),
        _number(figures.kept_promise_rate),
        _number(figures.follow_ups_on_time_rate),
        _number(figures.median_hours_to_close),
    ]


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


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def chart_data(figures: VoiceMetrics) -> dict[str, Any]:
    """What charts.js draws: the weekly trend and a score distribution per survey kind."""
    weeks = figures.by_week
    trend = {
        "labels": [row.week.isoformat() for row in weeks],
        "series": [
            {
                "label": _("CSAT favourable (%)"),
                "data": [
                    _round(row.figures.csat.favourable if row.figures.csat else None)
                    for row in weeks
                ],
            },
            {
                "label": _("NPS"),
                "data": [
                    _round(row.figures.nps.score if row.figures.nps else None) for row in weeks
                ],
            },
        ],
    }
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
        "trend": trend,
        "distributions": distributions,
        "minimum": settings.GROUNDSWELL_MIN_AGENT_RESPONSES,
    }
