"""Did hiring for attitude work? One job profile's attitudes against the hires' later quality,
customer satisfaction and staying (learning.attitudes)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render

from groundswell.learning import selectors
from groundswell.learning.attitudes import profile_outcomes
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action, can
from groundswell.people.typing import AuthedRequest


@person_required(Action.MANAGE_CANDIDATES)
def outcomes(request: AuthedRequest, pk: int) -> HttpResponse:
    """Per attitude, how the hires' interview scores relate to how they did afterwards: for
    those who hire in the profile's department (managers there, admins)."""
    profile = selectors.get_profile_for(request.person, pk)
    if not can(request.person, Action.MANAGE_CANDIDATES, profile.department):
        raise PermissionDenied
    context = {"profile": profile, "found": profile_outcomes(profile)}
    return render(request, "learning/attitude_outcomes.html", context)
