"""The organisation over the API: departments, teams and people under /api/v1."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status
from ninja.pagination import paginate

from groundswell.core.api.errors import ERROR_RESPONSES
from groundswell.core.api.pagination import Pages
from groundswell.people import selectors, services
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, can_somewhere
from groundswell.people.schemas import (
    DepartmentIn,
    DepartmentOut,
    DepartmentPatch,
    PersonFilter,
    PersonIn,
    PersonOut,
    PersonPatch,
    TeamFilter,
    TeamIn,
    TeamOut,
    TeamPatch,
)
from groundswell.people.typing import ApiRequest

router = Router()

# Where each id a payload may carry is looked up; people only among those the caller sees.
REFERENCES: dict[str, Callable[[Person], QuerySet[Any]]] = {
    "department": lambda viewer: Department.objects.all(),
    "team": lambda viewer: Team.objects.all(),
    "lead": lambda viewer: Person.objects.visible_to(viewer),
    "manager": lambda viewer: Person.objects.visible_to(viewer),
    "buddy": lambda viewer: Person.objects.visible_to(viewer),
}


def _viewer(request: ApiRequest) -> Person:
    if not can_somewhere(request.auth, Action.VIEW_DIRECTORY):
        raise PermissionDenied
    return request.auth


def _with_rows(viewer: Person, fields: dict[str, Any]) -> dict[str, Any]:
    """The payload with each referenced id swapped for its row; an unknown id is invalid."""
    for name, value in fields.items():
        if name in REFERENCES and value is not None:
            row = REFERENCES[name](viewer).filter(pk=value).first()
            if row is None:
                message = _("There is no %(name)s with id %(id)s.") % {"name": name, "id": value}
                raise ValidationError({name: message})
            fields[name] = row
    return fields


def _department(pk: int) -> Department:
    return get_object_or_404(selectors.list_departments(), pk=pk)


def _team(pk: int) -> Team:
    return get_object_or_404(selectors.list_teams(), pk=pk)


@router.get(
    "/departments", response={200: list[DepartmentOut], **ERROR_RESPONSES}, tags=["departments"]
)
@paginate(Pages)
def list_departments(request: ApiRequest) -> QuerySet[Department]:
    """Departments with their active headcount and number of teams."""
    _viewer(request)
    return selectors.list_departments()


@router.get(
    "/departments/{department_id}",
    response={200: DepartmentOut, **ERROR_RESPONSES},
    tags=["departments"],
)
def get_department(request: ApiRequest, department_id: int) -> Department:
    _viewer(request)
    return _department(department_id)


@router.post("/departments", response={201: DepartmentOut, **ERROR_RESPONSES}, tags=["departments"])
def create_department(request: ApiRequest, payload: DepartmentIn) -> Status[Department]:
    """Add a department (administrators)."""
    department = services.create_department(actor=request.auth, **payload.dict())
    return Status(201, _department(department.pk))


@router.patch(
    "/departments/{department_id}",
    response={200: DepartmentOut, **ERROR_RESPONSES},
    tags=["departments"],
)
def update_department(
    request: ApiRequest, department_id: int, payload: DepartmentPatch
) -> Department:
    """Rename or describe a department (administrators)."""
    changes = payload.dict(exclude_unset=True)
    services.update_department(actor=request.auth, department=_department(department_id), **changes)
    return _department(department_id)


@router.get("/teams", response={200: list[TeamOut], **ERROR_RESPONSES}, tags=["teams"])
@paginate(Pages)
def list_teams(request: ApiRequest, filters: Query[TeamFilter]) -> QuerySet[Team]:
    """Teams with their department, lead and active headcount."""
    _viewer(request)
    return filters.filter(selectors.list_teams())


@router.get("/teams/{team_id}", response={200: TeamOut, **ERROR_RESPONSES}, tags=["teams"])
def get_team(request: ApiRequest, team_id: int) -> Team:
    _viewer(request)
    return _team(team_id)


@router.post("/teams", response={201: TeamOut, **ERROR_RESPONSES}, tags=["teams"])
def create_team(request: ApiRequest, payload: TeamIn) -> Status[Team]:
    """Add a team to a department you manage."""
    fields = _with_rows(request.auth, payload.dict())
    team = services.create_team(actor=request.auth, **fields)
    return Status(201, _team(team.pk))


@router.patch("/teams/{team_id}", response={200: TeamOut, **ERROR_RESPONSES}, tags=["teams"])
def update_team(request: ApiRequest, team_id: int, payload: TeamPatch) -> Team:
    """Rename a team, change its lead, or move it to another department you manage."""
    changes = _with_rows(request.auth, payload.dict(exclude_unset=True))
    services.update_team(actor=request.auth, team=_team(team_id), **changes)
    return _team(team_id)


@router.get("/people", response={200: list[PersonOut], **ERROR_RESPONSES}, tags=["people"])
@paginate(Pages)
def list_people(request: ApiRequest, filters: Query[PersonFilter]) -> QuerySet[Person]:
    """The directory as you may see it; `q` matches every word in name, email or job title."""
    people = selectors.list_people(_viewer(request), search=filters.q or "")
    return filters.filter(people)


@router.get("/people/{person_id}", response={200: PersonOut, **ERROR_RESPONSES}, tags=["people"])
def get_person(request: ApiRequest, person_id: int) -> Person:
    return selectors.get_person_for(_viewer(request), person_id)


@router.post("/people", response={201: PersonOut, **ERROR_RESPONSES}, tags=["people"])
def create_person(request: ApiRequest, payload: PersonIn) -> Status[Person]:
    """Add a person (without a login) to a team you manage."""
    fields = _with_rows(request.auth, payload.dict())
    return Status(201, services.create_person(actor=request.auth, **fields))


@router.patch("/people/{person_id}", response={200: PersonOut, **ERROR_RESPONSES}, tags=["people"])
def update_person(request: ApiRequest, person_id: int, payload: PersonPatch) -> Person:
    """Change a person's record; you must manage them before and after the change."""
    person = selectors.get_person_for(request.auth, person_id, action=Action.CHANGE_PERSON)
    changes = _with_rows(request.auth, payload.dict(exclude_unset=True))
    return services.update_person(actor=request.auth, person=person, **changes)
