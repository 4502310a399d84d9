"""Template helpers for quality pages: which of the analysis pages the viewer is offered."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

from groundswell.people.permissions import Action, can_somewhere
from groundswell.quality.choices import CalibrationStatus
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
