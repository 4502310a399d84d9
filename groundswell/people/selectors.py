"""Reads about the organisation, shared by pages, the API and exports."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, PersonQuerySet, Team
from groundswell.people.permissions import (
    Action,
    can,
    can_everywhere,
    check_person_change,
    may_change_person,
    teams_in_scope,
)

NEW_HIRE_DAYS = 90


def list_people(viewer: Person, *, search: str = "") -> PersonQuerySet:
    """The directory as `viewer` may see it, optionally narrowed by a search."""
    people = Person.objects.visible_to(viewer).select_related("department", "team")
    if search:
        people = people.search(search)
    return people


def get_person_for(viewer: Person, pk: int, *, action: Action = Action.VIEW_DIRECTORY) -> Person:
    """One person: 404 when `viewer` cannot see them, 403 when they may not do `action`."""
    person = (
        Person.objects.visible_to(viewer)
        .select_related("department", "team", "manager", "buddy", "user")
        .filter(pk=pk)
        .first()
    )
    if person is None:
        raise Http404("No such person.")
    if action == Action.CHANGE_PERSON:
        # Scope and rank: nobody changes a person who ranks at or above them.
        check_person_change(viewer, person, {})
    elif not can(viewer, action, person):
        raise PermissionDenied
    return person


def leads_of(team: Team, *, action: Action) -> list[Person]:
    """Who leads `team` and may do `action` there: its named lead and the team leads among its
    members, active and able to sign in (what they are told of, they open in Groundswell)."""
    candidates = (
        Person.objects.filter(Q(led_teams=team) | Q(team=team, role=Role.TEAM_LEAD))
        .filter(is_active=True, user__is_active=True)
        .select_related("department")
        .distinct()
        .order_by("full_name", "pk")
    )
    return [person for person in candidates if can(person, action, team)]


def list_departments() -> QuerySet[Department]:
    """Departments with their active headcount and number of teams."""
    return Department.objects.annotate(
        headcount=Count("people", filter=Q(people__is_active=True), distinct=True),
        team_count=Count("teams", distinct=True),
    )


def list_teams() -> QuerySet[Team]:
    """Teams with their department, lead and active headcount."""
    return Team.objects.select_related("department", "lead").annotate(
        headcount=Count("members", filter=Q(members__is_active=True))
    )


def new_hires(people: PersonQuerySet, *, today: datetime.date | None = None) -> QuerySet[Person]:
    """Active people hired within the last NEW_HIRE_DAYS days, newest first."""
    today = today or timezone.localdate()
    since = today - datetime.timedelta(days=NEW_HIRE_DAYS)
    return people.active().filter(hire_date__gte=since).order_by("-hire_date", "full_name")


@dataclass(frozen=True)
class HomeSummary:
    """What a person's home page shows about their part of the organisation."""

    person: Person
    teams: list[Team] = field(default_factory=list)
    teammates: list[Person] = field(default_factory=list)
    new_hires: list[Person] = field(default_factory=list)
    new_hires_without_buddy: int = 0
    departments: list[Department] = field(default_factory=list)
    champions: int = 0
    active_people: int = 0
    people_without_login: int = 0
    teams_without_lead: int = 0


def home_summary(person: Person) -> HomeSummary:
    """The figures each role's home page starts from, computed with a few aggregate queries."""
    role = Role(person.role)
    active = Person.objects.active()
    if role == Role.AGENT:
        teammates = (
            list(active.filter(team_id=person.team_id).exclude(pk=person.pk).select_related("team"))
            if person.team_id
            else []
        )
        return HomeSummary(person=person, teammates=teammates)

    if role in (Role.TEAM_LEAD, Role.MANAGER):
        team_ids = teams_in_scope(person, Action.CHANGE_PERSON).values("pk")
        in_scope = active.filter(team__in=team_ids)
        hires = list(new_hires(in_scope).select_related("team", "buddy")[:20])
        return HomeSummary(
            person=person,
            teams=list(list_teams().filter(pk__in=team_ids)),
            new_hires=hires,
            new_hires_without_buddy=sum(1 for hire in hires if hire.buddy_id is None),
            champions=in_scope.filter(is_champion=True).count(),
            active_people=in_scope.count(),
            teams_without_lead=Team.objects.filter(pk__in=team_ids, lead__isnull=True).count(),
        )

    totals = active.aggregate(
        people=Count("pk"),
        champions=Count("pk", filter=Q(is_champion=True)),
        without_login=Count("pk", filter=Q(user__isnull=True)),
    )
    return HomeSummary(
        person=person,
        departments=list(list_departments()),
        new_hires=list(new_hires(active).select_related("team", "department")[:10]),
        champions=totals["champions"],
        active_people=totals["people"],
        people_without_login=totals["without_login"],
        teams_without_lead=Team.objects.filter(lead__isnull=True).count(),
    )


def list_directory(
    viewer: Person,
    *,
    search: str = "",
    department: Department | None = None,
    team: Team | None = None,
    role: str = "",
) -> PersonQuerySet:
    """The people directory for `viewer`, narrowed by search text, department, team and role."""
    people = list_people(viewer, search=search)
    if department is not None:
        people = people.filter(department=department)
    if team is not None:
        people = people.filter(team=team)
    if role:
        people = people.filter(role=role)
    return people


@dataclass(frozen=True)
class PersonProfile:
    """What a person's profile page shows, as `viewer` may see it."""

    person: Person
    buddy_to: list[Person]
    reports: list[Person]
    can_edit: bool


def get_person_profile(viewer: Person, pk: int) -> PersonProfile:
    """A person's profile: their facts, who they guide as a buddy and who reports to them."""
    person = get_person_for(viewer, pk)
    colleagues = Person.objects.visible_to(viewer).select_related("team")
    return PersonProfile(
        person=person,
        buddy_to=list(colleagues.filter(buddy=person)),
        reports=list(colleagues.filter(manager=person)),
        can_edit=may_change_person(viewer, person),
    )


@dataclass(frozen=True)
class DepartmentPage:
    """A department with its teams, headcount and champions."""

    department: Department
    teams: list[Team]
    people_count: int
    champions: list[Person]


def get_department_page(viewer: Person, slug: str) -> DepartmentPage:
    """One department by slug (404 when there is none), with its teams and champions."""
    department = Department.objects.filter(slug=slug).first()
    if department is None:
        raise Http404("No such department.")
    people = Person.objects.visible_to(viewer).active().filter(department=department)
    return DepartmentPage(
        department=department,
        teams=list(list_teams().filter(department=department)),
        people_count=people.count(),
        champions=list(people.filter(is_champion=True).select_related("team")),
    )


@dataclass(frozen=True)
class TeamPage:
    """A team with its lead, members and recent hires."""

    team: Team
    members: list[Person]
    new_hires: list[Person]


def get_team_page(viewer: Person, slug: str) -> TeamPage:
    """One team by slug (404 when there is none), with its active members and new hires."""
    team = Team.objects.select_related("department", "lead").filter(slug=slug).first()
    if team is None:
        raise Http404("No such team.")
    members = Person.objects.visible_to(viewer).active().filter(team=team)
    return TeamPage(
        team=team,
        members=list(members.select_related("buddy", "team")),
        new_hires=list(new_hires(members).select_related("team", "buddy")),
    )


def assignable_departments(actor: Person) -> QuerySet[Department]:
    """Departments `actor` may move people into: those holding teams they may change."""
    return Department.objects.visible_to(actor, Action.CHANGE_PERSON)


def assignable_colleagues(actor: Person) -> PersonQuerySet:
    """Active people `actor` may name as someone's manager or buddy: those of their departments."""
    people = Person.objects.active().select_related("department")
    if can_everywhere(actor, Action.CHANGE_PERSON):
        return people
    return people.filter(department__in=assignable_departments(actor))
