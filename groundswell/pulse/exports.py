"""Result figures as CSV rows and chart data: built from the same suppressed results as pages."""

from typing import Any

from django.utils.translation import gettext as _

from groundswell.pulse.selectors import CampaignResults

HIDDEN = "suppressed"


def result_rows(results: CampaignResults) -> list[list[Any]]:
    """One row per group and measure; a hidden group has its name and 'suppressed' only.

    A wave that is still open has no results yet: only how many were invited and answered.
    """
    if not results.is_published:
        return [["wave", "status", "invited", "answered"],
                [results.wave.number if results.wave else "", "open",
                 results.invited, results.answered]]  # fmt: skip
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
                 f"{group.enps.score:.1f}", "", f"{group.enps.margin:.1f}"]
            )  # fmt: skip
        for measure in results.measures:
            score = group.scores.get(measure.code)
            if score is not None:
                rows.append(
                    [group.label, group.level, group.respondents, measure.label,
                     f"{score.mean:.2f}", f"{score.favourable:.1f}", ""]
                )  # fmt: skip
    return rows


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
                "data": [None if p.enps is None else round(p.enps.score, 1) for p in points],
            }
            for label, points in results.trend.items()
        ],
    }
