"""Who may do what, and where: the one place Groundswell decides permissions.

Every view and API route asks `can(person, action, target)` about a record, `can_somewhere()`
for its gate, or starts from `Model.objects.visible_to(person)` (built on `teams_in_scope()`);
docs/permissions.md mirrors the matrix below. Nothing outside this module branches on a
`Scope` (ruff's banned-api rule, TID251, keeps it so). A scope says how far a role's right reaches:

- ``ALL``: everywhere;  ``DEPARTMENT``: the person's own department;
- ``TEAM``: the teams the person leads, and their own team;  ``SELF``: only their own record.

A role missing from an action's row may not do it at all.
"""

from __future__ import annotations

import enum
import functools
import operator
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.utils.translation import gettext as _

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
    VIEW_OPERATIONS = "operations.view"
    VIEW_INTERACTIONS = "interactions.view"
    CHANGE_INTERACTIONS = "interactions.change"
    IMPORT_INTERACTIONS = "interactions.import"
    VIEW_CUSTOMER_VOICE = "customer_voice.view"
    VIEW_FOLLOW_UPS = "follow_ups.view"
    HANDLE_FOLLOW_UPS = "follow_ups.handle"
    MANAGE_SURVEYS = "surveys.manage"
    USE_OPEN_DOOR = "ideas.use"
    ACT_ON_IDEAS = "ideas.act"
    MANAGE_OPEN_DOOR = "ideas.manage"
    VIEW_EMPLOYEE_VOICE = "employee_voice.view"
    VIEW_EMPLOYEE_VOICE_BREAKDOWN = "employee_voice.breakdown"
    ANALYSE_EMPLOYEE_VOICE = "employee_voice.analyse"
    ACT_ON_EMPLOYEE_VOICE = "employee_voice.act"
    MANAGE_PULSES = "pulses.manage"
    SET_ANONYMITY_MINIMUM = "pulses.set_minimum"
    VIEW_QUALITY = "quality.view"
    REVIEW_QUALITY = "quality.review"
    SELF_REVIEW = "quality.self_review"
    DISPUTE_REVIEWS = "quality.dispute"
    COACH = "quality.coach"
    MANAGE_REVIEW_QUEUE = "quality.queue"
    GRANT_QUALITY_REVIEWERS = "quality.grant_reviewers"
    MANAGE_SCORECARDS = "quality.scorecards"
    CALIBRATE = "quality.calibrate"
    ANALYSE_QUALITY = "quality.analyse"
    USE_RECOGNITION = "recognition.use"
    MODERATE_RECOGNITION = "recognition.moderate"
    APPROVE_RECOGNITION = "recognition.approve"
    MANAGE_VALUES = "recognition.values"
    SEND_NEWSLETTER = "recognition.newsletter"
    MANAGE_REWARDS = "recognition.rewards"
    VIEW_RECOGNITION_REACH = "recognition.reach"
    VIEW_JOB_PROFILES = "job_profiles.view"
    MANAGE_JOB_PROFILES = "job_profiles.manage"
    MANAGE_CANDIDATES = "candidates.manage"
    SCORE_INTERVIEWS = "interviews.score"
    VIEW_ONBOARDING = "onboarding.view"
    RUN_ONBOARDING = "onboarding.run"
    OVERRIDE_READINESS = "readiness.override"
    MANAGE_COURSES = "courses.manage"
    RECORD_TRAINING = "training.record"


A, T, M, E, AD = Role.AGENT, Role.TEAM_LEAD, Role.MANAGER, Role.EXECUTIVE, Role.ADMIN

MATRIX: dict[Action, dict[Role, Scope]] = {
    Action.VIEW_DIRECTORY: {A: Scope.ALL, T: Scope.ALL, M: Scope.ALL, E: Scope.ALL, AD: Scope.ALL},
    Action.CHANGE_PERSON: {T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.IMPORT_PEOPLE: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.MANAGE_TEAMS: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.MANAGE_DEPARTMENTS: {AD: Scope.ALL},
    Action.MANAGE_API_KEYS: {AD: Scope.ALL},
    Action.USE_ADMIN_SITE: {AD: Scope.ALL},
    # The health of the databases, caches and task queue, and recent task failures.
    Action.VIEW_OPERATIONS: {AD: Scope.ALL},
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
    # Executives read follow-ups everywhere but close none: leaders see the loop, teams close it.
    Action.VIEW_FOLLOW_UPS: {T: Scope.TEAM, M: Scope.DEPARTMENT, E: Scope.ALL, AD: Scope.ALL},
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
    # Statistics that only an analyst reads (a scale's reliability): managers for their
    # department's campaigns, executives and admins for every campaign.
    Action.ANALYSE_EMPLOYEE_VOICE: {M: Scope.DEPARTMENT, E: Scope.ALL, AD: Scope.ALL},
    # Turning results into actions ("you said, we did"): a lead for their teams, a manager for
    # their department and its teams, an admin anywhere; nobody for a scope above them.
    Action.ACT_ON_EMPLOYEE_VOICE: {T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.MANAGE_PULSES: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.SET_ANONYMITY_MINIMUM: {AD: Scope.ALL},
    # Quality reviews: an agent reads the reviews of their own work, a lead their teams', a
    # manager their department's; executives read everywhere and change nothing.
    Action.VIEW_QUALITY: {
        A: Scope.SELF,
        T: Scope.TEAM,
        M: Scope.DEPARTMENT,
        E: Scope.ALL,
        AD: Scope.ALL,
    },
    # Reviewing others' work. A manager may also grant the quality reviewer capability to
    # anyone in reach for chosen teams (quality.ReviewerGrant), which adds to this row.
    Action.REVIEW_QUALITY: {T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
    # Reviewing one's own interactions (marked as a self-review) and disputing one's reviews.
    Action.SELF_REVIEW: {A: Scope.SELF, T: Scope.SELF},
    Action.DISPUTE_REVIEWS: {A: Scope.SELF, T: Scope.SELF},
    Action.COACH: {T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.MANAGE_REVIEW_QUEUE: {T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.GRANT_QUALITY_REVIEWERS: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.MANAGE_SCORECARDS: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.CALIBRATE: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    # Quality dashboards and the metric audit.
    Action.ANALYSE_QUALITY: {M: Scope.DEPARTMENT, E: Scope.ALL, AD: Scope.ALL},
    # Recognition: everyone thanks, nominates and reads the feed; leads and managers hide
    # reported kudos and approve compliments and heroes where they lead; admins keep the values.
    Action.USE_RECOGNITION: {A: Scope.ALL, T: Scope.ALL, M: Scope.ALL, E: Scope.ALL, AD: Scope.ALL},
    Action.MODERATE_RECOGNITION: {T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.APPROVE_RECOGNITION: {T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.MANAGE_VALUES: {AD: Scope.ALL},
    # The monthly newsletter goes to the whole organisation: managers and admins edit and send it.
    Action.SEND_NEWSLETTER: {M: Scope.ALL, AD: Scope.ALL},
    # Points and rewards (when switched on): managers decide their department's redemptions and,
    # with admins, keep the reward catalogue.
    Action.MANAGE_REWARDS: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    # Who is recognised and who is not, and the kudos export: leaders in their scope.
    Action.VIEW_RECOGNITION_REACH: {
        T: Scope.TEAM,
        M: Scope.DEPARTMENT,
        E: Scope.ALL,
        AD: Scope.ALL,
    },
    # Learning: everyone reads the job profiles (they state the culture); managers keep them for
    # their department. Candidates are seen only by their interview panel (each member for the
    # candidates whose panel they sit on, whatever their role) and by the managers who hire.
    Action.VIEW_JOB_PROFILES: {
        A: Scope.ALL,
        T: Scope.ALL,
        M: Scope.ALL,
        E: Scope.ALL,
        AD: Scope.ALL,
    },
    Action.MANAGE_JOB_PROFILES: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.MANAGE_CANDIDATES: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    # Scoring a candidate on one's own panel seat (outside panel members use their link).
    Action.SCORE_INTERVIEWS: {
        A: Scope.SELF,
        T: Scope.SELF,
        M: Scope.SELF,
        E: Scope.SELF,
        AD: Scope.SELF,
    },
    # Onboarding: a new hire reads their own programme (their buddy too); leads run and sign off
    # their teams' programmes; a manager may clear someone for live customers before sign-off.
    Action.VIEW_ONBOARDING: {
        A: Scope.SELF,
        T: Scope.TEAM,
        M: Scope.DEPARTMENT,
        E: Scope.ALL,
        AD: Scope.ALL,
    },
    Action.RUN_ONBOARDING: {T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.OVERRIDE_READINESS: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    # Courses: everyone reads the catalogue (job_profiles.view's row); managers keep their
    # department's courses; leads record completions for their teams and see who is overdue.
    Action.MANAGE_COURSES: {M: Scope.DEPARTMENT, AD: Scope.ALL},
    Action.RECORD_TRAINING: {T: Scope.TEAM, M: Scope.DEPARTMENT, AD: Scope.ALL},
}

# How senior each role is. Nobody acts on a person who ranks at or above them; admins are the
# one exception, since someone must be able to look after the other admins.
RANK: dict[Role, int] = {A: 1, T: 2, M: 3, E: 4, AD: 5}

# Roles a person may give to others when they change or import people: only roles strictly
# below their own (an admin any). A team lead gives none, which also keeps them from adding
# people; an executive changes no one.
ASSIGNABLE_ROLES: dict[Role, tuple[Role, ...]] = {
    Role.ADMIN: tuple(Role),
    Role.MANAGER: (Role.AGENT, Role.TEAM_LEAD),
}

# Fields of a person that decide who they are to Groundswell: how they sign in (email, login),
# what they may do (role), where (team, department), and whether at all (is_active).
RANKED_FIELDS: tuple[str, ...] = ("email", "user", "role", "department", "team", "is_active")
# What nobody changes about themselves.
OWN_FIXED_FIELDS: tuple[str, ...] = ("role", "is_active", "user")


def scope_for(person: Person | None, action: Action) -> Scope | None:
    """How far `person`'s right to `action` reaches, or None if they do not have it."""
    if person is None or not person.is_active:
        return None
    return MATRIX[action].get(Role(person.role))


def can(person: Person | None, action: Action, target: Team | Department | Person, /) -> bool:
    """May `person` do `action` on `target`: in a team, in a department, or on a person?

    The target is required: a check that forgets its record fails loudly (TypeError) instead
    of quietly answering "anywhere at all?". That question has its own name,
    `can_somewhere`, for navigation and page and route gates; `can_everywhere` asks about
    what belongs to the whole organisation (surveys, API keys, organisation-wide campaigns).
    """
    from groundswell.people.models import Department, Person, Team

    if not isinstance(target, Team | Department | Person):
        raise TypeError(f"can() needs a Team, Department or Person to check, not {target!r}")
    scope = scope_for(person, action)
    if scope is None or person is None:
        return False
    if isinstance(target, Person):
        if scope == Scope.SELF:
            return target.pk == person.pk
        if scope == Scope.ALL:
            return True
        if target.team_id is not None and scope == Scope.TEAM:
            return target.team_id in team_ids_led_by(person)
        if target.team_id is not None:
            return _reaches_team(person, scope, target.team)  # type: ignore[arg-type]
        # Every stored person has a department; one placed nowhere is in nobody's reach.
        return target.department_id is not None and _reaches_department(
            person, scope, target.department_id
        )
    if scope == Scope.ALL:
        return True
    if isinstance(target, Team):
        return _reaches_team(person, scope, target)
    return _reaches_department(person, scope, target.pk)


def _reaches_team(person: Person, scope: Scope, team: Team) -> bool:
    if scope in (Scope.ALL, Scope.DEPARTMENT):
        return scope == Scope.ALL or team.department_id == person.department_id
    if scope == Scope.TEAM:
        return team.pk in team_ids_led_by(person)
    return False


def _reaches_department(person: Person, scope: Scope, department_id: int) -> bool:
    if scope == Scope.ALL:
        return True
    return scope == Scope.DEPARTMENT and department_id == person.department_id


def can_somewhere(person: Person | None, action: Action) -> bool:
    """Does `person`'s role give them `action` anywhere at all?

    Only for what a person is offered, not for what they get: navigation, buttons, and the
    gate of a page or API route (403 for the wrong role) before a selector narrows to the
    records in reach. It never decides about one record.
    """
    return scope_for(person, action) is not None


def can_everywhere(person: Person | None, action: Action) -> bool:
    """May `person` do `action` across the whole organisation?

    For what belongs to no team or department (surveys, API keys, the admin site, an
    organisation-wide campaign) and for "every team, or only some?" questions.
    """
    return scope_for(person, action) == Scope.ALL


def team_ids_led_by(person: Person) -> set[int]:
    """The teams a team lead acts on: those they lead and the one they belong to."""
    ids = set(_teams_led(person))
    if person.team_id is not None:
        ids.add(person.team_id)
    return ids


# --- The teams a person leads, remembered on the person -----------------------------------------
#
# Which teams a person leads (`Team.lead`) is read once per Person object and kept on it, like
# the role, team and department read with the person: a request loads its person afresh
# (`PersonMiddleware`, which reads the led teams in the same query, so the first check costs
# no query either), so a change of lead made anywhere is seen from the next request on. Within
# this process a change is seen at once, even by objects already loaded: saving or deleting a
# team (the signal receivers in `PeopleConfig.ready`) replaces the stamp the kept ids carry,
# and ids kept under an old stamp are read again.

_LED_TEAMS = "_groundswell_teams_led"
LED_TEAMS_COLUMN = "groundswell_led_team_ids"
_stamp: list[object] = [object()]


def leadership_stamp() -> object:
    """The stamp to give ids read from now on (take it before reading them)."""
    return _stamp[0]


def leadership_changed(**_signal: Any) -> None:
    """A team's lead may have changed: every person's kept led teams are read again."""
    _stamp[0] = object()


def led_teams_annotation() -> dict[str, Any]:
    """A column for a query of people: the ids of the teams each leads, comma-separated (None
    for none). Load it with the person and pass the person to `remember_led_teams`."""
    from django.db.models import CharField, OuterRef, StringAgg, Subquery, Value
    from django.db.models.functions import Cast

    from groundswell.people.models import Team

    led = (
        Team.objects.filter(lead=OuterRef("pk"))
        .order_by()
        .values("lead")
        .annotate(ids=StringAgg(Cast("pk", CharField()), Value(",")))
        .values("ids")
    )
    return {LED_TEAMS_COLUMN: Subquery(led, output_field=CharField())}


def remember_led_teams(person: Person, stamp: object) -> None:
    """Keep the led teams loaded with `person` (`led_teams_annotation`), read under `stamp`."""
    loaded: str | None = getattr(person, LED_TEAMS_COLUMN)
    ids = frozenset(int(pk) for pk in loaded.split(",")) if loaded else frozenset[int]()
    setattr(person, _LED_TEAMS, (stamp, ids))


def _teams_led(person: Person) -> frozenset[int]:
    from groundswell.people.models import Team

    stamp = leadership_stamp()
    kept: tuple[object, frozenset[int]] | None = getattr(person, _LED_TEAMS, None)
    if kept is not None and kept[0] is stamp:
        return kept[1]
    ids = frozenset(Team.objects.filter(lead=person).order_by().values_list("pk", flat=True))
    setattr(person, _LED_TEAMS, (stamp, ids))
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


def restrict[Rows: QuerySet[Any]](
    queryset: Rows,
    person: Person | None,
    action: Action,
    *,
    team: str | None = None,
    department: str | None = None,
    also: Q | None = None,
) -> Rows:
    """`queryset` narrowed to the rows on which `person` may do `action`: what `visible_to` is.

    A row is placed by the field path of its team (`team="interaction__team"`) and/or of its
    department; `also` adds rows reached another way (those a person handled themselves).
    Someone with the right everywhere gets every row, someone without it none; a row that
    none of the given paths places is out of reach.
    """
    if not can_somewhere(person, action):
        return queryset.none()
    if can_everywhere(person, action):
        return queryset.all()
    conditions: list[Q] = []
    if team is not None:
        conditions.append(Q(**{f"{team}__in": teams_in_scope(person, action)}))
    if department is not None and (departments := departments_in_scope(person, action)):
        conditions.append(Q(**{f"{department}__in": departments}))
    if also is not None:
        conditions.append(also)
    if not conditions:
        return queryset.none()
    return queryset.filter(functools.reduce(operator.or_, conditions))


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


def outranks(actor: Person, target: Person) -> bool:
    """Does `actor` rank strictly above `target` (or are both admins, who look after each other)?"""
    actor_role, target_role = Role(actor.role), Role(target.role)
    if actor_role == Role.ADMIN:
        return True
    return RANK[actor_role] > RANK[target_role]


class PersonChangeRefused(PermissionDenied):
    """`actor` may not make this change to a person; `field` names the field at fault."""

    def __init__(self, message: str, *, field: str) -> None:
        super().__init__(message)
        self.field = field


def check_person_change(
    actor: Person | None, target: Person | None, changes: Mapping[str, Any]
) -> None:
    """May `actor` make `changes` to `target`? The one decision every path asks before a write.

    `target` is the record as stored (never the edited copy), or None when adding someone;
    `changes` maps each field that changes to its new value (a role value for "role", rows for
    "team" and "department"; a new person gives every field). Raises `PersonChangeRefused`
    (a PermissionDenied naming the field) when the actor may not, and ValidationError naming
    the field when the change would leave Groundswell without an active admin.
    """
    if actor is None or not can_somewhere(actor, Action.CHANGE_PERSON):
        raise PersonChangeRefused(_("You may not change people."), field="")
    if target is not None:
        _check_reach(actor, target, changes)
    new_role = Role(changes["role"]) if "role" in changes else None
    gives_role = new_role is not None and (target is None or new_role != target.role)
    if new_role is not None and gives_role and new_role not in assignable_roles(actor):
        message = _("You may not give the role %(role)s.") % {"role": new_role.label}
        raise PersonChangeRefused(message, field="role")
    if {"team", "department"} & set(changes) or target is None:
        _check_placement(actor, target, changes)
    if target is not None:
        _check_last_admin(target, changes)


def _check_reach(actor: Person, target: Person, changes: Mapping[str, Any]) -> None:
    if not can(actor, Action.CHANGE_PERSON, target):
        message = _("%(name)s is outside the teams you manage.") % {"name": target}
        raise PersonChangeRefused(message, field="")
    if target.pk == actor.pk:
        for name in OWN_FIXED_FIELDS:
            if name in changes:
                message = _("Nobody changes their own %(field)s.") % {"field": _words(name)}
                raise PersonChangeRefused(message, field=name)
        return
    if not outranks(actor, target):
        field = next((name for name in RANKED_FIELDS if name in changes), "")
        message = _(
            "%(name)s (%(role)s) ranks at or above you; only someone who ranks above them may "
            "change them."
        ) % {"name": target, "role": str(Role(target.role).label).lower()}
        if Role(target.role) == Role.ADMIN:
            message = _("%(name)s is an admin; only admins change admins.") % {"name": target}
        raise PersonChangeRefused(message, field=field)


def _check_placement(actor: Person, target: Person | None, changes: Mapping[str, Any]) -> None:
    """The team and department the person ends up in must be in the actor's reach too."""
    team = changes["team"] if "team" in changes else getattr(target, "team", None)
    department = (
        changes["department"] if "department" in changes else getattr(target, "department", None)
    )
    place: Team | Department | None = team if team is not None else department
    if place is None:
        return
    if not can(actor, Action.CHANGE_PERSON, place):
        field = "team" if "team" in changes and team is not None else "department"
        message = _("You may only place people in the teams you manage.")
        raise PersonChangeRefused(message, field=field)


def _check_last_admin(target: Person, changes: Mapping[str, Any]) -> None:
    if Role(target.role) != Role.ADMIN or not target.is_active:
        return
    leaving = {
        "role": "role" in changes and changes["role"] != Role.ADMIN,
        "is_active": "is_active" in changes and not changes["is_active"],
        "user": "user" in changes and getattr(changes["user"], "pk", None) != target.user_id,
    }
    field = next((name for name, left in leaving.items() if left), None)
    if field is not None and not other_active_admins(target).exists():
        message = _("%(name)s is the last active admin; make someone else an admin first.")
        raise ValidationError({field: message % {"name": target}})


def other_active_admins(target: Person) -> QuerySet[Person]:
    """Admins other than `target` who can still sign in and act (locked when in a transaction)."""
    from django.db import transaction

    from groundswell.people.models import Person

    admins = Person.objects.filter(
        role=Role.ADMIN, is_active=True, user__isnull=False, user__is_active=True
    ).exclude(pk=target.pk)
    if transaction.get_connection().in_atomic_block:
        # Two admins demoting each other at once must not both succeed. Every such check locks
        # all admin rows in one order (by key), so the second waits for the first instead of
        # deadlocking, then reads what the first committed.
        every_admin = Person.objects.filter(role=Role.ADMIN).order_by("pk")
        list(every_admin.select_for_update(of=("self",)).values_list("pk", flat=True))
    return admins


def may_assign(actor: Person | None, action: Action, person: Person) -> bool:
    """May `actor` give `person` work under `action` (make them an action's owner, say)?

    The person must be active and in the actor's reach for `action`, and be the actor
    themselves or rank below them (admins assign anyone): nobody hands work to someone who
    ranks at or above them.
    """
    if actor is None or not person.is_active or not can(actor, action, person):
        return False
    return person.pk == actor.pk or outranks(actor, person)


def may_change_person(actor: Person | None, target: Person) -> bool:
    """May `actor` change anything about `target` (open their edit page, update them)?"""
    return _allowed(actor, target, {})


def roles_to_offer(actor: Person, target: Person) -> list[Role]:
    """The roles an edit form offers for `target`: their own, plus those `actor` may give them."""
    return [
        role
        for role in Role
        if role == target.role or _allowed(actor, target, {"role": role.value})
    ]


def _allowed(actor: Person | None, target: Person, changes: Mapping[str, Any]) -> bool:
    try:
        check_person_change(actor, target, changes)
    except (PermissionDenied, ValidationError):
        return False
    return True


def _words(field: str) -> str:
    return {"is_active": _("active state"), "user": _("login")}.get(field, field)


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
