"""Template helpers for quality pages: which of the analysis pages the viewer is offered."""

from __future__ import annotations

from django import template
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from groundswell.people.permissions import Action, can_somewhere
from groundswell.quality.choices import CalibrationStatus
from groundswell.quality.dashboard import Figure
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


@register.simple_tag
def figure_cell(figure: Figure, unit: str, minimum: int) -> SafeString:
    """One dashboard figure as a table cell: the value with its n, "hidden" with the n so far
    when under the minimum, or a dash. A tag, not an included template: the dashboard draws
    three cells for each of hundreds of agents, and an include per cell was most of the page's
    time (docs/performance.md, the quality dashboard's growth curve)."""
    if figure.value is not None:
        return format_html(
            '<td>{}{} <span class="muted">n={}</span></td>',
            localize(figure.value),
            unit,
            localize(figure.n),
        )
    if figure.hidden:
        return format_html(
            '<td><span class="muted" title="{}">{}</span></td>',
            gettext("Hidden: too few to judge fairly"),
            gettext("hidden (n=%(n)s, under %(minimum)s)")
            % {"n": localize(figure.n), "minimum": localize(minimum)},
        )
    return mark_safe("<td>—</td>")
