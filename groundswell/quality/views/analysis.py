"""Reading quality as a whole: the dashboard (everyone, in their reach) and the metric audit
(managers for their department, executives and admins everywhere)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import ngettext

from groundswell.people.decorators import person_required
from groundswell.people.models import Person, Team
from groundswell.people.permissions import Action, can
from groundswell.people.typing import AuthedRequest
from groundswell.quality import audit, dashboard
from groundswell.quality.forms import PeriodForm


def _weeks(count: int) -> str:
    return ngettext("last %(n)s week", "last %(n)s weeks", count) % {"n": count}


def _days(count: int) -> str:
    return ngettext("last %(n)s day", "last %(n)s days", count) % {"n": count}


def _chosen_team(request: AuthedRequest) -> Team | None:
    raw = request.GET.get("team", "")
    if not raw.isdigit():
        return None
    team = Team.objects.filter(pk=int(raw)).first()
    if team is None or not can(request.person, Action.VIEW_QUALITY, team):
        raise PermissionDenied
    return team


def _chosen_agent(request: AuthedRequest) -> Person | None:
    raw = request.GET.get("agent", "")
    if not raw.isdigit():
        return None
    agent = Person.objects.filter(pk=int(raw)).first()
    if agent is None or not can(request.person, Action.VIEW_QUALITY, agent):
        raise PermissionDenied
    return agent


@person_required(Action.VIEW_QUALITY)
def quality_dashboard(request: AuthedRequest) -> HttpResponse:
    """Score, coverage and dispute rate by week, team, agent and criterion, and calibration
    agreement over time, within the viewer's reach; figures on too few reviews hidden."""
    period = PeriodForm(
        request.GET,
        choices=[(weeks, _weeks(weeks)) for weeks in dashboard.PERIODS],
        default=dashboard.DEFAULT_WEEKS,
    )
    page = dashboard.quality_dashboard(
        request.person,
        weeks=period.value(),
        team=_chosen_team(request),
        agent=_chosen_agent(request),
    )
    keep = {
        name: request.GET[name] for name in ("team", "agent") if request.GET.get(name, "").isdigit()
    }
    context = {"page": page, "period": period, "keep": keep}
    return render(request, "quality/dashboard.html", context)


@person_required(Action.ANALYSE_QUALITY)
def metric_audit(request: AuthedRequest) -> HttpResponse:
    """Do the scorecard's criteria, the QA score and handle time go with what customers say?"""
    period = PeriodForm(
        request.GET,
        choices=[(days, _days(days)) for days in audit.PERIODS],
        default=audit.DEFAULT_DAYS,
    )
    page = audit.audit_page(request.person, days=period.value())
    return render(request, "quality/audit.html", {"page": page, "period": period})
