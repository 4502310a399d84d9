"""Dashboard table cells: `{% figure_cells row.figures charts.minimum %}` (a row's seven
figures, the columns of `voice/partials/dashboard_figure_headers.html`),
`{% agent_cells row %}` (an agent's three scores) and `{% trend_rows trend %}` (the rows of a
measure's weekly table beside its chart).

Built here rather than in template code repeated per row: a dashboard has up to a hundred
rows (teams, agents, channels, weeks), and building them here renders the tables in about
two thirds of the time, with the same HTML (docs/performance.md, "The dashboard, cold").
"""

from __future__ import annotations

import html

from django import template
from django.utils import formats
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from groundswell.core.templatetags.figures import figure
from groundswell.core.templatetags.moments import day
from groundswell.voice.dashboard.selectors import AgentFigures, Figures
from groundswell.voice.dashboard.tables import Trend

register = template.Library()

NONE = "—"


def _share(value: float | None) -> str:
    return NONE if value is None else f"{figure(value)}%"


def _html(value: object) -> str:
    """`conditional_escape` for the plain strings and SafeStrings built here, without its
    checks for lazy text (a table cell is never lazy): each cell of a 30-row table used to go
    through format_html, a fifth of the cold dashboard's rendering."""
    if isinstance(value, SafeString):
        return value
    return html.escape(str(value))


@register.simple_tag
def figure_cells(figures: Figures, minimum: int) -> SafeString:
    """Answers, response rate, CSAT, NPS (with its margin), CES, promises kept, follow-ups on
    time: a dash where there is no figure; the NPS margin only from `minimum` answers."""
    csat, nps, ces = figures.csat, figures.nps, figures.ces
    if nps is None:
        net = NONE
    elif nps.n < minimum:
        margin = _("too few answers for a margin (n=%(n)s)") % {"n": nps.n}
        net = f'{_html(figure(nps.score))} <span class="muted">{_html(margin)}</span>'
    else:
        net = f'{_html(figure(nps.score))} <span class="muted">± {_html(figure(nps.margin))}</span>'
    cells = (
        _html(formats.localize(figures.responses)),
        _html(_share(figures.response_rate)),
        _html(_share(csat.favourable if csat else None)),
        net,
        _html(figure(ces.mean, 2) if ces else NONE),
        _html(_share(figures.kept_promise_rate)),
        _html(_share(figures.follow_ups_on_time_rate)),
    )
    return mark_safe("\n".join([f"<td>{cell}</td>" for cell in cells]))  # noqa: S308 - escaped


@register.simple_tag
def agent_cells(row: AgentFigures) -> SafeString:
    """CSAT, NPS and CES of one agent with their n, or how many answers each has so far when
    under the minimum (no one is judged on a handful)."""

    def cell(value: str | None, answers: int) -> SafeString:
        if value is None:
            under = _("fewer than %(minimum)s answers of this kind (%(n)s so far)") % {
                "n": answers,
                "minimum": row.minimum,
            }
            return format_html('<span class="muted">{}</span>', under)
        return format_html('{} <span class="muted">n {}</span>', value, answers)

    csat, nps, ces = row.csat, row.nps, row.ces
    cells = (
        cell(f"{figure(csat.favourable)}%" if csat else None, row.csat_answers),
        cell(figure(nps.score) if nps else None, row.nps_answers),
        cell(figure(ces.mean, 2) if ces else None, row.ces_answers),
    )
    return format_html_join("\n", "<td>{}</td>", ((value,) for value in cells))


@register.simple_tag
def trend_rows(trend: Trend) -> SafeString:
    """One row a week: the week, the figure and its 95% interval (or why there is none), and
    the number of answers. Three measures of 13 to 52 weeks each: built here, not in a loop of
    template tags and `blocktranslate` per row."""
    places, unit = trend.places, _html(trend.unit)
    # The same message as the templates' "{{ low }} to {{ high }}{{ unit }}", so one
    # translation serves both.
    between = _("%(low)s to %(high)s%(unit)s")
    no_interval = f'<span class="muted">{_html(_("none from one answer"))}</span>'
    rows = []
    for point in trend.points:
        week = f'<th scope="row">{_html(day(point.week))}</th>'
        if point.value is None:
            cells = f'<td colspan="2" class="muted">{_html(point.reason)}</td>'
        else:
            interval = no_interval
            if point.interval:
                # the message is ours, its values escaped
                interval = between % {
                    "low": _html(figure(point.interval.low, places)),
                    "high": _html(figure(point.interval.high, places)),
                    "unit": unit,
                }
            value = _html(figure(point.value, places))
            cells = f"<td>{value}{unit}</td>\n      <td>{interval}</td>"
        rows.append(f"<tr>{week}{cells}<td>{_html(formats.localize(point.n))}</td></tr>")
    return mark_safe("\n  ".join(rows))  # noqa: S308 - each value escaped
