"""The demo organisation: a realistic, made-up company to try Groundswell with.

`seed_demo` builds it in bulk from a seed, so the same seed always gives the same people,
emails and teams (hire dates are relative to today, so new hires stay new). Other apps add
their own demo data as further steps: write a `DemoStep` in `<app>/demo.py` and register it
with `DEMO_STEPS.register(...)` in the app's `AppConfig.ready()`; steps run in registration
order (INSTALLED_APPS order). Each step gets its own random generator derived from the seed,
so a new step never changes the data of the steps before it.
"""

from __future__ import annotations

import datetime
import enum
import math
import random
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import ProtectedError
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import slugify
from faker import Faker

from groundswell.core.registry import Registry
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import leadership_changed

DEMO_COMPANY = "Kestrel Home Services"
# The .test top-level domain is reserved (RFC 2606): these addresses can never reach anyone.
DEMO_DOMAIN = "kestrel-demo.test"
DEMO_PASSWORD = "groundswell-demo"  # noqa: S105 - published on purpose: it opens the demo only
DEFAULT_SEED = 2024


@dataclass(frozen=True)
class DemoLogin:
    """A well-known demo account: one per role, printed by `make run`."""

    role: Role
    email: str
    password: str = DEMO_PASSWORD


DEMO_EMAILS = {
    Role.AGENT: f"agent@{DEMO_DOMAIN}",
    Role.TEAM_LEAD: f"lead@{DEMO_DOMAIN}",
    Role.MANAGER: f"manager@{DEMO_DOMAIN}",
    Role.EXECUTIVE: f"exec@{DEMO_DOMAIN}",
    Role.ADMIN: f"admin@{DEMO_DOMAIN}",
}
DEMO_LOGINS = tuple(DemoLogin(role, email) for role, email in DEMO_EMAILS.items())


class DemoSize(enum.StrEnum):
    SMALL = "small"
    MEDIUM = "medium"
    LARGE = "large"


class DemoRefused(Exception):
    """The demo was not loaded; the message says why and what to do instead."""


# --- What the company looks like -------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentPlan:
    """A department of the demo company: its teams and the job titles people hold in it."""

    key: str
    name: str
    description: str
    head_title: str
    manager_title: str
    lead_title: str
    team_names: tuple[str, ...]
    agent_titles: tuple[str, ...]
    team_weight: float = 1.0  # how many agents a team gets relative to other departments


DEPARTMENTS = {
    plan.key: plan
    for plan in (
        DepartmentPlan(
            key="cs",
            name="Customer Service",
            description="Answers customers by phone, chat, email and social media.",
            head_title="Head of Customer Service",
            manager_title="Customer Service Manager",
            lead_title="Customer Service Team Lead",
            team_names=(
                "Tier 1 Phone",
                "Tier 1 Chat",
                "Tier 2 Technical",
                "Escalations",
                "Retention",
                "Tier 1 Email",
                "Social Care",
                "Onboarding Support",
            ),
            agent_titles=(
                "Customer Service Advisor",
                "Customer Service Advisor",
                "Senior Customer Service Advisor",
                "Customer Support Specialist",
            ),
            team_weight=1.5,
        ),
        DepartmentPlan(
            key="billing",
            name="Billing",
            description="Invoices, payments, refunds and payment plans.",
            head_title="Billing Manager",
            manager_title="Billing Operations Manager",
            lead_title="Billing Team Lead",
            team_names=("Billing Support", "Collections", "Refunds", "Payment Plans"),
            agent_titles=("Billing Specialist", "Accounts Receivable Clerk", "Payments Analyst"),
        ),
        DepartmentPlan(
            key="product",
            name="Product",
            description="Designs and improves what customers buy and use.",
            head_title="Head of Product",
            manager_title="Product Manager",
            lead_title="Product Team Lead",
            team_names=("Product Management", "Quality Assurance", "User Research", "Design"),
            agent_titles=("Product Analyst", "QA Engineer", "UX Designer", "Software Engineer"),
        ),
        DepartmentPlan(
            key="it",
            name="IT",
            description="Keeps the systems everyone works with running.",
            head_title="IT Manager",
            manager_title="IT Service Manager",
            lead_title="IT Team Lead",
            team_names=("Service Desk", "Infrastructure", "Telephony", "Business Applications"),
            agent_titles=("IT Support Analyst", "Systems Engineer", "Network Engineer"),
        ),
        DepartmentPlan(
            key="hr",
            name="HR",
            description="Hiring, onboarding, learning and looking after colleagues.",
            head_title="HR Manager",
            manager_title="HR Business Partner",
            lead_title="HR Team Lead",
            team_names=("People Operations", "Learning and Development", "Recruitment", "Payroll"),
            agent_titles=("HR Advisor", "Recruiter", "Learning Designer", "Payroll Administrator"),
        ),
        DepartmentPlan(
            key="sales",
            name="Sales",
            description="Wins new customers and grows existing accounts.",
            head_title="Sales Director",
            manager_title="Regional Sales Manager",
            lead_title="Sales Team Lead",
            team_names=(
                "Inside Sales",
                "Account Management",
                "Field Sales",
                "Partnerships",
                "Renewals",
            ),
            agent_titles=("Sales Representative", "Account Manager", "Business Development Rep"),
        ),
    )
}

# Job titles that depend on the kind of team rather than the department.
TEAM_AGENT_TITLES = {
    "Tier 1 Phone": ("Customer Service Advisor", "Contact Centre Agent"),
    "Tier 1 Chat": ("Live Chat Advisor", "Customer Service Advisor"),
    "Tier 1 Email": ("Customer Service Advisor", "Written Support Advisor"),
    "Tier 2 Technical": ("Technical Support Specialist", "Senior Technical Support Specialist"),
    "Escalations": ("Escalations Specialist", "Complaints Handler"),
    "Retention": ("Retention Specialist", "Customer Loyalty Advisor"),
    "Social Care": ("Social Media Advisor", "Community Support Advisor"),
    "Onboarding Support": ("Onboarding Specialist", "Customer Service Advisor"),
}

# Large organisations run the same kinds of team at several sites.
SITES = (
    "Leeds",
    "Glasgow",
    "Cardiff",
    "Belfast",
    "Dublin",
    "Lisbon",
    "Kraków",
    "Manila",
    "Cebu",
    "Austin",
    "Tampa",
    "Halifax",
    "Cape Town",
    "Pune",
    "Bogotá",
    "Sofia",
    "Tallinn",
    "Porto",
    "Auckland",
    "Denver",
)

# Executives in the order they are hired as the company grows, with their department.
EXECUTIVES = (
    ("Chief Customer Officer", "cs"),
    ("Chief Operating Officer", "it"),
    ("Chief Financial Officer", "billing"),
    ("Chief Product Officer", "product"),
    ("Chief People Officer", "hr"),
    ("Chief Revenue Officer", "sales"),
)
ADMIN_TITLES = ("Groundswell Administrator", "Systems Administrator", "IT Administrator")

# Name styles of the people the company employs, with how common each is.
LOCALES = {
    "en_GB": 5,
    "en_US": 3,
    "en_IE": 1,
    "en_IN": 2,
    "es_ES": 1,
    "pl_PL": 1,
    "pt_PT": 1,
}


@dataclass(frozen=True)
class SizePlan:
    """How big a demo organisation is."""

    people: int
    teams: dict[str, int]  # department key -> number of teams, in this order
    executives: int
    admins: int
    teams_per_manager: int | None = None  # None: the head of department manages every lead


SIZES = {
    DemoSize.SMALL: SizePlan(
        people=40, teams={"cs": 3, "billing": 1, "it": 1}, executives=2, admins=1
    ),
    DemoSize.MEDIUM: SizePlan(
        people=150,
        teams={"cs": 6, "billing": 2, "product": 2, "it": 2, "hr": 2, "sales": 2},
        executives=3,
        admins=2,
    ),
    DemoSize.LARGE: SizePlan(
        people=10_000,
        teams={"cs": 160, "billing": 40, "product": 60, "it": 50, "hr": 30, "sales": 90},
        executives=6,
        admins=4,
        teams_per_manager=10,
    ),
}

NEW_HIRE_SHARE = 0.08
CHAMPION_SHARE = 0.08
LEAVER_SHARE = 0.015
NOT_INVITED_SHARE = 0.03
MIN_AGENTS_PER_TEAM = 3
NEW_HIRE_DAYS = 90
TENURED_DAYS = 365
HISTORY_DAYS = 8 * 365


# --- Steps ------------------------------------------------------------------------------------


@dataclass
class DemoContext:
    """What a demo step works with: the seeded generators and what earlier steps created."""

    size: DemoSize
    seed: int
    today: datetime.date
    # Where the service history ends: the present, or noon of a `today` given to seed_demo,
    # so that a seed and a day always give the same interactions. (Pulse waves stay relative
    # to the real present: whether one is still open is a matter of the clock.)
    now: datetime.datetime
    password_hash: str
    rng: random.Random  # replaced for each step: see `generators`
    faker: Faker
    departments: list[Department] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)
    demo_people: dict[Role, Person] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)  # what the summary reports
    # What a step leaves for a later one that continues its story, by the giving step's name.
    handover: dict[str, object] = field(default_factory=dict)


@dataclass(frozen=True)
class DemoStep:
    """One app's part of the demo: `create` adds its data, `wipe` removes all of it.

    A step that `continues` the one before it keeps drawing from that step's random generator
    instead of getting its own (customer voice's surveys continue the service desk's year).
    """

    name: str
    create: Callable[[DemoContext], None]
    wipe: Callable[[], None]
    continues: bool = False


@dataclass(frozen=True)
class DemoResult:
    """What `seed_demo` created, for the command to report."""

    size: DemoSize
    seed: int
    counts: dict[str, int]
    seconds: float
    now: datetime.datetime  # the demo's present: everything it made happened before


# --- The organisation step --------------------------------------------------------------------


def create_organisation(ctx: DemoContext) -> None:
    """Departments, teams and people with every role, buddies, champions and logins."""
    organisation = _Organisation(ctx, SIZES[ctx.size])
    organisation.create_departments_and_teams()
    organisation.plan_leaders()
    organisation.plan_agents()
    organisation.plan_careers()
    organisation.save()


def wipe_organisation() -> None:
    """Remove every person, team and department, and the demo logins."""
    Team.objects.update(lead=None)
    Person.objects.update(manager=None, buddy=None)
    Person.objects.all().delete()
    Team.objects.all().delete()
    Department.objects.all().delete()
    User.objects.filter(username__iendswith=f"@{DEMO_DOMAIN}").delete()


ORGANISATION = DemoStep(name="organisation", create=create_organisation, wipe=wipe_organisation)

ROLE_PLURALS = {
    Role.AGENT: "agents",
    Role.TEAM_LEAD: "team leads",
    Role.MANAGER: "managers",
    Role.EXECUTIVE: "executives",
    Role.ADMIN: "admins",
}


@dataclass
class _Organisation:
    """The demo company planned in memory, then saved with a few bulk inserts.

    People are unsaved until the end and so have no primary key (and no hash): the maps below
    are keyed by `id(person)`.
    """

    ctx: DemoContext
    size: SizePlan
    departments: dict[str, Department] = field(default_factory=dict)
    teams: dict[str, list[Team]] = field(default_factory=dict)
    executives: list[Person] = field(default_factory=list)
    heads: dict[str, Person] = field(default_factory=dict)
    area_managers: list[Person] = field(default_factory=list)
    leads: dict[int, Person] = field(default_factory=dict)  # id(team) -> its lead
    admins: list[Person] = field(default_factory=list)
    agents: list[list[Person]] = field(default_factory=list)  # per team, in team order
    new_hires: list[Person] = field(default_factory=list)
    leavers: list[Person] = field(default_factory=list)
    logins: dict[int, User] = field(default_factory=dict)  # id(person) -> their login
    emails: set[str] = field(default_factory=set)

    @property
    def all_teams(self) -> list[Team]:
        return [team for teams in self.teams.values() for team in teams]

    def create_departments_and_teams(self) -> None:
        for key, count in self.size.teams.items():
            plan = DEPARTMENTS[key]
            department = Department(
                name=plan.name, slug=slugify(plan.name), description=plan.description
            )
            self.departments[key] = department
            self.teams[key] = [
                Team(department=department, name=name, slug=slugify(f"{department.slug}-{name}"))
                for name in _team_names(plan, count)
            ]
        Department.objects.bulk_create(self.departments.values())
        Team.objects.bulk_create(self.all_teams)

    def plan_leaders(self) -> None:
        """Executives, a head for each department (with area managers when large), team leads."""
        for number, (title, key) in enumerate(EXECUTIVES[: self.size.executives]):
            self.executives.append(
                self.person(Role.EXECUTIVE, title, key, hired=(730, HISTORY_DAYS), demo=number == 0)
            )
        # A head of department reports to their department's executive, or else to the COO.
        executive_of = {key: self.executives[1] for key in self.size.teams}
        executive_of.update(
            {key: person for (_, key), person in zip(EXECUTIVES, self.executives, strict=False)}
        )
        per_manager = self.size.teams_per_manager
        for key, teams in self.teams.items():
            plan = DEPARTMENTS[key]
            head = self.person(
                Role.MANAGER, plan.head_title, key, manager=executive_of[key], demo=key == "cs"
            )
            self.heads[key] = head
            managers = [head]
            if per_manager:
                managers = [
                    self.person(Role.MANAGER, plan.manager_title, key, manager=head)
                    for _ in range(math.ceil(len(teams) / per_manager))
                ]
                self.area_managers.extend(managers)
            for number, team in enumerate(teams):
                team.lead = self.person(
                    Role.TEAM_LEAD,
                    plan.lead_title,
                    key,
                    team=team,
                    manager=managers[number // per_manager if per_manager else 0],
                    demo=key == "cs" and number == 0,
                )
                self.leads[id(team)] = team.lead
        self.admins = [
            self.person(
                Role.ADMIN,
                ADMIN_TITLES[number % len(ADMIN_TITLES)],
                "it",
                manager=self.heads["it"],
                demo=number == 0,
            )
            for number in range(self.size.admins)
        ]

    def plan_agents(self) -> None:
        """Agents fill the headcount: a few per team, the rest spread at random by weight."""
        teams = self.all_teams
        leaders = len(self.executives) + len(self.heads) + len(self.area_managers) + len(teams)
        sizes = [MIN_AGENTS_PER_TEAM] * len(teams)
        weights = [DEPARTMENTS[key].team_weight for key, ts in self.teams.items() for _ in ts]
        spare = self.size.people - leaders - len(self.admins) - sum(sizes)
        for index in self.ctx.rng.choices(range(len(teams)), weights=weights, k=spare):
            sizes[index] += 1
        key_of = {id(team): key for key, ts in self.teams.items() for team in ts}
        for team_number, (team, size) in enumerate(zip(teams, sizes, strict=True)):
            kind = next((kind for kind in TEAM_AGENT_TITLES if team.name.startswith(kind)), "")
            titles = TEAM_AGENT_TITLES.get(kind, DEPARTMENTS[key_of[id(team)]].agent_titles)
            self.agents.append(
                [
                    self.person(
                        Role.AGENT,
                        self.ctx.rng.choice(titles),
                        key_of[id(team)],
                        team=team,
                        manager=self.leads[id(team)],
                        # Every team's first agent has been there a while: new hires get a buddy.
                        # Only those `plan_careers` picks are new hires (hired in the last 90 days).
                        hired=(TENURED_DAYS if number == 0 else NEW_HIRE_DAYS + 1, HISTORY_DAYS),
                        demo=team_number == 0 and number == 0,
                    )
                    for number in range(size)
                ]
            )

    def plan_careers(self) -> None:
        """New hires with a tenured buddy, a few leavers, champions, people not yet invited."""
        rng, today = self.ctx.rng, self.ctx.today
        # Agents other than each team's first (who stays, to be a buddy; the first of the first
        # team is also the demo agent).
        movable = [person for team in self.agents for person in team[1:]]
        self.new_hires = rng.sample(movable, max(3, round(NEW_HIRE_SHARE * len(movable))))
        is_new = {id(person) for person in self.new_hires}
        for person in self.new_hires:
            person.hire_date = today - datetime.timedelta(days=rng.randint(0, NEW_HIRE_DAYS - 1))
        settled = [person for person in movable if id(person) not in is_new]

        self.leavers = rng.sample(settled, max(2, round(LEAVER_SHARE * self.size.people)))
        has_left = {id(person) for person in self.leavers}
        for person in self.leavers:
            person.is_active = False
            del self.logins[id(person)]  # former staff keep their record, not their login

        for team in self.agents:
            buddies = [
                person
                for person in team
                if id(person) not in is_new
                and id(person) not in has_left
                and (today - (person.hire_date or today)).days >= TENURED_DAYS
            ]
            for person in team:
                if id(person) in is_new:
                    person.buddy = rng.choice(buddies)

        stayers = [person for person in settled if id(person) not in has_left]
        champions = round(CHAMPION_SHARE * self.size.people)
        for person in rng.sample([*self.leads.values(), *stayers], champions):
            person.is_champion = True
        for person in rng.sample(stayers, max(1, round(NOT_INVITED_SHARE * len(stayers)))):
            del self.logins[id(person)]  # imported from HR, not invited yet

    def save(self) -> None:
        """Insert logins, then people in reporting order, so every manager and buddy has an id."""
        User.objects.bulk_create(self.logins.values())
        is_new = {id(person) for person in self.new_hires}
        stages = [
            self.executives,
            list(self.heads.values()),
            self.area_managers,
            list(self.leads.values()),
            self.admins,
            [person for team in self.agents for person in team if id(person) not in is_new],
            self.new_hires,
        ]
        for stage in stages:
            for person in stage:
                person.user = self.logins.get(id(person))
            Person.objects.bulk_create(stage)
        Team.objects.bulk_update(self.all_teams, ["lead"], batch_size=500)
        leadership_changed()  # bulk_update sends no signal: people loaded earlier read again

        people = [person for stage in stages for person in stage]
        self.ctx.departments = list(self.departments.values())
        self.ctx.teams = self.all_teams
        self.ctx.people = people
        self.ctx.demo_people = {
            login.role: person
            for person in people
            for login in DEMO_LOGINS
            if person.email == login.email
        }
        self.ctx.counts.update(
            {
                "departments": len(self.departments),
                "teams": len(self.ctx.teams),
                "people": len(people),
                **{
                    plural: sum(person.role == role for person in people)
                    for role, plural in ROLE_PLURALS.items()
                },
                "new hires with a buddy": len(self.new_hires),
                "champions": sum(person.is_champion for person in people),
                "former staff": len(self.leavers),
                "logins": len(self.logins),
            }
        )

    def person(
        self,
        role: Role,
        title: str,
        department: str,
        *,
        team: Team | None = None,
        manager: Person | None = None,
        hired: tuple[int, int] = (TENURED_DAYS, HISTORY_DAYS),
        demo: bool = False,
    ) -> Person:
        """A new person with a login; `demo` gives them their role's well-known demo email."""
        rng = self.ctx.rng
        fake = self.ctx.faker[rng.choices(list(LOCALES), weights=list(LOCALES.values()))[0]]
        first, last = fake.first_name(), fake.last_name()
        email = DEMO_EMAILS[role] if demo else self.unique_email(first, last)
        self.emails.add(email)
        person = Person(
            full_name=f"{first} {last}"[:150],
            email=email,
            role=role,
            job_title=title,
            department=self.departments[department],
            team=team,
            manager=manager,
            hire_date=self.ctx.today - datetime.timedelta(days=rng.randint(*hired)),
        )
        self.logins[id(person)] = User(
            username=email,
            email=email,
            first_name=first[:150],
            last_name=last[:150],
            password=self.ctx.password_hash,
            is_staff=role == Role.ADMIN,
            is_superuser=role == Role.ADMIN,
        )
        return person

    def unique_email(self, first: str, last: str) -> str:
        local = f"{_ascii_word(first)}.{_ascii_word(last)}"
        email, number = f"{local}@{DEMO_DOMAIN}", 1
        while email in self.emails:
            number += 1
            email = f"{local}{number}@{DEMO_DOMAIN}"
        return email


_UNDECOMPOSABLE = str.maketrans("łøđ", "lod")  # letters NFKD does not split into base + accent


def _ascii_word(text: str) -> str:
    """`text` as lower-case ASCII letters for an email ("Łucja O'Brien" -> "lucjaobrien")."""
    text = text.lower().translate(_UNDECOMPOSABLE).replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(char for char in decomposed if char.isalnum()) or "person"


def _team_names(department: DepartmentPlan, count: int) -> list[str]:
    """The first `count` teams of a department; past its kinds of team, one of each per site."""
    kinds = department.team_names
    if count <= len(kinds):
        return list(kinds[:count])
    names = []
    for number in range(count):
        kind, site_number = kinds[number % len(kinds)], number // len(kinds)
        site = SITES[site_number % len(SITES)]
        suffix = f" {site_number // len(SITES) + 1}" if site_number >= len(SITES) else ""
        names.append(f"{kind} ({site}){suffix}")
    return names


# The steps `seed_demo` runs, in registration order (wiped in reverse): each app registers its
# own in its AppConfig.ready(), people's ORGANISATION first.
DEMO_STEPS: Registry[DemoStep] = Registry("demo step")


def demo_steps() -> list[DemoStep]:
    """The registered steps; the GROUNDSWELL_DEMO_STEPS setting (dotted paths) may narrow them
    (tests and the benchmark do)."""
    paths = getattr(settings, "GROUNDSWELL_DEMO_STEPS", None)
    if paths:
        return [import_string(path) for path in paths]
    return list(DEMO_STEPS)


# --- Entry points ------------------------------------------------------------------------------


def organisation_exists() -> bool:
    """Whether the database already holds people or departments (demo or real)."""
    return Person.objects.exists() or Department.objects.exists()


def _noon(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(12)))


@transaction.atomic
def seed_demo(
    *,
    size: DemoSize,
    seed: int = DEFAULT_SEED,
    replace: bool = False,
    today: datetime.date | None = None,
) -> DemoResult:
    """Load the demo organisation; with `replace`, first remove the organisation already there."""
    started = time.perf_counter()
    steps = demo_steps()
    if organisation_exists():
        if not replace:
            raise DemoRefused(
                "The database already holds an organisation. Pass --if-empty to leave it as it is, "
                "or --replace to delete it and load the demo instead."
            )
        _wipe(steps)
    rng, faker = generators(seed, "start")
    ctx = DemoContext(
        size=size,
        seed=seed,
        today=today or timezone.localdate(),
        now=timezone.now() if today is None else _noon(today),
        # One hash shared by every demo login: hashing is slow on purpose, 10,000 take hours.
        password_hash=make_password(DEMO_PASSWORD),
        rng=rng,
        faker=faker,
    )
    for step in steps:
        if not step.continues:
            ctx.rng, ctx.faker = generators(seed, step.name)
        step.create(ctx)
    return DemoResult(
        size=size,
        seed=seed,
        counts=ctx.counts,
        seconds=time.perf_counter() - started,
        now=ctx.now,
    )


def generators(seed: int, step: str) -> tuple[random.Random, Faker]:
    """Random generators for one step, derived from the seed and the step's name alone."""
    rng = random.Random(f"{seed}:{step}")  # noqa: S311 - made-up data, not secrets
    faker = Faker(list(LOCALES))
    faker.seed_instance(f"{seed}:{step}")
    return rng, faker


def _wipe(steps: list[DemoStep]) -> None:
    try:
        for step in reversed(steps):
            step.wipe()
    except ProtectedError as error:
        kinds = sorted({str(obj._meta.verbose_name_plural) for obj in error.protected_objects})
        raise DemoRefused(
            f"Cannot replace the organisation: {', '.join(kinds)} still refer to its people. "
            "Delete those first, or load the demo into an empty database."
        ) from error


@dataclass(frozen=True)
class DemoLoginStatus:
    login: DemoLogin
    exists: bool


def demo_login_status() -> list[DemoLoginStatus]:
    """Each well-known demo login and whether it can sign in here (active, with a person)."""
    ready = set(
        Person.objects.filter(
            is_active=True,
            user__is_active=True,
            user__username__in=[login.email for login in DEMO_LOGINS],
        ).values_list("user__username", flat=True)
    )
    return [DemoLoginStatus(login=login, exists=login.email in ready) for login in DEMO_LOGINS]
