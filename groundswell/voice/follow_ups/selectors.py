"""Reads for closing the loop: the follow-ups a person may read (executives) or handle."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from groundswell.people.models import Person
from groundswell.people.permissions import Action, can, can_somewhere
from groundswell.voice.choices import FollowUpStatus
from groundswell.voice.models import FollowUp


def overdue(now: datetime.datetime | None = None) -> Q:
    return Q(status=FollowUpStatus.OPEN, due_at__lt=now or timezone.now())


def list_follow_ups(viewer: Person, *, state: str = "open") -> QuerySet[FollowUp]:
    """Follow-ups in the teams `viewer` may read, by state: open, overdue, closed or all."""
    follow_ups = FollowUp.objects.visible_to(viewer, Action.VIEW_FOLLOW_UPS).select_related(
        "team",
        "owner",
        "response__invitation__customer",
        "response__invitation__interaction",
    )
    if state == "open":
        follow_ups = follow_ups.filter(status=FollowUpStatus.OPEN)
    elif state == "overdue":
        follow_ups = follow_ups.filter(overdue())
    elif state == "closed":
        follow_ups = follow_ups.filter(status=FollowUpStatus.CLOSED).order_by("-closed_at")
    return follow_ups


def get_follow_up_for(viewer: Person, pk: int) -> FollowUp:
    """One follow-up `viewer` may read; 404 when it is outside their teams."""
    follow_up = (
        FollowUp.objects.select_related(
            "team",
            "owner",
            "closed_by",
            "response__invitation__customer",
            "response__invitation__interaction__handled_by",
            "response__invitation__version__survey",
        )
        .filter(pk=pk)
        .first()
    )
    if follow_up is None or not can(viewer, Action.VIEW_FOLLOW_UPS, follow_up.team):
        raise Http404
    return follow_up


def due_for_home(viewer: Person, *, limit: int = 10) -> list[FollowUp]:
    """Open follow-ups due by the end of today in `viewer`'s teams, most urgent first."""
    if not can_somewhere(viewer, Action.HANDLE_FOLLOW_UPS):
        return []
    end_of_today = timezone.localtime().replace(hour=23, minute=59, second=59, microsecond=0)
    return list(list_follow_ups(viewer, state="open").filter(due_at__lte=end_of_today)[:limit])
