"""Writes about the organisation: one function per use case, each checking its own rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.text import slugify

from groundswell.people import hooks
from groundswell.people.choices import Role
from groundswell.people.models import Department, Person, Team
from groundswell.people.permissions import Action, can, can_everywhere, check_person_change

PERSON_FIELDS = (
    "full_name",
    "email",
    "role",
    "job_title",
    "department",
    "team",
    "manager",
    "buddy",
    "is_champion",
    "is_active",
    "hire_date",
)


def unique_slug(
    model: type[Department] | type[Team], text: str, *, exclude_pk: int | None = None
) -> str:
    """A slug for `text` not used by another row of `model` (adds -2, -3… when needed)."""
    base = slugify(text)[:90] or "item"
    slug, number = base, 1
    taken = model.objects.exclude(pk=exclude_pk) if exclude_pk else model.objects.all()
    while taken.filter(slug=slug).exists():
        number += 1
        slug = f"{base}-{number}"
    return slug


def check_person_rules(
    actor: Person, person: Person, *, stored: Person | None, changes: dict[str, Any]
) -> None:
    """Rules every change to a person must meet, whoever makes it and however (page, API, import).

    `person` carries the new values, `stored` is the record as saved (None for someone new) and
    `changes` the fields that change. Raises ValidationError naming the field, or
    PermissionDenied when `actor` may not make the change (permissions.check_person_change).
    """
    errors: dict[str, str] = {}
    team = person.team if person.team_id is not None else None
    if team is not None and team.department_id != person.department_id:
        errors["team"] = f"Team {person.team} is not in department {person.department}."
    if person.buddy_id is not None and person.pk is not None and person.buddy_id == person.pk:
        errors["buddy"] = "A person cannot be their own buddy."
    if person.manager_id is not None and person.pk is not None and person.manager_id == person.pk:
        errors["manager"] = "A person cannot be their own manager."
    if errors:
        raise ValidationError(errors)
    check_person_change(actor, stored, changes)


def changed_fields(stored: Person, person: Person, names: Iterable[str]) -> dict[str, Any]:
    """The fields among `names` whose value on `person` differs from `stored`, with new values."""
    changed: dict[str, Any] = {}
    for name in names:
        field = Person._meta.get_field(name)
        attribute = field.attname if field.is_relation else name  # type: ignore[union-attr]
        if getattr(person, attribute) != getattr(stored, attribute):
            changed[name] = getattr(person, name)
    return changed


def _check_email_free(person: Person) -> None:
    # The unique constraint is on Lower(email), which full_clean() reports without naming a field.
    taken = Person.objects.filter(email__iexact=person.email).exclude(pk=person.pk)
    if person.email and taken.exists():
        raise ValidationError({"email": f"Someone already uses {person.email}."})


@transaction.atomic
def create_person(*, actor: Person, **fields: Any) -> Person:
    """Add a person to the organisation (without a login; see `invite` flows later)."""
    person = Person(**{key: value for key, value in fields.items() if key in PERSON_FIELDS})
    if person.email:
        person.email = person.email.strip().lower()
    _check_email_free(person)
    person.full_clean(validate_constraints=False)
    everything = {name: getattr(person, name) for name in PERSON_FIELDS}
    # Before the constraints, so its errors name the field.
    check_person_rules(actor, person, stored=None, changes=everything)
    person.validate_constraints()
    person.save()
    return person


@transaction.atomic
def update_person(*, actor: Person, person: Person, **changes: Any) -> Person:
    """Change a person's record; the actor must be allowed before and after the change."""
    # Judge on the stored row: callers such as a ModelForm may already have copied the new
    # values onto `person`, which would let a change vouch for itself.
    stored = Person.objects.select_related("department", "team", "user").get(pk=person.pk)
    check_person_change(actor, stored, {})
    unknown = set(changes) - set(PERSON_FIELDS)
    if unknown:
        raise ValidationError({name: "This field cannot be changed." for name in sorted(unknown)})
    for name, value in changes.items():
        setattr(person, name, value)
    if "email" in changes and person.email:
        person.email = person.email.strip().lower()
    _check_email_free(person)
    person.full_clean(validate_constraints=False)
    changed = changed_fields(stored, person, changes)
    check_person_rules(actor, person, stored=stored, changes=changed)
    person.validate_constraints()
    person.save(update_fields=[*changes, "updated_at"])
    if person.user_id is not None and {"email", "is_active"} & set(changes):
        sync_login(person)
    if "is_active" in changed and not person.is_active:
        hooks.person_deactivated(person)
    return person


def sync_login(person: Person) -> None:
    """Keep the login's username (the email) and active flag in step with the person."""
    user = person.user
    if user is None:
        return
    user.username = person.email
    user.email = person.email
    user.is_active = person.is_active
    user.save(update_fields=["username", "email", "is_active"])


@transaction.atomic
def create_department(*, actor: Person, name: str, description: str = "") -> Department:
    """Add a department (administrators only)."""
    if not can_everywhere(actor, Action.MANAGE_DEPARTMENTS):
        raise PermissionDenied("Only administrators add departments.")
    department = Department(name=name.strip(), description=description)
    department.slug = unique_slug(Department, department.name)
    department.full_clean()
    department.save()
    return department


@transaction.atomic
def update_department(*, actor: Person, department: Department, **changes: Any) -> Department:
    """Rename or describe a department (administrators only)."""
    if not can_everywhere(actor, Action.MANAGE_DEPARTMENTS):
        raise PermissionDenied("Only administrators change departments.")
    for name in ("name", "description"):
        if name in changes:
            setattr(department, name, changes[name])
    department.full_clean()
    department.save()
    return department


@transaction.atomic
def create_team(
    *,
    actor: Person,
    department: Department,
    name: str,
    lead: Person | None = None,
    time_zone: str = "",
) -> Team:
    """Add a team to a department the actor manages."""
    if not can(actor, Action.MANAGE_TEAMS, department):
        raise PermissionDenied("You may only add teams to your own department.")
    team = Team(department=department, name=name.strip(), lead=lead, time_zone=time_zone)
    team.slug = unique_slug(Team, f"{department.slug}-{team.name}")
    team.full_clean()
    _check_lead(team)
    team.save()
    return team


@transaction.atomic
def update_team(*, actor: Person, team: Team, **changes: Any) -> Team:
    """Rename a team, change its lead or time zone; moving it needs the right on both
    departments."""
    if not can(actor, Action.MANAGE_TEAMS, team):
        raise PermissionDenied("You may only change teams in your own department.")
    for name in ("name", "lead", "department", "time_zone"):
        if name in changes:
            setattr(team, name, changes[name])
    if not can(actor, Action.MANAGE_TEAMS, team.department):
        raise PermissionDenied("You may only move teams into your own department.")
    team.full_clean()
    _check_lead(team)
    team.save()
    return team


def _check_lead(team: Team) -> None:
    lead = team.lead
    if lead is not None and lead.department_id != team.department_id:
        raise ValidationError({"lead": f"{lead} works in another department."})


@transaction.atomic
def create_administrator(
    *, email: str, full_name: str, department_name: str, password: str
) -> Person:
    """Bootstrap: an admin person with a staff login, for a fresh installation's first sign-in."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    email = email.strip().lower()
    if Person.objects.filter(email__iexact=email).exists():
        raise ValidationError({"email": f"Someone already uses {email}."})
    department = Department.objects.filter(name__iexact=department_name.strip()).first()
    if department is None:
        department = Department(name=department_name.strip())
        department.slug = unique_slug(Department, department.name)
        department.full_clean()
        department.save()
    person = Person(
        full_name=full_name.strip(), email=email, role=Role.ADMIN, department=department
    )
    person.full_clean()
    user_model = get_user_model()
    user = user_model(username=email, email=email, is_staff=True, is_superuser=True)
    validate_password(password, user)
    user.set_password(password)
    user.save()
    person.user = user
    person.save()
    return person
