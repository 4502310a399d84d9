"""Result figures as CSV rows and chart data: built from the same suppressed results as pages."""

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from groundswell.core.lib import tabular
from groundswell.core.lib.stats import round_half_away, whole_points
from groundswell.pulse.selectors import CampaignResults

HIDDEN = "suppressed"


def _figure(value: float, digits: int) -> Decimal:
    """A figure rounded as the page and the API show it (half away from zero), kept a number."""
    return round_half_away(value, digits)


def result_rows(results: CampaignResults) -> list[list[Any]]:
    """One row per group and measure; a hidden group has its name and 'suppressed' only.

    A wave that is still open has no results yet: only how many were invited and answered.
    Every cell is already safe for a spreadsheet (core.lib.tabular): names cannot run as
    formulas, figures are numbers, so whichever CSV writer receives the rows writes them safely.
    """
    if not results.is_published:
        participation: list[list[Any]] = [["wave", "status", "invited", "answered"],
                [results.wave.number if results.wave else "", "open",
                 results.invited, results.answered]]  # fmt: skip
        return [tabular.safe_row(row) for row in participation]
    rows: list[list[Any]] = [
        ["group", "level", "respondents", "measure", "mean", "favourable_percent", "margin"]
    ]
    for group in results.groups:
        if group.is_hidden:
            rows.append([group.label, group.level, HIDDEN, "", "", "", ""])
            continue
        if group.enps is not None:
            rows.append(
                [group.label, group.level, group.respondents, "eNPS",
                 _figure(group.enps.score, 0), None, _figure(group.enps.margin, 0)]
            )  # fmt: skip
        for measure in results.measures:
            score = group.scores.get(measure.code)
            if score is not None:
                rows.append(
                    [group.label, group.level, group.respondents, measure.label,
                     _figure(score.mean, 2), _figure(score.favourable, 0), None]
                )  # fmt: skip
    return [tabular.safe_row(row) for row in rows]


def result_csv(results: CampaignResults) -> str:
    """The result rows as CSV text, through the one safe writer."""
    return tabular.write_csv(result_rows(results))


def trend_chart(results: CampaignResults) -> dict[str, Any] | None:
    """eNPS per wave for charts.js ({labels, series}); suppressed waves are gaps (null)."""
    if not results.trend:
        return None
    waves = next(iter(results.trend.values()), [])
    return {
        "labels": [_("Wave %s") % point.wave.number for point in waves],
        "series": [
            {
                "label": label,
                "data": [None if p.enps is None else whole_points(p.enps.score) for p in points],
            }
            for label, points in results.trend.items()
        ],
    }
