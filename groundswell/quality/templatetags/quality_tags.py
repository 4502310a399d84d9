"""Template helpers for quality pages: which of the analysis pages the viewer is offered."""

from __future__ import annotations

import html

from django import template
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groundswell.people.permissions import Action, can_somewhere
from groundswell.quality.choices import CalibrationStatus
from groundswell.quality.dashboard import Figure, Line
from groundswell.quality.models import Calibration, CalibrationReviewer

register = template.Library()


@register.simple_tag(takes_context=True)
def quality_offers(context: template.Context) -> dict[str, bool]:
    """Links to show in the quality menu (the pages themselves check again)."""
    request = context.get("request")
    person = getattr(request, "person", None)
    if person is None:
        return {}
    analyses = can_somewhere(person, Action.ANALYSE_QUALITY)
    return {
        "audit": analyses,
        "calibrations": analyses
        or can_somewhere(person, Action.CALIBRATE)
        or CalibrationReviewer.objects.filter(reviewer=person).exists(),
    }


VERDICTS = {
    "predicts": _("predicts satisfaction"),
    "predicts_lower": _("goes with lower satisfaction"),
    "does_not_predict": _("does not predict satisfaction"),
    "unclear": _("not clear yet"),
    "too_few": _("too few to judge"),
    "no_variation": _("never varies"),
}


@register.filter
def verdict_label(verdict: str) -> str:
    """A metric-audit verdict in words."""
    return str(VERDICTS.get(str(verdict), verdict))


@register.simple_tag(takes_context=True)
def calibrations_to_score(context: template.Context) -> list[Calibration]:
    """Open calibrations in which the viewer has not submitted all their scores yet."""
    request = context.get("request")
    person = getattr(request, "person", None)
    if person is None:
        return []
    return list(
        Calibration.objects.filter(
            status=CalibrationStatus.OPEN,
            participants__reviewer=person,
            participants__submitted_at__isnull=True,
        ).order_by("due_on", "pk")[:10]
    )


class _Cells:
    """Dashboard figures as table cells for one page. The numbers are localised as the
    template would (`localize`), each distinct value once, and the HTML is written as plain
    escaped strings: a manager's page draws three cells for each of hundreds of agents, and
    building them through the template engine and `format_html` was most of the page's time
    (docs/performance.md, the quality dashboard's read)."""

    def __init__(self, minimum: int) -> None:
        self.minimum = minimum
        self.numbers: dict[tuple[type, object], str] = {}
        self.hidden: dict[int, str] = {}
        self.hidden_title = html.escape(gettext("Hidden: too few to judge fairly"))

    def number(self, value: float) -> str:
        key = (type(value), value)
        text = self.numbers.get(key)
        if text is None:
            text = self.numbers[key] = html.escape(str(localize(value)))
        return text

    def cell(self, figure: Figure, unit: str) -> str:
        if figure.value is not None:
            return (
                f"<td>{self.number(figure.value)}{unit} "
                f'<span class="muted">n={self.number(figure.n)}</span></td>'
            )
        if figure.hidden:
            text = self.hidden.get(figure.n)
            if text is None:
                text = self.hidden[figure.n] = html.escape(
                    gettext("hidden (n=%(n)s, under %(minimum)s)")
                    % {"n": localize(figure.n), "minimum": localize(self.minimum)}
                )
            return f'<td><span class="muted" title="{self.hidden_title}">{text}</span></td>'
        return "<td>—</td>"


@register.simple_tag
def figure_cell(figure: Figure, unit: str, minimum: int) -> SafeString:
    """One dashboard figure as a table cell: the value with its n, "hidden" with the n so far
    when under the minimum, or a dash."""
    return mark_safe(_Cells(minimum).cell(figure, html.escape(unit)))  # noqa: S308 - escaped


@register.simple_tag
def dashboard_rows(lines: list[Line], weeks: int, minimum: int) -> SafeString:
    """The rows of a dashboard table (week, team or agent): the label, linked to the page
    narrowed to it where it has a query, the number of reviews, then the mean score, coverage
    and dispute rate as `figure_cell` draws them. Every text from the data is escaped."""
    cells = _Cells(minimum)
    period = int(weeks)  # a query parameter: never localised
    rows = []
    for line in lines:
        label = html.escape(line.label)
        if line.query:
            label = f'<a href="?{html.escape(line.query)}&amp;period={period}">{label}</a>'
        rows.append(
            f'<tr><th scope="row">{label}</th><td>{cells.number(line.reviews)}</td>'
            f"{cells.cell(line.score, '%')}{cells.cell(line.coverage, '%')}"
            f"{cells.cell(line.dispute_rate, '%')}</tr>"
        )
    return mark_safe("\n".join(rows))  # noqa: S308 - every part escaped above
