"""API shapes for departments, teams and people.

References to other rows are plain ids under the name of the relation (`"team": 7`), in
input and output alike, so an error about `team` names the field the client sent.
`<Entity>Patch` fields may be left out; those typed without `None` may not be sent as null.
"""

import datetime
from typing import Annotated

from django.db.models import Q
from ninja import FilterLookup, FilterSchema, Schema
from pydantic import AfterValidator, Field, StringConstraints

from groundswell.core.schemas import (
    EmailStr,
    Id,
    NameStr,
    SearchStr,
    TextStr,
    omittable,
    storable,
)
from groundswell.people.choices import Role
from groundswell.people.models import Person, Team

FullNameStr = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=150),
    AfterValidator(storable),
]
JobTitleStr = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=120), AfterValidator(storable)
]


class DepartmentOut(Schema):
    id: int
    name: str
    slug: str
    description: str
    headcount: int
    team_count: int
    created_at: datetime.datetime


class DepartmentIn(Schema):
    name: NameStr
    description: TextStr = ""


class DepartmentPatch(Schema):
    name: NameStr = omittable()
    description: TextStr = omittable()


class TeamOut(Schema):
    id: int
    name: str
    slug: str
    department: int
    lead: int | None
    headcount: int
    time_zone: str = Field(description="IANA name; empty: the site's time zone")
    created_at: datetime.datetime

    @staticmethod
    def resolve_department(team: Team) -> int:
        return team.department_id

    @staticmethod
    def resolve_lead(team: Team) -> int | None:
        return team.lead_id


class TeamIn(Schema):
    department: Id
    name: NameStr
    lead: Id | None = None
    time_zone: str = Field("", max_length=64, description="IANA name, e.g. Europe/Lisbon")


class TeamPatch(Schema):
    department: Id = omittable()
    name: NameStr = omittable()
    lead: Id | None = None
    time_zone: str = omittable()


class TeamFilter(FilterSchema):
    department: Annotated[Id | None, FilterLookup("department_id")] = None


class PersonOut(Schema):
    id: int
    full_name: str
    email: str
    role: Role
    job_title: str
    department: int
    team: int | None
    manager: int | None
    buddy: int | None
    is_champion: bool
    is_active: bool
    hire_date: datetime.date | None
    has_login: bool
    created_at: datetime.datetime
    updated_at: datetime.datetime

    @staticmethod
    def resolve_department(person: Person) -> int:
        return person.department_id

    @staticmethod
    def resolve_team(person: Person) -> int | None:
        return person.team_id

    @staticmethod
    def resolve_manager(person: Person) -> int | None:
        return person.manager_id

    @staticmethod
    def resolve_buddy(person: Person) -> int | None:
        return person.buddy_id

    @staticmethod
    def resolve_has_login(person: Person) -> bool:
        return person.user_id is not None


class PersonIn(Schema):
    full_name: FullNameStr
    email: EmailStr
    role: Role = Role.AGENT
    job_title: JobTitleStr = ""
    department: Id
    team: Id | None = None
    manager: Id | None = None
    buddy: Id | None = None
    is_champion: bool = False
    is_active: bool = True
    hire_date: datetime.date | None = None


class PersonPatch(Schema):
    full_name: FullNameStr = omittable()
    email: EmailStr = omittable()
    role: Role = omittable()
    job_title: JobTitleStr = omittable()
    department: Id = omittable()
    team: Id | None = None
    manager: Id | None = None
    buddy: Id | None = None
    is_champion: bool = omittable()
    is_active: bool = omittable()
    hire_date: datetime.date | None = None


class PersonFilter(FilterSchema):
    department: Annotated[Id | None, FilterLookup("department_id")] = None
    team: Annotated[Id | None, FilterLookup("team_id")] = None
    role: Role | None = None
    is_active: bool | None = None
    is_champion: bool | None = None
    q: SearchStr | None = None

    def filter_q(self, value: str | None) -> Q:
        # Searching is list_people's job (every word must match); the route passes `q` there.
        return Q()
