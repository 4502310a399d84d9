from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from groundswell.core import health, registry
from groundswell.people.choices import Role
from groundswell.people.decorators import person_required
from groundswell.people.permissions import Action
from groundswell.people.typing import AuthedRequest
from groundswell.site.navigation import area_by_slug


@person_required()
def home(request: AuthedRequest) -> HttpResponse:
    """Each role's daily view, with the panels the apps registered for that role."""
    person = request.person
    role = Role(person.role)
    context = {
        panel.name: panel.build(person) for panel in registry.home_panels if role in panel.roles
    }
    return render(request, f"site/home_{role.value}.html", context)


@person_required()
def area(request: AuthedRequest, slug: str) -> HttpResponse:
    """A product area that is not built yet: say so plainly, show nothing made up."""
    found = area_by_slug(slug)
    if found is None or found.url_name is not None:
        raise Http404
    if Role(request.person.role) not in found.roles:
        raise Http404
    return render(request, "site/area_unavailable.html", {"area": found})


@person_required(Action.VIEW_OPERATIONS)
@never_cache
def operations(request: AuthedRequest) -> HttpResponse:
    """For administrators: the health of each part, the task queue's lag, tasks by state and
    the recent failures (task, error class, time; never a task's arguments)."""
    report = health.health_report(details=True)
    return render(request, "site/operations.html", {"report": report})
