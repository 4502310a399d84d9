"""Who may do what, and where: the one place Groundswell decides permissions.

Every view and API route asks `can()` (or starts from `teams_in_scope()`); docs/permissions.md
mirrors the matrix below. A scope says how far a role's right reaches:

- ``ALL``: everywhere;  ``DEPARTMENT``: the person's own department;
- ``TEAM``: the teams the person leads, and their own team;  ``SELF``: only their own record.

A role missing from an action's row may not do it at all.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any

from django.db.models import Q

from groundswell.people.choices import Role

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from groundswell.people.models import Department, Person, Team


class Scope(enum.IntEnum):
    SELF = 1
    TEAM = 2
    DEPARTMENT = 3
    ALL = 4


class Action(enum.StrEnum):
    VIEW_DIRECTORY = "people.view"
    CHANGE_PERSON = "people.change"
    IMPORT_PEOPLE = "people.import"
    MANAGE_TEAMS = "teams.manage"
    MANAGE_DEPARTMENTS = "departments.manage"
    MANAGE_API_KEYS = "api_keys.manage"
    USE_ADMIN_SITE = "admin_site.use"
    VIEW_INTERACTIONS = "interactions.view"
    CHANGE_INTERACTIONS = "interactions.change"
    IMPORT_INTERACTIONS = "interactions.import"
    VIEW_CUSTOMER_VOICE = "customer_voice.view"
    HANDLE_FOLLOW_UPS = "follow_ups.handle"
    MANAGE_SURVEYS = "surveys.manage"
    USE_OPEN_DOOR = "ideas.use"
    ACT_ON_IDEAS = "ideas.act"
    MANAGE_OPEN_DOOR = "ideas.manage"
    VIEW_EMPLOYEE_VOICE = "employee_voice.view"
    VIEW_EMPLOYEE_VOICE_BREAKDOWN = "employee_voice.breakdown"
    MANAGE_PULSES = "pulses.manage"
    SET_ANONYMITY_MINIMUM = "pulses.set_minimum"


A, T, M, E, AD = Role.AGENT, Role.TEAM_LEAD, Role.MANAGER, Role.EXECUTIVE, Role.ADMIN

MATRIX: dict[Action, dict[Role, Scope]] = {
    Action.VIEW_DIRECTORY: {A: Scope.ALL, T: Scope.ALL, M: Scope.ALL, E: Scope.ALL, AD: Scope.ALL},
    Action.CHANGE_PERSON: {T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.IMPORT_PEOPLE: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.MANAGE_TEAMS: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.MANAGE_DEPARTMENTS: {AD: Scope.ALL},
    Action.MANAGE_API_KEYS: {AD: Scope.ALL},
    Action.USE_ADMIN_SITE: {AD: Scope.ALL},
    Action.VIEW_INTERACTIONS: {
        A: Scope.TEAM,
        T: Scope.TEAM,
        M: Scope.DEPARTMENT,
        E: Scope.ALL,
        AD: Scope.ALL,
    },
    Action.CHANGE_INTERACTIONS: {A: Scope.TEAM, T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.IMPORT_INTERACTIONS: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.VIEW_CUSTOMER_VOICE: {
        A: Scope.TEAM,
        T: Scope.TEAM,
        M: Scope.DEPARTMENT,
        E: Scope.ALL,
        AD: Scope.ALL,
    },
    Action.HANDLE_FOLLOW_UPS: {T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.MANAGE_SURVEYS: {AD: Scope.ALL},
    Action.USE_OPEN_DOOR: {A: Scope.ALL, T: Scope.ALL, M: Scope.ALL, E: Scope.ALL, AD: Scope.ALL},
    # Owners of a submission act on it too, whatever their role (see ideas.selectors).
    Action.ACT_ON_IDEAS: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.MANAGE_OPEN_DOOR: {AD: Scope.ALL},
    # Everyone sees organisation-wide results; the breakdown by department and team is scoped.
    # Both only ever show groups at or above the campaign's minimum size (pulse.suppression).
    Action.VIEW_EMPLOYEE_VOICE: {
        A: Scope.ALL,
        T: Scope.ALL,
        M: Scope.ALL,
        E: Scope.ALL,
        AD: Scope.ALL,
    },
    Action.VIEW_EMPLOYEE_VOICE_BREAKDOWN: {
        T: Scope.TEAM,
        M: Scope.DEPARTMENT,
        E: Scope.ALL,
        AD: Scope.ALL,
    },
    Action.MANAGE_PULSES: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.SET_ANONYMITY_MINIMUM: {AD: Scope.ALL},
}

# Roles a person may give to others when they change or import people.
ASSIGNABLE_ROLES: dict[Role, tuple[Role, ...]] = {
    Role.ADMIN: tuple(Role),
    Role.MANAGER: (Role.AGENT, Role.TEAM_LEAD),
}


def scope_for(person: Person | None, action: Action) -> Scope | None:
    """How far `person`'s right to `action` reaches, or None if they do not have it."""
    if person is None or not person.is_active:
        return None
    return MATRIX[action].get(Role(person.role))


def can(
    person: Person | None,
    action: Action,
    *,
    team: Team | None = None,
    department: Department | None = None,
    subject: Person | None = None,
) -> bool:
    """May `person` do `action` (on `subject`, or in `team` / `department` when given)?

    With no target the question is "anywhere at all?", which decides navigation and
    whether a page opens; a target narrows it to that record.
    """
    scope = scope_for(person, action)
    if scope is None or person is None:
        return False
    if subject is not None:
        if scope == Scope.SELF:
            return subject.pk == person.pk
        team, department = subject.team, subject.department
    if scope == Scope.ALL or (team is None and department is None):
        return True
    if scope == Scope.DEPARTMENT:
        target_department_id = team.department_id if team is not None else department.pk  # type: ignore[union-attr]
        return target_department_id == person.department_id
    if scope == Scope.TEAM:
        return team is not None and team.pk in team_ids_led_by(person)
    return False


def team_ids_led_by(person: Person) -> set[int]:
    """The teams a team lead acts on: those they lead and the one they belong to."""
    from groundswell.people.models import Team

    ids = set(Team.objects.filter(lead=person).values_list("pk", flat=True))
    if person.team_id is not None:
        ids.add(person.team_id)
    return ids


def teams_in_scope(person: Person | None, action: Action) -> QuerySet[Team]:
    """Every team in which `person` may do `action`."""
    from groundswell.people.models import Team

    scope = scope_for(person, action)
    if scope is None or person is None:
        return Team.objects.none()
    if scope == Scope.ALL:
        return Team.objects.all()
    if scope == Scope.DEPARTMENT:
        return Team.objects.filter(department_id=person.department_id)
    if scope == Scope.TEAM:
        return Team.objects.filter(Q(lead=person) | Q(pk=person.team_id))
    return Team.objects.none()


def scope_key(person: Person | None, action: Action) -> tuple[Any, ...]:
    """Equal for two people exactly when `teams_in_scope` gives them the same teams."""
    scope = scope_for(person, action)
    if scope is None or person is None:
        return ("none",)
    if scope == Scope.ALL:
        return (scope,)
    if scope == Scope.DEPARTMENT:
        return (scope, person.department_id)
    if scope == Scope.TEAM:
        return (scope, person.pk, person.team_id)
    return ("none",)


def departments_in_scope(person: Person | None, action: Action) -> list[int] | None:
    """Department ids where `person` may do `action`; None means every department."""
    scope = scope_for(person, action)
    if scope is None or person is None:
        return []
    if scope == Scope.ALL:
        return None
    if scope == Scope.DEPARTMENT:
        return [person.department_id]
    return []


def assignable_roles(person: Person | None) -> tuple[Role, ...]:
    """Roles `person` may give to someone else."""
    if person is None or not person.is_active:
        return ()
    return ASSIGNABLE_ROLES.get(Role(person.role), ())


SCOPE_WORDS = {
    Scope.SELF: "own",
    Scope.TEAM: "team",
    Scope.DEPARTMENT: "department",
    Scope.ALL: "all",
}


def matrix_as_markdown() -> str:
    """The matrix as the table in docs/permissions.md (a test keeps the two identical)."""
    roles = list(Role)
    lines = [
        "| action | " + " | ".join(role.value for role in roles) + " |",
        "|---|" + "---|" * len(roles),
    ]
    for action, grants in MATRIX.items():
        cells = [SCOPE_WORDS[grants[role]] if role in grants else "—" for role in roles]
        lines.append(f"| `{action.value}` | " + " | ".join(cells) + " |")
    return "\n".join(lines)
