"""Rank: nobody changes a person who ranks at or above them, on any path.

The expected answers below come from the rule as written in docs/permissions.md, restated here
on its own (ORDER, GIVES, expected_outcome), not from the code under test:

- agent < team_lead < manager < executive < admin;
- a person changes someone else only when they rank strictly above them, except that admins
  change admins; they give only roles strictly below their own (an admin any role);
- nobody changes their own role or active state; the last active admin stays one;
- the scopes (a team lead: their teams; a manager: their department) still apply, and only
  team leads, managers and admins change people at all.

Every target here sits in team Alpha of Customer Service, inside every actor's scope, so what
decides is rank alone.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from groundswell.api.choices import ApiKeyScope
from groundswell.api.services import create_api_key
from groundswell.people import imports, services
from groundswell.people.choices import Role
from groundswell.people.models import Person, Team
from groundswell.people.tests.factories import (
    DepartmentFactory,
    PersonFactory,
    TeamFactory,
    person_form,
)

ORDER = ("agent", "team_lead", "manager", "executive", "admin")
CHANGERS = {"team_lead", "manager", "admin"}
IMPORTERS = {"manager", "admin"}
NEW_EMAIL = "new.address@example.test"
API = "/api/v1"


def gives(actor: str) -> set[str]:
    """Roles a person of role `actor` may give: those strictly below theirs; an admin any."""
    if actor == "admin":
        return set(ORDER)
    return {role for role in ORDER if ORDER.index(role) < ORDER.index(actor)}


def new_role_for(target: str) -> str:
    """The role a role change tries: a promotion for an agent, else a demotion to agent."""
    return "team_lead" if target == "agent" else "agent"


def expected_outcome(actor: str, target: str, field: str, *, importing: bool = False) -> bool:
    """Whether the rule lets a person of role `actor` change `field` of another person."""
    if actor not in (IMPORTERS if importing else CHANGERS):
        return False
    if not (actor == "admin" or ORDER.index(actor) > ORDER.index(target)):
        return False
    if field == "role":
        return new_role_for(target) in gives(actor)
    return True


@pytest.fixture
def place(db: None) -> dict[str, Any]:
    cs = DepartmentFactory.create(name="Customer Service", slug="customer-service")
    it = DepartmentFactory.create(name="IT", slug="it")
    alpha = TeamFactory.create(department=cs, name="Alpha", slug="cs-alpha")
    beta = TeamFactory.create(department=cs, name="Beta", slug="cs-beta")
    return {"cs": cs, "it": it, "alpha": alpha, "beta": beta}


def make_actor(role: str, place: dict[str, Any]) -> Person:
    """Someone of `role` whose scope holds team Alpha (and Beta): a lead leads both."""
    on_team = role in {"agent", "team_lead"}
    person = PersonFactory.create(
        role=role,
        email=f"actor.{role}@example.test",
        department=place["it"] if role == "admin" else place["cs"],
        team=place["alpha"] if on_team else None,
        with_login=True,
    )
    if role == "team_lead":
        Team.objects.filter(pk__in=[place["alpha"].pk, place["beta"].pk]).update(lead=person)
    if role == "admin":
        User.objects.filter(person=person).update(is_staff=True, is_superuser=True)
    return person


def make_target(role: str, place: dict[str, Any]) -> Person:
    return PersonFactory.create(
        role=role,
        email=f"target.{role}@example.test",
        full_name="Tess Target",
        job_title="Old title",
        department=place["cs"],
        team=place["alpha"],
        with_login=True,
    )


def signed_in(person: Person) -> Client:
    client = Client()
    assert person.user is not None
    client.force_login(person.user, backend="groundswell.people.backends.PersonBackend")
    return client


def api_change(field: str, target: Person, place: dict[str, Any]) -> dict[str, Any]:
    return {
        "email": {"email": NEW_EMAIL},
        "role": {"role": new_role_for(target.role)},
        "team": {"team": place["beta"].pk},
        "is_active": {"is_active": False},
        "job_title": {"job_title": "New title"},
    }[field]


def took_effect(field: str, target: Person, place: dict[str, Any]) -> bool:
    """Whether the change was written (and, for the email and active flag, reached the login)."""
    stored = Person.objects.select_related("user").get(pk=target.pk)
    user = stored.user
    assert user is not None
    return {
        "email": stored.email == NEW_EMAIL and user.username == NEW_EMAIL,
        "role": stored.role == new_role_for(target.role),
        "team": stored.team_id == place["beta"].pk,
        "is_active": not stored.is_active and not user.is_active,
        "job_title": stored.job_title == "New title",
    }[field]


def page_change(field: str, target: Person, place: dict[str, Any]) -> dict[str, Any]:
    change = api_change(field, target, place)
    if field == "is_active":
        return {"is_active": False}
    return change


# Every actor x target x field x path ----------------------------------------------------------

FIELDS = ("email", "role", "team", "is_active", "job_title")


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("target_role", ORDER)
@pytest.mark.parametrize("actor_role", ORDER)
def test_rank_through_the_api(actor_role, target_role, field, place):
    actor, target = make_actor(actor_role, place), make_target(target_role, place)
    allowed = expected_outcome(actor_role, target_role, field)

    response = signed_in(actor).patch(
        f"{API}/people/{target.pk}",
        api_change(field, target, place),
        content_type="application/json",
    )

    assert response.status_code == (200 if allowed else 403), response.content
    if not allowed:
        body = response.json()
        assert body["detail"]
        assert body["errors"] == []
    assert took_effect(field, target, place) is allowed


@pytest.mark.parametrize("field", FIELDS)
@pytest.mark.parametrize("target_role", ORDER)
@pytest.mark.parametrize("actor_role", ORDER)
def test_rank_through_the_edit_page(actor_role, target_role, field, place):
    actor, target = make_actor(actor_role, place), make_target(target_role, place)
    allowed = expected_outcome(actor_role, target_role, field)
    url = reverse("people:person-edit", args=[target.pk])

    response = signed_in(actor).post(url, person_form(target, **page_change(field, target, place)))

    assert took_effect(field, target, place) is allowed
    if allowed:
        assert response.status_code == 302
    elif actor_role not in CHANGERS or not expected_outcome(actor_role, target_role, "email"):
        # Out of reach by role or rank: the page does not open at all.
        assert response.status_code == 403
        assert signed_in(actor).get(url).status_code == 403


def import_row(field: str, target: Person, place: dict[str, Any]) -> bytes:
    cells = {
        "full_name": target.full_name,
        "email": target.email,
        "role": target.role,
        "job_title": target.job_title,
        "department": "Customer Service",
        "team": "Alpha",
    }
    cells |= {
        "role": {"role": new_role_for(target.role)},
        "team": {"team": "Beta"},
        "job_title": {"job_title": "New title"},
    }[field]
    header = ",".join(cells)
    return f"{header}\r\n{','.join(cells.values())}\r\n".encode()


@pytest.mark.parametrize("field", ["role", "team", "job_title"])
@pytest.mark.parametrize("target_role", ORDER)
@pytest.mark.parametrize("actor_role", ORDER)
def test_rank_through_the_csv_import(actor_role, target_role, field, place):
    actor, target = make_actor(actor_role, place), make_target(target_role, place)
    allowed = expected_outcome(actor_role, target_role, field, importing=True)
    client = signed_in(actor)
    content = import_row(field, target, place)
    upload = SimpleUploadedFile("people.csv", content, "text/csv")

    preview = client.post(reverse("people:import"), {"file": upload})

    if actor_role not in IMPORTERS:
        assert preview.status_code == 403
        assert not took_effect(field, target, place)
        return
    result = preview.context["result"]
    assert result.is_valid is allowed
    if not allowed:
        # The row names the field at fault: the role or team it may not change, or, for any
        # other field, the person it may not change at all (whom it names by email).
        columns = {problem.column for row in result.rows for problem in row.problems}
        assert columns == ({"email"} if field == "job_title" else {field})
        assert "import-confirm" not in preview.text
        assert not imports.commit_import(actor=actor, content=content).committed
    else:
        upload_id = preview.context["confirm"]["upload"].value()
        confirm = client.post(reverse("people:import-confirm"), {"upload": upload_id})
        assert confirm.status_code == 302
    assert took_effect(field, target, place) is allowed


# The account takeover the review found ---------------------------------------------------------


@pytest.fixture
def admin_in_department(place):
    """An admin who sits in the manager's own department."""
    return make_target("admin", place)


def test_a_manager_cannot_take_over_an_admin_through_email_and_password_reset(
    place, admin_in_department
):
    manager = make_actor("manager", place)
    attacker = "attacker@evil.test"
    client = signed_in(manager)

    api = client.patch(
        f"{API}/people/{admin_in_department.pk}",
        {"email": attacker},
        content_type="application/json",
    )
    page = client.post(
        reverse("people:person-edit", args=[admin_in_department.pk]),
        person_form(admin_in_department, email=attacker),
    )
    reset = Client().post(reverse("password_reset"), {"email": attacker})

    assert (api.status_code, page.status_code) == (403, 403)
    assert reset.status_code == 302
    assert mail.outbox == []
    stored = Person.objects.select_related("user").get(pk=admin_in_department.pk)
    assert stored.email == admin_in_department.email
    assert stored.user is not None
    assert stored.user.username == admin_in_department.email


def test_a_team_lead_cannot_deactivate_a_manager_on_their_team(place):
    lead = make_actor("team_lead", place)
    manager = make_target("manager", place)

    response = signed_in(lead).patch(
        f"{API}/people/{manager.pk}", {"is_active": False}, content_type="application/json"
    )

    assert response.status_code == 403
    assert Person.objects.get(pk=manager.pk).is_active


def test_the_profile_offers_edit_only_to_those_who_outrank(place):
    executive = make_target("executive", place)
    url = reverse("people:person-detail", args=[executive.pk])
    edit = reverse("people:person-edit", args=[executive.pk])

    assert edit not in signed_in(make_actor("manager", place)).get(url).text
    assert edit in signed_in(make_actor("admin", place)).get(url).text


# Own role and active state ---------------------------------------------------------------------


@pytest.mark.parametrize("role", sorted(CHANGERS))
@pytest.mark.parametrize(
    "change", [{"role": "agent"}, {"role": "team_lead"}, {"is_active": False}], ids=str
)
def test_nobody_changes_their_own_role_or_active_state(role, change, place):
    actor = make_actor(role, place)
    if change.get("role") == role:
        change = {"role": "manager"}

    response = signed_in(actor).patch(
        f"{API}/people/{actor.pk}", change, content_type="application/json"
    )

    assert response.status_code == 403, response.content
    stored = Person.objects.get(pk=actor.pk)
    assert (stored.role, stored.is_active) == (role, True)


def test_a_manager_may_still_change_their_own_job_title(place):
    manager = make_actor("manager", place)

    response = signed_in(manager).patch(
        f"{API}/people/{manager.pk}",
        {"job_title": "Head of service"},
        content_type="application/json",
    )

    assert response.status_code == 200
    assert Person.objects.get(pk=manager.pk).job_title == "Head of service"


def test_the_edit_form_locks_your_own_role_and_active_state(place):
    admin = make_actor("admin", place)
    url = reverse("people:person-edit", args=[admin.pk])
    client = signed_in(admin)

    form = client.get(url).context["form"]
    client.post(url, person_form(admin, role="manager", is_active=False))

    assert form.fields["role"].disabled
    assert form.fields["is_active"].disabled
    stored = Person.objects.get(pk=admin.pk)
    assert (stored.role, stored.is_active) == (Role.ADMIN, True)


def test_an_import_row_cannot_change_the_importers_own_role(place):
    manager = make_actor("manager", place)
    content = (
        "full_name,email,role,department\r\n"
        f"Mo Manager,{manager.email},team_lead,Customer Service\r\n"
    ).encode()

    preview = signed_in(manager).post(
        reverse("people:import"), {"file": SimpleUploadedFile("p.csv", content, "text/csv")}
    )

    problems = [(p.column, p.message) for r in preview.context["result"].rows for p in r.problems]
    assert problems == [("role", "Nobody changes their own role.")]


# Giving roles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ORDER)
def test_a_manager_gives_only_roles_below_their_own(role, place):
    manager = make_actor("manager", place)
    agent = make_target("agent", place)
    allowed = role in gives("manager")

    change = signed_in(manager).patch(
        f"{API}/people/{agent.pk}", {"role": role}, content_type="application/json"
    )
    create = signed_in(manager).post(
        f"{API}/people",
        {
            "full_name": "Nia New",
            "email": "nia@example.test",
            "role": role,
            "department": place["cs"].pk,
            "team": place["alpha"].pk,
        },
        content_type="application/json",
    )

    assert change.status_code == (200 if allowed else 403)
    assert create.status_code == (201 if allowed else 403)
    assert Person.objects.filter(email="nia@example.test").exists() is allowed


def test_the_role_select_offers_only_roles_the_editor_may_give(place):
    agent = make_target("agent", place)
    url = reverse("people:person-edit", args=[agent.pk])

    def offered(role: str) -> list[str]:
        form = signed_in(make_actor(role, place)).get(url).context["form"]
        return [value for value, _label in form.fields["role"].choices]

    assert offered("manager") == ["agent", "team_lead"]
    assert offered("team_lead") == ["agent"]
    assert offered("admin") == list(ORDER)


def test_an_admin_may_make_and_change_another_admin(place):
    admin = make_actor("admin", place)
    agent, other_admin = make_target("agent", place), make_target("admin", place)
    client = signed_in(admin)

    promote = client.patch(
        f"{API}/people/{agent.pk}", {"role": "admin"}, content_type="application/json"
    )
    demote = client.patch(
        f"{API}/people/{other_admin.pk}", {"role": "manager"}, content_type="application/json"
    )

    assert (promote.status_code, demote.status_code) == (200, 200)
    assert Person.objects.get(pk=agent.pk).role == Role.ADMIN
    assert Person.objects.get(pk=other_admin.pk).role == Role.MANAGER


# The last active admin -------------------------------------------------------------------------


@pytest.fixture
def last_admin(place) -> Person:
    return make_actor("admin", place)


@pytest.fixture
def admin_without_login(place) -> Person:
    """An admin who cannot sign in, whose API key still acts with their rights."""
    return PersonFactory.create(role=Role.ADMIN, department=place["it"], team=None)


@pytest.mark.parametrize("change", [{"role": "manager"}, {"is_active": False}], ids=str)
def test_the_last_active_admin_cannot_be_demoted_through_the_api(
    change, last_admin, admin_without_login
):
    key = create_api_key(actor=admin_without_login, name="HR sync", scope=ApiKeyScope.READ_WRITE)

    response = Client().patch(
        f"{API}/people/{last_admin.pk}",
        change,
        content_type="application/json",
        headers={"Authorization": f"Bearer {key.secret}"},
    )

    assert response.status_code == 422, response.content
    assert [error["field"] for error in response.json()["errors"]] == list(change)
    stored = Person.objects.get(pk=last_admin.pk)
    assert (stored.role, stored.is_active) == (Role.ADMIN, True)


@pytest.mark.parametrize("change", [{"role": Role.MANAGER}, {"is_active": False}], ids=str)
def test_the_last_active_admin_cannot_be_demoted_through_the_service(
    change, last_admin, admin_without_login
):
    with pytest.raises(ValidationError) as refused:
        services.update_person(actor=admin_without_login, person=last_admin, **change)

    assert set(refused.value.message_dict) == set(change)
    with pytest.raises(PermissionDenied):
        services.update_person(actor=last_admin, person=last_admin, **change)
    assert Person.objects.get(pk=last_admin.pk).role == Role.ADMIN


def test_the_last_active_admin_cannot_demote_themselves_through_the_page_or_import(last_admin):
    client = signed_in(last_admin)
    url = reverse("people:person-edit", args=[last_admin.pk])
    content = (
        f"full_name,email,role,department\r\nAd Min,{last_admin.email},manager,IT\r\n"
    ).encode()

    client.post(url, person_form(last_admin, role="manager", is_active=False))
    preview = client.post(
        reverse("people:import"), {"file": SimpleUploadedFile("p.csv", content, "text/csv")}
    )

    assert not preview.context["result"].is_valid
    stored = Person.objects.get(pk=last_admin.pk)
    assert (stored.role, stored.is_active) == (Role.ADMIN, True)


# The admin site --------------------------------------------------------------------------------


def admin_person_form(person: Person, **changes: Any) -> dict[str, Any]:
    data = {
        "full_name": person.full_name,
        "email": person.email,
        "role": person.role,
        "job_title": person.job_title,
        "department": person.department_id,
        "team": person.team_id or "",
        "manager": "",
        "buddy": "",
        "user": person.user_id or "",
        "is_active": "on" if person.is_active else "",
        "hire_date": person.hire_date.isoformat() if person.hire_date else "",
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not False}


def test_the_admin_site_refuses_an_admins_own_role_and_active_state(last_admin):
    client = signed_in(last_admin)
    url = reverse("admin:people_person_change", args=[last_admin.pk])

    role = client.post(url, admin_person_form(last_admin, role="manager"))
    active = client.post(url, admin_person_form(last_admin, is_active=False))
    unlink = client.post(url, admin_person_form(last_admin, user=""))

    for response in (role, active, unlink):
        assert response.status_code == 200
        assert response.context["adminform"].form.errors
    stored = Person.objects.get(pk=last_admin.pk)
    assert (stored.role, stored.is_active, stored.user_id) == (
        Role.ADMIN,
        True,
        last_admin.user_id,
    )


def test_the_admin_site_refuses_to_switch_off_your_own_login(last_admin):
    client = signed_in(last_admin)
    user = last_admin.user
    assert user is not None
    url = reverse("admin:auth_user_change", args=[user.pk])
    data = {
        "username": user.username,
        "email": user.email,
        "date_joined_0": "2025-01-01",
        "date_joined_1": "00:00:00",
        "is_staff": "on",
        "is_superuser": "on",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors
    user.refresh_from_db()
    assert user.is_active
    assert user.is_superuser


def test_the_admin_site_cannot_delete_yourself_or_the_last_admin(last_admin):
    client = signed_in(last_admin)

    page = client.post(reverse("admin:people_person_delete", args=[last_admin.pk]), {"post": "yes"})
    bulk = client.post(
        reverse("admin:people_person_changelist"),
        {"action": "delete_selected", "_selected_action": [last_admin.pk], "post": "yes"},
    )

    assert page.status_code == 403
    assert bulk.status_code == 403
    assert Person.objects.filter(pk=last_admin.pk).exists()


def test_the_admin_site_changes_another_admin_and_their_login_follows(last_admin, place):
    other = make_target("admin", place)
    client = signed_in(last_admin)

    response = client.post(
        reverse("admin:people_person_change", args=[other.pk]),
        admin_person_form(other, email="Other.Admin@Example.test", is_active=False),
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    stored = Person.objects.select_related("user").get(pk=other.pk)
    assert stored.email == "other.admin@example.test"
    assert not stored.is_active
    assert stored.user is not None
    assert stored.user.username == "other.admin@example.test"
    assert not stored.user.is_active


def test_the_admin_site_adds_a_person_only_through_the_check(last_admin, place):
    client = signed_in(last_admin)
    data = admin_person_form(
        Person(
            full_name="Nia New",
            email="nia@example.test",
            role=Role.ADMIN,
            department=place["cs"],
            team=place["alpha"],
        )
    )

    response = client.post(reverse("admin:people_person_add"), data)

    assert response.status_code == 302
    assert Person.objects.get(email="nia@example.test").role == Role.ADMIN
