from django.db import connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from groundswell.core.navigation import AREAS_BY_SLUG
from groundswell.desk.selectors import overdue_promises_for
from groundswell.people import selectors
from groundswell.people.choices import Role
from groundswell.people.decorators import person_required
from groundswell.people.typing import AuthedRequest
from groundswell.voice.follow_ups import due_for_home


@person_required()
def home(request: AuthedRequest) -> HttpResponse:
    """Each role's daily view; later apps add their own panels to it."""
    person = request.person
    context: dict[str, object] = {"summary": selectors.home_summary(person)}
    if Role(person.role) in (Role.AGENT, Role.TEAM_LEAD):
        context["overdue_promises"] = overdue_promises_for(person)
    if Role(person.role) == Role.TEAM_LEAD:
        context["follow_ups_due"] = due_for_home(person)
    return render(request, f"core/home_{Role(person.role).value}.html", context)


@person_required()
def area(request: AuthedRequest, slug: str) -> HttpResponse:
    """A product area that is not built yet: say so plainly, show nothing made up."""
    found = AREAS_BY_SLUG.get(slug)
    if found is None or found.url_name is not None:
        raise Http404
    if Role(request.person.role) not in found.roles:
        raise Http404
    return render(request, "core/area_unavailable.html", {"area": found})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: the process answers and the database responds."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
